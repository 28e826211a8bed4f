"""Report, plot, diff and Markdown files get the permissions the umask gives (not mkstemp's 0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

PREDICTIONS = Path(__file__).parents[1] / "benchmark" / "results" / "predictions" / "rules-claims.jsonl"


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_evaluate_outputs_follow_the_umask(umask, tmp_path, rukp):
    outputs = {flag: tmp_path / name for flag, name in
               (("--json", "r.json"), ("--markdown", "r.md"), ("--plot", "r.png"), ("--diff", "r.diff"))}
    old = os.umask(umask)
    try:
        code, _, err = rukp("evaluate", "-p", PREDICTIONS, "--bootstrap", "0", "-q",
                            *[str(x) for pair in outputs.items() for x in pair])
    finally:
        os.umask(old)
    assert code == 0, err
    for path in outputs.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name
