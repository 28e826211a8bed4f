"""Prediction readers, one module per input format behind one dispatch, :func:`load_predictions`.

Every reader validates at the boundary and returns the same :class:`~rukp.io.model.Predictions`:
:mod:`~rukp.io.readers.jsonl` (large files by the columnar fast path, :mod:`rukp.io.columnar`),
:mod:`~rukp.io.readers.conll`, :mod:`~rukp.io.readers.labelstudio`, and in-memory rows
(:mod:`~rukp.io.readers.rows`).
"""

from __future__ import annotations

from pathlib import Path

from rukp.errors import RukpError
from rukp.io.jsonl import check_input
from rukp.io.model import Gold, Predictions
from rukp.io.readers.checkthat import load_checkthat
from rukp.io.readers.conll import CONLL_SUFFIXES, load_conll
from rukp.io.readers.jsonl import load_jsonl
from rukp.io.readers.labelstudio import LABELSTUDIO_SUFFIXES, load_labelstudio
from rukp.io.readers.rows import predictions_from_rows

__all__ = ["CONLL_SUFFIXES", "FORMATS", "LABELSTUDIO_SUFFIXES", "detect_format", "load_checkthat", "load_conll",
           "load_jsonl",
           "load_labelstudio",
           "load_predictions", "predictions_from_rows"]


#: Formats :func:`load_predictions` reads (``auto``: by extension).
FORMATS = ("auto", "jsonl", "conll", "labelstudio", "checkthat")


def detect_format(path: str | Path) -> str:
    """The format of a predictions file by its extension: ``.json`` Label Studio, :data:`CONLL_SUFFIXES` CoNLL,
    anything else JSONL."""
    suffix = Path(path).suffix.lower()
    return "labelstudio" if suffix in LABELSTUDIO_SUFFIXES else "conll" if suffix in CONLL_SUFFIXES else "jsonl"


def load_predictions(path: str | Path, gold: Gold, *, entities: bool | None = None, claims: bool | None = None,
                     skip_invalid: bool = False, fmt: str = "auto", bio: str = "auto",
                     inclusive_ends: bool = False, every: bool = False) -> Predictions:
    """Predictions from a file in format ``fmt`` (``auto``: :func:`detect_format`). ``entities``/``claims``
    None: read when the file has them (CoNLL: entities only); ``bio`` is the CoNLL chunking rule (``auto``:
    strict IOB2 for ``.iob2`` files, conlleval's otherwise); ``inclusive_ends`` reads JSONL ends as inclusive;
    ``every`` projects each text-anchored item onto every free occurrence of its text
    (:func:`rukp.io.align.align_items`);
    ``checkthat`` (never chosen by ``auto``) reads a CheckThat! task 1 TSV of sentence labels and scores."""
    path = check_input(path, "predictions file")
    auto = fmt == "auto"
    if auto:
        fmt = detect_format(path)
    if fmt == "jsonl":
        return load_jsonl(path, gold, entities=entities, claims=claims, skip_invalid=skip_invalid,
                          inclusive_ends=inclusive_ends, every=every)
    if fmt == "conll":
        if claims:
            raise RukpError("CoNLL BIO files hold entities only, and claims=True asks for claims (leave it out: "
                            "the scope is inferred)", path=path)
        if entities is False:
            raise RukpError("CoNLL BIO files hold entities only, and entities=False (--no-entities) leaves "
                            "nothing to score", path=path)
        if bio == "auto":
            bio = "iob2" if path.suffix.lower() == ".iob2" else "conlleval"
        return load_conll(path, gold, skip_invalid=skip_invalid, bio=bio)
    if fmt == "labelstudio":
        try:
            return load_labelstudio(path, gold, entities=entities, claims=claims, skip_invalid=skip_invalid)
        except RukpError as e:
            if not auto or e.path != str(path):
                raise
            raise RukpError(f"{e.detail} (read as a Label Studio export because the name ends in .json; for JSON "
                            "Lines use --format jsonl, or name the file .jsonl)", path=e.path, line=e.line,
                            doc=e.doc) from None
    if fmt == "checkthat":
        if claims is False or entities:
            raise RukpError("CheckThat! files hold sentence-level claims only, and "
                            + ("claims=False (--no-claims)" if claims is False else "entities=True")
                            + " leaves nothing to score", path=path)
        return load_checkthat(path, gold, skip_invalid=skip_invalid)
    raise RukpError(f"unknown predictions format {fmt!r}; choose auto, jsonl, conll, labelstudio or checkthat",
                    path=path)
