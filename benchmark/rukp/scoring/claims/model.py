"""Claim scoring data: the additive count-vector layout, claims and their outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rukp import schema

#: Attributes scored on matched claims, with their label inventories.
ATTRIBUTES: Mapping[str, tuple[str, ...]] = {
    "polarity": schema.POLARITIES, "certainty": schema.CERTAINTIES, "topic": schema.TOPICS,
}

#: Predicted value of an attribute the prediction leaves out (a wrong answer, last confusion column).
NONE_LABEL = "(none)"

#: Additive counts per unit, before the attribute confusion matrices.
CLAIM_FIELDS: tuple[str, ...] = (
    "gold", "predicted", "matched",            # detection
    "claimer_given", "claimer_correct",        # attribution on matched claims
    "overlap_tokens", "predicted_tokens", "gold_tokens",  # token overlap of the claim spans
)
FIELD_INDEX: dict[str, int] = {name: i for i, name in enumerate(CLAIM_FIELDS)}


def _layout() -> dict[str, tuple[int, int, int]]:
    """Offset and confusion-matrix shape of each attribute inside the count vector."""
    out, offset = {}, len(CLAIM_FIELDS)
    for name, labels in ATTRIBUTES.items():
        k = len(labels)
        out[name] = (offset, k, k + 1)
        offset += k * (k + 1)
    return out


ATTRIBUTE_LAYOUT = _layout()
VECTOR_SIZE = len(CLAIM_FIELDS) + sum(k * c for _, k, c in ATTRIBUTE_LAYOUT.values())


@dataclass(frozen=True)
class Claim:
    """A gold or predicted claim: character span (end exclusive) and the optional attributes."""

    start: int
    end: int
    claimer: str | None = None
    claimer_start: int | None = None
    claimer_end: int | None = None
    polarity: str | None = None
    certainty: str | None = None
    topic: str | None = None
    cluster: str | None = None
    co_claimers: tuple[str, ...] = ()
    id: str | None = None

    @property
    def has_claimer(self) -> bool:
        return self.claimer is not None or self.claimer_start is not None

    def to_dict(self) -> dict[str, Any]:
        d = {"start": self.start, "end": self.end}
        for key in ("id", "claimer", "claimer_start", "claimer_end", "polarity", "certainty", "topic",
                    "cluster"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key)
        return d


@dataclass(frozen=True)
class ClaimOutcome:
    """What happened to one gold or predicted claim: ``matched``, ``missed`` or ``spurious``."""

    doc_id: str
    outcome: str
    gold: Claim | None
    pred: Claim | None
    jaccard: float | None = None
    claimer_correct: bool | None = None
    unit: int = 0  # sentence index (see :func:`unit_index`)


@dataclass
class DocumentClaimResult:
    """Claims of one document: its count vector, one vector per sentence, and every outcome."""

    doc_id: str
    counts: np.ndarray
    sentence_counts: np.ndarray | None
    outcomes: list[ClaimOutcome] = field(default_factory=list)

    @property
    def matches(self) -> list[ClaimOutcome]:
        return [o for o in self.outcomes if o.outcome == "matched"]
