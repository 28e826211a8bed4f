"""Reading JSON and JSONL strictly, with errors that name the file and the line.

Every reader of the package parses JSON through :func:`loads` (or :func:`iter_jsonl` / :func:`read_json`),
which accepts only what RFC 8259 calls interoperable JSON:

- no repeated key in an object (Python's ``json`` silently keeps the last one);
- no ``NaN``, ``Infinity`` or ``-Infinity``, and no number that overflows to infinity (``1e309``);
- no nesting deeper than :data:`MAX_DEPTH` levels (checked before parsing, so a 100,000-level file is one
  clear error, not a ``RecursionError``);
- no lone surrogate (``"\\ud800"`` without its pair): it is not a character, no UTF-8 writer can write it,
  so it is refused here, at the reader, rather than crashing a report or a build later.

JSONL is split on ``"\\n"`` only (a ``"\\r"`` before it is dropped): U+2028, U+2029 and U+0085 are valid
inside JSON strings and do not end a line. Every problem is one :class:`~rukp.errors.RukpError` naming the
file and the line, with quoted values cut short.
"""

from __future__ import annotations

import json
import math
import re
import stat
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

from rukp.errors import RukpError, quote

#: Deepest nesting of arrays and objects a JSON value may have (the gold needs 4; Label Studio exports 6).
MAX_DEPTH = 200

#: A ``\\uD800``–``\\uDFFF`` escape: only then can a parsed string hold a surrogate (UTF-8 text cannot).
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_STRING_OR_OTHER = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^\[\]{}"]+')
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1, '"': 0}


class _Rejected(ValueError):
    """Raised from a parser hook: valid JSON syntax that this package refuses (message says why)."""


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Rejected(f"number {quote(text, 40)} is too large (it overflows to infinity)")
    return value


def _no_constant(name: str) -> Any:
    raise _Rejected(f"{name} is not a JSON number (NaN and Infinity are not allowed)")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Rejected(f"duplicate key {quote(key)} in an object (each key may appear once)")
            seen.add(key)
    return obj


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_float=_finite_float, parse_constant=_no_constant)


def json_error_message(error: json.JSONDecodeError, *, with_line: bool = False) -> str:
    """``not valid JSON (…)`` for a decode error, worded once for every reader (no "starting at at column")."""
    msg = error.msg.removesuffix(" at")  # "Unterminated string starting at" + " at column N"
    where = f"line {error.lineno} column {error.colno}" if with_line else f"column {error.colno}"
    return f"not valid JSON ({msg} at {where})"


def nesting_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """Deepest bracket nesting of ``text`` outside strings, counted without recursion (cheap when shallow)."""
    if text.count("[") + text.count("{") <= limit:
        return 0
    brackets = _STRING_OR_OTHER.sub("", text)
    return max(accumulate(_STEP.get(c, 0) for c in brackets), default=0)


def loads(text: str, *, path: str | Path | None = None, line: int | None = None) -> Any:
    """Parse one JSON value strictly (see the module docstring); errors name ``path`` and ``line``.

    For one JSONL line pass its ``line`` number; for a whole file leave it None and the error gives the line
    the parser stopped at.
    """
    if nesting_depth(text) > MAX_DEPTH:
        raise RukpError(f"not accepted: JSON nested deeper than {MAX_DEPTH} levels", path=path, line=line)
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as e:
        if line is None:
            raise RukpError(json_error_message(e), path=path, line=e.lineno) from None
        raise RukpError(json_error_message(e), path=path, line=line) from None
    except _Rejected as e:
        raise RukpError(f"not accepted: {e}", path=path, line=line) from None
    except (ValueError, RecursionError) as e:  # e.g. an integer of more than 4300 digits
        raise RukpError(f"not accepted: {quote(str(e))}", path=path, line=line) from None
    if "\\u" in text and SURROGATE_ESCAPE.search(text):
        lone = lone_surrogate(value)
        if lone is not None:
            raise RukpError(f"not accepted: a lone surrogate {lone!r} in a string (an escape such as "
                            "\\ud800 without its pair is not a Unicode character)", path=path, line=line)
    return value


