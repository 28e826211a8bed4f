"""The result of one evaluation as data: :class:`Report` keeps counts and derives every figure from them.

Scoring happens once (:mod:`rukp.evaluation.run`); the report derives every metric, interval and serialised
form from the stored counts, so renderers (:mod:`rukp.reports`) never re-run scoring.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from rukp import __version__, schema
from rukp.errors import RukpError
from rukp.evaluation.options import Options
from rukp.evaluation.results import ClaimsResult, ViewResult
from rukp.evaluation.sentences import SentenceIndex
from rukp.io.model import Gold, Predictions
from rukp.scoring import bootstrap as bs
from rukp.scoring.claims import (
    ATTRIBUTES,
    attribute_report,
    claim_metrics,
)
from rukp.views import get_view

REPORT_SCHEMA = "rukp.report.v1"
UNITS: tuple[str, ...] = ("documents", "sentences")

@dataclass
class Report:
    """The result of one evaluation. Metrics derive from the stored counts; :meth:`to_dict` is the JSON
    contract (``docs/report-schema.md``)."""

    options: Options
    gold: Gold
    predictions: Predictions
    views: dict[str, ViewResult]
    claims: ClaimsResult | None
    sentences: SentenceIndex | None
    intervals: dict[str, dict[str, bs.Interval]] = field(default_factory=dict)
    #: State of each task: ``{"entities": "scored", "claims": "not predicted"}`` (:mod:`rukp.evaluation.scope`).
    scope: dict[str, str] = field(default_factory=dict)

    # -- figures -------------------------------------------------------------------------------------------
    def statistic(self, unit: str, *, clusters: bool = True) -> bs.Statistic | None:
        """Every headline figure as one statistic over ``unit`` (``documents`` or ``sentences``)."""
        parts = [v.statistic(unit) for v in self.views.values()]
        if self.claims is not None:
            parts.append(self.claims.statistic(unit, clusters=clusters))
        if any(p is None for p in parts) or not parts:
            return None
        return bs.Combined(parts)

    @cached_property
    def figures(self) -> dict[str, float | None]:
        """Point value of every headline figure, by name (``entities.fine.v1.strict.f1``, ``claims.joint.f1``)."""
        stat = self.statistic("documents")
        values = stat(np.ones((1, stat.n_units)))
        return {k: (None if not np.isfinite(v[0]) else float(v[0])) for k, v in values.items()}

    def _view(self, view: str | None) -> ViewResult:
        if view is None:
            return next(iter(self.views.values()))
        name = get_view(view).name
        if name not in self.views:
            raise RukpError(f"view {view!r} was not evaluated; this report has {', '.join(self.views)}")
        return self.views[name]

    def precision(self, view: str | None = None, scheme: str | None = None, label: str | None = None
                  ) -> float | None:
        """Entity precision (``scheme`` defaults to the report's headline scheme; ``label`` None: overall)."""
        return self._view(view).counts.precision(scheme or self.options.scheme, label)

    def recall(self, view: str | None = None, scheme: str | None = None, label: str | None = None
               ) -> float | None:
        """Entity recall (see :meth:`precision`)."""
        return self._view(view).counts.recall(scheme or self.options.scheme, label)

    def f1(self, view: str | None = None, scheme: str | None = None, label: str | None = None) -> float | None:
        """Entity F1 (see :meth:`precision`)."""
        return self._view(view).counts.f1(scheme or self.options.scheme, label)

    def interval(self, name: str, unit: str = "documents") -> bs.Interval | None:
        """The bootstrap interval of figure ``name`` over ``unit``; None when not computed."""
        return self.intervals.get(unit, {}).get(name)

    # -- serialisation -------------------------------------------------------------------------------------
    def _iv(self, name: str) -> dict[str, list[float | None] | None]:
        out = {}
        for unit in UNITS:
            iv = self.intervals.get(unit, {}).get(name)
            out[unit] = iv.to_list() if iv is not None else None
        return out

    def _with_intervals(self, row: dict[str, Any], key: str, metrics: Sequence[str]) -> dict[str, Any]:
        row["intervals"] = {unit: ({m: self._iv(f"{key}.{m}")[unit] for m in metrics}
                                   if unit in self.intervals else None) for unit in UNITS}
        return row

    def _span(self, span: Any, doc_id: str) -> dict[str, Any] | None:
        if span is None:
            return None
        d = {"start": span.start, "end": span.end, "label": span.label, "entity_id": span.entity_id}
        text = self.gold.documents[self.gold.index[doc_id]].text
        if text is not None:
            d["text"] = text[span.start:span.end]
        return d

    def _claim(self, claim: Any, doc_id: str) -> dict[str, Any] | None:
        if claim is None:
            return None
        d = claim.to_dict()
        text = self.gold.documents[self.gold.index[doc_id]].text
        if text is not None:
            d["text"] = text[claim.start:claim.end]
        return d

    def _entities_dict(self, vr: ViewResult) -> dict[str, Any]:
        name = vr.view.name
        schemes = vr.counts.to_dict()
        prf_names = ("precision", "recall", "f1")
        for scheme, block in schemes.items():
            self._with_intervals(block["overall"], f"entities.{name}.{scheme}", prf_names)
            for label, row in block["per_type"].items():
                self._with_intervals(row, f"entities.{name}.{scheme}.{label}", prf_names)
            self._with_intervals(block["macro"], f"entities.{name}.{scheme}.macro", prf_names)
        linking = vr.scores.linking
        results = vr.scores.documents()
        return {
            "view": name, "labels": list(vr.view.labels), "schemes": schemes,
            "linking": self._with_intervals(
                {"predicted": vr.linking_predicted, "matched": linking.matched, "correct": linking.correct,
                 "accuracy": linking.accuracy if vr.linking_predicted else None},
                f"entities.{name}.linking", ("accuracy",)),
            "per_document": {r.doc_id: r.counts.to_dict() for r in results},
            "outcomes": [{"doc_id": o.doc_id, "outcome": o.outcome, "gold": self._span(o.gold, o.doc_id),
                          "pred": self._span(o.pred, o.doc_id)} for r in results for o in r.outcomes],
            "fallback_components": vr.scores.fallback_components,
            "dropped_by_view": vr.dropped,
        }

    def _claims_dict(self, cr: ClaimsResult) -> dict[str, Any]:
        c = dict(zip(("gold", "predicted", "matched", "claimer_given", "claimer_correct", "overlap_tokens",
                      "predicted_tokens", "gold_tokens"), (int(x) for x in cr.counts[:8]), strict=True))
        fig = self.figures

        def block(key: str, counts: dict[str, int], metrics: Sequence[str]) -> dict[str, Any]:
            row = {**counts, **{m: fig.get(f"claims.{key}.{m}") for m in metrics}}
            return self._with_intervals(row, f"claims.{key}", metrics)

        prf_names = ("precision", "recall", "f1")
        attributes = {}
        for name in ATTRIBUTES:
            rep = attribute_report(cr.outcomes, name)
            attributes[name] = self._with_intervals(rep, f"claims.{name}", ("accuracy", "macro_f1"))
        clusters: dict[str, Any] = {"predicted": cr.predicted_attributes["cluster"]}
        if clusters["predicted"]:
            for kind in ("b3", "pairwise"):
                clusters[kind] = block(f"clusters.{kind}", {}, prf_names)
        per_doc = {}
        for d in cr.documents:
            m = claim_metrics(d.counts)
            per_doc[d.doc_id] = {"gold": int(d.counts[0]), "predicted": int(d.counts[1]),
                                 "matched": int(d.counts[2]),
                                 **{k: (None if np.isnan(m[f"detection.{k}"]) else float(m[f"detection.{k}"]))
                                    for k in prf_names}}
        return {
            "threshold": cr.threshold, "unit": cr.unit,
            "detection": block("detection", {k: c[k] for k in ("gold", "predicted", "matched")}, prf_names),
            "token_overlap": block("tokens", {k: c[k] for k in ("overlap_tokens", "predicted_tokens",
                                                                 "gold_tokens")}, prf_names),
            "attribution": block("attribution", {k: c[k] for k in ("matched", "claimer_given", "claimer_correct")},
                                 ("accuracy",)),
            "joint": block("joint", {}, prf_names),
            "attributes": attributes,
            "clusters": clusters,
            "per_document": per_doc,
            "outcomes": [{"doc_id": o.doc_id, "outcome": o.outcome, "gold": self._claim(o.gold, o.doc_id),
                          "pred": self._claim(o.pred, o.doc_id), "jaccard": o.jaccard,
                          "claimer_correct": o.claimer_correct} for o in cr.outcomes],
        }

    @cached_property
    def metadata(self) -> dict[str, Any]:
        """Gold file and hash, documents, skipped items, options, version, seed and notes."""
        gold, preds = self.gold, self.predictions
        without = [d.id for i, d in enumerate(gold.documents) if i not in preds.covered]
        skipped = [*gold.skipped, *preds.skipped, *(s for v in self.views.values() for s in v.skipped)]
        by_reason: dict[str, int] = {}
        for s in skipped:
            by_reason[s.reason] = by_reason.get(s.reason, 0) + 1
        n_docs = len(gold.documents)
        selection = self.selection
        notes = [selection] if selection else []
        notes.append(f"Intervals over documents resample the {n_docs} {'selected' if selection else 'gold'} "
                     "documents, the independent units"
                     + (f"; with only {n_docs} documents they are wide and rest on few distinct resamples."
                        if n_docs < 30 else "."))
        for task, state in self.scope.items():
            if state != "scored":
                notes.append(f"{task}: {state}" + {"not predicted": " (the predictions have none; not scored)",
                                                   "no gold": " (the gold has none; not scored)",
                                                   "not requested": " (turned off; not scored)",
                                                   "not compared": " (only one of the two systems predicts "
                                                                   "them; not scored)"}.get(state, ""))
        if self.sentences is not None:
            notes.append(f"Intervals over sentences resample {self.sentences.n} sentences: narrower and "
                         "optimistic, since sentences of one article are not independent.")
        if self.claims is not None:
            notes.append("Claim clusters are scored on matched claims only; unmatched gold and predicted claims "
                         "are left out (detection already charges them).")
        return {
            "rukp_version": __version__, "scheme_version": schema.SCHEME_VERSION,
            "gold": {"path": gold.path, "sha256": gold.sha256, "documents": n_docs,
                     "documents_in_file": gold.selected_from or n_docs,
                     "selected_documents": list(gold.doc_ids) if gold.selected_from is not None else None,
                     "sentences": self.sentences.n if self.sentences is not None else None,
                     "has_text": gold.has_text},
            "predictions": {"source": preds.source, "kind": preds.kind,
                            "documents_with_predictions": len(preds.covered),
                            "documents_without_predictions": len(without),
                            "documents_without_predictions_ids": without,
                            "failed_documents": list(preds.failed)},
            "skipped": {"total": len(skipped), "by_reason": dict(sorted(by_reason.items())),
                        "items": [s.to_dict() for s in skipped]},
            "extractor": preds.extractor, "extractor_errors": preds.extractor_errors,
            "options": self.options.to_dict(), "seed": self.options.seed,
            "bootstrap": {"resamples": self.options.bootstrap, "alpha": bs.DEFAULT_ALPHA, "method": "percentile",
                          "units": {"documents": n_docs if "documents" in self.intervals else None,
                                    "sentences": self.sentences.n if "sentences" in self.intervals else None}},
            "notes": notes,
        }

    @cached_property
    def alignment(self) -> dict[str, Any] | None:
        """Text-anchored items by alignment status per kind, and the unaligned ones (counted as spurious):
        ``{"entities": {"offsets": n, "exact": n, ...}, "claims": {...}, "unaligned": [{doc, kind, text,
        label}]}``; None when every item came with offsets."""
        preds = self.predictions
        if not preds.alignment:
            return None
        kinds = {"entities": self.scope.get("entities") == "scored", "claims": self.scope.get("claims") == "scored"}
        out: dict[str, Any] = {k: dict(v) for k, v in preds.alignment.items() if kinds.get(k)}
        out["unaligned"] = [{"doc": self.gold.documents[u.doc].id, "kind": u.kind,
                             "text": u.text if len(u.text) <= 80 else u.text[:79] + "…",
                             ("label" if u.kind == "entity" else "claimer"): u.label}
                            for u in preds.unaligned if kinds.get("entities" if u.kind == "entity" else "claims")]
        return out

    @property
    def selection(self) -> str | None:
        """``scored on 1 of 5 documents: 003`` when only some documents were scored (``--doc``), else None."""
        gold = self.gold
        if gold.selected_from is None:
            return None
        ids = ", ".join(gold.doc_ids[:20]) + (" …" if len(gold.doc_ids) > 20 else "")
        return f"scored on {len(gold.documents)} of {gold.selected_from} documents: {ids}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (``docs/report-schema.md``): metadata, scope, entities per view and scheme, claims."""
        return {"schema": REPORT_SCHEMA, "metadata": self.metadata, "scope": dict(self.scope),
                "alignment": self.alignment,
                "entities": {name: self._entities_dict(v) for name, v in self.views.items()},
                "claims": self._claims_dict(self.claims) if self.claims is not None else None}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
