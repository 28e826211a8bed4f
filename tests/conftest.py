"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest


@pytest.fixture
def rukp(capsys: pytest.CaptureFixture[str]):
    """Run the ``rukp`` command in-process: ``rukp(*argv)`` gives (exit code, stdout, stderr).

    A Python traceback in the output fails the test: bad input must end in one clear message.
    """
    from rukp.cli import main

    def run(*argv: object) -> tuple[int, str, str]:
        try:
            main([str(a) for a in argv])
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run
