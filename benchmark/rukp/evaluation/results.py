"""Scores of one evaluation before reporting: entity views, claims, and their bootstrap statistics."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from rukp.evaluation.options import Options
from rukp.io.model import Gold, Predictions, Skipped
from rukp.scoring import bootstrap as bs
from rukp.scoring.claims import (
    ATTRIBUTES,
    FIELD_INDEX,
    VECTOR_SIZE,
    ClaimOutcome,
    DocumentClaimResult,
    claim_metrics,
    cluster_stat,
    predicted_figures,
    score_document,
)
from rukp.scoring.counts import SCHEMES, EntityCounts, macro_prf, prf
from rukp.scoring.entities import EntityScores
from rukp.scoring.schemes import counts_from_histogram
from rukp.views import View


def _entity_metrics(view: str, labels: tuple[str, ...]) -> Any:
    rows = [*labels, None]

    def metrics(summed: np.ndarray) -> dict[str, np.ndarray]:
        out = {}
        for s, scheme in enumerate(SCHEMES):
            p, r, f = prf(summed, s)
            for i, label in enumerate(rows):
                key = f"entities.{view}.{scheme}" + (f".{label}" if label else "")
                out.update({f"{key}.precision": p[..., i], f"{key}.recall": r[..., i], f"{key}.f1": f[..., i]})
            mp, mr, mf = macro_prf(summed, s)
            out.update({f"entities.{view}.{scheme}.macro.precision": mp,
                        f"entities.{view}.{scheme}.macro.recall": mr, f"entities.{view}.{scheme}.macro.f1": mf})
        return out

    return metrics


def _from_outcomes(metrics: Any) -> Any:
    """``metrics`` of counts, fed from summed count histograms ``(…, H, L)``: a bootstrap then sums
    ``H × L`` columns per unit instead of ``S × (L + 1) × F`` (the counts are a linear map of the histogram,
    and sums of integers are exact in float64, so the figures are the same)."""
    def from_hist(summed: np.ndarray) -> dict[str, np.ndarray]:
        return metrics(counts_from_histogram(summed))

    return from_hist


def _linking_metrics(view: str, predicted: bool) -> Any:
    """Linking accuracy; undefined (not 0) when no prediction carries an entity_id at all."""
    def metrics(summed: np.ndarray) -> dict[str, np.ndarray]:
        m, c = summed[..., 0], summed[..., 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            accuracy = np.where((m > 0) & predicted, c / np.maximum(m, 1), np.nan)
        return {f"entities.{view}.linking.accuracy": accuracy}

    return metrics


def _claims_metrics(predicted: dict[str, bool]) -> Any:
    """Claim figures of summed count vectors, with what the system predicts decided once on the whole data
    (a resample where a silent document is drawn alone scores its recall 0; it is not left out)."""
    def metrics(summed: np.ndarray) -> dict[str, np.ndarray]:
        return {f"claims.{k}": v for k, v in claim_metrics(summed, predicted=predicted).items()}

    return metrics


class _Prefixed:
    """A statistic whose metric names get a prefix (cluster scores under ``claims.``)."""

    def __init__(self, stat: Any, prefix: str) -> None:
        self.stat, self.prefix, self.n_units = stat, prefix, stat.n_units

    def __call__(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        return {self.prefix + k: v for k, v in self.stat(weights).items()}

    def stack(self, other: _Prefixed) -> _Prefixed:
        return _Prefixed(self.stat.stack(other.stat), self.prefix)


# ------------------------------------------------------------------------------------------ results

@dataclass
class ViewResult:
    """Entity scores of one view: the scorer's result plus per-sentence counts for the intervals."""

    view: View
    scores: EntityScores
    sentence_counts: np.ndarray | None
    sentence_linking: np.ndarray | None
    dropped: int
    skipped: list[Skipped]

    @property
    def counts(self) -> EntityCounts:
        return self.scores.counts

    @property
    def linking_predicted(self) -> bool:
        """Whether any predicted span carries an entity_id (else linking is not scored)."""
        return bool((self.scores.pred.entity >= 0).any())

    def statistic(self, unit: str) -> bs.Statistic | None:
        name, labels = self.view.name, self.view.labels
        metrics = _entity_metrics(name, labels)
        if unit == "documents" and self.scores.doc_outcomes is not None:
            counts, linking = self.scores.doc_outcomes, self.scores.doc_linking
            metrics = _from_outcomes(metrics)
        elif unit == "documents":
            counts, linking = self.scores.doc_counts, self.scores.doc_linking
        elif self.sentence_counts is None:
            return None
        else:
            counts, linking = self.sentence_counts, self.sentence_linking
        return bs.Combined([bs.Additive(counts, metrics),
                            bs.Additive(linking, _linking_metrics(name, self.linking_predicted))])


