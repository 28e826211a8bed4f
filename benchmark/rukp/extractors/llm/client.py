"""One chat-completions request through the official ``openai`` client: retries, backoff, structured output.

Retries (with exponential backoff, or the server's ``Retry-After``, each wait at most :data:`MAX_DELAY`
seconds) cover 429, 5xx, timeouts and dropped connections. Structured output asks for ``response_format:
json_schema``; a server that refuses it (400/422) is asked again with ``json_object``, then with no
``response_format`` (the prompt asks for JSON anyway), and the first mode that works is kept for the run.

Each try has a total deadline of ``timeout`` seconds (connecting, sending and reading the whole answer),
enforced by the waiting thread whatever the server does (a server trickling one byte at a time included), and
an answer larger than :data:`MAX_RESPONSE_BYTES` is refused while it is read. The answer is read as raw JSON
and checked here (:func:`completion_from_body`): an answer that is not a chat completion (not UTF-8, not
JSON, an HTML page or an event stream, a message or content of the wrong type) is a :class:`BadResponse`.

Server-level failures stop the run with one :class:`ServerUnavailable` (a :class:`RukpError`), never a
per-document error: a 401/403/404 (wrong key, model or URL) and a redirect loop at once, and a server that
cannot be reached (connection refused, unknown host, connect timeout) after :data:`CONNECT_TRIES` quick tries
while it has never answered, or after ``retries`` once it has (it may be restarting). Any other failure is a
:class:`RequestFailed` for that one request. :meth:`ChatClient.interrupt` (Ctrl-C) makes every waiting
request raise :class:`Interrupted` within :data:`POLL` seconds. The API key is read from ``OPENAI_API_KEY``
only and never appears in a message.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rukp.errors import RukpError, quote
from rukp.extractors.llm.settings import check_base_url, public_url

INSTALL_HINT = "pip install -e '.[llm]' from a checkout (or pip install openai)"
#: the placeholder key sent to local servers that need none (the client refuses an empty one)
NO_KEY = "no-key"
MODES: tuple[str, ...] = ("json_schema", "json_object", "none")
#: the longest wait between two tries (a larger ``Retry-After`` or backoff is cut to this)
MAX_DELAY = 30.0
#: tries to reach a server that has not answered yet, and the wait between them (seconds, at most)
CONNECT_TRIES = 2
CONNECT_DELAY = 1.0
#: seconds to open a connection (at most; ``timeout`` if smaller)
CONNECT_TIMEOUT = 10.0
#: the largest answer read (bytes, after decompression): a chat completion is a few kilobytes
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
#: how often a waiting request checks for its deadline and for an interruption (seconds)
POLL = 0.1
#: key-shaped tokens (``sk-…``), also partly starred ones that hosted APIs quote back in a 401
_KEYLIKE = re.compile(r"\b(sk|rk|pk)-[A-Za-z0-9_*\-]{6,}")


class RequestFailed(Exception):
    """A request that failed for good (after retries, or refused): the message is safe to show."""


class BadResponse(RequestFailed):
    """The server answered, but not with a usable chat completion (too large, not JSON...): not retried."""


class ServerUnavailable(RukpError):
    """The server cannot serve this run at all (unreachable, or a wrong URL, model or key): stop the run."""


class Interrupted(Exception):
    """The run was interrupted (Ctrl-C): the request was abandoned."""


class _Timeout(Exception):
    """A try that ran past its deadline, or a read that timed out (retried)."""


class _Dropped(Exception):
    """The connection broke while the answer was read (retried)."""


def _chain(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    return chain


def unreachable_reason(error: BaseException) -> str | None:
    """Why a connection could not be opened (``connection refused``, ``unknown host``...), or None when the
    error is not a failure to connect (a connection dropped mid-answer is an ordinary, retried failure)."""
    import socket

    chain = _chain(error)
    # by name: the transport is httpx or, in recent openai releases, its fork httpx2 (with httpcore under it)
    names = {type(e).__name__ for e in chain}
    if not names & {"ConnectError", "ConnectTimeout"}:
        return None
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return "connection refused"
    if any(isinstance(e, socket.gaierror) for e in chain):
        return "unknown host (DNS lookup failed)"
    if "ConnectTimeout" in names:
        return "no answer to the connection attempt (connect timeout)"
    return redact(str(chain[-1]) or type(chain[-1]).__name__)


@dataclass(frozen=True)
class Completion:
    """What the server answered: the message text, why it stopped, the output mode used, token usage, and
    notes on what was repaired (lone surrogates replaced)."""

    content: str
    finish_reason: str | None
    mode: str
    usage: dict[str, Any] | None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {"content": self.content, "finish_reason": self.finish_reason, "mode": self.mode, "usage": self.usage}
        return {**out, "notes": list(self.notes)} if self.notes else out


def _body_problem(data: bytes, content_type: str) -> str:
    """Why an answer body is not JSON, in words (the body quoted, cut short)."""
    if not data.strip():
        return f"the answer's body is empty (HTTP 200, Content-Type {content_type or 'none'!r})"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return f"the answer is not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})"
    head = text.lstrip()[:200]
    kind = ""
    if head.lower().startswith(("<!doctype", "<html", "<")):
        kind = "an HTML page, "
    elif head.startswith(("data:", "event:", ":")):
        kind = "a server-sent event stream (a streaming answer), "
    return (f"the answer is {kind}not a JSON chat completion (Content-Type {content_type or 'none'!r}): "
            f"{quote(' '.join(text.split()), 100)}")


def _content(value: Any) -> str:
    """The message's text: a string, null (no text) or a list of text parts (``[{"type": "text", "text": …}]``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(p, dict) and isinstance(p.get("text"), str) for p in value):
        return "".join(p["text"] for p in value)
    raise BadResponse(f"the answer's message content is {_kind(value)}, expected a string: {quote(value, 100)}")


