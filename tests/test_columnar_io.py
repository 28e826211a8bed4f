"""The columnar fast path of the gold and predictions loaders (``rukp.io.columnar``) against the line-by-line
loaders: the same report on random valid input, and through its fallback the same message for each bad input.

Each case runs twice, with the fast path forced on (``MIN_BYTES = 0``) and off; a spy records whether the fast
path built the gold and the predictions itself or handed them to the line-by-line loader.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rukp
from rukp.errors import RukpError
from rukp.io import columnar
from rukp.schema import ENTITY_LABELS

LABELS = (*ENTITY_LABELS[:5], "PERSON", "MISC")  # PERSON: known only to the spacy map; MISC: coarse only
ENTITY_IDS = (None, "Q1", "Q2", "Q10")
CORRUPTIONS = ("empty_span", "negative", "past_text", "overlap", "float", "bool", "empty_label",
               "empty_entity_id", "null_entity", "unknown_doc", "duplicate_doc", "blank_line", "two_per_line",
               "line_separator")


@contextmanager
def _fast_path(enabled: bool) -> Iterator[dict[str, list[bool]]]:
    """Force the fast path on or off; yields which loads it served (True) or handed back (False)."""
    used: dict[str, list[bool]] = {"gold": [], "predictions": []}
    real_gold, real_preds = columnar.load_gold, columnar.load_predictions

    def gold(*args: Any, **kw: Any) -> Any:
        got = real_gold(*args, **kw)
        used["gold"].append(got is not None)
        return got

    def preds(*args: Any, **kw: Any) -> Any:
        got = real_preds(*args, **kw)
        used["predictions"].append(got is not None)
        return got

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(columnar, "MIN_BYTES", 0 if enabled else sys.maxsize)
        mp.setattr(columnar, "load_gold", gold)
        mp.setattr(columnar, "load_predictions", preds)
        yield used


def _run(gold: Path, preds: Path, *, fast: bool, **options: Any) -> tuple[Any, dict[str, list[bool]]]:
    """The report's dict, or the error message, and which loads the fast path served."""
    options = {"bootstrap": 0, "claims": False, **options}
    with _fast_path(fast) as used:
        try:
            return rukp.evaluate(preds, gold=gold, **options).to_dict(), used
        except RukpError as e:
            return f"error: {e}", used


def _write(path: Path, lines: list[Any]) -> Path:
    """One line per item: objects as JSON (non-ASCII kept), strings as they are."""
    text = "".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines)
    path.write_bytes(text.encode("utf-8"))
    return path


# ------------------------------------------------------------------------------------------ random input

