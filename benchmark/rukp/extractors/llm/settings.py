"""Settings of the ``llm:<model>`` extractor: spec parameters, then environment variables, then defaults.

A spec is ``llm:MODEL`` or ``llm:MODEL?name=value&name=value`` (``llm:qwen2.5:7b?lang=en&context=4096``).
Every setting below can also come from an environment variable (``RUKP_LLM_<NAME>``, e.g.
``RUKP_LLM_CONCURRENCY=8``); a spec parameter wins over the environment. The server comes only from
``OPENAI_BASE_URL`` (the ``--llm-base-url`` option sets it) and the key only from ``OPENAI_API_KEY``: neither
may be a spec parameter, so neither ends up in a system name, a report or a cache key.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from rukp.errors import RukpError

TASKS: tuple[str, ...] = ("entities", "claims")
LANGS: tuple[str, ...] = ("fr", "en")
STRUCTURED: tuple[str, ...] = ("auto", "json_schema", "json_object", "none")
CACHE_MODES: tuple[str, ...] = ("on", "off", "refresh")


def _tasks(value: str) -> tuple[str, ...]:
    tasks = tuple(t.strip() for t in value.replace("+", ",").split(",") if t.strip())
    bad = [t for t in tasks if t not in TASKS]
    if not tasks or bad:
        raise ValueError(f"expected a comma-separated subset of {', '.join(TASKS)}")
    return tuple(t for t in TASKS if t in tasks)


def _choice(allowed: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value
    return parse


def _positive_int(value: str) -> int:
    n = int(value)
    if n < 1:
        raise ValueError("expected an integer >= 1")
    return n


def _non_negative(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(value: str) -> Any:
        n = kind(value)
        if not (n >= 0 and math.isfinite(n)):
            raise ValueError("expected a finite number >= 0")
        return n
    return parse


#: the longest ``timeout`` accepted (seconds): one day
MAX_TIMEOUT = 86400.0


def _timeout(value: str) -> float:
    n = float(value)
    if not 0 < n <= MAX_TIMEOUT:
        raise ValueError(f"expected seconds > 0 and at most {MAX_TIMEOUT:g}")
    return n


def check_base_url(url: str) -> None:
    """Refuse a server URL that is not ``http(s)://host[:port]/...`` (a ``file://`` URL, a bare host name, a
    port out of range), before any request."""
    try:
        parts = urlsplit(url)
        scheme, host, _ = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError as e:  # an unclosed IPv6 bracket, a port that is no number or out of range
        raise RukpError(f"the server URL {_shown_url(url)} (OPENAI_BASE_URL or --llm-base-url) is not a valid URL "
                        f"({e})") from None
    if scheme not in ("http", "https") or not host:
        raise RukpError(f"the server URL {_shown_url(url)} (OPENAI_BASE_URL or --llm-base-url) is not an http:// "
                        "or https:// address of an OpenAI-compatible server (e.g. http://127.0.0.1:8000/v1)")


def _shown_url(url: str) -> str:
    """``url`` quoted for a message, without credentials (user and password, query) and cut short."""
    url = public_url(url) or url
    return repr(url if len(url) <= 80 else url[:77] + "...")


def _templates(value: str) -> tuple[tuple[str, Path], ...]:
    """``FILE`` (one prompt for both tasks) or ``entities=FILE`` / ``claims=FILE``, separated by ``;``."""
    out = []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        task, sep, path = part.partition("=")
        if sep and task in TASKS:
            out.append((task, Path(path).expanduser()))
        else:
            out.append(("both", Path(part).expanduser()))
    return tuple(out)


@dataclass(frozen=True)
class LLMSettings:
    """Everything that decides what is sent and how (see the module docstring for where values come from)."""

    model: str
    lang: str = "fr"
    tasks: tuple[str, ...] = TASKS
    #: user templates: ``(task, path)`` with task ``entities``, ``claims`` or ``both`` (one prompt, both lists)
    template: tuple[tuple[str, Path], ...] = ()
    #: the model's context window in tokens; chunks are sized to fit it with the prompt and the answer
    context: int = 8192
    max_tokens: int = 2048
    temperature: float = 0.0
    seed: int = 0
    structured: str = "auto"
    #: sentences repeated at the start of the next chunk (items found twice there are merged)
    overlap: int = 0
    concurrency: int = 4
    cache: str = "on"
    raw: Path | None = None
    replay: Path | None = None
    timeout: float = 120.0
    retries: int = 5
    backoff: float = 1.0
    base_url: str | None = field(default=None)
    cache_dir: Path | None = field(default=None)

    def decoding(self) -> dict[str, Any]:
        """The decoding parameters sent with every request (part of the cache key)."""
        return {"temperature": self.temperature, "seed": self.seed, "max_tokens": self.max_tokens,
                "structured": self.structured}


#: setting → parser of its text form (spec parameter or environment variable)
PARSERS: dict[str, Callable[[str], Any]] = {
    "lang": _choice(LANGS),
    "tasks": _tasks,
    "template": _templates,
    "context": _positive_int,
    "max_tokens": _positive_int,
    "temperature": _non_negative(float),
    "seed": int,
    "structured": _choice(STRUCTURED),
    "overlap": _non_negative(int),
    "concurrency": _positive_int,
    "cache": _choice(CACHE_MODES),
    "raw": lambda v: Path(v).expanduser(),
    "replay": lambda v: Path(v).expanduser(),
    "timeout": _timeout,
    "retries": _non_negative(int),
    "backoff": _non_negative(float),
}


def env_name(setting: str) -> str:
    """Environment variable of a setting (``concurrency`` → ``RUKP_LLM_CONCURRENCY``)."""
    return f"RUKP_LLM_{setting.upper()}"


def _parse(name: str, value: str, where: str) -> Any:
    try:
        return PARSERS[name](value)
    except ValueError as e:
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise RukpError(f"{where}: {name}={shown!r} is not valid ({e})") from None


def parse_spec(arg: str | None, environ: Mapping[str, str] | None = None) -> LLMSettings:
    """Settings of ``llm:ARG`` (``ARG`` = ``MODEL[?name=value&...]``), completed from the environment."""
    environ = os.environ if environ is None else environ
    if not arg or not arg.partition("?")[0].strip():
        raise RukpError("extractor 'llm' needs the server's model name: llm:MODEL (e.g. llm:qwen2.5-7b-instruct)")
    model, _, query = arg.partition("?")
    values: dict[str, Any] = {}
    for name in PARSERS:
        if environ.get(env_name(name)):
            values[name] = _parse(name, environ[env_name(name)], f"environment variable {env_name(name)}")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name not in PARSERS:
            why = " (the server comes from OPENAI_BASE_URL or --llm-base-url)" if name == "base_url" else ""
            raise RukpError(f"extractor 'llm:{arg}': unknown parameter {name!r}{why}; "
                            f"known: {', '.join(PARSERS)}")
        values[name] = _parse(name, value, f"extractor 'llm:{arg}'")
    base_url = (environ.get("OPENAI_BASE_URL") or "").strip() or None
    cache_dir = Path(environ["RUKP_CACHE_DIR"]).expanduser() if environ.get("RUKP_CACHE_DIR") else None
    return LLMSettings(model=model.strip(), base_url=base_url, cache_dir=cache_dir, **values)


def public_url(url: str | None) -> str | None:
    """A server URL safe to show and record: user, password, query and fragment removed."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL at all (an unclosed IPv6 bracket): no query, no user
        return url.split("?", 1)[0].split("#", 1)[0].rpartition("@")[2]
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range: shown as written
        port = parts.netloc.rpartition("@")[2].rpartition(":")[2]
    netloc = host + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def setting_names() -> tuple[str, ...]:
    """Names accepted as spec parameters."""
    return tuple(f.name for f in fields(LLMSettings) if f.name in PARSERS)
