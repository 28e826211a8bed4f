"""Claim detection at sentence level for one evaluation: gold and predicted labels of every gold sentence.

A gold sentence is positive when a gold claim span overlaps it. The prediction is the system's own sentence
labels and scores (a ``sentences`` key, a CheckThat! file) or, when it gives only claim spans, those spans
projected onto the sentences they overlap; with claim spans, each sentence's predicted claimers are compared
with its gold claimers (:func:`_claimer_counts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rukp.evaluation.sentences import SentenceIndex
from rukp.io.claimers import resolve_claimer
from rukp.io.locate import LOCATE_THRESHOLD, locate
from rukp.io.model import Gold, Predictions
from rukp.scoring import bootstrap as bs
from rukp.scoring.claims import Claim
from rukp.scoring.claims.sentences import (
    FIELDS,
    TN,
    SentenceLabels,
    SentenceStatistic,
    count_metrics,
    point_figures,
)


@dataclass
class SentencesResult:
    """Sentence labels of one evaluation and where the prediction came from (``sentences``: the system's own
    labels and scores; ``claims``: its claim spans projected onto sentences)."""

    source: str
    labels: SentenceLabels
    doc_ids: list[str]
    #: Extra facts for the report (claims located at sentences by lexical similarity, and so on).
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        """Whether the system gave scores (ranking figures are computed)."""
        return self.labels.score is not None

    @property
    def claimers(self) -> bool:
        """Whether sentence-level claimer attribution is computed (the system names claimers)."""
        return self.labels.claimers is not None

    def figures(self) -> dict[str, float | None]:
        """Every sentence figure with its point value (None where undefined)."""
        return point_figures(self.labels)

    def statistic(self, unit: str, sents: SentenceIndex | None) -> bs.Statistic | None:
        """The sentence figures over ``unit`` (documents, or each sentence on its own)."""
        if unit == "documents":
            return SentenceStatistic(self.labels, self.labels.doc, len(self.doc_ids))
        if sents is None or sents.n != len(self.labels):
            return None
        return SentenceStatistic(self.labels, np.arange(len(self.labels)), len(self.labels))

    def per_document(self) -> dict[str, dict[str, Any]]:
        """Counts and figures of each document (average precision when scored)."""
        lab = self.labels
        counts = lab.unit_counts(lab.doc, len(self.doc_ids))
        metrics = count_metrics(counts.astype(np.float64))
        out = {}
        for i, doc_id in enumerate(self.doc_ids):
            row: dict[str, Any] = {name: int(counts[i, k]) for k, name in enumerate(FIELDS[:TN + 1])}
            row.update({m: _opt(metrics[m][i]) for m in ("precision", "recall", "f1", "accuracy")})
            if self.scored:
                mask = lab.doc == i
                sub = SentenceLabels(lab.doc[mask], lab.index[mask], lab.gold[mask], lab.pred[mask],
                                     lab.score[mask] if lab.score is not None else None)
                row["average_precision"] = point_figures(sub)["average_precision"]
            out[doc_id] = row
        return out

    def rows(self, gold: Gold) -> list[dict[str, Any]]:
        """One row per sentence: id, document, index, offsets, outcome (TP/FP/FN/TN) and score."""
        lab = self.labels
        outcomes = lab.outcome
        out = []
        for k in range(len(lab)):
            doc = gold.documents[int(lab.doc[k])]
            start, end = doc.sentences[int(lab.index[k])]
            row = {"id": f"{doc.id}-{int(lab.index[k])}", "doc_id": doc.id, "index": int(lab.index[k]),
                   "start": start, "end": end, "outcome": outcomes[k]}
            if lab.score is not None:
                row["score"] = None if not self._listed[k] else float(lab.score[k])
            out.append(row)
        return out

    @property
    def _listed(self) -> np.ndarray:
        return self.notes.get("listed", np.ones(len(self.labels), dtype=bool))


def locate_unaligned(gold: Gold, preds: Predictions) -> tuple[dict[int, list[Claim]], dict[str, Any] | None]:
    """Text claims that no span aligned with, located at their best-matching sentence(s)
    (:func:`rukp.io.locate.locate`): extra predicted spans per document (the located sentences' extent, claimer
    resolved) and the report's summary ``{count, unaligned, threshold, items}``; None when there were none."""
    unaligned = [u for u in preds.unaligned if u.kind == "claim"]
    if not unaligned:
        return {}, None
    extra: dict[int, list[Claim]] = {}
    items = []
    for u in unaligned:
        d = gold.documents[u.doc]
        if d.text is None or not d.sentences:
            continue
        where = locate(u.text, [d.text[a:b] for a, b in d.sentences])
        if where is None:
            continue
        claimer = u.label
        if claimer and gold.kb is not None:
            claimer = resolve_claimer(claimer, gold.kb)
        extra.setdefault(u.doc, []).append(Claim(d.sentences[where.first][0], d.sentences[where.last][1],
                                                 claimer=claimer or None))
        items.append({"doc": d.id, "text": u.text if len(u.text) <= 200 else u.text[:199] + "…",
                      "sentences": [f"{d.id}-{i}" for i in range(where.first, where.last + 1)],
                      "score": round(where.score, 4)})
    return extra, {"count": len(items), "unaligned": len(unaligned), "threshold": LOCATE_THRESHOLD, "items": items}


