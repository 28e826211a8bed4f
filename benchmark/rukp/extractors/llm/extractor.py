"""The ``llm:<model>`` extractor: prompts per chunk, cached answers, text-anchored items, per-document errors.

``extract(text)`` returns ``{"entities": [{"text", "label"}], "claims": [{"text", "claimer", "polarity",
"certainty", "topic"}], "errors": [...]}`` (a task left out of ``tasks`` leaves its key out). The items carry
no offsets: the harness aligns them to the text. ``extract(text, doc_id=...)`` names the document by its id in
log lines, error items and raw rows (else by its text's SHA-256).

A request that fails for good, or an answer that is not a chat completion or whose content is not JSON, is
an error item of that document (logged, counted in :meth:`LLMExtractor.describe`) and the run goes on. What
cannot be a per-document problem stops the run with one :class:`RukpError`: a server that cannot be reached
or refuses the URL, model or key (:class:`~rukp.extractors.llm.client.ServerUnavailable`), and a run in
which no document has had a usable answer yet when the first document failed on requests alone
(:data:`STOP_AFTER_REQUEST_FAILURES`), after :data:`STOP_AFTER_BAD_DOCUMENTS` documents otherwise, or when
every document of an :meth:`LLMExtractor.extract_many` call failed. Scoring would only give zeros.
Requests of a document (chunks × prompts) run concurrently, up to ``concurrency``;
:meth:`LLMExtractor.extract_many` does the same across documents. Ctrl-C (``KeyboardInterrupt``) abandons
the requests in flight at once, logs one line saying how many answers of the run are cached, and is
raised again.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rukp.errors import RukpError
from rukp.extractors.llm import prompts
from rukp.extractors.llm.cache import (
    RawLog,
    ResponseCache,
    default_cache_dir,
    has_surrogates,
    request_key,
    text_hash,
)
from rukp.extractors.llm.chunking import MARGIN_TOKENS, Chunk, chunk_spans, estimate_tokens, merge
from rukp.extractors.llm.client import BadResponse, ChatClient, Interrupted, RequestFailed, ServerUnavailable
from rukp.extractors.llm.parse import BadAnswer, parse_answer
from rukp.extractors.llm.settings import LLMSettings, parse_spec, public_url

log = logging.getLogger("rukp.llm")
MIN_CHUNK_TOKENS = 64
#: while no document has had a usable answer: stop after this many documents whose requests all failed
#: (5xx or timeouts after the retries: the server answers nothing useful) ...
STOP_AFTER_REQUEST_FAILURES = 1
#: ... or after this many documents without a usable answer for any reason (answers that are not JSON)
STOP_AFTER_BAD_DOCUMENTS = 3
ITEM_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "entities": lambda e: (e["text"], e["label"]),
    "claims": lambda c: c["text"],
}


@contextmanager
def progress_bar(total: int, description: str) -> Iterator[Callable[[], None]]:
    """A rich progress bar on stderr for ``total`` steps; silent when stderr is not a terminal."""
    if total <= 0 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)


@contextmanager
def _ctrl_c(interrupt: Callable[[], None]) -> Iterator[threading.Event]:
    """While the block runs, Ctrl-C calls ``interrupt`` (requests in flight give up at once) and sets the
    event, so that the block ends cleanly and the caller raises ``KeyboardInterrupt`` from a known place
    (never from inside a lock); a second Ctrl-C raises at once. Only in the main thread (else no change)."""
    event = threading.Event()

    def on_sigint(signum: int, frame: Any) -> None:
        if event.is_set():
            raise KeyboardInterrupt
        event.set()
        interrupt()

    if threading.current_thread() is not threading.main_thread():
        yield event
        return
    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield event
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


@dataclass
class _Job:
    """One request: a chunk of one document under one template, and what came back."""

    doc: int
    chunk: int
    span: Chunk
    template: prompts.Template
    text: str
    key: str
    answer: dict[str, Any] | None = None
    cached: bool = False
    error: str | None = None
    #: the error item's kind when the request gave no answer
    kind: str = "request_failed"


class LLMExtractor:
    """Entities and claims from a chat model on any OpenAI-compatible server (see the module docstring)."""

    def __init__(self, settings: LLMSettings, *, name: str | None = None, client: ChatClient | None = None,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.settings = settings
        self.name = name or f"llm:{settings.model}"
        self.templates = prompts.templates(settings.tasks, settings.lang, settings.template)
        overhead = max(estimate_tokens(t.overhead) for t in self.templates)
        self.budget = settings.context - settings.max_tokens - overhead - MARGIN_TOKENS
        if self.budget < MIN_CHUNK_TOKENS:
            raise RukpError(f"extractor {self.name!r}: context={settings.context} leaves {self.budget} tokens for "
                            f"the text after the prompt (~{overhead}) and the answer (max_tokens="
                            f"{settings.max_tokens}); raise context or lower max_tokens")
        self.cache = ResponseCache(settings.cache_dir or default_cache_dir(), settings.cache, settings.replay)
        self.raw = RawLog(settings.raw) if settings.raw is not None else None
        self._client = client
        self._sleep = sleep
        self._lock = threading.Lock()
        self.errors: list[dict[str, Any]] = []
        self.documents = 0
        self.cached = 0
        #: documents with at least one usable answer, and those without any (while none had one)
        self.usable_documents = 0
        self.failed_documents = 0
        #: answers received from the server in this run (each one cached as it arrives)
        self.received = 0
        #: the error that stopped the run: every later call raises it again without sending anything
        self._fatal: RukpError | None = None

    @classmethod
    def from_spec(cls, arg: str | None) -> LLMExtractor:
        """The extractor of ``llm:ARG`` (settings from the spec and the environment)."""
        return cls(parse_spec(arg), name=f"llm:{arg}")

    def client(self) -> ChatClient:
        """The chat client, made on the first request that the cache cannot answer."""
        with self._lock:
            if self._client is None:
                s = self.settings
                if not s.base_url:
                    raise RukpError(f"extractor {self.name!r}: no server configured and the answer is not cached; "
                                    "set OPENAI_BASE_URL or pass --llm-base-url (e.g. http://127.0.0.1:8000/v1)")
                self._client = ChatClient(s.base_url, s.model, timeout=s.timeout, retries=s.retries,
                                          backoff=s.backoff, structured=s.structured, sleep=self._sleep)
            return self._client

    # ------------------------------------------------------------------ running

    def extract(self, text: str, *, doc_id: str | None = None) -> dict[str, Any]:
        """Text-anchored entities and claims of one document (see the module docstring); ``doc_id`` names it
        in logs, error items and raw rows."""
        return self._run([text], [doc_id], progress=False, whole_run=False)[0]

    def extract_many(self, texts: Sequence[str], doc_ids: Sequence[str | None] | None = None, *,
                     progress: bool = True) -> list[dict[str, Any]]:
        """:meth:`extract` for several documents, their requests run concurrently (with a progress bar); if
        every document fails, a :class:`RukpError` instead of empty results."""
        return self._run(texts, doc_ids, progress=progress, whole_run=True)

    def _run(self, texts: Sequence[str], doc_ids: Sequence[str | None] | None, *, progress: bool,
             whole_run: bool) -> list[dict[str, Any]]:
        if self._fatal is not None:
            raise self._fatal
        doc_ids = list(doc_ids) if doc_ids is not None else [None] * len(texts)
        if len(doc_ids) != len(texts):
            raise RukpError(f"extractor {self.name!r}: {len(texts)} texts but {len(doc_ids)} doc ids")
        jobs, chunks = self._jobs(texts)
        pending = []
        for job in jobs:
            answer = self.cache.get(job.key)
            if answer is not None:
                job.answer, job.cached = answer, True
            else:
                pending.append(job)
        try:
            with progress_bar(len(pending) if progress else 0, f"{self.name}: requests") as advance:
                self._send(pending, advance)
        except KeyboardInterrupt as stop:
            # the command's one line says it (rukp.cli.main); from Python the exception carries it
            stop.rukp_note = self._interrupted([j for j in jobs if j.answer is not None], doc_ids, texts, chunks)
            stop.args = (stop.rukp_note,)
            raise
        with self._lock:
            self.documents += len(texts)
            self.cached += len(jobs) - len(pending)
        if self.raw is not None:
            self.raw.write([self._raw_row(job, doc_ids[job.doc], texts[job.doc], len(chunks[job.doc]))
                            for job in jobs])
        outs = [self._document(i, doc_ids[i], texts[i], [j for j in jobs if j.doc == i]) for i in range(len(texts))]
        self._check_failures(outs, whole_run=whole_run)
        return [out for out, _ in outs]

    def _interrupted(self, finished: list[_Job], doc_ids: Sequence[str | None], texts: Sequence[str],
                     chunks: list[list[Chunk]]) -> str:
        """Ctrl-C: keep what finished (raw rows; answers are cached as they arrive); the line that says so."""
        if self.raw is not None and finished:
            self.raw.write([self._raw_row(j, doc_ids[j.doc], texts[j.doc], len(chunks[j.doc])) for j in finished])
        where = "not cached (cache=off)" if self.settings.cache == "off" else f"cached in {self.cache.root / 'llm'}"
        return f"{self.name}: interrupted; the {self.received} answer(s) received in this run are {where}"

    def _check_failures(self, outs: list[tuple[dict[str, Any], bool]], *, whole_run: bool) -> None:
        """Stop the run when nothing usable came back (see the module docstring): a zero score is no result."""
        failed = [out for out, usable in outs if not usable]
        with self._lock:
            self.usable_documents += len(outs) - len(failed)
            if self.usable_documents or not failed:
                return
            self.failed_documents += len(failed)
            n = self.failed_documents
        only_requests = all(e["kind"] == "request_failed" for out in failed for e in out["errors"])
        if not (whole_run or n >= STOP_AFTER_BAD_DOCUMENTS or (only_requests and n >= STOP_AFTER_REQUEST_FAILURES)):
            return
        first = failed[0]["errors"][0] if failed[0]["errors"] else None
        where = ""
        if first is not None:
            doc = f"doc {first['doc_id']}" if first["doc_id"] else f"document {first['text_sha256'][:12]}"
            where = f"; first error: {doc}, chunk {first['chunk'] + 1}, {first['task']}: {first['message']}"
        self._fatal = RukpError(f"extractor {self.name!r}: none of the {n} document(s) so far got a usable answer"
                                f"{where}; stopping, as scoring would only give zeros (check the server, the "
                                "model and max_tokens; see docs/llm.md, Errors)")
        raise self._fatal

    def _jobs(self, texts: Sequence[str]) -> tuple[list[_Job], list[list[Chunk]]]:
        jobs, chunks = [], []
        decoding = self.settings.decoding()
        for d, text in enumerate(texts):
            spans = chunk_spans(text, self.budget, self.settings.overlap)
            chunks.append(spans)
            for c, span in enumerate(spans):
                piece = text[span.start: span.end]
                for template in self.templates:
                    key = request_key(self.settings.model, template.sha256, decoding, piece)
                    jobs.append(_Job(d, c, span, template, piece, key))
        return jobs, chunks

    def _request(self, job: _Job) -> None:
        s = self.settings
        name = "rukp_" + job.template.task
        if self._fatal is not None:  # the run is stopping: send nothing more
            job.error = "not sent: the run stopped"
            return
        try:
            completion = self.client().complete(job.template.messages(job.text), prompts.schema(job.template.task),
                                                name=name, temperature=s.temperature, seed=s.seed,
                                                max_tokens=s.max_tokens)
        except Interrupted:
            job.error = "not sent: the run was interrupted"
            return
        except RequestFailed as e:
            job.error, job.kind = str(e), "bad_answer" if isinstance(e, BadResponse) else "request_failed"
            return
        except ServerUnavailable as e:  # unreachable, or a wrong URL, model or key: the run stops
            self._fatal = e
            raise
        job.answer = completion.to_dict()
        with self._lock:
            self.received += 1
        self.cache.put(job.key, {"model": s.model, "task": job.template.task, "template": job.template.name,
                                 "template_sha256": job.template.sha256, "decoding": s.decoding(),
                                 "text_sha256": text_hash(job.text), "response": job.answer})

    def _send(self, jobs: list[_Job], advance: Callable[[], None]) -> None:
        if not jobs:
            return
        client = self.client()  # a missing server stops here, once
        client.stop.clear()  # a run interrupted before (from Python) may go on
        pool = ThreadPoolExecutor(max_workers=min(self.settings.concurrency, len(jobs)),
                                  thread_name_prefix="rukp-llm")
        with _ctrl_c(client.interrupt) as interrupted:
            try:
                futures = [pool.submit(self._request, job) for job in jobs]
                for future in as_completed(futures):
                    future.result()  # a ServerUnavailable stops the run
                    advance()
            except KeyboardInterrupt:  # raised where no handler could be installed (not the main thread)
                client.interrupt()
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        if interrupted.is_set():
            raise KeyboardInterrupt

    # ------------------------------------------------------------------ results

    def _raw_row(self, job: _Job, doc_id: str | None, text: str, n_chunks: int) -> dict[str, Any]:
        row = {"doc_id": doc_id, "text_sha256": text_hash(text), "chunk": job.chunk, "chunks": n_chunks,
               "start": job.span.start, "end": job.span.end, "task": job.template.task,
               "template": job.template.name, "template_sha256": job.template.sha256,
               "model": self.settings.model, "decoding": self.settings.decoding(), "request": job.key,
               "cached": job.cached}
        return {**row, "response": job.answer} if job.answer is not None else {**row, "error": job.error}

    def _error(self, doc_id: str | None, text: str, job: _Job, kind: str, message: str) -> dict[str, Any]:
        item = {"doc_id": doc_id, "text_sha256": text_hash(text), "chunk": job.chunk, "task": job.template.task,
                "kind": kind, "message": message}
        where = f"doc {doc_id}" if doc_id else f"document {item['text_sha256'][:12]}"
        log.warning("%s: %s, chunk %d, %s: %s", self.name, where, job.chunk + 1, job.template.task, message)
        with self._lock:
            self.errors.append(item)
        return item

    def _document(self, d: int, doc_id: str | None, text: str, jobs: list[_Job]) -> tuple[dict[str, Any], bool]:
        """The document's output, and whether any of its answers was usable."""
        found: dict[str, list[tuple[Chunk, list[dict[str, Any]]]]] = {k: [] for k in self._keys()}
        errors = []
        usable = not jobs  # a blank text has nothing to ask
        for job in jobs:
            if job.answer is None:
                errors.append(self._error(doc_id, text, job, job.kind, job.error or "no answer"))
                continue
            content = job.answer.get("content", "")
            notes = [n for n in job.answer.get("notes") or () if isinstance(n, str)]
            if has_surrogates(content):  # an answer cached before answers were repaired on arrival
                content = content.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
                notes.append("the answer held lone surrogates (not valid Unicode): each was replaced by U+FFFD")
            errors.extend(self._error(doc_id, text, job, "invalid_items", note) for note in notes)
            try:
                items, problems = parse_answer(content, job.template.task)
            except BadAnswer as e:
                cut = " (the answer was cut at max_tokens; raise max_tokens)" \
                    if job.answer.get("finish_reason") == "length" else ""
                errors.append(self._error(doc_id, text, job, "bad_answer", f"{e}{cut}"))
                continue
            usable = True
            if problems:
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                errors.append(self._error(doc_id, text, job, "invalid_items", problems[0] + more))
            for key, values in items.items():
                if key in found:
                    found[key].append((job.span, values))
        out: dict[str, Any] = {key: merge(text, parts, ITEM_KEYS[key]) for key, parts in found.items()}
        out["errors"] = errors
        return out, usable

    def _keys(self) -> tuple[str, ...]:
        if any(t.task == "both" for t in self.templates):
            return ("entities", "claims")
        return tuple(t.task for t in self.templates)

    def describe(self) -> dict[str, Any]:
        """What the report records: model, server (no credentials), templates, parameters, requests, errors."""
        s = self.settings
        client = self._client
        return {
            "extractor": "llm",
            "model": s.model,
            "server": public_url(s.base_url),
            "templates": [t.describe() for t in self.templates],
            "parameters": {**s.decoding(), "lang": s.lang, "tasks": list(s.tasks), "context": s.context,
                           "chunk_tokens": self.budget, "overlap": s.overlap, "concurrency": s.concurrency,
                           "timeout": s.timeout, "retries": s.retries},
            "output_mode": client.mode if client is not None else None,
            "cache": {"dir": str(self.cache.root), "mode": s.cache,
                      "replay": str(s.replay) if s.replay is not None else None},
            "documents": self.documents,
            "requests": {"cached": self.cached, "sent": client.sent if client is not None else 0,
                         "retried": client.retried if client is not None else 0},
            "errors": {"count": len(self.errors), "documents": len({e["text_sha256"] for e in self.errors}),
                       "by_kind": dict(Counter(e["kind"] for e in self.errors)), "items": list(self.errors)},
        }

    @property
    def metadata(self) -> dict[str, Any]:
        """Same as :meth:`describe` (the harness records it in the report)."""
        return self.describe()
