"""Entity counts per scheme and label, and the metrics derived from them.

Counts are the state and metrics are derived (spaCy ``PRFScore`` style): an :class:`EntityCounts` holds one
integer array, adds with ``+`` and ``sum()``, and computes precision, recall and F1 on demand, so per-document
counts can be summed, or resampled and summed for a bootstrap, without re-scoring.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Match schemes of SemEval-2013 task 9.1, in nervaluate's vocabulary and array order.
SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "ent_type")

#: Count fields, in array order; ``possible`` and ``actual`` are derived from them.
FIELDS: tuple[str, ...] = ("correct", "incorrect", "partial", "missed", "spurious")

CORRECT, INCORRECT, PARTIAL, MISSED, SPURIOUS = range(len(FIELDS))

#: Weight of a ``partial`` count in precision and recall (SemEval-2013 / nervaluate).
PARTIAL_WEIGHT = 0.5


def scheme_index(scheme: str) -> int:
    """Position of ``scheme`` in :data:`SCHEMES`; an unknown name lists the allowed ones."""
    try:
        return SCHEMES.index(scheme)
    except ValueError:
        raise ValueError(f"scheme={scheme!r} is not one of {', '.join(SCHEMES)}") from None


def prf(array: np.ndarray, scheme_index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and F1 of one scheme, vectorised over any leading axes; NaN where undefined.

    ``array`` has shape ``(..., len(SCHEMES), L, len(FIELDS))`` (e.g. ``(n_resamples, S, L + 1, F)`` for a
    bootstrap); the results have shape ``(..., L)``. Precision is ``(correct + 0.5 * partial) / actual``,
    recall ``(correct + 0.5 * partial) / possible``; F1 is their harmonic mean, which equals
    ``2 * (correct + 0.5 * partial) / (possible + actual)`` and is therefore defined (0) even when one of
    precision or recall is not. Precision is undefined when ``actual == 0``, recall when ``possible == 0``,
    F1 when both are 0.
    """
    a = np.asarray(array)[..., scheme_index, :, :].astype(np.float64)
    hit = a[..., CORRECT] + PARTIAL_WEIGHT * a[..., PARTIAL]
    matched = a[..., CORRECT] + a[..., INCORRECT] + a[..., PARTIAL]
    possible = matched + a[..., MISSED]
    actual = matched + a[..., SPURIOUS]
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(actual > 0, hit / actual, np.nan)
        recall = np.where(possible > 0, hit / possible, np.nan)
        f1 = np.where(possible + actual > 0, 2 * hit / (possible + actual), np.nan)
    return precision, recall, f1


