"""Push tasks to a Label Studio server and pull its annotations back, through ``label-studio-sdk``.

The API key is read from ``$LABEL_STUDIO_API_KEY`` only: never a command-line argument (shell history),
never written to disk. ``push`` creates the project (or updates its config) and adds a task for each
document that has none yet; tasks already there are kept, so annotators' work is never overwritten.
``pull`` downloads the JSON export and imports it through the same path as ``rukp labelstudio import``.

Every request has a connect and a read timeout, and the whole command a deadline, so a server that hangs
(paused, overloaded) gives one clear error within a bounded time instead of a wait without end.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from rukp import defaults, paths
from rukp.errors import RukpError, quote
from rukp.io.atomic import dumps_json, write_text_atomic
from rukp.io.jsonl import loads
from rukp.io.labelstudio import config as cfg
from rukp.io.labelstudio.results import parse_export
from rukp.labelstudio.importer import ImportPlan, Report, import_docs
from rukp.labelstudio.tasks import make_tasks

API_KEY_ENV = "LABEL_STUDIO_API_KEY"
DEFAULT_PROJECT = "rukp-fr"


def api_key() -> str:
    """The API key from ``$LABEL_STUDIO_API_KEY`` (a legacy token or a personal access token)."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        raise RukpError(f"set {API_KEY_ENV} to your Label Studio API key (Account & Settings → Access Token); "
                        "it is never taken on the command line")
    return key


@contextmanager
def _server_errors(url: str, action: str) -> Iterator[None]:
    """Turn connection and HTTP errors of the SDK into one clear :class:`RukpError`."""
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except httpx.TimeoutException as e:
        raise RukpError(f"Label Studio at {url} did not answer in time while trying to {action} ({e}): is the "
                        "server paused or overloaded? (see label-studio.log; --timeout and --deadline set the "
                        "limits)") from None
    except httpx.HTTPError as e:
        raise RukpError(f"cannot reach Label Studio at {url} while trying to {action}: {e or type(e).__name__}"
                        ) from None
    except ApiError as e:
        if e.status_code in (401, 403):
            raise RukpError(f"Label Studio at {url} refused the API key from {API_KEY_ENV} (HTTP {e.status_code}"
                            f" while trying to {action})") from None
        body = e.body if isinstance(e.body, dict) else {}
        detail = body.get("validation_errors") or body.get("detail") or e.body
        raise RukpError(f"Label Studio at {url}: {action} failed (HTTP {e.status_code}): {detail}") from None


class _Limits(httpx.BaseTransport):
    """Per-request timeouts and a deadline for everything sent through one client (wraps httpx's transport)."""

    def __init__(self, inner: httpx.BaseTransport, *, timeout: float, deadline: float) -> None:
        self.inner, self.timeout = inner, timeout
        self.deadline, self.total = time.monotonic() + deadline, deadline

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpx.ReadTimeout(f"the deadline of {self.total:g} s has passed", request=request)
        wait = min(self.timeout, left)
        request.extensions["timeout"] = {"connect": min(wait, 10.0), "read": wait, "write": wait, "pool": wait}
        try:
            return self.inner.handle_request(request)
        except httpx.TimeoutException as e:
            limit = (f"no answer within {wait:g} s" if wait == self.timeout
                     else f"no answer before the deadline of {self.total:g} s in all")
            raise type(e)(limit, request=request) from None

    def close(self) -> None:
        self.inner.close()


def connect(url: str, *, timeout: float = defaults.LS_TIMEOUT_S, deadline: float = defaults.LS_DEADLINE_S) -> Any:
    """A ``LabelStudio`` client for ``url``, checked with one authenticated call.

    Each request may wait ``timeout`` seconds to connect (at most 10) and for each answer; everything done through
    the client must end within ``deadline`` seconds.
    """
    from label_studio_sdk import LabelStudio

    if not timeout > 0 or not deadline > 0:
        raise RukpError(f"--timeout and --deadline must be positive numbers of seconds (got {timeout}, {deadline})")
    transport = _Limits(httpx.HTTPTransport(), timeout=timeout, deadline=deadline)
    client = LabelStudio(base_url=url.rstrip("/"), api_key=api_key(), timeout=timeout, max_retries=0,
                         httpx_client=httpx.Client(transport=transport, timeout=timeout, follow_redirects=True))
    with _server_errors(url, "check the API key"):
        client.users.whoami()
    return client


