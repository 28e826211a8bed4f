"""The one tokenisation of the dataset: spaCy's French tokenizer and a rule sentencizer, line by line.

Lines are never merged into one sentence, so a heading or caption never runs into the next paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import spacy


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document with its tokens as (start, end) character ranges."""

    start: int
    end: int
    tokens: tuple[tuple[int, int], ...]


@lru_cache(maxsize=1)
def _nlp() -> spacy.language.Language:
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` (character offsets, whitespace tokens dropped), split inside each line."""
    out: list[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            doc = _nlp()(line)
            for sent in doc.sents:
                toks = tuple((offset + t.idx, offset + t.idx + len(t.text)) for t in sent if not t.is_space)
                if toks:
                    out.append(Sentence(toks[0][0], toks[-1][1], toks))
        offset += len(line) + 1
    return out
