"""``spacy+rules``: the spaCy md model plus French rules, mapped to the fine entity types.

Everything here is general French, written without looking at rukp's gold: regular expressions for dates and
durations, quantities with a unit, numbers and ordinals; nationality adjectives and nouns from a general
demonym list (:mod:`rukp.extractors.demonyms`); and keyword rules that turn spaCy's WikiNER labels into fine
types (``MISC`` "traité …" → LAW, "guerre …" → EVENT, a demonym → NORP; ``LOC`` → GPE unless it names a
natural feature, a continent or bloc (LOC) or a building (FAC)). Spans follow the scheme's span rule (no
leading article or preposition). Overlaps are resolved deterministically by :func:`resolve_overlaps`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rukp.extractors import demonyms
from rukp.extractors.spacy_ner import DEFAULT_MODEL, entity_dict, load_model, parse_lines

_MONTH = (r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre"
          r"|d[ée]cembre)")
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DAY = r"(?:1er|[12]\d|3[01]|0?[1-9])"
_UNIT_WORD = (r"(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
              r"|vingts?|trente|quarante|cinquante|soixante|cents?|mille)")
#: Number words; a lone "un"/"une" is an article far more often than a count, so it needs a compound.
_NUM_WORDS = rf"(?:(?!une?\b){_UNIT_WORD}(?:(?:-et-|-|\s+et\s+|\s+)(?:{_UNIT_WORD}|une?))*)"
_DIGITS = r"(?:\d{1,3}(?:[ .\u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
_MAGNITUDE = r"(?:dizaines?|centaines?|milliers?|millions?|milliards?)"
_NUMBER = rf"(?:{_DIGITS}|{_NUM_WORDS})"
_UNIT = (r"(?:kilom[èe]tres?\s+carr[ée]s|m[èe]tres?\s+carr[ée]s|km²|km2|km|kilom[èe]tres?|m[èe]tres?"
         r"|tonnes?|kilos?|kg|kilogrammes?|litres?|hectares?|milles\s+nautiques|%|pour\s*cent"
         r"|dollars?|euros?|roubles?|wons?|yuans?)")
_TIME_UNIT = r"(?:jours?|semaines?|mois|ans?|ann[ée]es?|d[ée]cennies?|si[èe]cles?|heures?)"
#: A number that names something ("article 4", "résolution 1718") is not a count.
_IDENTIFIER_BEFORE = r"(?<!article )(?<!articles )(?<!résolution )(?<!n° )(?<!numéro )(?<!chapitre )"
_B = r"(?<![\w-])"
_E = r"(?![\w-])"

#: (label, pattern, priority): a lower priority wins a tie between spans of equal length.
VALUE_RULES: tuple[tuple[str, re.Pattern[str], int], ...] = tuple(
    (label, re.compile(_B + f"(?:{pattern})" + _E, re.IGNORECASE), priority)
    for label, pattern, priority in (
        ("DATE", rf"(?:(?:ce|cet|cette)\s+)?(?:{_WEEKDAY}\s+)?{_DAY}\s+{_MONTH}(?:\s+{_YEAR})?", 0),
        ("DATE", rf"(?:(?:d[ée]but|fin|mi|courant)[- ])?{_MONTH}(?:\s+{_YEAR})?", 0),
        ("DATE", rf"(?:(?:ce|cette)\s+)?{_WEEKDAY}(?:\s+(?:dernier|prochain|soir|matin|après-midi))?", 0),
        ("DATE", rf"{_YEAR}(?!\s*{_UNIT})", 0),
        ("DATE", r"(?:semaine|ann[ée]e|mois|an|week-end)\s+(?:pass[ée]e?|derni[èe]re?|prochaine?)", 0),
        ("DATE", r"(?:ce|cette|cet)\s+(?:semaine|ann[ée]e|mois|week-end|matin|soir|été|hiver|automne"
                 r"|printemps)", 0),
        ("DATE", r"aujourd'hui|aujourd’hui|hier|demain|avant-hier|après-demain", 0),
        ("DATE", rf"(?:(?:plus|moins|près)\s+d[e']\s*)?(?:{_NUMBER}|une?|quelques|plusieurs)\s+"
                 rf"{_TIME_UNIT}", 0),
        ("QUANTITY", rf"(?:(?:plusieurs|quelques)\s+)?(?:{_NUMBER}(?:\s+{_MAGNITUDE})?|{_MAGNITUDE})\s*"
                     rf"(?:d[e']\s*)?{_UNIT}", 1),
        ("CARDINAL", _IDENTIFIER_BEFORE + rf"(?:{_NUMBER}(?:\s+{_MAGNITUDE})?|{_MAGNITUDE})", 2),
        ("ORDINAL", r"premi(?:er|ère)s?|seconde?s?|[a-zàâçéèêëîïôûù]+i[èe]mes?|\d+(?:er|re|e|ème|ᵉ)", 3),
    )
)

NORP_PRIORITY = 4
GPE_PRIORITY = 5
NER_PRIORITY = 6

_ARTICLES = {"le", "la", "les", "l'", "l’", "de", "d'", "d’", "du", "des", "en", "à", "au", "aux", "depuis"}
_LAW_HEADS = {"traité", "accord", "loi", "convention", "pacte", "charte", "résolution", "constitution",
              "décret", "protocole", "code"}
_EVENT_HEADS = {"guerre", "sommet", "conférence", "bataille", "révolution", "jeux", "forum", "crise",
                "opération", "conflit", "festival", "exposition", "élection", "élections", "coupe",
                "championnat", "assemblée"}
_LOC_WORDS = {"mer", "océan", "mont", "monts", "fleuve", "golfe", "péninsule", "détroit", "lac", "île",
              "îles", "désert", "vallée", "rivière", "cap", "baie", "canal", "massif", "plateau", "steppe",
              "europe", "asie", "afrique", "amérique", "océanie", "antarctique", "arctique", "moyen-orient",
              "proche-orient", "extrême-orient", "occident", "orient", "balkans", "caucase", "sahel",
              "maghreb", "indo-pacifique", "sibérie"}
_FAC_WORDS = {"aéroport", "base", "palais", "place", "pont", "gare", "stade", "centrale", "port", "tour",
              "cathédrale", "église", "mosquée", "hôpital", "prison", "ambassade", "barrage", "usine",
              "cosmodrome"}


@dataclass(frozen=True, order=True)
class Mention:
    """A candidate entity: character span, fine label, and the priority that breaks ties."""

    start: int
    end: int
    label: str
    priority: int = NER_PRIORITY


def value_mentions(line: str, offset: int = 0) -> list[Mention]:
    """DATE, QUANTITY, CARDINAL and ORDINAL candidates of one line (they may overlap)."""
    return [Mention(offset + m.start(), offset + m.end(), label, priority)
            for label, pattern, priority in VALUE_RULES for m in pattern.finditer(line)]


def demonym_mentions(line: str, offset: int = 0) -> list[Mention]:
    """NORP candidates: demonyms of the general list, also after combining forms ("russo-nord-coréennes")."""
    pattern = _norp_pattern()
    return [Mention(offset + m.start(), offset + m.end(), "NORP", NORP_PRIORITY)
            for m in pattern.finditer(line)]


def country_mentions(line: str, offset: int = 0) -> list[Mention]:
    """GPE candidates: country names of the general list, written as in the list."""
    pattern = _country_pattern()
    return [Mention(offset + m.start(), offset + m.end(), "GPE", GPE_PRIORITY)
            for m in pattern.finditer(line)]


def _norp_pattern() -> re.Pattern[str]:
    forms = demonyms.load().forms
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return _compiled(_B + r"(?:[a-zàâäçéèêëîïôöùûü]+o-)*" + f"(?:{alternation})" + _E, re.IGNORECASE)


def _country_pattern() -> re.Pattern[str]:
    names = demonyms.load().countries
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return _compiled(_B + f"(?:{alternation})" + _E, 0)


_cache: dict[tuple[str, int], re.Pattern[str]] = {}


def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    key = (pattern, flags)
    if key not in _cache:
        _cache[key] = re.compile(pattern, flags)
    return _cache[key]


def fine_label(label: str, words: list[str]) -> str | None:
    """Fine type of a spaCy WikiNER entity from its label and lower-cased words (None: no fine type)."""
    first = words[0] if words else ""
    if first in _LAW_HEADS:
        return "LAW"
    if first in _EVENT_HEADS:
        return "EVENT"
    if label == "MISC":
        is_norp = words and all(demonyms.load().is_demonym(w) for w in words)
        return "NORP" if is_norp else None
    if label == "LOC":
        if first in _FAC_WORDS:
            return "FAC"
        return "LOC" if any(w in _LOC_WORDS for w in words) else "GPE"
    return {"PER": "PER", "ORG": "ORG"}.get(label)


def ner_mentions(doc: Any, offset: int = 0) -> list[Mention]:
    """spaCy's entities of one line, typed with :func:`fine_label` and trimmed by the span rule."""
    out = []
    for ent in doc.ents:
        tokens = list(ent)
        while tokens and tokens[0].lower_ in _ARTICLES:
            tokens = tokens[1:]
        if not tokens:
            continue
        label = fine_label(ent.label_, [t.lower_ for t in tokens])
        if label is None:
            continue
        if label in {"PER", "ORG", "GPE", "LOC", "FAC"}:
            # a name starts with a capital: drop leading common nouns ("ministre …", "porte-parole …")
            while tokens and not tokens[0].text[:1].isupper():
                tokens = tokens[1:]
            if not tokens:
                continue
        out.append(Mention(offset + tokens[0].idx, offset + tokens[-1].idx + len(tokens[-1].text), label))
    return out


