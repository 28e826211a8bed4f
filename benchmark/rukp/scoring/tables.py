"""Columnar span tables (flat numpy arrays over many documents) and the loaders that build them.

Scoring never touches per-span Python objects: gold and predicted spans of all documents are held as arrays
(document index, start, end, label index, entity code). The loaders read the documents JSONL (gold) and the
predictions JSONL line by line with ``json.loads``, check each value once at this boundary, and report a bad
value as one :class:`~rukp.errors.RukpError` naming the file, the line and the document.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from rukp.errors import RukpError
from rukp.scoring.spans import Span


@dataclass
class SpanTable:
    """Spans of many documents as parallel arrays; ``entity`` indexes a shared sorted vocabulary (-1 none)."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray
    entity: np.ndarray

    def __len__(self) -> int:
        return len(self.doc)

    def take(self, index: np.ndarray) -> SpanTable:
        """The rows at ``index``, in that order."""
        return SpanTable(self.doc[index], self.start[index], self.end[index], self.label[index],
                         self.entity[index])

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


_FIELDS = itemgetter("start", "end", "label")


class _Builder:
    """Accumulates spans into compact arrays; entity ids are interned and sorted at the end."""

    def __init__(self, label_index: Mapping[str, int], entity_codes: dict[Any, int]) -> None:
        self.label_index = label_index
        self.entity_codes = entity_codes
        self.doc = array("q")
        self.start = array("q")
        self.end = array("q")
        self.label = array("h")
        self.entity = array("q")
        self.rows_per_doc: list[int] = []

    def add(self, doc: int, entities: list) -> None:
        """Append the spans of one document (dicts with start, end, label, optional entity_id)."""
        if not entities:
            return
        codes = self.entity_codes
        starts, ends, labels = zip(*map(_FIELDS, entities), strict=True)
        ents = [codes[e.get("entity_id")] for e in entities]
        # TypeError for a non-integer offset, KeyError for an unknown label: the caller explains them
        self.start.extend(starts)
        self.end.extend(ends)
        self.label.extend(map(self.label_index.__getitem__, labels))
        self.entity.extend(ents)
        self.doc.extend([doc] * len(entities))

    def table(self, remap: np.ndarray) -> SpanTable:
        entity = np.frombuffer(self.entity, dtype=np.int64)
        return SpanTable(np.frombuffer(self.doc, dtype=np.int64), np.frombuffer(self.start, dtype=np.int64),
                         np.frombuffer(self.end, dtype=np.int64), np.frombuffer(self.label, dtype=np.int16),
                         np.where(entity >= 0, remap[np.maximum(entity, 0)], -1))


class _Interner(dict):
    """Entity id → code; None is -1, anything but a non-empty string is refused."""

    def __init__(self) -> None:
        super().__init__({None: -1})

    def __missing__(self, key: Any) -> int:
        if not isinstance(key, str) or not key:
            raise TypeError(f"entity_id must be a non-empty string or null, got {key!r}")
        code = len(self) - 1
        self[key] = code
        return code


def _explain(entities: Any, labels: Sequence[str]) -> str:
    """Why a document's entity list could not be read (the slow path, only on error)."""
    if not isinstance(entities, list):
        return f"'entities' must be a list, got {type(entities).__name__}"
    for k, e in enumerate(entities):
        where = f"entity {k}"
        if not isinstance(e, dict):
            return f"{where}: expected an object, got {type(e).__name__}"
        for key in ("start", "end", "label"):
            if key not in e:
                return f"{where}: missing field '{key}'"
        for key in ("start", "end"):
            if type(e[key]) is not int:
                return f"{where}: '{key}' must be an integer character offset, got {e[key]!r}"
        if e["label"] not in labels:
            return f"{where}: label {e['label']!r} is not one of {', '.join(labels)}"
        eid = e.get("entity_id")
        if eid is not None and (not isinstance(eid, str) or not eid):
            return f"{where}: entity_id must be a non-empty string or null, got {eid!r}"
    return "entities could not be read"


