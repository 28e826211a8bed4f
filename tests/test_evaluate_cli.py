"""``rukp evaluate`` through ``rukp.cli.main``: each kind of bad input gives one clear message and exit 2.

Every case writes a predictions (or gold) file with one problem and checks the exit code, the file name, the
line number and the problem in the message, and that no traceback is printed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rukp.cli import main
from rukp.io.jsonl import read_jsonl

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
GOLD = FIXTURES / "gold.jsonl"
PREDS = FIXTURES / "preds.jsonl"
ROW = read_jsonl(PREDS)[0]
D1_LENGTH = len(read_jsonl(GOLD)[0]["text"])
SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "report-schema.md"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``rukp evaluate ARGS`` in-process; returns (exit code, stdout, stderr)."""
    try:
        main(["evaluate", "--gold", str(GOLD), "--bootstrap", "20", *args])
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def write_lines(path: Path, *rows: Any) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def entity(start: Any, end: Any, label: Any = "PER") -> dict:
    return {"start": start, "end": end, "label": label}


def with_entities(*entities: dict, doc_id: str = "d1") -> dict:
    return {"doc_id": doc_id, "entities": list(entities), "claims": []}


BAD_PREDICTIONS = [
    # (name, lines of the predictions file, line of the problem, expected message)
    ("not JSON", [with_entities(), '{"doc_id": "d2", "entities": ['], 2, "not valid JSON"),
    ("missing doc_id", [{"entities": [], "claims": []}], 1, "missing field 'doc_id'"),
    ("missing label", [with_entities({"start": 0, "end": 3})], 1, "predicted entity 0: missing field 'label'"),
    ("claims on some lines only", [with_entities(doc_id="d2"), {"doc_id": "d1", "entities": []}], 2,
     "has no 'claims' field, but line 1 has one: give 'claims' on every line or on none"),
    ("unknown doc_id", [with_entities(doc_id="d9")], 1, "document 'd9' is not in the gold file"),
    ("duplicate document", [with_entities(), with_entities()], 2,
     "duplicate predictions for document 'd1' (first on line 1)"),
    ("offset out of range", [with_entities(entity(100, 999))], 1,
     f"span [100, 999) is out of range (the text has {D1_LENGTH} characters)"),
    ("start >= end", [with_entities(entity(5, 5))], 1, "start 5 >= end 5"),
    ("float offset", [with_entities(entity(1.5, 4))], 1, "'start' must be an integer character offset, got 1.5"),
    ("bool offset", [with_entities(entity(0, True))], 1, "'end' must be an integer character offset, got True"),
    ("label outside view", [with_entities(entity(0, 8, "PERS"))], 1, "label 'PERS' is not in view fine.v1"),
    ("overlapping spans", [with_entities(entity(0, 16), entity(9, 20, "ORG"))], 1,
     "predicted entity 1 [9, 20) ORG overlaps entity 0 [0, 16) PER"),
    ("bad claim attribute", [{"doc_id": "d1", "entities": [], "claims": [{"start": 0, "end": 9,
                                                                          "polarity": "maybe"}]}], 1,
     "predicted claim 0: polarity 'maybe' is not one of affirmed, denied"),
]


@pytest.mark.parametrize(("name", "lines", "line", "message"), BAD_PREDICTIONS, ids=[c[0] for c in BAD_PREDICTIONS])
def test_bad_predictions_give_one_clear_message(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str,
                                                lines: list, line: int, message: str) -> None:
    path = write_lines(tmp_path / "preds.jsonl", *lines)
    out_json = tmp_path / "report.json"
    code, _, err = run(capsys, "--predictions", str(path), "--json", str(out_json))
    assert code == 2
    assert f"{path}:{line}" in err, err
    assert message in err, err
    assert err.count("error:") == 1
    assert not out_json.exists()  # nothing half-written


