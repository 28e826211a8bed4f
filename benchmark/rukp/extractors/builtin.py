"""Factories of the built-in baselines, registered under the ``rukp.extractors`` entry points (pyproject).

Each factory takes the optional ``ARG`` of a spec ``NAME:ARG`` and imports its module only when called, so
listing the extractors stays cheap and a missing optional dependency only matters to the one that needs it.
"""

from __future__ import annotations

from typing import Any

from rukp.errors import RukpError


def spacy_ner(model: str | None = None) -> Any:
    """``spacy[:MODEL]``: a spaCy pipeline's own entities (default ``fr_core_news_md``)."""
    from rukp.extractors.spacy_ner import DEFAULT_MODEL, SpacyNER

    return SpacyNER(model or DEFAULT_MODEL)


def spacy_rules(model: str | None = None) -> Any:
    """``spacy+rules[:MODEL]``: spaCy plus French rules, with fine entity types."""
    from rukp.extractors.rules import DEFAULT_MODEL, SpacyRules

    return SpacyRules(model or DEFAULT_MODEL)


def rules_claims(model: str | None = None) -> Any:
    """``rules-claims[:MODEL]``: the spacy+rules entities and reported-speech claims."""
    from rukp.extractors.claims_rules import DEFAULT_MODEL, RulesClaims

    return RulesClaims(model or DEFAULT_MODEL)


def claim_cues(arg: str | None = None) -> Any:
    """``claim-cues``: a check-worthiness score per sentence from surface cues (no model)."""
    from rukp.extractors.claim_cues import ClaimCues

    return ClaimCues()


def hf(model_dir: str | None = None) -> Any:
    """``hf:MODEL_DIR``: a local transformers token-classification model."""
    if not model_dir:
        raise RukpError("extractor 'hf' needs a local model directory: hf:PATH/TO/MODEL")
    from rukp.extractors.hf import HFTokenClassifier

    return HFTokenClassifier(model_dir)


def empty(arg: str | None = None) -> Any:
    """``empty``: predicts nothing (lower bound)."""
    from rukp.extractors.trivial import Empty

    return Empty()


def capitalised(arg: str | None = None) -> Any:
    """``capitalised``: every run of capitalised words as one fixed type (lower bound)."""
    from rukp.extractors.trivial import Capitalised

    return Capitalised()


def llm(arg: str | None = None) -> Any:
    """``llm:MODEL[?name=value&...]``: a chat model on an OpenAI-compatible server (``OPENAI_BASE_URL``)."""
    from rukp.extractors.llm.extractor import LLMExtractor

    return LLMExtractor.from_spec(arg)


#: The built-in factories by name, as ``pyproject.toml`` registers them under the ``rukp.extractors`` entry
#: points. The registry falls back to this table for a name the installed metadata lacks (an editable install
#: made before a built-in was added); a test keeps the two the same.
BUILTINS: dict[str, Any] = {"spacy": spacy_ner, "spacy+rules": spacy_rules, "rules-claims": rules_claims,
                            "claim-cues": claim_cues, "hf": hf, "empty": empty, "capitalised": capitalised,
                            "llm": llm}
