"""Reading JSON and JSONL with errors that name the file and the line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rukp.errors import RukpError


def read_text(path: str | Path, *, keep_bom: bool = False) -> str:
    """Read a UTF-8 file; a missing file, a folder or another encoding is a :class:`RukpError` naming the file.

    A leading byte-order mark (as some Windows editors write) is dropped, so JSON and JSONL parse; seeds pass
    ``keep_bom=True`` because their text must stay byte for byte what the manifest pins.
    """
    path = Path(path)
    if path.is_dir():
        raise RukpError("is a directory, expected a file", path=path)
    if not path.is_file():
        raise RukpError("file not found", path=path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise RukpError(f"not valid UTF-8 (byte {e.start}: {data[e.start:e.start + 1]!r})",
                        path=path, line=line) from None


def iter_jsonl(path: str | Path, *, allow_empty: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line; each line must be a JSON object."""
    text = read_text(path)
    seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise RukpError(f"not valid JSON ({e.msg} at column {e.colno})", path=path, line=number) from None
        if not isinstance(obj, dict):
            raise RukpError(f"expected a JSON object, got {type(obj).__name__}", path=path, line=number)
        seen = True
        yield number, obj
    if not seen and not allow_empty:
        raise RukpError("file is empty (no JSON lines)", path=path)


def read_jsonl(path: str | Path, *, allow_empty: bool = True) -> list[dict[str, Any]]:
    """All objects of a JSONL file, in order (see :func:`iter_jsonl`)."""
    return [obj for _, obj in iter_jsonl(path, allow_empty=allow_empty)]


def read_json(path: str | Path) -> Any:
    """Parse a JSON file; a syntax error names the file and line."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise RukpError(f"not valid JSON ({e.msg} at column {e.colno})", path=path, line=e.lineno) from None
