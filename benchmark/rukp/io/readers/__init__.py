"""Prediction readers, one module per input format behind one dispatch, :func:`load_predictions`.

Every reader validates at the boundary and returns the same :class:`~rukp.io.model.Predictions`:
:mod:`~rukp.io.readers.jsonl` (large files by the columnar fast path, :mod:`rukp.io.columnar`),
:mod:`~rukp.io.readers.conll`, :mod:`~rukp.io.readers.labelstudio`, and in-memory rows
(:mod:`~rukp.io.readers.rows`).
"""

from __future__ import annotations

from pathlib import Path

from rukp.errors import RukpError
from rukp.io.model import Gold, Predictions
from rukp.io.readers.conll import CONLL_SUFFIXES, load_conll
from rukp.io.readers.jsonl import load_jsonl
from rukp.io.readers.labelstudio import LABELSTUDIO_SUFFIXES, load_labelstudio
from rukp.io.readers.rows import predictions_from_rows

__all__ = ["CONLL_SUFFIXES", "LABELSTUDIO_SUFFIXES", "load_conll", "load_jsonl", "load_labelstudio",
           "load_predictions", "predictions_from_rows"]


def load_predictions(path: str | Path, gold: Gold, *, entities: bool = True, claims: bool = True,
                     skip_invalid: bool = False, fmt: str = "auto") -> Predictions:
    """Predictions from a file, by format (``auto`` picks by suffix: ``.json`` Label Studio, CoNLL suffixes
    :data:`CONLL_SUFFIXES`, anything else JSONL)."""
    path = Path(path)
    if path.is_dir():
        raise RukpError("is a directory, expected a file", path=path)
    if not path.is_file():
        raise RukpError("predictions file not found", path=path)
    if fmt == "auto":
        suffix = path.suffix.lower()
        fmt = "labelstudio" if suffix in LABELSTUDIO_SUFFIXES else "conll" if suffix in CONLL_SUFFIXES else "jsonl"
    if fmt == "jsonl":
        return load_jsonl(path, gold, entities=entities, claims=claims, skip_invalid=skip_invalid)
    if fmt == "conll":
        if claims and gold.has_claims:
            raise RukpError("CoNLL BIO files hold entities only: add --no-claims", path=path)
        return load_conll(path, gold, skip_invalid=skip_invalid)
    if fmt == "labelstudio":
        return load_labelstudio(path, gold, entities=entities, claims=claims, skip_invalid=skip_invalid)
    raise RukpError(f"unknown predictions format {fmt!r}; choose auto, jsonl, conll or labelstudio", path=path)
