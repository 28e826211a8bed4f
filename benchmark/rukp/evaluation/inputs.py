"""Predictions from whatever :func:`rukp.evaluate` accepts: a file, rows, an extractor object or spec.

An extractor runs once per gold document; whatever it does wrong there is one :class:`RukpError` naming the
extractor and the document: an exception (left out under ``skip_invalid``), ``sys.exit()`` or another
``BaseException`` (always an error: the run must not end silently), an output that is not a dict, a ``doc_id``
of its own that differs from the document's. Its ``describe()`` (the LLM extractor's settings and requests)
and the error items of its outputs (``"errors": [...]``) go into the report's metadata.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rukp.errors import RukpError, quote
from rukp.evaluation.deadline import TimeLimit, time_limit
from rukp.evaluation.options import Options
from rukp.evaluation.scope import reader_scope
from rukp.io.model import Gold, Predictions, Skipped
from rukp.io.readers import CONLL_SUFFIXES, load_predictions, predictions_from_rows

#: Error items of an extractor's outputs kept in the report's metadata (all are counted).
ERRORS_SHOWN = 5


def _looks_like_path(s: str) -> bool:
    return any(s.lower().endswith(x) for x in (".jsonl", ".json", *CONLL_SUFFIXES)) or "/" in s or "\\" in s


def _dotted(s: str) -> bool:
    return bool(s) and all(part.isidentifier() for part in s.split("."))


def is_spec(s: str) -> bool:
    """Whether ``s`` names an extractor: a registered name, with or without ``:ARG`` (``hf:/abs/path``,
    ``llm:qwen2.5:7b``), or ``package.module:attr``. Specs win over file paths; a ``module:attr`` string is a
    file only when it ends like a predictions file and that file exists."""
    from rukp.extractors.registry import available

    name, colon, arg = s.partition(":")
    if name in available():
        return True
    if colon and _dotted(name) and _dotted(arg):
        return not (_looks_like_path(s) and Path(s).is_file())
    return False


def _describe(error: BaseException) -> str:
    """One line for what user code raised: its type and first line, cut short."""
    if isinstance(error, SystemExit):
        return f"it called sys.exit({quote(error.code)})"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {quote(text, 200)[1:-1]}" if text else type(error).__name__


class _Run:
    """One extractor run over the gold: rows, failed documents, problems and the outputs' error items."""

    def __init__(self, name: str, opts: Options) -> None:
        self.name, self.opts = name, opts
        self.rows: list[dict[str, Any]] = []
        self.failed: list[str] = []
        self.problems: list[Skipped] = []
        self.errors: list[dict[str, Any]] = []
        self.error_docs: set[str] = set()

    def problem(self, reason: str, message: str, doc: str) -> None:
        error = RukpError(f"extractor {quote(self.name)} {message}", doc=doc)
        if not self.opts.skip_invalid:
            raise error
        self.failed.append(doc)
        self.problems.append(Skipped(reason, str(error), doc))

    def output(self, out: Any, doc: str) -> None:
        """Check one document's output and keep a copy of it as a row for the reader (an extractor may reuse
        and clear its dicts and lists on the next call)."""
        if not isinstance(out, Mapping):
            self.problem("wrong_type", f"returned a {type(out).__name__}, expected a dict "
                         "{\"entities\": [...], \"claims\": [...]}", doc)
            return
        try:
            out = plain_copy(out)
        except RecursionError:
            self.problem("wrong_type", f"returned an output nested more than {MAX_DEPTH} levels deep (or holding "
                         "itself)", doc)
            return
        except Exception as e:  # a Mapping subclass whose items() or get() raises
            self.problem("wrong_type", f"returned an output that cannot be read: {_describe(e)}", doc)
            return
        own = out.get("doc_id")
        if own is not None and not (isinstance(own, str) and own == doc):
            self.problem("wrong_doc_id", f"returned doc_id {quote(own)} for document {quote(doc)}: an extractor's "
                         "output belongs to the document it was given (leave 'doc_id' out)", doc)
            return
        errors = out.get("errors")
        if errors is not None and not isinstance(errors, list):
            self.problem("wrong_type", f"returned 'errors' as a {type(errors).__name__}, expected a list of error "
                         "items", doc)
            return
        for item in errors or ():
            self.error_docs.add(doc)
            self.errors.append(_error_item(item, doc))
        self.rows.append({**{k: v for k, v in out.items() if k != "errors"}, "doc_id": doc})


