"""DATASHEET.md: generated figures are fresh, computed from the data, and bad inputs fail with one clear message."""

from __future__ import annotations

import json
import re
from collections import Counter

import gold_checks
import pytest
from docs_helpers import ROOT, annotated_checkout, scratch_checkout

from rukp import schema
from rukp.cli import main
from rukp.docs.artefacts import KNOWN_ARTEFACTS, Artefact, locate
from rukp.docs.build import build_docs, render_docs
from rukp.docs.datasheet import DATASHEET_BLOCKS
from rukp.docs.figures import compute_figures, load_inputs
from rukp.docs.markers import markers, read_block, replace_block
from rukp.errors import RukpError
from rukp.io.jsonl import read_jsonl


def test_generated_documentation_is_fresh():
    """DATASHEET.md figures, the README card body and croissant.json equal what the data gives now."""
    gold_checks.check_docs_fresh(ROOT)


def test_figures_agree_with_the_other_views_of_the_data():
    """Totals computed from the documents view equal independent counts over the entities, claims, kb, ner views."""
    fig = compute_figures(load_inputs(ROOT))
    data = ROOT / "benchmark" / "rukp" / "data"
    entities, claims = read_jsonl(data / "entities.jsonl"), read_jsonl(data / "claims.jsonl")
    assert fig.total_counter("mentions") == Counter(e["label"] for e in entities)
    assert fig.total("claims") == len(claims)
    assert fig.total("tokens") == sum(len(r["tokens"]) for r in read_jsonl(data / "ner.jsonl"))
    assert fig.entity_ids == {k["entity_id"] for k in read_jsonl(data / "kb.jsonl")}
    assert set(fig.cluster_sizes) == {c["cluster"] for c in claims}


def test_figures_of_a_synthetic_gold(tmp_path):
    root, views = annotated_checkout(tmp_path)
    fig = compute_figures(load_inputs(root))
    gold = views["documents"]
    first = fig.documents[0]
    assert first.mentions == Counter(e["label"] for e in gold[0]["entities"])
    assert first.entity_ids == {e["entity_id"] for e in gold[0]["entities"] if e["entity_id"]}
    assert fig.entity_ids == {k["entity_id"] for k in views["kb"]}
    all_claims = [c for d in gold for c in d["claims"]]
    values = fig.total_counter("claim_values")
    for name in ("polarity", "certainty", "topic"):
        assert {v: n for (f, v), n in values.items() if f == name} == Counter(c[name] for c in all_claims)
    assert values[("quantity", "normalised quantity")] == sum(1 for c in all_claims if c["quantity"])
    assert values[("co-claimers", "joint claim")] == sum(1 for c in all_claims if c["co_claimers"])
    clusters = Counter(c["cluster"] for c in all_claims)
    assert fig.cluster_sizes == dict(clusters)
    spread = {k: len({d["id"] for d in gold for c in d["claims"] if c["cluster"] == k}) for k in clusters}
    assert fig.cluster_documents == spread
    assert sum(fig.total_counter("relations").values()) == sum(len(d["relations"]) for d in gold)
    # the rendered datasheet shows the totals
    datasheet = render_docs(root)[0][root / "DATASHEET.md"]
    lines = read_block(datasheet, "figures", path="x").splitlines()
    header = next(line for line in lines if line.startswith("| doc |"))
    total_row = next(line for line in lines if line.startswith("| **total**"))
    cells = dict(zip([c.strip() for c in header.strip("|").split("|")],
                     [c.strip() for c in total_row.strip("|").split("|")], strict=True))
    assert cells["entity mentions"] == str(sum(first.mentions.values())
                                           + sum(sum(d.mentions.values()) for d in fig.documents[1:]))
    assert cells["claims"] == str(len(all_claims))
    claim_sentences = sum(any(c["start"] < s["end"] and c["end"] > s["start"] for c in d["claims"])
                          for d in gold for s in d["sentences"])
    assert cells["claim sentences"] == str(claim_sentences) == str(sum(r["claim"] for r in views["sentences"]))


def test_check_reports_a_stale_block_and_build_fixes_it(tmp_path):
    root = scratch_checkout(tmp_path)
    build_docs(root)
    assert build_docs(root, check=True).stale == []
    datasheet = root / "DATASHEET.md"
    text = datasheet.read_text(encoding="utf-8")
    tampered = replace_block(text, "figures", "| doc | characters |\n|---|---|\n| 000 | 1 |", path=datasheet)
    datasheet.write_text(tampered, encoding="utf-8")
    result = build_docs(root, check=True)
    assert result.stale == [datasheet]
    assert datasheet.read_text(encoding="utf-8") == tampered, "--check must not write"
    build_docs(root)
    assert datasheet.read_text(encoding="utf-8") == text


