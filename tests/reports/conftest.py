"""Reports computed once per test session (each evaluation takes about a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

PREDICTIONS = Path(__file__).resolve().parents[2] / "benchmark" / "results" / "predictions"


@pytest.fixture(scope="session")
def reports() -> dict:
    """A full report (entities and claims, two views), an entity-only one, a claims-only one, a comparison."""
    import rukp
    from rukp.evaluation import compare

    rules, claims = PREDICTIONS / "spacy+rules.jsonl", PREDICTIONS / "rules-claims.jsonl"
    return {
        "full": rukp.evaluate(claims, view=["fine", "coarse"], bootstrap=200, progress=False),
        "entities": rukp.evaluate(rules, claims=False, bootstrap=200, progress=False),
        "claims": rukp.evaluate(claims, entities=False, bootstrap=200, progress=False),
        "compare": compare(rules, claims, bootstrap=200, shuffles=200, progress=False),
    }