def _kind(value: Any) -> str:
    """``a JSON array``, ``a JSON string``..., or ``null``."""
    from rukp.io.jsonl import json_type

    return "null" if value is None else f"a JSON {json_type(value)}"


def completion_from_body(data: bytes, content_type: str, mode: str) -> Completion:
    """The :class:`Completion` in a chat-completions answer body; :class:`BadResponse` when it is none."""
    try:
        body = json.loads(data)
    except RecursionError:
        raise BadResponse("the answer nests JSON too deeply to be read (a broken server?)") from None
    except ValueError:  # not UTF-8, not JSON
        raise BadResponse(_body_problem(data, content_type)) from None
    if not isinstance(body, dict):
        raise BadResponse(f"the answer is {_kind(body)}, expected a chat completion object: "
                          f"{quote(body, 100)}")
    if "choices" not in body and isinstance(body.get("error"), dict | str):
        error = body["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise BadResponse(f"the server answered an error: {redact(str(message))}")
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices:
        raise BadResponse("the answer has no choices" if not choices else
                          f"the answer's choices are {_kind(choices)}, expected a list")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice, dict) else None
    if not isinstance(message, dict):
        what = f"message is {_kind(message)}" if isinstance(choice, dict) else f"choice is {_kind(choice)}"
        raise BadResponse(f"the answer's {what}, expected an object: {quote(message, 100)}")
    content = _content(message.get("content"))
    notes: tuple[str, ...] = ()
    if _utf8(content) != content:
        content = _utf8(content)
        notes = ("the answer held lone surrogates (not valid Unicode): each was replaced by U+FFFD",)
    finish = choice.get("finish_reason")
    usage = body.get("usage")
    return Completion(content, _utf8(finish) if isinstance(finish, str) else None, mode, _usage(usage), notes)


def _usage(value: Any) -> dict[str, Any] | None:
    """The answer's token usage when it is an object that can be stored as it is (else None: not needed)."""
    if not isinstance(value, dict):
        return None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError, UnicodeEncodeError):
        return None
    return value


def _utf8(text: str) -> str:
    """``text`` with lone surrogates (which cannot be sent as UTF-8) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _require_openai() -> Any:
    try:
        import openai
    except ImportError:
        raise RukpError(f"the llm extractor needs the openai client: {INSTALL_HINT}") from None
    return openai


def _key() -> str:
    return os.environ.get("OPENAI_API_KEY") or NO_KEY


def redact(message: str, limit: int = 300) -> str:
    """A server or client message safe to show: the API key masked, one line, truncated."""
    key = os.environ.get("OPENAI_API_KEY")
    if key:
        message = message.replace(key, "***")
    message = _KEYLIKE.sub(r"\1-***", message)
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 3] + "..."


def response_format(mode: str, schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The ``response_format`` of a request in ``mode`` (None: not sent)."""
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


