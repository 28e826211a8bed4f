"""Known artefacts of the source texts, kept verbatim; the datasheet lists where each one occurs.

Each artefact is a verbatim string; :func:`locate` finds every occurrence in the corpus, and a string that no
longer occurs is an error, so the datasheet never describes an artefact the data does not contain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rukp.errors import RukpError


@dataclass(frozen=True)
class Artefact:
    """A verbatim string of the corpus that is a known slip of the source, and what it means for users."""

    text: str
    kind: str
    note: str


KNOWN_ARTEFACTS: tuple[Artefact, ...] = (
    Artefact("Chloé Son Hui", "name garbled (machine translation or autocorrection)",
             "the North Korean foreign minister Choe Son-hui; a PER mention linked to her (guidelines §4.6)"),
    Artefact("Chloé Son-hui", "name garbled (machine translation or autocorrection)",
             "the same minister, garbled the same way in another article; linked to her"),
    Artefact("Nom Kwang Chol", "name garbled (wrong transliteration)",
             "the North Korean defence minister No Kwang-chol; a PER mention linked to him (guidelines §4.6)"),
    Artefact("confirme le déploiement de troupes à Pyongyang", "garbled headline",
             "reads as troops sent to Pyongyang; the body says NATO confirmed North Korean troops in the Kursk "
             "region, so the headline mistranslates 'troops from Pyongyang'. Annotated as written: 'Pyongyang' is "
             "a GPE linked to North Korea, and the headline's claim shares the body claim's cluster (guidelines "
             "§4.5, §5.13)"),
    Artefact("CC’est", "typo", "a doubled capital ('C’est'); kept in the text and in every span"),
    Artefact("Russian President Vladimir Putin, right, and North Korea", "truncated caption",
             "the caption is cut off in the source page; its entities are annotated, it holds no claim (§3)"),
    Artefact("Kim Jong-un", "spelling variant", "also written 'Kim Jong Un'; one canonical entity"),
    Artefact("Yoon Suk-yeol", "spelling variant", "also written 'Yoon Suk Yeol'; one canonical entity"),
    Artefact("10.000", "number format", "a dot as thousands separator"),
    Artefact("10 000", "number format", "a plain space as thousands separator"),
    Artefact("10\u00a0000", "number format", "a no-break space (U+00A0) as thousands separator; copy it as is"),
)


@dataclass(frozen=True)
class Occurrence:
    """Where an artefact occurs: document id and character offsets (end exclusive)."""

    artefact: Artefact
    doc_id: str
    start: int
    end: int


def locate(documents: list[dict[str, Any]],
           artefacts: tuple[Artefact, ...] = KNOWN_ARTEFACTS) -> list[Occurrence]:
    """Every occurrence of every artefact in ``documents`` (rows with ``id`` and ``text``), in list order."""
    found: list[Occurrence] = []
    for artefact in artefacts:
        hits = []
        for doc in documents:
            start = doc["text"].find(artefact.text)
            while start >= 0:
                hits.append(Occurrence(artefact, doc["id"], start, start + len(artefact.text)))
                start = doc["text"].find(artefact.text, start + 1)
        if not hits:
            raise RukpError(f"known artefact {artefact.text!r} no longer occurs in any document; update "
                            "KNOWN_ARTEFACTS", path="benchmark/rukp/docs/artefacts.py")
        found += hits
    return found
