"""nervaluate-compatible counts: nervaluate 1.2.1's ``Evaluator`` rules, reproduced on span tables.

``nervaluate.Evaluator(true, pred, tags, loader="dict")`` fed the same ``{start, end, label}`` dicts gives the
same counts, overall and per type. What this reproduces, on purpose:

- ends are read as inclusive: ``[3, 5]`` and ``[5, 8]`` overlap, and overlap length and gold length count
  ``end - start + 1`` positions;
- a pair is a candidate when ``overlap / gold length * 100 >= min_overlap_percentage`` (default 1.0, so a
  1-position overlap with a gold span longer than 100 positions is not one);
- matching is greedy in input order, separately for each scheme (see :meth:`Scheme.nervaluate_pick`);
- per-type counts come from evaluating each type alone (gold and predictions of that type only), so a
  wrong-type prediction is counted twice: a miss for the gold type and a spurious for the predicted one.

Only the pairs of a connected component of the candidate graph can interact, so a lone pair is classified
in one vectorised step and only larger components run the greedy loop.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from rukp.scoring.counts import FIELDS, MISSED, SCHEMES, SPURIOUS
from rukp.scoring.schemes import STRATEGIES, Candidate, pair_outcome
from rukp.scoring.spans import overlap_pairs
from rukp.scoring.tables import SpanTable

#: nervaluate's default ``min_overlap_percentage``.
DEFAULT_MIN_OVERLAP_PERCENTAGE = 1.0


def _candidates(gold: SpanTable, pred: SpanTable, min_overlap_percentage: float) -> dict[str, np.ndarray]:
    gi, pi = overlap_pairs(gold.doc, gold.start, gold.end, pred.doc, pred.start, pred.end,
                           inclusive_ends=True)
    gs, ge, ps, pe = gold.start[gi], gold.end[gi], pred.start[pi], pred.end[pi]
    overlap = np.minimum(ge, pe) - np.maximum(gs, ps) + 1
    percentage = (overlap / (ge - gs + 1)) * 100.0
    keep = percentage >= min_overlap_percentage
    gi, pi = gi[keep], pi[keep]
    gs, ge, ps, pe = gs[keep], ge[keep], ps[keep], pe[keep]
    return {"gold": gi, "pred": pi, "same_bounds": (gs == ps) & (ge == pe),
            "same_label": gold.label[gi] == pred.label[pi], "distance": np.abs(ps - gs) + np.abs(pe - ge)}


def _greedy(edges: dict[str, np.ndarray], n_gold: int, n_pred: int) -> list[tuple[np.ndarray, ...]]:
    """For each scheme, the matched ``(gold, pred, field)`` arrays of nervaluate's greedy matching."""
    gi, pi = edges["gold"], edges["pred"]
    out_g: list[list[np.ndarray]] = [[] for _ in SCHEMES]
    out_p: list[list[np.ndarray]] = [[] for _ in SCHEMES]
    out_f: list[list[np.ndarray]] = [[] for _ in SCHEMES]
    if len(gi):
        n = n_gold + n_pred
        graph = coo_matrix((np.ones(len(gi), dtype=np.int8), (gi, n_gold + pi)), shape=(n, n))
        _, node_comp = connected_components(graph, directed=False)
        comp = node_comp[gi]
        edges_in = np.bincount(comp, minlength=node_comp.max() + 1)
        lone = edges_in[comp] == 1  # a component with one edge is one gold and one prediction
        outcome = pair_outcome(edges["same_bounds"][lone], edges["same_label"][lone])
        for s, strategy in enumerate(STRATEGIES):
            out_g[s].append(gi[lone])
            out_p[s].append(pi[lone])
            out_f[s].append(np.asarray(strategy.fields, dtype=np.int64)[outcome])
        rest = np.flatnonzero(~lone)
        rest = rest[np.lexsort((gi[rest], pi[rest], comp[rest]))]
        for group in np.split(rest, np.flatnonzero(np.diff(comp[rest])) + 1):
            if not len(group):
                continue
            per_pred: list[tuple[int, list[Candidate]]] = []
            for e in group:
                p = int(pi[e])
                if not per_pred or per_pred[-1][0] != p:
                    per_pred.append((p, []))
                per_pred[-1][1].append(Candidate(int(gi[e]), bool(edges["same_bounds"][e]),
                                                 bool(edges["same_label"][e]), int(edges["distance"][e])))
            for s, strategy in enumerate(STRATEGIES):
                matched: set[int] = set()
                rows = []
                for p, candidates in per_pred:
                    pick = strategy.nervaluate_pick([c for c in candidates if c.gold not in matched])
                    if pick is not None:
                        matched.add(pick[0])
                        rows.append((pick[0], p, pick[1]))
                if rows:
                    g, p, f = (np.asarray(x, dtype=np.int64) for x in zip(*rows, strict=True))
                    out_g[s].append(g)
                    out_p[s].append(p)
                    out_f[s].append(f)
    empty = np.zeros(0, dtype=np.int64)
    return [(np.concatenate(out_g[s] or [empty]), np.concatenate(out_p[s] or [empty]),
             np.concatenate(out_f[s] or [empty])) for s in range(len(SCHEMES))]


