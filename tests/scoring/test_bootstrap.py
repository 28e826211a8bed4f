"""Bootstrap intervals and paired tests: seeded, consistent with the point estimate, and calibrated."""

from __future__ import annotations

import numpy as np
import pytest

from rukp.scoring import bootstrap as bs
from rukp.scoring.counts import SCHEMES, EntityCounts, prf


def _prf_metrics(summed: np.ndarray) -> dict[str, np.ndarray]:
    """Micro P/R/F1 from (tp, fp, fn) sums."""
    tp, fp, fn = summed[..., 0], summed[..., 1], summed[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        return {"precision": np.where(tp + fp > 0, tp / (tp + fp), np.nan),
                "recall": np.where(tp + fn > 0, tp / (tp + fn), np.nan),
                "f1": np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan)}


def _units(n: int, quality: float, seed: int) -> np.ndarray:
    """Per-unit (tp, fp, fn) of a system finding each of ~10 gold items with probability ``quality``."""
    rng = np.random.default_rng(seed)
    gold = rng.integers(5, 15, size=n)
    tp = rng.binomial(gold, quality)
    fp = rng.binomial(10, 1 - quality, size=n)
    return np.column_stack([tp, fp, gold - tp])


def test_seeded_intervals_are_reproducible() -> None:
    stat = bs.Additive(_units(40, 0.7, 0), _prf_metrics)
    a = bs.bootstrap(stat, n_resamples=500, seed=7)
    b = bs.bootstrap(stat, n_resamples=500, seed=7)
    c = bs.bootstrap(stat, n_resamples=500, seed=8)
    assert a == b
    assert a["f1"] != c["f1"]


def test_interval_contains_the_point_estimate() -> None:
    for seed in range(5):
        stat = bs.Additive(_units(30, 0.6, seed), _prf_metrics)
        for name, iv in bs.bootstrap(stat, n_resamples=1000, seed=seed).items():
            assert iv.low <= iv.point <= iv.high, name
            point = _prf_metrics(stat.counts.sum(axis=0))[name]
            assert iv.point == pytest.approx(float(point))


def test_interval_narrows_with_more_units() -> None:
    widths = []
    for n in (10, 100, 1000):
        iv = bs.bootstrap(bs.Additive(_units(n, 0.7, 1), _prf_metrics), n_resamples=1000, seed=0)["f1"]
        widths.append(iv.high - iv.low)
    assert widths[0] > widths[1] > widths[2]
    assert widths[2] < widths[0] / 5  # about 1/sqrt(100) = 1/10 of the width at 10 units


def test_chunked_draws_equal_one_draw(monkeypatch: pytest.MonkeyPatch) -> None:
    stat = bs.Additive(_units(50, 0.7, 2), _prf_metrics)
    whole = bs.bootstrap(stat, n_resamples=300, seed=3)
    monkeypatch.setattr(bs, "CHUNK_CELLS", 50 * 7)  # chunks of 7 resamples
    assert bs.bootstrap(stat, n_resamples=300, seed=3) == whole


def test_undefined_resamples_are_left_out_and_counted() -> None:
    # Unit 0 holds the only gold item: resamples without it have no recall.
    stat = bs.Additive(np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]]), _prf_metrics)
    iv = bs.bootstrap(stat, n_resamples=2000, seed=0)["recall"]
    assert 0 < iv.undefined < 2000
    assert iv.low == iv.high == 1.0


def test_entity_counts_resample_through_the_shared_metric_function() -> None:
    labels = ("PER", "ORG")
    rng = np.random.default_rng(0)
    per_doc = rng.integers(0, 5, size=(8, len(SCHEMES), len(labels) + 1, 5))
    per_doc[..., -1, :] = per_doc[..., :-1, :].sum(axis=-2)

    def metrics(summed: np.ndarray) -> dict[str, np.ndarray]:
        return {"strict.f1": prf(summed, 0)[2][..., -1]}

    iv = bs.bootstrap(bs.Additive(per_doc, metrics), n_resamples=200, seed=0)["strict.f1"]
    assert iv.point == pytest.approx(EntityCounts(per_doc.sum(axis=0), labels).f1("strict"))


def test_paired_tests_find_a_clearly_better_system() -> None:
    a = bs.Additive(_units(60, 0.9, 4), _prf_metrics)
    b = bs.Additive(_units(60, 0.5, 5), _prf_metrics)
    t = bs.paired_test(a, b, n_resamples=1000, n_shuffles=10_000, seed=0)["f1"]
    assert t.diff > 0.3 and t.low > 0
    assert t.p_bootstrap < 0.01 and t.p_randomisation < 0.01
    assert t.shuffles == 10_000


def test_identical_systems_give_p_one_and_zero_difference() -> None:
    a = bs.Additive(_units(20, 0.7, 6), _prf_metrics)
    t = bs.paired_test(a, a, n_resamples=500, n_shuffles=2000, seed=0)["f1"]
    assert t.diff == 0 and t.low == t.high == 0
    assert t.p_bootstrap == 1.0 and t.p_randomisation == 1.0


def test_randomisation_p_values_are_roughly_uniform_for_exchangeable_systems() -> None:
    rng = np.random.default_rng(11)
    p_values = []
    for trial in range(150):
        both = _units(2 * 25, 0.7, 100 + trial)  # same system quality, split at random into A and B
        order = rng.permutation(50)
        a, b = bs.Additive(both[order[:25]], _prf_metrics), bs.Additive(both[order[25:]], _prf_metrics)
        p_values.append(bs.paired_test(a, b, n_resamples=50, n_shuffles=500, seed=trial)["f1"].p_randomisation)
    p = np.array(p_values)
    assert 0.35 < p.mean() < 0.65
    assert np.mean(p < 0.1) < 0.2
    assert np.mean(p < 0.5) == pytest.approx(0.5, abs=0.15)


def test_bad_arguments_name_the_parameter() -> None:
    stat = bs.Additive(_units(5, 0.5, 0), _prf_metrics)
    with pytest.raises(ValueError, match="n_resamples=0"):
        bs.bootstrap(stat, n_resamples=0)
    with pytest.raises(ValueError, match="same units"):
        bs.paired_test(stat, bs.Additive(_units(6, 0.5, 0), _prf_metrics))


def test_units_drawn_in_canonical_order_give_the_same_intervals_in_any_order() -> None:
    units = _units(6, 0.7, 3)
    order = [3, 0, 5, 1, 4, 2]                       # documents as the input lists them
    keys = [f"doc{i}" for i in order]                # their ids; canonical order is by id
    rank = bs.canonical_rank(keys)
    shuffled = bs.Reordered(bs.Additive(units[order], _prf_metrics), rank)
    assert bs.bootstrap(shuffled, n_resamples=300, seed=1) == bs.bootstrap(bs.Additive(units, _prf_metrics),
                                                                           n_resamples=300, seed=1)
    assert bs.canonical_rank(sorted(keys)) is None
    # Sentences: each document keeps its units together and in order.
    assert bs.canonical_rank(["b", "a"], [2, 3]).tolist() == [3, 4, 0, 1, 2]