def _opt(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


class _Sentences:
    """Every gold sentence in one table (documents in gold order): spans of any document are placed on it with
    two binary searches, so a corpus costs a few array operations, not one call per document."""

    def __init__(self, gold: Gold) -> None:
        sizes = np.fromiter((len(d.sentences or []) for d in gold.documents), dtype=np.int64,
                            count=len(gold.documents))
        self.offsets = np.concatenate([[0], np.cumsum(sizes)])
        self.n = int(self.offsets[-1])
        self.doc = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        self.index = np.arange(self.n, dtype=np.int64) - self.offsets[:-1][self.doc]
        flat = np.fromiter((x for d in gold.documents for se in (d.sentences or []) for x in se), dtype=np.int64,
                           count=2 * self.n).reshape(self.n, 2)
        self.width = max(0, int(flat.max(initial=0)), *(len(d.text or "") for d in gold.documents)) + 1
        self._starts = self.doc * self.width + flat[:, 0]
        self._ends = self.doc * self.width + flat[:, 1]

    def ranges(self, doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``[first, last)`` global sentence indices that each span ``[start, end)`` of document ``doc`` overlaps."""
        top = self.width - 1  # beyond every sentence end: a position past them all stays in its document
        first = np.searchsorted(self._ends, doc * self.width + np.minimum(start, top), side="right")
        last = np.searchsorted(self._starts, doc * self.width + np.minimum(end, top), side="left")
        return np.maximum(first, self.offsets[doc]), np.minimum(last, self.offsets[doc + 1])

    def marks(self, doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Which sentences at least one of the spans overlaps."""
        first, last = self.ranges(doc, start, end)
        keep = first < last
        diff = np.zeros(self.n + 1, dtype=np.int64)
        np.add.at(diff, first[keep], 1)
        np.add.at(diff, last[keep], -1)
        return np.cumsum(diff[:-1]) > 0

    def pairs(self, doc: np.ndarray, start: np.ndarray, end: np.ndarray, code: np.ndarray, k: int) -> np.ndarray:
        """Distinct ``sentence * k + code`` for every sentence each span overlaps (one code per span)."""
        first, last = self.ranges(doc, start, end)
        lengths = np.maximum(last - first, 0)
        total = int(lengths.sum())
        begin = np.repeat(first, lengths)
        step = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return np.unique((begin + step) * k + np.repeat(code, lengths))


def _spans(claims: dict[int, list[Claim]] | list[tuple[int, list[Claim]]]) -> tuple[np.ndarray, ...]:
    """``(doc, start, end)`` arrays of the claims of each document."""
    items = claims.items() if isinstance(claims, dict) else claims
    rows = [(i, c.start, c.end) for i, cs in items for c in cs]
    arr = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def _claimer_counts(table: _Sentences, gold: Gold, pred: dict[int, list[Claim]]) -> np.ndarray:
    """Per sentence ``(right, predicted, found, gold)``: the predicted claimer ids (of the predicted claims
    overlapping it) that are the claimer or a co-claimer of a gold claim overlapping it, the predicted ids, the
    gold claimers (of the gold claims overlapping it) that the prediction names, and the gold claimers."""
    codes: dict[str, int] = {}

    def rows(items: Any, who: Any) -> tuple[np.ndarray, ...]:
        out = [(i, c.start, c.end, codes.setdefault(name, len(codes))) for i, cs in items for c in cs
               for name in who(c)]
        arr = np.asarray(out, dtype=np.int64).reshape(-1, 4)
        return arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]

    gold_items = list(enumerate(d.claims for d in gold.documents))
    main_rows = rows(gold_items, lambda c: [c.claimer] if c.claimer is not None else [])
    co_rows = rows(gold_items, lambda c: list(c.co_claimers))
    pred_rows = rows(pred.items(), lambda c: [c.claimer] if c.claimer is not None else [])
    k = max(len(codes), 1)
    main = table.pairs(*main_rows, k)
    accepted = np.union1d(main, table.pairs(*co_rows, k))
    predicted = table.pairs(*pred_rows, k)
    out = np.zeros((table.n, 4), dtype=np.int64)
    for col, pairs in enumerate((predicted[np.isin(predicted, accepted)], predicted,
                                 main[np.isin(main, predicted)], main)):
        out[:, col] = np.bincount(pairs // k, minlength=table.n)
    return out


def sentence_result(gold: Gold, preds: Predictions) -> SentencesResult:
    """Gold and predicted sentence labels over every gold document (documents must have sentences); with claim
    spans, the text claims no span aligned with are located by similarity (:func:`locate_unaligned`) and projected
    like the system's own spans."""
    own = preds.has_sentences
    extra_claims, located = ({}, None) if own else locate_unaligned(gold, preds)
    table = _Sentences(gold)
    gold_lab = table.marks(*_spans(list(enumerate(d.claims for d in gold.documents))))
    score = None
    claimers = None
    notes: dict[str, Any] = {"located": located} if located is not None else {}
    if own:
        rows = [(i, p.index, p.claim, np.nan if p.score is None else p.score)
                for i, ps in preds.sentences.items() for p in ps]
        pos = np.asarray([table.offsets[i] + k for i, k, _, _ in rows], dtype=np.int64)
        pred_lab = np.zeros(table.n, dtype=bool)
        pred_lab[pos] = np.asarray([c for _, _, c, _ in rows], dtype=bool)
        raw = np.full(table.n, np.nan)
        raw[pos] = np.asarray([x for *_, x in rows], dtype=np.float64)
        if not np.isnan(raw).all():
            finite = raw[~np.isnan(raw)]
            notes["listed"] = ~np.isnan(raw)
            score = np.where(np.isnan(raw), float(finite.min()) - 1.0, raw)  # unlisted sentences rank last, tied
    else:
        spans = {i: [*preds.claims.get(i, []), *extra_claims.get(i, [])] for i in {*preds.claims, *extra_claims}}
        pred_lab = table.marks(*_spans(spans))
        if any(c.claimer is not None for cs in spans.values() for c in cs):
            claimers = _claimer_counts(table, gold, spans)
    labels = SentenceLabels(table.doc, table.index, gold_lab, pred_lab, score, claimers)
    return SentencesResult("sentences" if own else "claims", labels, [d.id for d in gold.documents], notes)
