"""Claim scoring: detection (optimal one-to-one matching on token overlap), attribution, attributes, clusters.

Detection pairs each predicted claim with at most one gold claim so that the number of pairs with token
Jaccard ≥ ``threshold`` is maximal (ties: the larger total Jaccard), solved with
:func:`scipy.optimize.linear_sum_assignment` per connected component of the overlap graph (found by a
sort-and-sweep over start positions, so no document-sized matrix is ever built). Positions are tokens of
the dataset's tokenisation (:func:`rukp.dataset.tokenize.sentences`) when the gold has text, characters
otherwise. Every per-document figure is an additive count vector (:data:`CLAIM_FIELDS` followed by one
confusion matrix per attribute), so documents and sentences can be summed and resampled; clusters are scored
with :class:`ClusterStat`, which takes unit weights because B³ does not add over documents.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from rukp import schema

#: Default token-Jaccard threshold for a predicted claim to match a gold claim.
DEFAULT_THRESHOLD = 0.5

#: Attributes scored on matched claims, with their label inventories.
ATTRIBUTES: Mapping[str, tuple[str, ...]] = {
    "polarity": schema.POLARITIES, "certainty": schema.CERTAINTIES, "topic": schema.TOPICS,
}

#: Predicted value of an attribute the prediction leaves out (a wrong answer, last confusion column).
NONE_LABEL = "(none)"

#: Additive counts per unit, before the attribute confusion matrices.
CLAIM_FIELDS: tuple[str, ...] = (
    "gold", "predicted", "matched",            # detection
    "claimer_given", "claimer_correct",        # attribution on matched claims
    "overlap_tokens", "predicted_tokens", "gold_tokens",  # token overlap of the claim spans
)
_F = {name: i for i, name in enumerate(CLAIM_FIELDS)}


def _layout() -> dict[str, tuple[int, int, int]]:
    """Offset and confusion-matrix shape of each attribute inside the count vector."""
    out, offset = {}, len(CLAIM_FIELDS)
    for name, labels in ATTRIBUTES.items():
        k = len(labels)
        out[name] = (offset, k, k + 1)
        offset += k * (k + 1)
    return out


ATTRIBUTE_LAYOUT = _layout()
VECTOR_SIZE = len(CLAIM_FIELDS) + sum(k * c for _, k, c in ATTRIBUTE_LAYOUT.values())


@dataclass(frozen=True)
class Claim:
    """A gold or predicted claim: character span (end exclusive) and the optional attributes."""

    start: int
    end: int
    claimer: str | None = None
    claimer_start: int | None = None
    claimer_end: int | None = None
    polarity: str | None = None
    certainty: str | None = None
    topic: str | None = None
    cluster: str | None = None
    co_claimers: tuple[str, ...] = ()
    id: str | None = None

    @property
    def has_claimer(self) -> bool:
        return self.claimer is not None or self.claimer_start is not None

    def to_dict(self) -> dict[str, Any]:
        d = {"start": self.start, "end": self.end}
        for key in ("id", "claimer", "claimer_start", "claimer_end", "polarity", "certainty", "topic",
                    "cluster"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key)
        return d


@dataclass(frozen=True)
class ClaimOutcome:
    """What happened to one gold or predicted claim: ``matched``, ``missed`` or ``spurious``."""

    doc_id: str
    outcome: str
    gold: Claim | None
    pred: Claim | None
    jaccard: float | None = None
    claimer_correct: bool | None = None
    unit: int = 0  # sentence index (see :func:`unit_index`)


@dataclass
class DocumentClaimResult:
    """Claims of one document: its count vector, one vector per sentence, and every outcome."""

    doc_id: str
    counts: np.ndarray
    sentence_counts: np.ndarray | None
    outcomes: list[ClaimOutcome] = field(default_factory=list)

    @property
    def matches(self) -> list[ClaimOutcome]:
        return [o for o in self.outcomes if o.outcome == "matched"]


# --------------------------------------------------------------------------------------------- positions

@lru_cache(maxsize=64)
def _tokens(text: str) -> tuple[np.ndarray, np.ndarray]:
    from rukp.dataset.tokenize import sentences

    toks = [t for s in sentences(text) for t in s.tokens]
    arr = np.asarray(toks, dtype=np.int64).reshape(-1, 2)
    return arr[:, 0].copy(), arr[:, 1].copy()


def to_positions(spans: np.ndarray, text: str | None) -> np.ndarray:
    """Character spans ``(n, 2)`` as position ranges: token index ranges when ``text`` is given (a token
    belongs to a span when they share a character), the character ranges themselves otherwise."""
    spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    if text is None:
        return spans
    starts, ends = _tokens(text)
    first = np.searchsorted(ends, spans[:, 0], side="right")
    last = np.searchsorted(starts, spans[:, 1], side="left")
    return np.stack([first, np.maximum(first, last)], axis=1)


def unit_index(position: int, unit_starts: Sequence[int]) -> int:
    """The sentence holding ``position``: the last sentence starting at or before it (the first if none)."""
    return max(bisect.bisect_right(unit_starts, position) - 1, 0)


# --------------------------------------------------------------------------------------------- matching

def jaccard(gold: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Jaccard index of every gold range with every predicted range (contiguous ranges, end exclusive)."""
    gs, ge = gold[:, 0][:, None], gold[:, 1][:, None]
    ps, pe = pred[:, 0][None, :], pred[:, 1][None, :]
    inter = np.clip(np.minimum(ge, pe) - np.maximum(gs, ps), 0, None)
    union = (ge - gs) + (pe - ps) - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / np.maximum(union, 1), 0.0)


