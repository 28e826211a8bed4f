"""spaCy NER baselines (``spacy:fr_core_news_sm``, ``spacy:fr_core_news_md``): the model's own entities.

The French models predict WikiNER labels (PER, LOC, ORG, MISC). They are scored on the coarse view with the
built-in ``spacy`` label map, and on the fine view through :data:`FINE_MAP`, which keeps only the labels
that name one fine type (PER, ORG); LOC and MISC cover several fine types and are left out there.
Text is parsed line by line, so a heading or caption never runs into the next paragraph.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from rukp.errors import RukpError

DEFAULT_MODEL = "fr_core_news_md"

#: WikiNER labels onto the fine view: only where one fine type is meant.
FINE_MAP: MappingProxyType[str, str | None] = MappingProxyType(
    {"PER": "PER", "ORG": "ORG", "LOC": None, "MISC": None})


def pip_name(model: str) -> str:
    """The PyPI package of a spaCy model (``fr_core_news_lg`` → ``fr-core-news-lg``)."""
    return model.replace("_", "-")


@lru_cache(maxsize=4)
def load_model(model: str = DEFAULT_MODEL) -> Any:
    """Load an installed spaCy pipeline once per process; a missing one says which package to install."""
    import spacy

    try:
        return spacy.load(model)
    except OSError:
        raise RukpError(f"spaCy model {model!r} is not installed: pip install {pip_name(model)}") from None


def parse_lines(nlp: Any, text: str) -> Iterator[tuple[int, Any]]:
    """``(offset, Doc)`` for every non-blank line of ``text`` (Doc offsets + ``offset`` index ``text``)."""
    offsets, lines = [], []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            offsets.append(offset)
            lines.append(line)
        offset += len(line) + 1
    yield from zip(offsets, nlp.pipe(lines), strict=True)


def entity_dict(start: int, end: int, label: str) -> dict[str, Any]:
    """One predicted entity in the predictions format."""
    return {"start": start, "end": end, "label": label}


class SpacyNER:
    """The entities of a spaCy pipeline, with the pipeline's own labels."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self.model = model
        self.name = f"spacy:{model}"
        self.nlp = load_model(model)

    def extract(self, text: str) -> dict[str, Any]:
        entities = [entity_dict(offset + ent.start_char, offset + ent.end_char, ent.label_)
                    for offset, doc in parse_lines(self.nlp, text) for ent in doc.ents]
        return {"entities": entities}
