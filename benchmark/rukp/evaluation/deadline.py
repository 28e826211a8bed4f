"""A time limit on one call of user code (an extractor's ``extract()``), enforced with ``SIGALRM``.

The alarm raises :class:`TimeLimit` inside the call: a ``BaseException``, so an extractor's own
``except Exception`` does not swallow it. Python code (loops, ``time.sleep``, socket reads) is interrupted;
a single C call that never returns to Python is interrupted when it does. The limit works only in the main
thread of a platform with ``SIGALRM`` (Linux, macOS); elsewhere asking for one is an error.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rukp.errors import RukpError


class TimeLimit(BaseException):
    """The call ran past its time limit."""


def check_limit(seconds: float | None) -> float | None:
    """``seconds`` checked as a time limit (None or 0: no limit); a bad value names the option."""
    if seconds is None or seconds == 0:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds < 10**7:
        raise RukpError(f"timeout={seconds!r} must be a number of seconds above 0 and below 10,000,000 "
                        "(0 or None: no limit)")
    if not hasattr(signal, "setitimer"):
        raise RukpError("an extractor timeout needs SIGALRM, which this platform lacks")
    return float(seconds)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TimeLimit` in the block once ``seconds`` have passed (None: no limit)."""
    if seconds is None:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        raise RukpError("an extractor timeout works only in the main thread (it uses SIGALRM)")

    def _expired(signum: int, frame: Any) -> None:
        raise TimeLimit()

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