#: Deepest nesting of dicts and lists an extractor's output may have.
MAX_DEPTH = 50


def plain_copy(value: Any, depth: int = 0) -> Any:
    """A copy of an extractor's output made of plain dicts and lists (every Mapping a ``dict``, every list or
    tuple a ``list``; other values as they are), so later calls cannot change what was returned."""
    if depth > MAX_DEPTH:
        raise RecursionError
    if isinstance(value, Mapping):  # a dict subclass is read as a dict: its own get() or items() never runs
        items = dict.items(value) if isinstance(value, dict) else value.items()
        return {k: plain_copy(v, depth + 1) for k, v in items}
    if isinstance(value, list | tuple):
        return [plain_copy(v, depth + 1) for v in value]
    return value


def _error_item(item: Any, doc: str) -> dict[str, Any]:
    """An error item of an extractor's output as the report lists it: document, kind, message (cut short)."""
    if isinstance(item, Mapping):
        kind = item.get("kind")
        message = item.get("message", item)
    else:
        kind, message = None, item
    text = message if isinstance(message, str) else quote(message, 200)
    return {"doc": doc, "kind": kind if isinstance(kind, str) else None,
            "message": text if len(text) <= 200 else text[:199] + "…"}


def _description(extractor: Any, name: str) -> dict[str, Any] | None:
    """``extractor.describe()`` (or its ``metadata``) for the report, checked to be a JSON object; None if it
    has neither."""
    describe = getattr(extractor, "describe", None)
    if not callable(describe):
        return None
    try:
        info = describe()
        json.dumps(info, allow_nan=False)
    except (Exception, SystemExit) as e:
        raise RukpError(f"extractor {quote(name)}: describe() failed or is not JSON: {_describe(e)}") from None
    if not isinstance(info, Mapping):
        raise RukpError(f"extractor {quote(name)}: describe() returned a {type(info).__name__}, expected a dict")
    return dict(info)


def _extract_call(extractor: Any) -> Any:
    """``extract(text, doc_id)``: passes the document id to extractors whose ``extract`` takes a ``doc_id``
    keyword (for their logs and raw exports), and calls ``extract(text)`` on all others."""
    try:
        params = inspect.signature(extractor.extract).parameters
    except (TypeError, ValueError):  # builtins and C extensions without a signature
        params = {}
    if "doc_id" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return lambda text, doc_id: extractor.extract(text, doc_id=doc_id)
    return lambda text, doc_id: extractor.extract(text)


def _check_not_all_failed(run: _Run, name: str, n_docs: int) -> None:
    """An extractor that failed on every document (raised, or returned only error items) gives an error, not a
    report of zeros that looks like a real score."""
    answered = {row["doc_id"] for row in run.rows if row.get("entities") or row.get("claims") or row.get("sentences")}
    failed = (set(run.failed) | set(run.error_docs)) - answered
    if n_docs and len(failed) == n_docs:
        first = run.problems[0].message if run.problems else (run.errors[0]["message"] if run.errors else "")
        raise RukpError(f"extractor {quote(name)} failed on every document ({n_docs}); nothing to score"
                        + (f"; first failure: {first}" if first else ""))


def _streams_closed() -> list[str]:
    """The standard streams that user code closed (``sys.stdout.close()``), reopened on their descriptors so
    that the error about it can still be printed."""
    closed = []
    for name, fd in (("stdout", 1), ("stderr", 2)):
        stream = getattr(sys, name)
        if getattr(stream, "closed", False):
            closed.append(f"sys.{name}")
            with contextlib.suppress(OSError, ValueError):
                setattr(sys, name, open(fd, "w", encoding="utf-8", errors="backslashreplace", closefd=False))  # noqa: SIM115
    return closed


