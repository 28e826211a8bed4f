"""Generated blocks inside hand-written Markdown, between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``."""

from __future__ import annotations

from pathlib import Path

from rukp.errors import RukpError


def markers(name: str) -> tuple[str, str]:
    """The start and end marker lines of block ``name``."""
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def _span(text: str, name: str, path: str | Path) -> tuple[int, int]:
    start, end = markers(name)
    if text.count(start) != 1 or text.count(end) != 1:
        raise RukpError(f"expected exactly one {start!r} and one {end!r} marker "
                        f"(found {text.count(start)} and {text.count(end)})", path=path)
    i, j = text.index(start), text.index(end)
    if j < i:
        raise RukpError(f"{end!r} comes before {start!r}", path=path)
    return i + len(start), j


def replace_block(text: str, name: str, body: str, *, path: str | Path) -> str:
    """``text`` with the content of block ``name`` replaced by ``body`` (surrounded by blank lines)."""
    i, j = _span(text, name, path)
    return f"{text[:i]}\n\n{body.strip()}\n\n{text[j:]}" if body.strip() else f"{text[:i]}\n{text[j:]}"


def read_block(text: str, name: str, *, path: str | Path) -> str:
    """The current content of block ``name`` (without the markers)."""
    i, j = _span(text, name, path)
    return text[i:j]
