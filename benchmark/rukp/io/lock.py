"""One writer at a time on a repository's annotations: an advisory lock (``fcntl.flock``) on the folder itself.

Every command that writes the gold or what is derived from it (``labelstudio import``/``pull``, ``corpus add``,
``annotations rebuild --write``, ``dataset build``) holds the lock on the repository's ``annotations/`` folder
while it reads and writes. A second one waits up to ``$RUKP_LOCK_WAIT`` seconds (default 10), then refuses with
one message; nothing is written. The lock is re-entrant within a process and vanishes with the process, so a
killed command never leaves it behind. Taking it first finishes any multi-file write a dead process left half
done (:func:`rukp.io.atomic.finish_pending`).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rukp.errors import RukpError
from rukp.io.atomic import finish_pending

WAIT_ENV = "RUKP_LOCK_WAIT"
DEFAULT_WAIT_S = 10.0
_held: dict[str, int] = {}


def lock_wait() -> float:
    """Seconds a second writer waits for the lock (``$RUKP_LOCK_WAIT``, default 10)."""
    raw = os.environ.get(WAIT_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_WAIT_S
    except ValueError:
        raise RukpError(f"${WAIT_ENV} must be a number of seconds, not {raw!r}") from None


@contextmanager
def annotations_lock(annotations_dir: Path, what: str, *, wait: float | None = None) -> Iterator[None]:
    """Hold the write lock of ``annotations_dir`` (its repository) for ``what`` (a command, for the message)."""
    folder = annotations_dir.absolute()
    key = str(folder.resolve())
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    while not folder.is_dir() and folder.parent != folder:  # no annotations yet: lock the repository folder
        folder = folder.parent
    wait = lock_wait() if wait is None else wait
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RukpError(f"another rukp command is writing these annotations (waited {wait:g} s); "
                                    f"nothing written: run {what} again once it has finished", path=folder) from None
                time.sleep(0.1)
        _held[key] = 1
        try:
            finish_pending(folder)
            finish_pending(folder.parent)
            yield
        finally:
            del _held[key]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
