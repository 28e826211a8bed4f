"""Predictions from a Label Studio JSON export (read into rows by :mod:`rukp.io.labelstudio.results`)."""

from __future__ import annotations

from pathlib import Path

from rukp.errors import RukpError
from rukp.io.labelstudio.results import read_export
from rukp.io.model import Gold, Predictions, Problems
from rukp.io.readers.rows import Collector

LABELSTUDIO_SUFFIXES = (".json",)


def load_labelstudio(path: str | Path, gold: Gold, *, entities: bool | None = None, claims: bool | None = None,
                     skip_invalid: bool = False) -> Predictions:
    """A Label Studio JSON export, read by :func:`rukp.io.labelstudio.results.read_export` into rows."""
    rows = read_export(path)
    if not rows:
        raise RukpError("the Label Studio export holds no tasks", path=path)
    report = Problems(skip_invalid, path)
    collector = Collector(gold, report, entities=entities, claims=claims)
    for row in rows:
        row = dict(row)
        row.setdefault("entities", [])
        row.setdefault("claims", [])
        collector.add(row, None)
    return collector.result(str(path), "labelstudio")
