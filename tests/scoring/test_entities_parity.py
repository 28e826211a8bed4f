"""nervaluate-compatible mode: counts equal ``nervaluate.Evaluator`` 1.2.1 for all four schemes, overall and per
type, on random documents (hypothesis), including its inclusive ends, greedy order and overlap threshold."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator

from rukp.scoring import FIELDS, SCHEMES, Span, score_documents

LABELS = ("PER", "ORG", "LOC")

SPAN = st.builds(lambda s, n, label: Span(s, s + n, label), st.integers(0, 30), st.integers(1, 8),
                 st.sampled_from(LABELS))
DOCS = st.lists(st.tuples(st.lists(SPAN, max_size=8), st.lists(SPAN, max_size=8)), min_size=1, max_size=4)


def _dicts(spans: list[Span]) -> list[dict]:
    return [{"start": s.start, "end": s.end, "label": s.label} for s in spans]


def _compare(docs: list[tuple[list[Span], list[Span]]], percentage: float) -> None:
    pairs = [(f"d{i}", gold, pred) for i, (gold, pred) in enumerate(docs)]
    results = score_documents(pairs, labels=LABELS, nervaluate_compatible=True, min_overlap=percentage / 100)
    ours = sum(r.counts for r in results)
    theirs = Evaluator([_dicts(g) for g, _ in docs], [_dicts(p) for _, p in docs], list(LABELS),
                       loader="dict", min_overlap_percentage=percentage).evaluate()
    for scheme in SCHEMES:
        expected = theirs["overall"][scheme]
        assert [ours.field(scheme, f) for f in FIELDS] == [getattr(expected, f) for f in FIELDS], scheme
        assert (ours.possible(scheme), ours.actual(scheme)) == (expected.possible, expected.actual)
        for value, name in ((ours.precision(scheme), "precision"), (ours.recall(scheme), "recall")):
            # nervaluate reports 0 where the metric is undefined; we report None
            assert math.isclose(value if value is not None else 0.0, getattr(expected, name)), (scheme, name)
        for label in LABELS:
            row = [ours.field(scheme, f, label) for f in FIELDS]
            if label in theirs["entities"]:
                assert row == [getattr(theirs["entities"][label][scheme], f) for f in FIELDS], (scheme, label)
            else:  # nervaluate omits labels that occur nowhere
                assert row == [0] * len(FIELDS)


@settings(max_examples=500, deadline=None)
@given(DOCS)
def test_counts_equal_nervaluate_default_threshold(docs: list) -> None:
    if not any(gold for gold, _ in docs):
        return  # nervaluate cannot infer its loader from an all-empty gold list
    _compare(docs, 1.0)


@settings(max_examples=200, deadline=None)
@given(DOCS, st.sampled_from([10.0, 29.0, 50.0, 100.0]))
def test_counts_equal_nervaluate_with_min_overlap_percentage(docs: list, percentage: float) -> None:
    if not any(gold for gold, _ in docs):
        return
    _compare(docs, percentage)


def test_long_gold_span_needs_one_percent_overlap_like_nervaluate() -> None:
    # nervaluate reads ends as inclusive and requires overlap / gold length >= 1 %: one shared position
    # with a 201-position gold span is 0.5 %, so the prediction is spurious there, while our default
    # mode matches any overlap of at least one character.
    docs = [([Span(0, 200, "PER")], [Span(200, 205, "PER")]), ([Span(0, 3, "ORG")], [Span(0, 3, "ORG")])]
    _compare(docs, 1.0)
    compat = score_documents([("d", *docs[0])], labels=LABELS, nervaluate_compatible=True)[0].counts
    ours = score_documents([("d", *docs[0])], labels=LABELS)[0].counts
    assert compat.field("partial", "spurious") == 1
    assert ours.field("partial", "spurious") == 1  # touching [0, 200) and [200, 205) do not overlap for us
    ours = score_documents([("d", [Span(0, 201, "PER")], [Span(200, 205, "PER")])], labels=LABELS)[0].counts
    assert ours.field("partial", "partial") == 1


def test_wrong_type_is_missed_for_gold_and_spurious_for_predicted_type_in_both_modes() -> None:
    pair = [("d", [Span(0, 5, "PER")], [Span(0, 5, "ORG")])]
    compat = score_documents(pair, labels=LABELS, nervaluate_compatible=True)[0].counts
    ours = score_documents(pair, labels=LABELS)[0].counts
    for counts in (compat, ours):
        for scheme in SCHEMES:
            assert (counts.field(scheme, "missed", "PER"), counts.field(scheme, "spurious", "ORG")) == (1, 1)
            assert counts.actual(scheme, "PER") == counts.possible(scheme, "ORG") == 0
    assert compat.field("strict", "incorrect") == ours.field("strict", "incorrect") == 1  # overall: one pair
    assert ours.field("exact", "correct") == 1 and ours.precision("exact", "ORG") == 0.0


@pytest.mark.parametrize("min_overlap", [-0.1, 1.5, "0.5", True])
def test_min_overlap_outside_zero_one_is_refused(min_overlap: object) -> None:
    with pytest.raises(ValueError, match="must be a number between 0.0 and 1.0"):
        score_documents([("d", [], [])], labels=LABELS, min_overlap=min_overlap)  # type: ignore[arg-type]
