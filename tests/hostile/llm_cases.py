"""The ``llm:`` cases of the hostile trial (family ``llm``): each runs one case of
``tests/extractors/llm_trial.py`` (a misbehaving OpenAI-compatible server on 127.0.0.1, then a fresh
``rukp evaluate -e llm:…`` process) and shows its output and exit code, which :mod:`trial` classifies."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from trial import Case

EXTRACTORS = Path(__file__).resolve().parents[1] / "extractors"
sys.path.insert(0, str(EXTRACTORS))

import llm_trial  # noqa: E402

#: cases that also run in the default suite (quick, one per kind of outcome)
FAST = ("HTML body as JSON, one document", "Ctrl-C while a request is held")


def _reported(says: str):
    """An ``ok`` case's check: the problem was reported (the per-document error line), or nothing was."""
    def check(root: Path, proc: subprocess.CompletedProcess[str]) -> bool:
        lines = [line for line in proc.stderr.splitlines() if "llm:" in line]
        return any(says in line for line in lines) if says else not lines
    return check


def _case(c: llm_trial.Case) -> Case:
    code = (f"import sys; sys.path.insert(0, {str(EXTRACTORS)!r}); import llm_trial; "
            f"sys.exit(llm_trial.relay({c.name!r}))")
    timeout = llm_trial.STARTUP + c.bound + 30
    if c.interrupt_after is not None:  # Ctrl-C: exit 130 with one error line
        return Case(f"llm: {c.name}", "llm", python=code, expect="error", exit_code=130,
                    message=re.escape(c.says), timeout=timeout, slow=c.name not in FAST)
    if c.expect == "clear error":
        return Case(f"llm: {c.name}", "llm", python=code, expect="error", exit_code=2, message=re.escape(c.says),
                    timeout=timeout, slow=c.name not in FAST)
    return Case(f"llm: {c.name}", "llm", python=code, expect="ok", check=_reported(c.says), timeout=timeout,
                slow=c.name not in FAST)


CASES = [_case(c) for c in llm_trial.cases()]
