"""Lower-bound baselines: ``empty`` (predicts nothing) and ``capitalised`` (every capitalised word run).

They show the floor a real system must clear. ``capitalised`` labels each run of capitalised words that does
not open a sentence as PER, one fixed type, the way a lower bound does; neither predicts claims
(no ``claims`` key), so their claims are not scored.
"""

from __future__ import annotations

import re
from typing import Any

#: A capitalised word (letters, inner hyphens or apostrophes), then more capitalised words or particles.
_WORD = r"[A-ZÀ-ÖØ-Þ][\w’'-]*"
_RUN = re.compile(rf"(?<![\w’'-]){_WORD}(?:\s+(?:(?:de|du|des|von|der|van|al)\s+)?{_WORD})*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:…«“\"]\s*)$")

FIXED_LABEL = "PER"
_PARTICLES = ("de ", "du ", "des ", "von ", "der ", "van ", "al ")


class Empty:
    """Predicts no entity (an entity lower bound; no ``claims`` key: it does not predict claims)."""

    name = "empty"

    def extract(self, text: str) -> dict[str, Any]:
        return {"entities": []}


class Capitalised:
    """Runs of capitalised words (a sentence's first word left out), all labelled :data:`FIXED_LABEL`."""

    name = "capitalised"

    def extract(self, text: str) -> dict[str, Any]:
        entities = []
        for m in _RUN.finditer(text):
            start = m.start()
            line_start = text.rfind("\n", 0, start) + 1
            if _SENTENCE_START.search(text[line_start:start]):  # a sentence's first word: drop it
                rest = re.search(r"\s+", m.group())
                if rest is None:
                    continue
                start += rest.end()
                while text[start:].startswith(_PARTICLES):
                    start = text.index(" ", start) + 1
            entities.append({"start": start, "end": m.end(), "label": FIXED_LABEL})
        return {"entities": entities}
