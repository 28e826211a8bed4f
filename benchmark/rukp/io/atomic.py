"""Atomic file writes: write to a temporary file in the same folder, then rename over the target."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from rukp.errors import RukpError


def write_text_atomic(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so readers see either the old or the new file, never half."""
    write_many_atomic({Path(path): text})


def check_writable(path: Path) -> None:
    """Fail with one clear message before writing when ``path`` cannot be a file (a folder, or under a file)."""
    if path.is_dir():
        raise RukpError("is a directory; expected a file path to write", path=path)
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise RukpError(f"cannot write here: {parent} is a file, not a folder", path=path)
            break


def write_many_atomic(files: Mapping[Path, str]) -> None:
    """Write several files so that either all are replaced or none is (temp files first, renames last)."""
    for path in files:
        check_writable(Path(path))
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with ExitStack() as stack:
                fh = stack.enter_context(os.fdopen(fd, "w", encoding="utf-8", newline="\n"))
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            staged.append((tmp, path))
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def dumps_jsonl(rows: Iterable[Mapping[str, Any]]) -> str:
    """Serialise rows as JSONL: one compact object per line, keys in given order, UTF-8 kept readable."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def dumps_json(obj: Any) -> str:
    """Serialise an object as indented JSON with a final newline (stable, diff-friendly)."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
