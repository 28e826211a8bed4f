"""Reading gold and predicted entity spans from JSONL files into scoring tables (:func:`load_entity_files`).

The documents JSONL (gold) and the predictions JSONL are read with pyarrow (:mod:`rukp.io.arrow`) and, when
that cannot vouch for the input, line by line with the strict parser of :mod:`rukp.io.jsonl`, checking each
value once at this boundary and reporting a bad value as one :class:`~rukp.errors.RukpError` naming the file,
the line and the document.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rukp.errors import RukpError, quote
from rukp.io.jsonl import check_input, loads
from rukp.schema import ENTITY_LABELS
from rukp.scoring.entities import EntityScores, score_data
from rukp.scoring.tables import EntityData, Interner, SpanBuilder, check_labels, finish_tables


def _iter_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line of a JSONL file, split on ``"\\n"`` only and parsed
    strictly (:func:`rukp.io.jsonl.loads`); a UTF-8 byte-order mark at the start is dropped."""
    check_input(path)
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as e:
                raise RukpError(f"not valid UTF-8 ({e.reason} at byte {e.start})", path=path, line=number) from None
            if not line.strip():
                continue
            obj = loads(line, path=path, line=number)
            if not isinstance(obj, dict):
                raise RukpError(f"expected a JSON object, got {type(obj).__name__}", path=path, line=number)
            yield number, obj


def _doc_id(obj: dict, key: str, path: Path | None, line: int | None) -> str:
    if key not in obj:
        raise RukpError(f"missing field '{key}'", path=path, line=line)
    value = obj[key]
    if not isinstance(value, str) or not value:
        raise RukpError(f"'{key}' must be a non-empty string, got {quote(value)}", path=path, line=line)
    return value


def _entities(obj: dict, path: Path, line: int, doc_id: str) -> Any:
    if "entities" not in obj:
        raise RukpError("missing field 'entities'", path=path, line=line, doc=doc_id)
    return obj["entities"]


def load_entity_files(gold_path: str | Path, pred_path: str | Path, *, labels: Sequence[str],
                      allow_missing: bool = False) -> EntityData:
    """Read gold (documents JSONL: ``id``, ``entities``) and predictions (``doc_id``, ``entities``) as tables.

    Every prediction line must name a gold document, once. A gold document without a prediction line is an
    error unless ``allow_missing`` (then it counts as predicting nothing). Spans must have integer offsets
    with ``0 <= start < end`` and a label in ``labels``; ``entity_id`` is optional (string or null).
    """
    from rukp.io.arrow import load_arrow

    labels = check_labels(labels)
    gold_path, pred_path = Path(gold_path), Path(pred_path)
    fast = load_arrow(gold_path, pred_path, labels, allow_missing)
    if fast is not None:
        return fast
    return _load_lines(gold_path, pred_path, labels, allow_missing)


def _load_lines(gold_path: Path, pred_path: Path, labels: tuple[str, ...], allow_missing: bool) -> EntityData:
    """The line-by-line loader: checks each value and reports the first problem with file, line and doc."""
    codes = Interner()
    gold, pred = SpanBuilder(labels, codes, gold_path), SpanBuilder(labels, codes, pred_path)
    index: dict[str, int] = {}
    try:
        for line, obj in _iter_lines(gold_path):
            doc_id = _doc_id(obj, "id", gold_path, line)
            if doc_id in index:
                first = gold.where[index[doc_id]][0]
                raise RukpError(f"duplicate document id {quote(doc_id)} (first on line {first})", path=gold_path,
                                line=line, doc=doc_id)
            index[doc_id] = len(index)
            gold.add(index[doc_id], _entities(obj, gold_path, line, doc_id), line=line, doc_id=doc_id)
    finally:
        gold.flush()  # a bad value on an earlier line is reported before a later problem

    seen: dict[str, int] = {}
    try:
        for line, obj in _iter_lines(pred_path):
            doc_id = _doc_id(obj, "doc_id", pred_path, line)
            if doc_id not in index:
                raise RukpError(f"document {quote(doc_id)} is not in the gold file {gold_path}", path=pred_path,
                                line=line, doc=doc_id)
            if doc_id in seen:
                raise RukpError(f"duplicate prediction for document {quote(doc_id)} (first on line "
                                f"{seen[doc_id]})", path=pred_path, line=line, doc=doc_id)
            seen[doc_id] = line
            pred.add(index[doc_id], _entities(obj, pred_path, line, doc_id), line=line, doc_id=doc_id)
    finally:
        pred.flush()
    if not allow_missing and len(seen) < len(index):
        missing = [d for d in index if d not in seen]
        shown = ", ".join(missing[:5]) + (f" … ({len(missing)} in all)" if len(missing) > 5 else "")
        raise RukpError(f"no prediction for gold document(s) {shown}", path=pred_path)
    return finish_tables(list(index), labels, codes, gold, pred)


def score_entity_files(gold_path: str | Path, pred_path: str | Path, *, labels: Sequence[str] = ENTITY_LABELS,
                       min_overlap: float = 0.0, nervaluate_compatible: bool = False,
                       allow_missing: bool = False) -> EntityScores:
    """Load gold documents JSONL and predictions JSONL and score their entities (see :func:`score_documents`).

    Bad input raises one :class:`~rukp.errors.RukpError` naming the file, line and document.
    """
    data = load_entity_files(gold_path, pred_path, labels=labels, allow_missing=allow_missing)
    return score_data(data, min_overlap=min_overlap, nervaluate_compatible=nervaluate_compatible)