@st.composite
def _flat_spans(draw: st.DrawFn, n_chars: int) -> list[dict]:
    """Non-overlapping spans within ``n_chars`` characters, in random order."""
    cuts = sorted(draw(st.sets(st.integers(0, n_chars), max_size=12)))
    spans = [{"start": a, "end": b, "label": draw(st.sampled_from(LABELS))}
             for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    for span in spans:
        entity_id = draw(st.sampled_from((*ENTITY_IDS, "omit")))
        if entity_id != "omit":
            span["entity_id"] = entity_id
    return draw(st.permutations(spans))


@st.composite
def _case(draw: st.DrawFn) -> tuple[list[Any], list[Any], str | None]:
    """Gold lines, prediction lines, and the corruption applied (None: valid input)."""
    n_docs = draw(st.integers(1, 5))
    gold, preds = [], []
    for i in range(n_docs):
        doc: dict[str, Any] = {"id": f"d{i}", "title": draw(st.sampled_from(["", "Énergie", "x"]))}
        n_chars = draw(st.integers(0, 40))
        if draw(st.booleans()):  # with text (and then sentences, so that spaCy is not needed)
            doc["text"] = draw(st.text("ab é\n", min_size=n_chars, max_size=n_chars))
            cuts = sorted(draw(st.sets(st.integers(0, n_chars), max_size=6)))
            doc["sentences"] = [{"start": a, "end": b} for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
        doc["entities"] = draw(_flat_spans(n_chars))
        gold.append(doc)
    for i in draw(st.permutations(range(n_docs))):
        if draw(st.integers(0, 4)):  # some documents have no prediction line
            n_chars = len(gold[i].get("text", "x" * 40))
            preds.append({"doc_id": f"d{i}", "entities": draw(_flat_spans(n_chars)), "claims": []})
    if not preds:
        preds.append({"doc_id": "d0", "entities": []})
    corruption = draw(st.none() | st.sampled_from(CORRUPTIONS))
    if corruption is not None:
        _corrupt(draw(st.sampled_from([gold, preds])), corruption, draw(st.integers(0, 100)))
    return gold, preds, corruption


def _corrupt(lines: list[Any], how: str, at: int) -> None:
    """Break one line of ``lines`` in the way ``how`` names."""
    k = at % len(lines)
    row = lines[k]
    spans = row["entities"]
    span = spans[at % len(spans)] if spans else None
    if how in {"empty_span", "negative", "past_text", "overlap", "float", "bool", "empty_label",
               "empty_entity_id"} and span is None:
        spans.append(span := {"start": 0, "end": 1, "label": "PER"})
    if how == "empty_span":
        span["end"] = span["start"]
    elif how == "negative":
        span["start"] = -1
    elif how == "past_text":
        span["end"] = 10_000
    elif how == "overlap":
        spans.append({"start": span["start"], "end": span["end"] + 1, "label": "ORG"})
    elif how == "float":
        span["start"] = float(span["start"])
    elif how == "bool":
        span["end"] = True
    elif how == "empty_label":
        span["label"] = ""
    elif how == "empty_entity_id":
        span["entity_id"] = ""
    elif how == "null_entity":
        spans.append(None)
    elif how == "unknown_doc":
        row["id" if "id" in row else "doc_id"] = "nowhere"
    elif how == "duplicate_doc":
        lines.append(dict(row))
    elif how == "blank_line":
        lines.insert(k, "")
    elif how == "two_per_line":
        lines[k] = json.dumps(row) + " " + json.dumps(row)
    elif how == "line_separator":
        row["note"] = "a\u2028b"


@settings(max_examples=150, deadline=None)
@given(_case(), st.booleans(), st.sampled_from([("fine",), ("coarse",), ("fine", "coarse")]),
       st.sampled_from([None, "spacy"]), st.booleans(), st.sampled_from([0.0, 0.5]))
def test_fast_and_line_by_line_paths_give_the_same_report(case: tuple, skip_invalid: bool, views: tuple,
                                                           label_map: str | None, compatible: bool,
                                                           min_overlap: float) -> None:
    gold_lines, pred_lines, corruption = case
    options = {"view": list(views), "label_map": label_map, "skip_invalid": skip_invalid,
               "nervaluate_compatible": compatible, "min_overlap": min_overlap}
    with tempfile.TemporaryDirectory() as tmp:
        gold = _write(Path(tmp) / "gold.jsonl", gold_lines)
        preds = _write(Path(tmp) / "preds.jsonl", pred_lines)
        fast, used = _run(gold, preds, fast=True, **options)
        slow, _ = _run(gold, preds, fast=False, **options)
    assert fast == slow
    if corruption is None:  # valid input: the fast path read both files itself
        assert used == {"gold": [True], "predictions": [True]}


# ------------------------------------------------------------------------------------------ each bad input

TEXT = "Paris et Lyon"
GOOD_GOLD = [{"id": "a", "text": TEXT, "sentences": [{"start": 0, "end": 13}],
              "entities": [{"start": 0, "end": 5, "label": "GPE"}, {"start": 9, "end": 13, "label": "GPE"}]},
             {"id": "b", "entities": [{"start": 0, "end": 4, "label": "PER", "entity_id": "Q1"}]}]
GOOD_PREDS = [{"doc_id": "a", "entities": [{"start": 0, "end": 5, "label": "GPE"}]},
              {"doc_id": "b", "entities": [{"start": 0, "end": 4, "label": "PER", "entity_id": "Q1"}]}]


def _gold_with(**entity: Any) -> list[Any]:
    return [GOOD_GOLD[0], {"id": "b", "entities": [{"start": 0, "end": 4, "label": "PER", **entity}]}]


def _preds_with(*entities: Any) -> list[Any]:
    return [GOOD_PREDS[0], {"doc_id": "b", "entities": list(entities)}]


BAD = {  # name: (gold lines, prediction lines, expected message, whether the fast path keeps the input)
    "gold missing id": ([GOOD_GOLD[0], {"entities": []}], GOOD_PREDS, "gold.jsonl:2: missing field 'id'", False),
    "gold duplicate id": ([GOOD_GOLD[0], GOOD_GOLD[0]], GOOD_PREDS,
                          "gold.jsonl:2, doc a: duplicate document id 'a' (first on line 1)", False),
    "gold empty span": (_gold_with(end=0), GOOD_PREDS,
                        "gold.jsonl:2, doc b: gold entity 0: start 0 >= end 0", False),
    "gold past the text": ([{**GOOD_GOLD[0], "entities": [{"start": 9, "end": 14, "label": "GPE"}]}], GOOD_PREDS,
                           "gold entity 0: span [9, 14) is out of range (the text has 13 characters)", False),
    "gold float offset": (_gold_with(start=0.0), GOOD_PREDS,
                          "gold entity 0: 'start' must be an integer character offset, got 0.0", False),
    "gold bool offset": (_gold_with(end=True), GOOD_PREDS,
                         "gold entity 0: 'end' must be an integer character offset, got True", False),
    "gold overlap": ([{**GOOD_GOLD[0], "entities": [{"start": 0, "end": 5, "label": "GPE"},
                                                    {"start": 4, "end": 8, "label": "PER"}]}], GOOD_PREDS,
                     "gold entity 1 [4, 8) PER overlaps entity 0 [0, 5) GPE", False),
    "gold empty label": (_gold_with(label=""), GOOD_PREDS, "'label' must be a non-empty string, got ''", False),
    "gold bad sentence": ([{**GOOD_GOLD[0], "sentences": [{"start": 0, "end": 20}]}], GOOD_PREDS,
                          "gold.jsonl:1, doc a: sentence 0: span [0, 20) is out of range", False),
    "gold unknown label": (_gold_with(label="PERSON"), GOOD_PREDS,
                           "gold.jsonl:2, doc b: gold entity 0: label 'PERSON' is not one of PER", True),
    "gold unknown label after a blank line": ([GOOD_GOLD[0], "", _gold_with(label="PERSON")[1]], GOOD_PREDS,
                                              "gold.jsonl:3, doc b: gold entity 0: label 'PERSON'", False),
    "predicted unknown document": (GOOD_GOLD, [GOOD_PREDS[0], {"doc_id": "z", "entities": []}],
                                   "preds.jsonl:2, doc z: document 'z' is not in the gold file", False),
    "predicted duplicate document": (GOOD_GOLD, [GOOD_PREDS[0], GOOD_PREDS[0]],
                                     "preds.jsonl:2, doc a: duplicate predictions for document 'a' (first on "
                                     "line 1)", False),
    "predicted missing entities": (GOOD_GOLD, [GOOD_PREDS[0], {"doc_id": "b"}],
                                   "preds.jsonl:2, doc b: has no 'entities' field, but line 1 has one", False),
    "predicted missing doc_id": (GOOD_GOLD, [GOOD_PREDS[0], {"entities": []}],
                                 "preds.jsonl:2: missing field 'doc_id'", False),
    "predicted overlap": (GOOD_GOLD, _preds_with({"start": 0, "end": 3, "label": "PER"},
                                                 {"start": 2, "end": 4, "label": "PER"}),
                          "predicted entity 1 [2, 4) PER overlaps entity 0 [0, 3) PER", False),
    "predicted null entity": (GOOD_GOLD, _preds_with(None), "predicted entity 0: expected an object, got "
                              "NoneType", False),
    "predicted empty entity id": (GOOD_GOLD, _preds_with({"start": 0, "end": 3, "label": "PER", "entity_id": ""}),
                                  "'entity_id' must be a non-empty string or null, got ''", False),
    "predicted past the text": (GOOD_GOLD, [{"doc_id": "a", "entities": [{"start": 9, "end": 14,
                                                                          "label": "GPE"}]}],
                                "predicted entity 0: span [9, 14) is out of range (the text has 13", False),
    "predicted unknown label": (GOOD_GOLD, _preds_with({"start": 0, "end": 1, "label": "PER"},
                                                       {"start": 2, "end": 3, "label": "PERSON"}),
                                "preds.jsonl:2, doc b: predicted entity 1: label 'PERSON' is not in view fine.v1",
                                True),
    "two objects on a line": (GOOD_GOLD, [json.dumps(GOOD_PREDS[0]) + " " + json.dumps(GOOD_PREDS[1])],
                              "preds.jsonl:1: not valid JSON (Extra data", False),
    "a carriage return alone does not end a line (JSONL splits on \\n only)": (
        GOOD_GOLD, [json.dumps(GOOD_PREDS[0]) + "\r" + json.dumps(GOOD_PREDS[1])],
        "preds.jsonl:1: not valid JSON (Extra data", False),
    "an object over two lines": (GOOD_GOLD, ['{"doc_id": "a", "entities": [', '{"start": 0, "end": 1, '
                                             '"label": "PER"}]}'], "preds.jsonl:1: not valid JSON", False),
}

ODD_LAYOUTS = {  # name: (prediction lines, whether the fast path reads them): accepted by both paths
    "blank lines": (["", GOOD_PREDS[0], "  ", GOOD_PREDS[1]], False),
    "CRLF line ends": ([json.dumps(GOOD_PREDS[0]) + "\r", json.dumps(GOOD_PREDS[1]) + "\r"], True),
    "line separators inside strings (JSONL splits on \\n only)": (
        [GOOD_PREDS[0], json.dumps({**GOOD_PREDS[1], "note": "x\u2028y\u2029z\x85"}, ensure_ascii=False)], True),
    "fields of any kind besides doc_id and entities": ([{**GOOD_PREDS[0], "meta": {"x": [1, None]}},
                                                        {**GOOD_PREDS[1], "claims": "ignored"}], True),
}


@pytest.mark.parametrize("name", list(BAD))
def test_each_bad_input_keeps_its_message_through_the_fallback(tmp_path: Path, name: str) -> None:
    gold_lines, pred_lines, message, kept = BAD[name]
    gold = _write(tmp_path / "gold.jsonl", gold_lines)
    preds = _write(tmp_path / "preds.jsonl", pred_lines)
    fast, used = _run(gold, preds, fast=True)
    slow, _ = _run(gold, preds, fast=False)
    assert isinstance(fast, str) and message in fast, fast
    assert fast == slow
    assert all(used["gold"] + used["predictions"]) is kept  # kept: no fallback was needed to name the line
    lenient_fast, _ = _run(gold, preds, fast=True, skip_invalid=True)
    assert lenient_fast == _run(gold, preds, fast=False, skip_invalid=True)[0]


def test_invalid_utf8_anywhere_is_reported_by_the_line_by_line_reader(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", GOOD_GOLD)
    preds = tmp_path / "preds.jsonl"
    preds.write_bytes(json.dumps(GOOD_PREDS[0]).encode() + b'\n{"doc_id": "b", "note": "\xff", "entities": []}\n')
    fast, used = _run(gold, preds, fast=True)
    assert fast == _run(gold, preds, fast=False)[0]
    assert "preds.jsonl:2: not valid UTF-8" in fast and used["predictions"] == [False]


@pytest.mark.parametrize(("content", "lines"), [
    (b'{"a": 1}\n{"a": 2}\n', 2), (b'{"a": 1}\r\n{"a": 2}', 2), ('{"t": "é\u00a0"}\n'.encode(), 1),
    (b'{"a": 1}\n\n{"a": 2}\n', None), (b' {"a": 1}\n', None), (b'{"a": 1} \n', None), (b"", None),
    (b'{"a": 1}\n{"a": [\n1]}\n', None), ('{"t": "\u2029"}\n'.encode(), 1), (b'{"a": 1}\x0c\n', None),
])
def test_scan_accepts_only_one_object_per_line(tmp_path: Path, content: bytes, lines: int | None) -> None:
    path = tmp_path / "f.jsonl"
    path.write_bytes(content)
    scan = columnar.scan_lines(path)
    assert (scan.count if scan is not None else None) == lines


def test_scan_reads_lines_longer_than_a_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columnar, "CHUNK_BYTES", 16)
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"a": "' + b"x" * 50 + b'"}\n{"b": 1}\n{"c": 2}')
    assert columnar.scan_lines(path) == columnar.Lines(3, 60)
    path.write_bytes(b'{"b": 1}\n{"c": 2}\n{"a": "' + b"x" * 50 + b'"}')
    assert columnar.scan_lines(path) == columnar.Lines(3, 59)
    path.write_bytes(b'{"a": "' + b"x" * 50 + b'"}\n{"b": 1}\n\n')
    assert columnar.scan_lines(path) is None


@pytest.mark.parametrize("name", list(ODD_LAYOUTS))
def test_odd_but_valid_layouts_give_the_same_report(tmp_path: Path, name: str) -> None:
    pred_lines, kept = ODD_LAYOUTS[name]
    gold = _write(tmp_path / "gold.jsonl", GOOD_GOLD)
    preds = _write(tmp_path / "preds.jsonl", pred_lines)
    fast, used = _run(gold, preds, fast=True)
    assert isinstance(fast, dict) and fast == _run(gold, preds, fast=False)[0]
    assert used == {"gold": [True], "predictions": [kept]}


def test_blocks_grow_to_hold_the_longest_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 16)  # every line is longer than that
    gold = _write(tmp_path / "gold.jsonl", GOOD_GOLD)
    preds = _write(tmp_path / "preds.jsonl", GOOD_PREDS)
    fast, used = _run(gold, preds, fast=True)
    assert used == {"gold": [True], "predictions": [True]}
    assert fast == _run(gold, preds, fast=False)[0]


