"""Long documents in chunks that fit the model's context, cut on sentence boundaries; items merged back.

Token counts are estimated from characters (:data:`CHARS_PER_TOKEN`, cautious for French with common BPE
vocabularies), so no tokenizer is needed. A chunk is a run of whole sentences; a sentence longer than the
budget alone is cut between words. With ``overlap`` > 0 each chunk repeats the previous chunk's last
sentences for context, and an item that both chunks report at the same place is merged (kept once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rukp.io.align import find_word
from rukp.io.sentences import split_sentences

CHARS_PER_TOKEN = 3.0
#: tokens kept free for the chat format's own tokens (roles, separators) and estimation error
MARGIN_TOKENS = 64


@dataclass(frozen=True)
class Chunk:
    """Characters ``[start, end)`` of the document; ``[start, own_start)`` repeats the previous chunk."""

    start: int
    end: int
    own_start: int


def estimate_tokens(text: str) -> int:
    """A cautious token count of ``text`` (no tokenizer needed)."""
    return int(len(text) / CHARS_PER_TOKEN) + 1


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence offsets: the harness's one rule splitter (:func:`rukp.io.sentences.split_sentences`)."""
    return split_sentences(text)


def _pieces(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut between words into pieces of at most ``max_chars`` (a longer word stays whole)."""
    out = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars + 1)
        if cut <= start:
            nxt = text.find(" ", start + max_chars)
            cut = nxt if nxt != -1 and nxt < end else end
        out.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))
    return out


def chunk_spans(text: str, budget_tokens: int, overlap: int = 0) -> list[Chunk]:
    """Chunks of whole sentences, each within ``budget_tokens`` (estimated) when ``overlap`` allows it."""
    max_chars = max(1, int(budget_tokens * CHARS_PER_TOKEN))
    sentences: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        sentences += _pieces(text, s, e, max_chars) if e - s > max_chars else [(s, e)]
    chunks: list[Chunk] = []
    i = 0
    while i < len(sentences):
        first = max(0, i - overlap) if chunks else i
        j = i + 1
        while j < len(sentences) and sentences[j][1] - sentences[first][0] <= max_chars:
            j += 1
        if first < i and sentences[j - 1][1] - sentences[first][0] > max_chars:
            first = i  # the repeated context does not fit beside this chunk's own sentences
        chunks.append(Chunk(sentences[first][0], sentences[j - 1][1], sentences[i][0]))
        i = j
    return chunks


def _find(text: str, needle: str, start: int, end: int) -> int | None:
    """First word-bounded occurrence of ``needle`` in ``text[start:end]`` (None: not there)."""
    found = find_word(text, needle, start, end)
    return found[0] if found else None


def locate(text: str, chunk: Chunk, items: Sequence[dict[str, Any]]) -> list[int | None]:
    """Where each item of a chunk probably is (items read in text order); used only to merge, never reported."""
    out: list[int | None] = []
    cursor = chunk.start
    for item in items:
        pos = _find(text, item["text"], cursor, chunk.end)
        if pos is None:
            pos = _find(text, item["text"], chunk.start, chunk.end)
        else:
            cursor = pos + 1
        out.append(pos)
    return out


def merge(text: str, found: Sequence[tuple[Chunk, list[dict[str, Any]]]],
          key: Callable[[dict[str, Any]], Any]) -> list[dict[str, Any]]:
    """Items of every chunk in text order; an item found again in a chunk's repeated part is kept once.

    An item of chunk k is a duplicate when it lies in the part repeated from chunk k-1 and chunk k-1 reported
    an item with the same key at the same place (places found by reading each chunk's items in text order).
    """
    out: list[dict[str, Any]] = []
    previous: set[tuple[Any, int]] = set()
    for chunk, items in found:
        places = locate(text, chunk, items)
        for item, pos in zip(items, places, strict=True):
            if pos is not None and pos < chunk.own_start and (key(item), pos) in previous:
                continue
            out.append(item)
        previous = {(key(item), pos) for item, pos in zip(items, places, strict=True) if pos is not None}
    return out
