"""The hostile trial under pytest: one test per case (a fresh process each); the fast cases run in the default
suite, the others are marked slow. A case fails unless its result is a clear error or a correct result."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from trial import GOOD, all_cases, run_case  # noqa: E402

CASES = all_cases()


def test_the_trial_has_at_least_200_cases_of_every_family():
    assert len(CASES) >= 200
    families = {c.family for c in CASES}
    assert {"outputs", "inputs", "surrogate", "bounds", "extractor", "api", "terminal", "misc"} <= families


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.slow else [])
                                  for c in CASES])
def test_case(case):
    outcome = run_case(case)
    assert outcome.cls in GOOD, f"{outcome.cls}: {outcome.detail}"