def components(gold: np.ndarray, pred: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Connected components of the overlap graph that hold at least one gold and one predicted range.

    Sort-and-sweep: ranges sorted by start form one component while each starts before the running maximum
    end (touching ranges do not overlap); empty ranges overlap nothing.
    """
    items = [(int(s), int(e), 0, i) for i, (s, e) in enumerate(gold) if e > s]
    items += [(int(s), int(e), 1, j) for j, (s, e) in enumerate(pred) if e > s]
    items.sort()
    out: list[tuple[list[int], list[int]]] = []
    current: tuple[list[int], list[int]] = ([], [])
    reach = None
    for s, e, kind, idx in items:
        if reach is not None and s >= reach:
            if current[0] and current[1]:
                out.append(current)
            current, reach = ([], []), None
        current[kind].append(idx)
        reach = e if reach is None else max(reach, e)
    if current[0] and current[1]:
        out.append(current)
    return out


def match(gold: np.ndarray, pred: np.ndarray, *, threshold: float = DEFAULT_THRESHOLD
          ) -> list[tuple[int, int, float]]:
    """Optimal one-to-one pairs ``(gold_index, pred_index, jaccard)`` with Jaccard ≥ ``threshold`` (and > 0).

    Maximises the number of pairs first and their total Jaccard second; the result does not depend on the
    order of the inputs (each component is solved on ranges sorted by position).
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold={threshold!r} must be between 0.0 and 1.0")
    gold = np.asarray(gold, dtype=np.int64).reshape(-1, 2)
    pred = np.asarray(pred, dtype=np.int64).reshape(-1, 2)
    pairs: list[tuple[int, int, float]] = []
    for g_idx, p_idx in components(gold, pred):
        g_idx = sorted(g_idx, key=lambda i: (gold[i, 0], gold[i, 1], i))
        p_idx = sorted(p_idx, key=lambda j: (pred[j, 0], pred[j, 1], j))
        jac = jaccard(gold[g_idx], pred[p_idx])
        valid = (jac >= threshold) & (jac > 0)
        # Lexicographic objective: any extra pair outweighs every Jaccard total (each Jaccard ≤ 1).
        weight = np.where(valid, (min(len(g_idx), len(p_idx)) + 1) + jac, 0.0)
        rows, cols = linear_sum_assignment(weight, maximize=True)
        pairs += [(g_idx[r], p_idx[c], float(jac[r, c]))
                  for r, c in zip(rows, cols, strict=True) if valid[r, c]]
    return sorted(pairs)


def claimer_correct(gold: Claim, pred: Claim) -> bool:
    """The predicted claimer is right: its id equals the gold claimer or a co-claimer; a prediction with
    only a mention span is right when it overlaps the gold claimer mention."""
    if pred.claimer is not None:
        return pred.claimer == gold.claimer or pred.claimer in gold.co_claimers
    if pred.claimer_start is None or pred.claimer_end is None:
        return False
    if gold.claimer_start is None or gold.claimer_end is None:
        return False
    return max(gold.claimer_start, pred.claimer_start) < min(gold.claimer_end, pred.claimer_end)


# --------------------------------------------------------------------------------------------- counting

def _merge(ranges: np.ndarray) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted((int(s), int(e)) for s, e in ranges if e > s):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _add_lengths(vec: np.ndarray, column: int, pieces: list[tuple[int, int]],
                 bounds: list[int] | None) -> None:
    """Add the length of ``pieces`` to ``vec[column]``, or to ``vec[unit, column]`` split at ``bounds``."""
    for s, e in pieces:
        if bounds is None:
            vec[column] += e - s
            continue
        while s < e:
            u = unit_index(s, bounds)
            stop = min(bounds[u + 1], e) if u + 1 < len(bounds) else e
            vec[u, column] += stop - s
            s = stop


def _attribute_cells(gold: Claim, pred: Claim) -> list[int]:
    cells = []
    for name, labels in ATTRIBUTES.items():
        g, p = getattr(gold, name), getattr(pred, name)
        if g is None or g not in labels:
            continue
        offset, _, ncol = ATTRIBUTE_LAYOUT[name]
        col = labels.index(p) if p in labels else len(labels)
        cells.append(offset + labels.index(g) * ncol + col)
    return cells


def score_document(doc_id: str, gold: Sequence[Claim], pred: Sequence[Claim], *, text: str | None = None,
                   sentences: Sequence[tuple[int, int]] | None = None,
                   threshold: float = DEFAULT_THRESHOLD) -> DocumentClaimResult:
    """Score the claims of one document; ``sentences`` (character ranges) give per-sentence counts.

    An outcome belongs to the sentence holding its gold start, else its predicted start; token-overlap
    counts are split over the sentences their tokens lie in.
    """
    g_pos = to_positions(np.asarray([(c.start, c.end) for c in gold], dtype=np.int64), text)
    p_pos = to_positions(np.asarray([(c.start, c.end) for c in pred], dtype=np.int64), text)
    pairs = match(g_pos, p_pos, threshold=threshold)

    starts = [int(s) for s, _ in sentences] if sentences is not None else None
    counts = np.zeros(VECTOR_SIZE, dtype=np.int64)
    per_sent = np.zeros((len(starts), VECTOR_SIZE), dtype=np.int64) if starts is not None else None

    def sentence_of(position: int) -> int:
        return unit_index(position, starts) if starts is not None else 0

    def add(cells: list[int], unit: int) -> None:
        counts[cells] += 1
        if per_sent is not None:
            per_sent[unit, cells] += 1

    outcomes: list[ClaimOutcome] = []
    for gi, pi, jac in pairs:
        g, p = gold[gi], pred[pi]
        ok = claimer_correct(g, p)
        cells = [_F["gold"], _F["predicted"], _F["matched"]]
        cells += [_F["claimer_given"]] if p.has_claimer else []
        cells += [_F["claimer_correct"]] if ok else []
        outcome = ClaimOutcome(doc_id, "matched", g, p, jac, ok, sentence_of(g.start))
        add(cells + _attribute_cells(g, p), outcome.unit)
        outcomes.append(outcome)
    matched_g, matched_p = {g for g, _, _ in pairs}, {p for _, p, _ in pairs}
    for gi in sorted(set(range(len(gold))) - matched_g):
        outcomes.append(ClaimOutcome(doc_id, "missed", gold[gi], None, unit=sentence_of(gold[gi].start)))
        add([_F["gold"]], outcomes[-1].unit)
    for pi in sorted(set(range(len(pred))) - matched_p):
        outcomes.append(ClaimOutcome(doc_id, "spurious", None, pred[pi], unit=sentence_of(pred[pi].start)))
        add([_F["predicted"]], outcomes[-1].unit)

    # Token overlap, split over sentences in position space (token boundaries of each sentence start).
    bounds = None
    if starts is not None:
        bounds = [int(b) for b in to_positions(np.asarray([(s, s + 1) for s in starts]), text)[:, 0]]
    g_union, p_union = _merge(g_pos), _merge(p_pos)
    for column, pieces in ((_F["overlap_tokens"], _intersect(g_union, p_union)),
                           (_F["predicted_tokens"], p_union), (_F["gold_tokens"], g_union)):
        _add_lengths(counts, column, pieces, None)
        if per_sent is not None:
            _add_lengths(per_sent, column, pieces, bounds)
    outcomes.sort(key=lambda o: ((o.gold or o.pred).start, (o.gold or o.pred).end, o.outcome))
    return DocumentClaimResult(doc_id, counts, per_sent, outcomes)


# --------------------------------------------------------------------------------------------- metrics

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


def attribute_metrics(cm: np.ndarray) -> dict[str, np.ndarray]:
    """Accuracy and macro F1 from confusion matrices ``(…, K, K + 1)``, vectorised.

    Per-class F1 is ``2·tp / (gold + predicted)`` (scikit-learn's with ``zero_division=0``); the macro mean
    runs over the classes that occur in the gold or the predictions. NaN when the attribute was never
    predicted (no matched claim carries it) or no matched claim has a gold value.
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
    undefined = given == 0
    return {"accuracy": np.where(undefined, np.nan, accuracy), "macro_f1": np.where(undefined, np.nan, macro)}


def claim_metrics(vector: np.ndarray) -> dict[str, np.ndarray]:
    """Every claim figure from summed count vectors ``(…, VECTOR_SIZE)``, vectorised over leading axes."""
    v = np.asarray(vector, dtype=np.float64)
    col = {name: v[..., i] for name, i in _F.items()}
    out: dict[str, np.ndarray] = {}
    p, r = _ratio(col["matched"], col["predicted"]), _ratio(col["matched"], col["gold"])
    out.update({"detection.precision": p, "detection.recall": r,
                "detection.f1": _detection_f1(col["matched"], col["predicted"], col["gold"])})
    tp_ = _ratio(col["overlap_tokens"], col["predicted_tokens"])
    tr = _ratio(col["overlap_tokens"], col["gold_tokens"])
    out.update({"tokens.precision": tp_, "tokens.recall": tr, "tokens.f1": _f1(tp_, tr)})
    no_claimer = col["claimer_given"] == 0
    out["attribution.accuracy"] = np.where(no_claimer, np.nan, _ratio(col["claimer_correct"], col["matched"]))
    jp, jr = _ratio(col["claimer_correct"], col["predicted"]), _ratio(col["claimer_correct"], col["gold"])
    out["joint.precision"] = np.where(no_claimer, np.nan, jp)
    out["joint.recall"] = np.where(no_claimer, np.nan, jr)
    out["joint.f1"] = np.where(no_claimer, np.nan, _detection_f1(col["claimer_correct"], col["predicted"],
                                                                  col["gold"]))
    for name in ATTRIBUTES:
        for metric, values in attribute_metrics(confusion(v, name)).items():
            out[f"{name}.{metric}"] = values
    return out


def _detection_f1(tp: np.ndarray, predicted: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """``2·tp / (predicted + gold)``: defined (0) when only one side is empty, NaN when both are."""
    return _ratio(2 * tp, predicted + gold)


def attribute_report(outcomes: Sequence[ClaimOutcome], name: str) -> dict[str, Any]:
    """scikit-learn's per-class precision/recall/F1, macro F1, accuracy and confusion matrix of one attribute
    over the matched claims whose gold has a value; ``predicted: False`` when no match carries it."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    labels = ATTRIBUTES[name]
    pairs = [(getattr(o.gold, name), getattr(o.pred, name)) for o in outcomes
             if o.outcome == "matched" and getattr(o.gold, name) in labels]
    y_true = [g for g, _ in pairs]
    y_pred = [p if p in labels else NONE_LABEL for _, p in pairs]
    predicted = any(p != NONE_LABEL for p in y_pred)
    columns = [*labels, NONE_LABEL]
    cm = confusion_matrix(y_true, y_pred, labels=columns)[: len(labels)] if pairs else \
        np.zeros((len(labels), len(columns)), dtype=np.int64)
    out: dict[str, Any] = {"predicted": predicted, "support": len(pairs), "labels": list(labels),
                           "confusion_matrix": {"rows": list(labels), "columns": columns,
                                                "values": cm.astype(int).tolist()}}
    if not predicted:
        out.update(accuracy=None, macro_f1=None, per_class={})
        return out
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
