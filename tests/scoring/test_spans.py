"""Span checks and the sort-and-sweep overlap finder, against a brute-force all-pairs reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rukp.scoring.spans import Span, expand_ranges, overlap_pairs

SPANS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(1, 12)), max_size=25)


def _arrays(spans: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    doc = np.asarray([d for d, _, _ in spans], dtype=np.int64)
    start = np.asarray([s for _, s, _ in spans], dtype=np.int64)
    return doc, start, start + np.asarray([n for _, _, n in spans], dtype=np.int64)


def _brute(gold: list, pred: list, inclusive: bool) -> set[tuple[int, int]]:
    out = set()
    for i, (gd, gs, gn) in enumerate(gold):
        for j, (pd, ps, pn) in enumerate(pred):
            ge, pe = gs + gn, ps + pn
            hit = gs <= pe and ps <= ge if inclusive else gs < pe and ps < ge
            if gd == pd and hit:
                out.add((i, j))
    return out


@settings(max_examples=300, deadline=None)
@given(SPANS, SPANS, st.booleans())
def test_sweep_finds_exactly_the_overlapping_pairs_once(gold: list, pred: list, inclusive: bool) -> None:
    gi, pi = overlap_pairs(*_arrays(gold), *_arrays(pred), inclusive_ends=inclusive)
    pairs = list(zip(gi.tolist(), pi.tolist(), strict=True))
    assert len(pairs) == len(set(pairs))  # each pair reported once
    assert set(pairs) == _brute(gold, pred, inclusive)


def test_touching_spans_do_not_overlap_but_do_with_inclusive_ends() -> None:
    gold = (np.array([0]), np.array([0]), np.array([3]))
    pred = (np.array([0]), np.array([3]), np.array([5]))
    assert len(overlap_pairs(*gold, *pred)[0]) == 0
    assert len(overlap_pairs(*gold, *pred, inclusive_ends=True)[0]) == 1
    assert not Span(0, 3, "PER").overlaps(Span(3, 5, "PER"))
    assert Span(0, 4, "PER").overlaps(Span(3, 5, "PER"))


def test_spans_of_different_documents_never_pair() -> None:
    gi, _ = overlap_pairs(np.array([0]), np.array([0]), np.array([10]), np.array([1]), np.array([0]),
                          np.array([10]))
    assert len(gi) == 0


def test_expand_ranges_flattens_in_order() -> None:
    owner, value = expand_ranges(np.array([2, 5, 0]), np.array([4, 5, 1]))
    assert owner.tolist() == [0, 0, 2]
    assert value.tolist() == [2, 3, 0]


@pytest.mark.parametrize(("start", "end", "label", "message"), [
    (3, 3, "PER", "empty or negative"),
    (-1, 2, "PER", "empty or negative"),
    (1.0, 2, "PER", "must be integers"),
    (0, 2, "", "non-empty string"),
])
def test_invalid_spans_are_refused(start: object, end: object, label: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Span(start, end, label)  # type: ignore[arg-type]
