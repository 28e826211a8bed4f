"""Place text-anchored items (strings, as LLMs return them) on a document's text: character offsets by rule.

Pure: text and items in, one :class:`Alignment` per item out (same order); no file access. Offsets are
character offsets into the original text with exclusive ends. Every rule places an item on a **free**
occurrence, the first in text order: one that no item with the same *key* holds (the key is the folded text
and the context, plus the claimer for claims, ``kind="claim"``, since two claimers may make claims on one span);
with ``exclusive`` (the harness's flat entities), one that overlaps no span any item holds, including the
``held`` spans and items given with offsets. The rules, tried in this order for each item:

1. **exact**: the item's text, trimmed of surrounding whitespace, occurs verbatim and *word-bounded* (the match
   neither starts nor ends inside a word: never letters/digits on both sides of either boundary; a shorter name
   inside a longer one, such as "Corée" in "Corée du Nord", is word-bounded). Which occurrence:

   - ``occurrence: N`` (1-based) takes the N-th occurrence in text order;
   - ``context: "..."`` restricts the occurrences to those inside an occurrence of the context (found verbatim,
     else normalised as in rule 2); ``occurrence`` then counts inside the context;
   - otherwise each item takes the first free occurrence: three items "Russie" map to the first three
     occurrences. Longer texts are placed first, and (without ``exclusive``) occurrences inside the span of a
     longer item already placed come last, so "Corée" after "Corée du Nord" goes to a standalone "Corée" when
     there is one. An item with no free occurrence left goes on to the next rule.
2. **normalised**: the same, after folding both texts: case folded, accents stripped (NFKD), quotes
   (’'‘‛`´ʼ → ', “”„«»‹› → "), dashes (‐‑‒–—― → -) unified, whitespace runs collapsed to one space, the item
   trimmed. An offset map brings the match back to exact offsets in the original text. ``occurrence: N`` counts
   the folded occurrences when the verbatim ones are fewer than N; an item whose N-th occurrence does not exist
   is unaligned (never placed on another occurrence).
3. **fuzzy**: for items of at least :data:`FUZZY_MIN_CHARS` folded characters (spaces not counted; a shorter
   string is never turned into another word, "resse" into "presse"), the best free window of whole words (in
   the normalised text, 70%–140% of the item's word count) whose normalised Indel similarity
   (:func:`rapidfuzz.fuzz.ratio`) is at least :data:`FUZZY_THRESHOLD` (0.85); ties go to the earliest window,
   then the shorter.
4. **unaligned**: nothing free matched; ``note`` says why: not in the text, every occurrence held by another
   item, or no N-th occurrence.

An item whose context is not found, or whose text is not inside its context, is aligned again without the
context (``note`` says so). Items that already carry ``start`` and ``end`` pass through untouched ("offsets").
With ``every`` (off by default), an item placed by rule 1 or 2 without ``occurrence`` is also projected onto
every other free occurrence of its folded text (``Alignment.more``), for answers that list each entity once.
Work is linear in the number of items (plus the occurrences of each distinct string).

Worked example: in ``"La Russie et la Corée du Nord. La russie a nié. Selon la Corée, la Russie avance."``,
items ``Russie``, ``Russie``, ``Russie`` align exact (3, 9), exact (67, 73), normalised (34, 40): exact
occurrences are used up before the case variant; ``Corée du Nord``, ``Corée`` → exact (16, 29), exact (57, 62);
``Corée du Nordd`` → fuzzy 0.96 on (16, 29) (its key has not taken that span); ``Rusie`` and ``Pyongyang`` →
unaligned (too short for fuzzy matching, and not in the text).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from rukp.errors import RukpError, quote

#: Lowest normalised similarity (0–1) a fuzzy match may have.
FUZZY_THRESHOLD = 0.85
#: Fewest folded characters (spaces not counted) an item needs for fuzzy matching: below it, one changed letter
#: is often another word ("resse"/"presse", "Russee"/"russe").
FUZZY_MIN_CHARS = 8
#: Every status an alignment can have, in report order.
STATUSES = ("offsets", "exact", "normalised", "fuzzy", "unaligned")
Status = Literal["offsets", "exact", "normalised", "fuzzy", "unaligned"]

_FOLD = {**dict.fromkeys("’'‘‛`´ʼ", "'"), **dict.fromkeys("“”„«»‹›\"", '"'), **dict.fromkeys("‐‑‒–—―", "-")}
_WORD = re.compile(r"[^\W_]+")


class Alignment(NamedTuple):
    """Where one item landed: ``start``/``end`` (None when unaligned), the rule that placed it, its score."""

    start: int | None
    end: int | None
    status: Status
    score: float | None = None  # 1.0 for exact/normalised/offsets, the similarity for fuzzy, None when unaligned
    note: str | None = None  # why a context or occurrence was not used, or why the item is unaligned
    more: tuple[tuple[int, int], ...] = ()  # further spans, with ``every``: the item projected onto them

    @property
    def aligned(self) -> bool:
        """True when the item has offsets."""
        return self.status != "unaligned"


def word_bounded(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` neither starts nor ends inside a word (letters/digits on both sides)."""
    inside = (start > 0 and start < len(text) and text[start - 1].isalnum() and text[start].isalnum())
    return not inside and not (0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


def occurrences(text: str, needle: str, start: int = 0, end: int | None = None, *,
                bounded: bool = True) -> list[int]:
    """Start offsets of every (overlapping) occurrence of ``needle`` inside ``text[start:end]``, in order."""
    end = len(text) if end is None else end
    found: list[int] = []
    if not needle:
        return found
    i = text.find(needle, start, end)
    while i >= 0:
        if not bounded or word_bounded(text, i, i + len(needle)):
            found.append(i)
        i = text.find(needle, i + 1, end)
    return found


def find_word(text: str, needle: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """The first word-bounded occurrence of ``needle`` inside ``text[start:end]``, or None."""
    end = len(text) if end is None else end
    if not needle:
        return None
    i = text.find(needle, start, end)
    while i >= 0:
        if word_bounded(text, i, i + len(needle)):
            return i, i + len(needle)
        i = text.find(needle, i + 1, end)
    return None


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch in _FOLD:
        return _FOLD[ch]
    if ch.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", ch.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(s: str) -> str:
    """``s`` folded for comparison: case, accents, quotes, dashes, whitespace runs (rule 2), trimmed."""
    return re.sub(r" +", " ", "".join(_fold_char(c) for c in s)).strip()


class Folded:
    """A text folded as :func:`normalise` does (untrimmed), with the map from folded to original offsets."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        src: list[int] = []
        space = False
        for i, ch in enumerate(text):
            for c in _fold_char(ch):
                if c == " ":
                    if space:
                        continue
                    space = True
                else:
                    space = False
                chars.append(c)
                src.append(i)
        self.original = text
        self.text = "".join(chars)
        self.src = src

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded range ``start:end`` (accents dropped by folding stay with their letter)."""
        o_end = self.src[end - 1] + 1
        while o_end < len(self.original) and unicodedata.combining(self.original[o_end]):
            o_end += 1
        return self.src[start], o_end

    def from_original(self, start: int, end: int) -> tuple[int, int]:
        """The folded range covering the original range ``start:end``."""
        return bisect.bisect_left(self.src, start), bisect.bisect_left(self.src, end)


class _Todo(NamedTuple):
    """An item still to place: its position in the input, text, context, occurrence and key."""

    i: int
    text: str
    context: str | None
    occurrence: int | None
    key: tuple


def _text_item(i: int, item: Mapping[str, Any]) -> tuple[str, str | None, int | None]:
    text, context, occ = item.get("text"), item.get("context"), item.get("occurrence")
    if not isinstance(text, str):
        raise RukpError(f"item #{i}: 'text' must be a string (or give 'start' and 'end'), got {quote(text, 60)}")
    if context is not None and not isinstance(context, str):
        raise RukpError(f"item #{i}: 'context' must be a string, got {quote(context, 60)}")
    if occ is not None and (isinstance(occ, bool) or not isinstance(occ, int) or occ < 1):
        raise RukpError(f"item #{i}: 'occurrence' must be an integer >= 1 (1 = first), got {quote(occ, 60)}")
    return text, context or None, occ


class Occupied:
    """Spans held, kept as sorted disjoint intervals: an overlap test in O(log n), an insertion in text order
    in amortised O(1)."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for span in spans:
            self.add(span)

    def free(self, span: tuple[int, int]) -> bool:
        """True when ``span`` overlaps no held span."""
        i = bisect.bisect_left(self.starts, span[1]) - 1  # the last interval starting before span ends
        return i < 0 or self.ends[i] <= span[0]

    def add(self, span: tuple[int, int]) -> None:
        """Hold ``span`` (merged with the intervals it overlaps)."""
        s, e = span
        lo, hi = bisect.bisect_right(self.ends, s), bisect.bisect_left(self.starts, e)
        if lo < hi:
            s, e = min(s, self.starts[lo]), max(e, self.ends[hi - 1])
        self.starts[lo:hi] = [s]
        self.ends[lo:hi] = [e]


class _Aligner:
    """The state of one call: occurrence indexes per string, the spans held (per key, and by every item)."""

    def __init__(self, text: str, threshold: float, exclusive: bool, held: Iterable[tuple[int, int]]) -> None:
        self.text = text
        self.threshold = threshold
        self.exclusive = exclusive
        self._folded: Folded | None = None
        self._exact: dict[str, list[tuple[int, int]]] = {}
        self._norm: dict[str, list[tuple[int, int]]] = {}
        self._contexts: dict[str, list[tuple[int, int]]] = {}
        self._windows: dict[int, tuple[np.ndarray, np.ndarray, list[str]]] = {}
        self.fuzzy: dict[tuple, list[tuple[float, int, int]]] = {}
        self.fuzzy_next: dict[tuple, int] = {}
        self.held = Occupied(held)  # every span placed so far (with ``exclusive``: no item may overlap one)
        self.by_key: dict[tuple, Occupied] = {}
        self.placed: list[tuple[int, int]] = []  # spans placed by rules 1-2, for "inside a longer item"

    @property
    def folded(self) -> Folded:
        if self._folded is None:
            self._folded = Folded(self.text)
        return self._folded

    def free(self, key: tuple, span: tuple[int, int]) -> bool:
        """Whether ``span`` is free for an item with ``key`` (see the module docstring)."""
        if self.exclusive:
            return self.held.free(span)
        occupied = self.by_key.get(key)
        return occupied is None or occupied.free(span)

    def take(self, key: tuple, span: tuple[int, int]) -> None:
        """Hold ``span`` for ``key`` (and for every item)."""
        self.held.add(span)
        if not self.exclusive:
            self.by_key.setdefault(key, Occupied()).add(span)

    def exact(self, needle: str) -> list[tuple[int, int]]:
        if needle not in self._exact:
            self._exact[needle] = [(s, s + len(needle)) for s in occurrences(self.text, needle)]
        return self._exact[needle]

    def normalised(self, needle: str) -> list[tuple[int, int]]:
        key = normalise(needle)
        if key not in self._norm:
            f = self.folded
            self._norm[key] = [f.to_original(s, s + len(key)) for s in occurrences(f.text, key)]
        return self._norm[key]

    def context(self, context: str) -> list[tuple[int, int]]:
        if context not in self._contexts:
            spans = [(s, s + len(context)) for s in occurrences(self.text, context, bounded=False)]
            if not spans and normalise(context):
                f, key = self.folded, normalise(context)
                spans = [f.to_original(s, s + len(key)) for s in occurrences(f.text, key, bounded=False)]
            self._contexts[context] = spans
        return self._contexts[context]

    def windows(self, size: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Folded-text windows of ``size`` whole words: starts, ends, texts."""
        if size not in self._windows:
            words = [(m.start(), m.end()) for m in _WORD.finditer(self.folded.text)]
            n = max(0, len(words) - size + 1)
            starts = np.array([words[i][0] for i in range(n)], dtype=np.int64)
            ends = np.array([words[i + size - 1][1] for i in range(n)], dtype=np.int64)
            ft = self.folded.text
            self._windows[size] = (starts, ends, [ft[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)])
        return self._windows[size]

    def fuzzy_ranked(self, needle: str, regions: list[tuple[int, int]] | None) -> list[tuple[float, int, int]]:
        """Folded-text windows scoring at least the threshold, best first (ties: earliest, then shorter); none
        for an item shorter than :data:`FUZZY_MIN_CHARS`."""
        query = normalise(needle)
        k = len(_WORD.findall(query))
        if k == 0 or len(query.replace(" ", "")) < FUZZY_MIN_CHARS:
            return []
        fregions = [self.folded.from_original(s, e) for s, e in regions] if regions is not None else None
        ranked: list[tuple[float, int, int]] = []
        for size in range(max(1, k - max(1, k * 3 // 10)), k + max(1, k * 4 // 10) + 1):
            starts, ends, texts = self.windows(size)
            if not texts:
                continue
            scores = process.cdist([query], texts, scorer=fuzz.ratio, score_cutoff=self.threshold * 100,
                                   workers=1)[0]
            keep = np.flatnonzero(scores >= self.threshold * 100)
            for j in keep.tolist():
                s, e = int(starts[j]), int(ends[j])
                if fregions is None or any(a <= s and e <= b for a, b in fregions):
                    ranked.append((float(scores[j]) / 100, s, e))
        ranked.sort(key=lambda r: (-r[0], r[1], r[2]))
        return ranked

    def inside_placed(self) -> Callable[[tuple[int, int]], bool]:
        """A test: is a span strictly inside one already placed (by a longer item)?"""
        spans = sorted(self.placed)
        starts = [s for s, _ in spans]
        reach = np.maximum.accumulate([e for _, e in spans]).tolist() if spans else []
        same_start: dict[int, int] = {}
        for s, e in spans:
            same_start[s] = max(e, same_start.get(s, e))

        def inside(span: tuple[int, int]) -> bool:
            i = bisect.bisect_left(starts, span[0]) - 1  # spans starting strictly before
            return (i >= 0 and reach[i] >= span[1]) or same_start.get(span[0], -1) > span[1]
        return inside


def _within(spans: list[tuple[int, int]], regions: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    if regions is None:
        return spans
    return [sp for sp in spans if any(a <= sp[0] and sp[1] <= b for a, b in regions)]


def _offsets(item: Mapping[str, Any], n: int) -> tuple[int, int] | None:
    """An item's own ``start``/``end`` when they are a valid span of a text of ``n`` characters."""
    s, e = item.get("start"), item.get("end")
    return (s, e) if type(s) is int and type(e) is int and 0 <= s < e <= n else None


def align_items(text: str, items: Sequence[Mapping[str, Any]], *, kind: Literal["entity", "claim"] = "entity",
                threshold: float = FUZZY_THRESHOLD, exclusive: bool = False,
                held: Iterable[tuple[int, int]] = (), every: bool = False) -> list[Alignment]:
    """Align each item (``{"text", "context"?, "occurrence"?}`` or ``{"start", "end"}``) to ``text`` by the rules.

    ``kind="claim"`` adds the item's ``claimer`` to its key, so claims by different claimers may share a span.
    ``exclusive``: no item is placed on a span overlapping one that any item holds (the harness's flat
    entities: ``held`` spans, items with offsets, items placed before), so a variant goes to a free occurrence.
    ``every``: an item placed by rule 1 or 2 (no ``occurrence``) is also projected onto every other free
    occurrence of its folded text (``Alignment.more``).
    """
    if kind not in ("entity", "claim"):
        raise RukpError(f"kind must be 'entity' or 'claim', got {kind!r}")
    if not 0 < threshold <= 1:
        raise RukpError(f"threshold must be in (0, 1], got {threshold!r}")
    out: list[Alignment | None] = [None] * len(items)
    todo: list[_Todo] = []
    given: list[tuple[int, int]] = []
    folded: dict[str, str] = {}  # each distinct text folded once
    for i, item in enumerate(items):
        if item.get("start") is not None and item.get("end") is not None:
            out[i] = Alignment(item["start"], item["end"], "offsets", 1.0)
            span = _offsets(item, len(text))
            if span is not None:
                given.append(span)
            continue
        text_, context, occurrence = _text_item(i, item)
        text_ = text_.strip()
        claimer = str(item.get("claimer")) if kind == "claim" else None
        form = folded.get(text_)
        if form is None:
            form = folded[text_] = normalise(text_)
        todo.append(_Todo(i, text_, context, occurrence, (form, context, claimer)))
    al = _Aligner(text, threshold, exclusive, [*held, *given] if exclusive else ())
    notes: dict[int, str] = {}
    retry = _run(al, todo, out, notes, use_context=True)
    if retry:
        again = [_Todo(e.i, e.text, None, e.occurrence, (e.key[0], None, e.key[2])) for e in retry]
        _run(al, again, out, notes, use_context=False)
    if every:
        _project(al, todo, out)
    return [a if a is not None else Alignment(None, None, "unaligned") for a in out]


def _run(al: _Aligner, todo: list[_Todo], out: list[Alignment | None], notes: dict[int, str], *,
         use_context: bool) -> list[_Todo]:
    """Rules 1-4 for ``todo``; returns the items to align again without their context."""
    regions = {e.i: (al.context(e.context) if e.context and use_context else None) for e in todo}
    retry = [e for e in todo if e.context and use_context and not regions[e.i]]
    for e in retry:
        notes[e.i] = "context not found in the text; aligned without it"
    live = [e for e in todo if not (e.context and use_context and not regions[e.i])]
    live = _place(al, live, out, notes, regions)
    for e in live:
        if e.occurrence is not None:  # rules 1-2 found fewer occurrences: never another occurrence
            if regions[e.i] is not None:
                notes[e.i] = "not found inside its context; aligned without it"
                retry.append(e)
            else:
                n = max(len(al.exact(e.text)), len(al.normalised(e.text)))
                shown = str(e.occurrence) if e.occurrence < 10**12 else f"{str(e.occurrence)[:12]}…"
                out[e.i] = _unaligned(notes, e, f"occurrence {shown} asked for, and the text has {_times(n)} it")
            continue
        if e.key not in al.fuzzy:
            al.fuzzy[e.key] = al.fuzzy_ranked(e.text, regions[e.i])
            al.fuzzy_next[e.key] = 0
        ranked = al.fuzzy[e.key]
        # a window found taken stays taken (held spans only grow): each key walks its ranking once
        while al.fuzzy_next[e.key] < len(ranked):
            score, s, end = ranked[al.fuzzy_next[e.key]]
            al.fuzzy_next[e.key] += 1
            span = al.folded.to_original(s, end)
            if al.free(e.key, span):
                al.take(e.key, span)
                out[e.i] = Alignment(*span, "fuzzy", round(score, 4), notes.get(e.i))
                break
        else:
            if regions[e.i] is not None:
                notes[e.i] = "not found inside its context; aligned without it"
                retry.append(e)
            else:
                out[e.i] = _unaligned(notes, e, _why(al, e))
    return retry


def _times(n: int) -> str:
    return "no occurrence of" if n == 0 else "1 occurrence of" if n == 1 else f"{n} occurrences of"


def _unaligned(notes: dict[int, str], e: _Todo, why: str) -> Alignment:
    note = notes.get(e.i)
    return Alignment(None, None, "unaligned", None, f"{note}; {why}" if note else why)


def _why(al: _Aligner, e: _Todo) -> str:
    """Why an item without ``occurrence`` matched nothing free: held elsewhere, or not in the text."""
    if al.exact(e.text) or al.normalised(e.text) or al.fuzzy.get(e.key):
        if al.exclusive:
            return "every place it matches is held by another item (entities are flat)"
        return "every occurrence is taken by an item with the same text" + (
            " and claimer" if e.key[2] is not None else "")
    if len(normalise(e.text).replace(" ", "")) < FUZZY_MIN_CHARS:
        return f"not found in the text (too short for fuzzy matching: under {FUZZY_MIN_CHARS} characters)"
    return "not found in the text"


def _place(al: _Aligner, todo: list[_Todo], out: list[Alignment | None], notes: dict[int, str],
           regions: dict[int, list[tuple[int, int]] | None]) -> list[_Todo]:
    """Rules 1-2: explicit occurrences first (verbatim, else folded); then, longest folded texts first, each item
    on the first free verbatim occurrence, else on the first free folded one; returns the rest."""
    rules: tuple[tuple[Status, Callable[[str], list[tuple[int, int]]]], ...] = (
        ("exact", al.exact), ("normalised", al.normalised))
    explicit = [e for e in todo if e.occurrence is not None]
    for rule, finder in rules:
        rest: list[_Todo] = []
        for e in explicit:
            spans = _within(finder(e.text), regions[e.i])
            if len(spans) < e.occurrence:
                rest.append(e)
                continue
            span = spans[e.occurrence - 1]
            if al.exclusive and not al.held.free(span):
                out[e.i] = _unaligned(notes, e, f"its occurrence {e.occurrence} overlaps another item (entities "
                                      "are flat)")
                continue
            al.take(e.key, span)
            al.placed.append(span)
            out[e.i] = Alignment(*span, rule, 1.0, notes.get(e.i))
        explicit = rest
    left = explicit
    by_len: dict[int, list[_Todo]] = {}
    for e in todo:
        if e.occurrence is None:
            by_len.setdefault(len(e.key[0]), []).append(e)
    for length in sorted(by_len, reverse=True):  # a longer text first, even a variant: "CHOE SON-HUI" before "Choe"
        inside = None if al.exclusive else al.inside_placed()
        level: list[tuple[int, int]] = []
        items = by_len[length]
        for rule, finder in rules:  # verbatim occurrences are used up before the folded ones
            queues: dict[tuple, list] = {}  # (text, key) -> [candidate spans in order, next index]
            rest = []
            for e in items:
                qkey = (e.text, e.key)
                if qkey not in queues:
                    spans = _within(finder(e.text), regions[e.i])
                    if inside is not None:
                        spans = [sp for sp in spans if not inside(sp)] + [sp for sp in spans if inside(sp)]
                    queues[qkey] = [spans, 0]
                q = queues[qkey]
                spans, k = q
                while k < len(spans) and not al.free(e.key, spans[k]):  # a span found held stays held
                    k += 1
                if k < len(spans):
                    span = spans[k]
                    al.take(e.key, span)
                    level.append(span)
                    out[e.i] = Alignment(*span, rule, 1.0, notes.get(e.i))
                    k += 1
                else:
                    rest.append(e)
                q[1] = k
            items = rest
        left += items
        al.placed.extend(level)
    left.sort(key=lambda e: e.i)
    return left


def _project(al: _Aligner, todo: list[_Todo], out: list[Alignment | None]) -> None:
    """With ``every``: each item placed by rule 1 or 2 without ``occurrence`` also takes every other free
    occurrence of its folded text (inside its context when it has one)."""
    for e in todo:
        a = out[e.i]
        if a is None or a.status not in ("exact", "normalised") or e.occurrence is not None:
            continue
        regions = al.context(e.context) if e.context and (a.note is None or "context" not in a.note) else None
        more = []
        for span in _within(sorted(set(al.exact(e.text)) | set(al.normalised(e.text))), regions):
            if al.free(e.key, span):
                al.take(e.key, span)
                more.append(span)
        if more:
            out[e.i] = a._replace(more=tuple(more))


def count_statuses(alignments: Iterable[Alignment]) -> dict[str, int]:
    """How many alignments have each status (every status present, in :data:`STATUSES` order)."""
    counts = dict.fromkeys(STATUSES, 0)
    for a in alignments:
        counts[a.status] += 1
    return counts
