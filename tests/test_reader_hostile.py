"""Hostile input to the prediction and gold readers and the extractor run (issue 14): a Report or one RukpError
naming the file and line, never another exception, never a silent wrong result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rukp
from rukp.errors import RukpError
from rukp.evaluation.report import Report

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

TEXT_A = "Vladimir Poutine à Kazan. Il a parlé."
GOLD = [
    {"id": "a", "text": TEXT_A,
     "entities": [{"id": "a-E1", "start": 0, "end": 16, "text": "Vladimir Poutine", "label": "PER",
                   "entity_id": "putin"},
                  {"id": "a-E2", "start": 19, "end": 24, "text": "Kazan", "label": "GPE"}],
     "claims": [{"id": "a-C1", "start": 26, "end": 37, "claimer": "AUTHOR"}]},
    {"id": "b", "text": "Kim Jong Un arrive.", "entities": [{"id": "b-E1", "start": 0, "end": 11, "label": "PER"}],
     "claims": []},
]
PREDS = [
    {"doc_id": "a", "entities": [{"start": 0, "end": 16, "label": "PER", "entity_id": "putin"}],
     "claims": [{"start": 26, "end": 37, "claimer": "AUTHOR", "polarity": "affirmed"}]},
    {"doc_id": "b", "entities": [{"start": 0, "end": 11, "label": "PER"}], "claims": []},
]


def _lines(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def _evaluate(preds: Any, gold: Path, **kw: Any) -> Report | RukpError:
    try:
        return rukp.evaluate(preds, gold=gold, bootstrap=0, **kw)
    except RukpError as e:
        return e


def _names_file(result: Report | RukpError, *paths: Path) -> None:
    """A Report, or an error naming one of ``paths`` (with a line, unless it is about the whole file)."""
    if isinstance(result, Report):
        return
    message = str(result)
    assert any(str(p) in message for p in paths), message
    if result.path is not None and not result.detail.startswith(("file is empty", "the gold")):
        assert result.line is not None or "document" in result.detail, message
    assert len(message) < 2000


# -- property tests ---------------------------------------------------------------------------------------------
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                 max_size=3),
                    max_leaves=8)
PRED_FIELDS = [("doc_id",), ("entities",), ("claims",), ("extra",), ("entities", 0), ("claims", 0),
               *[("entities", 0, k) for k in ("start", "end", "label", "entity_id", "text", "context")],
               *[("claims", 0, k) for k in ("start", "end", "claimer", "polarity", "certainty", "topic", "cluster",
                                            "co_claimers", "claimer_start", "text")]]
GOLD_FIELDS = [("id",), ("text",), ("entities",), ("claims",), ("sentences",), ("extra",), ("entities", 0),
               *[("entities", 0, k) for k in ("id", "start", "end", "label", "entity_id", "text")],
               *[("claims", 0, k) for k in ("id", "start", "end", "claimer", "polarity", "text", "cluster")]]


def _put(row: dict[str, Any], where: tuple[Any, ...], value: Any) -> dict[str, Any]:
    row = json.loads(json.dumps(row))
    target = row
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return row


@FAST
@given(data=st.binary(max_size=300))
def test_any_bytes_as_a_predictions_file(tmp_path: Path, data: bytes) -> None:
    gold = _lines(tmp_path / "gold.jsonl", GOLD)
    preds = tmp_path / "preds.jsonl"
    preds.write_bytes(data)
    _names_file(_evaluate(preds, gold), preds)


@FAST
@given(data=st.binary(max_size=300))
def test_any_bytes_as_a_gold_file(tmp_path: Path, data: bytes) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(data)
    preds = _lines(tmp_path / "preds.jsonl", PREDS)
    _names_file(_evaluate(preds, gold), gold, preds)


@FAST
@given(where=st.sampled_from(PRED_FIELDS), value=JSON)
def test_any_json_value_in_any_field_of_a_predictions_line(tmp_path: Path, where: tuple[Any, ...],
                                                           value: Any) -> None:
    gold = _lines(tmp_path / "gold.jsonl", GOLD)
    preds = _lines(tmp_path / "preds.jsonl", [_put(PREDS[0], where, value), PREDS[1]])
    for skip in (False, True):
        _names_file(_evaluate(preds, gold, skip_invalid=skip), preds)


@FAST
@given(where=st.sampled_from(GOLD_FIELDS), value=JSON)
def test_any_json_value_in_any_field_of_a_gold_line(tmp_path: Path, where: tuple[Any, ...], value: Any) -> None:
    gold = _lines(tmp_path / "gold.jsonl", [_put(GOLD[0], where, value), GOLD[1]])
    preds = _lines(tmp_path / "preds.jsonl", PREDS)
    for skip in (False, True):
        _names_file(_evaluate(preds, gold, skip_invalid=skip), gold, preds)


# -- one test per class ---------------------------------------------------------------------------------------
def _large(rows: list[str], n: int = 6000) -> list[str]:
    """Enough lines to reach the columnar fast path (≥ 1 MiB)."""
    return rows * (n // len(rows))


def _large_case(tmp_path: Path, bad_pred_line: str) -> tuple[Path, Path]:
    """A large gold and predictions file (fast path size) whose line 3 is ``bad_pred_line``."""
    n = 6000
    gold = _lines(tmp_path / "gold.jsonl", [{"id": f"d{i}", "text": "x" * 40,
                                             "entities": [{"start": 0, "end": 5, "label": "PER"}]} for i in range(n)])
    pred_rows = [json.dumps({"doc_id": f"d{i}", "entities": [{"start": 0, "end": 5, "label": "PER"}],
                             "note": "n" * 150}) for i in range(n)]
    pred_rows[2] = bad_pred_line
    preds = _lines(tmp_path / "preds.jsonl", pred_rows)
    assert preds.stat().st_size >= 1 << 20
    return gold, preds


@pytest.mark.parametrize("large", [False, True], ids=["small", "fast-path size"])
def test_deeply_nested_json_is_one_clear_error(tmp_path: Path, large: bool) -> None:
    deep = '{"doc_id": "d2", "entities": [], "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    if large:
        gold, preds = _large_case(tmp_path, deep)
    else:
        gold = _lines(tmp_path / "gold.jsonl", GOLD)
        preds = _lines(tmp_path / "preds.jsonl", [PREDS[0], deep.replace('"d2"', '"b"')])
    err = _evaluate(preds, gold, claims=False)
    assert isinstance(err, RukpError) and err.line == (3 if large else 2)
    assert "nested deeper than" in str(err)


def test_deeply_nested_gold_is_one_clear_error(tmp_path: Path) -> None:
    gold = _lines(tmp_path / "gold.jsonl", [GOLD[0], '{"id": "b", "entities": ' + "[" * 100_000 + "]" * 100_000 + "}"])
    err = _evaluate(_lines(tmp_path / "preds.jsonl", PREDS), gold)
    assert isinstance(err, RukpError) and err.path == str(gold) and err.line == 2
    assert "nested deeper than" in err.detail


@pytest.mark.parametrize("large", [False, True], ids=["small", "fast-path size"])
@pytest.mark.parametrize("line", [
    '{"doc_id": "d2", "doc_id": "d3", "entities": []}',
    '{"doc_id": "d2", "entities": [{"start": 0, "start": 1, "end": 5, "label": "PER"}]}',
    '{"doc_id": "d2", "entities": [], "note": 1, "note": 2}',
    '{"doc_id": "d2", "entities": [{"start": 0, "end": 5, "label": "PER", "score": 1, "score": 2}]}',
], ids=["doc_id", "start", "ignored field", "ignored field of an entity"])
def test_a_repeated_key_is_an_error_naming_it(tmp_path: Path, large: bool, line: str) -> None:
    if large:
        gold, preds = _large_case(tmp_path, line)
    else:
        gold = _lines(tmp_path / "gold.jsonl", [{"id": f"d{i}", "text": "x" * 40, "entities": []} for i in range(4)])
        preds = _lines(tmp_path / "preds.jsonl", ['{"doc_id": "d0", "entities": []}', '{"doc_id": "d1", '
                                                  '"entities": []}', line])
    err = _evaluate(preds, gold, claims=False)
    assert isinstance(err, RukpError) and err.line == 3, err
    assert "duplicate key" in err.detail


@pytest.mark.parametrize("large", [False, True], ids=["small", "fast-path size"])
@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e309"])
@pytest.mark.parametrize("field", ["start", "score"])
def test_non_finite_numbers_are_refused(tmp_path: Path, large: bool, value: str, field: str) -> None:
    entity = {"start": 0, "end": 5, "label": "PER", "score": 0.5}
    line = json.dumps({"doc_id": "d2", "entities": [entity]}).replace(f'"{field}": {entity[field]}',
                                                                       f'"{field}": {value}')
    assert value in line
    if large:
        gold, preds = _large_case(tmp_path, line)
    else:
        gold = _lines(tmp_path / "gold.jsonl", [{"id": f"d{i}", "text": "x" * 40, "entities": []} for i in range(4)])
        preds = _lines(tmp_path / "preds.jsonl", ['{"doc_id": "d0", "entities": []}', '{"doc_id": "d1", '
                                                  '"entities": []}', line])
    err = _evaluate(preds, gold, claims=False)
    assert isinstance(err, RukpError) and err.line == 3, err
    assert "not accepted" in err.detail


@pytest.mark.parametrize("large", [False, True], ids=["small", "fast-path size"])
def test_a_line_separator_inside_a_string_is_valid(tmp_path: Path, large: bool) -> None:
    line = json.dumps({"doc_id": "d2", "entities": [{"start": 0, "end": 5, "label": "PER"}],
                       "note": "a\u2028b\u2029c\x85d"}, ensure_ascii=False)
    if large:
        gold, preds = _large_case(tmp_path, line)
    else:
        gold = _lines(tmp_path / "gold.jsonl", [{"id": f"d{i}", "text": "x" * 40,
                                                 "entities": [{"start": 0, "end": 5, "label": "PER"}]}
                                                for i in range(3)])
        preds = _lines(tmp_path / "preds.jsonl", ['{"doc_id": "d0", "entities": []}', '{"doc_id": "d1", '
                                                  '"entities": []}', line])
    report = _evaluate(preds, gold, claims=False)
    assert isinstance(report, Report), report
    assert report.views["fine.v1"].counts.to_dict()["strict"]["overall"]["correct"] == (6000 if large else 1)


def _conll(tmp_path: Path, lines: list[str]) -> tuple[Path, Path]:
    gold = _lines(tmp_path / "gold.jsonl", [{"id": "a", "text": "Vladimir Poutine à Kazan .", "entities": []}])
    conll = tmp_path / "preds.conll"
    conll.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return gold, conll


def test_conll_tag_errors_name_the_tags_line(tmp_path: Path) -> None:
    gold, conll = _conll(tmp_path, ["-DOCSTART- a", "", "Vladimir B-PER", "Poutine I-PER", "à O", "Kazan X-GPE"])
    err = _evaluate(conll, gold)
    assert isinstance(err, RukpError) and err.line == 6 and "'X-GPE'" in err.detail


def test_conll_label_errors_name_the_entitys_first_tag_line(tmp_path: Path) -> None:
    # \x0c inside a line is not a line end (lines split on \n only), so the numbering is an editor's
    gold, conll = _conll(tmp_path, ["-DOCSTART- a", "", "Vladimir B-PER", "Poutine I-PER", "à O", "Kazan B-TOWN",
                                    ". O"])
    err = _evaluate(conll, gold)
    assert isinstance(err, RukpError) and err.line == 6 and "'TOWN' is not in view" in err.detail


def test_a_huge_label_is_cut_short_in_the_message(tmp_path: Path, rukp: Any) -> None:
    gold = _lines(tmp_path / "gold.jsonl", GOLD)
    huge = "L" * 3_000_000
    preds = _lines(tmp_path / "preds.jsonl", [{"doc_id": "a", "entities": [{"start": 0, "end": 16, "label": huge}]},
                                             {"doc_id": "b", "entities": []}])
    code, out, err = rukp("evaluate", "-p", preds, "--gold", gold, "--bootstrap", "0", "--no-claims")
    assert code != 0 and len(out + err) < 2000
    assert "(3000000 chars)" in err and "preds.jsonl:1" in err


def test_a_huge_unknown_doc_id_is_cut_short(tmp_path: Path, rukp: Any) -> None:
    gold = _lines(tmp_path / "gold.jsonl", GOLD)
    preds = _lines(tmp_path / "preds.jsonl", [{"doc_id": "\x1b[31m" + "x" * 1_000_000, "entities": []}])
    code, out, err = rukp("evaluate", "-p", preds, "--gold", gold, "--bootstrap", "0")
    assert code != 0 and len(out + err) < 2000 and "\x1b" not in err and "not in the gold file" in err


@pytest.mark.parametrize("kind", ["entities", "claims"])
def test_repeated_gold_item_ids_are_an_error(tmp_path: Path, kind: str) -> None:
    second = json.loads(json.dumps(GOLD[1]))
    first_id = GOLD[0][kind][0]["id"]
    second[kind] = [{"id": first_id, "start": 0, "end": 3, "label": "PER", "claimer": "AUTHOR"}]
    gold = _lines(tmp_path / "gold.jsonl", [GOLD[0], second])
    err = _evaluate(_lines(tmp_path / "preds.jsonl", PREDS), gold, skip_invalid=True)
    assert isinstance(err, RukpError) and err.line == 2 and err.path == str(gold)
    assert f"id '{first_id}' is used twice (first on line 1" in err.detail


def test_repeated_kb_ids_beside_the_gold_are_an_error(tmp_path: Path) -> None:
    gold = _lines(tmp_path / "gold.jsonl", GOLD)
    _lines(tmp_path / "kb.jsonl", [{"entity_id": "putin", "name": "Vladimir Poutine"},
                                   {"entity_id": "putin", "name": "Poutine"}])
    err = _evaluate(_lines(tmp_path / "preds.jsonl", PREDS), gold)
    assert isinstance(err, RukpError) and err.line == 2 and "kb.jsonl" in str(err) and "used twice" in err.detail


@pytest.mark.parametrize("large", [False, True], ids=["small", "fast-path size"])
def test_a_gold_text_that_does_not_match_its_offsets(tmp_path: Path, large: bool) -> None:
    n = 6000 if large else 3
    rows = [{"id": f"d{i}", "text": "Kim Jong Un arrive." + " " * 150,
             "entities": [{"id": f"d{i}-E1", "start": 0, "end": 11, "text": "Kim Jong Un", "label": "PER"}]}
            for i in range(n)]
    rows[1]["entities"][0]["text"] = "Kim Jong-un"
    gold = _lines(tmp_path / "gold.jsonl", rows)
    preds = _lines(tmp_path / "preds.jsonl", [{"doc_id": r["id"], "entities": [{"start": 0, "end": 11,
                                                                               "label": "PER"}]} for r in rows])
    err = _evaluate(preds, gold)
    assert isinstance(err, RukpError) and err.path == str(gold) and err.line == 2 and err.doc == "d1"
    assert "'Kim Jong-un' does not match the document's text at these offsets, 'Kim Jong Un'" in err.detail
    report = _evaluate(preds, gold, skip_invalid=True)
    assert isinstance(report, Report)
    skipped = report.metadata["skipped"]
    assert skipped["by_reason"] == {"text_mismatch": 1} and skipped["items"][0]["line"] == 2
    counts = report.views["fine.v1"].counts.to_dict()["strict"]["overall"]
    assert counts["correct"] == n - 1 and counts["spurious"] == 1  # the gold entity is left out, and said so


def test_quiet_skip_invalid_prints_the_gold_skip_summary(tmp_path: Path, rukp: Any) -> None:
    rows = json.loads(json.dumps(GOLD))
    rows[0]["entities"][1]["text"] = "Moscou"
    gold = _lines(tmp_path / "gold.jsonl", rows)
    code, out, err = rukp("evaluate", "-p", _lines(tmp_path / "preds.jsonl", PREDS), "--gold", gold, "-q",
                          "--skip-invalid", "--bootstrap", "0")
    assert code == 0 and out == "" and "skipped invalid items: 1 (text_mismatch: 1)" in err


def test_an_extractor_spec_wins_over_a_path(tmp_path: Path) -> None:
    from rukp.evaluation.inputs import is_spec

    assert is_spec("hf:/abs/path") and is_spec("hf:./model") and is_spec("llm:qwen2.5:7b")
    assert is_spec("mymodule:Extractor") and is_spec("pkg.mod:attr.factory") and is_spec("spacy+rules")
    assert not is_spec("preds.jsonl") and not is_spec("out/preds.jsonl") and not is_spec("C:\\runs\\p.jsonl")
    (tmp_path / "mod:x.jsonl").write_text("", encoding="utf-8")
    assert not is_spec(str(tmp_path / "mod:x.jsonl"))
    err = _evaluate(f"hf:{tmp_path / 'no-model'}", _lines(tmp_path / "gold.jsonl", GOLD))
    assert isinstance(err, RukpError) and "hf model directory not found" in str(err)
    assert "predictions file" not in str(err)


def test_sys_exit_inside_extract_is_an_error_naming_extractor_and_document(tmp_path: Path, rukp: Any,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "exiting.py").write_text(
        "import sys\n\ndef extract(text):\n    if text.startswith('Kim'):\n        sys.exit(0)\n"
        "    return {'entities': []}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    gold = _lines(tmp_path / "gold.jsonl", GOLD)
    for extra in ((), ("--skip-invalid",)):
        code, out, err = rukp("evaluate", "-e", "exiting:extract", "--gold", gold, "--bootstrap", "0", *extra)
        assert code == 2 and "doc b" in err and "'exiting:extract'" in err and "sys.exit(0)" in err


def test_an_extractor_cannot_score_its_output_against_another_document(tmp_path: Path) -> None:
    gold = _lines(tmp_path / "gold.jsonl", GOLD)

    def liar(text: str) -> dict:
        return {"doc_id": "a", "entities": [{"start": 0, "end": 11, "label": "PER"}]}

    err = _evaluate(liar, gold)
    assert isinstance(err, RukpError) and err.doc == "b" and "returned doc_id 'a' for document 'b'" in err.detail
    report = _evaluate(liar, gold, skip_invalid=True)
    assert isinstance(report, Report) and report.metadata["predictions"]["failed_documents"] == ["b"]
    assert report.metadata["skipped"]["by_reason"] == {"wrong_doc_id": 1}

    def honest(text: str) -> dict:
        return {"doc_id": "a" if text.startswith("Vladimir") else "b", "entities": []}

    assert isinstance(_evaluate(honest, gold), Report)


def test_an_extractors_description_and_error_items_reach_the_report(tmp_path: Path) -> None:
    from rukp.reports.tables import summary_lines

    class Described:
        name = "described"

        def extract(self, text: str) -> dict:
            errors = [{"kind": "request_failed", "message": "timeout " + "x" * 500}] if "Kim" in text else []
            return {"entities": [], "claims": [], "errors": errors}

        def describe(self) -> dict:
            return {"extractor": "fake", "model": "m1"}

    report = _evaluate(Described(), _lines(tmp_path / "gold.jsonl", GOLD))
    assert isinstance(report, Report)
    assert report.scope == {"entities": "scored", "claims": "scored", "sentences": "scored"}
    meta = report.metadata
    assert meta["extractor"] == {"extractor": "fake", "model": "m1"}
    errors = meta["extractor_errors"]
    assert errors["count"] == 1 and errors["documents"] == 1 and errors["first"][0]["doc"] == "b"
    assert errors["first"][0]["kind"] == "request_failed" and len(errors["first"][0]["message"]) <= 200
    assert any(line.startswith("extractor errors: 1 in 1 document(s)") for line in summary_lines(report))
    json.loads(report.to_json())
    files = _evaluate(_lines(tmp_path / "preds.jsonl", PREDS), tmp_path / "gold.jsonl")
    assert files.metadata["extractor"] is None and files.metadata["extractor_errors"] is None


@pytest.mark.parametrize(("out", "message"), [
    ([], "returned a list, expected a dict"),
    ({"entities": [], "errors": "boom"}, "returned 'errors' as a str"),
    ({"entities": "PER"}, "'entities' must be a list"),
    ({"entities": [{"start": "0", "end": 5, "label": "PER"}]}, "'start' must be an integer"),
])
def test_an_extractors_wrong_output_is_one_clear_error(tmp_path: Path, out: Any, message: str) -> None:
    err = _evaluate(lambda text: out, _lines(tmp_path / "gold.jsonl", GOLD))
    assert isinstance(err, RukpError) and message in str(err) and err.doc == "a"


@pytest.mark.parametrize("item", [{"text": 42, "claimer": ["x"]}, {"text": None, "claimer": "AUTHOR"}])
def test_a_text_anchored_claim_whose_text_is_not_a_string_says_so(rukp, tmp_path, item) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"doc_id": "000", "claims": [item]}) + "\n", encoding="utf-8")
    code, _, err = rukp("evaluate", "-p", path, "-q", "--bootstrap", "0")
    assert code == 2 and "'text' must be a string" in err and "missing field 'start'" not in err


def test_an_entity_text_of_the_wrong_type_says_so(rukp, tmp_path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"doc_id": "000", "entities": [{"text": None, "label": "PER"}]}) + "\n",
                    encoding="utf-8")
    code, _, err = rukp("evaluate", "-p", path, "-q", "--bootstrap", "0")
    assert code == 2 and "'text' must be a string" in err
