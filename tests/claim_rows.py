"""The bundled gold's rows and claim copies, shared by the order-invariance and resampling-rule tests."""

from __future__ import annotations

import json

from rukp.paths import BUNDLED_DATA

CLAIM_KEYS = ("start", "end", "claimer", "claimer_start", "claimer_end", "polarity", "certainty", "topic",
              "cluster")


def bundled() -> list[dict]:
    """Every document of the bundled gold, as JSON rows."""
    return [json.loads(line) for line in (BUNDLED_DATA / "documents.jsonl").read_text(encoding="utf-8").splitlines()]


def copy_claim(claim: dict) -> dict:
    """A gold claim as a prediction: its span and the attributes it has."""
    return {k: claim[k] for k in CLAIM_KEYS if claim.get(k) is not None}