def resolve_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """Keep a non-overlapping subset: longest first, then lower priority, then leftmost; sorted by start."""
    kept: list[Mention] = []
    taken: set[int] = set()
    for m in sorted(set(mentions), key=lambda m: (-(m.end - m.start), m.priority, m.start, m.label)):
        chars = set(range(m.start, m.end))
        if m.end > m.start and not chars & taken:
            kept.append(m)
            taken |= chars
    return sorted(kept)


def _snap(doc: Any, mention: Mention, offset: int) -> Mention | None:
    span = doc.char_span(mention.start - offset, mention.end - offset, alignment_mode="expand")
    if span is None:
        return None
    return Mention(offset + span.start_char, offset + span.end_char, mention.label, mention.priority)


def line_mentions(doc: Any, offset: int) -> list[Mention]:
    """Every candidate of one parsed line, on token boundaries, before overlap resolution."""
    line = doc.text
    rules = value_mentions(line, offset) + demonym_mentions(line, offset) + country_mentions(line, offset)
    snapped = [s for s in (_snap(doc, m, offset) for m in rules) if s is not None]
    return snapped + ner_mentions(doc, offset)


def rule_entities(nlp: Any, text: str) -> list[dict[str, Any]]:
    """The fine entities of ``text``: spaCy + rules, non-overlapping, in text order."""
    mentions: list[Mention] = []
    for offset, doc in parse_lines(nlp, text):
        mentions += resolve_overlaps(line_mentions(doc, offset))
    return [entity_dict(m.start, m.end, m.label) for m in mentions]


class SpacyRules:
    """``spacy+rules``: spaCy's NER plus the French rules of this module, with fine labels."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self.model = model
        self.name = "spacy+rules" if model == DEFAULT_MODEL else f"spacy+rules:{model}"
        self.nlp = load_model(model)

    def extract(self, text: str) -> dict[str, Any]:
        return {"entities": rule_entities(self.nlp, text)}
