"""A general French demonym list (countries of the world and regional adjectives) and its inflected forms.

The list (``data/demonyms_fr.txt``) is written from general knowledge, not from rukp's annotations. Each line
gives a country and the masculine singular demonym; feminine and plural forms follow regular French
morphology (:func:`inflect`), irregular words spell out their four forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rukp.errors import RukpError

DEMONYM_FILE = Path(__file__).resolve().parent / "data" / "demonyms_fr.txt"

#: A combining form such as ``russo-`` or ``sino-`` that may precede a demonym ("russo-nord-coréennes").
_COMBINING = r"(?:[a-zàâäçéèêëîïôöùûü]+o-)*"


def inflect(masc_sg: str) -> tuple[str, str, str, str]:
    """Masculine/feminine singular/plural forms of a regular demonym (``coréen`` → ``coréenne`` …)."""
    word = masc_sg
    if word.endswith("e"):
        fem = word
    elif word.endswith(("ien", "éen", "on")):
        fem = word + "ne"
    else:
        fem = word + "e"
    if word.endswith(("s", "x")):
        masc_pl = word
    elif word.endswith("al"):
        masc_pl = word[:-2] + "aux"
    else:
        masc_pl = word + "s"
    return word, fem, masc_pl, fem + "s"


@dataclass(frozen=True)
class DemonymList:
    """Country names and every inflected demonym form (lower case)."""

    countries: frozenset[str]
    forms: frozenset[str]

    def is_demonym(self, word: str) -> bool:
        """Whether ``word`` is a demonym form, possibly after combining forms (``russo-nord-coréennes``)."""
        return _pattern(self.forms).fullmatch(word.lower()) is not None


@lru_cache(maxsize=8)
def _pattern(forms: frozenset[str]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(_COMBINING + f"(?:{alternation})")


def parse(text: str, path: str | Path = DEMONYM_FILE) -> DemonymList:
    """Parse the demonym file format; a malformed line is a :class:`RukpError` naming file and line."""
    countries: set[str] = set()
    forms: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[1].strip():
            raise RukpError("expected COUNTRY<TAB>DEMONYM", path=path, line=number)
        country, demonym = parts[0].strip(), parts[1].strip().lower()
        words = [w.strip() for w in demonym.split(",")]
        if len(words) not in (1, 4) or not all(words):
            raise RukpError(f"demonym {demonym!r}: give one regular form or four comma-separated forms",
                            path=path, line=number)
        forms.update(inflect(words[0]) if len(words) == 1 else words)
        if country != "-":
            countries.add(country)
    return DemonymList(frozenset(countries), frozenset(forms))


@lru_cache(maxsize=1)
def load() -> DemonymList:
    """The bundled list (read once)."""
    from rukp.io.jsonl import read_text

    return parse(read_text(DEMONYM_FILE), DEMONYM_FILE)
