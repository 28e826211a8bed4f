"""What a newcomer reads: the scope said once and as report.scope has it, unaligned and fuzzy items listed in every
report, the HTML page's counts with unaligned items, a short repr, plots in the suffix's format, --help at 80
columns, singular counts, and no `datasets` on the evaluate path."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import rukp
from rukp.evaluation import compare
from rukp.reports import html, markdown

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "eval" / "gold.jsonl"
DOCS = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A gold without claims, entity-only predictions, LLM-style strings with a misspelt item (fuzzy) and a
    string found nowhere (unaligned) per document."""
    no_claims = _write(tmp_path / "nocl.jsonl", [{k: v for k, v in d.items() if k != "claims"} for d in DOCS])
    ents = _write(tmp_path / "ents.jsonl", [{"doc_id": d["id"], "entities": [
        {k: e[k] for k in ("start", "end", "label")} for e in d["entities"]]} for d in DOCS])
    rows = []
    for d in DOCS:
        items = [{"text": e["text"], "label": e["label"]} for e in d["entities"]]
        items[0]["text"] = items[0]["text"][:-1] + "x"
        items.append({"text": "Pyongyangzzz nulle part", "label": "GPE"})
        rows.append({"doc_id": d["id"], "entities": items, "claims": [
            {"text": d["text"][c["start"]:c["end"]], "claimer": c["claimer"]} for c in d["claims"]]})
    return {"nocl": no_claims, "ents": ents, "llm": _write(tmp_path / "llm.jsonl", rows)}


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_scope_is_said_once_as_report_scope_has_it(files, rukp, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    md = tmp_path / "r.md"
    page = tmp_path / "r.html"
    code, out, _ = rukp("evaluate", "-p", files["ents"], "--gold", files["nocl"], "--bootstrap", 0,
                        "--markdown", md, "--html", page)
    assert code == 0
    for text in (out, md.read_text(encoding="utf-8"), page.read_text(encoding="utf-8")):
        assert _flat(text).count("claims: no gold") == 1 and "not predicted" not in text
    code, out, _ = rukp("evaluate", "--compare", files["ents"], files["llm"], "--gold", GOLD, "--bootstrap", 0,
                        "--shuffles", 10, "--json", tmp_path / "c.json")
    assert code == 0
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert data["b"]["scope"]["claims"] == "not compared"
    b_part = out.split("B: ")[1]
    assert _flat(b_part).count("claims: not compared") == 1 and "not predicted" not in out


def test_unaligned_and_fuzzy_items_are_listed(files, rukp, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = rukp("evaluate", "-p", files["llm"], "--gold", GOLD, "--bootstrap", 0,
                        "--json", tmp_path / "r.json", "--markdown", tmp_path / "r.md")
    assert code == 0
    alignment = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["alignment"]
    assert set(alignment) == {"entities", "claims", "unaligned", "fuzzy"}
    assert [u["doc"] for u in alignment["unaligned"]] == ["d1", "d2"]
    fuzzy = alignment["fuzzy"]
    assert [(f["doc"], f["text"], f["matched"]) for f in fuzzy] == [
        ("d1", "Vladimir Poutinx", "Vladimir Poutine"), ("d2", DOCS[1]["entities"][0]["text"][:-1] + "x",
                                                         DOCS[1]["entities"][0]["text"])]
    assert all(0.85 <= f["score"] < 1 and f["kind"] == "entity" for f in fuzzy)
    assert alignment["entities"]["fuzzy"] == 2 and alignment["entities"]["unaligned"] == 2
    lines = out.splitlines()
    assert "unaligned (counted as spurious): 2" in lines
    assert "  d1 entity 'Pyongyangzzz nulle part' GPE: not found in the text" in lines
    assert any(ln.startswith("  d1 entity 'Vladimir Poutinx' → 'Vladimir Poutine' 0.9") for ln in lines)
    assert max(len(ln) for ln in lines) <= 80
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Pyongyangzzz nulle part" in md and "| Vladimir Poutinx | Vladimir Poutine |" in md


def test_terminal_caps_the_lists(files, tmp_path):
    rows = [json.loads(line) for line in files["llm"].read_text(encoding="utf-8").splitlines()]
    rows[0]["entities"] += [{"text": f"Nowhere{i} {'long words ' * 10}", "label": "GPE"} for i in range(12)]
    report = rukp.evaluate(_write(tmp_path / "many.jsonl", rows), gold=GOLD, bootstrap=0, progress=False)
    from rukp.reports.tables import alignment_item_lines

    lines = alignment_item_lines(report)
    assert "  … and 4 more (see --json)" in lines and sum(ln.startswith("  d") for ln in lines) == 10 + 2
    assert max(len(ln) for ln in lines) <= 80
    assert len(report.alignment["unaligned"]) == 14


def test_html_counts_and_lists_unaligned_items(files):
    report = rukp.evaluate(files["llm"], gold=GOLD, bootstrap=0, progress=False)
    page = html.render(report)
    strict = report.to_dict()["entities"]["fine.v1"]["schemes"]["strict"]["overall"]
    shown = dict(re.findall(r'data-view="fine.v1" data-outcome="(\w+)" data-count="(\d+)"', page))
    assert int(shown["spurious"]) == strict["spurious"] == 2
    assert page.count("Unaligned (counted as spurious)") == 2  # in d1's and d2's sections
    assert "«Pyongyangzzz nulle part» (GPE): not found in the text" in page
    assert "unaligned[0]" not in page and '<th>fuzzy</th><td>2</td><td>0</td>' in page
    assert "<td lang=\"fr\">Vladimir Poutinx</td><td lang=\"fr\">Vladimir Poutine</td>" in page


def test_repr_is_short(files):
    report = rukp.evaluate(files["llm"], gold=GOLD, bootstrap=0, progress=False)
    text = repr(report)
    assert text == str(report) and len(text.splitlines()) <= 5 and len(text) < 400
    assert "llm.jsonl" in text and f"strict F1 {report.f1():.3f}" in text and "claims: detection F1" in text
    comparison = compare(files["ents"], files["llm"], gold=GOLD, bootstrap=0, shuffles=10, progress=False)
    both, conclusions = repr(comparison), comparison.conclusions()
    # the headlines and scopes of both systems, then one conclusion per headline figure (wrapped at 80)
    assert conclusions and all(" ".join(c.split()) in " ".join(both.split()) for c in conclusions)
    assert len(both.splitlines()) <= 7 + 2 * len(conclusions) and "claims: not compared" in both
    assert all(len(line) <= 80 for line in both.splitlines()[7:])


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".pdf", b"%PDF"), (".png", b"\x89PNG")])
def test_plot_writes_the_suffix_format(files, rukp, tmp_path, suffix, magic):
    out = tmp_path / f"r{suffix}"
    code, _, _ = rukp("evaluate", "-p", files["ents"], "--gold", GOLD, "--bootstrap", 0, "-q", "--plot", out)
    assert code == 0 and out.read_bytes().startswith(magic)