def test_text_anchored_items_leave_the_fast_path_and_score_the_same(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", GOOD_GOLD)
    anchored = [{"doc_id": "a", "entities": [{"text": TEXT[0:5], "label": "GPE"}]}, GOOD_PREDS[1]]
    preds = _write(tmp_path / "preds.jsonl", anchored)
    fast, used = _run(gold, preds, fast=True)
    slow, _ = _run(gold, preds, fast=False)
    assert used["predictions"] == [False]  # null offsets: the line-by-line reader aligns the strings
    assert fast == slow and fast["alignment"]["entities"]["exact"] == 1
    offsets, _ = _run(gold, _write(tmp_path / "offsets.jsonl", GOOD_PREDS), fast=True)
    assert fast["entities"] == offsets["entities"]


def test_claims_key_anywhere_leaves_the_fast_path_to_infer_the_scope(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", [{**g, "claims": []} for g in GOOD_GOLD])
    preds = _write(tmp_path / "preds.jsonl", [{**GOOD_PREDS[0], "claims": []}, GOOD_PREDS[1]])
    fast, used = _run(gold, preds, fast=True, claims=None)
    assert used["predictions"] == [False] and "has no 'claims' field, but line 1 has one" in fast
    plain, used = _run(gold, _write(tmp_path / "p.jsonl", GOOD_PREDS), fast=True, claims=None)
    assert used["predictions"] == [True]
    assert plain["scope"] == {"entities": "scored", "claims": "not predicted", "sentences": "not predicted"}
    # a gold without claims: the predictions' claims are not read at all, so the fast path serves them
    no_claims, used = _run(_write(tmp_path / "g2.jsonl", GOOD_GOLD), preds, fast=True, claims=None)
    assert used["predictions"] == [True] and no_claims["scope"]["claims"] == "no gold"