def test_every_block_of_the_datasheet_is_generated():
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    found = re.findall(r"<!-- ([a-z_]+):start -->", text)
    assert found == list(DATASHEET_BLOCKS)


def test_missing_agreement_and_adjudication_say_not_yet(tmp_path):
    root = scratch_checkout(tmp_path)
    datasheet = render_docs(root)[0][root / "DATASHEET.md"]
    assert "not yet computed" in read_block(datasheet, "agreement", path="x")
    assert "not yet produced" in read_block(datasheet, "adjudication", path="x")


def _group(passes: tuple[str, str], value: float) -> dict:
    attr = {"n": 10, "agree": 9, "agreement": value, "kappa": value - 0.1}
    return {"passes": list(passes), "description": f"passes {' and '.join(passes)}",
            "entities": {"mentions": {passes[0]: 11, passes[1]: 12}, "strict_f1": value, "exact_f1": value,
                         "partial_f1": value, "ent_type_f1": value,
                         "per_type_strict_f1": {lab: value for lab in schema.ENTITY_LABELS},
                         "per_type_mentions": {lab: {passes[0]: 1, passes[1]: 2} for lab in schema.ENTITY_LABELS},
                         "per_document_strict_f1": {"000": value},
                         "linking": {"matched_named": 8, "same_entity": 7, "agreement": value}},
            "claims": {"claims": {passes[0]: 5, passes[1]: 6}, "matched": 4, "threshold_token_jaccard": 0.5,
                       "quoted_in_guidelines": {passes[0]: 3, passes[1]: 4},
                       "detection_f1": value, "exact_span_agreement": value, "claimer": attr, "polarity": attr,
                       "certainty": attr, "topic": attr, "quantity": {"n": 2, "agree": 1},
                       "clusters": {"b_cubed": {"precision": value, "recall": value, "f1": value},
                                    "pairwise": {"precision": None, "recall": None, "f1": None}},
                       "relations": {passes[0]: 3, passes[1]: 2, "matched": 1, "f1": value}}}


def test_agreement_figures_are_copied_from_the_file(tmp_path):
    root = scratch_checkout(tmp_path)
    agreement = {"documents": 5, "guidelines": _group(("A", "B"), 0.8123),
                 "scheme_only": _group(("C", "D"), 0.6789)}
    (root / "annotations" / "agreement.json").write_text(json.dumps(agreement), encoding="utf-8")
    block = read_block(render_docs(root)[0][root / "DATASHEET.md"], "agreement", path="x")
    assert "A vs B" in block and "C vs D" in block
    assert "0.812" in block and "0.679" in block
    assert "not yet computed" not in block
    assert "n/a / n/a / n/a" in block  # undefined pairwise figures are shown as undefined, not as 0


def test_malformed_agreement_names_the_file_and_the_field(tmp_path):
    root = scratch_checkout(tmp_path)
    group = _group(("A", "B"), 0.5)
    del group["claims"]["detection_f1"]
    (root / "annotations" / "agreement.json").write_text(json.dumps({"guidelines": group}), encoding="utf-8")
    with pytest.raises(RukpError, match=r"agreement\.json.*claims\.detection_f1"):
        render_docs(root)


def test_adjudication_counts_come_from_the_log(tmp_path):
    root = scratch_checkout(tmp_path)
    log = [{"item": f"X{i}", "kind": kind, "decision": decision, "reason": "r"}
           for i, (kind, decision) in enumerate([("claim", "A"), ("claim", "custom"), ("entity", "B"),
                                                 ("claim", "A")])]
    log[0]["differs"] = ["span", "certainty"]
    (root / "annotations" / "adjudication.jsonl").write_text("".join(json.dumps(r) + "\n" for r in log),
                                                             encoding="utf-8")
    block = read_block(render_docs(root)[0][root / "DATASHEET.md"], "adjudication", path="x")
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.strip("|").split("|")[1:]]
            for line in block.splitlines() if line.startswith("| ")}
    assert rows["claim"] == ["2", "0", "1", "3"]  # columns A, B, custom, total (only decisions that occur)
    assert rows["entity"] == ["0", "1", "0", "1"]
    assert rows["certainty"] == ["1"]