def _check_offsets(builder: _Builder, where: list[tuple[int, str]], path: str | None) -> None:
    start = np.frombuffer(builder.start, dtype=np.int64)
    end = np.frombuffer(builder.end, dtype=np.int64)
    bad = np.flatnonzero((start < 0) | (end <= start))
    if len(bad):
        row = int(bad[0])
        doc_pos = int(np.searchsorted(np.cumsum(builder.rows_per_doc), row, side="right"))
        k = row - (sum(builder.rows_per_doc[:doc_pos]))
        line, doc_id = where[doc_pos]
        raise RukpError(f"entity {k}: span [{start[row]}, {end[row]}) is empty or negative "
                        f"(need 0 <= start < end, end exclusive)", path=path, line=line, doc=doc_id)


def _iter_lines(path: Path) -> Iterable[tuple[int, dict]]:
    if not path.is_file():
        raise RukpError("file not found", path=path)
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except UnicodeDecodeError as e:
                raise RukpError(f"not valid UTF-8 ({e.reason})", path=path, line=number) from None
            except json.JSONDecodeError as e:
                raise RukpError(f"not valid JSON ({e.msg} at column {e.colno})", path=path,
                                line=number) from None
            if not isinstance(obj, dict):
                raise RukpError(f"expected a JSON object, got {type(obj).__name__}", path=path, line=number)
            yield number, obj


def _doc_id(obj: dict, key: str, path: Path, line: int) -> str:
    if key not in obj:
        raise RukpError(f"missing field '{key}'", path=path, line=line)
    value = obj[key]
    if not isinstance(value, str) or not value:
        raise RukpError(f"'{key}' must be a non-empty string, got {value!r}", path=path, line=line)
    return value


def _entities(obj: dict, path: Path, line: int, doc_id: str) -> list:
    if "entities" not in obj:
        raise RukpError("missing field 'entities'", path=path, line=line, doc=doc_id)
    entities = obj["entities"]
    if not isinstance(entities, list):
        raise RukpError(f"'entities' must be a list, got {type(entities).__name__}", path=path, line=line,
                        doc=doc_id)
    return entities


def _add(builder: _Builder, doc: int, entities: list, labels: Sequence[str], *, path: Path | None,
         line: int | None, doc_id: str) -> None:
    try:
        builder.add(doc, entities)
    except (KeyError, TypeError, AttributeError, OverflowError):
        raise RukpError(_explain(entities, labels), path=path, line=line, doc=doc_id) from None
    builder.rows_per_doc.append(len(entities))


def _check_labels(labels: Sequence[str]) -> tuple[str, ...]:
    labels = tuple(labels)
    if not labels or len(set(labels)) != len(labels) or not all(isinstance(x, str) and x for x in labels):
        raise ValueError(f"labels must be distinct non-empty strings, got {labels!r}")
    return labels


def _finish(doc_ids: list[str], labels: tuple[str, ...], codes: _Interner, gold: _Builder,
            pred: _Builder) -> EntityData:
    vocab = sorted(k for k in codes if k is not None)
    remap = np.zeros(len(codes), dtype=np.int64)
    rank = {k: i for i, k in enumerate(vocab)}
    for key, code in codes.items():
        if key is not None:
            remap[code] = rank[key]
    return EntityData(tuple(doc_ids), labels, tuple(vocab), gold.table(remap), pred.table(remap))


