"""Claim detection and attribution: token positions, optimal one-to-one matching, one document's count vector."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from rukp.defaults import DEFAULT_THRESHOLD
from rukp.scoring.claims.model import (
    ATTRIBUTE_LAYOUT,
    ATTRIBUTES,
    FIELD_INDEX,
    VECTOR_SIZE,
    Claim,
    ClaimOutcome,
    DocumentClaimResult,
)
from rukp.scoring.matching import pack_levels

# --------------------------------------------------------------------------------------------- positions

@lru_cache(maxsize=64)
def _tokens(text: str) -> tuple[np.ndarray, np.ndarray]:
    from rukp.dataset.word_tokens import token_offsets

    return token_offsets(text)


def to_positions(spans: np.ndarray, text: str | None,
                 tokens: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Character spans ``(n, 2)`` as position ranges: token index ranges when ``text`` is given (a token
    belongs to a span when they share a character), the character ranges themselves otherwise. ``tokens``
    (token starts and ends, as the dataset's tokenisation gives them) spares tokenising ``text`` again."""
    spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    if text is None:
        return spans
    starts, ends = tokens if tokens is not None else _tokens(text)
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


#: Jaccard resolution of the assignment (thousandths, rounded down), as for entities: totals closer than this
#: are the same detection quality, and the claim attributes decide between them.
JACCARD_STEPS = 1000

#: Agreement criteria after detection, most important first (see :func:`agreements`).
AGREEMENTS: tuple[str, ...] = ("claimer", "polarity", "certainty", "topic")

Agreement = Callable[[Sequence[int], Sequence[int]], np.ndarray]


def _packed(inter: np.ndarray, union: np.ndarray, valid: np.ndarray, agree: np.ndarray | None,
            k: int) -> np.ndarray:
    """Edge weights (integers as float64, exact) whose sum over any matching of at most ``k`` pairs orders
    matchings lexicographically by pairs, then total Jaccard in thousandths, then each agreement count.

    The agreements are left out when the packed totals would not be exact in a float64 (components of more
    than about 140 claims on each side); the matching then stays optimal for detection.
    """
    quality = (inter * JACCARD_STEPS) // np.maximum(union, 1)
    columns = [valid.astype(np.int64), quality]
    if agree is not None:
        columns += [agree[..., t] for t in range(agree.shape[-1])]
    levels = np.stack([np.where(valid, c, 0).ravel() for c in columns], axis=1)
    weight = pack_levels(levels, k)
    if weight is None:
        weight = pack_levels(levels[:, :2], k)
    if weight is None:
        raise ValueError(f"a component of {k} claim pairs is too large to match")
    return weight.reshape(valid.shape)


