"""Claim figures from summed count vectors (detection, tokens, attribution, attributes) and cluster scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from rukp.scoring.claims.model import (
    ATTRIBUTE_LAYOUT,
    ATTRIBUTES,
    FIELD_INDEX,
    NONE_LABEL,
    ClaimOutcome,
    DocumentClaimResult,
)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _f1(p: np.ndarray, r: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where((p + r) > 0, 2 * p * r / (p + r), 0.0)
    return np.where(np.isnan(p) | np.isnan(r), np.nan, f)


def confusion(vector: np.ndarray, name: str) -> np.ndarray:
    """The ``(…, K, K + 1)`` confusion matrix of attribute ``name`` (rows gold, last column ``(none)``)."""
    offset, k, ncol = ATTRIBUTE_LAYOUT[name]
    return np.asarray(vector)[..., offset:offset + k * ncol].reshape(*np.shape(vector)[:-1], k, ncol)


def attribute_metrics(cm: np.ndarray, *, predicted: bool | None = None) -> dict[str, np.ndarray]:
    """Accuracy and macro F1 from confusion matrices ``(…, K, K + 1)``, vectorised.

    Per-class F1 is ``2·tp / (gold + predicted)`` (scikit-learn's with ``zero_division=0``); the macro mean
    runs over the classes that occur in the gold or the predictions. NaN when the attribute is not predicted,
    or when no matched claim has a gold value. ``predicted`` says whether the system predicts the attribute
    (decided once, on the whole data, for a bootstrap); None decides it on each matrix (a matched claim
    carries it).
    """
    cm = np.asarray(cm, dtype=np.float64)
    k = cm.shape[-2]
    tp = np.diagonal(cm[..., :k], axis1=-2, axis2=-1)
    gold_k, pred_k = cm.sum(axis=-1), cm[..., :k].sum(axis=-2)
    total = cm.sum(axis=(-2, -1))
    given = cm[..., :k].sum(axis=(-2, -1))
    occurs = (gold_k + pred_k) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(occurs, 2 * tp / np.where(occurs, gold_k + pred_k, 1), 0.0)
        n = occurs.sum(axis=-1)
        macro = np.where(n > 0, f1.sum(axis=-1) / np.maximum(n, 1), np.nan)
    accuracy = _ratio(tp.sum(axis=-1), total)
    undefined = given == 0 if predicted is None else np.full(np.shape(total), not predicted)
    return {"accuracy": np.where(undefined, np.nan, accuracy), "macro_f1": np.where(undefined, np.nan, macro)}


def predicted_figures(vector: np.ndarray) -> dict[str, bool]:
    """What a system predicts, from its summed count vector over the whole data: ``claimer`` (a matched
    prediction names one) and each attribute (a matched prediction carries it). A figure of something not
    predicted is undefined in every resample; otherwise it is defined wherever its denominator is not 0."""
    v = np.asarray(vector)
    out = {"claimer": bool(v[FIELD_INDEX["claimer_given"]] > 0)}
    for name in ATTRIBUTES:
        k = ATTRIBUTE_LAYOUT[name][1]
        out[name] = bool(confusion(v, name)[:, :k].sum() > 0)
    return out


def claim_metrics(vector: np.ndarray, *, predicted: Mapping[str, bool] | None = None) -> dict[str, np.ndarray]:
    """Every claim figure from summed count vectors ``(…, VECTOR_SIZE)``, vectorised over leading axes.

    Each figure is defined where its denominator is not 0 (precision: predictions; recall: gold; F1
    ``2·tp / (predicted + gold)``: either). Claimer and attribute figures are also undefined when the system
    does not predict them: ``predicted`` (:func:`predicted_figures` of the whole data, for a bootstrap) says
    so; None decides it on each vector.
    """
    v = np.asarray(vector, dtype=np.float64)
    col = {name: v[..., i] for name, i in FIELD_INDEX.items()}
    out: dict[str, np.ndarray] = {}
    p, r = _ratio(col["matched"], col["predicted"]), _ratio(col["matched"], col["gold"])
    out.update({"detection.precision": p, "detection.recall": r,
                "detection.f1": _detection_f1(col["matched"], col["predicted"], col["gold"])})
    out.update({"tokens.precision": _ratio(col["overlap_tokens"], col["predicted_tokens"]),
                "tokens.recall": _ratio(col["overlap_tokens"], col["gold_tokens"]),
                "tokens.f1": _detection_f1(col["overlap_tokens"], col["predicted_tokens"], col["gold_tokens"])})
    no_claimer = col["claimer_given"] == 0 if predicted is None else np.full(np.shape(col["gold"]),
                                                                              not predicted["claimer"])
    out["attribution.accuracy"] = np.where(no_claimer, np.nan, _ratio(col["claimer_correct"], col["matched"]))
    jp, jr = _ratio(col["claimer_correct"], col["predicted"]), _ratio(col["claimer_correct"], col["gold"])
    out["joint.precision"] = np.where(no_claimer, np.nan, jp)
    out["joint.recall"] = np.where(no_claimer, np.nan, jr)
    out["joint.f1"] = np.where(no_claimer, np.nan, _detection_f1(col["claimer_correct"], col["predicted"],
                                                                  col["gold"]))
    for name in ATTRIBUTES:
        flag = None if predicted is None else predicted[name]
        for metric, values in attribute_metrics(confusion(v, name), predicted=flag).items():
            out[f"{name}.{metric}"] = values
    return out


def _detection_f1(tp: np.ndarray, predicted: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """``2·tp / (predicted + gold)``: defined (0) when only one side is empty, NaN when both are."""
    return _ratio(2 * tp, predicted + gold)


def attribute_report(outcomes: Sequence[ClaimOutcome], name: str) -> dict[str, Any]:
    """scikit-learn's per-class precision/recall/F1, macro F1, accuracy and confusion matrix of one attribute
    over the matched claims whose gold has a value; ``predicted: False`` when no match carries it."""
    labels = ATTRIBUTES[name]
    pairs = [(getattr(o.gold, name), getattr(o.pred, name)) for o in outcomes
             if o.outcome == "matched" and getattr(o.gold, name) in labels]
    y_true = [g for g, _ in pairs]
    y_pred = [p if p in labels else NONE_LABEL for _, p in pairs]
    predicted = any(p != NONE_LABEL for p in y_pred)
    columns = [*labels, NONE_LABEL]
    cm = np.zeros((len(labels), len(columns)), dtype=np.int64)
    if pairs:  # scikit-learn (some seconds to import) only when there is something to count
        from sklearn.metrics import confusion_matrix

        cm = confusion_matrix(y_true, y_pred, labels=columns)[: len(labels)]
    out: dict[str, Any] = {"predicted": predicted, "support": len(pairs), "labels": list(labels),
                           "confusion_matrix": {"rows": list(labels), "columns": columns,
                                                "values": cm.astype(int).tolist()}}
    if not predicted:
        out.update(accuracy=None, macro_f1=None, per_class={})
        return out
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    present = [lab for lab in labels if lab in set(y_true) | set(y_pred)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=present, zero_division=0)
    out["per_class"] = {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                              "support": int(s[i])} for i, lab in enumerate(present)}
    out["macro_f1"] = float(np.mean(f)) if present else None
    out["accuracy"] = float(accuracy_score(y_true, y_pred))
    return out


# --------------------------------------------------------------------------------------------- clusters

def _onehot(index: Sequence[int] | np.ndarray, n_columns: int) -> Any:
    from scipy.sparse import csr_matrix

    index = np.asarray(index, dtype=np.int64)
    return csr_matrix((np.ones(len(index)), (np.arange(len(index)), index)), shape=(len(index), n_columns))


class ClusterStat:
    """B³ and pairwise cluster scores over matched claims, for any weighting of the units (bootstrap).

    Items are matched claims whose gold has a cluster; a predicted claim without a cluster is a singleton.
    Unmatched gold and predicted claims are left out: detection already charges them. A weight ``w`` on a unit
    counts each of its items ``w`` times (copies share their clusters), so B³ and pair counts are computed
    from the weighted contingency table of (gold cluster, predicted cluster).
    """

    def __init__(self, gold: Sequence[str], pred: Sequence[str | None], units: Sequence[int], n_units: int):
        self.gold, self.units, self.n_units = list(gold), np.asarray(units, dtype=np.int64), n_units
        self.pred = [p if p is not None else f"\x00singleton:{i}" for i, p in enumerate(pred)]
        cells = sorted(set(zip(self.gold, self.pred, strict=True)))
        cell_index = {c: i for i, c in enumerate(cells)}
        g_index = {g: i for i, g in enumerate(sorted({g for g, _ in cells}))}
        p_index = {p: i for i, p in enumerate(sorted({p for _, p in cells}))}
        item_cell = [cell_index[c] for c in zip(self.gold, self.pred, strict=True)]
        self._cell_g = np.asarray([g_index[g] for g, _ in cells], dtype=np.int64)
        self._cell_p = np.asarray([p_index[p] for _, p in cells], dtype=np.int64)
        self._items = _onehot(item_cell, len(cells))          # items × cells
        self._to_g = _onehot(self._cell_g, len(g_index))      # cells × gold clusters
        self._to_p = _onehot(self._cell_p, len(p_index))      # cells × predicted clusters

    def __len__(self) -> int:
        return len(self.gold)

    def __call__(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        """Scores for each row of unit weights ``(R, n_units)``; NaN where undefined."""
        w = np.atleast_2d(np.asarray(weights, dtype=np.float64))[:, self.units]   # (R, items)
        n_cell = np.asarray((self._items.T @ w.T).T)                             # (R, cells)
        a_p = np.asarray((self._to_p.T @ n_cell.T).T)                            # predicted cluster sizes
        b_g = np.asarray((self._to_g.T @ n_cell.T).T)                            # gold cluster sizes
        n = n_cell.sum(axis=1)
        sq = n_cell ** 2
        size_p, size_g = a_p[:, self._cell_p], b_g[:, self._cell_g]
        b3_p = _ratio(np.where(size_p > 0, sq / np.where(size_p > 0, size_p, 1), 0).sum(axis=1), n)
        b3_r = _ratio(np.where(size_g > 0, sq / np.where(size_g > 0, size_g, 1), 0).sum(axis=1), n)

        def pairs(x: np.ndarray) -> np.ndarray:
            return (x * (x - 1) / 2).sum(axis=1)

        tp, pred_pairs, gold_pairs = pairs(n_cell), pairs(a_p), pairs(b_g)
        return {"clusters.b3.precision": b3_p, "clusters.b3.recall": b3_r, "clusters.b3.f1": _f1(b3_p, b3_r),
                "clusters.pairwise.precision": _ratio(tp, pred_pairs),
                "clusters.pairwise.recall": _ratio(tp, gold_pairs),
                "clusters.pairwise.f1": _detection_f1(tp, pred_pairs, gold_pairs)}

    def stack(self, other: ClusterStat) -> ClusterStat:
        """The items of both on ``n_units + other.n_units`` units, predicted cluster names kept apart."""
        return ClusterStat(self.gold + other.gold,
                           [f"a:{p}" for p in self.pred] + [f"b:{p}" for p in other.pred],
                           [*self.units.tolist(), *(other.units + self.n_units).tolist()],
                           self.n_units + other.n_units)


def cluster_stat(results: Sequence[DocumentClaimResult], *, by_sentence: bool = False) -> ClusterStat | None:
    """The :class:`ClusterStat` of matched claims over documents (or sentences); None when no prediction
    carries a cluster."""
    if not any(o.pred is not None and o.pred.cluster is not None for r in results for o in r.outcomes):
        return None
    gold, pred, units = [], [], []
    offset = 0
    for d, r in enumerate(results):
        for o in r.matches:
            if o.gold.cluster is not None:
                gold.append(o.gold.cluster)
                pred.append(o.pred.cluster)
                units.append(offset + o.unit if by_sentence else d)
        offset += len(r.sentence_counts) if (by_sentence and r.sentence_counts is not None) else 0
    n_units = offset if by_sentence else len(results)
    return ClusterStat(gold, pred, units, n_units)