class ChatClient:
    """Chat completions against one server and model, safe to share between threads."""

    def __init__(self, base_url: str, model: str, *, timeout: float = 120.0, retries: int = 5,
                 backoff: float = 1.0, structured: str = "auto",
                 sleep: Callable[[float], None] | None = None) -> None:
        check_base_url(base_url)
        openai = _require_openai()
        self.openai = openai
        self.model = model
        self.server = public_url(base_url)
        self.timeout = timeout
        self.retries, self.backoff = retries, backoff
        #: set by :meth:`interrupt`: waiting requests give up, no new try starts
        self.stop = threading.Event()
        self.sleep = sleep
        self.modes: Sequence[str] = MODES if structured == "auto" else (structured,)
        self._mode = 0
        self._lock = threading.Lock()
        self.sent = 0
        self.retried = 0
        #: whether the server has answered any request (with any HTTP status) in this run
        self.reached = False
        # the client's own retries are off: ours are counted, bounded and honour the settings
        try:
            self.client = openai.OpenAI(base_url=base_url, api_key=_key(), max_retries=0,
                                        timeout=openai.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)))
        except Exception as e:  # a URL the HTTP library cannot use
            raise RukpError(f"the server URL {self.server!r} (OPENAI_BASE_URL or --llm-base-url) cannot be used: "
                            f"{redact(str(e))}") from None

    def interrupt(self) -> None:
        """Stop: every waiting request raises :class:`Interrupted` within :data:`POLL` seconds."""
        self.stop.set()

    def _wait(self, seconds: float) -> None:
        if self.sleep is not None:
            self.sleep(seconds)
        elif self.stop.wait(seconds):
            raise Interrupted("interrupted")

    @property
    def mode(self) -> str:
        """The output mode in use (the first the server accepted)."""
        return self.modes[min(self._mode, len(self.modes) - 1)]

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any], *, name: str,
                 temperature: float, seed: int, max_tokens: int) -> Completion:
        """The server's answer to ``messages``; falls back to plainer output modes when one is refused."""
        openai = self.openai
        messages = [{**m, "content": _utf8(m["content"])} for m in messages]
        while True:
            index = self._mode
            mode = self.modes[index]
            kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": temperature,
                                      "seed": seed, "max_tokens": max_tokens}
            fmt = response_format(mode, schema, name)
            if fmt is not None:
                kwargs["response_format"] = fmt
            try:
                response = self._send(kwargs)
            except (openai.BadRequestError, openai.UnprocessableEntityError) as e:
                if index + 1 < len(self.modes):
                    with self._lock:
                        self._mode = max(self._mode, index + 1)
                    continue
                raise RequestFailed(f"the server refused the request ({e.status_code}): "
                                    f"{redact(str(e.message))}") from None
            data, content_type = response
            return completion_from_body(data, content_type, mode)

    def _read(self, kwargs: dict[str, Any], cancel: threading.Event) -> tuple[bytes, str]:
        """One try: the answer's body and Content-Type (read in chunks, at most :data:`MAX_RESPONSE_BYTES`)."""
        hx = _httpx(self.openai)
        with self.client.chat.completions.with_streaming_response.create(**kwargs) as response:
            http = response.http_response
            length = http.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_RESPONSE_BYTES:
                raise BadResponse(f"the answer is {int(length):,} bytes, more than the {MAX_RESPONSE_BYTES:,} "
                                  "read at most (not a chat completion?)")
            parts, size = [], 0
            try:
                for part in http.iter_bytes():
                    if cancel.is_set():
                        raise _Timeout("abandoned")
                    size += len(part)
                    if size > MAX_RESPONSE_BYTES:
                        raise BadResponse(f"the answer is larger than the {MAX_RESPONSE_BYTES:,} bytes read at "
                                          "most (not a chat completion?)")
                    parts.append(part)
            except hx.TimeoutException as e:
                raise _Timeout(str(e) or "read timeout") from None
            except hx.HTTPError as e:  # the connection broke, or a body that cannot be decoded (gzip)
                raise _Dropped(str(e) or type(e).__name__) from None
            return b"".join(parts), http.headers.get("content-type", "")

    def _try(self, kwargs: dict[str, Any]) -> tuple[bytes, str]:
        """:meth:`_read` within the total deadline of ``timeout`` seconds, in a daemon thread that is
        abandoned (and told to stop) when the deadline passes or the run is interrupted."""
        deadline = time.monotonic() + self.timeout
        done, cancel = threading.Event(), threading.Event()
        result: dict[str, Any] = {}

        def run() -> None:
            try:
                result["value"] = self._read(kwargs, cancel)
            except BaseException as e:  # handed to the waiting thread
                result["error"] = e
            finally:
                done.set()

        threading.Thread(target=run, daemon=True, name="rukp-llm-http").start()
        while not done.wait(max(0.0, min(POLL, deadline - time.monotonic()))):
            if self.stop.is_set():
                cancel.set()
                raise Interrupted("interrupted")
            if time.monotonic() >= deadline:
                cancel.set()
                raise _Timeout(f"no complete answer within {self.timeout:g} s")
        if "error" in result:
            raise result["error"]
        return result["value"]

    def _delay(self, attempt: int, error: Any) -> float:
        headers = getattr(getattr(error, "response", None), "headers", None) or {}
        try:
            after = float(headers.get("retry-after", ""))
        except ValueError:
            after = -1.0
        if after >= 0:
            return min(after, MAX_DELAY)
        return min(self.backoff * 2 ** attempt, MAX_DELAY)

    def _check_url(self, error: BaseException) -> None:
        """A redirect loop, or a redirect to what the client cannot follow, is the URL's fault: stop the run."""
        names = {type(e).__name__ for e in _chain(error)}
        if "TooManyRedirects" in names:
            raise ServerUnavailable(f"server {self.server} redirects in a loop (too many redirects); check its "
                                    "address (OPENAI_BASE_URL or --llm-base-url)") from None
        if "UnsupportedProtocol" in names:
            raise ServerUnavailable(f"server {self.server} redirects to an address that is not http(s); check its "
                                    "address (OPENAI_BASE_URL or --llm-base-url)") from None

    def _unreachable(self, reason: str) -> ServerUnavailable:
        return ServerUnavailable(f"cannot reach the OpenAI-compatible server at {self.server}: {reason}; is it "
                                 "running, and is that its address (OPENAI_BASE_URL or --llm-base-url)?")

    def _send(self, kwargs: dict[str, Any]) -> tuple[bytes, str]:
        openai = self.openai
        retryable = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError,
                     openai.APIConnectionError, openai.ConflictError, _Timeout, _Dropped)
        attempt = 0
        while True:
            if self.stop.is_set():
                raise Interrupted("interrupted")
            with self._lock:
                self.sent += 1
            try:
                response = self._try(kwargs)
                self.reached = True
                return response
            except BadResponse:
                self.reached = True
                raise
            except (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError) as e:
                self.reached = True
                raise ServerUnavailable(f"server {self.server} refused model {self.model!r} ({e.status_code}): "
                                        f"{redact(str(e.message))} (check OPENAI_BASE_URL / --llm-base-url, the "
                                        "model name and OPENAI_API_KEY)") from None
            except retryable as e:
                reason = unreachable_reason(e) if isinstance(e, openai.APIConnectionError) else None
                self._check_url(e)
                if reason is None:
                    self.reached = True
                tries = self.retries + 1 if self.reached else CONNECT_TRIES
                if attempt + 1 >= tries:
                    if reason is not None:
                        raise self._unreachable(reason) from None
                    status = getattr(e, "status_code", None)
                    what = "timed out" if isinstance(e, openai.APITimeoutError | _Timeout) else (
                        f"answered {status}" if status else "dropped the connection")
                    raise RequestFailed(f"server {self.server} {what} after {attempt + 1} attempt(s): "
                                        f"{redact(str(getattr(e, 'message', e)))}") from None
                with self._lock:
                    self.retried += 1
                delay = self._delay(attempt, e)
                self._wait(min(delay, CONNECT_DELAY) if reason is not None and not self.reached else delay)
                attempt += 1
            except (openai.BadRequestError, openai.UnprocessableEntityError):
                self.reached = True
                raise
            except openai.APIStatusError as e:
                self.reached = True
                raise RequestFailed(f"server {self.server} answered {e.status_code}: "
                                    f"{redact(str(e.message))}") from None
            except (RukpError, Interrupted, RequestFailed):
                raise
            except Exception as e:  # anything else the client raises: this request's error, not a traceback
                raise RequestFailed(f"the request to {self.server} failed: {type(e).__name__}: "
                                    f"{redact(str(e))}") from None


def _httpx(openai: Any) -> Any:
    """The client's HTTP library: httpx, or its fork httpx2 in recent openai releases."""
    base = openai._base_client
    return getattr(base, "httpx2", None) or base.httpx
