"""User-facing errors: every message names the file, the line or document, and what is wrong.

The CLI catches :class:`RukpError` and prints its message (no traceback) before exiting non-zero.
"""

from __future__ import annotations

import reprlib
import unicodedata
from pathlib import Path
from typing import Any

#: Longest quoted value a message shows (longer ones are cut and say how long they were).
QUOTE_LIMIT = 80

_repr = reprlib.Repr()
_repr.maxstring, _repr.maxother, _repr.maxlevel = QUOTE_LIMIT + 2, QUOTE_LIMIT, 3
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 6


def quote(value: Any, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as a message shows it: repr-like (control characters escaped), cut to about ``limit``
    characters with ``… (N chars)`` saying how long a cut string was; never slow or huge, whatever the input."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value)} chars)"
    try:
        shown = _repr.repr(value)
    except Exception:  # a hostile __repr__ must not replace the real error
        shown = f"<{type(value).__name__}>"
    return shown if len(shown) <= limit else shown[:limit] + "…"


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters (ESC, BEL, NUL, C1 codes, line breaks), line and
    paragraph separators and lone surrogates written as escapes (``\\x1b``), everything else as it is."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else _escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs", "Zl", "Zp") or ch in _BIDI:
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch  # unprintable only to Python (a joiner, a private-use character): terminals show it


#: Bidirectional controls, which reorder what a terminal shows (escaped like control characters).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


class RukpError(Exception):
    """A problem with the user's input or data, reported as one clear message."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 doc: str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.doc = doc
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.path:
            where.append(self.path if self.line is None else f"{self.path}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.doc is not None:  # a document id from the input: cut short like any quoted value
            where.append(f"doc {self.doc}" if len(self.doc) <= QUOTE_LIMIT else f"doc {quote(self.doc)}")
        return f"{', '.join(where)}: {self.detail}" if where else self.detail


class ValidationFailed(RukpError):
    """Several validation problems at once; ``problems`` keeps each message."""

    def __init__(self, problems: list[str], *, what: str = "validation") -> None:
        self.problems = list(problems)
        head = f"{what} failed with {len(problems)} problem(s):"
        super().__init__("\n".join([head, *[f"  - {p}" for p in problems[:200]]]
                                   + ([f"  … and {len(problems) - 200} more"] if len(problems) > 200 else [])))


def plural(n: int, *words: str) -> str:
    """``n`` and its noun phrase, the last word made singular when ``n`` is 1 (``1 gold document``)."""
    *before, noun = words
    if n == 1 and noun.endswith("s"):
        noun = noun[:-1]
    return " ".join([str(n), *before, noun])
