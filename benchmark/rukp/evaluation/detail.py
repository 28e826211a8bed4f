"""Per-document figures and per-span outcomes as columns, built once from the score arrays.

The detail behind a report can be far larger than its figures (100,000 documents: 2 million span outcomes),
so it is held as flat arrays, one per column, and never as one Python object per row. Renderers read rows
from these tables (:meth:`OutcomeTable.rows`, :func:`per_document_columns`) or write the columns to a side
file (:mod:`rukp.reports.detail`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from rukp.scoring.claims import claim_metrics
from rukp.scoring.counts import CORRECT, FIELDS, INCORRECT, MISSED, PARTIAL, SCHEMES, SPURIOUS, macro_prf, prf
from rukp.scoring.entities import EntityScores
from rukp.scoring.schemes import OUTCOMES

#: Columns of an entity outcome row in a side file (``docs/report-schema.md``), in order.
OUTCOME_COLUMNS: tuple[str, ...] = (
    "kind", "view", "doc_id", "outcome",
    "gold_start", "gold_end", "gold_label", "gold_entity_id", "gold_text",
    "pred_start", "pred_end", "pred_label", "pred_entity_id", "pred_text",
    "jaccard", "claimer_correct", "gold_claim", "pred_claim")


@dataclass
class OutcomeTable:
    """Entity outcomes of one view, one row per gold span and per unmatched prediction, in report order
    (document, then start, a gold span before a spurious prediction at the same start).

    ``gold_row``/``pred_row`` index the canonical span tables of ``scores`` (-1: no such span).
    """

    scores: EntityScores
    texts: list[str | None]
    doc: np.ndarray
    outcome: np.ndarray
    gold_row: np.ndarray
    pred_row: np.ndarray

    def __len__(self) -> int:
        return len(self.doc)

    def slice(self, lo: int, hi: int) -> OutcomeTable:
        """Rows ``lo:hi`` (to stream a large table in blocks)."""
        return OutcomeTable(self.scores, self.texts, self.doc[lo:hi], self.outcome[lo:hi], self.gold_row[lo:hi],
                            self.pred_row[lo:hi])

    def side(self, which: str) -> dict[str, np.ndarray]:
        """``start``, ``end``, ``label`` (index, -1 none) and ``entity`` (code, -1 none) of the gold or
        predicted span of every row (``which``: ``gold`` or ``pred``); ``present`` marks rows that have one."""
        rows = self.gold_row if which == "gold" else self.pred_row
        table = self.scores.gold if which == "gold" else self.scores.pred
        present = rows >= 0
        safe = np.where(present, rows, 0)

        def col(values: np.ndarray) -> np.ndarray:
            if not len(values):
                return np.full(len(rows), -1, dtype=np.int64)
            return np.where(present, values[safe], -1).astype(np.int64)

        return {"present": present, "start": col(table.start), "end": col(table.end), "label": col(table.label),
                "entity": col(table.entity)}

    def text(self, which: str) -> list[str | None]:
        """The text of each row's gold or predicted span (None without gold text or without the span)."""
        s = self.side(which)
        texts = self.texts
        return [texts[d][a:b] if ok and texts[d] is not None else None
                for d, a, b, ok in zip(self.doc.tolist(), s["start"].tolist(), s["end"].tolist(),
                                       s["present"].tolist(), strict=True)]

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each row as the report's outcome object ``{doc_id, outcome, gold, pred}`` (spans as dicts)."""
        labels, entity_ids, doc_ids = self.scores.labels, self.scores.data.entity_ids, self.scores.doc_ids
        sides = {w: self.side(w) for w in ("gold", "pred")}
        columns = {w: [s[k].tolist() for k in ("present", "start", "end", "label", "entity")]
                   for w, s in sides.items()}
        for i, (d, o) in enumerate(zip(self.doc.tolist(), self.outcome.tolist(), strict=True)):
            text = self.texts[d]
            spans = {}
            for which, (present, start, end, label, entity) in columns.items():
                if not present[i]:
                    spans[which] = None
                    continue
                span = {"start": start[i], "end": end[i], "label": labels[label[i]],
                        "entity_id": entity_ids[entity[i]] if entity[i] >= 0 else None}
                if text is not None:
                    span["text"] = text[start[i]:end[i]]
                spans[which] = span
            yield {"doc_id": doc_ids[d], "outcome": OUTCOMES[o], "gold": spans["gold"], "pred": spans["pred"]}


