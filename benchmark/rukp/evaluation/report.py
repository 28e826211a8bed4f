"""The result of one evaluation as data: :class:`Report` keeps counts and derives every figure from them.

Scoring happens once (:mod:`rukp.evaluation.run`); the report derives every metric, interval and serialised
form from the stored counts, so renderers (:mod:`rukp.reports`) never re-run scoring.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from rukp import __version__, schema
from rukp.errors import RukpError, plural
from rukp.evaluation.claim_sentences import SentencesResult
from rukp.evaluation.detail import (
    OutcomeTable,
    claim_document_columns,
    entity_document_columns,
    entity_document_dicts,
    outcome_table,
)
from rukp.evaluation.options import Options
from rukp.evaluation.results import ClaimsResult, ViewResult
from rukp.evaluation.sentences import SentenceIndex
from rukp.io.model import Gold, Predictions
from rukp.scoring import bootstrap as bs
from rukp.scoring.claims import (
    ATTRIBUTES,
    attribute_report,
)
from rukp.scoring.claims.sentences import CL_FOUND, CL_GOLD, CL_OK, CL_PRED, P_AT
from rukp.scoring.schemes import PER_TYPE_CONVENTION
from rukp.views import get_view

REPORT_SCHEMA = "rukp.report.v2"


def _cut(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


def _f(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"
UNITS: tuple[str, ...] = ("documents", "sentences")

#: Largest evaluation whose report keeps per-document rows and span outcomes inline (``docs/report-schema.md``);
#: above either, they go to side files (``--per-document``, ``--outcomes``) or are left out.
INLINE_MAX_DOCUMENTS = 1_000
INLINE_MAX_OUTCOMES = 25_000
#: Largest number of inline outcome rows written as indented JSON; above, compact JSON (Python's C encoder
#: does not indent, and the indenting one takes seconds on 25,000 outcomes).
INDENT_MAX_OUTCOMES = 10_000

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
    #: Claim detection at sentence level (JSON key ``sentences``), when that task is scored.
    claim_sentences: SentencesResult | None = None
    _outcome_tables: dict[str, OutcomeTable] = field(default_factory=dict, repr=False)

    # -- figures -------------------------------------------------------------------------------------------
    def statistic(self, unit: str, *, clusters: bool = True) -> bs.Statistic | None:
        """Every headline figure as one statistic over ``unit`` (``documents`` or ``sentences``)."""
        parts = [v.statistic(unit) for v in self.views.values()]
        if self.claims is not None:
            parts.append(self.claims.statistic(unit, clusters=clusters))
        if self.claim_sentences is not None:
            parts.append(self.claim_sentences.statistic(unit, self.sentences))
        if any(p is None for p in parts) or not parts:
            return None
        # Units are drawn with documents sorted by id, so intervals do not depend on the documents' order.
        sizes = None if unit == "documents" or self.sentences is None else np.diff(self.sentences.offsets)
        rank = bs.canonical_rank(list(self.gold.doc_ids), sizes)
        return bs.Combined(parts) if rank is None else bs.Reordered(bs.Combined(parts), rank)

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

    def _claim(self, claim: Any, text: str | None) -> dict[str, Any] | None:
        if claim is None:
            return None
        d = claim.to_dict()
        if text is not None:
            d["text"] = text[claim.start:claim.end]
        return d

    def claim_outcome_row(self, o: Any) -> dict[str, Any]:
        """One claim outcome as the report's object ``{doc_id, outcome, gold, pred, jaccard, claimer_correct}``."""
        text = self.gold.documents[self.gold.index[o.doc_id]].text
        return {"doc_id": o.doc_id, "outcome": o.outcome, "gold": self._claim(o.gold, text),
                "pred": self._claim(o.pred, text), "jaccard": o.jaccard, "claimer_correct": o.claimer_correct}

    # -- detail: per-document rows and per-span outcomes ------------------------------------------------
    def outcomes_table(self, view: str | None = None) -> OutcomeTable:
        """The entity outcomes of ``view`` (default: the first) as columns; ``rows()`` gives report objects."""
        vr = self._view(view)
        if vr.view.name not in self._outcome_tables:
            texts = [self.gold.documents[i].text for i in self._gold_positions(vr)]
            self._outcome_tables[vr.view.name] = outcome_table(vr.scores, texts)
        return self._outcome_tables[vr.view.name]

    def _gold_positions(self, vr: ViewResult) -> list[int]:
        index = self.gold.index
        return [index[d] for d in vr.scores.doc_ids]

    @property
    def n_outcomes(self) -> int:
        """Outcome rows over all views and claims (what an inline report would list)."""
        n = sum(int(len(v.scores.gold) + (v.scores.pred_match < 0).sum()) for v in self.views.values())
        return n + (len(self.claims.outcomes) if self.claims is not None else 0)

    def detail_inline(self) -> tuple[bool, str | None]:
        """Whether per-document rows and outcomes fit in the report (:data:`INLINE_MAX_DOCUMENTS`,
        :data:`INLINE_MAX_OUTCOMES`), and why not."""
        n_docs, n_out = len(self.gold.documents), self.n_outcomes
        if n_docs > INLINE_MAX_DOCUMENTS:
            return False, f"{n_docs} documents > {INLINE_MAX_DOCUMENTS}"
        if n_out > INLINE_MAX_OUTCOMES:
            return False, f"{n_out} outcome rows > {INLINE_MAX_OUTCOMES}"
        return True, None

    def per_document_columns(self) -> dict[str, list]:
        """Per-document figures as columns: ``doc_id``, then per view and scheme the overall counts and
        P/R/F1, linking counts, and claim detection (the rows of ``--per-document``)."""
        out: dict[str, list] = {"doc_id": [d.id for d in self.gold.documents]}
        for name, vr in self.views.items():
            columns = entity_document_columns(vr.scores, f"entities.{name}")
            positions = self._gold_positions(vr)
            if positions != list(range(len(self.gold.documents))):  # scored in another order: gold order
                inverse = np.empty(len(positions), dtype=np.int64)
                inverse[np.asarray(positions, dtype=np.int64)] = np.arange(len(positions))
                columns = {k: [v[i] for i in inverse.tolist()] for k, v in columns.items()}
            out.update(columns)
        if self.claims is not None:
            out.update(claim_document_columns(self.claims.doc_counts))
        return out

    def _entities_dict(self, vr: ViewResult, inline: Mapping[str, bool]) -> dict[str, Any]:
        name = vr.view.name
        schemes = vr.counts.to_dict()
        prf_names = ("precision", "recall", "f1")
        for scheme, block in schemes.items():
            self._with_intervals(block["overall"], f"entities.{name}.{scheme}", prf_names)
            for label, row in block["per_type"].items():
                self._with_intervals(row, f"entities.{name}.{scheme}.{label}", prf_names)
            self._with_intervals(block["macro"], f"entities.{name}.{scheme}.macro", prf_names)
        linking = vr.scores.linking
        return {
            "view": name, "labels": list(vr.view.labels), "schemes": schemes,
            "linking": self._with_intervals(
                {"predicted": vr.linking_predicted, "matched": linking.matched, "correct": linking.correct,
                 "accuracy": linking.accuracy if vr.linking_predicted else None},
                f"entities.{name}.linking", ("accuracy",)),
            "per_document": entity_document_dicts(vr.scores) if inline["per_document"] else None,
            "outcomes": list(self.outcomes_table(name).rows()) if inline["outcomes"] else None,
            "fallback_components": vr.scores.fallback_components,
            "dropped_by_view": vr.dropped,
            "outcome_counts": vr.scores.outcome_totals(),
            "type_confusion": self.type_confusion(name),
        }

    def type_confusion(self, view: str | None = None) -> dict[str, Any]:
        """Entity-type confusion of ``view``: ``matrix[gold type][predicted type]`` counts the matched pairs
        with the same boundaries, ``missed[gold type]`` the other gold spans, ``spurious[predicted type]`` the
        other predictions (text items found nowhere included); types that occur nowhere are left out."""
        vr = self._view(view)
        m = vr.scores.confusion()
        labels = vr.scores.labels
        keep = [i for i in range(len(labels)) if m[i].sum() + m[:, i].sum() > 0]
        return {"pairs": "same boundaries", "labels": [labels[i] for i in keep],
                "matrix": {labels[g]: {labels[p]: int(m[g, p]) for p in keep} for g in keep},
                "missed": {labels[g]: int(m[g, -1]) for g in keep},
                "spurious": {labels[p]: int(m[-1, p]) for p in keep}}

    def _claims_dict(self, cr: ClaimsResult, inline: Mapping[str, bool]) -> dict[str, Any]:
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
        per_doc = None
        if inline["per_document"]:
            columns = claim_document_columns(cr.doc_counts)
            names = ("gold", "predicted", "matched", *prf_names)
            values = zip(*(columns[f"claims.detection.{k}"] for k in names), strict=True)
            per_doc = {d.doc_id: dict(zip(names, v, strict=True)) for d, v in zip(cr.documents, values, strict=True)}
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
            "outcomes": [self.claim_outcome_row(o) for o in cr.outcomes] if inline["outcomes"] else None,
        }

    def _sentences_dict(self, sr: SentencesResult, inline: Mapping[str, bool]) -> dict[str, Any]:
        fig = self.figures
        counts = sr.labels.unit_counts(np.zeros(len(sr.labels), dtype=np.int64), 1)[0]

        def block(metrics: Sequence[str], prefix: str = "") -> dict[str, Any]:
            row = {m: fig.get(f"sentences.{prefix}{m}") for m in metrics}
            return self._with_intervals(row, f"sentences{'.' + prefix.rstrip('.') if prefix else ''}", metrics)

        ranking = None
        if sr.scored:
            names = ("average_precision", "roc_auc", "r_precision", *(f"p_at_{k}" for k in P_AT))
            ranking = block(names)
        claimers = None
        if sr.claimers:
            claimers = {"right": int(counts[CL_OK]), "predicted": int(counts[CL_PRED]), "found": int(counts[CL_FOUND]),
                        "gold": int(counts[CL_GOLD]),
                        **block(("precision", "recall", "f1"), "claimer.")}
        return {
            "source": sr.source, "scored": sr.scored, "sentences": len(sr.labels),
            "gold_positive": int(sr.labels.gold.sum()), "predicted_positive": int(sr.labels.pred.sum()),
            "counts": {name: int(counts[k]) for k, name in enumerate(("tp", "fp", "fn", "tn"))},
            "detection": block(("precision", "recall", "f1", "accuracy")),
            "ranking": ranking,
            "claimers": claimers,
            "located": sr.notes.get("located"),
            "per_document": sr.per_document() if inline["per_document"] else None,
            "outcomes": sr.rows(self.gold) if inline["outcomes"] else None,
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
        if without:
            notes.append(self.coverage_note)
        if self.views:
            notes.append(f"per type: {PER_TYPE_CONVENTION}")
        resampled = plural(n_docs, "selected" if selection else "gold", "documents")
        if n_docs < 2:
            notes.append("No interval over documents: one document cannot be resampled into anything but itself "
                         "(intervals are shown as —; score more documents, or see the sentence intervals).")
        else:
            notes.append(f"Intervals over documents resample the {resampled}, the independent units"
                         + (f"; with only {plural(n_docs, 'documents')} they are wide and rest on few distinct "
                            "resamples." if n_docs < 30 else "."))
        for task, state in self.scope.items():
            if task == "sentences" and state == self.scope.get("claims"):
                continue  # said once, for claims
            if state != "scored":
                notes.append(f"{task}: {state}" + {"not predicted": " (the predictions have none; not scored)",
                                                   "no gold": " (the gold has none; not scored)",
                                                   "not requested": " (turned off; not scored)",
                                                   "not compared": " (only one of the two systems predicts "
                                                                   "them; not scored)"}.get(state, ""))
        if self.sentences is not None:
            notes.append(f"Intervals over sentences resample {plural(self.sentences.n, 'sentences')}: narrower and "
                         "optimistic, since sentences of one article are not independent.")
        projected = sum(block.get("projected", 0) for block in (self.alignment or {}).values()
                        if isinstance(block, dict))
        if self.options.all_occurrences:
            notes.append("Items given by their text were projected onto every free occurrence of that text "
                         f"(all_occurrences, --all-occurrences): {plural(projected, 'more items')} than given.")
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
            "per_type_convention": PER_TYPE_CONVENTION if self.views else None,
            "bootstrap": {"resamples": self.options.bootstrap, "alpha": bs.DEFAULT_ALPHA, "method": "percentile",
                          "units": {"documents": n_docs if "documents" in self.intervals else None,
                                    "sentences": self.sentences.n if "sentences" in self.intervals else None}},
            "notes": notes,
        }

    @cached_property
    def alignment(self) -> dict[str, Any] | None:
        """Text-anchored items by alignment status per kind, and the unaligned ones (counted as spurious):
        ``{"entities": {"offsets": n, "exact": n, ...}, "claims": {...}, "unaligned": [{doc, kind, text,
        label}], "fuzzy": [{doc, kind, text, matched, score, label}]}``; None when every item came with offsets."""
        preds = self.predictions
        if not preds.alignment:
            return None
        kinds = {"entities": self.scope.get("entities") == "scored", "claims": self.scope.get("claims") == "scored"}
        out: dict[str, Any] = {k: dict(v) for k, v in preds.alignment.items() if kinds.get(k)}
        out["unaligned"] = [{"doc": self.gold.documents[u.doc].id, "kind": u.kind,
                             "text": _cut(u.text), "chars": len(u.text),
                             ("label" if u.kind == "entity" else "claimer"): u.label, "reason": u.reason}
                            for u in preds.unaligned if kinds.get("entities" if u.kind == "entity" else "claims")]
        out["fuzzy"] = [{"doc": self.gold.documents[f.doc].id, "kind": f.kind, "text": _cut(f.text),
                         "matched": _cut(f.matched), "score": round(f.score, 3),
                         ("label" if f.kind == "entity" else "claimer"): f.label}
                        for f in preds.fuzzy if kinds.get("entities" if f.kind == "entity" else "claims")]
        return out

    @cached_property
    def unresolved_claimers(self) -> list[dict[str, Any]]:
        """Predicted claimer names that resolve to no kb id, kb name or alias, special claimer or gold claimer
        (scored as wrong claimers): ``[{doc, claimer, claims}]`` in input order, ``claims`` the number of the
        document's claims giving it; empty when claims are not scored."""
        if self.scope.get("claims") != "scored":
            return []
        return [{"doc": self.gold.documents[u.doc].id, "claimer": _cut(u.name), "claims": u.claims}
                for u in self.predictions.unresolved_claimers]

    def __repr__(self) -> str:
        """A few lines: system, gold, documents, strict F1 per view, claim detection F1 (or the scope)."""
        return "\n".join(self._repr_lines())

    def _repr_lines(self) -> list[str]:
        lines = [f"<rukp Report: {self.predictions.source} ({self.predictions.kind}) against {self.gold.path}, "
                 f"{plural(len(self.gold.documents), 'documents')}>"]
        for name, vr in self.views.items():
            lines.append(f"  entities {name}: strict F1 {_f(vr.counts.f1('strict'))}")
        if self.claims is not None:
            lines.append(f"  claims: detection F1 {_f(self.figures.get('claims.detection.f1'))}")
        if self.claim_sentences is not None:
            lines.append(f"  claim sentences: F1 {_f(self.figures.get('sentences.f1'))}")
        lines += [f"  {task}: {state}" for task, state in self.scope.items() if state != "scored"
                  and not (task == "sentences" and state == self.scope.get("claims"))]  # said once, for claims
        if (coverage := self.coverage_note) is not None:
            lines += textwrap.wrap(coverage, 80, initial_indent="  ", subsequent_indent="    ")
        return lines

    @property
    def coverage_note(self) -> str | None:
        """The gold documents without predictions (scored as predicting nothing) and how to score only the
        others (``--doc``); None when every document has predictions."""
        gold, covered = self.gold, self.predictions.covered
        without = [d.id for i, d in enumerate(gold.documents) if i not in covered]
        if not without:
            return None
        shown = ", ".join(without[:5]) + (f" and {len(without) - 5} more" if len(without) > 5 else "")
        with_ids = [d.id for i, d in enumerate(gold.documents) if i in covered]
        how = (" ".join(f"--doc {i}" for i in with_ids) if 0 < len(with_ids) <= 3
               else "--doc ID for each predicted document (docs=[...] in Python)")
        return (f"{len(without)} of {plural(len(gold.documents), 'gold documents')} have no predictions and are "
                f"scored as predicting nothing: {shown}; to score only the predicted ones, use {how}")

    @property
    def selection(self) -> str | None:
        """``scored on 1 of 5 documents: 003`` when only some documents were scored (``--doc``), else None."""
        gold = self.gold
        if gold.selected_from is None:
            return None
        ids = ", ".join(gold.doc_ids[:20]) + (" …" if len(gold.doc_ids) > 20 else "")
        return f"scored on {len(gold.documents)} of {gold.selected_from} documents: {ids}"

    def to_dict(self, *, detail: bool | None = None, side_files: Mapping[str, str] | None = None
                ) -> dict[str, Any]:
        """The JSON report (``docs/report-schema.md``): metadata, scope, entities per view and scheme, claims.

        Per-document rows and span outcomes are included when ``detail`` is True, left out when False, and
        by default included only up to :data:`INLINE_MAX_DOCUMENTS` documents and
        :data:`INLINE_MAX_OUTCOMES` outcome rows; ``side_files`` (``{"per_document"|"outcomes": path}``) says
        where they were written instead. ``detail`` in the result says where each went.
        """
        side_files = dict(side_files or {})
        fits, why = self.detail_inline()
        inline = fits if detail is None else detail
        where, included = {}, {}
        for key, option in (("per_document", "--per-document"), ("outcomes", "--outcomes")):
            included[key] = inline and key not in side_files
            if key in side_files:
                where[key] = f"written to {side_files[key]}"
            elif inline:
                where[key] = "included"
            else:
                where[key] = f"omitted: {why}; use {option} FILE" if why else f"omitted; use {option} FILE"
        return {"schema": REPORT_SCHEMA, "metadata": self.metadata, "scope": dict(self.scope),
                "alignment": self.alignment, "unresolved_claimers": self.unresolved_claimers, "detail": where,
                "entities": {name: self._entities_dict(v, included) for name, v in self.views.items()},
                "claims": self._claims_dict(self.claims, included) if self.claims is not None else None,
                "sentences": (self._sentences_dict(self.claim_sentences, included)
                              if self.claim_sentences is not None else None)}

    def to_html(self, path: str | Path, *, max_docs: int = 50) -> Path:
        """Write the HTML error-analysis page (:mod:`rukp.reports.html`; the worst ``max_docs`` documents)."""
        from rukp.reports import html  # the renderer, called; it never calls back into scoring

        html.write(self, path, max_docs=max_docs)
        return Path(path)

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON: indented when the outcomes are inline and at most
        :data:`INDENT_MAX_OUTCOMES`, compact (one line) otherwise."""
        report = self.to_dict(**kwargs)
        small = report["detail"]["outcomes"] == "included" and self.n_outcomes <= INDENT_MAX_OUTCOMES
        return json.dumps(report, ensure_ascii=False, indent=2 if small else None, allow_nan=False,
                          separators=None if small else (",", ":")) + "\n"
