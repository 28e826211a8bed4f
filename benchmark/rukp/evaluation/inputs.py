"""Predictions from whatever :func:`rukp.evaluate` accepts: a file, rows, an extractor object or spec."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rukp.errors import RukpError
from rukp.evaluation.options import Options
from rukp.evaluation.scope import reader_scope
from rukp.io.model import Gold, Predictions, Skipped
from rukp.io.readers import CONLL_SUFFIXES, load_predictions, predictions_from_rows


def _looks_like_path(s: str) -> bool:
    return any(s.lower().endswith(x) for x in (".jsonl", ".json", *CONLL_SUFFIXES)) or "/" in s or "\\" in s


def _run_extractor(extractor: Any, name: str, gold: Gold, opts: Options, progress: bool | None) -> Predictions:
    """Run ``extractor.extract(text)`` on every gold document (progress bar), then validate its output."""
    from tqdm import tqdm

    missing = [d.id for d in gold.documents if d.text is None]
    if missing:
        raise RukpError(f"an extractor needs the documents' text, and the gold has none for {missing[0]} "
                        f"({len(missing)} document(s) in all)", path=gold.path, doc=missing[0])
    rows, failed, problems = [], [], []
    with tqdm(gold.documents, desc=f"extracting ({name})", unit="doc",
              disable=None if progress is None else not progress) as bar:
        for doc in bar:
            try:
                out = extractor.extract(doc.text)
                problem = None if isinstance(out, Mapping) else (
                    "wrong_type", f"extractor {name!r} returned a {type(out).__name__}, expected a dict")
            except Exception as e:  # an extractor's bug must name the document, not end in a traceback
                problem = ("extractor_error", f"extractor {name!r} failed: {type(e).__name__}: {e}")
            if problem is None:
                rows.append({"doc_id": doc.id, **out})
                continue
            error = RukpError(problem[1], doc=doc.id)
            if not opts.skip_invalid:
                raise error from None
            failed.append(doc.id)
            problems.append(Skipped(problem[0], str(error), doc.id))
    preds = predictions_from_rows(rows, gold, source=name, kind="extractor", skip_invalid=opts.skip_invalid,
                                  failed=failed, **reader_scope(opts, gold))
    preds.skipped[:0] = problems
    return preds


def load_input(obj: Any, gold: Gold, opts: Options, *, progress: bool | None = None) -> Predictions:
    """Predictions from whatever :func:`evaluate` accepts (see there)."""
    from rukp.extractors.registry import as_extractor, resolve

    kw = {**reader_scope(opts, gold), "skip_invalid": opts.skip_invalid, "inclusive_ends": opts.inclusive_ends}
    if isinstance(obj, Predictions):
        return obj
    if isinstance(obj, Path) or (isinstance(obj, str) and (Path(obj).is_file() or _looks_like_path(obj))):
        return load_predictions(obj, gold, fmt=opts.format, bio=opts.bio, **kw)
    if isinstance(obj, str):
        extractor = resolve(obj)
        return _run_extractor(extractor, getattr(extractor, "name", obj), gold, opts, progress)
    if isinstance(obj, list | tuple):
        return predictions_from_rows(obj, gold, **kw)
    if hasattr(obj, "extract") or callable(obj):
        name = getattr(obj, "name", None) or getattr(obj, "__name__", None) or type(obj).__name__
        return _run_extractor(as_extractor(obj, str(name)), str(name), gold, opts, progress)
    raise RukpError(f"cannot evaluate a {type(obj).__name__}: give an extractor (object with extract(text)), a "
                    "function, a spec string, a predictions file path, or a list of prediction dicts")