def _run_extractor(extractor: Any, name: str, gold: Gold, opts: Options, progress: bool | None,
                   timeout: float | None = None) -> Predictions:
    """Run ``extractor.extract(text)`` on every gold document (only those of ``opts.docs`` when given; at most
    ``timeout`` seconds each), then validate its output."""
    from rukp.progress import track

    documents = [d for d in gold.documents if opts.docs is None or d.id in opts.docs]
    missing = [d.id for d in documents if d.text is None]
    if missing:
        raise RukpError(f"an extractor needs the documents' text, and the gold has none for {missing[0]} "
                        f"({len(missing)} document(s) in all)", path=gold.path, doc=missing[0])
    run = _Run(name, opts)
    extract = _extract_call(extractor)
    with contextlib.closing(track(documents, description=f"extracting ({name})", enabled=progress)) as docs:
        for doc in docs:
            try:
                with time_limit(timeout):
                    out = extract(doc.text, doc.id)
            except RukpError as e:  # the extractor's own clear error (the LLM's wrong URL or key): name the doc
                raise RukpError(f"extractor {quote(name)}: {e.detail}", path=e.path, line=e.line,
                                doc=e.doc or doc.id) from None
            except TimeLimit:
                run.problem("timeout", f"took more than {timeout:g} s on this document (--extractor-timeout); "
                            "raise the limit or look at what it does with this text", doc.id)
                continue
            except Exception as e:  # an extractor's bug must name the document, not end in a traceback
                run.problem("extractor_error", f"failed: {_describe(e)}", doc.id)
                continue
            except KeyboardInterrupt:
                raise
            except BaseException as e:  # sys.exit() and the like: never a silent end without a report
                raise RukpError(f"extractor {quote(name)}: extract() stopped the run: {_describe(e)} (an "
                                "extractor must return its output or raise an exception)", doc=doc.id) from None
            closed = _streams_closed()
            if closed:
                raise RukpError(f"extractor {quote(name)} closed {' and '.join(closed)}: an extractor must leave "
                                "the standard streams open (write to a file or use logging)", doc=doc.id)
            run.output(out, doc.id)
    _check_not_all_failed(run, name, len(documents))
    preds = predictions_from_rows(run.rows, gold, source=name, kind="extractor", skip_invalid=opts.skip_invalid,
                                  failed=run.failed, every=opts.all_occurrences, **reader_scope(opts, gold))
    preds.skipped[:0] = run.problems
    preds.extractor = _description(extractor, name)
    preds.extractor_errors = {"count": len(run.errors), "documents": len(run.error_docs),
                              "first": run.errors[:ERRORS_SHOWN]}
    return preds


def load_input(obj: Any, gold: Gold, opts: Options, *, progress: bool | None = None,
               timeout: float | None = None) -> Predictions:
    """Predictions from whatever :func:`evaluate` accepts (see there); an extractor gets at most ``timeout``
    seconds per document."""
    from rukp.extractors.registry import as_extractor, resolve

    kw = {**reader_scope(opts, gold), "skip_invalid": opts.skip_invalid, "inclusive_ends": opts.inclusive_ends,
          "every": opts.all_occurrences}
    if isinstance(obj, Predictions):
        return obj
    if isinstance(obj, Path) or (isinstance(obj, str) and not is_spec(obj)
                                 and (Path(obj).is_file() or _looks_like_path(obj))):
        return load_predictions(obj, gold, fmt=opts.format, bio=opts.bio, **kw)
    if isinstance(obj, str):
        extractor = resolve(obj)
        return _run_extractor(extractor, str(getattr(extractor, "name", None) or obj), gold, opts, progress,
                              timeout)
    if isinstance(obj, list | tuple):
        return predictions_from_rows(obj, gold, **kw)
    if hasattr(obj, "extract") or callable(obj):
        name = getattr(obj, "name", None) or getattr(obj, "__name__", None) or type(obj).__name__
        return _run_extractor(as_extractor(obj, str(name)), str(name), gold, opts, progress, timeout)
    raise RukpError(f"cannot evaluate a {type(obj).__name__}: give an extractor (object with extract(text)), a "
                    "function, a spec string, a predictions file path, or a list of prediction dicts")