def match(gold: np.ndarray, pred: np.ndarray, *, threshold: float = DEFAULT_THRESHOLD,
          gold_keys: Sequence[Any] | None = None, pred_keys: Sequence[Any] | None = None,
          agreement: Agreement | None = None) -> list[tuple[int, int, float]]:
    """Optimal one-to-one pairs ``(gold_index, pred_index, jaccard)`` with Jaccard ≥ ``threshold`` (and > 0).

    One assignment maximises, lexicographically: the number of pairs, their total Jaccard (in thousandths,
    :data:`JACCARD_STEPS`), then each column of ``agreement(gold_indices, pred_indices)`` (an integer array
    ``(len(g), len(p), C)`` of 0/1 agreements, most important first). Each component is solved on ranges
    sorted by position and then by ``gold_keys``/``pred_keys`` (canonical keys of the items, default their
    index), so with keys the result does not depend on the order of the inputs.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold={threshold!r} must be between 0.0 and 1.0")
    gold = np.asarray(gold, dtype=np.int64).reshape(-1, 2)
    pred = np.asarray(pred, dtype=np.int64).reshape(-1, 2)
    pairs: list[tuple[int, int, float]] = []
    if not len(gold) or not len(pred):
        return pairs
    from scipy.optimize import linear_sum_assignment  # imported on first use: 0.3 s that simple runs skip

    g_key = gold_keys if gold_keys is not None else range(len(gold))
    p_key = pred_keys if pred_keys is not None else range(len(pred))
    for g_idx, p_idx in components(gold, pred):
        g_idx = sorted(g_idx, key=lambda i: (gold[i, 0], gold[i, 1], g_key[i], i))
        p_idx = sorted(p_idx, key=lambda j: (pred[j, 0], pred[j, 1], p_key[j], j))
        g, p = gold[g_idx], pred[p_idx]
        inter = np.clip(np.minimum(g[:, 1:], p[:, 1][None, :]) - np.maximum(g[:, :1], p[:, 0][None, :]), 0, None)
        union = (g[:, 1:] - g[:, :1]) + (p[:, 1] - p[:, 0])[None, :] - inter
        jac = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        valid = (jac >= threshold) & (jac > 0)
        agree = agreement(g_idx, p_idx) if agreement is not None else None
        weight = _packed(inter, union, valid, agree, min(len(g_idx), len(p_idx)))
        rows, cols = linear_sum_assignment(weight, maximize=True)
        pairs += [(g_idx[r], p_idx[c], float(jac[r, c]))
                  for r, c in zip(rows, cols, strict=True) if valid[r, c]]
    return sorted(pairs)


def claim_key(claim: Claim) -> tuple:
    """A canonical sort key of everything a claim carries (None sorts first), so that claims on one span are
    put in an order that does not depend on the input."""
    def opt(x: Any) -> tuple:
        return (0, "") if x is None else (1, x)

    return (claim.start, claim.end, opt(claim.claimer), opt(claim.claimer_start), opt(claim.claimer_end),
            opt(claim.polarity), opt(claim.certainty), opt(claim.topic), opt(claim.cluster), claim.co_claimers,
            opt(claim.id))


def agreements(gold: Sequence[Claim], pred: Sequence[Claim]) -> Agreement:
    """The agreement of gold and predicted claims on :data:`AGREEMENTS`: the claimer is right
    (:func:`claimer_correct`), and the polarity, certainty and topic equal a gold value that is given."""
    def table(g_idx: Sequence[int], p_idx: Sequence[int]) -> np.ndarray:
        out = np.zeros((len(g_idx), len(p_idx), len(AGREEMENTS)), dtype=np.int64)
        for r, gi in enumerate(g_idx):
            g = gold[gi]
            for c, pi in enumerate(p_idx):
                p = pred[pi]
                out[r, c] = (claimer_correct(g, p),
                             *(getattr(g, a) is not None and getattr(g, a) == getattr(p, a) for a in AGREEMENTS[1:]))
        return out

    return table


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
                   threshold: float = DEFAULT_THRESHOLD,
                   tokens: tuple[np.ndarray, np.ndarray] | None = None) -> DocumentClaimResult:
    """Score the claims of one document; ``sentences`` (character ranges) give per-sentence counts; ``tokens``
    are the text's token offsets when known (else the text is tokenised, see :func:`to_positions`).

    An outcome belongs to the sentence holding its gold start, else its predicted start; token-overlap
    counts are split over the sentences their tokens lie in.
    """
    g_pos = to_positions(np.asarray([(c.start, c.end) for c in gold], dtype=np.int64), text, tokens)
    p_pos = to_positions(np.asarray([(c.start, c.end) for c in pred], dtype=np.int64), text, tokens)
    pairs = match(g_pos, p_pos, threshold=threshold, gold_keys=[claim_key(c) for c in gold],
                  pred_keys=[claim_key(c) for c in pred], agreement=agreements(gold, pred))

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
        cells = [FIELD_INDEX["gold"], FIELD_INDEX["predicted"], FIELD_INDEX["matched"]]
        cells += [FIELD_INDEX["claimer_given"]] if p.has_claimer else []
        cells += [FIELD_INDEX["claimer_correct"]] if ok else []
        outcome = ClaimOutcome(doc_id, "matched", g, p, jac, ok, sentence_of(g.start))
        add(cells + _attribute_cells(g, p), outcome.unit)
        outcomes.append(outcome)
    matched_g, matched_p = {g for g, _, _ in pairs}, {p for _, p, _ in pairs}
    for gi in sorted(set(range(len(gold))) - matched_g):
        outcomes.append(ClaimOutcome(doc_id, "missed", gold[gi], None, unit=sentence_of(gold[gi].start)))
        add([FIELD_INDEX["gold"]], outcomes[-1].unit)
    for pi in sorted(set(range(len(pred))) - matched_p):
        outcomes.append(ClaimOutcome(doc_id, "spurious", None, pred[pi], unit=sentence_of(pred[pi].start)))
        add([FIELD_INDEX["predicted"]], outcomes[-1].unit)

    # Token overlap, split over sentences in position space (token boundaries of each sentence start).
    bounds = None
    if starts is not None:
        bounds = [int(b) for b in to_positions(np.asarray([(s, s + 1) for s in starts]), text, tokens)[:, 0]]
    g_union, p_union = _merge(g_pos), _merge(p_pos)
    for column, pieces in ((FIELD_INDEX["overlap_tokens"], _intersect(g_union, p_union)),
                           (FIELD_INDEX["predicted_tokens"], p_union), (FIELD_INDEX["gold_tokens"], g_union)):
        _add_lengths(counts, column, pieces, None)
        if per_sent is not None:
            _add_lengths(per_sent, column, pieces, bounds)
    outcomes.sort(key=lambda o: ((o.gold or o.pred).start, (o.gold or o.pred).end, o.outcome))
    return DocumentClaimResult(doc_id, counts, per_sent, outcomes)


# --------------------------------------------------------------------------------------------- metrics
