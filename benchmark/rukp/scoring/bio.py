"""CoNLL BIO tags (token level) → spans, with seqeval's rules; token offsets, end exclusive.

Two modes, as seqeval 1.2.2 reads tags:

- ``"default"`` — seqeval's default (conlleval) chunking, ``get_entities``: a chunk starts at ``B-X``, at an
  ``I-X`` after ``O``, or at any tag whose type differs from the previous one; it ends before ``B``, ``O`` or
  a change of type. A stray ``I-X`` therefore starts a chunk (IOB1-style tolerance).
- ``"iob2"`` — seqeval's strict mode with ``scheme=IOB2``: a chunk is a ``B-X`` followed by the ``I-X`` of the
  same type; an ``I`` that does not continue a chunk is dropped.

Only ``O``, ``B-X`` and ``I-X`` (X non-empty) are accepted; anything else is reported with its position.
Chunks never cross a sentence: call these functions once per sentence.
"""

from __future__ import annotations

from collections.abc import Sequence

from rukp.errors import quote
from rukp.scoring.spans import Span

BIO_MODES: tuple[str, ...] = ("default", "iob2")


def parse_tag(tag: str) -> tuple[str, str | None]:
    """``"B-PER"`` → ``("B", "PER")``, ``"O"`` → ``("O", None)``; ValueError for anything else."""
    if tag == "O":
        return "O", None
    if isinstance(tag, str) and len(tag) > 2 and tag[0] in "BI" and tag[1] == "-":
        return tag[0], tag[2:]
    raise ValueError(f"tag {quote(tag)} is not O, B-<type> or I-<type>")


def tags_to_spans(tags: Sequence[str], *, mode: str = "default") -> list[tuple[int, int, str]]:
    """``(start, end, label)`` chunks over token positions (end exclusive), in order, from one sentence's tags.

    Raises ValueError naming the token position for a tag that is not ``O``, ``B-X`` or ``I-X``.
    """
    return [(s.start, s.end, s.label) for s in bio_to_spans(tags, mode=mode)]


def bio_to_spans(tags: Sequence[str], *, mode: str = "default") -> list[Span]:
    """Chunks of one sentence's BIO tags as :class:`Span` objects over token positions (end exclusive)."""
    if mode not in BIO_MODES:
        raise ValueError(f"mode={mode!r} is not one of {', '.join(BIO_MODES)}")
    parsed = []
    for i, tag in enumerate(tags):
        try:
            parsed.append(parse_tag(tag))
        except ValueError as e:
            raise ValueError(f"token {i}: {e}") from None
    return _default(parsed) if mode == "default" else _iob2(parsed)


def _default(parsed: list[tuple[str, str | None]]) -> list[Span]:
    spans = []
    start = 0
    prev_prefix, prev_type = "O", None
    for i, (prefix, type_) in enumerate([*parsed, ("O", None)]):
        if prev_prefix != "O" and (prefix != "I" or type_ != prev_type):
            spans.append(Span(start, i, prev_type))
        if prefix == "B" or (prefix == "I" and (prev_prefix == "O" or type_ != prev_type)):
            start = i
        prev_prefix, prev_type = prefix, type_
    return spans


def _iob2(parsed: list[tuple[str, str | None]]) -> list[Span]:
    spans = []
    i = 0
    while i < len(parsed):
        prefix, type_ = parsed[i]
        if prefix != "B":
            i += 1
            continue
        j = i + 1
        while j < len(parsed) and parsed[j] == ("I", type_):
            j += 1
        spans.append(Span(i, j, type_))
        i = j
    return spans