def test_adjudication_row_without_a_decision_is_an_error(tmp_path):
    root = scratch_checkout(tmp_path)
    (root / "annotations" / "adjudication.jsonl").write_text('{"item": "X", "kind": "claim"}\n', encoding="utf-8")
    with pytest.raises(RukpError, match=r"adjudication\.jsonl:1.*decision"):
        render_docs(root)


def test_a_missing_marker_is_an_error_naming_the_file(tmp_path):
    root = scratch_checkout(tmp_path)
    datasheet = root / "DATASHEET.md"
    start, _ = markers("dates")
    datasheet.write_text(datasheet.read_text(encoding="utf-8").replace(start, ""), encoding="utf-8")
    with pytest.raises(RukpError, match=r"DATASHEET\.md.*dates:start"):
        build_docs(root)


def test_every_known_artefact_is_located_verbatim():
    corpus = read_jsonl(ROOT / "corpus" / "documents.jsonl")
    texts = {d["id"]: d["text"] for d in corpus}
    occurrences = locate(corpus)
    assert {o.artefact for o in occurrences} == set(KNOWN_ARTEFACTS)
    for o in occurrences:
        assert texts[o.doc_id][o.start:o.end] == o.artefact.text


def test_an_artefact_that_no_longer_occurs_is_an_error():
    corpus = read_jsonl(ROOT / "corpus" / "documents.jsonl")
    with pytest.raises(RukpError, match="no longer occurs"):
        locate(corpus, (Artefact("zzz-not-in-any-text", "typo", "n/a"),))


def test_datasheet_answers_each_part_and_the_required_points():
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == ["Motivation", "Composition", "Collection process", "Preprocessing, cleaning and labeling",
                        "Uses", "Distribution", "Maintenance"]
    for required in ("Claude subagents", "No human annotator re-read every span", "CC BY 4.0", "Apache-2.0",
                     "titled \"takedown\"", "docs/labelstudio.md", "semantic versioning", "Chloé Son Hui",
                     "Nom Kwang Chol", "à Pyongyang", "CC’est", "never", "confidence intervals"):
        assert required.lower() in " ".join(text.split()).lower(), required


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``rukp ARGS`` in-process; returns (exit code, stdout, stderr)."""
    try:
        main(list(args))
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_check_exit_codes(tmp_path, capsys):
    root = scratch_checkout(tmp_path)
    assert not (root / "croissant.json").exists()
    code, out, _ = _cli(capsys, "docs", "build", "--check", "--root", str(root))
    assert code == 1 and "stale" in out and not (root / "croissant.json").exists()
    assert _cli(capsys, "docs", "build", "--root", str(root))[0] == 0
    code, out, _ = _cli(capsys, "docs", "build", "--check", "--root", str(root))
    assert code == 0, out


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    root = scratch_checkout(tmp_path)
    (root / "corpus" / "documents.jsonl").write_text("{not json\n", encoding="utf-8")
    before = (root / "DATASHEET.md").read_text(encoding="utf-8")
    code, out, err = _cli(capsys, "docs", "build", "--root", str(root))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in out + err
    assert "documents.jsonl:1" in err and "not valid JSON" in err
    assert (root / "DATASHEET.md").read_text(encoding="utf-8") == before, "nothing written on bad input"


def test_errata_are_listed_from_the_file(tmp_path):
    root = scratch_checkout(tmp_path)
    block = read_block(render_docs(root)[0][root / "DATASHEET.md"], "errata", path="x")
    assert "No erratum recorded" in block
    errata = [{"id": "ERR-9", "op": "set_claim", "claim": {"doc_id": "004", "text": "t"}, "set": {},
               "reason": "a reason | with a pipe"},
              {"id": "ERR-10", "op": "add_relation", "type": "supports", "source": {"doc_id": "001", "text": "a"},
               "target": {"doc_id": "000", "text": "b"}, "reason": "r"}]
    (root / "annotations" / "errata.jsonl").write_text("".join(json.dumps(e) + "\n" for e in errata),
                                                       encoding="utf-8")
    block = read_block(render_docs(root)[0][root / "DATASHEET.md"], "errata", path="x")
    assert "| ERR-9 | `set_claim` | 004 | a reason \\| with a pipe |" in block
    assert "| ERR-10 | `add_relation` | 000, 001 | r |" in block
