"""Claim detection at sentence level (check-worthiness): labels and scores of sentences against the gold's.

A gold sentence is positive when a gold claim span overlaps it. Predicted labels come from a system's sentence
labels, or from its claim spans projected onto sentences (:func:`project_spans`). Counts (tp, fp, fn, tn) add
over documents; the ranking figures (average precision, ROC-AUC, R-precision, P@k) do not, so
:class:`SentenceStatistic` takes the bootstrap's unit weights directly: a unit drawn ``w`` times counts each of
its sentences ``w`` times, and with all weights 1 the figures equal scikit-learn's ``average_precision_score``
and ``roc_auc_score`` on the same labels and scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: The ranks P@k is reported at, over the whole ranking of the scored sentences.
P_AT: tuple[int, ...] = (5, 10, 20)
#: Count columns of one unit: confusion counts, then (sentence, claimer) pairs for attribution.
FIELDS: tuple[str, ...] = ("tp", "fp", "fn", "tn", "claimer_right", "claimer_predicted", "claimer_found",
                           "claimer_gold")
TP, FP, FN, TN, CL_OK, CL_PRED, CL_FOUND, CL_GOLD = range(len(FIELDS))


def project_spans(sentences: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """Which of a document's sentences (sorted, non-overlapping ``(start, end)``) at least one span overlaps
    (``span.start < end and span.end > start``); ``O((sentences + spans) log sentences)``."""
    n = len(sentences)
    marks = np.zeros(n + 1, dtype=np.int64)
    if n == 0 or not spans:
        return np.zeros(n, dtype=bool)
    starts = np.fromiter((s for s, _ in sentences), dtype=np.int64, count=n)
    ends = np.fromiter((e for _, e in sentences), dtype=np.int64, count=n)
    sp = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    first = np.searchsorted(ends, sp[:, 0], side="right")  # first sentence ending after the span starts
    last = np.searchsorted(starts, sp[:, 1], side="left")  # sentences starting before the span ends
    keep = first < last
    np.add.at(marks, first[keep], 1)
    np.add.at(marks, last[keep], -1)
    return np.cumsum(marks[:-1]) > 0


@dataclass
class SentenceLabels:
    """Every gold sentence, in gold order: its document (position), gold and predicted label, the predicted
    score (None when the system gives none; unlisted sentences hold the lowest score, tied), and the
    (sentence, claimer) pair counts of attribution."""

    doc: np.ndarray
    index: np.ndarray
    gold: np.ndarray
    pred: np.ndarray
    score: np.ndarray | None
    #: ``(n, 4)``: per sentence, predicted claimer ids that are right, predicted ids, gold claimers found, gold
    #: claimers (:data:`FIELDS`); None when the system names no claimer
    claimers: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.doc)

    def unit_counts(self, unit: np.ndarray, n_units: int) -> np.ndarray:
        """Counts ``(n_units, len(FIELDS))`` of the sentences grouped by ``unit`` (a unit index per sentence)."""
        out = np.zeros((n_units, len(FIELDS)), dtype=np.int64)
        g, p = self.gold, self.pred
        for col, mask in ((TP, g & p), (FP, ~g & p), (FN, g & ~p), (TN, ~g & ~p)):
            out[:, col] = np.bincount(unit[mask], minlength=n_units)
        if self.claimers is not None:
            for k, col in enumerate((CL_OK, CL_PRED, CL_FOUND, CL_GOLD)):
                out[:, col] = np.bincount(unit, weights=self.claimers[:, k], minlength=n_units).astype(np.int64)
        return out

    @property
    def outcome(self) -> list[str]:
        """``TP``, ``FP``, ``FN`` or ``TN`` of each sentence."""
        names = np.array(["TN", "FN", "FP", "TP"])
        return names[self.pred.astype(np.int64) * 2 + self.gold.astype(np.int64)].tolist()


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)


def count_metrics(summed: np.ndarray) -> dict[str, np.ndarray]:
    """P/R/F1 of the positive class, accuracy, and claimer P/R/F1 from summed counts ``(…, len(FIELDS))``;
    NaN where undefined (F1 is 0 when one side is empty, NaN when both are). Claimer precision = right predicted
    ids / predicted ids, recall = gold claimers named / gold claimers, F1 their harmonic mean (0 when both are 0)."""
    tp, fp, fn, tn = (summed[..., k] for k in (TP, FP, FN, TN))
    ok, pred, found, gold = (summed[..., k] for k in (CL_OK, CL_PRED, CL_FOUND, CL_GOLD))
    cp, cr = _div(ok, pred), _div(found, gold)
    return {"precision": _div(tp, tp + fp), "recall": _div(tp, tp + fn), "f1": _div(2 * tp, 2 * tp + fp + fn),
            "accuracy": _div(tp + tn, tp + fp + fn + tn),
            "claimer.precision": cp, "claimer.recall": cr,
            "claimer.f1": np.where(gold > 0, np.where(pred > 0, _div(2 * cp * cr, cp + cr), 0.0), np.nan)}


class Ranking:
    """The sentences sorted by decreasing score once (ties keep gold order), with the end of each group of
    tied scores; :meth:`metrics` takes sentence weights ``(R, n)`` and returns every ranking figure."""

    def __init__(self, gold: np.ndarray, score: np.ndarray) -> None:
        self.order = np.argsort(-score, kind="stable")
        s = score[self.order]
        self.y = gold[self.order].astype(np.float64)
        self.group_end = np.flatnonzero(np.r_[s[1:] != s[:-1], True])  # last position of each tie group

    def metrics(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        """Average precision, ROC-AUC, R-precision and P@k (:data:`P_AT`) for each row of sentence weights."""
        w = np.atleast_2d(weights)[:, self.order].astype(np.float64)
        tps = np.cumsum(w * self.y, axis=1)[:, self.group_end]
        alls = np.cumsum(w, axis=1)[:, self.group_end]
        fps = alls - tps
        pos, neg = tps[:, -1:], fps[:, -1:]
        precision = _div(tps, alls)
        precision = np.where(np.isnan(precision), 0.0, precision)
        recall_step = np.diff(np.concatenate([np.zeros_like(pos), tps], axis=1), axis=1)
        ap = _div((recall_step * precision).sum(axis=1), pos[:, 0])
        tpr = np.concatenate([np.zeros_like(pos), tps], axis=1)
        fpr = np.concatenate([np.zeros_like(neg), fps], axis=1)
        area = (np.diff(fpr, axis=1) * (tpr[:, 1:] + tpr[:, :-1]) / 2).sum(axis=1)
        auc = np.where((pos[:, 0] > 0) & (neg[:, 0] > 0), _div(area, pos[:, 0] * neg[:, 0]), np.nan)
        out = {"average_precision": ap, "roc_auc": auc,
               "r_precision": _div(self._hits(tps, alls, pos[:, 0]), pos[:, 0])}
        for k in P_AT:
            out[f"p_at_{k}"] = self._hits(tps, alls, np.full(len(w), float(k))) / k
        return out

    @staticmethod
    def _hits(tps: np.ndarray, alls: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Expected positives among the top ``k`` (by weight): whole tie groups above the cut, and of the group
        the cut falls in the share ``(k - above) × positives / size`` (its order is arbitrary)."""
        g = (alls < k[:, None]).sum(axis=1)  # groups entirely above the cut
        last = alls.shape[1] - 1
        rows = np.arange(len(k))
        above = np.where(g > 0, alls[rows, np.maximum(g - 1, 0)], 0.0)
        hit_above = np.where(g > 0, tps[rows, np.maximum(g - 1, 0)], 0.0)
        gi = np.minimum(g, last)
        size = alls[rows, gi] - above
        group_pos = tps[rows, gi] - hit_above
        share = np.where((g <= last) & (size > 0), (k - above) * _div(group_pos, size), 0.0)
        return hit_above + np.nan_to_num(share)


