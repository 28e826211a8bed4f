"""Seeded bootstrap intervals, the paired bootstrap and approximate randomisation, vectorised over resamples.

A *statistic* maps unit weights ``(R, n_units)`` to named metric arrays ``(R,)``. Resampling units with
replacement is a multinomial draw of how often each unit is taken, so one weight matrix from numpy's
``Generator`` drives every figure at once: additive counts are summed with one matrix product
(:class:`Additive`), and non-additive scores such as B³ take the weights directly. Units are documents (the
independent units) or sentences (narrower, optimistic intervals: sentences of one article are not
independent).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from rukp.defaults import DEFAULT_ALPHA, DEFAULT_RESAMPLES, DEFAULT_SHUFFLES


class Statistic(Protocol):
    """Metric values for each row of unit weights; ``stack`` joins two systems' units (for shuffling)."""

    n_units: int

    def __call__(self, weights: np.ndarray) -> Mapping[str, np.ndarray]: ...

    def stack(self, other: Statistic) -> Statistic: ...


class Additive:
    """A statistic of additive per-unit counts ``X (n_units, …)``: ``metrics(weights @ X)``."""

    def __init__(self, counts: np.ndarray, metrics: Callable[[np.ndarray], Mapping[str, np.ndarray]]) -> None:
        self.counts = np.asarray(counts)
        self.n_units = self.counts.shape[0]
        flat = self.counts.reshape(self.n_units, int(np.prod(self.counts.shape[1:])))  # -1 fails with 0 units
        # Only columns with a non-zero count enter the product (claim matrices of an entity-only corpus are
        # all zeros); the others stay exactly 0.
        self._used = np.flatnonzero(flat.any(axis=0)) if self.n_units else np.zeros(0, dtype=np.int64)
        self._width = flat.shape[1]
        used = flat[:, self._used]
        self._flat = used.astype(np.float64)
        # float32 products are exact (and twice as fast) while every total stays below 2**24: a resample of
        # n units sums at most n times the largest count.
        largest = int(np.abs(used).max()) if used.size else 0
        self._flat32 = used.astype(np.float32) if self.n_units * largest < FLOAT32_EXACT else None
        self.metrics = metrics

    def __call__(self, weights: np.ndarray) -> Mapping[str, np.ndarray]:
        w = np.atleast_2d(np.asarray(weights))
        if w.dtype == np.float32 and self._flat32 is not None:
            product = (w @ self._flat32).astype(np.float64)
        else:
            product = w.astype(np.float64, copy=False) @ self._flat
        summed = np.zeros((w.shape[0], self._width))
        summed[:, self._used] = product
        return self.metrics(summed.reshape(w.shape[0], *self.counts.shape[1:]))

    def stack(self, other: Statistic) -> Additive:
        assert isinstance(other, Additive)
        return Additive(np.concatenate([self.counts, other.counts]), self.metrics)


