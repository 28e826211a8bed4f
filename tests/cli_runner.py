"""Run the ``rukp`` command in-process, as a subprocess would be seen (exit code, stdout, stderr).

A Python start-up and the package imports cost one to two seconds per call; the CLI tests that only need the
exit code and the output run the same ``main`` here instead, with ``$RUKP_ROOT`` unset (so the command sees this
checkout unless ``--root`` says otherwise).
"""

from __future__ import annotations

import io
import os
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock


def run_rukp(*args: str) -> subprocess.CompletedProcess[str]:
    """``rukp ARGS`` in this process; returns ``returncode``, ``stdout`` and ``stderr`` like ``subprocess.run``."""
    from rukp.cli import main

    out, err = io.StringIO(), io.StringIO()
    env = {k: v for k, v in os.environ.items() if k != "RUKP_ROOT"}
    with mock.patch.dict(os.environ, env, clear=True), redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())
