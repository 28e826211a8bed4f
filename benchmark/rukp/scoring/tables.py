"""Columnar span tables (flat numpy arrays over many documents) and the builders that fill them from rows.

Scoring never touches per-span Python objects: gold and predicted spans of all documents are held as arrays
(document index, start, end, label index, entity code), stored in a canonical order. :class:`SpanBuilder`
checks span values chunk by chunk as rows arrive and reports a bad value as one
:class:`~rukp.errors.RukpError` naming the file (a label only: nothing here reads files), the line and the
document; :func:`build_entity_data` builds tables from in-memory spans, and the file loaders of
:mod:`rukp.io.entity_files` feed the same builder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from rukp.errors import RukpError, quote
from rukp.scoring.spans import Span


@dataclass
class SpanTable:
    """Spans of many documents as parallel arrays; ``entity`` indexes a shared sorted vocabulary (-1 none).

    ``seq`` is each row's position in the input, so the input order survives canonical sorting (only the
    nervaluate-compatible mode, which is order-dependent, uses it).
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray
    entity: np.ndarray
    seq: np.ndarray

    @classmethod
    def build(cls, doc: np.ndarray, start: np.ndarray, end: np.ndarray, label: np.ndarray,
              entity: np.ndarray) -> SpanTable:
        """A table from columns given in input order, stored in canonical order."""
        table = cls(np.asarray(doc, dtype=np.int64), np.asarray(start, dtype=np.int64),
                    np.asarray(end, dtype=np.int64), np.asarray(label, dtype=np.int16),
                    np.asarray(entity, dtype=np.int64), np.arange(len(doc), dtype=np.int64))
        return table.canonical()

    def __len__(self) -> int:
        return len(self.doc)

    def take(self, index: np.ndarray) -> SpanTable:
        """The rows at ``index``, in that order."""
        return SpanTable(self.doc[index], self.start[index], self.end[index], self.label[index],
                         self.entity[index], self.seq[index])

    def canonical(self) -> SpanTable:
        """This table in canonical order (itself when it already is)."""
        order = self.canonical_order()
        return self if np.array_equal(order, np.arange(len(self))) else self.take(order)

    def input_order(self) -> SpanTable:
        """This table in input order (``seq``)."""
        return self.take(np.argsort(self.seq, kind="stable"))

    def canonical_order(self) -> np.ndarray:
        """Row order by (document, start, end, label, entity): the order scoring uses, whatever the input."""
        if len(self) == 0:
            return np.zeros(0, dtype=np.int64)
        columns = (self.doc, self.start, self.end - self.start, self.label.astype(np.int64), self.entity + 1)
        sizes = [int(c.max()) + 1 for c in columns]
        if np.prod(np.asarray(sizes, dtype=np.float64)) < 2**62:  # one packed int64 key: much faster
            key = np.zeros(len(self), dtype=np.int64)
            for column, size in zip(columns, sizes, strict=True):
                key = key * size + column
            return np.argsort(key, kind="stable")
        return np.lexsort(columns[::-1])

    def span(self, row: int, labels: Sequence[str], entity_ids: Sequence[str]) -> Span:
        """Row ``row`` as a :class:`Span`."""
        code = int(self.entity[row])
        return Span(int(self.start[row]), int(self.end[row]), labels[int(self.label[row])],
                    entity_ids[code] if code >= 0 else None)


@dataclass
class EntityData:
    """Gold and predicted span tables over the same documents, with their label and entity vocabularies."""

    doc_ids: tuple[str, ...]
    labels: tuple[str, ...]
    entity_ids: tuple[str, ...]
    gold: SpanTable
    pred: SpanTable


_START, _END, _LABEL, _ENTITY_ID = (itemgetter(key) for key in ("start", "end", "label", "entity_id"))

#: Spans buffered as Python values before they are checked and packed into numpy arrays.
_CHUNK = 1 << 16


