"""The four SemEval-2013 task 9.1 match schemes, one strategy class each, with its counting rule.

Our scoring aligns gold and predicted spans once (see :mod:`rukp.scoring.matching`) and gives every span one
*outcome* (:data:`OUTCOMES`). Each scheme is then a table saying which count field an outcome goes to, so the
four schemes always see the same alignment and ``possible``/``actual`` are the same in all four. Each class
also states nervaluate 1.2.1's own greedy rule (:meth:`Scheme.nervaluate_pick`), used only by the
nervaluate-compatible mode.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar, NamedTuple

import numpy as np

from rukp.scoring.counts import CORRECT, FIELDS, INCORRECT, MISSED, PARTIAL, SCHEMES, SPURIOUS

#: What can happen to a span, in code order: a matched pair is ``correct`` (same boundaries, same type),
#: ``incorrect`` (same boundaries, other type), ``partial`` (overlapping boundaries, same type) or
#: ``partial_incorrect`` (overlapping boundaries, other type); an unmatched gold span is ``missed`` and an
#: unmatched predicted span ``spurious``.
OUTCOMES: tuple[str, ...] = ("correct", "incorrect", "partial", "partial_incorrect", "missed", "spurious")
O_CORRECT, O_INCORRECT, O_PARTIAL, O_PARTIAL_INCORRECT, O_MISSED, O_SPURIOUS = range(len(OUTCOMES))


def pair_outcome(same_bounds: np.ndarray, same_label: np.ndarray) -> np.ndarray:
    """Outcome code of matched pairs from two boolean arrays (vectorised)."""
    same_bounds = np.asarray(same_bounds, dtype=bool)
    same_label = np.asarray(same_label, dtype=bool)
    return np.where(same_bounds, np.where(same_label, O_CORRECT, O_INCORRECT),
                    np.where(same_label, O_PARTIAL, O_PARTIAL_INCORRECT)).astype(np.int8)


class Candidate(NamedTuple):
    """A gold span that a prediction overlaps enough, as nervaluate's greedy loop sees it."""

    gold: int
    same_bounds: bool
    same_label: bool
    distance: int  # |pred.start - gold.start| + |pred.end - gold.end|


class Scheme(ABC):
    """A match scheme: the count field of each outcome, and nervaluate's greedy choice for one prediction."""

    name: ClassVar[str]
    #: Count field (index into FIELDS) for each outcome in OUTCOMES order.
    fields: ClassVar[tuple[int, ...]]

    @staticmethod
    @abstractmethod
    def nervaluate_pick(candidates: Sequence[Candidate]) -> tuple[int, int] | None:
        """nervaluate's choice for one prediction among still-unmatched gold ``candidates`` (in gold order):
        ``(gold, field)``, or None when the prediction is spurious."""


class Strict(Scheme):
    """strict — exact boundaries and the same type.

    correct: same boundaries and same type. incorrect: any other matched pair (other type, or overlapping
    boundaries). partial: never. missed: unmatched gold. spurious: unmatched prediction.
    nervaluate: the first unmatched gold with the same boundaries and type is correct; otherwise the first
    unmatched gold it overlaps enough is incorrect.
    """

    name = "strict"
    fields = (CORRECT, INCORRECT, INCORRECT, INCORRECT, MISSED, SPURIOUS)

    @staticmethod
    def nervaluate_pick(candidates: Sequence[Candidate]) -> tuple[int, int] | None:
        for c in candidates:
            if c.same_bounds and c.same_label:
                return c.gold, CORRECT
        return (candidates[0].gold, INCORRECT) if candidates else None


class Exact(Scheme):
    """exact — exact boundaries, whatever the type.

    correct: same boundaries (same or other type). incorrect: overlapping, different boundaries. partial:
    never. missed / spurious: unmatched gold / prediction.
    nervaluate: the first unmatched gold with the same boundaries is correct; otherwise the first unmatched
    gold it overlaps enough is incorrect.
    """

    name = "exact"
    fields = (CORRECT, CORRECT, INCORRECT, INCORRECT, MISSED, SPURIOUS)

    @staticmethod
    def nervaluate_pick(candidates: Sequence[Candidate]) -> tuple[int, int] | None:
        for c in candidates:
            if c.same_bounds:
                return c.gold, CORRECT
        return (candidates[0].gold, INCORRECT) if candidates else None


class Partial(Scheme):
    """partial — overlapping boundaries earn half credit, whatever the type.

    correct: same boundaries (same or other type). partial: overlapping, different boundaries, weighted 0.5
    in precision and recall. incorrect: never. missed / spurious: unmatched gold / prediction.
    nervaluate: the first unmatched gold with the same boundaries is correct; otherwise the first unmatched
    gold it overlaps enough is partial.
    """

    name = "partial"
    fields = (CORRECT, CORRECT, PARTIAL, PARTIAL, MISSED, SPURIOUS)

    @staticmethod
    def nervaluate_pick(candidates: Sequence[Candidate]) -> tuple[int, int] | None:
        for c in candidates:
            if c.same_bounds:
                return c.gold, CORRECT
        return (candidates[0].gold, PARTIAL) if candidates else None


class EntType(Scheme):
    """ent_type — the type must be right; any overlap of the boundaries is enough.

    correct: same type (same or overlapping boundaries). incorrect: other type. partial: never. missed /
    spurious: unmatched gold / prediction.
    nervaluate: among the unmatched golds it overlaps enough with the same type, the one with the smallest
    ``|Δstart| + |Δend|`` (first on ties) is correct; otherwise the first with another type is incorrect.
    """

    name = "ent_type"
    fields = (CORRECT, INCORRECT, CORRECT, INCORRECT, MISSED, SPURIOUS)

    @staticmethod
    def nervaluate_pick(candidates: Sequence[Candidate]) -> tuple[int, int] | None:
        best: Candidate | None = None
        other: Candidate | None = None
        for c in candidates:
            if c.same_label:
                if best is None or c.distance < best.distance:
                    best = c
            elif other is None:
                other = c
        if best is not None:
            return best.gold, CORRECT
        return (other.gold, INCORRECT) if other is not None else None


