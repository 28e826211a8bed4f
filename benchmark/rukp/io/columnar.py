"""Columnar fast path of the gold loader and the JSONL predictions reader: pyarrow reads, numpy checks.

Used by :func:`rukp.io.gold.load_gold` and :func:`rukp.io.readers.jsonl.load_jsonl`.

The line-by-line loaders check every value with Python code, which dominates an evaluation of a large file.
Here a file is first scanned once as bytes (:func:`scan_lines`) to make sure it is laid out exactly as the
line-by-line reader splits it, one JSON object per line, so that row ``i`` of pyarrow's table is line ``i + 1``;
then every rule of the line-by-line loader is checked on whole columns. Whatever this path cannot vouch for (a
small file, claims to read, a parse error, a null, an unknown or repeated document, an empty, out-of-range or
overlapping span...) gives None, and the caller runs the line-by-line loader, which reports the problem with its
file, line and document as before, or reads the file itself. Both paths accept the same files and build the
same gold and predictions.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rukp.io import arrow
from rukp.io.arrow import int_values, string_codes, valid_mask
from rukp.io.model import Gold, GoldDocument, Predictions, SpanArrays
from rukp.io.sentences import split_sentences

#: Files smaller than this are read line by line (fast enough, and no pyarrow start-up).
MIN_BYTES = 1 << 20

#: Bytes read at a time by :func:`scan_lines`.
CHUNK_BYTES = 8 << 20

#: Bytes pyarrow parses per task (blocks are parsed in parallel): small enough to keep every core busy on a
#: file of a few megabytes; raised to twice the longest line when a line is longer.
BLOCK_BYTES = 4 << 20

#: Control characters that are never valid in JSON (outside a string they are not whitespace, inside one they
#: must be escaped): a file holding one goes to the line-by-line reader, which names the line. ``\r`` is
#: allowed only before ``\n`` (the line-by-line reader splits on ``\n`` only; U+2028 is an ordinary character).
_BREAKS_ASCII = (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")
_NEWLINE, _RETURN, _OPEN, _CLOSE = b"\n\r{}"
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass(frozen=True)
class Lines:
    """What :func:`scan_lines` counted: lines, and the length of the longest in bytes."""

    count: int
    longest: int


def _lines_in(data: bytes, cut: int) -> Lines | None:
    """Lines in ``data[:cut]`` (whole lines), or None unless each is one ``{...}`` object with nothing around
    it. (Bytes after ``cut`` may be looked at too: they are checked again with the next chunk.)"""
    if not data.isascii():
        try:
            data[:cut].decode("utf-8")
        except UnicodeDecodeError:
            return None
    if data[0] != _OPEN or any(data.find(c, 0, cut) >= 0 for c in _BREAKS_ASCII):
        return None
    if _SURROGATE.search(data, 0, cut):  # the line-by-line reader refuses a lone one, naming the line
        return None
    chars = np.frombuffer(data, dtype=np.uint8, count=cut)
    ends = np.flatnonzero(chars == _NEWLINE)
    before = ends - 1  # >= 0: the chunk starts with "{"
    if data.find(b"\r", 0, cut) >= 0:
        crlf = chars[before] == _RETURN
        if int(crlf.sum()) != data.count(b"\r", 0, cut):  # a "\r" not followed by "\n" breaks a line too
            return None
        before -= crlf
    last = cut - 1
    inner = ends[:-1] if len(ends) and ends[-1] == last else ends
    if (chars[before] != _CLOSE).any() or (chars[inner + 1] != _OPEN).any():
        return None
    if chars[last] != _NEWLINE and chars[last] != _CLOSE:
        return None
    if arrow.too_deep(data[:cut]):
        return None
    longest = int(np.diff(ends, prepend=-1).max(initial=0))
    if chars[last] != _NEWLINE:  # the file's last line, without a line end
        return Lines(len(ends) + 1, max(longest, cut - (int(ends[-1]) + 1 if len(ends) else 0)))
    return Lines(len(ends), longest)


def scan_lines(path: Path) -> Lines | None:
    r"""The number of lines of a file that is valid UTF-8 with one JSON object per line: every line starts with
    ``{`` and ends with ``}``, no line is blank or nested too deep (:func:`rukp.io.arrow.too_deep`), and no
    character but ``\n`` (or ``\r\n``) breaks a line. A
    line boundary is then always between two top-level objects (a string cannot hold a raw line break), so when
    pyarrow reads as many rows as there are lines, row ``i`` is line ``i + 1``. None for any other layout."""
    lines, longest = 0, 0
    size = CHUNK_BYTES
    with path.open("rb") as fh:
        while block := fh.read(size):
            cut = len(block) if len(block) < size else block.rfind(b"\n") + 1  # whole lines
            if not cut:  # a line longer than the chunk: read again, more at a time
                fh.seek(-len(block), 1)
                size *= 2
                continue
            found = _lines_in(block, cut)
            if found is None:
                return None
            lines, longest = lines + found.count, max(longest, found.longest)
            fh.seek(cut - len(block), 1)
    return Lines(lines, longest) if lines else None


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (hashlib lets other threads run meanwhile)."""
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK_BYTES):
            sha.update(block)
    return sha.hexdigest()