class Interner(dict):
    """Entity id → code; None is -1, anything but a non-empty string is refused."""

    def __init__(self) -> None:
        super().__init__({None: -1})

    def __missing__(self, key: Any) -> int:
        if not isinstance(key, str) or not key:
            raise TypeError(f"entity_id must be a non-empty string or null, got {quote(key)}")
        code = len(self) - 1
        self[key] = code
        return code


def _span_problem(start: Any, end: Any, label: Any, entity_id: Any, labels: Sequence[str]) -> str | None:
    """What is wrong with one span's values, or None."""
    for key, value in (("start", start), ("end", end)):
        if type(value) is not int:
            return f"'{key}' must be an integer character offset, got {quote(value)}"
    if not 0 <= start < end:
        return f"span [{start}, {end}) is empty or negative (need 0 <= start < end, end exclusive)"
    if label not in labels:
        return f"label {quote(label)} is not one of {', '.join(labels)}"
    if entity_id is not None and (not isinstance(entity_id, str) or not entity_id):
        return f"entity_id must be a non-empty string or null, got {quote(entity_id)}"
    return None


def _structure_problem(entities: Any) -> str:
    """Why a document's entity list could not be unpacked (the slow path, only on error)."""
    if not isinstance(entities, list):
        return f"'entities' must be a list, got {type(entities).__name__}"
    for k, e in enumerate(entities):
        if not isinstance(e, dict):
            return f"entity {k}: expected an object, got {type(e).__name__}"
        for key in ("start", "end", "label"):
            if key not in e:
                return f"entity {k}: missing field '{key}'"
        try:
            hash(e.get("entity_id"))
        except TypeError:
            return f"entity {k}: entity_id must be a non-empty string or null, got {quote(e['entity_id'])}"
    return "entities could not be read"


class SpanBuilder:
    """Accumulates the spans of many documents; values are checked and packed into numpy chunk by chunk.

    Python values are buffered for at most :data:`_CHUNK` spans, so memory stays close to the final arrays;
    a bad value is reported with its file, line, document and entity number.
    """

    def __init__(self, labels: tuple[str, ...], entity_codes: Interner, path: Path | None) -> None:
        self.labels = labels
        self.label_index = {label: i for i, label in enumerate(labels)}
        self.entity_codes = entity_codes
        self.path = path
        self.docs: list[int] = []
        self.counts: list[int] = []
        self.where: list[tuple[int | None, str]] = []
        self._chunk_first_doc = 0
        self._start: list = []
        self._end: list = []
        self._label: list = []
        self._entity: list = []
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, doc: int, entities: Any, *, line: int | None, doc_id: str) -> None:
        """Append the spans of one document (dicts with start, end, label and optional entity_id)."""
        self.docs.append(doc)
        self.where.append((line, doc_id))
        n0 = len(self._start)
        try:  # C-level loops over the span dicts
            if not isinstance(entities, list):
                raise TypeError
            self._start += map(_START, entities)
            self._end += map(_END, entities)
            self._label += map(_LABEL, entities)
            try:
                self._entity += map(_ENTITY_ID, entities)
            except KeyError:  # entity_id is optional
                del self._entity[n0:]
                self._entity += [e.get("entity_id") for e in entities]
        except (KeyError, TypeError, AttributeError):
            for buffer in (self._start, self._end, self._label, self._entity):
                del buffer[n0:]
            self.docs.pop()
            self.where.pop()
            self._flush()  # a bad value on an earlier line is reported first
            raise RukpError(_structure_problem(entities), path=self.path, line=line, doc=doc_id) from None
        self.counts.append(len(entities))
        if len(self._start) >= _CHUNK:
            self._flush()

    def flush(self) -> None:
        """Check and pack the buffered spans (raises the first bad value's error)."""
        self._flush()

    def _flush(self) -> None:
        n = len(self._start)
        if n:
            start, end = np.array(self._start), np.array(self._end)
            ok = start.dtype.kind == "i" and end.dtype.kind == "i" and start.ndim == end.ndim == 1
            if ok and ((start < 0) | (end <= start)).any():
                ok = False
            try:
                label = np.fromiter(map(self.label_index.__getitem__, self._label), np.int16, count=n)
                entity = np.fromiter(map(self.entity_codes.__getitem__, self._entity), np.int64, count=n)
            except (KeyError, TypeError):
                ok = False
            if not ok:
                self._fail()
            self._parts.append((start.astype(np.int64), end.astype(np.int64), label, entity))
        self._start, self._end, self._label, self._entity = [], [], [], []
        self._chunk_first_doc = len(self.docs)

    def _fail(self) -> None:
        row = 0
        for d in range(self._chunk_first_doc, len(self.counts)):
            for k in range(self.counts[d]):
                problem = _span_problem(self._start[row], self._end[row], self._label[row], self._entity[row],
                                        self.labels)
                row += 1
                if problem:
                    line, doc_id = self.where[d]
                    raise RukpError(f"entity {k}: {problem}", path=self.path, line=line, doc=doc_id)
        raise RukpError("entities could not be read", path=self.path)  # pragma: no cover - defensive

    def table(self, remap: np.ndarray) -> SpanTable:
        """The accumulated spans; entity codes are mapped through ``remap`` (interned → sorted order)."""
        self._flush()
        parts = list(zip(*self._parts, strict=True)) or [[np.zeros(0, dtype=t)] for t in
                                                           (np.int64, np.int64, np.int16, np.int64)]
        start, end, label, entity = (np.concatenate(p) for p in parts)
        doc = np.repeat(np.asarray(self.docs, dtype=np.int64), self.counts)
        entity = np.where(entity >= 0, remap[np.maximum(entity, 0)], -1)
        return SpanTable.build(doc, start, end, label, entity)