#: Scheme strategies in :data:`SCHEMES` order.
STRATEGIES: tuple[type[Scheme], ...] = (Strict, Exact, Partial, EntType)
assert tuple(s.name for s in STRATEGIES) == SCHEMES

#: One-hot table ``[scheme, outcome, field]``: the overall (micro) counts = histogram of outcomes contracted
#: with this table.
OUTCOME_FIELDS: np.ndarray = np.zeros((len(SCHEMES), len(OUTCOMES), len(FIELDS)), dtype=np.int64)
for _s, _strategy in enumerate(STRATEGIES):
    for _o, _f in enumerate(_strategy.fields):
        OUTCOME_FIELDS[_s, _o, _f] = 1

#: Slots of the count histogram ``(slot, label)``: each outcome at the gold span's type (a spurious
#: prediction's at its own type), then the predicted side of a wrong-type pair at the predicted type.
SLOTS: tuple[str, ...] = (*OUTCOMES, "incorrect@pred", "partial_incorrect@pred")
H_INCORRECT_PRED, H_PARTIAL_INCORRECT_PRED = len(OUTCOMES), len(OUTCOMES) + 1

#: Per-type convention of the default counts (stated in every report): the field's (seqeval, conlleval,
#: spaCy's Scorer, nervaluate).
PER_TYPE_CONVENTION = "wrong-type pairs are FP of the predicted type, FN of the gold type"

#: ``[scheme, slot, field]`` → the overall row: every pair once, as its scheme says; predicted sides of
#: wrong-type pairs add nothing (their pair is already counted).
OVERALL_FIELDS: np.ndarray = np.zeros((len(SCHEMES), len(SLOTS), len(FIELDS)), dtype=np.int64)
OVERALL_FIELDS[:, :len(OUTCOMES)] = OUTCOME_FIELDS

#: ``[scheme, slot, field]`` → the per-type rows, the field's convention: a pair of one type counts as its
#: scheme says; a wrong-type pair is ``missed`` for the gold type and ``spurious`` for the predicted type, in
#: every scheme (a type's row sees only its own gold and predicted spans, as nervaluate's per-type results).
TYPE_FIELDS: np.ndarray = np.zeros((len(SCHEMES), len(SLOTS), len(FIELDS)), dtype=np.int64)
for _o in (O_CORRECT, O_PARTIAL, O_MISSED, O_SPURIOUS):
    TYPE_FIELDS[:, _o] = OUTCOME_FIELDS[:, _o]
TYPE_FIELDS[:, (O_INCORRECT, O_PARTIAL_INCORRECT), MISSED] = 1
TYPE_FIELDS[:, (H_INCORRECT_PRED, H_PARTIAL_INCORRECT_PRED), SPURIOUS] = 1

#: Histogram slot of a wrong-type pair's predicted side, by the pair's outcome code (-1: not wrong-type).
PRED_SIDE_SLOT: np.ndarray = np.full(len(OUTCOMES), -1, dtype=np.int64)
PRED_SIDE_SLOT[O_INCORRECT], PRED_SIDE_SLOT[O_PARTIAL_INCORRECT] = H_INCORRECT_PRED, H_PARTIAL_INCORRECT_PRED


def slot_histogram(unit: np.ndarray, gold_outcome: np.ndarray, gold_label: np.ndarray, pred_label: np.ndarray,
                   spurious_unit: np.ndarray, spurious_label: np.ndarray, n_units: int,
                   n_labels: int) -> np.ndarray:
    """Count histogram ``(n_units, len(SLOTS), n_labels)`` of one set of outcomes.

    ``unit``, ``gold_outcome``, ``gold_label`` and ``pred_label`` describe every gold span (``pred_label`` is
    the partner's label, ignored unless the pair has another type); ``spurious_unit``/``spurious_label`` the
    unmatched predictions.
    """
    n_slots = len(SLOTS)
    gold_outcome = np.asarray(gold_outcome, dtype=np.int64)
    wrong = PRED_SIDE_SLOT[gold_outcome] >= 0
    flat = np.concatenate([
        (unit * n_slots + gold_outcome) * n_labels + gold_label,
        (unit[wrong] * n_slots + PRED_SIDE_SLOT[gold_outcome[wrong]]) * n_labels + pred_label[wrong],
        (spurious_unit * n_slots + O_SPURIOUS) * n_labels + spurious_label]).astype(np.int64)
    return np.bincount(flat, minlength=n_units * n_slots * n_labels).reshape(n_units, n_slots, n_labels)


def counts_from_histogram(hist: np.ndarray) -> np.ndarray:
    """Count histogram ``(..., len(SLOTS), L)`` → counts ``(..., S, L + 1, F)``: per-type rows in the field's
    convention (:data:`TYPE_FIELDS`), then the overall row (:data:`OVERALL_FIELDS`). Linear in ``hist``, so
    summed (or resampled) histograms give summed counts."""
    hist = np.asarray(hist)
    per_label = np.einsum("...hl,shf->...slf", hist, TYPE_FIELDS)
    overall = np.einsum("...h,shf->...sf", hist.sum(axis=-1), OVERALL_FIELDS)
    return np.concatenate([per_label, overall[..., None, :]], axis=-2)
