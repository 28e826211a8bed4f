"""A command's output paths, checked before any work: never an input of the run, never two outputs on one file.

Paths are made absolute at once, so code that runs later (an extractor calling ``os.chdir``) cannot move
where the reports land. Two paths are the same file when their real paths are equal (symbolic links
followed) or when both exist and share a device and inode (hard links). Devices such as ``/dev/null`` may
take several outputs: nothing is replaced there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from rukp.errors import RukpError, quote
from rukp.io.atomic import is_special


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file (real paths equal, or the same inode)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def check_outputs(outputs: Mapping[str, str | Path | None],
                  inputs: Iterable[tuple[str, str | Path | None]]) -> dict[str, Path]:
    """The given outputs (``{option: path}``, None left out) as absolute paths, after refusing any that is an
    input (``(what, path)`` pairs) or the same file as another output."""
    given = {option: Path(os.path.abspath(path)) for option, path in outputs.items() if path is not None}
    sources = [(what, Path(path)) for what, path in inputs if path is not None]
    for option, path in given.items():
        for what, source in sources:
            if _same(path, source):
                raise RukpError(f"{option} {quote(str(outputs[option]), 200)} is {what}, an input of this run: "
                                "refusing to overwrite it; choose another output path")
    seen: list[tuple[str, Path]] = []
    for option, path in given.items():
        for other, earlier in seen:
            if _same(path, earlier) and not is_special(path):
                raise RukpError(f"{other} and {option} both write {quote(str(outputs[option]), 200)}: one file "
                                "cannot hold two reports; give each its own path")
        seen.append((option, path))
    return given
