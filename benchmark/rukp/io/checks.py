"""Checks of one item at the reader boundary (offsets, entity lists, claims, list fields) and JSON lines.

Each check returns or reports ``(reason, message)``: the reason is a stable key for ``skip_invalid``
summaries, the message names the item and the offending value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from rukp.errors import RukpError, quote
from rukp.io.jsonl import json_type, loads, read_text, split_lines
from rukp.io.model import Rows
from rukp.scoring.claims.model import ATTRIBUTES, Claim


def _is_int(x: Any) -> bool:
    return type(x) is int  # bools are ints to Python, not offsets


def offset_problem(item: Mapping[str, Any], what: str, n_chars: int | None) -> tuple[str, str] | None:
    """``(reason, message)`` when ``item``'s start/end are missing, not integers, empty or out of range."""
    for key in ("start", "end"):
        if key not in item:
            return "missing_field", f"{what}: missing field '{key}'"
    s, e = item["start"], item["end"]
    for key, v in (("start", s), ("end", e)):
        if not _is_int(v):
            return "non_integer_offset", f"{what}: '{key}' must be an integer character offset, got {quote(v)}"
    if s >= e:
        return "empty_span", f"{what}: start {s} >= end {e} (spans are [start, end), end exclusive)"
    if s < 0 or (n_chars is not None and e > n_chars):
        limit = f"the text has {n_chars} characters" if n_chars is not None else "offsets must be >= 0"
        return "offset_out_of_range", f"{what}: span [{s}, {e}) is out of range ({limit})"
    return None


def _entity_problem(e: Any, what: str, n_chars: int | None) -> tuple[str, str] | None:
    if not isinstance(e, dict):
        return "wrong_type", f"{what}: expected an object, got {type(e).__name__}"
    bad = offset_problem(e, what, n_chars)
    if bad:
        return bad
    if "label" not in e:
        return "missing_field", f"{what}: missing field 'label'"
    if not isinstance(e["label"], str) or not e["label"]:
        return "wrong_type", f"{what}: 'label' must be a non-empty string, got {quote(e['label'])}"
    eid = e.get("entity_id")
    if eid is not None and (not isinstance(eid, str) or not eid):
        return "wrong_type", f"{what}: 'entity_id' must be a non-empty string or null, got {quote(eid)}"
    return None


_INT = {int}
_ID_TYPES = {str, type(None)}


def _well_formed(starts: list[Any], ends: list[Any], labels: list[Any], entities: list[Any],
                 n_chars: int | None) -> bool:
    """Bulk check of one document's columns (C-level loops); the slow path explains a failure."""
    if not starts:
        return True
    if set(map(type, starts)) != _INT or set(map(type, ends)) != _INT:  # bools are ints to Python, not here
        return False
    if min(starts) < 0 or (n_chars is not None and max(ends) > n_chars) or not all(map(int.__lt__, starts, ends)):
        return False
    if set(map(type, labels)) != {str} or "" in labels:
        return False
    return set(map(type, entities)) <= _ID_TYPES and "" not in entities


def _any_overlap(starts: list[int], ends: list[int]) -> bool:
    """Whether any two spans overlap: in start order, some span must then start before its predecessor ends."""
    if any(map(int.__gt__, starts, starts[1:])):  # not in start order yet
        pairs = sorted(zip(starts, ends, strict=True))
        starts, ends = [p[0] for p in pairs], [p[1] for p in pairs]
    return any(map(int.__lt__, starts[1:], ends))


def _shown(label: str) -> str:
    """A label as a message shows it: as is when short and printable, else quoted and cut."""
    return label if len(label) <= 40 and label.isprintable() else quote(label, 40)


