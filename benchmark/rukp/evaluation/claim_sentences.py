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
    project_spans,
)


def _claimer_counts(sentences: list[tuple[int, int]], gold: list[Claim], pred: list[Claim]) -> np.ndarray:
    """Per sentence ``(right, predicted, found, gold)``: the predicted claimer ids (of the predicted claims
    overlapping it) that are the claimer or a co-claimer of a gold claim overlapping it, the predicted ids, the
    gold claimers (of the gold claims overlapping it) that the prediction names, and the gold claimers."""
    n = len(sentences)
    main: list[set[str]] = [set() for _ in range(n)]
    accepted: list[set[str]] = [set() for _ in range(n)]
    named: list[set[str]] = [set() for _ in range(n)]
    for c in gold:
        hit = project_spans(sentences, [(c.start, c.end)]).nonzero()[0]
        for i in hit:
            if c.claimer is not None:
                main[i].add(c.claimer)
                accepted[i].add(c.claimer)
            accepted[i].update(c.co_claimers)
    for c in pred:
        if c.claimer is not None:
            for i in project_spans(sentences, [(c.start, c.end)]).nonzero()[0]:
                named[i].add(c.claimer)
    return np.array([[len(p & a), len(p), len(g & p), len(g)] for g, a, p in zip(main, accepted, named, strict=True)],
                    dtype=np.int64).reshape(n, 4)


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


def _cat(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)


def _opt(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def sentence_result(gold: Gold, preds: Predictions) -> SentencesResult:
    """Gold and predicted sentence labels over every gold document (documents must have sentences); with claim
    spans, the text claims no span aligned with are located by similarity (:func:`locate_unaligned`) and projected
    like the system's own spans."""
    own = preds.has_sentences
    extra_claims, located = ({}, None) if own else locate_unaligned(gold, preds)
    docs, index, gold_lab, pred_lab, scores, listed, claimers = [], [], [], [], [], [], []
    any_score = own and any(p.score is not None for ps in preds.sentences.values() for p in ps)
    names_claimers = not own and any(c.claimer is not None for cs in [*preds.claims.values(), *extra_claims.values()]
                                     for c in cs)
    for i, d in enumerate(gold.documents):
        sents = d.sentences or []
        n = len(sents)
        docs.append(np.full(n, i, dtype=np.int64))
        index.append(np.arange(n, dtype=np.int64))
        gold_lab.append(project_spans(sents, [(c.start, c.end) for c in d.claims]))
        if own:
            pred = np.zeros(n, dtype=bool)
            score = np.full(n, np.nan)
            for p in preds.sentences.get(i, []):
                pred[p.index] = p.claim
                if p.score is not None:
                    score[p.index] = p.score
            pred_lab.append(pred)
            scores.append(score)
            listed.append(~np.isnan(score))
        else:
            spans = [*preds.claims.get(i, []), *extra_claims.get(i, [])]
            pred_lab.append(project_spans(sents, [(c.start, c.end) for c in spans]))
            if names_claimers:
                claimers.append(_claimer_counts(sents, d.claims, spans))
    score = None
    notes: dict[str, Any] = {"located": located} if located is not None else {}
    if any_score:
        raw = _cat(scores, np.float64)
        finite = raw[~np.isnan(raw)]
        lowest = float(finite.min()) - 1.0 if finite.size else 0.0
        notes["listed"] = ~np.isnan(raw)
        score = np.where(np.isnan(raw), lowest, raw)  # unlisted sentences rank last, tied
    labels = SentenceLabels(_cat(docs, np.int64), _cat(index, np.int64), _cat(gold_lab, bool), _cat(pred_lab, bool),
                            score, _cat(claimers, np.int64) if names_claimers else None)
    return SentencesResult("sentences" if own else "claims", labels, [d.id for d in gold.documents], notes)
