"""``rukp.evaluate``: load the gold and the predictions, score them once, add the bootstrap intervals.

Intervals are seeded percentile bootstraps over documents (the independent units) and over sentences
(narrower, optimistic).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rukp.defaults import DEFAULT_RESAMPLES, DEFAULT_THRESHOLD
from rukp.evaluation.inputs import load_input
from rukp.evaluation.options import Options, make_options
from rukp.evaluation.report import UNITS, Report
from rukp.evaluation.results import ViewResult, score_claims
from rukp.evaluation.sentences import SentenceIndex, sentence_entity_counts
from rukp.io.gold import load_gold
from rukp.io.model import Gold, Predictions
from rukp.io.views import view_tables
from rukp.scoring import bootstrap as bs
from rukp.scoring.entities import score_data
from rukp.views import LabelMap, get_view, load_label_map


def label_maps_of(opts: Options) -> dict[str, LabelMap | None]:
    """The label map of each view, read and checked before any extractor runs."""
    return {name: load_label_map(opts.label_map, get_view(name)) if opts.label_map else None
            for name in opts.views}


def score(gold: Gold, preds: Predictions, opts: Options, label_maps: dict[str, LabelMap | None]) -> Report:
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
                s_counts, s_link = sentence_entity_counts(scores, sents, opts)
            views[view.name] = ViewResult(view, scores, s_counts, s_link, dropped, skipped)
    claims = score_claims(gold, preds, opts, use_sentences) if opts.claims else None
    report = Report(opts, gold, preds, views, claims, sents)
    if opts.bootstrap:
        for offset, unit in enumerate(UNITS):
            stat = report.statistic(unit)
            if stat is not None:
                report.intervals[unit] = bs.bootstrap(stat, n_resamples=opts.bootstrap, seed=opts.seed + offset)
    return report


def gold_of(gold: str | Path | Gold | None, opts: Options) -> Gold:
    if isinstance(gold, Gold):
        return gold
    from rukp.paths import BUNDLED_DATA

    return load_gold(gold if gold is not None else BUNDLED_DATA / "documents.jsonl",
                     entities=opts.entities, claims=opts.claims)


def evaluate(extractor_or_predictions: Any, *, gold: str | Path | Gold | None = None,
             view: str | Sequence[str] = "fine", label_map: str | Path | None = None, scheme: str = "strict",
             min_overlap: float = 0.0, claim_threshold: float = DEFAULT_THRESHOLD,
             nervaluate_compatible: bool = False, bootstrap: int = DEFAULT_RESAMPLES, seed: int = 0,
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
    label_maps = label_maps_of(opts)
    gold_set = gold_of(gold, opts)
    preds = load_input(extractor_or_predictions, gold_set, opts, progress=progress)
    return score(gold_set, preds, opts, label_maps)