class SentenceStatistic:
    """The sentence figures over units (documents or sentences) for the bootstrap: counts add per unit, and the
    ranking figures take each sentence's weight, the weight of its unit."""

    def __init__(self, labels: SentenceLabels, unit: np.ndarray, n_units: int, prefix: str = "sentences.") -> None:
        self.labels, self.unit, self.n_units, self.prefix = labels, np.asarray(unit, dtype=np.int64), n_units, prefix
        self.counts = labels.unit_counts(self.unit, n_units).astype(np.float64)
        self.ranking = Ranking(labels.gold, labels.score) if labels.score is not None and len(labels) else None

    def __call__(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
        out = count_metrics(w @ self.counts)
        if self.labels.claimers is None:
            out = {k: v for k, v in out.items() if not k.startswith("claimer.")}
        if self.ranking is not None:
            out.update(self.ranking.metrics(w[:, self.unit]))
        return {self.prefix + k: v for k, v in out.items()}

    def stack(self, other: SentenceStatistic) -> SentenceStatistic:
        """Both systems' units side by side (units of ``other`` after these)."""
        a, b = self.labels, other.labels
        score = (np.concatenate([a.score, b.score]) if a.score is not None and b.score is not None else None)
        claimers = (np.concatenate([a.claimers, b.claimers]) if a.claimers is not None and b.claimers is not None
                    else None)
        labels = SentenceLabels(np.concatenate([a.doc, b.doc]), np.concatenate([a.index, b.index]),
                                np.concatenate([a.gold, b.gold]), np.concatenate([a.pred, b.pred]), score, claimers)
        return SentenceStatistic(labels, np.concatenate([self.unit, other.unit + self.n_units]),
                                 self.n_units + other.n_units, self.prefix)


def point_figures(labels: SentenceLabels) -> dict[str, float | None]:
    """Every sentence figure with all weights 1 (None where undefined), keys without prefix."""
    stat = SentenceStatistic(labels, np.zeros(len(labels), dtype=np.int64), 1, prefix="")
    return {k: (float(v[0]) if np.isfinite(v[0]) else None) for k, v in stat(np.ones((1, 1))).items()}
