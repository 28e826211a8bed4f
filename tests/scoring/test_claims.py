"""Claim scoring: optimal matching, threshold, attribution, attributes and cluster scores on hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, f1_score

from rukp.scoring.claims import (
    ATTRIBUTES,
    NONE_LABEL,
    VECTOR_SIZE,
    Claim,
    ClusterStat,
    attribute_metrics,
    attribute_report,
    claim_metrics,
    claimer_correct,
    components,
    confusion,
    jaccard,
    match,
    score_document,
    to_positions,
)


def _greedy(gold: np.ndarray, pred: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """The greedy rule the optimal assignment must beat: best Jaccard first, each claim used once."""
    jac = jaccard(gold, pred)
    pairs, used_g, used_p = [], set(), set()
    for g, p in sorted(np.ndindex(*jac.shape), key=lambda gp: -jac[gp]):
        if jac[g, p] >= threshold and jac[g, p] > 0 and g not in used_g and p not in used_p:
            pairs.append((g, p))
            used_g.add(g)
            used_p.add(p)
    return pairs


def test_optimal_assignment_beats_greedy_on_a_crafted_case() -> None:
    # P0 overlaps G1 best (9/11) but is G0's only partner (6/14 ≈ 0.43); P1 fits only G1 (7/10).
    gold = np.array([[0, 10], [5, 15]])
    pred = np.array([[4, 14], [8, 15]])
    assert _greedy(gold, pred, 0.4) == [(1, 0)]  # greedy takes the best pair and strands the others
    pairs = match(gold, pred, threshold=0.4)
    assert [(g, p) for g, p, _ in pairs] == [(0, 0), (1, 1)]
    assert pairs[0][2] == pytest.approx(6 / 14) and pairs[1][2] == pytest.approx(7 / 10)


def test_threshold_is_inclusive_and_zero_still_needs_overlap() -> None:
    gold = np.array([[0, 10]])
    half = np.array([[0, 5]])           # Jaccard exactly 0.5
    assert len(match(gold, half, threshold=0.5)) == 1
    assert match(gold, half, threshold=0.51) == []
    touching = np.array([[10, 20]])     # ends are exclusive: [0,10) and [10,20) share nothing
    assert match(gold, touching, threshold=0.0) == []
    with pytest.raises(ValueError, match="threshold"):
        match(gold, half, threshold=1.5)


def test_components_come_from_a_sweep_over_starts() -> None:
    gold = np.array([[0, 5], [20, 30], [50, 60]])
    pred = np.array([[3, 8], [7, 9], [25, 26], [40, 45]])
    # [0,5),[3,8),[7,9) chain into one component; [20,30) with [25,26); [40,45) and [50,60) are alone.
    assert sorted(components(gold, pred)) == [([0], [0, 1]), ([1], [2])]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), min_size=1, max_size=8),
       st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), min_size=1, max_size=8),
       st.randoms(use_true_random=False))
def test_matching_ignores_input_order_and_never_loses_to_greedy(g: list, p: list, rnd) -> None:
    gold = np.array([(s, s + n) for s, n in g])
    pred = np.array([(s, s + n) for s, n in p])
    pairs = match(gold, pred, threshold=0.3)
    assert len(pairs) >= len(_greedy(gold, pred, 0.3))
    assert len({gi for gi, _, _ in pairs}) == len(pairs) == len({pi for _, pi, _ in pairs})
    perm_g, perm_p = list(range(len(gold))), list(range(len(pred)))
    rnd.shuffle(perm_g)
    rnd.shuffle(perm_p)
    shuffled = match(gold[perm_g], pred[perm_p], threshold=0.3)
    assert len(shuffled) == len(pairs)
    assert sum(j for *_, j in shuffled) == pytest.approx(sum(j for *_, j in pairs))


def test_token_positions_cover_every_token_a_span_touches() -> None:
    text = "Kiev dément fermement."
    # "dément" is token 1; a span cutting into "fermement" still takes that whole token.
    assert to_positions(np.array([[5, 11], [5, 14], [0, 1]]), text).tolist() == [[1, 2], [1, 3], [0, 1]]
    assert to_positions(np.array([[5, 11]]), None).tolist() == [[5, 11]]


def test_attribution_by_id_co_claimer_and_mention_span() -> None:
    gold = Claim(0, 10, claimer="Q1", co_claimers=("Q2",), claimer_start=20, claimer_end=25)
    assert claimer_correct(gold, Claim(0, 10, claimer="Q1"))
    assert claimer_correct(gold, Claim(0, 10, claimer="Q2"))
    assert not claimer_correct(gold, Claim(0, 10, claimer="Q3"))
    assert claimer_correct(gold, Claim(0, 10, claimer_start=24, claimer_end=30))
    assert not claimer_correct(gold, Claim(0, 10, claimer_start=25, claimer_end=30))  # touching only
    assert not claimer_correct(Claim(0, 10, claimer="AUTHOR"), Claim(0, 10, claimer_start=0, claimer_end=3))
    assert not claimer_correct(gold, Claim(0, 10))


def test_document_counts_outcomes_and_sentences() -> None:
    gold = [Claim(0, 10, claimer="A", polarity="affirmed", certainty="certain"),
            Claim(20, 30, claimer="B", polarity="denied", certainty="probable"),
            Claim(40, 50, claimer="C")]
    pred = [Claim(0, 9, claimer="A", polarity="affirmed", certainty="possible"),  # J 0.9
            Claim(21, 30, claimer="X", polarity="affirmed"),                       # J 0.9, wrong claimer
            Claim(32, 38)]                                                          # spurious, in sentence 1
    r = score_document("d", gold, pred, sentences=[(0, 15), (15, 60)])
    m = claim_metrics(r.counts)
    assert m["detection.precision"] == pytest.approx(2 / 3) and m["detection.recall"] == pytest.approx(2 / 3)
    assert m["attribution.accuracy"] == pytest.approx(1 / 2)
    assert m["joint.f1"] == pytest.approx(2 * 1 / (3 + 3))
    assert m["polarity.accuracy"] == pytest.approx(1 / 2)
    assert [o.outcome for o in r.outcomes] == ["matched", "matched", "spurious", "missed"]
    assert [o.unit for o in r.outcomes] == [0, 1, 1, 1]
    # Token (here: character) overlap: predicted 9 + 9 + 6 characters, 18 of them inside gold claims.
    assert m["tokens.precision"] == pytest.approx(18 / 24) and m["tokens.recall"] == pytest.approx(18 / 30)
    # Per-sentence vectors add up to the document's, overlap split at the sentence boundary.
    assert (r.sentence_counts.sum(axis=0) == r.counts).all()
    assert r.sentence_counts[0, 0] == 1 and r.sentence_counts[1, 0] == 2


def test_attribute_scores_equal_scikit_learn() -> None:
    rng = np.random.default_rng(3)
    labels = ATTRIBUTES["certainty"]
    outcomes = []
    for _ in range(40):
        g = labels[rng.integers(len(labels) - 1)]  # "future" never in the gold
        p = [*labels, None][rng.integers(len(labels) + 1)]
        outcomes.append(type("O", (), {"outcome": "matched", "gold": Claim(0, 1, certainty=g),
                                       "pred": Claim(0, 1, certainty=p)})())
    rep = attribute_report(outcomes, "certainty")
    y_true = [o.gold.certainty for o in outcomes]
    y_pred = [o.pred.certainty or NONE_LABEL for o in outcomes]
    present = [lab for lab in labels if lab in set(y_true) | set(y_pred)]
    assert rep["macro_f1"] == pytest.approx(f1_score(y_true, y_pred, labels=present, average="macro",
                                                     zero_division=0))
    assert rep["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    cm = np.array(rep["confusion_matrix"]["values"])
    assert cm.sum() == 40 and cm[:, -1].sum() == sum(p == NONE_LABEL for p in y_pred)
    # The vectorised form used by the bootstrap agrees with scikit-learn.
    vec = attribute_metrics(cm)
    assert vec["macro_f1"] == pytest.approx(rep["macro_f1"]) and vec["accuracy"] == pytest.approx(rep["accuracy"])


def test_attribute_never_predicted_is_undefined_not_zero() -> None:
    o = type("O", (), {"outcome": "matched", "gold": Claim(0, 1, topic="treaty"), "pred": Claim(0, 1)})()
    assert attribute_report([o], "topic")["macro_f1"] is None
    vector = np.zeros(VECTOR_SIZE)
    cm = confusion(vector, "topic")
    cm[ATTRIBUTES["topic"].index("treaty"), -1] = 1  # one matched claim, predicted without a topic
    assert np.isnan(claim_metrics(vector)["topic.accuracy"])
    cm[0, 0] = 1  # once any matched claim carries a topic, the missing one counts as wrong
    assert claim_metrics(vector)["topic.accuracy"] == pytest.approx(0.5)


def test_b3_and_pairwise_on_a_hand_computed_case() -> None:
    # gold: a = {1, 2, 3}, b = {4, 5}; predicted: x = {1, 2}, y = {3, 4, 5}
    stat = ClusterStat(["a", "a", "a", "b", "b"], ["x", "x", "y", "y", "y"], [0] * 5, 1)
    s = {k: float(v[0]) for k, v in stat(np.ones((1, 1))).items()}
    # B³ precision: (1 + 1 + 1/3 + 2/3 + 2/3) / 5; recall: (2/3 + 2/3 + 1/3 + 1 + 1) / 5
    assert s["clusters.b3.precision"] == pytest.approx((3 + 2 / 3) / 5)
    assert s["clusters.b3.recall"] == pytest.approx((3 + 2 / 3) / 5)
    # Pairs: same gold and predicted {1,2}, {4,5}; predicted pairs 1 + 3; gold pairs 3 + 1.
    assert s["clusters.pairwise.precision"] == pytest.approx(2 / 4)
    assert s["clusters.pairwise.recall"] == pytest.approx(2 / 4)
    assert s["clusters.pairwise.f1"] == pytest.approx(0.5)


def test_cluster_weights_count_items_as_copies_and_missing_clusters_are_singletons() -> None:
    gold, pred, units = ["a", "a", "b", "b"], ["x", None, None, "x"], [0, 0, 1, 1]
    weighted = ClusterStat(gold, pred, units, 2)(np.array([[2.0, 1.0]]))
    # Unit 0 taken twice = its items copied; the copies share their clusters (one singleton for both).
    copies = ClusterStat(gold[:2] * 2 + gold[2:], ["x", "s1", "x", "s1", None, "x"], [0] * 4 + [1, 1], 2)
    expected = copies(np.ones((1, 2)))
    for key, value in weighted.items():
        assert value[0] == pytest.approx(expected[key][0]), key
    assert weighted["clusters.b3.precision"][0] < 1  # the predicted x mixes gold a and b


CLAIM = st.builds(lambda s, n, claimer, pol, cer, top: Claim(s, s + n, claimer=claimer, polarity=pol, certainty=cer,
                                                              topic=top),
                  st.integers(0, 12), st.integers(2, 8), st.sampled_from(["A", "B", None]),
                  st.sampled_from([*ATTRIBUTES["polarity"], None]),
                  st.sampled_from([*ATTRIBUTES["certainty"][:2], None]),
                  st.sampled_from([*ATTRIBUTES["topic"][:2], None]))


def _objective(gold: list[Claim], pred: list[Claim], pairs: list[tuple[int, int]]) -> tuple[int, ...]:
    """(pairs, Jaccard in thousandths, agreements on claimer, polarity, certainty, topic) of a matching."""
    total = [len(pairs), 0, 0, 0, 0, 0]
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        inter = max(0, min(g.end, p.end) - max(g.start, p.start))
        total[1] += inter * 1000 // ((g.end - g.start) + (p.end - p.start) - inter)
        total[2] += claimer_correct(g, p)
        for k, name in enumerate(("polarity", "certainty", "topic")):
            total[3 + k] += getattr(g, name) is not None and getattr(g, name) == getattr(p, name)
    return tuple(total)


def _all_matchings(edges: list[tuple[int, int]], used_g: frozenset = frozenset(), used_p: frozenset = frozenset()):
    yield []
    for k, (g, p) in enumerate(edges):
        if g not in used_g and p not in used_p:
            for rest in _all_matchings(edges[k + 1:], used_g | {g}, used_p | {p}):
                yield [(g, p), *rest]


@settings(max_examples=150, deadline=None)
@given(st.lists(CLAIM, max_size=5), st.lists(CLAIM, max_size=5), st.randoms(use_true_random=False))
def test_assignment_is_lexicographically_optimal_and_does_not_depend_on_order(gold: list, pred: list, rnd) -> None:
    result = score_document("d", gold, pred, threshold=0.5)
    pairs = [(gold.index(o.gold), pred.index(o.pred)) for o in result.matches]
    # (index() finds the first equal claim: equal claims are interchangeable in the objective)
    jac = jaccard(np.array([(c.start, c.end) for c in gold]).reshape(-1, 2),
                  np.array([(c.start, c.end) for c in pred]).reshape(-1, 2))
    edges = [(g, p) for g in range(len(gold)) for p in range(len(pred)) if jac[g, p] >= 0.5]
    best = max(_objective(gold, pred, m) for m in _all_matchings(edges))
    assert _objective(gold, pred, pairs) == best
    again = score_document("d", rnd.sample(gold, len(gold)), rnd.sample(pred, len(pred)), threshold=0.5)
    assert (again.counts == result.counts).all()


def test_same_span_claims_pair_by_claimer_then_polarity_in_any_order() -> None:
    gold = [Claim(10, 30, claimer="west", polarity="affirmed"), Claim(10, 30, claimer="kremlin", polarity="denied")]
    for pred in (gold, gold[::-1]):
        m = claim_metrics(score_document("d", gold, list(pred)).counts)
        assert m["attribution.accuracy"] == 1.0 and m["polarity.accuracy"] == 1.0
    # The claimer outranks the polarity: one right claimer beats two right polarities.
    pred = [Claim(10, 30, claimer="kremlin", polarity="affirmed"), Claim(10, 30, claimer="nobody", polarity="denied")]
    m = claim_metrics(score_document("d", gold, pred).counts)
    assert m["attribution.accuracy"] == 0.5 and m["polarity.accuracy"] == 0.0