class Combined:
    """Several statistics over the same units, their metric names merged."""

    def __init__(self, parts: list[Statistic]) -> None:
        if len({p.n_units for p in parts}) > 1:
            raise ValueError(f"statistics over different numbers of units: {[p.n_units for p in parts]}")
        self.parts = parts
        self.n_units = parts[0].n_units if parts else 0

    def __call__(self, weights: np.ndarray) -> Mapping[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for part in self.parts:
            out.update(part(weights))
        return out

    def stack(self, other: Statistic) -> Combined:
        assert isinstance(other, Combined) and len(other.parts) == len(self.parts)
        return Combined([a.stack(b) for a, b in zip(self.parts, other.parts, strict=True)])


class Reordered:
    """``stat`` with its units drawn in another order: column ``rank[i]`` of the weights goes to unit ``i``.

    Resampling units in a canonical order (documents by id) makes the intervals independent of the order of
    the documents in the input: the same seed draws the same weights for the same document.
    """

    def __init__(self, stat: Statistic, rank: np.ndarray) -> None:
        self.inner, self.rank = stat, np.asarray(rank, dtype=np.int64)
        self.n_units = stat.n_units
        if sorted(self.rank.tolist()) != list(range(self.n_units)):
            raise ValueError(f"rank is not a permutation of the {self.n_units} units")

    def __call__(self, weights: np.ndarray) -> Mapping[str, np.ndarray]:
        return self.inner(np.atleast_2d(np.asarray(weights))[:, self.rank])

    def stack(self, other: Statistic) -> Reordered:
        assert isinstance(other, Reordered)
        return Reordered(self.inner.stack(other.inner), np.concatenate([self.rank, other.rank + self.n_units]))


def canonical_rank(keys: list, sizes: list[int] | np.ndarray | None = None) -> np.ndarray | None:
    """Where each unit goes when groups (documents) are sorted by ``keys`` and each group keeps its ``sizes``
    units (sentences, default 1) in order; None when the order is already canonical."""
    sizes = np.ones(len(keys), dtype=np.int64) if sizes is None else np.asarray(sizes, dtype=np.int64)
    order = sorted(range(len(keys)), key=keys.__getitem__)
    if order == list(range(len(keys))):
        return None
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    canonical = np.concatenate([np.arange(offsets[g], offsets[g + 1]) for g in order] or [np.zeros(0)])
    rank = np.empty(int(offsets[-1]), dtype=np.int64)
    rank[canonical.astype(np.int64)] = np.arange(len(canonical))
    return rank


@dataclass(frozen=True)
class Interval:
    """A point estimate with its percentile bootstrap interval (None where undefined)."""

    point: float | None
    low: float | None
    high: float | None
    resamples: int
    undefined: int  # resamples where the metric was undefined (left out of the percentiles)

    def to_list(self) -> list[float | None]:
        return [self.low, self.high]


@dataclass(frozen=True)
class PairedTest:
    """Difference A − B of one metric, its paired-bootstrap interval and both p-values."""

    a: float | None
    b: float | None
    diff: float | None
    low: float | None
    high: float | None
    p_bootstrap: float | None
    p_randomisation: float | None
    resamples: int
    shuffles: int


def _opt(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


#: Weights held at once (resamples × units); larger runs are drawn and scored in chunks of rows.
CHUNK_CELLS = 4_000_000


#: Fewer units than this give no interval (undefined, shown as —): a single document or sentence cannot be
#: resampled into anything but itself.
MIN_UNITS = 2

#: Integers up to this are exact in float32.
FLOAT32_EXACT = 2**24

#: Up to this many units, resample weights are numpy's multinomial draw, as in every earlier release (so
#: intervals on small corpora stay as they were for a seed); above it, ``n`` unit indices are drawn and counted
#: (:func:`numpy.bincount`): the same distribution, at a fraction of the cost (numpy's multinomial draws one
#: binomial per unit and row, some 20 s for 1,000 resamples of 100,000 documents).
MULTINOMIAL_MAX_UNITS = 2_000


def resample_weights(n_units: int, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """How often each unit is drawn in each resample, ``(n_resamples, n_units)`` (with replacement); float32
    (exact: no weight exceeds ``n_units``) above :data:`MULTINOMIAL_MAX_UNITS`, else float64."""
    if n_units == 0:
        return np.zeros((n_resamples, 0))
    if n_units <= MULTINOMIAL_MAX_UNITS:
        return rng.multinomial(n_units, np.full(n_units, 1.0 / n_units), size=n_resamples).astype(np.float64)
    drawn = rng.integers(0, n_units, size=(n_resamples, n_units), dtype=np.int64)
    drawn += (np.arange(n_resamples, dtype=np.int64) * n_units)[:, None]
    counts = np.bincount(drawn.ravel(), minlength=n_resamples * n_units)
    return counts.reshape(n_resamples, n_units).astype(np.float32 if n_units < FLOAT32_EXACT else np.float64)


def _chunked(fn: Callable[[int], Mapping[str, np.ndarray]], n_rows: int,
             n_units: int) -> dict[str, np.ndarray]:
    """``fn(k)`` scores ``k`` new rows; call it over chunks of at most :data:`CHUNK_CELLS` weights."""
    from threadpoolctl import threadpool_limits

    step = max(1, CHUNK_CELLS // max(n_units, 1))
    # One BLAS thread: the products are small and memory-bound, and threads fighting over busy cores made
    # them up to 100 times slower.
    with threadpool_limits(limits=1, user_api="blas"):
        parts = [fn(min(step, n_rows - lo)) for lo in range(0, n_rows, step)]
    return {k: np.concatenate([np.asarray(p[k], dtype=np.float64) for p in parts]) for k in parts[0]}


def _check(n: int, what: str) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"{what}={n!r} must be a positive integer")


def _percentiles(values: np.ndarray, alpha: float) -> tuple[float | None, float | None]:
    ok = values[np.isfinite(values)]
    if not len(ok):
        return None, None
    low, high = np.percentile(ok, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(low), float(high)


def bootstrap(stat: Statistic, *, n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
              alpha: float = DEFAULT_ALPHA) -> dict[str, Interval]:
    """Percentile bootstrap interval of every metric of ``stat``, resampling its units with ``seed``."""
    _check(n_resamples, "n_resamples")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha!r} must be between 0 and 1")
    n = stat.n_units
    rng = np.random.default_rng(seed)
    point = stat(np.ones((1, n)))
    if n < MIN_UNITS:  # one unit resamples to itself: a zero-width "interval" would claim a certainty it lacks
        return {name: Interval(_opt(point[name][0]), None, None, n_resamples, n_resamples) for name in point}
    values = _chunked(lambda k: stat(resample_weights(n, k, rng)), n_resamples, n)
    names = list(values)
    lows, highs = _percentiles_columns(np.column_stack([values[k] for k in names]), alpha)
    return {name: Interval(_opt(point[name][0]), _opt(lows[i]), _opt(highs[i]), n_resamples,
                           int((~np.isfinite(values[name])).sum())) for i, name in enumerate(names)}


def _percentiles_columns(matrix: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each column, ignoring undefined (NaN) resamples; NaN for an all-NaN column."""
    matrix = np.where(np.isfinite(matrix), matrix, np.nan)
    defined = np.isfinite(matrix).any(axis=0)
    low = np.full(matrix.shape[1], np.nan)
    high = np.full(matrix.shape[1], np.nan)
    if defined.any():
        q = np.nanpercentile(matrix[:, defined], [100 * alpha / 2, 100 * (1 - alpha / 2)], axis=0)
        low[defined], high[defined] = q[0], q[1]
    return low, high


def paired_test(stat_a: Statistic, stat_b: Statistic, *, n_resamples: int = DEFAULT_RESAMPLES,
                n_shuffles: int = DEFAULT_SHUFFLES, seed: int = 0, alpha: float = DEFAULT_ALPHA
                ) -> dict[str, PairedTest]:
    """Compare systems A and B scored on the same units, for every metric.

    Paired bootstrap: both systems are resampled with the same weights; the interval is the percentile
    interval of the difference and the p-value is two-sided on the centred differences,
    ``(1 + #{|δ* − δ| ≥ |δ|}) / (R + 1)``. Approximate randomisation: each unit's results are swapped
    between A and B with probability ½, ``n_shuffles`` times; ``p = (1 + #{|δ_shuffled| ≥ |δ|}) / (S + 1)``.
    With ``n`` units there are only ``2**n`` distinct swaps, so with five documents no p-value can fall
    much below 1/16: say so rather than trust a small p.
    """
    _check(n_resamples, "n_resamples")
    _check(n_shuffles, "n_shuffles")
    if stat_a.n_units != stat_b.n_units:
        raise ValueError(f"paired systems need the same units, got {stat_a.n_units} and {stat_b.n_units}")
    n = stat_a.n_units
    rng = np.random.default_rng(seed)
    ones = np.ones((1, n))
    point_a, point_b = stat_a(ones), stat_b(ones)

    def boot(k: int) -> dict[str, np.ndarray]:
        w = resample_weights(n, k, rng)
        a, b = stat_a(w), stat_b(w)
        return {name: np.asarray(a[name]) - np.asarray(b[name]) for name in a}

    both = stat_a.stack(stat_b)

    def shuffle(k: int) -> dict[str, np.ndarray]:
        swap = rng.random((k, n)) < 0.5
        a = both(np.hstack([~swap, swap]).astype(np.float64))
        b = both(np.hstack([swap, ~swap]).astype(np.float64))
        return {name: np.asarray(a[name]) - np.asarray(b[name]) for name in a}

    d_boot = _chunked(boot, n_resamples, n)
    d_shuf = _chunked(shuffle, n_shuffles, 2 * n)
    out = {}
    eps = 1e-12  # differences equal up to rounding count as "at least as extreme"
    for name in point_a:
        a, b = float(point_a[name][0]), float(point_b[name][0])
        diff = a - b
        if not np.isfinite(diff):
            out[name] = PairedTest(_opt(a), _opt(b), None, None, None, None, None, n_resamples, n_shuffles)
            continue
        boot_d = d_boot[name][np.isfinite(d_boot[name])]
        shuf_d = d_shuf[name][np.isfinite(d_shuf[name])]
        low, high = _percentiles(boot_d, alpha)
        p_boot = (1 + np.sum(np.abs(boot_d - diff) >= abs(diff) - eps)) / (len(boot_d) + 1)
        p_ar = (1 + np.sum(np.abs(shuf_d) >= abs(diff) - eps)) / (len(shuf_d) + 1)
        out[name] = PairedTest(_opt(a), _opt(b), _opt(diff), low, high, _opt(p_boot), _opt(p_ar),
                               n_resamples, n_shuffles)
    return out
