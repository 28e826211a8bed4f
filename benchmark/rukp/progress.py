"""The one progress display of every command: rich bars on stderr, and nothing at all when stderr is not a terminal.

Piped or redirected output (CI logs, ``2> log``) and ``--quiet`` get no bar, so logs hold only the commands'
sentences. :func:`track` wraps one loop; :func:`bars` gives one display with a bar per task (the leaderboard has
one per system). Both take ``enabled``: ``None`` means "only when stderr is a terminal".
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def is_enabled(enabled: bool | None = None) -> bool:
    """Whether to draw: ``enabled`` when given, else whether stderr is an interactive terminal."""
    if enabled is not None:
        return enabled
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


class Bars:
    """A display of one bar per task, on stderr; every method does nothing when the display is off."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = is_enabled(enabled)
        self._progress: Any = None
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            columns = (TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn())
            self._progress = Progress(*columns, console=Console(stderr=True), transient=False)

    def start(self) -> None:
        """Show the display (call once the work is sure to start, so an early error prints alone)."""
        if self._progress is not None:
            self._progress.start()

    def stop(self) -> None:
        """Leave the bars as they ended and give the terminal back."""
        if self._progress is not None:
            self._progress.stop()

    def task(self, description: str, total: int | None = None) -> Callable[[], None]:
        """Add a bar; returns the function that advances it by one step."""
        if self._progress is None:
            return _nothing
        task_id = self._progress.add_task(description, total=total)
        return lambda: self._progress.advance(task_id)

    def __enter__(self) -> Bars:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _nothing() -> None:
    return None


def bars(enabled: bool | None = None) -> Bars:
    """A not yet started display for several bars (``enabled=None``: only when stderr is a terminal)."""
    return Bars(enabled)


def track(iterable: Iterable[T], *, total: int | None = None, description: str = "",
          enabled: bool | None = None) -> Iterator[T]:
    """Yield the items of ``iterable`` while a bar on stderr counts them (silent when not a terminal)."""
    if not is_enabled(enabled):
        yield from iterable
        return
    if total is None:
        try:
            total = len(iterable)  # type: ignore[arg-type]
        except TypeError:
            total = None
    with Bars(True) as display:
        advance = display.task(description, total)
        for item in iterable:
            yield item
            advance()
