"""Place text-anchored items (strings, as LLMs return them) on a document's text: character offsets by rule.

Pure: text and items in, one :class:`Alignment` per item out (same order); no file access. Offsets are
character offsets into the original text with exclusive ends. The rules, tried in this order for each item:

1. **exact**: the item's text, trimmed of surrounding whitespace, occurs verbatim and *word-bounded* (the match
   neither starts nor ends inside a word: never letters/digits on both sides of either boundary; a shorter name
   inside a longer one, such as "Corée" in "Corée du Nord", is word-bounded). Which occurrence:

   - ``occurrence: N`` (1-based) takes the N-th occurrence in text order;
   - ``context: "..."`` restricts the occurrences to those inside an occurrence of the context (found verbatim,
     else normalised as in rule 2); ``occurrence`` then counts inside the context;
   - otherwise items with the same *key* take successive occurrences (a cursor per key): three items "Russie"
     map to the first three occurrences. The key is the text and the context, plus the claimer for claims
     (``kind="claim"``), since two claimers may make claims on one span. Occurrences inside the span of a
     longer item already placed come last, so "Corée" after "Corée du Nord" goes to a standalone "Corée" when
     there is one. An item whose key has no occurrence left goes on to the next rule.
2. **normalised**: the same, after folding both texts: case folded, accents stripped (NFKD), quotes
   (’'‘‛`´ʼ → ', “”„«»‹› → "), dashes (‐‑‒–—― → -) unified, whitespace runs collapsed to one space, the item
   trimmed. An offset map brings the match back to exact offsets in the original text.
3. **fuzzy**: the best window of whole words (in the normalised text, 70%–140% of the item's word count) whose
   normalised Indel similarity (:func:`rapidfuzz.fuzz.ratio`) is at least :data:`FUZZY_THRESHOLD` (0.85); ties go
   to the earliest window, then the shorter. ``occurrence`` is not used; a window overlapping a span the key
   already took is skipped.
4. **unaligned**: nothing matched (the harness counts the item as spurious and lists it).

An item whose context is not found, or whose text is not inside its context, is aligned again without the
context (``note`` says so). Items that already carry ``start`` and ``end`` pass through untouched ("offsets").

Worked example: in ``"La Russie et la Corée du Nord. La russie a nié. Selon la Corée, la Russie avance."``,
items ``Russie``, ``Russie``, ``Russie`` align exact (3, 9), exact (67, 73), normalised (34, 40): exact
occurrences are used up before the case variant; ``Corée du Nord``, ``Corée`` → exact (16, 29), exact (57, 62);
``Rusie`` → fuzzy 0.91 on the first "Russie" not taken by the key ``Rusie`` (3, 9); ``Pyongyang`` → unaligned.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from rapidfuzz import fuzz, process

from rukp.errors import RukpError, quote

#: Lowest normalised similarity (0–1) a fuzzy match may have.
FUZZY_THRESHOLD = 0.85
#: Every status an alignment can have, in report order.
STATUSES = ("offsets", "exact", "normalised", "fuzzy", "unaligned")
Status = Literal["offsets", "exact", "normalised", "fuzzy", "unaligned"]

_FOLD = {**dict.fromkeys("’'‘‛`´ʼ", "'"), **dict.fromkeys("“”„«»‹›\"", '"'), **dict.fromkeys("‐‑‒–—―", "-")}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Alignment:
    """Where one item landed: ``start``/``end`` (None when unaligned), the rule that placed it, its score."""

    start: int | None
    end: int | None
    status: Status
    score: float | None = None  # 1.0 for exact/normalised/offsets, the similarity for fuzzy, None when unaligned
    note: str | None = None  # why a context or occurrence was not used, when it was not

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


@dataclass(frozen=True)
class _Todo:
    """An item still to place: its position in the input, text, context, occurrence and cursor key."""

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


class _Aligner:
    """The state of one call: occurrence indexes per string, the spans each key has taken."""

    def __init__(self, text: str, threshold: float, exclusive: bool = False) -> None:
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
        self.used: dict[tuple, set[tuple[int, int]]] = {}
        self.placed: list[tuple[int, int]] = []  # spans placed by rules 1-2, for "inside a longer item"
        self.taken: set[tuple[int, int]] = set()  # every span placed so far (a fuzzy window avoids them)

    @property
    def folded(self) -> Folded:
        if self._folded is None:
            self._folded = Folded(self.text)
        return self._folded

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
        """Folded-text windows scoring at least the threshold, best first (ties: earliest, then shorter)."""
        query = normalise(needle)
        k = len(_WORD.findall(query))
        if k == 0:
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


def _overlaps(spans: set[tuple[int, int]], span: tuple[int, int]) -> bool:
    """True when ``span`` overlaps one of ``spans`` (a fuzzy window never reuses part of a span its key took)."""
    return span in spans or any(s < span[1] and span[0] < e for s, e in spans)


def _within(spans: list[tuple[int, int]], regions: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    if regions is None:
        return spans
    return [sp for sp in spans if any(a <= sp[0] and sp[1] <= b for a, b in regions)]


def align_items(text: str, items: Sequence[Mapping[str, Any]], *, kind: Literal["entity", "claim"] = "entity",
                threshold: float = FUZZY_THRESHOLD, exclusive: bool = False) -> list[Alignment]:
    """Align each item (``{"text", "context"?, "occurrence"?}`` or ``{"start", "end"}``) to ``text`` by the rules.

    ``kind="claim"`` adds the item's ``claimer`` to the cursor key, so claims by different claimers may share a span.
    ``exclusive``: a fuzzy window never takes a span that any other item already holds (the harness's flat
    entities: a misspelled name goes to a free occurrence rather than onto one an exact item took).
    """
    if kind not in ("entity", "claim"):
        raise RukpError(f"kind must be 'entity' or 'claim', got {kind!r}")
    if not 0 < threshold <= 1:
        raise RukpError(f"threshold must be in (0, 1], got {threshold!r}")
    out: list[Alignment | None] = [None] * len(items)
    todo: list[_Todo] = []
    for i, item in enumerate(items):
        if item.get("start") is not None and item.get("end") is not None:
            out[i] = Alignment(item["start"], item["end"], "offsets", 1.0)
            continue
        text_, context, occurrence = _text_item(i, item)
        text_ = text_.strip()
        claimer = str(item.get("claimer")) if kind == "claim" else None
        todo.append(_Todo(i, text_, context, occurrence, (text_, context, claimer)))
    al = _Aligner(text, threshold, exclusive)
    notes: dict[int, str] = {}
    retry = _run(al, todo, out, notes, use_context=True)
    if retry:
        again = [_Todo(e.i, e.text, None, e.occurrence, (e.text, None, e.key[2])) for e in retry]
        _run(al, again, out, notes, use_context=False)
    return [a if a is not None else Alignment(None, None, "unaligned") for a in out]


def _run(al: _Aligner, todo: list[_Todo], out: list[Alignment | None], notes: dict[int, str], *,
         use_context: bool) -> list[_Todo]:
    """Rules 1-4 for ``todo``; returns the items to align again without their context."""
    regions = {e.i: (al.context(e.context) if e.context and use_context else None) for e in todo}
    retry = [e for e in todo if e.context and use_context and not regions[e.i]]
    for e in retry:
        notes[e.i] = "context not found in the text; aligned without it"
    live = [e for e in todo if not (e.context and use_context and not regions[e.i])]
    live = _place(al, live, out, notes, regions, "exact", al.exact)
    live = _place(al, live, out, notes, regions, "normalised", al.normalised)
    for e in live:
        if e.occurrence is not None:
            notes.setdefault(e.i, f"occurrence {e.occurrence} not found")
        if e.key not in al.fuzzy:
            al.fuzzy[e.key] = al.fuzzy_ranked(e.text, regions[e.i])
            al.fuzzy_next[e.key] = 0
        used, ranked = al.used.setdefault(e.key, set()), al.fuzzy[e.key]
        # a window skipped once stays skipped (the key's spans only grow): each key walks its ranking once
        while al.fuzzy_next[e.key] < len(ranked):
            score, s, end = ranked[al.fuzzy_next[e.key]]
            al.fuzzy_next[e.key] += 1
            span = al.folded.to_original(s, end)
            # never a span overlapping one its key took (with ``exclusive``: nor one any other item holds)
            if not _overlaps(used, span) and not (al.exclusive and _overlaps(al.taken, span)):
                used.add(span)
                al.taken.add(span)
                out[e.i] = Alignment(*span, "fuzzy", round(score, 4), notes.get(e.i))
                break
        else:
            if regions[e.i] is not None:
                notes[e.i] = "not found inside its context; aligned without it"
                retry.append(e)
            else:
                out[e.i] = Alignment(None, None, "unaligned", None, notes.get(e.i))
    return retry


def _place(al: _Aligner, todo: list[_Todo], out: list[Alignment | None], notes: dict[int, str],
           regions: dict[int, list[tuple[int, int]] | None], rule: Status,
           finder: Callable[[str], list[tuple[int, int]]]) -> list[_Todo]:
    """Rule 1 or 2: explicit occurrences first, then a cursor per key, longest texts first; returns the rest."""
    left: list[_Todo] = []
    for e in todo:
        if e.occurrence is None:
            continue
        spans = _within(finder(e.text), regions[e.i])
        if len(spans) >= e.occurrence:
            span = spans[e.occurrence - 1]
            al.used.setdefault(e.key, set()).add(span)
            al.placed.append(span)
            al.taken.add(span)
            out[e.i] = Alignment(*span, rule, 1.0, notes.get(e.i))
        else:
            left.append(e)
    by_len: dict[int, list[_Todo]] = {}
    for e in todo:
        if e.occurrence is None:
            by_len.setdefault(len(e.text), []).append(e)
    for length in sorted(by_len, reverse=True):
        inside = al.inside_placed()
        queues: dict[tuple, deque[tuple[int, int]]] = {}
        level: list[tuple[int, int]] = []
        for e in by_len[length]:
            if e.key not in queues:
                spans = _within(finder(e.text), regions[e.i])
                queues[e.key] = deque([sp for sp in spans if not inside(sp)] + [sp for sp in spans if inside(sp)])
            used, q = al.used.setdefault(e.key, set()), queues[e.key]
            while q and q[0] in used:
                q.popleft()
            if q:
                span = q.popleft()
                used.add(span)
                level.append(span)
                al.taken.add(span)
                out[e.i] = Alignment(*span, rule, 1.0, notes.get(e.i))
            else:
                left.append(e)
        al.placed.extend(level)
    left.sort(key=lambda e: e.i)
    return left


def count_statuses(alignments: Iterable[Alignment]) -> dict[str, int]:
    """How many alignments have each status (every status present, in :data:`STATUSES` order)."""
    counts = dict.fromkeys(STATUSES, 0)
    for a in alignments:
        counts[a.status] += 1
    return counts
