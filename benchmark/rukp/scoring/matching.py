"""One-to-one assignment of gold to predicted spans, solved per connected component of the overlap graph.

Each candidate pair (an edge) carries a vector of non-negative integer *levels*, most significant first; the
assignment maximises their sums lexicographically. The overlap graph falls apart into small components
(usually one gold and one prediction), so the work is linear in the number of spans:

- a lone pair (both spans of degree 1) is matched directly, for all of them at once;
- a component with one gold or one prediction (a star) keeps its best edge, chosen for all stars at once
  with one sort;
- any other component with at most :data:`EXACT_LIMIT` spans on each side is solved exactly with
  :func:`scipy.optimize.linear_sum_assignment` on its own small matrix, the levels packed into one exact
  integer-valued weight;
- a larger component (or one whose packed weight would not fit exactly in a float64) falls back to the
  greedy rule: edges in decreasing order of their levels, ties by (gold index, prediction index), each taken
  when both its ends are still free. Such components are counted in :attr:`Assignment.fallback_components`.

Ties between equally good assignments are broken by the input order, so callers pass spans in a canonical
order to make the result independent of how the input was ordered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

#: Largest number of gold (or of predicted) spans in a component solved by an exact assignment.
EXACT_LIMIT = 200

_FLOAT_EXACT = 2**53


@dataclass
class Assignment:
    """Result of :func:`assign`: the partner of each span (-1 when unmatched) and the fallback components."""

    gold_match: np.ndarray
    pred_match: np.ndarray
    #: One gold index per component that was too large for the exact assignment (greedy fallback used).
    fallback_golds: np.ndarray

    @property
    def fallback_components(self) -> int:
        """Number of components resolved by the greedy fallback instead of an exact assignment."""
        return len(self.fallback_golds)


def pack_levels(levels: np.ndarray, k: int) -> np.ndarray | None:
    """Pack lexicographic levels into one weight whose sums over <= k edges compare lexicographically."""
    weight = np.zeros(len(levels), dtype=np.float64)
    scale = 1
    for j in range(levels.shape[1] - 1, -1, -1):
        col = levels[:, j].astype(np.int64)
        weight += col.astype(np.float64) * scale
        scale *= k * int(col.max(initial=0)) + 1
    return weight if scale < _FLOAT_EXACT else None


def _greedy(gold: np.ndarray, pred: np.ndarray, levels: np.ndarray) -> list[tuple[int, int]]:
    keys = [pred, gold] + [-levels[:, j].astype(np.int64) for j in range(levels.shape[1] - 1, -1, -1)]
    taken_g: set[int] = set()
    taken_p: set[int] = set()
    out = []
    for e in np.lexsort(keys):
        g, p = int(gold[e]), int(pred[e])
        if g not in taken_g and p not in taken_p:
            taken_g.add(g)
            taken_p.add(p)
            out.append((g, p))
    return out


def _solve_component(gold: np.ndarray, pred: np.ndarray, levels: np.ndarray,
                     exact_limit: int) -> tuple[list[tuple[int, int]], bool]:
    """Best matching of one component; returns the pairs and whether the fallback was used."""
    golds, gi = np.unique(gold, return_inverse=True)
    preds, pi = np.unique(pred, return_inverse=True)
    k = min(len(golds), len(preds))
    weight = pack_levels(levels, k) if max(len(golds), len(preds)) <= exact_limit else None
    if weight is None:
        return _greedy(gold, pred, levels), True
    from scipy.optimize import linear_sum_assignment  # imported on first use: 0.3 s that simple runs skip

    matrix = np.zeros((len(golds), len(preds)), dtype=np.float64)
    matrix[gi, pi] = weight
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    keep = matrix[rows, cols] > 0
    return [(int(golds[r]), int(preds[c])) for r, c in zip(rows[keep], cols[keep], strict=True)], False


def assign(n_gold: int, n_pred: int, edge_gold: np.ndarray, edge_pred: np.ndarray, levels: np.ndarray,
           *, exact_limit: int = EXACT_LIMIT) -> Assignment:
    """Maximum one-to-one matching of the candidate edges, lexicographic in ``levels`` (shape ``(E, K)``).

    Every edge must have a positive level vector (some level > 0), so any edge is better than none.
    """
    gold_match = np.full(n_gold, -1, dtype=np.int64)
    pred_match = np.full(n_pred, -1, dtype=np.int64)
    edge_gold = np.asarray(edge_gold, dtype=np.int64)
    edge_pred = np.asarray(edge_pred, dtype=np.int64)
    levels = np.asarray(levels)
    if len(edge_gold) == 0:
        return Assignment(gold_match, pred_match, np.zeros(0, dtype=np.int64))

    # Lone pairs (both ends of degree 1), the bulk of real data: matched directly.
    lone = (np.bincount(edge_gold, minlength=n_gold)[edge_gold] == 1) & (
        np.bincount(edge_pred, minlength=n_pred)[edge_pred] == 1)
    gold_match[edge_gold[lone]] = edge_pred[lone]
    pred_match[edge_pred[lone]] = edge_gold[lone]
    edges = np.flatnonzero(~lone)
    fallback: list[int] = []
    if len(edges) == 0:
        return Assignment(gold_match, pred_match, np.zeros(0, dtype=np.int64))

    # Connected components of the remaining edges (nodes renumbered compactly).
    golds, g_node = np.unique(edge_gold[edges], return_inverse=True)
    preds, p_node = np.unique(edge_pred[edges], return_inverse=True)
    n_nodes = len(golds) + len(preds)
    graph = coo_matrix((np.ones(len(edges), dtype=np.int8), (g_node, len(golds) + p_node)),
                       shape=(n_nodes, n_nodes))
    n_comp, node_comp = connected_components(graph, directed=False)
    comp = node_comp[g_node]
    golds_in = np.bincount(node_comp[:len(golds)], minlength=n_comp)
    preds_in = np.bincount(node_comp[len(golds):], minlength=n_comp)
    star = np.minimum(golds_in, preds_in)[comp] == 1

    # Stars (one gold or one prediction): the best edge of each, all at once.
    s = np.flatnonzero(star)
    e = edges[s]
    keys = [edge_pred[e], edge_gold[e]] + [-levels[e, j].astype(np.int64)
                                           for j in range(levels.shape[1] - 1, -1, -1)]
    order = np.lexsort(keys + [comp[s]])
    first = np.ones(len(order), dtype=bool)
    first[1:] = comp[s[order[1:]]] != comp[s[order[:-1]]]
    best = e[order[first]]
    gold_match[edge_gold[best]] = edge_pred[best]
    pred_match[edge_pred[best]] = edge_gold[best]

    # Other components: an exact assignment each (or the greedy fallback when too large).
    rest = np.flatnonzero(~star)
    if len(rest):
        rest = rest[np.argsort(comp[rest], kind="stable")]
        bounds = np.flatnonzero(np.diff(comp[rest])) + 1
        for group in np.split(edges[rest], bounds):
            pairs, fell_back = _solve_component(edge_gold[group], edge_pred[group], levels[group],
                                                exact_limit)
            for g, p in pairs:
                gold_match[g] = p
                pred_match[p] = g
            if fell_back:
                fallback.append(int(edge_gold[group[0]]))
    return Assignment(gold_match, pred_match, np.asarray(fallback, dtype=np.int64))