def nervaluate_doc_counts(gold: SpanTable, pred: SpanTable, *, n_docs: int, n_labels: int,
                          min_overlap_percentage: float = DEFAULT_MIN_OVERLAP_PERCENTAGE) -> np.ndarray:
    """Per-document counts ``(n_docs, S, L + 1, F)`` equal to nervaluate's, from tables in input order."""
    if not 1.0 <= min_overlap_percentage <= 100.0:
        raise ValueError(f"min_overlap_percentage={min_overlap_percentage} must be between 1.0 and 100.0 "
                         f"(nervaluate's range)")
    n_rows, n_fields = n_labels + 1, len(FIELDS)
    counts = np.zeros(n_docs * len(SCHEMES) * n_rows * n_fields, dtype=np.int64)

    def add(doc: np.ndarray, s: int, row: np.ndarray | int, field: np.ndarray | int,
            weights: np.ndarray | None = None) -> None:
        flat = ((doc * len(SCHEMES) + s) * n_rows + row) * n_fields + field
        counts[:] += np.bincount(flat, weights=weights, minlength=len(counts)).astype(np.int64)

    gold_per = np.bincount(gold.doc * n_labels + gold.label, minlength=n_docs * n_labels)
    pred_per = np.bincount(pred.doc * n_labels + pred.label, minlength=n_docs * n_labels)
    docs_by_label = np.repeat(np.arange(n_docs), n_labels)
    labels_by_doc = np.tile(np.arange(n_labels), n_docs)
    edges = _candidates(gold, pred, min_overlap_percentage)
    same = {k: v[edges["same_label"]] for k, v in edges.items()}
    overall = _greedy(edges, len(gold), len(pred))
    per_type = _greedy(same, len(gold), len(pred))
    for s in range(len(SCHEMES)):
        g, _, f = overall[s]
        add(gold.doc[g], s, n_labels, f)
        matched = np.bincount(gold.doc[g], minlength=n_docs)
        add(np.arange(n_docs), s, n_labels, MISSED, np.bincount(gold.doc, minlength=n_docs) - matched)
        add(np.arange(n_docs), s, n_labels, SPURIOUS, np.bincount(pred.doc, minlength=n_docs) - matched)
        g, _, f = per_type[s]
        add(gold.doc[g], s, gold.label[g].astype(np.int64), f)
        matched = np.bincount(gold.doc[g] * n_labels + gold.label[g], minlength=n_docs * n_labels)
        add(docs_by_label, s, labels_by_doc, MISSED, gold_per - matched)
        add(docs_by_label, s, labels_by_doc, SPURIOUS, pred_per - matched)
    return counts.reshape(n_docs, len(SCHEMES), n_rows, n_fields)