def entity_rows(entities: list[Any], n_chars: int | None, report: Any, *, line: int | None, doc: str,
                side: str, index: Sequence[int] | None = None) -> Rows:
    """Checked columns ``(starts, ends, labels, entity_ids, items)`` of one document, in input order; spans
    with a problem are reported (and left out under ``skip_invalid``); overlapping spans are refused.
    ``index``: each entity's place in the document's original list (messages and ``items``), default its
    place in ``entities``."""
    index = range(len(entities)) if index is None else index
    try:  # fast path: well-formed spans, checked in bulk
        starts, ends = [e["start"] for e in entities], [e["end"] for e in entities]
        labels, ids = [e["label"] for e in entities], [e.get("entity_id") for e in entities]
        ok = _well_formed(starts, ends, labels, ids, n_chars)
    except (KeyError, TypeError, AttributeError):
        ok = False
    if ok:
        items = list(index)
        if not _any_overlap(starts, ends):
            return starts, ends, labels, ids, items
    else:
        rows = []
        for k, e in zip(index, entities, strict=True):
            bad = _entity_problem(e, f"{side} entity {k}", n_chars)
            if bad:
                report(*bad, line=line, doc=doc)
            else:
                rows.append((e["start"], e["end"], e["label"], e.get("entity_id"), k))
        starts, ends, labels, ids, items = (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 5
    overlapping: set[int] = set()
    last: tuple[int, int, int] | None = None
    for s, e, k in sorted(zip(starts, ends, items, strict=True)):  # sweep over starts
        if last is not None and s < last[1]:
            report("overlapping_span", f"{side} entity {k} [{s}, {e}) {_shown(labels[items.index(k)])} overlaps "
                   f"entity {last[2]} [{last[0]}, {last[1]}) {_shown(labels[items.index(last[2])])} (entities are "
                   "flat: no overlap, no nesting)", line=line, doc=doc)
            overlapping.add(k)
            continue
        last = (s, e, k)
    keep = [i for i, k in enumerate(items) if k not in overlapping]
    return tuple([column[i] for i in keep] for column in (starts, ends, labels, ids, items))  # type: ignore[return-value]


_OPTIONAL_STR = ("claimer", "cluster")


def _claim(c: Any, what: str, n_chars: int | None) -> tuple[str, str] | Claim:
    """A :class:`Claim`, or ``(reason, message)`` explaining why ``c`` is not one."""
    if not isinstance(c, dict):
        return "wrong_type", f"{what}: expected an object, got {type(c).__name__}"
    bad = offset_problem(c, what, n_chars)
    if bad:
        return bad
    for key in _OPTIONAL_STR:
        v = c.get(key)
        if v is not None and not (isinstance(v, str) and v) and not (key == "cluster" and _is_int(v)):
            return "wrong_type", f"{what}: '{key}' must be a non-empty string or null, got {quote(v)}"
    cs, ce = c.get("claimer_start"), c.get("claimer_end")
    if (cs is None) != (ce is None):
        return "missing_field", f"{what}: give both 'claimer_start' and 'claimer_end', or neither"
    if cs is not None:
        bad = offset_problem({"start": cs, "end": ce}, f"{what} claimer span", n_chars)
        if bad:
            return bad
    for name, allowed in ATTRIBUTES.items():
        v = c.get(name)
        if v is not None and v not in allowed:
            return "invalid_value", f"{what}: {name} {quote(v)} is not one of {', '.join(allowed)}"
    co = c.get("co_claimers") or []
    if not isinstance(co, list) or not all(isinstance(x, str) for x in co):
        return "wrong_type", f"{what}: 'co_claimers' must be a list of strings, got {quote(co)}"
    cluster = c.get("cluster")
    return Claim(c["start"], c["end"], claimer=c.get("claimer"), claimer_start=cs, claimer_end=ce,
                 polarity=c.get("polarity"), certainty=c.get("certainty"), topic=c.get("topic"),
                 cluster=str(cluster) if cluster is not None else None, co_claimers=tuple(co),
                 id=c.get("id") if isinstance(c.get("id"), str) else None)


def checked_claims(claims: list[Any], n_chars: int | None, report: Any, *, line: int | None, doc: str,
                   side: str, index: Sequence[int] | None = None) -> list[Claim]:
    """The valid claims of one document as :class:`Claim`; the others are reported (``index``: as for
    :func:`entity_rows`)."""
    out = []
    for k, c in zip(range(len(claims)) if index is None else index, claims, strict=True):
        got = _claim(c, f"{side} claim {k}", n_chars)
        if isinstance(got, Claim):
            out.append(got)
        else:
            report(*got, line=line, doc=doc)
    return out


def list_field(obj: Mapping[str, Any], key: str, report: Any, *, line: int | None, doc: str | None,
               hint: str = "") -> list[Any] | None:
    """``obj[key]`` when it is a list; else the problem is reported and None returned."""
    if key not in obj:
        hint = hint or (f" ({key}=True was asked for; to leave them out: {key}=False in Python, --no-{key} on "
                        "the command line)")
        report("missing_field", f"missing field '{key}'{hint}", line=line, doc=doc)
        return None
    value = obj[key]
    if not isinstance(value, list):
        report("wrong_type", f"'{key}' must be a list, got {type(value).__name__}", line=line, doc=doc)
        return None
    return value




def json_lines(path: Path, report: Any, text: str | None = None) -> Iterator[tuple[int, Any]]:
    """``(line, object)`` for every non-blank line, parsed strictly (:func:`rukp.io.jsonl.loads`: no repeated
    key, no NaN or Infinity, bounded nesting) and split on ``"\\n"`` only; ``read_text`` names the file on a bad
    encoding."""
    text = read_text(path) if text is None else text
    seen = False
    for number, raw in split_lines(text):
        if not raw.strip():
            continue
        seen = True
        try:
            obj = loads(raw)
        except RukpError as e:
            report("invalid_json", e.detail, line=number)
            continue
        if not isinstance(obj, dict):
            report("wrong_type", f"expected a JSON object, got a JSON {json_type(obj)}",
                   line=number)
            continue
        yield number, obj
    if not seen:
        raise RukpError("file is empty (no JSON lines)", path=path)


def normalisation_hint(given: str, found: str) -> str:
    """`` (…)`` naming a Unicode normalisation difference when ``given`` and ``found`` differ only by it, else
    ``""``."""
    if given == found or unicodedata.normalize("NFC", given) != unicodedata.normalize("NFC", found):
        return ""
    forms = [f for f in ("NFC", "NFD") if unicodedata.is_normalized(f, found)]
    theirs = f"the document's text is {forms[0]}" if forms else "the document's text is in another form"
    return (f" (the same characters in another Unicode normalisation: {theirs}; normalise the text to the same "
            "form, e.g. unicodedata.normalize)")


def gold_items(items: list[Any], kind: str, text: str | None, ids: dict[str, tuple[int, str]], report: Any,
               mismatch: Any, *, line: int, doc: str) -> tuple[list[Any], list[int]]:
    """A gold document's ``items`` (entities or claims) whose ``id`` and ``text`` hold: an ``id`` is a non-empty
    string used once in the file (``ids`` remembers where each was first), a ``text`` equals the document's text
    at the item's offsets. A text that does not is reported through ``mismatch`` (left out under
    ``skip_invalid``). Returns the kept items and their places in ``items``."""
    kept, index = [], []
    for k, item in enumerate(items):
        if not isinstance(item, Mapping):
            kept.append(item)
            index.append(k)
            continue
        what = f"gold {kind} {k}"
        item_id = item.get("id")
        if item_id is not None:
            if not isinstance(item_id, str) or not item_id:
                report("wrong_type", f"{what}: 'id' must be a non-empty string or null, got {quote(item_id)}",
                       line=line, doc=doc)
            elif item_id in ids:
                first_line, first_doc = ids[item_id]
                report("duplicate_id", f"{what}: id {quote(item_id)} is used twice (first on line {first_line}, "
                       f"document {quote(first_doc)}); each {kind} id must be unique in the gold file",
                       line=line, doc=doc)
            else:
                ids[item_id] = (line, doc)
        given = item.get("text")
        if given is not None and not isinstance(given, str):
            report("wrong_type", f"{what}: 'text' must be a string, got {quote(given)}", line=line, doc=doc)
        s, e = item.get("start"), item.get("end")
        if isinstance(given, str) and text is not None and _is_int(s) and _is_int(e) and 0 <= s < e <= len(text) \
                and text[s:e] != given:
            mismatch("text_mismatch", f"{what} [{s}, {e}): 'text' {quote(given, 60)} does not match the document's "
                     f"text at these offsets, {quote(text[s:e], 60)}{normalisation_hint(given, text[s:e])} (fix "
                     "the offsets or the text; --skip-invalid leaves the item out)", line=line, doc=doc)
            continue
        kept.append(item)
        index.append(k)
    return kept, index


class Presence:
    """Scope inference for one field (``entities`` or ``claims``): with ``wanted`` None, the field is read when
    the first line has it, and a later line that differs is a problem naming it and the first line (under
    ``skip_invalid`` the line is left out); ``wanted`` True demands the field on every line, False never reads it."""

    def __init__(self, key: str, wanted: bool | None, report: Any) -> None:
        self.key, self.wanted, self.report = key, wanted, report
        self.first: tuple[bool, int | None, str | None] | None = None

    def __call__(self, obj: Mapping[str, Any], *, line: int | None, doc: str | None) -> bool | None:
        """Whether to read the field on this line; None when the line is inconsistent (and left out)."""
        if self.wanted is not None:
            return self.wanted
        has = self.key in obj
        if self.first is None:
            self.first = (has, line, doc)
        elif has != self.first[0]:
            _, first_line, first_doc = self.first
            where = f"line {first_line}" if first_line is not None else f"document {quote(first_doc)}"
            self.report("unexpected_field" if has else "missing_field",
                        f"{'has' if has else 'has no'} '{self.key}' field, but {where} "
                        f"{'has none' if has else 'has one'}: give '{self.key}' on every line or on none (to leave "
                        f"them out: {self.key}=False in Python, --no-{self.key} on the command line)",
                        line=line, doc=doc)
            return None
        return has

    @property
    def present(self) -> bool:
        """Whether the field was read (False when no line was seen)."""
        if self.wanted is not None:
            return self.wanted
        return bool(self.first and self.first[0])


def exclusive_ends(entities: list[Any]) -> list[Any]:
    """Entities given with inclusive ends (nervaluate's convention, a one-token entity has ``start == end``) with
    exclusive ends, the harness's convention: ``end + 1`` on every integer end."""
    return [{**e, "end": e["end"] + 1} if isinstance(e, dict) and _is_int(e.get("end")) else e for e in entities]