def _read(path: Path, fields: list) -> arrow.pa.Table | None:
    """The table of ``fields`` with one row per line; None when the fast path does not apply."""
    try:
        if arrow.pa is None or path.stat().st_size < MIN_BYTES:
            return None
    except OSError:  # the line-by-line loader names a missing file
        return None
    lines = scan_lines(path)
    if lines is None:
        return None
    table = arrow.read_table(path, fields, block_size=max(BLOCK_BYTES, 2 * lines.longest), depth_checked=True)
    return table if table is not None and table.num_rows == lines.count else None


def _spans(entities: arrow.pa.ChunkedArray, docs: np.ndarray, n_chars: np.ndarray
           ) -> SpanArrays | None:
    """Span columns of the ``entities`` lists (row ``r`` is line ``r + 1`` and belongs to document position
    ``docs[r]``, whose text has ``n_chars[r]`` characters, -1 unknown), or None unless every span passes the
    line-by-line checks: integer offsets, ``0 <= start < end <= len(text)``, a non-empty label, an entity id
    that is a non-empty string or null, and no two spans of a line overlapping."""
    entities = entities.combine_chunks()
    if entities.null_count:
        return None
    flat = entities.flatten()
    if flat.null_count or any(flat.field(k).null_count for k in ("start", "end", "label")):
        return None
    counts = np.diff(int_values(entities.offsets, np.int32))
    start, end = int_values(flat.field("start"), np.int64), int_values(flat.field("end"), np.int64)
    row = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    limit = n_chars[row]
    if ((start < 0) | (end <= start) | ((limit >= 0) & (end > limit))).any():
        return None
    same = row[1:] == row[:-1]  # a line's spans are contiguous
    s, e = start, end
    if (same & (s[1:] < s[:-1])).any():  # not in start order within a line: check a sorted copy
        order = np.lexsort((start, row))
        s, e = start[order], end[order]
    if (same & (s[1:] < e[:-1])).any():  # in start order, a span starts before the previous one ends
        return None
    label, labels = string_codes(flat.field("label"))
    entity, entity_ids = string_codes(flat.field("entity_id"))
    if "" in labels or "" in entity_ids:
        return None
    return SpanArrays(docs[row], start, end, label, tuple(labels), entity, tuple(entity_ids), row + 1, None)


def _ids_and_texts(entities: arrow.pa.ChunkedArray, texts: list[str | None], *, ids: bool = True) -> bool:
    """Whether the entities' optional ``id`` (a non-empty string, each used once; only with ``ids``, for the
    gold) and ``text`` (the document's text at the entity's offsets; ``texts[r]`` is row ``r``'s) hold, as the
    line-by-line loaders demand."""
    pa = arrow.pa
    entities = entities.combine_chunks()
    kind = entities.type.value_type
    names = {kind.field(i).name for i in range(kind.num_fields)}
    flat = entities.flatten()
    for name in ("id", "text") if names & {"id", "text"} else ():
        if name not in names or (name == "id" and not ids):
            continue
        column = flat.field(name)
        if not (pa.types.is_string(column.type) or pa.types.is_null(column.type)):
            return False
        values = column.to_pylist()
        if name == "id":
            given = [v for v in values if v is not None]
            if "" in given or len(set(given)) != len(given):
                return False
            continue
        counts = np.diff(int_values(entities.offsets, np.int32))
        rows = np.repeat(np.arange(len(counts)), counts).tolist()
        starts, ends = flat.field("start").to_pylist(), flat.field("end").to_pylist()
        for value, row, start, end in zip(values, rows, starts, ends, strict=True):
            if value is not None and texts[row] is not None and texts[row][start:end] != value:
                return False
    return True


