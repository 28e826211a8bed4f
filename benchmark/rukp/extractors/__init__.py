"""Extractors: anything with ``extract(text) -> {"entities": [...], "claims": [...]}``, found by name."""

from rukp.extractors.registry import Extractor, available, register, resolve

__all__ = ["Extractor", "available", "register", "resolve"]
