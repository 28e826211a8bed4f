"""Loading gold and prediction JSONL into span tables: both loaders agree; bad input is one clear error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rukp.errors import RukpError
from rukp.io.arrow import load_arrow
from rukp.io.entity_files import _load_lines, load_entity_files, score_entity_files
from rukp.scoring import Span, score_documents

LABELS = ("PER", "ORG", "LOC")

ENTITY = st.builds(lambda s, n, label, eid: {"start": s, "end": s + n, "label": label, "entity_id": eid},
                   st.integers(0, 50), st.integers(1, 9), st.sampled_from(LABELS),
                   st.sampled_from([None, "Q1", "Q2", "Q10"]))
DOC_ENTITIES = st.lists(st.lists(ENTITY, max_size=6), min_size=1, max_size=5)


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def _files(tmp: Path, gold: list[list[dict]], pred: list[list[dict]]) -> tuple[Path, Path]:
    g = _write(tmp / "gold.jsonl", [{"id": f"d{i}", "text": "x", "entities": e} for i, e in enumerate(gold)])
    p = _write(tmp / "pred.jsonl", [{"doc_id": f"d{i}", "entities": e} for i, e in reversed(list(enumerate(pred)))])
    return g, p


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(DOC_ENTITIES, st.data())
def test_arrow_and_line_loaders_build_the_same_tables(tmp_path: Path, gold: list, data: st.DataObject) -> None:
    pred = data.draw(st.lists(st.lists(ENTITY, max_size=6), min_size=len(gold), max_size=len(gold)))
    g, p = _files(tmp_path, gold, pred)
    fast, slow = load_arrow(g, p, LABELS, False), _load_lines(g, p, LABELS, False)
    assert fast is not None
    assert (fast.doc_ids, fast.entity_ids) == (slow.doc_ids, slow.entity_ids)
    for a, b in ((fast.gold, slow.gold), (fast.pred, slow.pred)):
        for column in ("doc", "start", "end", "label", "entity", "seq"):
            assert np.array_equal(getattr(a, column), getattr(b, column)), column


def test_files_score_like_in_memory_documents(tmp_path: Path) -> None:
    gold = [[{"start": 0, "end": 5, "label": "PER", "entity_id": "Q1"}, {"start": 7, "end": 9, "label": "LOC"}]]
    pred = [[{"start": 0, "end": 5, "label": "PER", "entity_id": "Q2"}, {"start": 6, "end": 9, "label": "ORG"}]]
    g, p = _files(tmp_path, gold, pred)
    from_files = score_entity_files(g, p, labels=LABELS)
    spans = [("d0", [Span(**e) for e in gold[0]], [Span(**e) for e in pred[0]])]
    in_memory = score_documents(spans, labels=LABELS)[0]
    assert np.array_equal(from_files.counts.array, in_memory.counts.array)
    assert from_files.document(0).outcomes == in_memory.outcomes
    assert tuple(from_files.linking) == (1, 0)


GOOD = {"start": 0, "end": 3, "label": "PER"}


@pytest.mark.parametrize(("gold_rows", "pred_rows", "where", "message"), [
    (["{not json"], [], "gold.jsonl:1", "not valid JSON"),
    (["[1, 2]"], [], "gold.jsonl:1", "expected a JSON object, got list"),
    ([{"entities": []}], [], "gold.jsonl:1", "missing field 'id'"),
    ([{"id": "a", "entities": []}, {"id": "a", "entities": []}], [], "gold.jsonl:2, doc a",
     "duplicate document id 'a' (first on line 1)"),
    ([{"id": "a"}], [], "gold.jsonl:1, doc a", "missing field 'entities'"),
    ([{"id": "a", "entities": {"start": 0}}], [], "gold.jsonl:1, doc a", "'entities' must be a list, got dict"),
    ([{"id": "a", "entities": [GOOD, {"start": 1, "label": "PER"}]}], [], "gold.jsonl:1, doc a",
     "entity 1: missing field 'end'"),
    ([{"id": "a", "entities": [GOOD, {"start": 1.0, "end": 4, "label": "PER"}]}], [], "gold.jsonl:1, doc a",
     "entity 1: 'start' must be an integer character offset, got 1.0"),
    ([{"id": "a", "entities": [{"start": 4, "end": 4, "label": "PER"}]}], [], "gold.jsonl:1, doc a",
     "entity 0: span [4, 4) is empty or negative"),
    ([{"id": "a", "entities": [{"start": 0, "end": 4, "label": "PERS"}]}], [], "gold.jsonl:1, doc a",
     "entity 0: label 'PERS' is not one of PER, ORG, LOC"),
    ([{"id": "a", "entities": [{**GOOD, "entity_id": ""}]}], [], "gold.jsonl:1, doc a",
     "entity 0: entity_id must be a non-empty string or null, got ''"),
    ([{"id": "a", "entities": [{**GOOD, "entity_id": 7}]}], [], "gold.jsonl:1, doc a",
     "entity 0: entity_id must be a non-empty string or null, got 7"),
    ([{"id": "a", "entities": []}], [{"doc_id": "b", "entities": []}], "pred.jsonl:1, doc b",
     "document 'b' is not in the gold file"),
    ([{"id": "a", "entities": []}], [{"doc_id": "a", "entities": []}] * 2, "pred.jsonl:2, doc a",
     "duplicate prediction for document 'a' (first on line 1)"),
    ([{"id": "a", "entities": []}, {"id": "b", "entities": []}], [{"doc_id": "a", "entities": []}], "pred.jsonl",
     "no prediction for gold document(s) b"),
    ([{"id": "a", "entities": []}], [{"doc_id": "a", "entities": [GOOD, GOOD, {**GOOD, "end": -1}]}],
     "pred.jsonl:1, doc a", "entity 2: span [0, -1) is empty or negative"),
])
def test_bad_input_is_one_error_naming_file_line_and_document(tmp_path: Path, gold_rows: list, pred_rows: list,
                                                              where: str, message: str) -> None:
    g, p = _write(tmp_path / "gold.jsonl", gold_rows), _write(tmp_path / "pred.jsonl", pred_rows)
    with pytest.raises(RukpError) as err:
        load_entity_files(g, p, labels=LABELS)
    text = str(err.value)
    assert where in text and message in text, text


def test_missing_predictions_allowed_on_request_count_as_empty(tmp_path: Path) -> None:
    g = _write(tmp_path / "gold.jsonl", [{"id": "a", "entities": [GOOD]}, {"id": "b", "entities": [GOOD]}])
    p = _write(tmp_path / "pred.jsonl", [{"doc_id": "a", "entities": [GOOD]}])
    scores = score_entity_files(g, p, labels=LABELS, allow_missing=True)
    assert (scores.counts.field("strict", "correct"), scores.counts.field("strict", "missed")) == (1, 1)


def test_invalid_utf8_and_missing_file_are_named(tmp_path: Path) -> None:
    g = tmp_path / "gold.jsonl"
    g.write_bytes(b'{"id": "a", "entities": []}\n{"id": "b\xff", "entities": []}\n')
    with pytest.raises(RukpError, match=r"gold.jsonl:2: not valid UTF-8"):
        load_entity_files(g, g, labels=LABELS)
    with pytest.raises(RukpError, match="nope.jsonl: file not found"):
        load_entity_files(tmp_path / "nope.jsonl", g, labels=LABELS)


def test_long_lines_and_blank_lines_are_read(tmp_path: Path) -> None:
    entities = [{"start": 10 * i, "end": 10 * i + 5, "label": "ORG"} for i in range(30_000)]  # one ~1.3 MB line
    g = _write(tmp_path / "gold.jsonl", [{"id": "a", "entities": entities}, ""])
    p = _write(tmp_path / "pred.jsonl", ["", {"doc_id": "a", "entities": entities[::2]}])
    scores = score_entity_files(g, p, labels=LABELS)
    assert (scores.counts.field("strict", "correct"), scores.counts.field("strict", "missed")) == (15_000, 15_000)
