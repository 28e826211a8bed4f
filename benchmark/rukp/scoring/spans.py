"""Spans and overlap finding: a sort-and-sweep over start offsets, never all pairs.

Offsets are Python character offsets with exclusive ends (``text[start:end]``): ``[0, 3)`` and ``[3, 5)``
touch and do not overlap. Overlap finding works on flat numpy arrays of many documents at once and costs
``O(n log n + pairs)``: two spans overlap exactly when one of them starts inside the other, so for each span
the spans of the other side that start inside it form one contiguous run of the start-sorted array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Span:
    """A labelled character span ``[start, end)`` (end exclusive), optionally linked to a canonical entity."""

    start: int
    end: int
    label: str
    entity_id: str | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.start, int) and isinstance(self.end, int)):
            raise ValueError(f"span offsets must be integers, got start={self.start!r}, end={self.end!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"span [{self.start}, {self.end}) is empty or negative (need 0 <= start < end)")
        if not isinstance(self.label, str) or not self.label:
            raise ValueError(f"span label must be a non-empty string, got {self.label!r}")

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


def expand_ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flatten ranges ``[lo[i], hi[i])`` into ``(owner, value)`` pairs, vectorised (``owner`` is ``i``)."""
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(lo), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    value = np.arange(total, dtype=np.int64) - np.repeat(first - lo, counts)
    return owner, value


def overlap_pairs(
    gold_doc: np.ndarray, gold_start: np.ndarray, gold_end: np.ndarray,
    pred_doc: np.ndarray, pred_start: np.ndarray, pred_end: np.ndarray,
    *, inclusive_ends: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """All ``(gold index, pred index)`` pairs of the same document whose spans overlap.

    With ``inclusive_ends=False`` (ours) spans ``[s, e)`` overlap when ``gs < pe and ps < ge``. With
    ``inclusive_ends=True`` the ends are read as inclusive, as nervaluate does (``gs <= pe and ps <= ge``),
    so touching spans overlap. Inputs need not be sorted; indices refer to the input arrays. Pairs come
    sorted by document, then by the start of the later-starting span.
    """
    arrays = (gold_doc, gold_start, gold_end, pred_doc, pred_start, pred_end)
    gold_doc, gold_start, gold_end, pred_doc, pred_start, pred_end = (
        np.asarray(a, dtype=np.int64) for a in arrays)
    if len(gold_doc) == 0 or len(pred_doc) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    width = int(max(gold_end.max(), pred_end.max())) + 2
    n_docs = int(max(gold_doc.max(), pred_doc.max())) + 1
    if n_docs * width >= 2**62:
        raise ValueError(f"offsets too large to index ({n_docs} documents, offsets up to {width - 2})")
    side = "right" if inclusive_ends else "left"

    gkey = gold_doc * width + gold_start
    pkey = pred_doc * width + pred_start
    gorder = np.argsort(gkey, kind="stable")
    porder = np.argsort(pkey, kind="stable")
    gkey_sorted, pkey_sorted = gkey[gorder], pkey[porder]
    gend_key = (gold_doc * width + gold_end)[gorder]
    pend_key = (pred_doc * width + pred_end)[porder]

    # A: gold starts inside the prediction (ps <= gs < pe, or <= pe when ends are inclusive).
    lo = np.searchsorted(gkey_sorted, pkey_sorted, side="left")
    hi = np.searchsorted(gkey_sorted, pend_key, side=side)
    p_a, g_a = expand_ranges(lo, hi)
    # B: prediction starts strictly after the gold start and inside the gold (gs < ps < ge, or <= ge).
    lo = np.searchsorted(pkey_sorted, gkey_sorted, side="right")
    hi = np.searchsorted(pkey_sorted, gend_key, side=side)
    g_b, p_b = expand_ranges(lo, hi)

    gi = np.concatenate([gorder[g_a], gorder[g_b]])
    pi = np.concatenate([porder[p_a], porder[p_b]])
    return gi, pi
