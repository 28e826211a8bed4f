"""Fixtures of the ``llm:`` tests: a chat-completions server on 127.0.0.1 and a clean LLM environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

KEY = "sk-test-SECRET-7f3a9c1e5b2d4680"


@pytest.fixture
def llm_server():
    """A :class:`llm_server.FakeLLM` serving model ``test-model``, started and stopped around the test."""
    from llm_server import FakeLLM

    with FakeLLM() as server:
        yield server


@pytest.fixture
def llm_env(monkeypatch, tmp_path, llm_server):
    """Server URL, an API key and a private cache dir in the environment; no stray RUKP_LLM_* settings.

    ``llm`` is registered for resolution when the installed metadata predates its entry point.
    """
    from rukp.extractors import builtin, registry

    for name in list(os.environ):
        if name.startswith("RUKP_LLM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_BASE_URL", llm_server.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("RUKP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("RUKP_LLM_BACKOFF", "0.01")
    if "llm" not in registry.available():
        monkeypatch.setitem(registry._factories, "llm", builtin.llm)
    return llm_server