def find_project(client: Any, title: str, url: str) -> Any | None:
    """The project named exactly ``title``, or None; two of that name is an error."""
    with _server_errors(url, f"list projects named {title!r}"):
        found = [p for p in client.projects.list(title=title) if p.title == title]
    if len(found) > 1:
        raise RukpError(f"Label Studio at {url} has {len(found)} projects named {title!r} "
                        f"(ids {', '.join(str(p.id) for p in found)}); rename all but one")
    return found[0] if found else None


@dataclass
class PushResult:
    """What ``push`` did: the project, whether it was created, and the tasks added or kept."""

    project_id: int
    created: bool
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def push(url: str, *, project: str = DEFAULT_PROJECT, root: Path | None = None,
         timeout: float = defaults.LS_TIMEOUT_S, deadline: float = defaults.LS_DEADLINE_S,
         **task_options: Any) -> PushResult:
    """Create or update ``project`` (config + tasks); ``task_options`` as for :func:`make_tasks`."""
    client = connect(url, timeout=timeout, deadline=deadline)
    tasks = make_tasks(root=root, **task_options)
    existing = find_project(client, project, url)
    if existing is None:
        with _server_errors(url, f"create project {project!r}"):
            existing = client.projects.create(title=project, label_config=cfg.label_config())
        result = PushResult(existing.id, created=True)
        present: dict[str, Any] = {}
    else:
        with _server_errors(url, f"update the labeling config of project {project!r}"):
            client.projects.update(existing.id, label_config=cfg.label_config())
        result = PushResult(existing.id, created=False)
        with _server_errors(url, f"list the tasks of project {project!r}"):
            present = {t.data.get(cfg.DOC_ID): t for t in client.tasks.list(project=existing.id)}
    new = [t for t in tasks if t["data"][cfg.DOC_ID] not in present]
    for t in tasks:
        doc_id = t["data"][cfg.DOC_ID]
        if doc_id in present:
            result.kept.append(doc_id)
            if present[doc_id].data.get(cfg.TEXT) != t["data"][cfg.TEXT]:
                result.notes.append(f"task {present[doc_id].id} (doc {doc_id}) has an older text than the corpus: "
                                    "delete it in Label Studio and push again")
    if new:
        with _server_errors(url, f"import {len(new)} task(s) into project {project!r}"):
            client.projects.import_tasks(existing.id, request=new)
        result.added = [t["data"][cfg.DOC_ID] for t in new]
    return result


def download_export(url: str, project: str, *, timeout: float = defaults.LS_TIMEOUT_S,
                    deadline: float = defaults.LS_DEADLINE_S) -> list[Any]:
    """The project's JSON export (every task with its annotations, region ids and relations)."""
    client = connect(url, timeout=timeout, deadline=deadline)
    found = find_project(client, project, url)
    if found is None:
        raise RukpError(f"Label Studio at {url} has no project named {project!r} (push it first)")
    with _server_errors(url, f"export project {project!r}"):
        raw = b"".join(client.projects.exports.download_sync(found.id, export_type="JSON"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RukpError(f"Label Studio at {url} returned an export that is not UTF-8 ({e})") from None
    return loads(text, path=f"export of project {quote(project)} from {url}")


def pull(url: str, *, project: str = DEFAULT_PROJECT, dry_run: bool = False, save: str | Path | None = None,
         force: bool = False, root: Path | None = None, annotations_dir: Path | None = None,
         report: Report | None = None, timeout: float = defaults.LS_TIMEOUT_S,
         deadline: float = defaults.LS_DEADLINE_S, agent: str = "person", single_pass: bool = False) -> ImportPlan:
    """Download the project's annotations and import them (diff, validate, atomic write)."""
    data = download_export(url, project, timeout=timeout, deadline=deadline)
    if save is not None:
        write_text_atomic(save, dumps_json(data))
    source = str(save) if save is not None else f"{url.rstrip('/')} project {project!r}"
    docs, skipped = parse_export(data, source=source)
    return import_docs(docs, skipped, source=source, dry_run=dry_run, force=force, root=root,
                       annotations_dir=annotations_dir or paths.annotations_dir(root), report=report, agent=agent,
                       single_pass=single_pass)
