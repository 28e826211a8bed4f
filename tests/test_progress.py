"""One progress display for every command: silent unless stderr is a terminal (or asked for)."""

from __future__ import annotations

import io
import sys

from rukp.progress import bars, is_enabled, track


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_stderr_is_not_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not is_enabled() and is_enabled(True) and not is_enabled(False)
    assert list(track(range(3), description="x")) == [0, 1, 2]
    with bars() as display:
        advance = display.task("system", 2)
        advance()
        advance()
    assert sys.stderr.getvalue() == ""


def test_quiet_wins_over_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert is_enabled() and not is_enabled(False)
    assert list(track(iter("ab"), enabled=False)) == ["a", "b"]
    assert sys.stderr.getvalue() == ""


def test_a_terminal_gets_a_bar_that_counts_the_items(monkeypatch):
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert list(track([1, 2, 3], description="extracting")) == [1, 2, 3]
    shown = sys.stderr.getvalue()
    assert "extracting" in shown and "3/3" in shown
