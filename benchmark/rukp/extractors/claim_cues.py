"""``claim-cues``: a transparent check-worthiness scorer, one score per sentence from surface cues.

Written from the claim tests of the annotation scheme and guidelines (a claim is a concrete, checkable
proposition that the text asserts, reports, denies or predicts; not an evaluation, a question, an exhortation,
a statement of what is unknown, or page furniture), with general French cues and weights set by hand, never fitted
on the gold. Each sentence of the harness's rule splitter (:func:`rukp.io.sentences.split_sentences`) gets

    score = 1 / (1 + exp(-(sum of cue weights - BIAS)))

from the cues of :data:`CUES` (a cue counts once per sentence), and is a claim when the score is at least 0.5.
It predicts only sentence scores (``{"sentences": [{"start", "end", "score"}]}``): no spans, no entities.
"""

from __future__ import annotations

import math
import re
from typing import Any

from rukp.io.sentences import split_sentences

_W = r"(?<!\w)(?:{})(?!\w)"


def _words(*words: str) -> re.Pattern[str]:
    return re.compile(_W.format("|".join(words)), re.IGNORECASE)


#: (name, pattern, weight): positive cues for T1 (a concrete predicate, a reported or predicted event), negative
#: ones for T2/T3 (evaluation, question, exhortation, the unknown) and for furniture-like lines.
CUES: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("finite verb", _words("est", "sont", "était", "étaient", "a", "ont", "avait", "avaient", "sera", "seront",
                           "serait", "seraient", "aurait", "auraient", "va", "vont", "fait", "font", "se", "s'est",
                           "is", "are", "was", "were", "has", "have", "will") , 1.5),
    ("verb ending", re.compile(r"\w{3,}(?:ent|ait|aient|era|eront|erait|eraient)(?!\w)"), 0.5),
    ("attribution frame", _words("selon", "d'après", "d’après", "a déclaré", "a affirmé", "a annoncé", "a indiqué",
                                 "a confirmé", "a nié", "a démenti", "affirme", "affirment", "assure", "assurent",
                                 "estime", "estiment", "rapporte", "rapportent", "indique", "indiquent", "annonce",
                                 "déclare", "confirme", "said", "says", "according to"), 1.0),
    ("quantity or date", re.compile(r"\d|(?<!\w)(?:milliers?|millions?|milliards?|dizaines?|centaines?)(?!\w)",
                                    re.IGNORECASE), 0.5),
    ("prediction or plan", _words("devrait", "devraient", "prévoit", "prévoient", "pourrait", "pourraient",
                                  "remporteront", "sera", "seront"), 0.3),
    ("question", re.compile(r"\?\s*[»\"”]?\s*$"), -2.5),
    ("exhortation or unknown", _words("exhorte", "exhorté", "appelle à", "appelé à", "reste flou", "reste floue",
                                      "reste à savoir", "on ignore"), -1.0),
    ("evaluation", _words("inquiétude", "inquiétudes", "menace", "escalade", "sérieuses?", "importantes?",
                          "inaperçu", "sourciller"), -0.5),
    ("credit or label", re.compile(r"^\s*\(?[A-Z][A-Z .'/-]{3,}\)?\s*$|(?<!\w)(?:AFP|POOL|Reuters|AP|Photo)(?!\w)"),
     -2.0),
)
#: Sentences shorter than this many words lose :data:`SHORT_PENALTY` (headings, labels, credits).
SHORT_WORDS = 5
SHORT_PENALTY = 1.5
#: Subtracted from the summed weights before the logistic: a sentence needs a verb and one more cue to pass 0.5.
BIAS = 1.8


def cue_score(sentence: str) -> float:
    """The check-worthiness score of one sentence (0 to 1), from :data:`CUES`."""
    total = sum(weight for _, pattern, weight in CUES if pattern.search(sentence))
    if len(sentence.split()) < SHORT_WORDS:
        total -= SHORT_PENALTY
    return 1.0 / (1.0 + math.exp(-(total - BIAS)))


class ClaimCues:
    """Scores every sentence of a text with :func:`cue_score`."""

    name = "claim-cues"

    def extract(self, text: str) -> dict[str, Any]:
        """``{"sentences": [{"start", "end", "score"}]}`` for the sentences of ``text`` (rounded to 4 decimals)."""
        return {"sentences": [{"start": s, "end": e, "score": round(cue_score(text[s:e]), 4)}
                              for s, e in split_sentences(text)]}

    def describe(self) -> dict[str, Any]:
        """The cues and weights, for the report's metadata."""
        return {"name": self.name, "bias": BIAS, "short_words": SHORT_WORDS, "short_penalty": SHORT_PENALTY,
                "cues": {name: weight for name, _, weight in CUES}}