def check_labels(labels: Sequence[str]) -> tuple[str, ...]:
    labels = tuple(labels)
    if not labels or len(set(labels)) != len(labels) or not all(isinstance(x, str) and x for x in labels):
        raise ValueError(f"labels must be distinct non-empty strings, got {labels!r}")
    return labels


def finish_tables(doc_ids: list[str], labels: tuple[str, ...], codes: Interner, gold: SpanBuilder,
            pred: SpanBuilder) -> EntityData:
    """Tables with entity codes renumbered in sorted id order, so codes do not depend on input order."""
    gold._flush()  # intern every entity id before the remap table is sized
    pred._flush()
    vocab = sorted(k for k in codes if k is not None)
    rank = {k: i for i, k in enumerate(vocab)}
    remap = np.zeros(max(len(codes) - 1, 1), dtype=np.int64)
    for key, code in codes.items():
        if key is not None:
            remap[code] = rank[key]
    return EntityData(tuple(doc_ids), labels, tuple(vocab), gold.table(remap), pred.table(remap))


def build_entity_data(documents: Iterable[tuple[str, Sequence[Span], Sequence[Span]]], *,
                      labels: Sequence[str]) -> EntityData:
    """Tables from in-memory ``(doc_id, gold spans, predicted spans)`` triples."""
    labels = check_labels(labels)
    codes = Interner()
    gold, pred = SpanBuilder(labels, codes, None), SpanBuilder(labels, codes, None)
    doc_ids: list[str] = []
    seen: set[str] = set()
    for doc_id, gold_spans, pred_spans in documents:
        if doc_id in seen:
            raise RukpError(f"duplicate document id {quote(doc_id)}", doc=doc_id)
        seen.add(doc_id)
        for builder, spans, side in ((gold, gold_spans, "gold"), (pred, pred_spans, "predicted")):
            for k, s in enumerate(spans):
                if not isinstance(s, Span):
                    raise RukpError(f"{side} span {k}: expected a Span, got {type(s).__name__}", doc=doc_id)
            rows = [{"start": s.start, "end": s.end, "label": s.label, "entity_id": s.entity_id}
                    for s in spans]
            builder.add(len(doc_ids), rows, line=None, doc_id=str(doc_id))
        doc_ids.append(doc_id)
    return finish_tables(doc_ids, labels, codes, gold, pred)
