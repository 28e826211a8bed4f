"""Predictions JSONL: one line per document ``{"doc_id", "entities": [...], "claims": [...]}``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rukp.io.checks import json_lines
from rukp.io.model import Gold, Predictions, Problems
from rukp.io.readers.rows import Collector


def load_jsonl(path: str | Path, gold: Gold, *, entities: bool | None = None, claims: bool | None = None,
               skip_invalid: bool = False, inclusive_ends: bool = False, every: bool = False) -> Predictions:
    """Predictions JSONL: one line per document ``{"doc_id", "entities": [...], "claims": [...]}``; large files
    are read by the columnar fast path (:mod:`rukp.io.columnar`) when it can vouch for them."""
    from rukp.io import columnar

    path = Path(path)
    fast = None if inclusive_ends else columnar.load_predictions(path, gold, entities=entities, claims=claims)
    if fast is not None:
        return fast
    report = Problems(skip_invalid, path)
    collector = Collector(gold, report, entities=entities, claims=claims, inclusive_ends=inclusive_ends,
                          every=every)
    lines = json_lines(path, _conll_hint(report) if path.suffix.lower() not in {".jsonl", ".json"} else report)
    for line, obj in lines:
        collector.add(obj, line)
    return collector.result(str(path), "jsonl")


def _conll_hint(report: Problems) -> Any:
    """``report`` adding, to a line that is not JSON, that a file read as JSONL by default may be CoNLL."""
    def hinted(reason: str, message: str, **where: Any) -> None:
        report(reason, message + (" (if this is CoNLL, add --format conll)" if reason == "invalid_json" else ""),
               **where)

    return hinted
