"""``rules-claims``: reported speech found with spaCy's French parser; a weak but honest claim baseline.

Per sentence (lines parsed separately, so headings never merge into the next sentence):
- a speech verb (:data:`SPEECH_VERBS`) frames a claim: its ``ccomp``/``xcomp`` clause, else the reported
  clause before it (``advcl``/``parataxis``, the quote-then-verb order), else its quote, else its object. The
  speaker is the verb's ``nsubj``, or, after the verb, the ``obj``/``conj`` the parser often gives an inverted
  speaker ("…, a annoncé la porte-parole, Maria Zakharova");
- "selon X" / "d'après X" frames the rest of the sentence, with X as the speaker;
- a sentence with a finite verb and no frame is a claim in the author's voice (claimer ``AUTHOR``).
The claimer is given as a span (``claimer_start``/``claimer_end``): the NER entity inside the speaker phrase
when the ``spacy+rules`` baseline found one, else the speaker's head noun; a pronoun speaker takes the last
person or organisation entity before it. Polarity: negating verbs (nier, démentir, rejeter …) or a negated
clause → denied. Certainty: "pourrait"/"n'exclut pas"/"peut-être" → possible; the conditional mood
(``Mood=Cnd``) or a selon/d'après frame → probable; future tense or "devoir" + infinitive → future.
Topic: the topic whose keywords occur most often in the claim (ties in :data:`rukp.schema.TOPICS` order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rukp import schema
from rukp.extractors.rules import line_mentions, resolve_overlaps
from rukp.extractors.spacy_ner import DEFAULT_MODEL, entity_dict, load_model, parse_lines

SPEECH_VERBS: frozenset[str] = frozenset({
    "déclarer", "affirmer", "annoncer", "indiquer", "estimer", "nier", "démentir", "accuser", "prévenir",
    "dire", "ajouter", "assurer", "expliquer", "souligner", "confirmer", "préciser", "rapporter", "avertir",
    "dénoncer", "menacer", "promettre", "reconnaître", "juger", "considérer", "rejeter", "réfuter",
    "contester", "signaler", "répondre", "révéler", "soutenir", "prétendre", "insister",
    "rappeler", "noter", "observer", "écrire", "raconter", "admettre", "craindre", "informer", "alerter",
    "exprimer", "qualifier", "déplorer", "condamner",
})
#: Speech verbs that deny what they report.
NEGATING_VERBS: frozenset[str] = frozenset({"nier", "démentir", "rejeter", "réfuter", "contester"})
_SOURCE_MARKERS = ("selon", "après")  # "selon X", "d'après X" ("après" with a preceding "d'")
_NEGATORS = {"pas", "jamais", "aucun", "aucune", "guère", "nullement"}
_POSSIBLE = re.compile(r"n['’]\s*exclu\w*\s+pas|peut-être|possiblement|éventuel", re.IGNORECASE)
_QUOTE = re.compile(r"«\s*([^»]+?)\s*»|“([^”]+)”|\"([^\"]+)\"")
_CLAIMER_TYPES = ("PER", "ORG", "GPE", "NORP", "LOC", "FAC")

#: Keyword stems per topic (lower case, matched at word starts); general vocabulary of each topic.
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    "troop_deployment": ("soldat", "troupe", "déploi", "déploy", "envoi", "envoy", "militaires", "contingent",
                         "bataillon", "personnel militaire", "forces"),
    "military_cooperation": ("coopération militaire", "coopération", "entraîn", "exercice", "alliance",
                             "défense", "militaire"),
    "treaty": ("traité", "accord", "ratifi", "partenariat", "pacte", "signé", "signature"),
    "diplomatic_visit": ("visite", "rencontr", "arriv", "venue", "entretien", "discussion", "reçu",
                         "se rendra", "se rend", "délégation", "sommet", "réunion"),
    "weapons_supply": ("arme", "munition", "obus", "livr", "fourni", "équipement", "drone"),
    "technology_transfer": ("technolog", "transfert", "satellite", "spatia", "nucléaire", "savoir-faire"),
    "sanctions": ("sanction", "embargo", "violai", "viol"),
    "combat_and_territory": ("combat", "front", "offensive", "territoire", "bataille", "attaque", "tué",
                             "bless", "contrôl", "frontali", "guerre", "champ de bataille"),
    "missile_test": ("essai", "tir", "missile", "balistique", "lancement"),
    "statement_of_support": ("soutien", "soutenir", "solidarité", "appui", "amicale", "amitié", "félicit"),
}


@dataclass(frozen=True)
class Claim:
    """A predicted claim: its span, claimer (``AUTHOR``/``UNSPECIFIED`` or a span) and attributes."""

    start: int
    end: int
    polarity: str
    certainty: str
    topic: str
    claimer: str | None = None
    claimer_start: int | None = None
    claimer_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end}
        if self.claimer is not None:
            out["claimer"] = self.claimer
        if self.claimer_start is not None:
            out["claimer_start"], out["claimer_end"] = self.claimer_start, self.claimer_end
        out.update(polarity=self.polarity, certainty=self.certainty, topic=self.topic)
        return out


def topic_of(text: str) -> str:
    """The topic with the most keyword hits in ``text`` (``other`` when none)."""
    low = text.lower()
    best, best_hits = "other", 0
    for topic in schema.TOPICS:
        hits = sum(len(re.findall(r"(?<!\w)" + re.escape(k), low)) for k in TOPIC_KEYWORDS.get(topic, ()))
        if hits > best_hits:
            best, best_hits = topic, hits
    return best


def _span_of(tokens: Iterable[Any]) -> tuple[int, int] | None:
    """Character span of tokens, dropping a leading "que"/punctuation/quote and trailing punctuation."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].lower_ in {"que", "qu'", "qu’", "selon"}):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        toks = toks[:-1]
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _is_finite(tok: Any) -> bool:
    return "Fin" in tok.morph.get("VerbForm") or any("Fin" in c.morph.get("VerbForm") for c in tok.children
                                                      if c.dep_.startswith(("aux", "cop")))


