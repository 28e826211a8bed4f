"""Extractors: anything with ``extract(text) -> {"entities": [...], "claims": [...]}``, found by name.

The keys say what a system predicts: an entity-only extractor returns no ``claims`` key (an empty list would
mean "predicts claims and found none", scored as 0), a claims-only one no ``entities`` key.
"""

from rukp.extractors.registry import Extractor, available, register, resolve

__all__ = ["Extractor", "available", "register", "resolve"]