def lone_surrogate(value: Any) -> str | None:
    """The first lone surrogate in a parsed value's strings (keys included), or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as e:
                return item[e.start]
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


#: Bytes of the FIFOs (and process substitutions, ``<(…)``) read so far, by path: a pipe can be read once only.
_PIPES: dict[str, bytes] = {}


def non_regular(path: Path) -> str | None:
    """What ``path`` is when it exists but is neither a regular file nor a FIFO (``a character device``), or
    None. Devices are refused: ``/dev/null`` reads as empty and ``/dev/zero`` never ends."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode):
        return None
    return ("a directory" if stat.S_ISDIR(mode) else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "not a regular file")


def check_input(path: str | Path, what: str = "file") -> Path:
    """``path`` when it can be read as an input: a regular file or a FIFO; else one :class:`RukpError` saying
    what it is (not found, a directory, a device, a socket)."""
    path = Path(path)
    kind = non_regular(path)
    if kind == "a directory":
        raise RukpError("is a directory, expected a file" + (f" ({what})" if what != "file" else ""), path=path)
    if kind is not None:
        raise RukpError(f"is {kind}, not a {what} (give a regular file, a pipe or <(…))", path=path)
    if not path.exists():
        raise RukpError(f"{what} not found", path=path)
    return path


def read_bytes(path: str | Path) -> bytes:
    """The bytes of an input file (:func:`check_input`); a FIFO is read once and its bytes kept, so that a
    second read (the gold's checksum) sees the same content."""
    path = check_input(path)
    if not path.is_fifo():
        return path.read_bytes()
    key = str(path.absolute())
    if key not in _PIPES:
        _PIPES[key] = path.read_bytes()
    return _PIPES[key]


def read_text(path: str | Path, *, keep_bom: bool = False) -> str:
    """Read a UTF-8 file (or a FIFO, once); a missing file, a folder, a device or another encoding is a
    :class:`RukpError` naming the file.

    A leading byte-order mark (as some Windows editors write) is dropped, so JSON and JSONL parse; seeds pass
    ``keep_bom=True`` because their text must stay byte for byte what the manifest pins.
    """
    path = Path(path)
    data = read_bytes(path)
    try:
        return data.decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise RukpError(f"not valid UTF-8 (byte {e.start}: {data[e.start:e.start + 1]!r})",
                        path=path, line=line) from None


def split_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line_number, line)`` of a JSONL text, split on ``"\\n"`` only (never on U+2028 and friends)."""
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line.removesuffix("\r")


def iter_jsonl_text(text: str, *, path: str | Path | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line of a JSONL text; each must be a JSON object."""
    for number, line in split_lines(text):
        if not line.strip():
            continue
        obj = loads(line, path=path, line=number)
        if not isinstance(obj, dict):
            raise RukpError(f"expected a JSON object, got a JSON {json_type(obj)}", path=path, line=number)
        yield number, obj


def iter_jsonl(path: str | Path, *, allow_empty: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line of a JSONL file; each must be a JSON object."""
    seen = False
    for number, obj in iter_jsonl_text(read_text(path), path=path):
        seen = True
        yield number, obj
    if not seen and not allow_empty:
        raise RukpError("file is empty (no JSON lines)", path=path)


def read_jsonl(path: str | Path, *, allow_empty: bool = True) -> list[dict[str, Any]]:
    """All objects of a JSONL file, in order (see :func:`iter_jsonl`)."""
    return [obj for _, obj in iter_jsonl(path, allow_empty=allow_empty)]


def read_json(path: str | Path) -> Any:
    """Parse a JSON file strictly (see :func:`loads`); an error names the file and line."""
    return loads(read_text(path), path=path)


_JSON_TYPES = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string",
               list: "array", dict: "object"}


def json_type(value: Any, *, integer: bool = False) -> str:
    """The JSON name of a parsed value's type (``array``, ``string``...), for messages; ``integer``: JSON
    Schema's vocabulary, where an integer is ``integer`` rather than ``number``."""
    name = _JSON_TYPES.get(type(value), type(value).__name__)
    return "number" if name == "integer" and not integer else name
