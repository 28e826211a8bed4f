"""``rukp.cli.main`` registers its commands once per process, so in-process calls do not slow down one another."""

from __future__ import annotations

import pytest

from rukp import cli


def _names() -> list[str | None]:
    return [c.name for c in cli.app.registered_commands] + [g.name for g in cli.app.registered_groups]


def test_repeated_calls_do_not_stack_duplicate_commands(capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(3):
        with pytest.raises(SystemExit):
            cli.main(["--help"])
    capsys.readouterr()
    names = _names()
    assert "evaluate" in names and "corpus" in names
    assert len(names) == len(set(names)), names
