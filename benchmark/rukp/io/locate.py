"""Locate a paraphrased claim (a text claim no span aligns with) at the sentence(s) it best matches.

The similarity is lexical and deterministic: both strings are folded as text alignment folds them
(:func:`rukp.io.align.normalise`: case, accents, quotes, dashes, whitespace), cut into words (runs of letters and
digits), and the French function words of :data:`STOPWORDS` and one-character words are dropped; what is left
are the *content words*. A window of one sentence, or of two consecutive sentences, scores the share of the
claim's distinct content words that occur in it (``|C ∩ W| / |C|``, 0 to 1). The claim is located at the window
with the highest score when that score is at least :data:`LOCATE_THRESHOLD` and the claim has at least
:data:`MIN_WORDS` content words; ties go to the one-sentence window, then to the earliest. A two-sentence window
is taken only when it scores strictly higher than every single sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rukp.io.align import normalise

#: Lowest share of the claim's content words a window must contain.
LOCATE_THRESHOLD = 0.6
#: Fewest content words a claim needs to be located (shorter ones are too ambiguous).
MIN_WORDS = 3
#: French function words left out of the content words (folded: no accents).
STOPWORDS: frozenset[str] = frozenset("""
a au aux avec ce ces cet cette dans de des du elle elles en est et etre eux il ils je la le les leur leurs lui
ma mais me meme mes moi mon ne nos notre nous on ont ou par pas plus pour qu que qui sa se ses son sont sur ta te
tes toi ton tu un une vos votre vous y ete etait sera selon ainsi aussi comme dont lors si sans sous entre apres
avant deja tres tout tous toute toutes autre autres cela ceci ca celui celle ceux celles quand car donc or ni
""".split())  # noqa: SIM905 (a word list reads better as text)
_WORD = re.compile(r"\w+")


def content_words(s: str) -> frozenset[str]:
    """The distinct content words of ``s`` (folded, function words and one-character words left out)."""
    return frozenset(w for w in _WORD.findall(normalise(s)) if len(w) > 1 and w not in STOPWORDS)


@dataclass(frozen=True)
class Location:
    """Where a claim was located: its first and last sentence (indices, inclusive) and the similarity."""

    first: int
    last: int
    score: float


def locate(claim: str, sentences: Sequence[str]) -> Location | None:
    """The window of one or two consecutive ``sentences`` that best contains ``claim``'s content words (rules in
    the module docstring), or None when no window reaches :data:`LOCATE_THRESHOLD`."""
    words = content_words(claim)
    if len(words) < MIN_WORDS or not sentences:
        return None
    sets = [content_words(s) for s in sentences]
    best: Location | None = None
    for width in (1, 2):
        for i in range(len(sets) - width + 1):
            window = sets[i] if width == 1 else sets[i] | sets[i + 1]
            score = len(words & window) / len(words)
            if best is None or score > best.score:
                best = Location(i, i + width - 1, score)
    return best if best is not None and best.score >= LOCATE_THRESHOLD else None
