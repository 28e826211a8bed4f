"""Atomic file writes: write to a temporary file in the same folder, then rename over the target.

Written files get the permissions the umask gives (as ``open(path, "w")`` would), not the 0600 of
:func:`tempfile.mkstemp`. JSON writers refuse non-finite numbers: ``NaN`` and ``Infinity`` are not JSON.
"""

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


def umask_mode() -> int:
    """The mode a new file gets from ``open()``: 0o666 less the process umask (read without changing it)."""
    try:  # Linux ≥ 4.7 shows the umask here; elsewhere set and restore it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def make_temp(path: Path, *, suffix: str = ".tmp") -> tuple[int, str]:
    """``mkstemp`` next to ``path`` whose file already has the umask's permissions (for a later rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.fchmod(fd, umask_mode())
    return fd, tmp


def check_writable(path: Path) -> None:
    """Fail with one clear message before writing when ``path`` cannot be a file (a folder, or under a file)."""
    if path.is_dir():
        raise RukpError("is a directory; expected a file path to write", path=path)
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise RukpError(f"cannot write here: {parent} is a file, not a folder", path=path)
            break


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (a PNG …), atomically and with the umask's permissions."""
    write_many_atomic({Path(path): data})


def write_many_atomic(files: Mapping[Path, str | bytes]) -> None:
    """Write several files so that either all are replaced or none is (temp files first, renames last).

    Values are text (written as UTF-8 with ``\\n`` line ends) or bytes (written as they are).
    """
    for path in files:
        check_writable(Path(path))
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = make_temp(path)
            staged.append((tmp, path))
            with ExitStack() as stack:
                fh = stack.enter_context(os.fdopen(fd, "wb") if isinstance(text, bytes)
                                         else os.fdopen(fd, "w", encoding="utf-8", newline="\n"))
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)


def _non_finite(error: ValueError, where: str) -> RukpError:
    return RukpError(f"refusing to write {where}: it holds a number that is NaN or infinite, which JSON "
                     f"cannot represent ({error})")


def dumps_jsonl(rows: Iterable[Mapping[str, Any]]) -> str:
    """Serialise rows as JSONL: one compact object per line, keys in given order, UTF-8 kept readable."""
    lines = []
    for number, row in enumerate(rows, start=1):
        try:
            lines.append(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
        except ValueError as e:
            raise _non_finite(e, f"line {number}") from None
    return "".join(lines)


def dumps_json(obj: Any) -> str:
    """Serialise an object as indented JSON with a final newline (stable, diff-friendly)."""
    try:
        return json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    except ValueError as e:
        raise _non_finite(e, "a JSON file") from None
