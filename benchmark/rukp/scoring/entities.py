"""Score predicted entity spans against gold: the functions the rest of the harness calls.

Gold and predicted spans are aligned one-to-one by an optimal assignment per connected component of the
overlap graph (:mod:`rukp.scoring.matching`), maximising, in this order: pairs with the same boundaries and
type, pairs with the same boundaries, matched pairs, matched pairs of the same type, then the character
Jaccard of the pairs (in thousandths). Every gold and predicted span gets one outcome (correct, incorrect,
partial, partial_incorrect, missed, spurious) and the four schemes count those outcomes
(:mod:`rukp.scoring.schemes`). Overall, a matched pair counts once; per type, the field's convention holds
(seqeval, conlleval, spaCy's Scorer, nervaluate): a pair of two types is a miss for the gold type and a
spurious prediction for the predicted type. Spans are sorted canonically first, so the result does not
depend on the order of spans or documents. See ``docs/scoring.md`` for the full rules and the
nervaluate-compatible mode.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from rukp.schema import ENTITY_LABELS
from rukp.scoring.compat import DEFAULT_MIN_OVERLAP_PERCENTAGE, nervaluate_doc_counts
from rukp.scoring.counts import SPURIOUS, EntityCounts, LinkingCounts
from rukp.scoring.matching import EXACT_LIMIT, Assignment, assign
from rukp.scoring.schemes import (
    O_MISSED,
    O_SPURIOUS,
    OUTCOMES,
    counts_from_histogram,
    pair_outcome,
    slot_histogram,
)
from rukp.scoring.spans import Span, overlap_pairs
from rukp.scoring.tables import EntityData, SpanTable, build_entity_data

#: Resolution of the Jaccard tie-break level (overlap quality compared in thousandths).
JACCARD_STEPS = 1000

#: Spans (gold + predicted) per block of whole documents matched together; bounds temporary memory.
BLOCK_SPANS = 1 << 18


@dataclass(frozen=True)
class SpanOutcome:
    """What happened to one gold span, one predicted span, or a matched pair of them (see ``OUTCOMES``)."""

    doc_id: str
    gold: Span | None
    pred: Span | None
    outcome: str


@dataclass
class DocumentEntityResult:
    """Counts, span outcomes and linking counts of one document (counts of several documents add)."""

    doc_id: str
    counts: EntityCounts
    outcomes: list[SpanOutcome]
    linking: LinkingCounts
    fallback_components: int = 0


def _check_min_overlap(min_overlap: float) -> float:
    if (isinstance(min_overlap, bool) or not isinstance(min_overlap, int | float)
            or not 0.0 <= min_overlap <= 1.0):
        raise ValueError(f"min_overlap={min_overlap!r} must be a number between 0.0 and 1.0")
    return float(min_overlap)


@dataclass
class EntityScores:
    """Entity scores of a set of documents, computed once; per-document views are derived on demand.

    ``gold`` and ``pred`` are the span tables in canonical order; ``gold_match``/``pred_match`` give each
    span's partner (-1 when unmatched) and ``gold_outcome``/``pred_outcome`` its outcome code (index into
    ``OUTCOMES``; a matched pair has the same code on both sides).
    """

    data: EntityData
    gold: SpanTable
    pred: SpanTable
    gold_match: np.ndarray
    pred_match: np.ndarray
    gold_outcome: np.ndarray
    pred_outcome: np.ndarray
    #: ``(n_docs, 2)``: matched gold spans with an entity_id, and those whose prediction has the same id.
    doc_linking: np.ndarray
    #: Per document, components resolved by the greedy fallback (too large for an exact assignment).
    doc_fallback: np.ndarray
    min_overlap: float
    nervaluate_compatible: bool
    #: ``(n_docs, len(SLOTS), L)`` count histogram (default mode), the state the counts derive from
    #: (:func:`rukp.scoring.schemes.counts_from_histogram`).
    doc_outcomes: np.ndarray | None = None
    #: Predictions with no span (``add_spurious``), per label: the spurious row of :meth:`confusion`.
    unplaced: np.ndarray | None = None
    _doc_counts: np.ndarray | None = field(default=None, repr=False)

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return self.data.doc_ids

    @property
    def labels(self) -> tuple[str, ...]:
        return self.data.labels

    @cached_property
    def doc_counts(self) -> np.ndarray:
        """Per-document count arrays, shape ``(n_docs, S, L + 1, F)`` (stack to resample documents)."""
        if self._doc_counts is not None:
            return self._doc_counts
        return counts_from_histogram(self.doc_outcomes)

    @cached_property
    def counts(self) -> EntityCounts:
        """Counts summed over all documents."""
        if self._doc_counts is not None:
            return EntityCounts(self._doc_counts.sum(axis=0), self.labels)
        return EntityCounts(counts_from_histogram(self.doc_outcomes.sum(axis=0)), self.labels)

    @property
    def linking(self) -> LinkingCounts:
        """Linking counts summed over all documents."""
        matched, correct = self.doc_linking.sum(axis=0)
        return LinkingCounts(int(matched), int(correct))

    @property
    def fallback_components(self) -> int:
        """Components resolved by the greedy fallback, over all documents."""
        return int(self.doc_fallback.sum())

    def add_spurious(self, extra: np.ndarray) -> None:
        """Add predictions that have no span (text-anchored items that matched nowhere) as ``spurious``
        counts, ``extra`` per document and label ``(n_docs, L)``; before any count is read."""
        extra = np.asarray(extra, dtype=np.int64)
        if not extra.any():
            return
        self.unplaced = extra.sum(axis=0) + (0 if self.unplaced is None else self.unplaced)
        if "counts" in self.__dict__ or "doc_counts" in self.__dict__:
            raise RuntimeError("add_spurious must be called before the counts are read")
        if self._doc_counts is not None:
            self._doc_counts = self._doc_counts.copy()
            self._doc_counts[:, :, :-1, SPURIOUS] += extra[:, None, :]
            self._doc_counts[:, :, -1, SPURIOUS] += extra.sum(axis=1)[:, None]
        else:
            self.doc_outcomes = self.doc_outcomes.copy()
            self.doc_outcomes[:, O_SPURIOUS, :] += extra

    def document(self, i: int) -> DocumentEntityResult:
        """The result of document ``i`` (position in ``doc_ids``), with its span outcomes."""
        doc_id = self.doc_ids[i]
        labels, entity_ids = self.labels, self.data.entity_ids
        g_lo, g_hi = np.searchsorted(self.gold.doc, [i, i + 1])
        p_lo, p_hi = np.searchsorted(self.pred.doc, [i, i + 1])
        rows: list[tuple[int, int, SpanOutcome]] = []
        for g in range(g_lo, g_hi):
            p = int(self.gold_match[g])
            gold = self.gold.span(g, labels, entity_ids)
            pred = self.pred.span(p, labels, entity_ids) if p >= 0 else None
            rows.append((gold.start, 0, SpanOutcome(doc_id, gold, pred, OUTCOMES[self.gold_outcome[g]])))
        for p in range(p_lo, p_hi):
            if self.pred_match[p] < 0:
                pred = self.pred.span(p, labels, entity_ids)
                rows.append((pred.start, 1, SpanOutcome(doc_id, None, pred, OUTCOMES[O_SPURIOUS])))
        rows.sort(key=lambda r: (r[0], r[1]))
        return DocumentEntityResult(doc_id, EntityCounts(self.doc_counts[i], labels), [r[2] for r in rows],
                                    LinkingCounts(int(self.doc_linking[i, 0]), int(self.doc_linking[i, 1])),
                                    int(self.doc_fallback[i]))

    def outcome_totals(self) -> dict[str, int]:
        """How many spans got each outcome (a pair once; predictions with no span are ``spurious``)."""
        n = len(OUTCOMES)
        totals = (np.bincount(self.gold_outcome.astype(np.int64), minlength=n)
                  + np.bincount(self.pred_outcome[self.pred_match < 0].astype(np.int64), minlength=n))
        totals[O_SPURIOUS] += 0 if self.unplaced is None else int(self.unplaced.sum())
        return {name: int(totals[i]) for i, name in enumerate(OUTCOMES)}

    def confusion(self) -> np.ndarray:
        """Entity-type confusion ``(L + 1, L + 1)``: ``[gold type, predicted type]`` counts the matched pairs
        with the same boundaries; the last column the gold spans without such a partner (missed), the last row
        the predictions without one (spurious, unplaced text items included). Rows sum to the gold spans per
        type, columns to the predictions per type."""
        n = len(self.labels)
        g = np.flatnonzero(self.gold_match >= 0)
        p = self.gold_match[g]
        same = (self.gold.start[g] == self.pred.start[p]) & (self.gold.end[g] == self.pred.end[p])
        g, p = g[same], p[same]
        out = np.zeros((n + 1, n + 1), dtype=np.int64)
        np.add.at(out, (self.gold.label[g], self.pred.label[p]), 1)
        out[:n, n] = np.bincount(self.gold.label, minlength=n) - out[:n, :n].sum(axis=1)
        out[n, :n] = np.bincount(self.pred.label, minlength=n) - out[:n, :n].sum(axis=0)
        if self.unplaced is not None:
            out[n, :n] += self.unplaced
        return out

    def documents(self) -> list[DocumentEntityResult]:
        """Per-document results, in ``doc_ids`` order."""
        return [self.document(i) for i in range(len(self.doc_ids))]


def _blocks(gold_doc: np.ndarray, pred_doc: np.ndarray,
            n_docs: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Row ranges of consecutive whole documents with about :data:`BLOCK_SPANS` spans each (tables sorted)."""
    g_bounds = np.searchsorted(gold_doc, np.arange(n_docs + 1))
    p_bounds = np.searchsorted(pred_doc, np.arange(n_docs + 1))
    cuts = np.flatnonzero(np.diff((g_bounds + p_bounds) // BLOCK_SPANS)) + 1
    docs = [0, *cuts.tolist(), n_docs] if n_docs else [0, 0]
    return [((int(g_bounds[a]), int(g_bounds[b])), (int(p_bounds[a]), int(p_bounds[b])))
            for a, b in zip(docs[:-1], docs[1:], strict=True) if b > a or n_docs == 0]


def _match(gold: SpanTable, pred: SpanTable, g0: int, g1: int, p0: int, p1: int, min_overlap: float,
           exact_limit: int) -> Assignment:
    """Optimal assignment between gold rows ``g0:g1`` and predicted rows ``p0:p1`` (block-relative indices)."""
    gold_start, gold_end = gold.start[g0:g1], gold.end[g0:g1]
    pred_start, pred_end = pred.start[p0:p1], pred.end[p0:p1]
    gi, pi = overlap_pairs(gold.doc[g0:g1], gold_start, gold_end, pred.doc[p0:p1], pred_start, pred_end)
    gs, ge, ps, pe = gold_start[gi], gold_end[gi], pred_start[pi], pred_end[pi]
    overlap = np.minimum(ge, pe) - np.maximum(gs, ps)
    union = (ge - gs) + (pe - ps) - overlap
    if min_overlap > 0:
        keep = overlap / union >= min_overlap  # as documented (a product would round differently)
        gi, pi, gs, ge, ps, pe = gi[keep], pi[keep], gs[keep], ge[keep], ps[keep], pe[keep]
        overlap, union = overlap[keep], union[keep]
    same_bounds = (gs == ps) & (ge == pe)
    same_label = gold.label[g0:g1][gi] == pred.label[p0:p1][pi]
    levels = np.column_stack([same_bounds & same_label, same_bounds, np.ones_like(same_bounds), same_label,
                              overlap * JACCARD_STEPS // union]).astype(np.int32)
    return assign(g1 - g0, p1 - p0, gi, pi, levels, exact_limit=exact_limit)


def score_data(data: EntityData, *, min_overlap: float = 0.0, nervaluate_compatible: bool = False,
               exact_limit: int = EXACT_LIMIT, inclusive_input: bool = False) -> EntityScores:
    """Score span tables (the fast path: no per-span Python objects); see :func:`score_documents`.

    ``inclusive_input``: the spans were given with inclusive ends and stored with ``end + 1``; nervaluate-
    compatible counts then see the ends as given (nervaluate reads ends as inclusive), so they equal
    nervaluate's on the original data."""
    min_overlap = _check_min_overlap(min_overlap)
    n_docs, n_labels = len(data.doc_ids), len(data.labels)
    gold, pred = data.gold.canonical(), data.pred.canonical()
    gold_match = np.full(len(gold), -1, dtype=np.int64)
    pred_match = np.full(len(pred), -1, dtype=np.int64)
    fallback_golds = []
    threshold = 0.0 if nervaluate_compatible else min_overlap
    for (g0, g1), (p0, p1) in _blocks(gold.doc, pred.doc, n_docs):
        result = _match(gold, pred, g0, g1, p0, p1, threshold, exact_limit)
        gold_match[g0:g1] = np.where(result.gold_match >= 0, result.gold_match + p0, -1)
        pred_match[p0:p1] = np.where(result.pred_match >= 0, result.pred_match + g0, -1)
        fallback_golds.append(result.fallback_golds + g0)
    fallback_golds = np.concatenate(fallback_golds or [np.zeros(0, dtype=np.int64)])

    g_matched = np.flatnonzero(gold_match >= 0)
    p_of = gold_match[g_matched]
    same_bounds = (gold.start[g_matched] == pred.start[p_of]) & (gold.end[g_matched] == pred.end[p_of])
    outcome = pair_outcome(same_bounds, gold.label[g_matched] == pred.label[p_of])
    gold_outcome = np.full(len(gold), O_MISSED, dtype=np.int8)
    pred_outcome = np.full(len(pred), O_SPURIOUS, dtype=np.int8)
    gold_outcome[g_matched] = outcome
    pred_outcome[p_of] = outcome

    linked = gold.entity[g_matched] >= 0
    doc_linking = np.column_stack([
        np.bincount(gold.doc[g_matched][linked], minlength=n_docs),
        np.bincount(gold.doc[g_matched][linked & (pred.entity[p_of] == gold.entity[g_matched])],
                    minlength=n_docs)])
    doc_fallback = np.bincount(gold.doc[fallback_golds], minlength=n_docs)

    scores = EntityScores(data, gold, pred, gold_match, pred_match, gold_outcome, pred_outcome, doc_linking,
                          doc_fallback, min_overlap, nervaluate_compatible)
    if nervaluate_compatible:
        percentage = max(DEFAULT_MIN_OVERLAP_PERCENTAGE, round(100.0 * min_overlap, 9))
        g_in, p_in = gold.input_order(), pred.input_order()
        if inclusive_input:
            g_in, p_in = (replace(t, end=t.end - 1) for t in (g_in, p_in))
        scores._doc_counts = nervaluate_doc_counts(g_in, p_in, n_docs=n_docs, n_labels=n_labels,
                                                   min_overlap_percentage=percentage)
    else:
        spurious = pred_outcome == O_SPURIOUS
        partner_label = np.zeros(len(gold), dtype=np.int64)
        partner_label[g_matched] = pred.label[p_of]
        scores.doc_outcomes = slot_histogram(gold.doc, gold_outcome, gold.label, partner_label,
                                             pred.doc[spurious], pred.label[spurious], n_docs, n_labels)
    return scores


def score_documents(pairs: Iterable[tuple[str, Sequence[Span], Sequence[Span]]], *,
                    labels: Sequence[str] = ENTITY_LABELS, min_overlap: float = 0.0,
                    nervaluate_compatible: bool = False) -> list[DocumentEntityResult]:
    """Score ``(doc_id, gold spans, predicted spans)`` triples; one result per document (their counts add).

    Parameters
    ----------
    pairs : iterable of (str, sequence of Span, sequence of Span)
        Document id, gold spans and predicted spans; offsets are characters, ends exclusive.
    labels : sequence of str, default ``schema.ENTITY_LABELS``
        The label inventory (rows of the per-type counts); a span with another label is an error.
    min_overlap : float in [0, 1], default 0.0
        A gold and a predicted span can be matched only when they share at least one character and their
        character Jaccard ``overlap / (len(gold) + len(pred) - overlap)`` is at least ``min_overlap``. In
        nervaluate-compatible mode it is nervaluate's ``min_overlap_percentage / 100`` instead (overlap over
        the gold length, ends inclusive; values below its minimum, 1 %, mean 1 %).
    nervaluate_compatible : bool, default False
        Counts equal to ``nervaluate.Evaluator(..., loader="dict")`` given the same dicts (greedy matching in
        input order, inclusive ends, per-type counts from each type alone). Outcomes and linking still come
        from the optimal assignment with any overlap.

    Returns
    -------
    list of DocumentEntityResult
        In input order; ``sum(r.counts for r in results)`` gives the corpus counts.
    """
    data = build_entity_data(pairs, labels=labels)
    return score_data(data, min_overlap=min_overlap, nervaluate_compatible=nervaluate_compatible).documents()


def score_document(doc_id: str, gold: Sequence[Span], pred: Sequence[Span], *,
                   labels: Sequence[str] = ENTITY_LABELS, min_overlap: float = 0.0,
                   nervaluate_compatible: bool = False) -> DocumentEntityResult:
    """Score one document (see :func:`score_documents` for the parameters)."""
    return score_documents([(doc_id, gold, pred)], labels=labels, min_overlap=min_overlap,
                           nervaluate_compatible=nervaluate_compatible)[0]
