"""How the ``rukp evaluate`` / ``rukp benchmark`` options reach an ``llm:`` extractor: the environment.

The CLI options set, for the duration of the command only, the variables that the settings read anyway
(:mod:`rukp.extractors.llm.settings`), so the same options work from the shell, from Python and for every
``llm:`` spec of a benchmark run. Spec parameters still win.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def cli_environment(*, base_url: str | None = None, concurrency: int | None = None, no_cache: bool = False,
                    refresh: bool = False, template: Sequence[str] | None = None,
                    raw: Path | None = None) -> dict[str, str]:
    """The environment variables that the CLI's ``--llm-*``, ``--no-cache`` and ``--refresh`` options mean."""
    env: dict[str, str] = {}
    if base_url:
        env["OPENAI_BASE_URL"] = base_url
    if concurrency is not None:
        env["RUKP_LLM_CONCURRENCY"] = str(concurrency)
    if no_cache or refresh:
        env["RUKP_LLM_CACHE"] = "off" if no_cache else "refresh"
    if template:
        env["RUKP_LLM_TEMPLATE"] = ";".join(template)
    if raw is not None:
        env["RUKP_LLM_RAW"] = str(raw)
    return env


@contextmanager
def llm_environment(**options: object) -> Iterator[None]:
    """Set :func:`cli_environment`'s variables while the block runs, then restore the previous values."""
    env = cli_environment(**options)  # type: ignore[arg-type]
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