def _opt(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


@dataclass
class EntityCounts:
    """Counts of one or more documents: ``array[scheme, label, field]``, last label row = overall (micro).

    The overall row is stored, not summed from the label rows: in the default mode it equals their sum, in
    nervaluate-compatible mode it does not (nervaluate charges a wrong-type prediction to two labels).
    """

    array: np.ndarray
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        self.labels = tuple(self.labels)
        self.array = np.asarray(self.array, dtype=np.int64)
        expected = (len(SCHEMES), len(self.labels) + 1, len(FIELDS))
        if self.array.shape != expected:
            raise ValueError(f"EntityCounts array has shape {self.array.shape}, expected {expected} "
                             f"(schemes, labels + overall, fields)")

    @classmethod
    def zeros(cls, labels: Sequence[str]) -> EntityCounts:
        """Empty counts over ``labels``."""
        return cls(np.zeros((len(SCHEMES), len(labels) + 1, len(FIELDS)), dtype=np.int64), tuple(labels))

    def __add__(self, other: EntityCounts) -> EntityCounts:
        if not isinstance(other, EntityCounts):
            return NotImplemented
        if other.labels != self.labels:
            raise ValueError(f"cannot add counts over different labels: {self.labels} vs {other.labels}")
        return EntityCounts(self.array + other.array, self.labels)

    def __radd__(self, other: Any) -> EntityCounts:
        if isinstance(other, int) and other == 0:  # so that sum() works
            return self
        return self.__add__(other)

    def _row(self, label: str | None) -> int:
        if label is None:
            return len(self.labels)
        try:
            return self.labels.index(label)
        except ValueError:
            raise ValueError(f"label={label!r} is not one of {', '.join(self.labels)}") from None

    def field(self, scheme: str, field: str, label: str | None = None) -> int:
        """One count, e.g. ``field("strict", "correct")``; ``label=None`` means overall."""
        if field not in FIELDS:
            raise ValueError(f"field={field!r} is not one of {', '.join(FIELDS)}")
        return int(self.array[scheme_index(scheme), self._row(label), FIELDS.index(field)])

    def possible(self, scheme: str, label: str | None = None) -> int:
        """Gold spans: correct + incorrect + partial + missed."""
        c = self.array[scheme_index(scheme), self._row(label)]
        return int(c[CORRECT] + c[INCORRECT] + c[PARTIAL] + c[MISSED])

    def actual(self, scheme: str, label: str | None = None) -> int:
        """Predicted spans: correct + incorrect + partial + spurious."""
        c = self.array[scheme_index(scheme), self._row(label)]
        return int(c[CORRECT] + c[INCORRECT] + c[PARTIAL] + c[SPURIOUS])

    def _metrics(self, scheme: str, label: str | None) -> tuple[float | None, float | None, float | None]:
        p, r, f = prf(self.array, scheme_index(scheme))
        row = self._row(label)
        return _opt(p[row]), _opt(r[row]), _opt(f[row])

    def precision(self, scheme: str, label: str | None = None) -> float | None:
        """``(correct + 0.5 * partial) / actual``; None when nothing was predicted."""
        return self._metrics(scheme, label)[0]

    def recall(self, scheme: str, label: str | None = None) -> float | None:
        """``(correct + 0.5 * partial) / possible``; None when there is no gold span."""
        return self._metrics(scheme, label)[1]

    def f1(self, scheme: str, label: str | None = None) -> float | None:
        """Harmonic mean of precision and recall; None only when there are no gold and no predicted spans."""
        return self._metrics(scheme, label)[2]

    def macro(self, scheme: str) -> dict[str, float | None]:
        """Unweighted mean over the labels that occur (possible + actual > 0) of per-label P, R and F1.

        An undefined per-label precision or recall counts as 0 in the mean (scikit-learn's
        ``zero_division=0``); the result is None when no label occurs.
        """
        p, r, f = macro_prf(self.array, scheme_index(scheme))
        return {"precision": _opt(p), "recall": _opt(r), "f1": _opt(f)}

    def to_dict(self) -> dict[str, Any]:
        """Counts and metrics as ``{scheme: {"overall": {..}, "per_type": {label: {..}}, "macro": {..}}}``."""
        out: dict[str, Any] = {}
        for s, scheme in enumerate(SCHEMES):
            p, r, f = prf(self.array, s)

            def row(i: int, s: int = s, p: np.ndarray = p, r: np.ndarray = r, f: np.ndarray = f) -> dict:
                c = self.array[s, i]
                d = {name: int(c[k]) for k, name in enumerate(FIELDS)}
                d["possible"] = int(c[CORRECT] + c[INCORRECT] + c[PARTIAL] + c[MISSED])
                d["actual"] = int(c[CORRECT] + c[INCORRECT] + c[PARTIAL] + c[SPURIOUS])
                d.update(precision=_opt(p[i]), recall=_opt(r[i]), f1=_opt(f[i]))
                return d

            out[scheme] = {
                "overall": row(len(self.labels)),
                "per_type": {label: row(i) for i, label in enumerate(self.labels)},
                "macro": self.macro(scheme),
            }
        return out


@dataclass(frozen=True)
class LinkingCounts:
    """Entity linking on matched mentions: pairs whose gold span has an entity_id, and of those, the pairs
    whose prediction carries the same entity_id. Adds with ``+``; unpacks as ``(matched, correct)``."""

    matched: int = 0
    correct: int = 0

    def __add__(self, other: LinkingCounts) -> LinkingCounts:
        if not isinstance(other, LinkingCounts):
            return NotImplemented
        return LinkingCounts(self.matched + other.matched, self.correct + other.correct)

    def __radd__(self, other: Any) -> LinkingCounts:
        if isinstance(other, int) and other == 0:
            return self
        return self.__add__(other)

    def __iter__(self) -> Iterator[int]:
        return iter((self.matched, self.correct))

    @property
    def accuracy(self) -> float | None:
        """``correct / matched``; None when no matched gold span has an entity_id."""
        return self.correct / self.matched if self.matched else None

    def to_dict(self) -> dict[str, Any]:
        """``{"matched", "correct", "accuracy"}``."""
        return {"matched": self.matched, "correct": self.correct, "accuracy": self.accuracy}


def macro_prf(array: np.ndarray, scheme_index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Macro precision, recall and F1 (see :meth:`EntityCounts.macro`), vectorised over leading axes.

    ``array`` has shape ``(..., S, L + 1, F)``; the overall row (last) is ignored and the results have shape
    ``(...)``, NaN where no label occurs.
    """
    a = np.asarray(array)[..., scheme_index, :-1, :]
    occurs = a.sum(axis=-1) > 0
    n = occurs.sum(axis=-1)
    p, r, f = prf(array, scheme_index)
    out = []
    for m in (p, r, f):
        total = np.where(occurs, np.nan_to_num(m[..., :-1], nan=0.0), 0.0).sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(np.where(n > 0, total / n, np.nan))
    return out[0], out[1], out[2]