def test_empty_file_and_wrong_encoding(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    code, _, err = run(capsys, "--predictions", str(empty))
    assert code == 2 and f"{empty}: file is empty" in err
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(json.dumps(with_entities()).encode() + b"\n" + '{"doc_id": "é"}'.encode("latin-1") + b"\n")
    code, _, err = run(capsys, "--predictions", str(latin))
    assert code == 2 and f"{latin}:2" in err and "not valid UTF-8" in err
    missing = tmp_path / "nope.jsonl"
    code, _, err = run(capsys, "--predictions", str(missing))
    assert code == 2 and f"{missing}: predictions file not found" in err


def test_skip_invalid_counts_what_it_left_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_lines(tmp_path / "preds.jsonl",
                       with_entities(entity(0, 16), entity(9, 20, "ORG"), entity(24, 35, "PERS"), entity(3, 3)),
                       "not json",
                       with_entities(doc_id="d9"))
    out_json = tmp_path / "report.json"
    code, out, err = run(capsys, "--predictions", str(path), "--skip-invalid", "--json", str(out_json))
    assert code == 0, err
    assert "skipped invalid items: 5 (empty_span: 1, invalid_json: 1, overlapping_span: 1, unknown_doc_id: 1, " \
           "unknown_label: 1)" in " ".join(out.split())  # the terminal report wraps its prose at the width
    meta = json.loads(out_json.read_text(encoding="utf-8"))["metadata"]
    assert meta["skipped"]["total"] == 5
    assert {item["line"] for item in meta["skipped"]["items"]} == {1, 2, 3}
    assert meta["predictions"]["documents_without_predictions"] == 1
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert report["entities"]["fine.v1"]["schemes"]["strict"]["overall"]["correct"] == 1  # Poutine kept


BAD_GOLD = [
    ("duplicate id", lambda rows: rows + [rows[0]], 3, "duplicate document id 'd1' (first on line 1)"),
    ("bad offsets", lambda rows: [{**rows[0], "entities": [{**rows[0]["entities"][0], "end": 500}]}, rows[1]], 1,
     "gold entity 0: span [0, 500) is out of range"),
    ("unknown label", lambda rows: [rows[0], {**rows[1], "entities": [{**rows[1]["entities"][0], "label": "LAND"}]}],
     2, "gold entity 0: label 'LAND' is not one of PER, NORP"),
    ("missing id", lambda rows: [{k: v for k, v in rows[0].items() if k != "id"}], 1, "missing field 'id'"),
]


@pytest.mark.parametrize(("name", "change", "line", "message"), BAD_GOLD, ids=[c[0] for c in BAD_GOLD])
def test_bad_gold_gives_one_clear_message(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str,
                                          change: Any, line: int, message: str) -> None:
    gold = write_lines(tmp_path / "gold.jsonl", *change(read_jsonl(GOLD)))
    code, _, err = run(capsys, "--predictions", str(PREDS), "--gold", str(gold))
    assert code == 2 and f"{gold}:{line}" in err and message in err, err


def test_extractor_errors_name_the_document(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken_extractor.py").write_text(
        "def extract(text):\n    if 'Pentagone' in text:\n        raise RuntimeError('out of memory')\n"
        "    return {'entities': [], 'claims': []}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    code, _, err = run(capsys, "--extractor", "broken_extractor:extract")
    assert code == 2
    assert "doc d2: extractor 'broken_extractor:extract' failed: RuntimeError: out of memory" in err
    code, out, _ = run(capsys, "--extractor", "broken_extractor:extract", "--skip-invalid", "--quiet",
                       "--json", str(tmp_path / "r.json"))
    meta = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["metadata"]
    assert code == 0 and meta["predictions"]["failed_documents"] == ["d2"]
    code, _, err = run(capsys, "--extractor", "no_such_extractor_xyz")
    assert code == 2 and "unknown extractor 'no_such_extractor_xyz'; available:" in err


def test_argument_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--predictions", str(PREDS), "--extractor", "spacy")
    assert code == 2 and "give exactly one of --extractor, --predictions or --compare" in err
    code, _, err = run(capsys, "--predictions", str(PREDS), "--scheme", "loose")
    assert code == 2 and "scheme='loose' is not one of strict, exact, partial, ent_type" in err
    bad_map = tmp_path / "map.yaml"
    bad_map.write_text("PER: [unclosed\n", encoding="utf-8")
    code, _, err = run(capsys, "--predictions", str(PREDS), "--label-map", str(bad_map))
    assert code == 2 and str(bad_map) in err and "not valid YAML" in err


def _schema() -> dict:
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    block = re.search(r"```json schema\n(.*?)\n```", text, re.S)
    assert block, "docs/report-schema.md must hold the JSON Schema in a ```json schema block"
    return json.loads(block.group(1))


def test_all_outputs_and_the_documented_json_contract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    outs = {k: tmp_path / f"report.{k}" for k in ("json", "md", "png", "txt")}
    code, out, err = run(capsys, "--predictions", str(PREDS), "--view", "fine", "--view", "coarse",
                         "--json", str(outs["json"]), "--markdown", str(outs["md"]), "--plot", str(outs["png"]),
                         "--diff", str(outs["txt"]))
    assert code == 0, err
    assert "overall" in out and "0.375" in out  # strict F1 = 2·3 / (10 + 6)
    report = json.loads(outs["json"].read_text(encoding="utf-8"))
    jsonschema.validate(report, _schema())
    strict = report["entities"]["fine.v1"]["schemes"]["strict"]
    assert strict["overall"]["f1"] == pytest.approx(0.375)
    assert strict["overall"]["intervals"]["documents"]["f1"][0] <= 0.375
    assert len(report["entities"]["fine.v1"]["outcomes"]) == 10 + 1  # every gold span + the spurious one
    assert report["metadata"]["gold"]["sha256"] and report["metadata"]["seed"] == 0
    assert "| overall |" in outs["md"].read_text(encoding="utf-8")
    assert outs["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    diff = outs["txt"].read_text(encoding="utf-8")
    assert "≠  incorrect" in diff and "gold [24, 35) PER 'Kim Jong-un'  pred [24, 35) ORG 'Kim Jong-un'" in diff
    assert "=== doc d2  (no predictions)" in diff


def test_compare_writes_the_paired_tests(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    worse = write_lines(tmp_path / "worse.jsonl", {**ROW, "entities": ROW["entities"][:2]})
    out_json = tmp_path / "c.json"
    code, out, err = run(capsys, "--compare", str(PREDS), str(worse), "--shuffles", "10000", "--json",
                         str(out_json), "--no-claims")
    assert code == 0, err
    assert "paired tests over documents (10000 shuffles)" in out
    assert "2 units allow only 2^2 = 4 distinct swaps" in out
    tests = json.loads(out_json.read_text(encoding="utf-8"))["comparison"]["tests"]
    assert tests["documents"]["entities.fine.v1.strict.f1"]["diff"] > 0
