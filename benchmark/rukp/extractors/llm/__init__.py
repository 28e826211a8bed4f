"""``llm:<model>``: entities and claims from a chat model on any OpenAI-compatible server (vLLM, Ollama,
llama.cpp's server, a hosted API), with versioned prompts, an on-disk response cache and raw-response export.

Modules: :mod:`.settings` (spec parameters and environment), :mod:`.prompts` (templates, JSON schemas),
:mod:`.chunking` (sentence chunks, merging), :mod:`.client` (requests, retries, structured output),
:mod:`.cache` (cache, raw export, replay), :mod:`.parse` (answers → items), :mod:`.extractor`.
Importing this package does not import ``openai``: only the first request that the cache cannot answer does.
See ``docs/llm.md``.
"""

from rukp.extractors.llm.settings import LLMSettings, parse_spec


def __getattr__(name: str):  # the extractor module is imported on first use
    if name == "LLMExtractor":
        from rukp.extractors.llm.extractor import LLMExtractor

        return LLMExtractor
    raise AttributeError(name)


__all__ = ["LLMExtractor", "LLMSettings", "parse_spec"]