def _verb_group(tok: Any) -> list[Any]:
    """A verb with its auxiliaries and copula (where mood and tense live)."""
    return [tok, *[c for c in tok.children if c.dep_.startswith(("aux", "cop"))]]


def certainty_of(main: Any, sent_text: str, *, hedged: bool) -> str:
    """possible / probable / future / certain, from the claim's verb group and hedges of its sentence."""
    group = _verb_group(main)
    if _POSSIBLE.search(sent_text) or any(t.lemma_ == "pouvoir" and "Cnd" in t.morph.get("Mood")
                                          for t in [*group, main.head]):
        return "possible"
    if hedged or any("Cnd" in t.morph.get("Mood") for t in group):
        return "probable"
    if any("Fut" in t.morph.get("Tense") for t in group) or (main.head.lemma_ == "devoir"
                                                             and main.dep_ == "xcomp"):
        return "future"
    if any(c.lemma_ == "devoir" and c.dep_.startswith("aux") for c in main.children):
        return "future"
    return "certain"


def _negated(tok: Any) -> bool:
    return any(c.lower_ in _NEGATORS for c in tok.children) and tok.lemma_ != "exclure"


class ClaimFinder:
    """Claims of one document, given its parsed lines and the entities the NER baseline found."""

    def __init__(self, entities: list[dict[str, Any]]) -> None:
        self.entities = sorted(entities, key=lambda e: e["start"])

    # -- claimer -------------------------------------------------------------------------------------
    def _linked(self, start: int, end: int, head: tuple[int, int]) -> tuple[int, int] | None:
        """The entity naming the speaker: one covering the head noun, else a PER/ORG/GPE in the phrase."""
        inside = [e for e in self.entities if e["start"] >= start and e["end"] <= end
                  and e["label"] in _CLAIMER_TYPES]
        for e in inside:
            if e["start"] <= head[0] and head[1] <= e["end"]:
                return e["start"], e["end"]
        for label in ("PER", "ORG", "GPE"):
            for e in inside:
                if e["label"] == label:
                    return e["start"], e["end"]
        return None

    def _antecedent(self, pronoun: Any, before: int) -> tuple[int, int] | None:
        """Naive coreference: the last person before "il"/"elle", or the last PER/ORG/GPE for plurals."""
        labels = ("PER",) if pronoun.lower_ in {"il", "elle"} else ("PER", "ORG", "GPE")
        for e in reversed(self.entities):
            if e["end"] <= before and e["label"] in labels:
                return e["start"], e["end"]
        return None

    def speaker_span(self, noun: Any, offset: int, *, extra: Iterable[Any] = ()) -> tuple[int, int] | None:
        """The claimer mention of a speaker phrase (head ``noun`` plus ``extra`` appositions)."""
        if noun.pos_ == "PRON":
            return self._antecedent(noun, offset + noun.idx)
        tokens = [*noun.subtree, *(t for x in extra for t in x.subtree)]
        start = offset + min(t.idx for t in tokens)
        end = offset + max(t.idx + len(t.text) for t in tokens)
        head_toks = [noun, *[c for c in noun.children if c.dep_.startswith("flat")]]
        head = offset + min(t.idx for t in head_toks), offset + max(t.idx + len(t.text) for t in head_toks)
        return self._linked(start, end, head) or head

    # -- frames --------------------------------------------------------------------------------------
    def speech_claim(self, verb: Any, sent: Any, offset: int) -> Claim | None:
        """The claim framed by a speech verb, or None when no reported content is found."""
        kids = list(verb.children)
        if any(c.dep_ == "aux:pass" for c in kids):
            return None  # "seront annoncés": the passive reports no speaker and frames no clause
        subj = next((c for c in kids if c.dep_ == "nsubj" and c.lower_ != "se"), None)
        content = next((c for c in kids if c.dep_ in ("ccomp", "xcomp")), None)
        if content is None:
            content = next((c for c in kids if c.dep_ in ("advcl", "parataxis") and c.i < verb.i), None)
        if content is None and verb.dep_ == "parataxis" and verb.head.i < verb.i:
            content = verb.head
        obj_after = [c for c in kids if c.dep_ in ("obj", "conj") and c.i > verb.i and c.pos_ != "VERB"]
        speaker, extra = subj, []
        if speaker is None and obj_after and (content is not None and content.i < verb.i
                                              or _quote_before(sent, verb)):
            speaker, extra = obj_after[0], obj_after[1:]
        if content is not None:
            if content is verb.head:
                tokens = [t for t in content.subtree if t not in set(verb.subtree)]
            else:
                tokens = list(content.subtree)
        else:
            quote = _quote_near(sent, verb)
            if quote is not None:
                tokens = quote
            elif obj_after and speaker is None:
                content = obj_after[0]
                tokens = list(content.subtree)
            else:
                return None
        span = _span_of(tokens)
        if span is None:
            return None
        main = content if content is not None else verb
        claimer_span = self.speaker_span(speaker, offset, extra=extra) if speaker is not None else None
        text = sent.doc.text[span[0]:span[1]]
        denied = verb.lemma_ in NEGATING_VERBS or (content is not None and _negated(content))
        return Claim(
            start=offset + span[0], end=offset + span[1],
            polarity="denied" if denied else "affirmed",
            certainty=certainty_of(main, text, hedged=False),
            topic=topic_of(text),
            claimer=None if claimer_span else "UNSPECIFIED",
            claimer_start=claimer_span[0] if claimer_span else None,
            claimer_end=claimer_span[1] if claimer_span else None,
        )

    def source_claim(self, marker: Any, sent: Any, offset: int) -> Claim | None:
        """The claim framed by "selon X" / "d'après X": the sentence without that phrase."""
        source = marker.head
        if source.pos_ not in ("NOUN", "PROPN", "PRON") or source.lower_ == "lesquelles":
            return None
        frame = set(source.subtree)
        tokens = [t for t in sent if t not in frame]
        span = _span_of(tokens)
        if span is None:
            return None
        main = source.head if source.head.pos_ in ("VERB", "AUX", "ADJ", "NOUN") else sent.root
        if main in frame:
            main = sent.root
        text = sent.doc.text[span[0]:span[1]]
        claimer_span = self.speaker_span(source, offset)
        return Claim(
            start=offset + span[0], end=offset + span[1],
            polarity="denied" if _negated(main) else "affirmed",
            certainty=certainty_of(main, text, hedged=True), topic=topic_of(text),
            claimer=None if claimer_span else "UNSPECIFIED",
            claimer_start=claimer_span[0] if claimer_span else None,
            claimer_end=claimer_span[1] if claimer_span else None,
        )

    def author_claim(self, sent: Any, offset: int) -> Claim | None:
        """A sentence stated as fact: a finite main verb, at least five words, not a question."""
        root = sent.root
        words = [t for t in sent if not t.is_punct]
        if len(words) < 5 or sent.text.rstrip().endswith("?") or not _is_finite(root):
            return None
        span = _span_of(list(sent))
        if span is None:
            return None
        text = sent.doc.text[span[0]:span[1]]
        return Claim(start=offset + span[0], end=offset + span[1],
                     polarity="denied" if _negated(root) else "affirmed",
                     certainty=certainty_of(root, text, hedged=False), topic=topic_of(text), claimer="AUTHOR")

    def sentence_claims(self, sent: Any, offset: int) -> list[Claim]:
        """Every claim of one sentence: speech frames, then selon/d'après frames, else the author's voice."""
        claims = []
        for tok in sent:
            if tok.lemma_ in SPEECH_VERBS and tok.pos_ == "VERB":
                claim = self.speech_claim(tok, sent, offset)
                if claim is not None:
                    claims.append(claim)
        if not claims:
            for tok in sent:
                is_marker = tok.lower_ == "selon" or (tok.lower_ == "après" and tok.i > sent.start
                                                      and tok.nbor(-1).lower_ in {"d'", "d’"})
                if is_marker:
                    claim = self.source_claim(tok, sent, offset)
                    if claim is not None:
                        claims.append(claim)
                        break
        if not claims:
            claim = self.author_claim(sent, offset)
            if claim is not None:
                claims.append(claim)
        return _dedupe(claims)


