"""One validation problem: where it is (file, line, document, item) and what is wrong, printed on one line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rukp.errors import RukpError


@dataclass(frozen=True)
class Problem:
    """A located problem; ``str()`` gives ``FILE:LINE: doc DOC, ITEM: MESSAGE`` (absent parts left out)."""

    file: str
    message: str
    line: int | None = None
    doc: str | None = None
    item: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        subject = ", ".join(part for part in (f"doc {self.doc}" if self.doc else None, self.item) if part)
        return f"{where}: {subject}: {self.message}" if subject else f"{where}: {self.message}"

    @classmethod
    def from_error(cls, error: RukpError, root: Path) -> Problem:
        """The problem a :class:`RukpError` describes, with its path shown relative to ``root``."""
        return cls(relative(error.path, root) if error.path else "?", error.detail, error.line, error.doc)


def excerpt(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a message (``…`` marks a cut)."""
    return text if len(text) <= limit else text[:limit] + "…"


def relative(path: str | Path, root: Path) -> str:
    """``path`` as shown in messages: relative to the repository root when it lies inside it."""
    path = Path(path)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)
    return path.as_posix()


def run_step(step: Callable[[], list[str] | str]) -> int:
    """Run a pipeline step for a ``rukp annotations`` command: print its problems (exit 1), its success line (exit 0),
    or a :class:`RukpError` as one line (exit 2)."""
    try:
        result = step()
    except RukpError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if isinstance(result, str):
        print(result)
        return 0
    for problem in result:
        print(problem)
    print(f"{len(result)} problem(s); nothing written")
    return 1