def outcome_table(scores: EntityScores, texts: list[str | None]) -> OutcomeTable:
    """The outcome rows of ``scores``; ``texts`` holds each scored document's text (``scores.doc_ids`` order)."""
    n_gold = len(scores.gold)
    spurious = np.flatnonzero(scores.pred_match < 0)
    doc = np.concatenate([scores.gold.doc, scores.pred.doc[spurious]])
    start = np.concatenate([scores.gold.start, scores.pred.start[spurious]])
    kind = np.concatenate([np.zeros(n_gold, dtype=np.int64), np.ones(len(spurious), dtype=np.int64)])
    order = np.lexsort((np.arange(len(doc)), kind, start, doc))
    gold_row = np.concatenate([np.arange(n_gold), np.full(len(spurious), -1)])[order]
    pred_row = np.concatenate([scores.gold_match, spurious])[order]
    outcome = np.concatenate([scores.gold_outcome, scores.pred_outcome[spurious]])[order]
    return OutcomeTable(scores, texts, doc[order], outcome.astype(np.int64), gold_row.astype(np.int64),
                        pred_row.astype(np.int64))


def _none_if_nan(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]  # NaN is the only value unequal to itself


def entity_document_columns(scores: EntityScores, prefix: str) -> dict[str, list]:
    """Per-document overall counts and P/R/F1 of every scheme, and linking counts, as named columns."""
    counts = scores.doc_counts  # (n_docs, S, L + 1, F)
    out: dict[str, list] = {}
    for s, scheme in enumerate(SCHEMES):
        c = counts[:, s, -1, :]
        for k, name in enumerate(FIELDS):
            out[f"{prefix}.{scheme}.{name}"] = c[:, k].tolist()
        out[f"{prefix}.{scheme}.possible"] = (c[:, CORRECT] + c[:, INCORRECT] + c[:, PARTIAL] + c[:, MISSED]).tolist()
        out[f"{prefix}.{scheme}.actual"] = (c[:, CORRECT] + c[:, INCORRECT] + c[:, PARTIAL] + c[:, SPURIOUS]).tolist()
        p, r, f = prf(counts, s)
        for metric, values in (("precision", p), ("recall", r), ("f1", f)):
            out[f"{prefix}.{scheme}.{metric}"] = _none_if_nan(values[:, -1])
    out[f"{prefix}.linking.matched"] = scores.doc_linking[:, 0].tolist()
    out[f"{prefix}.linking.correct"] = scores.doc_linking[:, 1].tolist()
    return out


def claim_document_columns(counts: np.ndarray) -> dict[str, list]:
    """Per-document claim detection counts and P/R/F1 from the stacked count vectors ``(n_docs, …)``."""
    m = claim_metrics(counts)
    out: dict[str, list] = {f"claims.detection.{k}": counts[:, i].tolist()
                            for i, k in enumerate(("gold", "predicted", "matched"))}
    out.update({f"claims.detection.{k}": _none_if_nan(m[f"detection.{k}"]) for k in ("precision", "recall", "f1")})
    return out


def entity_document_dicts(scores: EntityScores) -> dict[str, dict[str, Any]]:
    """``{doc_id: {scheme: {overall, per_type, macro}}}`` (the inline ``per_document`` of a small report),
    from metrics computed for all documents at once."""
    counts, labels = scores.doc_counts, scores.labels
    c = counts.tolist()
    schemes = []
    for s in range(len(SCHEMES)):
        p, r, f = (_none_if_nan_2d(x) for x in prf(counts, s))
        mp, mr, mf = (_none_if_nan(x) for x in macro_prf(counts, s))
        schemes.append((p, r, f, mp, mr, mf))

    def row(cell: list[int], p: float | None, r: float | None, f: float | None) -> dict[str, Any]:
        d = dict(zip(FIELDS, cell, strict=True))
        d["possible"] = cell[CORRECT] + cell[INCORRECT] + cell[PARTIAL] + cell[MISSED]
        d["actual"] = cell[CORRECT] + cell[INCORRECT] + cell[PARTIAL] + cell[SPURIOUS]
        d.update(precision=p, recall=r, f1=f)
        return d

    out = {}
    n_labels = len(labels)
    for i, doc_id in enumerate(scores.doc_ids):
        doc = {}
        for s, scheme in enumerate(SCHEMES):
            p, r, f, mp, mr, mf = schemes[s]
            cells = c[i][s]
            doc[scheme] = {"overall": row(cells[n_labels], p[i][n_labels], r[i][n_labels], f[i][n_labels]),
                           "per_type": {label: row(cells[k], p[i][k], r[i][k], f[i][k])
                                        for k, label in enumerate(labels)},
                           "macro": {"precision": mp[i], "recall": mr[i], "f1": mf[i]}}
        out[doc_id] = doc
    return out


def _none_if_nan_2d(values: np.ndarray) -> list[list[float | None]]:
    return [[None if v != v else v for v in row] for row in values.tolist()]