@dataclass
class ClaimsResult:
    """Claim scores: per-document results (count vectors, outcomes) and corpus-level attribute reports."""

    documents: list[DocumentClaimResult]
    threshold: float
    unit: str
    predicted_attributes: dict[str, bool]
    #: Per-document count vectors ``(n_docs, VECTOR_SIZE)``, the units of the bootstrap (each document's
    #: ``counts`` is a row of it when :func:`score_claims` built it).
    matrix: np.ndarray | None = None

    @cached_property
    def doc_counts(self) -> np.ndarray:
        """Per-document count vectors ``(n_docs, VECTOR_SIZE)``."""
        if self.matrix is not None:
            return self.matrix
        return np.stack([d.counts for d in self.documents]) if self.documents else np.zeros((0, VECTOR_SIZE))

    @cached_property
    def counts(self) -> np.ndarray:
        return self.doc_counts.sum(axis=0)

    @cached_property
    def outcomes(self) -> list[ClaimOutcome]:
        return [o for d in self.documents for o in d.outcomes]

    def statistic(self, unit: str, *, clusters: bool = True) -> bs.Statistic | None:
        """Claim figures over ``unit``; ``clusters=False`` leaves the cluster scores out."""
        if unit == "documents":
            counts = self.doc_counts
        elif any(d.sentence_counts is None for d in self.documents):
            return None
        else:
            counts = np.concatenate([d.sentence_counts for d in self.documents])
        parts: list[Any] = [bs.Additive(counts, _claims_metrics(predicted_figures(self.counts)))]
        stat = cluster_stat(self.documents, by_sentence=unit == "sentences") if clusters else None
        if stat is not None:
            parts.append(_Prefixed(stat, "claims."))
        return bs.Combined(parts)


def score_claims(gold: Gold, preds: Predictions, opts: Options, use_sentences: bool) -> ClaimsResult:
    """Claims of every document scored; a document with no gold and no predicted claim is all zeros (the
    scorer's result, without calling it: entity-only corpora of 100,000 documents stay fast). A text-anchored
    claim that matched nowhere in the text is an unmatched prediction (``predicted`` + 1, in its document's
    first sentence for sentence units)."""
    matrix = np.zeros((len(gold.documents), VECTOR_SIZE), dtype=np.int64)
    docs = []
    no_sentences = np.zeros((0, VECTOR_SIZE), dtype=np.int64)
    for i, d in enumerate(gold.documents):
        pred = preds.claims.get(i, [])
        if not d.claims and not pred:
            sents = None
            if use_sentences:
                sents = np.zeros((len(d.sentences), VECTOR_SIZE), dtype=np.int64) if d.sentences else no_sentences
            docs.append(DocumentClaimResult(d.id, matrix[i], sents, []))
        else:
            result = score_document(d.id, d.claims, pred, text=d.text,
                                    sentences=d.sentences if use_sentences else None, threshold=opts.claim_threshold,
                                    tokens=d.tokens)
            matrix[i] = result.counts
            result.counts = matrix[i]
            docs.append(result)
    for u in preds.unaligned:
        if u.kind == "claim":
            result = docs[u.doc]
            result.counts[FIELD_INDEX["predicted"]] += 1  # a row of ``matrix``
            if result.sentence_counts is not None and len(result.sentence_counts):
                result.sentence_counts[0, FIELD_INDEX["predicted"]] += 1
    all_pred = [c for cs in preds.claims.values() for c in cs]
    predicted = {name: any(getattr(c, name) is not None for c in all_pred) for name in ATTRIBUTES}
    predicted["claimer"] = any(c.has_claimer for c in all_pred)
    predicted["cluster"] = any(c.cluster is not None for c in all_pred)
    return ClaimsResult(docs, opts.claim_threshold, "token" if gold.has_text else "character", predicted, matrix)
