"""The ``llm:`` hostile trial (``llm_trial.py``): every case a fresh process; none may end in a traceback, a
silent result or a hang, and each gives the class it should (a clear error, or handled)."""

from __future__ import annotations

import pytest
from llm_trial import CLASSES, Case, cases, classify, run_trial

#: a few cases run in the default suite (one per kind of outcome); the whole trial is marked slow
FAST = ("HTML body as JSON, one document", "timeout=0", "base URL file:///tmp/llm", "usage a string")


def _check(selected: list[Case]) -> None:
    outcomes = run_trial(selected)
    wrong = [f"{o.case.name}: {o.verdict} (expected {o.case.expect}), exit {o.code}, {o.seconds:.1f} s: {o.line}"
             for o in outcomes if not o.as_expected]
    assert not wrong, "\n".join(wrong)
    assert len(outcomes) == len(selected)


def test_the_trial_has_enough_distinct_cases():
    names = [c.name for c in cases()]
    assert len(names) == len(set(names)) >= 60
    assert {c.expect for c in cases()} == {"clear error", "handled"}
    assert all(name in names for name in FAST)


@pytest.mark.parametrize("code, err, overdue, verdict", [
    (2, "error: doc 000: extractor 'llm:m': x is wrong\n", False, "clear error"),
    (2, "error: doc 000: extractor 'llm:m' failed: ValueError: x is wrong\n", False, "unclear"),
    (1, "Traceback (most recent call last):\n  ...\nKeyError: 'x'\n", False, "traceback"),
    (0, "", False, "silent"),
    (0, "llm:m: doc 004, chunk 1, entities: x is wrong\n", False, "handled"),
    (None, "", True, "hang"),
])
def test_the_classes_are_told_apart(code, err, overdue, verdict):
    case = Case("c", "clear error", says="x is wrong")
    assert classify(case, code, "", err, overdue)[0] == verdict
    assert verdict in CLASSES


@pytest.mark.slow  # fresh processes against a fake server; two such cases stay in tests/hostile's default run
def test_a_few_cases_in_fresh_processes():
    _check([c for c in cases() if c.name in FAST])


@pytest.mark.slow
def test_the_whole_trial():
    _check(cases())
