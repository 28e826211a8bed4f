"""One chat-completions request through the official ``openai`` client: retries, backoff, structured output.

Retries (with exponential backoff, or the server's ``Retry-After``, each wait at most :data:`MAX_DELAY`
seconds) cover 429, 5xx, timeouts and dropped connections. Structured output asks for ``response_format:
json_schema``; a server that refuses it (400/422) is asked again with ``json_object``, then with no
``response_format`` (the prompt asks for JSON anyway), and the first mode that works is kept for the run.

Server-level failures stop the run with one :class:`ServerUnavailable` (a :class:`RukpError`), never a
per-document error: a 401/403/404 (wrong key, model or URL) at once, and a server that cannot be reached
(connection refused, unknown host, connect timeout) after :data:`CONNECT_TRIES` quick tries while it has
never answered, or after ``retries`` once it has (it may be restarting). Any other failure is a
:class:`RequestFailed` for that one request. The API key is read from ``OPENAI_API_KEY`` only and never
appears in a message.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rukp.errors import RukpError
from rukp.extractors.llm.settings import public_url

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
#: key-shaped tokens (``sk-…``), also partly starred ones that hosted APIs quote back in a 401
_KEYLIKE = re.compile(r"\b(sk|rk|pk)-[A-Za-z0-9_*\-]{6,}")


class RequestFailed(Exception):
    """A request that failed for good (after retries, or refused): the message is safe to show."""


class ServerUnavailable(RukpError):
    """The server cannot serve this run at all (unreachable, or a wrong URL, model or key): stop the run."""


def unreachable_reason(error: BaseException) -> str | None:
    """Why a connection could not be opened (``connection refused``, ``unknown host``...), or None when the
    error is not a failure to connect (a connection dropped mid-answer is an ordinary, retried failure)."""
    import socket

    chain, seen = [], error
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
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
    """What the server answered: the message text, why it stopped, the output mode used, token usage."""

    content: str
    finish_reason: str | None
    mode: str
    usage: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"content": self.content, "finish_reason": self.finish_reason, "mode": self.mode,
                "usage": self.usage}


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
                 sleep: Callable[[float], None] = time.sleep) -> None:
        openai = _require_openai()
        self.openai = openai
        self.model = model
        self.server = public_url(base_url)
        self.retries, self.backoff, self.sleep = retries, backoff, sleep
        self.modes: Sequence[str] = MODES if structured == "auto" else (structured,)
        self._mode = 0
        self._lock = threading.Lock()
        self.sent = 0
        self.retried = 0
        #: whether the server has answered any request (with any HTTP status) in this run
        self.reached = False
        # the client's own retries are off: ours are counted, bounded and honour the settings
        self.client = openai.OpenAI(base_url=base_url, api_key=_key(), max_retries=0,
                                    timeout=openai.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)))

    @property
    def mode(self) -> str:
        """The output mode in use (the first the server accepted)."""
        return self.modes[min(self._mode, len(self.modes) - 1)]

    def complete(self, messages: list[dict[str, str]], schema: dict[str, Any], *, name: str,
                 temperature: float, seed: int, max_tokens: int) -> Completion:
        """The server's answer to ``messages``; falls back to plainer output modes when one is refused."""
        openai = self.openai
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
            return self._completion(response, mode)

    def _completion(self, response: Any, mode: str) -> Completion:
        choices = getattr(response, "choices", None) or []
        if not choices or choices[0].message is None:
            raise RequestFailed("the server's answer has no choices")
        usage = response.usage.model_dump() if getattr(response, "usage", None) is not None else None
        return Completion(choices[0].message.content or "", choices[0].finish_reason, mode, usage)

    def _delay(self, attempt: int, error: Any) -> float:
        headers = getattr(getattr(error, "response", None), "headers", None) or {}
        try:
            after = float(headers.get("retry-after", ""))
        except ValueError:
            after = -1.0
        if after >= 0:
            return min(after, MAX_DELAY)
        return min(self.backoff * 2 ** attempt, MAX_DELAY)

    def _unreachable(self, reason: str) -> ServerUnavailable:
        return ServerUnavailable(f"cannot reach the OpenAI-compatible server at {self.server}: {reason}; is it "
                                 "running, and is that its address (OPENAI_BASE_URL or --llm-base-url)?")

    def _send(self, kwargs: dict[str, Any]) -> Any:
        openai = self.openai
        retryable = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError,
                     openai.APIConnectionError, openai.ConflictError)
        attempt = 0
        while True:
            with self._lock:
                self.sent += 1
            try:
                response = self.client.chat.completions.create(**kwargs)
                self.reached = True
                return response
            except (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError) as e:
                self.reached = True
                raise ServerUnavailable(f"server {self.server} refused model {self.model!r} ({e.status_code}): "
                                        f"{redact(str(e.message))} (check OPENAI_BASE_URL / --llm-base-url, the "
                                        "model name and OPENAI_API_KEY)") from None
            except retryable as e:
                reason = unreachable_reason(e) if isinstance(e, openai.APIConnectionError) else None
                if reason is None:
                    self.reached = True
                tries = self.retries + 1 if self.reached else CONNECT_TRIES
                if attempt + 1 >= tries:
                    if reason is not None:
                        raise self._unreachable(reason) from None
                    status = getattr(e, "status_code", None)
                    what = "timed out" if isinstance(e, openai.APITimeoutError) else (
                        f"answered {status}" if status else "dropped the connection")
                    raise RequestFailed(f"server {self.server} {what} after {attempt + 1} attempt(s): "
                                        f"{redact(str(getattr(e, 'message', e)))}") from None
                with self._lock:
                    self.retried += 1
                delay = self._delay(attempt, e)
                self.sleep(min(delay, CONNECT_DELAY) if reason is not None and not self.reached else delay)
                attempt += 1
            except (openai.BadRequestError, openai.UnprocessableEntityError):
                self.reached = True
                raise
            except openai.APIStatusError as e:
                self.reached = True
                raise RequestFailed(f"server {self.server} answered {e.status_code}: "
                                    f"{redact(str(e.message))}") from None