def _dedupe(claims: list[Claim]) -> list[Claim]:
    seen, out = set(), []
    for c in claims:
        if (c.start, c.end) not in seen:
            seen.add((c.start, c.end))
            out.append(c)
    return out


def _quotes(sent: Any) -> list[tuple[int, int]]:
    base = sent.start_char
    return [(base + m.start(m.lastindex), base + m.end(m.lastindex)) for m in _QUOTE.finditer(sent.text)]


def _quote_before(sent: Any, verb: Any) -> bool:
    return any(end <= verb.idx for _, end in _quotes(sent))


def _quote_near(sent: Any, verb: Any) -> list[Any] | None:
    """Tokens of the longest quote of the sentence of at least three words, or None."""
    best = None
    for start, end in _quotes(sent):
        toks = [t for t in sent if t.idx >= start and t.idx + len(t.text) <= end]
        if len([t for t in toks if not t.is_punct]) >= 3 and (best is None or len(toks) > len(best)):
            best = toks
    return best


def find_claims(nlp: Any, text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(entities, claims)`` of ``text``: the spacy+rules entities and the claims framed in each sentence."""
    parsed = list(parse_lines(nlp, text))
    entities = []
    for offset, doc in parsed:
        mentions = resolve_overlaps(line_mentions(doc, offset))
        entities += [entity_dict(m.start, m.end, m.label) for m in mentions]
    finder = ClaimFinder(entities)
    claims = [c.to_dict() for offset, doc in parsed for sent in doc.sents
              for c in finder.sentence_claims(sent, offset)]
    return entities, claims


class RulesClaims:
    """``rules-claims``: the spacy+rules entities plus claims from reported-speech rules."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self.model = model
        self.name = "rules-claims" if model == DEFAULT_MODEL else f"rules-claims:{model}"
        self.nlp = load_model(model)

    def extract(self, text: str) -> dict[str, Any]:
        entities, claims = find_claims(self.nlp, text)
        return {"entities": entities, "claims": claims}
