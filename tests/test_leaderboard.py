"""The leaderboard: scoring rows, renderers, README markers, and that committed results match code and README."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rukp import paths
from rukp.errors import RukpError
from rukp.extractors import register
from rukp.leaderboard import (
    README_END,
    README_START,
    System,
    readme_block,
    render_readme_block,
    replace_readme_block,
    run_leaderboard,
    write_outputs,
)

TEXTS = ["Vladimir Poutine est arrivé à Moscou mardi.\nLe Kremlin a confirmé la visite.",
         "Kim Jong-un a reçu Sergueï Lavrov à Pyongyang."]
MENTIONS = [[("Vladimir Poutine", "PER"), ("Moscou", "GPE"), ("mardi", "DATE")],
            [("Kim Jong-un", "PER"), ("Sergueï Lavrov", "PER"), ("Pyongyang", "GPE")]]
GOLD_ENTITIES = [[(t.index(m), t.index(m) + len(m), lab) for m, lab in ms] for t, ms in zip(TEXTS, MENTIONS,
                                                                                          strict=True)]


@pytest.fixture()
def gold(tmp_path) -> Path:
    rows = []
    for i, (text, ents) in enumerate(zip(TEXTS, GOLD_ENTITIES, strict=True)):
        rows.append({"id": f"{i:03d}", "text": text, "entities": [
            {"id": f"{i:03d}-E{j}", "start": s, "end": e, "text": text[s:e], "label": lab,
             "entity_id": None} for j, (s, e, lab) in enumerate(ents)],
            "claims": [{"id": f"{i:03d}-C0", "start": 0, "end": len(text.split("\n")[0]),
                        "text": text.split("\n")[0], "claimer": "AUTHOR", "co_claimers": [],
                        "claimer_start": None, "claimer_end": None, "polarity": "affirmed",
                        "certainty": "certain", "topic": "diplomatic_visit", "cluster": f"c{i}",
                        "quantity": None}],
            "relations": []})
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


class Oracle:
    """Returns the gold entities of the test documents (an upper bound for the test)."""

    def extract(self, text):
        ents = GOLD_ENTITIES[TEXTS.index(text)] if text in TEXTS else []
        return {"entities": [{"start": s, "end": e, "label": lab} for s, e, lab in ents], "claims": []}


register("test-oracle", Oracle)


def by(board, system, view):
    return next(r for r in board["rows"] if r["system"] == system and r["view"] == view)


def test_rows_per_system_and_view_with_intervals(gold, tmp_path):
    systems = [System("empty", "lower bound"), System("capitalised", "lower bound"), System("test-oracle")]
    board, runs = run_leaderboard(systems, gold=gold, bootstrap=200, root=tmp_path)
    assert [(r["system"], r["view"]) for r in board["rows"]] == [
        (s.spec, v) for v in ("fine", "coarse") for s in systems]
    oracle = by(board, "test-oracle", "fine")
    assert oracle["entity_f1_strict"] == 1.0 and oracle["entity_f1_strict_ci"] == [1.0, 1.0]
    assert by(board, "test-oracle", "coarse")["entity_f1_strict"] == 1.0  # DATE leaves the coarse view
    assert by(board, "empty", "fine")["entity_f1_strict"] == 0.0
    cap = by(board, "capitalised", "fine")
    assert 0.0 < cap["entity_f1_strict"] < 1.0
    lo, hi = cap["entity_f1_strict_ci"]
    assert lo <= cap["entity_f1_strict"] <= hi
    assert cap["claim_f1"] is None and cap["claims_scored"] is False  # predicts no claims: not applicable
    assert all(run.docs_per_second > 0 for run in runs)
    assert "docs_per_s" not in json.dumps(board)  # timings vary run to run: never in the committed leaderboard
    assert board["gold"]["documents"] == 2 and board["gold"]["entities"] == 6 and board["gold"]["claims"] == 2
    assert [n for n in board["notes"] if "annotator A" in n]  # no human pass in this root


def test_human_rows_when_annotator_passes_exist(gold, tmp_path):
    folder = tmp_path / "annotations" / "raw" / "A"
    folder.mkdir(parents=True)
    rows = [{"doc_id": f"{i:03d}", "entities": [{"start": s, "end": e, "label": lab} for s, e, lab in ents[:2]],
             "claims": [{"start": 0, "end": len(TEXTS[i].split("\n")[0]), "claimer": "AUTHOR"}]}
            for i, ents in enumerate(GOLD_ENTITIES)]
    (folder / "predictions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    board, _ = run_leaderboard([System("empty")], gold=gold, bootstrap=0, root=tmp_path)
    human = by(board, "annotator A (AI, guidelines)", "fine")
    assert human["kind"] == "annotator" and human["documents"] == 2  # AI agents: annotators, not "human"
    assert human["entity_f1_strict"] == pytest.approx(2 * 4 / (6 + 4))
    assert human["claim_f1"] == 1.0 and human["claimer_accuracy"] == 1.0
    assert [n for n in board["notes"] if "annotator B" in n] and not [n for n in board["notes"]
                                                                        if "annotator A" in n]


def test_an_annotator_row_scores_only_the_documents_its_pass_annotated(gold, tmp_path):
    folder = tmp_path / "annotations" / "raw" / "A"
    folder.mkdir(parents=True)
    perfect = {"doc_id": "000", "entities": [{"start": s, "end": e, "label": lab} for s, e, lab in GOLD_ENTITIES[0]],
               "claims": [{"start": 0, "end": len(TEXTS[0].split("\n")[0]), "claimer": "AUTHOR"}]}
    (folder / "predictions.jsonl").write_text(json.dumps(perfect) + "\n")  # document 001 came after this pass
    board, _ = run_leaderboard([System("empty")], gold=gold, bootstrap=0, root=tmp_path)
    row = by(board, "annotator A (AI, guidelines)", "fine")
    assert row["entity_f1_strict"] == 1.0 and row["claim_f1"] == 1.0 and row["documents"] == 1
    assert by(board, "empty", "fine")["documents"] == 2
    assert [n for n in board["notes"] if "annotator A" in n and "scored on the 1 document it annotated, of the "
            "gold's 2" in n]
    # a rebuilt pass may list later documents with no annotation: its raw files say which documents it annotated
    (folder / "predictions.jsonl").write_text(json.dumps(perfect) + "\n" + json.dumps(
        {"doc_id": "001", "entities": [], "claims": []}) + "\n")
    (folder / "000.json").write_text("{}")
    board, _ = run_leaderboard([System("empty")], gold=gold, bootstrap=0, root=tmp_path)
    assert by(board, "annotator A (AI, guidelines)", "fine")["entity_f1_strict"] == 1.0


def test_outputs_written_together_and_rescorable(gold, tmp_path):
    from rukp import evaluate

    board, runs = run_leaderboard([System("capitalised")], gold=gold, bootstrap=0, root=tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{README_START}\nold table\n{README_END}\nafter\n")
    out = tmp_path / "results"
    write_outputs(board, runs, out, readme=readme)
    for name in ("leaderboard.json", "leaderboard.md", "leaderboard.png", "predictions/capitalised.jsonl"):
        assert (out / name).is_file(), name
    assert (out / "leaderboard.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = readme.read_text()
    assert text.startswith("# Title\n\nbefore\n") and text.endswith(f"{README_END}\nafter\n")
    assert readme_block(text) == render_readme_block(json.loads((out / "leaderboard.json").read_text()))
    report = evaluate(str(out / "predictions" / "capitalised.jsonl"), gold=gold, bootstrap=0)
    assert report.f1("fine") == by(board, "capitalised", "fine")["entity_f1_strict"]


def test_a_second_run_with_other_timings_changes_no_file(gold, tmp_path):
    """Only scores reach the committed files: new timings rewrite throughput.json alone, README bytes stay."""
    from dataclasses import replace

    from rukp.leaderboard import THROUGHPUT_FILE

    board, runs = run_leaderboard([System("capitalised"), System("test-oracle")], gold=gold, bootstrap=50,
                                  root=tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n{README_START}\nold table\n{README_END}\n")
    out = tmp_path / "results"
    first = write_outputs(board, runs, out, readme=readme)
    assert readme in first and out / "leaderboard.png" in first
    snapshot = {p: p.read_bytes() for p in [readme, *out.rglob("*")] if p.is_file()}
    again, slower = run_leaderboard([System("capitalised"), System("test-oracle")], gold=gold, bootstrap=50,
                                    root=tmp_path)
    slower = [replace(r, load_seconds=r.load_seconds + 7.0, extract_seconds=r.extract_seconds * 1000 + 3.0)
              for r in slower]
    assert write_outputs(again, slower, out, readme=readme) == [out / THROUGHPUT_FILE]
    for path, data in snapshot.items():
        if path.name != THROUGHPUT_FILE:
            assert path.read_bytes() == data, path
    timings = json.loads((out / THROUGHPUT_FILE).read_text())["systems"]
    assert [t["system"] for t in timings] == ["capitalised", "test-oracle"]
    assert all(t["extract_s"] >= 3.0 for t in timings)
    assert write_outputs(again, slower, out, readme=readme) == []  # nothing at all changed


def test_throughput_is_not_committed():
    import subprocess

    from rukp.leaderboard import THROUGHPUT_FILE

    path = f"benchmark/results/{THROUGHPUT_FILE}"
    ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=paths.repo_root(), check=False)
    if ignored.returncode == 128:
        pytest.skip("not a git checkout")
    assert ignored.returncode == 0, f"{path} must be in .gitignore: it varies run to run"
    assert "docs/s" not in readme_block((paths.repo_root() / "README.md").read_text(encoding="utf-8"))


def test_missing_markers_fail_before_anything_is_written(gold, tmp_path):
    board, runs = run_leaderboard([System("empty")], gold=gold, bootstrap=0, root=tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text("# no markers here\n")
    with pytest.raises(RukpError, match="leaderboard:start") as e:
        write_outputs(board, runs, tmp_path / "results", readme=readme)
    assert e.value.path == str(readme)
    assert not (tmp_path / "results" / "leaderboard.json").exists()
    assert not list((tmp_path / "results").glob("*.png")) if (tmp_path / "results").exists() else True


def test_replace_readme_block_rejects_duplicated_markers():
    with pytest.raises(RukpError):
        replace_readme_block(f"{README_START}\n{README_END}\n{README_START}\n{README_END}\n", "x")


RESULTS = paths.repo_root() / "benchmark" / "results"


def test_readme_table_matches_committed_leaderboard():
    """The README table is regenerated from leaderboard.json (no model run): stale README fails here."""
    board = json.loads((RESULTS / "leaderboard.json").read_text(encoding="utf-8"))
    readme = paths.repo_root() / "README.md"
    assert readme_block(readme.read_text(encoding="utf-8"), path=readme) == render_readme_block(board), (
        "README leaderboard is stale: run `rukp benchmark`")


def test_committed_leaderboard_covers_every_default_system():
    from rukp.leaderboard import default_systems, predictions_filename

    board = json.loads((RESULTS / "leaderboard.json").read_text(encoding="utf-8"))
    names = {r["system"] for r in board["rows"]}
    for system in default_systems():
        assert system.spec in names
        assert (RESULTS / "predictions" / predictions_filename(system.spec)).is_file()


@pytest.mark.slow
@pytest.mark.parametrize("spec", ["spacy+rules", "rules-claims"])
def test_committed_predictions_match_the_code(spec):
    """Rerun one baseline over the bundled gold: the committed predictions file must be what the code gives."""
    from rukp.extractors import resolve
    from rukp.io.jsonl import read_jsonl
    from rukp.leaderboard import predictions_filename

    committed = read_jsonl(RESULTS / "predictions" / predictions_filename(spec))
    docs = read_jsonl(paths.BUNDLED_DATA / "documents.jsonl")
    extractor = resolve(spec)
    fresh = [{"doc_id": d["id"], **extractor.extract(d["text"])} for d in docs]
    assert fresh == committed, f"benchmark/results is stale for {spec}: run `rukp benchmark`"


@pytest.mark.slow
def test_benchmark_twice_leaves_the_readme_and_results_byte_identical(tmp_path, monkeypatch, rukp):
    """`rukp benchmark` on a copy of the checkout: the second run changes no byte of README.md or the results."""
    import gold_checks

    root = gold_checks.copy_checkout(tmp_path / "repo")
    monkeypatch.setenv("RUKP_ROOT", str(root))
    out = root / "benchmark" / "results"
    args = ("benchmark", "--systems", "capitalised", "--bootstrap", "50", "--readme", "--out", out, "--quiet")
    code, said, _ = rukp(*args)
    assert code == 0 and "(including the README table)" in said
    first = {p: p.read_bytes() for p in [root / "README.md", *out.rglob("*")] if p.is_file()}
    code, said, err = rukp(*args)
    assert code == 0 and said.strip().endswith(f"throughput in {out / 'throughput.json'}.")
    assert "are unchanged and so is the README table" in said and err == ""  # no bar: stderr is not a terminal
    for path, data in first.items():
        if path.name != "throughput.json":
            assert path.read_bytes() == data, path


def test_notes_are_about_the_systems_in_the_run(gold, tmp_path):
    """`--systems capitalised` without annotator rows: no note about spacy+rules or the annotator rows."""
    board, _ = run_leaderboard([System("capitalised")], gold=gold, bootstrap=0, humans=False, root=tmp_path)
    assert not [n for n in board["notes"] if "spacy+rules" in n or "Annotator rows" in n]
    assert board["notes"] == ["With 2 documents, intervals are wide and overlapping rows are not distinguishable."]


def test_terminal_tables_fit_80_columns_with_system_names_whole() -> None:
    from rich.console import Console

    from rukp.leaderboard import render_rich

    board = json.loads((RESULTS / "leaderboard.json").read_text(encoding="utf-8"))
    console = Console(width=80, record=True)
    console.print(render_rich(board))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80 and "…" not in text
    for row in board["rows"]:  # every word of every system name is printed whole
        assert all(word in text for word in row["system"].split())


def test_systems_without_out_would_replace_the_committed_leaderboard_so_it_is_refused(rukp) -> None:
    before = (RESULTS / "leaderboard.json").read_bytes()
    code, _, err = rukp("benchmark", "--systems", "capitalised", "--quiet")
    assert code == 2 and "--out" in err
    assert (RESULTS / "leaderboard.json").read_bytes() == before
