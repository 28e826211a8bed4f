"""CheckThat! task 1 (check-worthiness) TSV: one line per sentence, ``<sentence id> TAB <Yes|No and/or score>``.

The sentence id is ``<doc_id>-<index>`` (``000-3``: sentence 3, counted from 0, of document ``000``; the ``id`` of
the ``sentences`` config; the document id is everything before the last ``-``). The other cells, in any order: a
class label ``Yes``/``No`` (any case; also ``1``/``0`` is read as a score), a score (a finite number), and at most
one more cell, the run id, which is ignored. A first line whose first cell is a column name (``id``,
``sentence_id``, ``line_number``, ``tweet_id``) is a header. Lines become ``{"doc_id", "sentences": [...]}``
rows and go through the same checks as JSONL sentence predictions.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from rukp.errors import RukpError, quote
from rukp.io.jsonl import read_text
from rukp.io.model import Gold, Predictions, Problems
from rukp.io.readers.rows import Collector

_HEADERS = frozenset({"id", "sentence_id", "line_number", "tweet_id", "sentence"})
_LABELS = {"yes": True, "no": False}


def _score(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_line(cells: list[str]) -> tuple[str, int, dict[str, Any]] | str:
    """``(doc_id, index, item)`` of one TSV line, or the problem as a message."""
    sid = cells[0].strip()
    doc_id, sep, index = sid.rpartition("-")
    if not sep or not doc_id or not index.isdigit():
        return f"sentence id {quote(sid)} is not <doc_id>-<index> (e.g. 000-3)"
    item: dict[str, Any] = {"index": int(index)}
    other = []
    for cell in (c.strip() for c in cells[1:]):
        if cell.lower() in _LABELS and "claim" not in item:
            item["claim"] = _LABELS[cell.lower()]
        elif (score := _score(cell)) is not None and "score" not in item:
            item["score"] = score
        else:
            other.append(cell)
    if "claim" not in item and "score" not in item:
        return f"sentence {sid}: no class label (Yes/No) or score in {quote(chr(9).join(cells[1:]))}"
    if len(other) > 1:
        return f"sentence {sid}: unexpected cells {quote(other)} (expected Yes/No, a score and a run id)"
    return doc_id, int(index), item


def load_checkthat(path: str | Path, gold: Gold, *, skip_invalid: bool = False) -> Predictions:
    """Sentence-level claim predictions from a CheckThat! task 1 TSV file (see the module docstring)."""
    path = Path(path)
    report = Problems(skip_invalid, path)
    rows: dict[str, list[dict[str, Any]]] = {}
    first_line: dict[str, int] = {}
    seen = False
    for number, raw in enumerate(read_text(path).split("\n"), start=1):
        if not raw.strip():
            continue
        cells = raw.rstrip("\r").split("\t")
        if not seen and cells[0].strip().lower() in _HEADERS:
            seen = True
            continue
        seen = True
        got = parse_line(cells)
        if isinstance(got, str):
            report("bad_checkthat_line", got + " (CheckThat! TSV: <doc_id>-<index> TAB Yes|No and/or score)",
                   line=number)
            continue
        doc_id, _, item = got
        rows.setdefault(doc_id, []).append(item)
        first_line.setdefault(doc_id, number)
    if not seen:
        raise RukpError("file is empty (no CheckThat! lines)", path=path)
    collector = Collector(gold, report, entities=False, claims=False, sentences=True)
    for doc_id, items in rows.items():
        collector.add({"doc_id": doc_id, "sentences": items}, first_line[doc_id])
    return collector.result(str(path), "checkthat")
