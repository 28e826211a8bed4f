"""``rukp.evaluate``: score an extractor or its predictions against the gold and return a :class:`Report`.

Scoring happens once, here; the report keeps counts (the state) and derives every metric, interval and
serialised form from them, so renderers (:mod:`rukp.reports`) never re-run scoring. Intervals are seeded
percentile bootstraps over documents (the independent units) and over sentences (narrower, optimistic).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from rukp import __version__, schema
from rukp.errors import RukpError
from rukp.io.predictions import (
    CONLL_SUFFIXES,
    Gold,
    Predictions,
    Skipped,
    load_gold,
    load_predictions,
    predictions_from_rows,
    view_tables,
)
from rukp.scoring import bootstrap as bs
from rukp.scoring.claims import (
    ATTRIBUTES,
    DEFAULT_THRESHOLD,
    ClaimOutcome,
    DocumentClaimResult,
    attribute_report,
    claim_metrics,
    cluster_stat,
    score_document,
)
from rukp.scoring.counts import SCHEMES, EntityCounts, macro_prf, prf
from rukp.scoring.entities import EntityScores, score_data
from rukp.scoring.schemes import O_SPURIOUS, OUTCOME_FIELDS, OUTCOMES
from rukp.scoring.tables import EntityData, SpanTable
from rukp.views import LabelMap, View, get_view, load_label_map

REPORT_SCHEMA = "rukp.report.v1"
UNITS: tuple[str, ...] = ("documents", "sentences")


@dataclass(frozen=True)
class Options:
    """Every option of an evaluation (recorded in the report's metadata)."""

    views: tuple[str, ...] = ("fine.v1",)
    label_map: str | None = None
    scheme: str = "strict"
    min_overlap: float = 0.0
    claim_threshold: float = DEFAULT_THRESHOLD
    nervaluate_compatible: bool = False
    bootstrap: int = bs.DEFAULT_RESAMPLES
    seed: int = 0
    skip_invalid: bool = False
    entities: bool = True
    claims: bool = True
    format: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def _number(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise RukpError(f"{name}={value!r} must be a number between {low} and {high}")
    return float(value)


def make_options(*, view: str | Sequence[str] = "fine", label_map: str | Path | None = None,
                 scheme: str = "strict", min_overlap: float = 0.0, claim_threshold: float = DEFAULT_THRESHOLD,
                 nervaluate_compatible: bool = False, bootstrap: int = bs.DEFAULT_RESAMPLES, seed: int = 0,
                 skip_invalid: bool = False, entities: bool = True, claims: bool = True,
                 format: str = "auto") -> Options:
    """Check every option once, at the boundary; a bad value names the option and what it accepts."""
    names = [view] if isinstance(view, str) else list(view)
    if not names:
        raise RukpError("view: give at least one view (fine, coarse)")
    views = tuple(dict.fromkeys(get_view(v).name for v in names))
    if scheme not in SCHEMES:
        raise RukpError(f"scheme={scheme!r} is not one of {', '.join(SCHEMES)}")
    for name, v in (("bootstrap", bootstrap), ("seed", seed)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise RukpError(f"{name}={v!r} must be a non-negative integer")
    if not entities and not claims:
        raise RukpError("nothing to score: --no-entities and --no-claims together leave nothing")
    return Options(views, str(label_map) if label_map is not None else None, scheme,
                   _number("min_overlap", min_overlap, 0.0, 1.0),
                   _number("claim_threshold", claim_threshold, 0.0, 1.0), bool(nervaluate_compatible),
                   bootstrap, seed, bool(skip_invalid), bool(entities), bool(claims), format)


# ------------------------------------------------------------------------------------------ inputs

def _looks_like_path(s: str) -> bool:
    return any(s.lower().endswith(x) for x in (".jsonl", ".json", *CONLL_SUFFIXES)) or "/" in s or "\\" in s


def _run_extractor(extractor: Any, name: str, gold: Gold, opts: Options, progress: bool | None) -> Predictions:
    """Run ``extractor.extract(text)`` on every gold document (progress bar), then validate its output."""
    from tqdm import tqdm

    missing = [d.id for d in gold.documents if d.text is None]
    if missing:
        raise RukpError(f"an extractor needs the documents' text, and the gold has none for {missing[0]} "
                        f"({len(missing)} document(s) in all)", path=gold.path, doc=missing[0])
    rows, failed, problems = [], [], []
    with tqdm(gold.documents, desc=f"extracting ({name})", unit="doc",
              disable=None if progress is None else not progress) as bar:
        for doc in bar:
            try:
                out = extractor.extract(doc.text)
                problem = None if isinstance(out, Mapping) else (
                    "wrong_type", f"extractor {name!r} returned a {type(out).__name__}, expected a dict")
            except Exception as e:  # an extractor's bug must name the document, not end in a traceback
                problem = ("extractor_error", f"extractor {name!r} failed: {type(e).__name__}: {e}")
            if problem is None:
                rows.append({"doc_id": doc.id, **out})
                continue
            error = RukpError(problem[1], doc=doc.id)
            if not opts.skip_invalid:
                raise error from None
            failed.append(doc.id)
            problems.append(Skipped(problem[0], str(error), doc.id))
    preds = predictions_from_rows(rows, gold, source=name, kind="extractor", entities=opts.entities,
                                  claims=opts.claims, skip_invalid=opts.skip_invalid, failed=failed)
    preds.skipped[:0] = problems
    return preds


def load_input(obj: Any, gold: Gold, opts: Options, *, progress: bool | None = None) -> Predictions:
    """Predictions from whatever :func:`evaluate` accepts (see there)."""
    from rukp.extractors.registry import as_extractor, resolve

    kw = {"entities": opts.entities, "claims": opts.claims, "skip_invalid": opts.skip_invalid}
    if isinstance(obj, Predictions):
        return obj
    if isinstance(obj, Path) or (isinstance(obj, str) and (Path(obj).is_file() or _looks_like_path(obj))):
        return load_predictions(obj, gold, fmt=opts.format, **kw)
    if isinstance(obj, str):
        extractor = resolve(obj)
        return _run_extractor(extractor, getattr(extractor, "name", obj), gold, opts, progress)
    if isinstance(obj, list | tuple):
        return predictions_from_rows(obj, gold, **kw)
    if hasattr(obj, "extract") or callable(obj):
        name = getattr(obj, "name", None) or getattr(obj, "__name__", None) or type(obj).__name__
        return _run_extractor(as_extractor(obj, str(name)), str(name), gold, opts, progress)
    raise RukpError(f"cannot evaluate a {type(obj).__name__}: give an extractor (object with extract(text)), a "
                    "function, a spec string, a predictions file path, or a list of prediction dicts")


# ------------------------------------------------------------------------------------------ sentences

class SentenceIndex:
    """Sentences of all gold documents, numbered globally in document order."""

    def __init__(self, gold: Gold) -> None:
        sizes = np.asarray([len(d.sentences) for d in gold.documents], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.n = int(self.offsets[-1])
        starts = [s for d in gold.documents for s, _ in d.sentences]
        self._width = max([0, *starts, *[len(d.text or "") for d in gold.documents]]) + 1
        doc = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        self._keys = doc * self._width + np.asarray(starts, dtype=np.int64)

    def locate(self, doc: np.ndarray, position: np.ndarray) -> np.ndarray:
        """Global index of the sentence holding each position (the last one starting at or before it)."""
        doc, position = np.asarray(doc, dtype=np.int64), np.asarray(position, dtype=np.int64)
        key = doc * self._width + np.minimum(position, self._width - 1)
        idx = np.searchsorted(self._keys, key, side="right") - 1
        return np.maximum(idx, self.offsets[doc])


def _outcome_counts(unit: np.ndarray, outcome: np.ndarray, label: np.ndarray, n_units: int,
                    n_labels: int) -> np.ndarray:
    """Count arrays ``(n_units, S, L + 1, F)`` from span outcomes, the way the entity scorer counts them."""
    n_out = len(OUTCOMES)
    flat = (unit * n_out + outcome) * n_labels + label
    hist = np.bincount(flat, minlength=n_units * n_out * n_labels).reshape(n_units, n_out, n_labels)
    per_label = np.einsum("uol,sof->uslf", hist, OUTCOME_FIELDS)
    return np.concatenate([per_label, per_label.sum(axis=-2, keepdims=True)], axis=-2)


def _sentence_entity_counts(scores: EntityScores, sents: SentenceIndex, opts: Options
                            ) -> tuple[np.ndarray, np.ndarray]:
    """Per-sentence entity counts and linking counts: each outcome goes to the sentence of its gold start,
    a spurious prediction to the sentence of its own start. In nervaluate-compatible mode the sentences are
    scored as documents of their own (counts there are not a function of outcomes)."""
    gold, pred = scores.gold, scores.pred
    g_unit = sents.locate(gold.doc, gold.start)
    spurious = scores.pred_outcome == O_SPURIOUS
    p_unit = sents.locate(pred.doc, pred.start)
    n_labels = len(scores.labels)
    if opts.nervaluate_compatible:
        data = EntityData(tuple(map(str, range(sents.n))), scores.labels, scores.data.entity_ids,
                          SpanTable(g_unit, gold.start, gold.end, gold.label, gold.entity, gold.seq),
                          SpanTable(p_unit, pred.start, pred.end, pred.label, pred.entity, pred.seq))
        counts = score_data(data, min_overlap=opts.min_overlap, nervaluate_compatible=True).doc_counts
    else:
        unit = np.concatenate([g_unit, p_unit[spurious]])
        outcome = np.concatenate([scores.gold_outcome, scores.pred_outcome[spurious]]).astype(np.int64)
        label = np.concatenate([gold.label, pred.label[spurious]]).astype(np.int64)
        counts = _outcome_counts(unit, outcome, label, sents.n, n_labels)
    matched = np.flatnonzero(scores.gold_match >= 0)
    linked = matched[gold.entity[matched] >= 0]
    right = linked[pred.entity[scores.gold_match[linked]] == gold.entity[linked]]
    linking = np.column_stack([np.bincount(g_unit[linked], minlength=sents.n),
                               np.bincount(g_unit[right], minlength=sents.n)])
    return counts, linking


# ------------------------------------------------------------------------------------------ statistics

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


def _linking_metrics(view: str, predicted: bool) -> Any:
    """Linking accuracy; undefined (not 0) when no prediction carries an entity_id at all."""
    def metrics(summed: np.ndarray) -> dict[str, np.ndarray]:
        m, c = summed[..., 0], summed[..., 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            accuracy = np.where((m > 0) & predicted, c / np.maximum(m, 1), np.nan)
        return {f"entities.{view}.linking.accuracy": accuracy}

    return metrics


def _claims_metrics(summed: np.ndarray) -> dict[str, np.ndarray]:
    return {f"claims.{k}": v for k, v in claim_metrics(summed).items()}


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
        if unit == "documents":
            counts, linking = self.scores.doc_counts, self.scores.doc_linking
        elif self.sentence_counts is None:
            return None
        else:
            counts, linking = self.sentence_counts, self.sentence_linking
        return bs.Combined([bs.Additive(counts, _entity_metrics(name, labels)),
                            bs.Additive(linking, _linking_metrics(name, self.linking_predicted))])


@dataclass
class ClaimsResult:
    """Claim scores: per-document results (count vectors, outcomes) and corpus-level attribute reports."""

    documents: list[DocumentClaimResult]
    threshold: float
    unit: str
    predicted_attributes: dict[str, bool]

    @cached_property
    def counts(self) -> np.ndarray:
        return np.sum([d.counts for d in self.documents], axis=0)

    @cached_property
    def outcomes(self) -> list[ClaimOutcome]:
        return [o for d in self.documents for o in d.outcomes]

    def statistic(self, unit: str, *, clusters: bool = True) -> bs.Statistic | None:
        """Claim figures over ``unit``; ``clusters=False`` leaves the cluster scores out."""
        if unit == "documents":
            counts = np.stack([d.counts for d in self.documents])
        elif any(d.sentence_counts is None for d in self.documents):
            return None
        else:
            counts = np.concatenate([d.sentence_counts for d in self.documents])
        parts: list[Any] = [bs.Additive(counts, _claims_metrics)]
        stat = cluster_stat(self.documents, by_sentence=unit == "sentences") if clusters else None
        if stat is not None:
            parts.append(_Prefixed(stat, "claims."))
        return bs.Combined(parts)


def _score_claims(gold: Gold, preds: Predictions, opts: Options, use_sentences: bool) -> ClaimsResult:
    docs = [score_document(d.id, d.claims, preds.claims.get(i, []), text=d.text,
                           sentences=d.sentences if use_sentences else None, threshold=opts.claim_threshold)
            for i, d in enumerate(gold.documents)]
    all_pred = [c for cs in preds.claims.values() for c in cs]
    predicted = {name: any(getattr(c, name) is not None for c in all_pred) for name in ATTRIBUTES}
    predicted["claimer"] = any(c.has_claimer for c in all_pred)
    predicted["cluster"] = any(c.cluster is not None for c in all_pred)
    return ClaimsResult(docs, opts.claim_threshold, "token" if gold.has_text else "character", predicted)


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
        skipped = [*preds.skipped, *(s for v in self.views.values() for s in v.skipped)]
        by_reason: dict[str, int] = {}
        for s in skipped:
            by_reason[s.reason] = by_reason.get(s.reason, 0) + 1
        n_docs = len(gold.documents)
        notes = [f"Intervals over documents resample the {n_docs} gold documents, the independent units"
                 + (f"; with only {n_docs} documents they are wide and rest on few distinct resamples."
                    if n_docs < 30 else ".")]
        if self.sentences is not None:
            notes.append(f"Intervals over sentences resample {self.sentences.n} sentences: narrower and "
                         "optimistic, since sentences of one article are not independent.")
        if self.claims is not None:
            notes.append("Claim clusters are scored on matched claims only; unmatched gold and predicted claims "
                         "are left out (detection already charges them).")
        return {
            "rukp_version": __version__, "scheme_version": schema.SCHEME_VERSION,
            "gold": {"path": gold.path, "sha256": gold.sha256, "documents": n_docs,
                     "sentences": self.sentences.n if self.sentences is not None else None,
                     "has_text": gold.has_text},
            "predictions": {"source": preds.source, "kind": preds.kind,
                            "documents_with_predictions": len(preds.covered),
                            "documents_without_predictions": len(without),
                            "documents_without_predictions_ids": without,
                            "failed_documents": list(preds.failed)},
            "skipped": {"total": len(skipped), "by_reason": dict(sorted(by_reason.items())),
                        "items": [s.to_dict() for s in skipped]},
            "options": self.options.to_dict(), "seed": self.options.seed,
            "bootstrap": {"resamples": self.options.bootstrap, "alpha": bs.DEFAULT_ALPHA, "method": "percentile",
                          "units": {"documents": n_docs if "documents" in self.intervals else None,
                                    "sentences": self.sentences.n if "sentences" in self.intervals else None}},
            "notes": notes,
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (``docs/report-schema.md``): metadata, entities per view and scheme, claims."""
        return {"schema": REPORT_SCHEMA, "metadata": self.metadata,
                "entities": {name: self._entities_dict(v) for name, v in self.views.items()},
                "claims": self._claims_dict(self.claims) if self.claims is not None else None}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# ------------------------------------------------------------------------------------------ entry points

def _label_maps(opts: Options) -> dict[str, LabelMap | None]:
    """The label map of each view, read and checked before any extractor runs."""
    return {name: load_label_map(opts.label_map, get_view(name)) if opts.label_map else None
            for name in opts.views}


def _score(gold: Gold, preds: Predictions, opts: Options, label_maps: dict[str, LabelMap | None]) -> Report:
    # Sentence units need every document's sentences, and at least one where there is text to hold a span.
    use_sentences = all(d.sentences is not None and (d.sentences or d.text == "") for d in gold.documents)
    sents = SentenceIndex(gold) if use_sentences else None
    views: dict[str, ViewResult] = {}
    if opts.entities:
        for name in opts.views:
            view = get_view(name)
            data, skipped, dropped = view_tables(gold, preds, view, label_maps[name],
                                                 skip_invalid=opts.skip_invalid)
            scores = score_data(data, min_overlap=opts.min_overlap, nervaluate_compatible=opts.nervaluate_compatible)
            s_counts = s_link = None
            if sents is not None:
                s_counts, s_link = _sentence_entity_counts(scores, sents, opts)
            views[view.name] = ViewResult(view, scores, s_counts, s_link, dropped, skipped)
    claims = _score_claims(gold, preds, opts, use_sentences) if opts.claims else None
    report = Report(opts, gold, preds, views, claims, sents)
    if opts.bootstrap:
        for offset, unit in enumerate(UNITS):
            stat = report.statistic(unit)
            if stat is not None:
                report.intervals[unit] = bs.bootstrap(stat, n_resamples=opts.bootstrap, seed=opts.seed + offset)
    return report


def _gold(gold: str | Path | Gold | None, opts: Options) -> Gold:
    if isinstance(gold, Gold):
        return gold
    from rukp.paths import BUNDLED_DATA

    return load_gold(gold if gold is not None else BUNDLED_DATA / "documents.jsonl",
                     entities=opts.entities, claims=opts.claims)


def evaluate(extractor_or_predictions: Any, *, gold: str | Path | Gold | None = None,
             view: str | Sequence[str] = "fine", label_map: str | Path | None = None, scheme: str = "strict",
             min_overlap: float = 0.0, claim_threshold: float = DEFAULT_THRESHOLD,
             nervaluate_compatible: bool = False, bootstrap: int = bs.DEFAULT_RESAMPLES, seed: int = 0,
             skip_invalid: bool = False, entities: bool = True, claims: bool = True, format: str = "auto",
             progress: bool | None = None) -> Report:
    """Score an extractor or predictions against the gold and return a :class:`Report`.

    Parameters
    ----------
    extractor_or_predictions
        An object with ``extract(text) -> {"entities": [...], "claims": [...]}``, a plain function of the text,
        an extractor spec (``spacy:fr_core_news_md``, ``package.module:attr``, a name registered under the
        ``rukp.extractors`` entry points), a path to a predictions file (JSONL, CoNLL BIO, Label Studio JSON
        export), or a list of prediction dicts ``{"doc_id", "entities", "claims"}``.
    gold : path, default the bundled ``benchmark/rukp/data/documents.jsonl``
        Any JSONL in the ``documents`` format.
    view : ``fine``, ``coarse`` (or versioned names), or several
    label_map : ``spacy`` or a JSON/YAML file mapping the system's labels to the view's (null drops).
    scheme : headline scheme of the renderers; every scheme is always computed.
    min_overlap, claim_threshold : character Jaccard for entity matches, token Jaccard for claim matches.
    bootstrap : resamples for the 95% intervals (0: none); ``seed`` makes them reproducible.
    skip_invalid : leave out invalid items and report them, instead of stopping at the first.
    entities, claims : what to score.
    progress : progress bar while an extractor runs (None: only on a terminal).
    """
    opts = make_options(view=view, label_map=label_map, scheme=scheme, min_overlap=min_overlap,
                        claim_threshold=claim_threshold, nervaluate_compatible=nervaluate_compatible,
                        bootstrap=bootstrap, seed=seed, skip_invalid=skip_invalid, entities=entities,
                        claims=claims, format=format)
    label_maps = _label_maps(opts)
    gold_set = _gold(gold, opts)
    preds = load_input(extractor_or_predictions, gold_set, opts, progress=progress)
    return _score(gold_set, preds, opts, label_maps)


@dataclass
class Comparison:
    """Two systems on the same gold: both reports and, per unit, a :class:`PairedTest` for every figure."""

    a: Report
    b: Report
    tests: dict[str, dict[str, bs.PairedTest]]
    shuffles: int

    def to_dict(self) -> dict[str, Any]:
        tests = {unit: {name: asdict(t) for name, t in sorted(per.items())} for unit, per in self.tests.items()}
        return {"schema": REPORT_SCHEMA, "comparison": {"a": self.a.predictions.source,
                                                        "b": self.b.predictions.source,
                                                        "shuffles": self.shuffles,
                                                        "resamples": self.a.options.bootstrap, "tests": tests},
                "a": self.a.to_dict(), "b": self.b.to_dict()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def compare(a: Any, b: Any, *, shuffles: int = bs.DEFAULT_SHUFFLES, gold: str | Path | Gold | None = None,
            progress: bool | None = None, **options: Any) -> Comparison:
    """Evaluate ``a`` and ``b`` (anything :func:`evaluate` takes) on the same gold and test their differences
    with the paired bootstrap and approximate randomisation (``shuffles`` ≥ 10,000 recommended)."""
    opts = make_options(**options)
    if isinstance(shuffles, bool) or not isinstance(shuffles, int) or shuffles < 1:
        raise RukpError(f"shuffles={shuffles!r} must be a positive integer")
    label_maps = _label_maps(opts)
    gold_set = _gold(gold, opts)
    ra = _score(gold_set, load_input(a, gold_set, opts, progress=progress), opts, label_maps)
    rb = _score(gold_set, load_input(b, gold_set, opts, progress=progress), opts, label_maps)
    tests = {}
    both_cluster = all(r.claims is not None and r.claims.predicted_attributes["cluster"] for r in (ra, rb))
    for offset, unit in enumerate(UNITS):
        sa, sb = ra.statistic(unit, clusters=both_cluster), rb.statistic(unit, clusters=both_cluster)
        if sa is not None and sb is not None:
            tests[unit] = bs.paired_test(sa, sb, n_resamples=opts.bootstrap or bs.DEFAULT_RESAMPLES,
                                         n_shuffles=shuffles, seed=opts.seed + offset)
    return Comparison(ra, rb, tests, shuffles)