def _sentences(column: arrow.pa.ChunkedArray, texts: list[str | None], n_chars: np.ndarray
               ) -> list[list[tuple[int, int]] | None] | None:
    """Each document's sentences, sorted (given, or split from its text when not given and it has one), or
    None unless every given sentence has ``0 <= start < end <= len(text)``."""
    column = column.combine_chunks()
    given = valid_mask(column)
    if not given.any():
        return [split_sentences(t) if t is not None else None for t in texts]
    flat = column.flatten()
    counts = np.diff(int_values(column.offsets, np.int32))
    if counts[~given].any() or flat.null_count or flat.field("start").null_count or flat.field("end").null_count:
        return None
    start, end = int_values(flat.field("start"), np.int64), int_values(flat.field("end"), np.int64)
    limit = n_chars[np.repeat(np.arange(len(counts)), counts)]
    if ((start < 0) | (end <= start) | ((limit >= 0) & (end > limit))).any():
        return None
    pairs = list(zip(start.tolist(), end.tolist(), strict=True))
    bounds = np.concatenate([[0], np.cumsum(counts)]).tolist()
    return [sorted(pairs[bounds[i]:bounds[i + 1]]) if given[i] else
            (split_sentences(text) if text is not None else None) for i, text in enumerate(texts)]


def _mentions(path: Path, key: bytes) -> bool:
    """Whether the file holds the bytes ``"key"`` anywhere (a field of that name; None-scope inference: a file
    that may have the field is left to the line-by-line reader)."""
    import mmap

    try:
        with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            return mm.find(b'"' + key + b'"') >= 0
    except (OSError, ValueError):
        return True


def _entities_only(path: Path, entities: bool | None, claims: bool | None) -> bool:
    """Whether the fast path applies to this scope: entities read, claims not (False, or None and absent)."""
    if claims or entities is False or arrow.pa is None:
        return False
    try:
        if path.stat().st_size < MIN_BYTES:
            return False
    except OSError:
        return False
    return claims is False or not _mentions(path, b"claims")


def load_gold(path: Path, *, entities: bool | None, claims: bool | None) -> Gold | None:
    """The gold file read column-wise, or None when the line-by-line loader must read it (see the module)."""
    if not _entities_only(path, entities, claims):
        return None
    with ThreadPoolExecutor(max_workers=1) as pool:
        sha256 = pool.submit(file_sha256, path)  # meanwhile, the file is scanned and parsed
        documents, spans = _gold_columns(path)
        if documents is None:
            sha256.cancel()
            return None
        return Gold(str(path), sha256.result(), documents, spans, True, False)


def _gold_columns(path: Path) -> tuple[list[GoldDocument], SpanArrays] | tuple[None, None]:
    """The gold documents and their entity spans, or ``(None, None)`` (see :func:`load_gold`)."""
    pa = arrow.pa
    sentence = pa.struct([("start", pa.int64()), ("end", pa.int64())])
    table = _read(path, [("id", pa.string()), ("text", pa.string()), ("sentences", pa.list_(sentence)),
                         ("entities", pa.list_(arrow.entity_type()))])
    if table is None:
        return None, None
    try:
        ids = table.column("id")
        if ids.null_count:
            return None, None
        ids = ids.to_pylist()
        if "" in ids or len(set(ids)) != len(ids):
            return None, None
        texts = table.column("text").to_pylist()
        n_chars = np.fromiter((-1 if t is None else len(t) for t in texts), dtype=np.int64, count=len(texts))
        spans = _spans(table.column("entities"), np.arange(len(ids), dtype=np.int64), n_chars)
        if spans is not None and not _ids_and_texts(table.column("entities"), texts):
            spans = None
        sentences = _sentences(table.column("sentences"), texts, n_chars) if spans is not None else None
    finally:
        del table
        arrow.release_memory()
    if sentences is None:
        return None, None
    documents = [GoldDocument(doc_id, line, text, sents, []) for line, doc_id, text, sents in
                 zip(range(1, len(ids) + 1), ids, texts, sentences, strict=True)]
    return documents, spans


def load_predictions(path: Path, gold: Gold, *, entities: bool | None, claims: bool | None) -> Predictions | None:
    """A predictions JSONL file read column-wise, or None when the line-by-line loader must read it."""
    pa = arrow.pa
    if not _entities_only(path, entities, claims) or (claims is not False and _mentions(path, b"sentences")):
        return None  # sentence-level claims are read line by line
    table = _read(path, [("doc_id", pa.string()), ("entities", pa.list_(arrow.entity_type()))])
    if table is None:
        return None
    try:
        ids = table.column("doc_id")
        if ids.null_count:
            return None
        try:
            docs = np.fromiter(map(gold.index.__getitem__, ids.to_pylist()), dtype=np.int64, count=len(ids))
        except KeyError:
            return None
        if len(np.unique(docs)) != len(docs):
            return None
        spans = _spans(table.column("entities"), docs, gold.text_lengths[docs])
        if spans is not None and not _ids_and_texts(table.column("entities"),
                                                    [gold.documents[d].text for d in docs.tolist()], ids=False):
            spans = None  # an entity whose text contradicts its offsets: the line-by-line reader names it
    finally:
        del table
        arrow.release_memory()
    if spans is None:
        return None
    return Predictions(str(path), "jsonl", spans, {}, set(docs.tolist()), [], [], True, False)
