"""Properties of the default entity scoring: optimal, order-independent, consistent across schemes.

What is asserted, exactly:
- perfect predictions give precision = recall = F1 = 1.0 in every scheme, overall and for each label present;
- empty predictions give recall 0, F1 0 and an undefined (None) precision;
- shuffling spans within documents and the order of documents changes nothing (counts, outcomes, linking);
- possible and actual are the same in all four schemes; correct counts satisfy strict <= exact and
  strict <= ent_type; F1 satisfies strict <= exact <= partial and strict <= ent_type;
- per type, the field's convention: a type's row counts the pairs of that type as its scheme says, and a
  wrong-type pair as missed for the gold type and spurious for the predicted type (so possible and actual
  add up to the overall row); the type confusion matrix's rows and columns add up to those rows;
- every gold and every predicted span has exactly one outcome, and the counts are those of the outcomes;
- the assignment reaches the best lexicographic objective found by brute force over all matchings;
- the greedy fallback for oversized components still yields a one-to-one matching and is reported.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rukp.errors import RukpError
from rukp.scoring import FIELDS, SCHEMES, EntityCounts, Span, build_entity_data, prf, score_data, score_documents
from rukp.scoring.counts import macro_prf
from rukp.scoring.entities import JACCARD_STEPS, EntityScores

LABELS = ("PER", "ORG", "LOC")

SPAN = st.builds(lambda s, n, label, eid: Span(s, s + n, label, eid), st.integers(0, 25), st.integers(1, 8),
                 st.sampled_from(LABELS), st.sampled_from([None, "Q1", "Q2"]))
DOCS = st.lists(st.tuples(st.lists(SPAN, max_size=7), st.lists(SPAN, max_size=7)), min_size=1, max_size=4)


def _score(docs: list, **kw: object) -> list:
    return score_documents([(f"d{i}", g, p) for i, (g, p) in enumerate(docs)], labels=LABELS, **kw)


def _total(results: list) -> EntityCounts:
    return sum((r.counts for r in results), EntityCounts.zeros(LABELS))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(SPAN, max_size=7), min_size=1, max_size=4))
def test_perfect_predictions_score_one(golds: list) -> None:
    total = _total(_score([(g, list(g)) for g in golds]))
    present = {s.label for g in golds for s in g}
    for scheme in SCHEMES:
        for label in [None, *present]:
            if label is None and not present:
                assert total.f1(scheme) is None
                continue
            assert (total.precision(scheme, label), total.recall(scheme, label), total.f1(scheme, label)) == (
                1.0, 1.0, 1.0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(SPAN, min_size=1, max_size=7), min_size=1, max_size=4))
def test_empty_predictions_give_zero_recall(golds: list) -> None:
    total = _total(_score([(g, []) for g in golds]))
    for scheme in SCHEMES:
        assert total.recall(scheme) == 0.0
        assert total.f1(scheme) == 0.0
        assert total.precision(scheme) is None
        assert total.field(scheme, "missed") == sum(map(len, golds))


@settings(max_examples=200, deadline=None)
@given(DOCS, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_span_or_document_order(docs: list, rnd: random.Random) -> None:
    pairs = [(f"d{i}", g, p) for i, (g, p) in enumerate(docs)]
    shuffled = [(d, rnd.sample(g, len(g)), rnd.sample(p, len(p))) for d, g, p in rnd.sample(pairs, len(pairs))]
    a = {r.doc_id: r for r in score_documents(pairs, labels=LABELS)}
    b = {r.doc_id: r for r in score_documents(shuffled, labels=LABELS)}
    for doc_id, ra in a.items():
        rb = b[doc_id]
        assert np.array_equal(ra.counts.array, rb.counts.array)
        assert ra.outcomes == rb.outcomes
        assert ra.linking == rb.linking


@settings(max_examples=300, deadline=None)
@given(DOCS)
def test_schemes_are_ordered_and_share_possible_and_actual(docs: list) -> None:
    total = _total(_score(docs))
    assert len({total.possible(s) for s in SCHEMES}) == 1
    assert len({total.actual(s) for s in SCHEMES}) == 1
    correct = {s: total.field(s, "correct") for s in SCHEMES}
    assert correct["strict"] <= correct["exact"] and correct["strict"] <= correct["ent_type"]
    f1 = {s: total.f1(s) or 0.0 for s in SCHEMES}
    eps = 1e-12
    assert f1["strict"] <= f1["exact"] + eps <= f1["partial"] + 2 * eps
    assert f1["strict"] <= f1["ent_type"] + eps


@settings(max_examples=200, deadline=None)
@given(DOCS)
def test_per_type_rows_follow_the_fields_convention_and_documents_add_up(docs: list) -> None:
    data = build_entity_data([(f"d{i}", g, p) for i, (g, p) in enumerate(docs)], labels=LABELS)
    scores = score_data(data)
    counts = scores.counts
    for scheme in SCHEMES:
        assert sum(counts.possible(scheme, label) for label in LABELS) == counts.possible(scheme)
        assert sum(counts.actual(scheme, label) for label in LABELS) == counts.actual(scheme)
    # each type's row, recounted from the span outcomes: a pair of one type counts as overall, any other
    # gold span of the type is missed, any other prediction of the type spurious
    expected = np.zeros_like(counts.array[:, :-1, :])
    outcomes = [o for r in scores.documents() for o in r.outcomes]
    for o in outcomes:
        one = EntityCounts(score_documents([("x", [o.gold] if o.gold else [], [o.pred] if o.pred else [])],
                                           labels=LABELS)[0].counts.array, LABELS)
        if o.gold is not None and o.pred is not None and o.gold.label != o.pred.label:
            for s in range(len(SCHEMES)):
                expected[s, LABELS.index(o.gold.label), FIELDS.index("missed")] += 1
                expected[s, LABELS.index(o.pred.label), FIELDS.index("spurious")] += 1
        else:
            expected += one.array[:, :-1, :]
    assert np.array_equal(counts.array[:, :-1, :], expected)
    confusion = scores.confusion()
    assert confusion[:-1].sum(axis=1).tolist() == [counts.possible("strict", label) for label in LABELS]
    assert confusion[:, :-1].sum(axis=0).tolist() == [counts.actual("strict", label) for label in LABELS]
    assert np.trace(confusion[:-1, :-1]) == counts.field("strict", "correct")
    assert confusion[:-1, :-1].sum() == counts.field("exact", "correct")
    assert np.array_equal(scores.doc_counts.sum(axis=0), scores.counts.array)
    assert sum(r.counts for r in scores.documents()).array.tolist() == scores.counts.array.tolist()


@settings(max_examples=200, deadline=None)
@given(DOCS)
def test_each_span_has_one_outcome_and_counts_follow_outcomes(docs: list) -> None:
    for (gold, pred), result in zip(docs, _score(docs), strict=True):
        golds = [o.gold for o in result.outcomes if o.gold is not None]
        preds = [o.pred for o in result.outcomes if o.pred is not None]
        assert sorted(golds, key=repr) == sorted(gold, key=repr)
        assert sorted(preds, key=repr) == sorted(pred, key=repr)
        kinds = [o.outcome for o in result.outcomes]
        c = result.counts
        assert kinds.count("missed") == c.field("strict", "missed")
        assert kinds.count("spurious") == c.field("strict", "spurious")
        assert kinds.count("correct") == c.field("strict", "correct")
        assert kinds.count("correct") + kinds.count("incorrect") == c.field("exact", "correct")
        assert kinds.count("partial") + kinds.count("partial_incorrect") == c.field("partial", "partial")
        assert kinds.count("correct") + kinds.count("partial") == c.field("ent_type", "correct")
        for o in result.outcomes:
            if o.gold is not None and o.pred is not None:
                assert o.gold.overlaps(o.pred)
                assert (o.outcome in ("correct", "incorrect")) == ((o.gold.start, o.gold.end) ==
                                                                   (o.pred.start, o.pred.end))
                assert (o.outcome in ("correct", "partial")) == (o.gold.label == o.pred.label)
        linked = [o for o in result.outcomes if o.gold and o.pred and o.gold.entity_id is not None]
        assert result.linking.matched == len(linked)
        assert result.linking.correct == sum(o.pred.entity_id == o.gold.entity_id for o in linked)


def _objective(pairs: list[tuple[Span, Span]]) -> tuple[int, ...]:
    def jaccard(g: Span, p: Span) -> int:
        inter = min(g.end, p.end) - max(g.start, p.start)
        return inter * JACCARD_STEPS // ((g.end - g.start) + (p.end - p.start) - inter)

    bounds = [(g.start, g.end) == (p.start, p.end) for g, p in pairs]
    label = [g.label == p.label for g, p in pairs]
    return (sum(b and la for b, la in zip(bounds, label, strict=True)), sum(bounds), len(pairs), sum(label),
            sum(jaccard(g, p) for g, p in pairs))


def _best_objective(gold: list[Span], pred: list[Span]) -> tuple[int, ...]:
    best = _objective([])
    for k in range(1, min(len(gold), len(pred)) + 1):
        for gs in itertools.combinations(gold, k):
            for ps in itertools.permutations(pred, k):
                pairs = list(zip(gs, ps, strict=True))
                if all(g.overlaps(p) for g, p in pairs):
                    best = max(best, _objective(pairs))
    return best


@settings(max_examples=300, deadline=None)
@given(st.lists(SPAN, max_size=5), st.lists(SPAN, max_size=5))
def test_assignment_is_optimal_against_brute_force(gold: list, pred: list) -> None:
    result = _score([(gold, pred)])[0]
    pairs = [(o.gold, o.pred) for o in result.outcomes if o.gold is not None and o.pred is not None]
    assert _objective(pairs) == _best_objective(gold, pred)


def test_optimal_where_nervaluate_greedy_is_not() -> None:
    # p1 overlaps g1 and g2; p2 equals g1. Greedy in input order gives p1 to g1 and leaves p2 only the
    # overlap with g2 (strict correct 0); the optimal assignment pairs p2-g1 (correct) and p1-g2 (partial).
    gold = [Span(0, 5, "PER"), Span(4, 10, "PER")]
    pred = [Span(0, 6, "PER"), Span(0, 5, "PER")]
    ours = _score([(gold, pred)])[0].counts
    compat = _score([(gold, pred)], nervaluate_compatible=True)[0].counts
    assert ours.field("strict", "correct") == 1 and ours.field("partial", "partial") == 1
    assert compat.field("strict", "correct") == 0 and compat.field("strict", "incorrect") == 2
    assert _score([(gold, pred[::-1])], nervaluate_compatible=True)[0].counts.field("strict", "correct") == 1


@settings(max_examples=100, deadline=None)
@given(DOCS)
def test_fallback_is_reported_and_still_one_to_one(docs: list) -> None:
    data = build_entity_data([(f"d{i}", g, p) for i, (g, p) in enumerate(docs)], labels=LABELS)
    exact, fallback = score_data(data), score_data(data, exact_limit=1)
    assert exact.fallback_components == 0
    matched = fallback.gold_match[fallback.gold_match >= 0]
    assert len(set(matched.tolist())) == len(matched)
    assert np.array_equal(fallback.pred_match[matched], np.flatnonzero(fallback.gold_match >= 0))
    assert fallback.fallback_components == int(fallback.doc_fallback.sum())
    assert sum(r.fallback_components for r in fallback.documents()) == fallback.fallback_components
    # Only components with two or more spans on each side (not stars) can fall back; with exact_limit=1
    # every one of them does, and every other span keeps exactly the partner the exact run gives it.
    count, in_fallback = _non_star_components(exact)
    assert fallback.fallback_components == count
    kept = np.setdiff1d(np.arange(len(exact.gold_match)), in_fallback)
    assert np.array_equal(fallback.gold_match[kept], exact.gold_match[kept])
    for a, b in zip(exact.documents(), fallback.documents(), strict=True):
        if b.fallback_components == 0:  # a document without a fallback component is scored identically
            assert np.array_equal(a.counts.array, b.counts.array)
            assert a.outcomes == b.outcomes


def _non_star_components(scores: EntityScores) -> tuple[int, np.ndarray]:
    """Components of the overlap graph with >= 2 gold and >= 2 predicted spans, and the gold rows in them."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    gold, pred = scores.gold, scores.pred
    gi, pi = np.nonzero((gold.doc[:, None] == pred.doc[None, :]) & (gold.start[:, None] < pred.end[None, :])
                        & (pred.start[None, :] < gold.end[:, None]))
    n_g = len(gold.doc)
    n = n_g + len(pred.doc)
    graph = coo_matrix((np.ones(len(gi)), (gi, n_g + pi)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    n_comp = int(comp.max(initial=-1)) + 1
    golds_in = np.bincount(comp[:n_g], minlength=n_comp)
    preds_in = np.bincount(comp[n_g:], minlength=n_comp)
    big = np.flatnonzero((golds_in >= 2) & (preds_in >= 2))
    return len(big), np.flatnonzero(np.isin(comp[:n_g], big))


def test_fallback_component_is_counted() -> None:
    gold = [Span(0, 4, "PER"), Span(4, 8, "PER")]
    pred = [Span(2, 6, "PER"), Span(3, 7, "PER")]  # both overlap both: a 2 x 2 component, not a star
    data = build_entity_data([("d", gold, pred)], labels=LABELS)
    assert score_data(data, exact_limit=1).fallback_components == 1
    assert score_data(data).fallback_components == 0


@settings(max_examples=150, deadline=None)
@given(DOCS, st.sampled_from([0.3, 0.5, 1.0]))
def test_min_overlap_is_a_character_jaccard_floor(docs: list, min_overlap: float) -> None:
    for result in _score(docs, min_overlap=min_overlap):
        for o in result.outcomes:
            if o.gold is not None and o.pred is not None:
                inter = min(o.gold.end, o.pred.end) - max(o.gold.start, o.pred.start)
                union = (o.gold.end - o.gold.start) + (o.pred.end - o.pred.start) - inter
                assert inter / union >= min_overlap
                if min_overlap == 1.0:
                    assert o.outcome in ("correct", "incorrect")


def test_metrics_are_derived_from_counts_and_vectorised() -> None:
    rng = np.random.default_rng(0)
    arrays = rng.integers(0, 5, size=(6, len(SCHEMES), len(LABELS) + 1, len(FIELDS)))
    arrays[0] = 0
    for s, scheme in enumerate(SCHEMES):
        p, r, f = prf(arrays, s)
        mp, mr, mf = macro_prf(arrays, s)
        for i in range(len(arrays)):
            counts = EntityCounts(arrays[i], LABELS)
            for row, label in enumerate([*LABELS, None]):
                for vec, value in ((p, counts.precision(scheme, label)), (r, counts.recall(scheme, label)),
                                   (f, counts.f1(scheme, label))):
                    assert (value is None and np.isnan(vec[i, row])) or vec[i, row] == pytest.approx(value)
            macro = counts.macro(scheme)
            assert (macro["f1"] is None and np.isnan(mf[i])) or mf[i] == pytest.approx(macro["f1"])
    c = EntityCounts(arrays[1], LABELS)
    d = c.to_dict()["partial"]["overall"]
    hit = d["correct"] + 0.5 * d["partial"]
    assert d["precision"] == pytest.approx(hit / d["actual"]) and d["recall"] == pytest.approx(hit / d["possible"])
    assert c.to_dict()["strict"]["macro"]["f1"] == pytest.approx(np.mean([
        c.f1("strict", label) or 0.0 for label in LABELS if c.possible("strict", label) + c.actual("strict", label)]))


def test_counts_over_other_labels_do_not_add() -> None:
    with pytest.raises(ValueError, match="different labels"):
        EntityCounts.zeros(LABELS) + EntityCounts.zeros(("PER",))


def test_unknown_label_is_an_error_naming_the_document() -> None:
    with pytest.raises(RukpError, match="doc d0: entity 0: label 'PERS' is not one of PER, ORG, LOC"):
        _score([([Span(0, 3, "PERS")], [])])


@settings(max_examples=100, deadline=None)
@given(DOCS)
def test_blocks_of_documents_do_not_change_the_result(docs: list) -> None:
    from rukp.scoring import entities

    data = build_entity_data([(f"d{i}", g, p) for i, (g, p) in enumerate(docs)], labels=LABELS)
    whole = score_data(data)
    saved, entities.BLOCK_SPANS = entities.BLOCK_SPANS, 3
    try:
        blocked = score_data(data)
    finally:
        entities.BLOCK_SPANS = saved
    assert np.array_equal(whole.gold_match, blocked.gold_match)
    assert np.array_equal(whole.pred_match, blocked.pred_match)
    assert np.array_equal(whole.doc_counts, blocked.doc_counts)
