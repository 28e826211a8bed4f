"""The response cache on disk: one JSON file per request, keyed by what decides the answer.

The key is the SHA-256 of the server's model name, the template's hash, the decoding parameters and the
hash of the chunk of text sent (never the server URL or the API key). Files live under
``$RUKP_CACHE_DIR/llm/`` (default: the user cache dir, e.g. ``~/.cache/rukp/llm/``), are written atomically
with the permissions the umask gives, and an unreadable one counts as a miss and is rewritten. Text that
cannot be written as UTF-8 (lone surrogates from a broken server) is written with JSON ``\\u`` escapes.
A raw-responses export (``--llm-raw``) can be replayed as a read-only cache (``replay=FILE``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rukp.errors import RukpError

CACHE_SCHEMA = "rukp.llm.cache.v1"


def default_cache_dir() -> Path:
    """``$RUKP_CACHE_DIR``, else the platform's user cache dir for rukp (``~/.cache/rukp`` on Linux)."""
    if os.environ.get("RUKP_CACHE_DIR"):
        return Path(os.environ["RUKP_CACHE_DIR"]).expanduser()
    try:
        import platformdirs
    except ImportError:
        return Path.home() / ".cache" / "rukp"
    return Path(platformdirs.user_cache_dir("rukp", appauthor=False))


def text_hash(text: str) -> str:
    """SHA-256 of a text (UTF-8), as the gold's ``text_sha256`` (lone surrogates hashed as they are)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds lone surrogates (code points U+D800–U+DFFF), which UTF-8 cannot encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def dumps(value: Any, **options: Any) -> str:
    """JSON text of ``value``: UTF-8 characters as they are, or ``\\u`` escapes when it holds lone surrogates."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return json.dumps(value, ensure_ascii=True, **options) if has_surrogates(text) else text


def request_key(model: str, template_sha256: str, decoding: Mapping[str, Any], text: str) -> str:
    """The cache key of one request."""
    payload = {"model": model, "template": template_sha256, "decoding": dict(decoding), "text": text_hash(text)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``: a new file (mode 0666 less the umask) renamed over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class ResponseCache:
    """Cached answers by request key; ``mode`` is ``on``, ``off`` (neither read nor written) or ``refresh``."""

    def __init__(self, root: Path, mode: str = "on", replay: Path | None = None) -> None:
        self.root = Path(root)
        self.mode = mode
        self.replayed = load_replay(replay) if replay is not None else {}

    def path(self, key: str) -> Path:
        return self.root / "llm" / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached answer of ``key`` (replay file first), or None."""
        if key in self.replayed:
            return self.replayed[key]
        if self.mode != "on":
            return None
        try:
            entry = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # a damaged cache entry is a miss
            return None
        response = entry.get("response") if isinstance(entry, dict) else None
        return response if isinstance(response, dict) and isinstance(response.get("content"), str) else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Store an answer (unless the cache is off); a cache that cannot be written is a clear error."""
        if self.mode == "off":
            return
        try:
            write_atomic(self.path(key), dumps({"schema": CACHE_SCHEMA, "key": key, **entry}, indent=1) + "\n")
        except OSError as e:
            raise RukpError(f"cannot write the LLM response cache ({e.strerror or e}); set RUKP_CACHE_DIR to a "
                            "writable folder or pass --no-cache", path=self.path(key)) from None


def load_replay(path: Path) -> dict[str, dict[str, Any]]:
    """Answers by request key from a raw-responses export (``--llm-raw``), to re-score without a server
    (rows recording a failed request are skipped)."""
    from rukp.io.jsonl import iter_jsonl

    out: dict[str, dict[str, Any]] = {}
    for n, row in iter_jsonl(path):  # strict JSON, "\n"-only lines, errors name the file and line
        if isinstance(row, dict) and isinstance(row.get("request"), str) and "error" in row \
                and "response" not in row:
            continue  # a request that failed when recorded: nothing to replay (it is sent again)
        response = row.get("response") if isinstance(row, dict) else None
        if not isinstance(row, dict) or not isinstance(row.get("request"), str) or not isinstance(response, dict) \
                or not isinstance(response.get("content"), str):
            raise RukpError("expected a raw-response line with 'request' and 'response.content'", path=path, line=n)
        out[row["request"]] = response
    return out


class RawLog:
    """The raw-responses export: one JSON line per request, appended as answers arrive (file started anew)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._started = False

    def write(self, rows: list[dict[str, Any]]) -> None:
        text = "".join(dumps(r) + "\n" for r in rows)
        with self._lock:
            try:
                if not self._started:
                    if self.path.is_dir():
                        raise RukpError("is a directory; expected a file path for the raw responses",
                                        path=self.path)
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    write_atomic(self.path, "")
                    self._started = True
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(text)
            except OSError as e:
                raise RukpError(f"cannot write the raw responses: {e.strerror or e}", path=self.path) from None