def test_plot_refuses_other_suffixes_before_scoring(rukp, tmp_path):
    # the predictions file does not exist: the plot's suffix is checked first
    code, _, err = rukp("evaluate", "-p", tmp_path / "missing.jsonl", "--plot", tmp_path / "r.jpg")
    assert code == 2 and "r.jpg: cannot write a plot as a .jpg file" in err and ".png, .svg, .pdf" in err
    assert not (tmp_path / "r.jpg").exists()


def _commands(rukp, prefix: list[str]) -> list[list[str]]:
    _, out, _ = rukp(*prefix, "--help")
    found = [prefix]
    if "Commands:" in out:
        for line in out.split("Commands:")[1].splitlines():
            m = re.match(r"  (\S+)", line)
            if m:
                found += _commands(rukp, [*prefix, m.group(1)])
    return found


def test_help_fits_80_columns(rukp, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    commands = _commands(rukp, [])
    assert ["evaluate"] in commands and ["labelstudio", "push"] in commands and len(commands) > 15
    for cmd in commands:
        code, out, _ = rukp(*cmd, "--help")
        assert code == 0
        too_long = [ln for ln in out.splitlines() if len(ln) > 80 or "…" in ln]
        assert not too_long, (cmd, too_long)
    _, out, _ = rukp("evaluate", "--help")
    assert "--nervaluate-compatible" in out and "(.conll/.bio/.iob/.iob2/.tsv)" in out and "<bool>" not in out
    code, out, _ = rukp("--version")
    assert code == 0 and out.strip() == f"rukp {rukp_version()}"


def rukp_version() -> str:
    return rukp.__version__


def test_counts_agree_with_their_nouns(files, rukp, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = rukp("evaluate", "-p", files["ents"], "--gold", GOLD, "--bootstrap", 0, "--doc", "d1")
    assert code == 0
    assert "one document cannot be resampled" in out
    assert "(1 document, sha256" in out and not re.search(r"\b1 (selected )?documents\b", out)


def test_text_file_that_is_not_json_suggests_conll(rukp, tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("Vladimir B-PER\nPoutine I-PER\n", encoding="utf-8")
    code, _, err = rukp("evaluate", "-p", path, "--gold", GOLD, "--bootstrap", 0, "-q")
    assert code == 2 and "not valid JSON" in err and "(if this is CoNLL, add --format conll)" in err


def test_evaluate_never_imports_datasets(files, tmp_path):
    """Claimers given as names are resolved through the kb read as plain JSONL: no `datasets` (whose loader
    prints "Generating test split") on the evaluate path, for the bundled gold and for the HTML page."""
    claims = [json.loads(line) for line in (rukp.paths.BUNDLED_DATA / "claims.jsonl").read_text().splitlines()]
    rows = {}
    for c in claims:
        rows.setdefault(c["doc_id"], []).append({"text": c["text"], "claimer": "Vladimir Poutine"})
    preds = _write(tmp_path / "names.jsonl", [{"doc_id": d, "claims": cs} for d, cs in rows.items()])
    code = ("import sys, rukp\nfrom rukp.cli import main\n"
            f"try:\n    main(['evaluate', '-p', {str(preds)!r}, '--bootstrap', '0', '--html', "
            f"{str(tmp_path / 'p.html')!r}])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print('DATASETS' if 'datasets' in sys.modules else 'CLEAN')")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "benchmark"), "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("CLEAN") and "Generating" not in done.stdout + done.stderr


def test_markdown_lists_the_counts_per_status(files):
    report = rukp.evaluate(files["llm"], gold=GOLD, bootstrap=0, progress=False)
    md = markdown.render(report)
    assert "Fuzzy (placed on a similar text)" in md
    assert Counter(line.split("|")[1].strip() for line in md.splitlines() if re.match(r"\| d\d \|", line)) == {
        "d1": 2, "d2": 2}


def test_one_document_has_no_interval_over_documents() -> None:
    import rukp
    from rukp.paths import repo_root

    predictions = repo_root() / "benchmark" / "results" / "predictions" / "spacy+rules.jsonl"
    report = rukp.evaluate(predictions, docs=["000"], bootstrap=200, progress=False)
    interval = report.interval("entities.fine.v1.strict.f1")
    assert interval.point is not None and interval.low is None and interval.high is None
    assert report.interval("entities.fine.v1.strict.f1", "sentences").low is not None
    assert any("No interval over documents" in n for n in report.metadata["notes"])


def test_a_long_unaligned_item_keeps_its_real_length() -> None:
    import rukp
    from rukp.reports.tables import alignment_item_lines

    long = "x" * 5000
    report = rukp.evaluate([{"doc_id": "000", "entities": [{"text": long, "label": "PER"}]}], claims=False,
                           bootstrap=0, progress=False)
    (item,) = report.alignment["unaligned"]
    assert item["chars"] == 5000 and len(item["text"]) == 80
    assert any("(5,000 chars)" in line for line in alignment_item_lines(report))
