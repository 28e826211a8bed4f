"""``rukp.evaluate``: load the gold and the predictions, score them once, add the bootstrap intervals.

Intervals are seeded percentile bootstraps over documents (the independent units) and over sentences
(narrower, optimistic).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rukp.defaults import DEFAULT_RESAMPLES, DEFAULT_THRESHOLD
from rukp.errors import RukpError
from rukp.evaluation.claim_sentences import sentence_result
from rukp.evaluation.deadline import check_limit
from rukp.evaluation.inputs import load_input
from rukp.evaluation.options import Options, make_options
from rukp.evaluation.report import UNITS, Report
from rukp.evaluation.results import ViewResult, score_claims
from rukp.evaluation.scope import infer_scope
from rukp.evaluation.sentences import SentenceIndex, sentence_entity_counts
from rukp.io.claimers import load_kb
from rukp.io.gold import attach_tokens, load_gold
from rukp.io.model import Gold, Predictions
from rukp.io.select import check_ids, select_documents
from rukp.io.views import unaligned_spurious, view_tables
from rukp.scoring import bootstrap as bs
from rukp.scoring.entities import score_data
from rukp.views import LabelMap, get_view, load_label_map


def label_maps_of(opts: Options) -> dict[str, LabelMap | None]:
    """The label map of each view, read and checked before any extractor runs."""
    return {name: load_label_map(opts.label_map, get_view(name)) if opts.label_map else None
            for name in opts.views}


def score(gold: Gold, preds: Predictions, opts: Options, label_maps: dict[str, LabelMap | None],
          scope: dict[str, str] | None = None) -> Report:
    """Score once (the tasks of ``scope``, default inferred), then add the bootstrap intervals."""
    scope = scope if scope is not None else infer_scope(opts, gold, [preds])
    # Sentence units need every document's sentences, and at least one where there is text to hold a span.
    use_sentences = (all(d.sentences is not None and (d.sentences or d.text == "") for d in gold.documents)
                     and any(d.sentences for d in gold.documents))  # no sentence at all: no sentence unit
    sents = SentenceIndex(gold) if use_sentences else None
    views: dict[str, ViewResult] = {}
    if scope["entities"] == "scored":
        for name in opts.views:
            view = get_view(name)
            data, skipped, dropped = view_tables(gold, preds, view, label_maps[name],
                                                 skip_invalid=opts.skip_invalid)
            scores = score_data(data, min_overlap=opts.min_overlap, nervaluate_compatible=opts.nervaluate_compatible,
                                inclusive_input=opts.inclusive_ends)
            extra, bad = unaligned_spurious(gold, preds, view, label_maps[name], skip_invalid=opts.skip_invalid)
            scores.add_spurious(extra)
            skipped = [*skipped, *bad]
            s_counts = s_link = None
            if sents is not None:
                s_counts, s_link = sentence_entity_counts(scores, sents, opts, extra)
            views[view.name] = ViewResult(view, scores, s_counts, s_link, dropped, skipped)
    claims = score_claims(gold, preds, opts, use_sentences) if scope["claims"] == "scored" else None
    claim_sentences = sentence_result(gold, preds) if scope.get("sentences") == "scored" else None
    report = Report(opts, gold, preds, views, claims, sents, scope=scope, claim_sentences=claim_sentences)
    if opts.bootstrap:
        for offset, unit in enumerate(UNITS):
            stat = report.statistic(unit)
            if stat is not None:
                report.intervals[unit] = bs.bootstrap(stat, n_resamples=opts.bootstrap, seed=opts.seed + offset)
    return report


def gold_of(gold: str | Path | Gold | None, opts: Options) -> Gold:
    """The gold (default: the bundled one), with the kb that resolves claimer names: ``kb.jsonl`` beside the
    gold file (the bundled gold has one), else none (claimers then only as kb ids, AUTHOR or UNSPECIFIED)."""
    if isinstance(gold, Gold):
        return gold
    from rukp.paths import BUNDLED_DATA

    if gold is None and opts.inclusive_ends:
        raise RukpError("--inclusive-ends (inclusive_ends=True) reads the gold's ends as inclusive too, and the "
                        "bundled gold's ends are exclusive: use it with your own --gold written that way (nervaluate's "
                        "data); CoNLL predictions need no such option")
    path = Path(gold) if gold is not None else BUNDLED_DATA / "documents.jsonl"
    loaded = load_gold(path, entities=opts.entities, claims=opts.claims, inclusive_ends=opts.inclusive_ends,
                       skip_invalid=opts.skip_invalid)
    if loaded.has_claims:
        loaded.kb = load_kb(path.parent / "kb.jsonl")
        if path.resolve() == (BUNDLED_DATA / "documents.jsonl").resolve():
            attach_tokens(loaded, BUNDLED_DATA / "ner.jsonl")  # claims in tokens without loading spaCy
    return loaded


def evaluate(extractor_or_predictions: Any, *, gold: str | Path | Gold | None = None,
             view: str | Sequence[str] = "fine", label_map: str | Path | None = None, scheme: str = "strict",
             min_overlap: float = 0.0, claim_threshold: float = DEFAULT_THRESHOLD,
             nervaluate_compatible: bool = False, bootstrap: int = DEFAULT_RESAMPLES, seed: int = 0,
             skip_invalid: bool = False, entities: bool | None = None, claims: bool | None = None,
             format: str = "auto", bio: str = "auto", docs: str | Sequence[str] | None = None,
             inclusive_ends: bool = False, all_occurrences: bool = False, progress: bool | None = None,
             extractor_timeout: float | None = None) -> Report:
    """Score an extractor or predictions against the gold and return a :class:`~rukp.evaluation.report.Report`.

    What is scored is inferred: entities and claims are each scored when both the gold and the predictions
    have them (``report.scope`` says ``scored``, ``not predicted``, ``no gold`` or ``not requested``).

    Parameters
    ----------
    extractor_or_predictions : object, callable, str, path or list of dict
        An object with ``extract(text) -> {"entities": [...], "claims": [...]}`` (either key may be left out on
        every document), a plain function of the text, an extractor spec (``spacy:fr_core_news_md``,
        ``package.module:attr``, a name registered under the ``rukp.extractors`` entry points), a path to a
        predictions file (JSONL, CoNLL BIO, Label Studio JSON export), or a list of prediction dicts
        ``{"doc_id", "entities"?, "claims"?}``. Items may carry offsets (``start``, ``end``) or only their
        ``text`` (aligned to the document, see ``docs/scoring.md``).
    gold : str, Path or Gold, optional
        A JSONL in the ``documents`` format (``text``, ``sentences``, ``entities``, ``claims`` all optional);
        default the bundled gold ``benchmark/rukp/data/documents.jsonl``.
    view : str or sequence of str, default "fine"
        Entity view(s): ``fine``, ``coarse`` (or versioned names such as ``coarse.v1``).
    label_map : str or Path, optional
        ``"spacy"`` or a JSON/YAML file mapping the system's labels to the view's (null drops a label).
    scheme : {"strict", "exact", "partial", "ent_type"}, default "strict"
        Headline scheme of the renderers; every scheme is always computed.
    min_overlap : float, default 0.0
        Minimum character Jaccard of an entity match (0 to 1).
    claim_threshold : float, default 0.5
        Minimum token Jaccard of a claim match (0 to 1).
    nervaluate_compatible : bool, default False
        Entity counts exactly as nervaluate 1.2.1 computes them (greedy, inclusive ends).
    bootstrap : int, default 1000
        Resamples of the 95% percentile intervals (0: no intervals).
    seed : int, default 0
        Seed of the bootstrap, so intervals are reproducible.
    skip_invalid : bool, default False
        Leave out invalid items and list them in the report, instead of stopping at the first.
    entities : bool or None, default None
        None: score entities when the gold and the predictions have them; False: never (CLI ``--no-entities``);
        True: demand them (an error names the first line without them).
    claims : bool or None, default None
        Like ``entities``, for claims (CLI ``--no-claims``).
    format : {"auto", "jsonl", "conll", "labelstudio", "checkthat"}, default "auto"
        Format of a predictions file; ``auto`` decides by the extension (never ``checkthat``: a CheckThat! task 1
        TSV of sentence labels and scores, ``<doc_id>-<index> TAB Yes|No and/or score``).
    bio : {"auto", "iob2", "conlleval"}, default "auto"
        How CoNLL tags are chunked: strict IOB2, or conlleval's lenient rule (a stray ``I-X`` starts an
        entity); ``auto`` is strict for ``.iob2`` files and lenient otherwise.
    docs : str or sequence of str, optional
        Score only these document ids (the report and its intervals say so); an unknown id is an error.
    inclusive_ends : bool, default False
        Read entity ends in the gold and JSONL predictions as inclusive (nervaluate's convention: a one-token
        entity has ``start == end``); with ``nervaluate_compatible`` the counts then equal nervaluate's on the
        same data.
    all_occurrences : bool, default False
        Project each text-anchored item (given by its ``text``) onto every free occurrence of its text in the
        document, for systems that list each entity once; the report says so (``docs/scoring.md``).
    progress : bool or None, default None
        Progress bar while an extractor runs (None: only on a terminal).
    extractor_timeout : float or None, default None
        Most seconds an extractor may take on one document (None or 0: no limit); a document past it is an
        error naming it (left out and counted under ``skip_invalid``). Uses SIGALRM: main thread only.

    Returns
    -------
    Report
        Counts, figures (``report.figures``), intervals, ``report.scope`` and ``report.alignment``;
        ``to_dict()`` is the JSON report (``docs/report-schema.md``).
    """
    opts = make_options(view=view, label_map=label_map, scheme=scheme, min_overlap=min_overlap,
                        claim_threshold=claim_threshold, nervaluate_compatible=nervaluate_compatible,
                        bootstrap=bootstrap, seed=seed, skip_invalid=skip_invalid, entities=entities,
                        claims=claims, format=format, bio=bio, docs=docs, inclusive_ends=inclusive_ends,
                        all_occurrences=all_occurrences)
    timeout = check_limit(extractor_timeout)
    label_maps = label_maps_of(opts)
    gold_set = gold_of(gold, opts)
    check_ids(gold_set, opts.docs)
    preds = load_input(extractor_or_predictions, gold_set, opts, progress=progress, timeout=timeout)
    gold_set, preds = select_documents(gold_set, preds, opts.docs)
    return score(gold_set, preds, opts, label_maps)
