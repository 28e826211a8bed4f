"""Predictions JSONL: one line per document ``{"doc_id", "entities": [...], "claims": [...]}``."""

from __future__ import annotations

from pathlib import Path

from rukp.io.checks import json_lines
from rukp.io.model import Gold, Predictions, Problems
from rukp.io.readers.rows import Collector


def load_jsonl(path: str | Path, gold: Gold, *, entities: bool | None = None, claims: bool | None = None,
               skip_invalid: bool = False, inclusive_ends: bool = False) -> Predictions:
    """Predictions JSONL: one line per document ``{"doc_id", "entities": [...], "claims": [...]}``; large files
    are read by the columnar fast path (:mod:`rukp.io.columnar`) when it can vouch for them."""
    from rukp.io import columnar

    path = Path(path)
    fast = None if inclusive_ends else columnar.load_predictions(path, gold, entities=entities, claims=claims)
    if fast is not None:
        return fast
    report = Problems(skip_invalid, path)
    collector = Collector(gold, report, entities=entities, claims=claims, inclusive_ends=inclusive_ends)
    for line, obj in json_lines(path, report):
        collector.add(obj, line)
    return collector.result(str(path), "jsonl")