def load_entity_files(gold_path: str | Path, pred_path: str | Path, *, labels: Sequence[str],
                      allow_missing: bool = False) -> EntityData:
    """Read gold (documents JSONL: ``id``, ``entities``) and predictions (``doc_id``, ``entities``) as tables.

    Every prediction line must name a gold document, once. A gold document without a prediction line is an
    error unless ``allow_missing`` (then it counts as predicting nothing). Spans must have integer offsets
    with ``0 <= start < end`` and a label in ``labels``; ``entity_id`` is optional.
    """
    labels = _check_labels(labels)
    gold_path, pred_path = Path(gold_path), Path(pred_path)
    label_index = {label: i for i, label in enumerate(labels)}
    codes = _Interner()
    gold, pred = _Builder(label_index, codes), _Builder(label_index, codes)
    doc_ids: list[str] = []
    index: dict[str, int] = {}
    gold_where: list[tuple[int, str]] = []
    for line, obj in _iter_lines(gold_path):
        doc_id = _doc_id(obj, "id", gold_path, line)
        if doc_id in index:
            first = gold_where[index[doc_id]][0]
            raise RukpError(f"duplicate document id {doc_id!r} (first on line {first})", path=gold_path,
                            line=line, doc=doc_id)
        index[doc_id] = len(doc_ids)
        doc_ids.append(doc_id)
        gold_where.append((line, doc_id))
        _add(gold, index[doc_id], _entities(obj, gold_path, line, doc_id), labels, path=gold_path, line=line,
             doc_id=doc_id)
    _check_offsets(gold, gold_where, str(gold_path))

    seen: dict[str, int] = {}
    pred_where: list[tuple[int, str]] = []
    for line, obj in _iter_lines(pred_path):
        doc_id = _doc_id(obj, "doc_id", pred_path, line)
        if doc_id not in index:
            raise RukpError(f"document {doc_id!r} is not in the gold file {gold_path}", path=pred_path,
                            line=line, doc=doc_id)
        if doc_id in seen:
            raise RukpError(f"duplicate prediction for document {doc_id!r} (first on line {seen[doc_id]})",
                            path=pred_path, line=line, doc=doc_id)
        seen[doc_id] = line
        pred_where.append((line, doc_id))
        _add(pred, index[doc_id], _entities(obj, pred_path, line, doc_id), labels, path=pred_path, line=line,
             doc_id=doc_id)
    _check_offsets(pred, pred_where, str(pred_path))
    if not allow_missing and len(seen) < len(doc_ids):
        missing = [d for d in doc_ids if d not in seen]
        shown = ", ".join(missing[:5]) + (f" … ({len(missing)} in all)" if len(missing) > 5 else "")
        raise RukpError(f"no prediction for gold document(s) {shown}", path=pred_path)
    return _finish(doc_ids, labels, codes, gold, pred)


def build_entity_data(documents: Iterable[tuple[str, Sequence[Span], Sequence[Span]]], *,
                      labels: Sequence[str]) -> EntityData:
    """Tables from in-memory ``(doc_id, gold spans, predicted spans)`` triples."""
    labels = _check_labels(labels)
    label_index = {label: i for i, label in enumerate(labels)}
    codes = _Interner()
    gold, pred = _Builder(label_index, codes), _Builder(label_index, codes)
    doc_ids: list[str] = []
    seen: set[str] = set()
    for doc_id, gold_spans, pred_spans in documents:
        if doc_id in seen:
            raise RukpError(f"duplicate document id {doc_id!r}", doc=doc_id)
        seen.add(doc_id)
        for builder, spans, side in ((gold, gold_spans, "gold"), (pred, pred_spans, "predicted")):
            for k, s in enumerate(spans):
                if not isinstance(s, Span):
                    raise RukpError(f"{side} span {k}: expected a Span, got {type(s).__name__}", doc=doc_id)
                if s.label not in label_index:
                    raise RukpError(f"{side} span {k}: label {s.label!r} is not one of {', '.join(labels)}",
                                    doc=doc_id)
            _add(builder, len(doc_ids), [{"start": s.start, "end": s.end, "label": s.label,
                                          "entity_id": s.entity_id} for s in spans],
                 labels, path=None, line=None, doc_id=str(doc_id))
        doc_ids.append(doc_id)
    return _finish(doc_ids, labels, codes, gold, pred)
