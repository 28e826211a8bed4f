"""The claim token rule: word tokens of a text found with arrays, no model and no per-token Python.

A token is a run of word characters (``str.isalnum`` or ``_``) in which a hyphen, full stop or comma between two
word characters does not break the run (``nord-coréens``, ``10.000``, ``3,5``); an apostrophe (``'`` or ``’``)
between two word characters ends the token it follows (the elision ``l'`` of ``l'armée``); a hyphen that opens a
postposed French pronoun (``-il``, ``-elle``, ``-on``, ``-ils``, ``-elles``, ``-je``, ``-tu``, ``-nous``,
``-vous``, ``-ce``, ``-t-il`` …) starts a token of its own; every other character that is not whitespace is a
token by itself. On the bundled gold it gives the claim figures of spaCy's French tokenizer (a test checks it),
at a small fraction of the cost.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

_SPACE, _WORD, _OTHER = 0, 1, 2
_PRONOUN = re.compile(r"(?<=\w)-(?:t-)?(?:il|elle|on|ils|elles|je|tu|nous|vous|ce|y|en|le|la|les|lui|leur|moi|toi)"
                      r"(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _table() -> np.ndarray:
    """Class of every code point of the Basic Multilingual Plane (space, word, other)."""
    table = np.full(0x10000, _OTHER, dtype=np.uint8)
    for cp in range(0x10000):
        ch = chr(cp)
        if ch.isspace():
            table[cp] = _SPACE
        elif ch.isalnum() or ch == "_":
            table[cp] = _WORD
    return table


def _classes(cps: np.ndarray) -> np.ndarray:
    table = _table()
    cls = table[np.minimum(cps, 0xFFFF)]
    high = cps > 0xFFFF
    if high.any():
        for cp in np.unique(cps[high]):
            ch = chr(int(cp))
            cls[cps == cp] = _SPACE if ch.isspace() else _WORD if (ch.isalnum() or ch == "_") else _OTHER
    return cls


def token_starts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start flags and in-token flags of every character of ``text`` (boolean arrays of ``len(text)``)."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cls = _classes(cps)
    n = len(cls)
    word = cls == _WORD
    prev_word = np.zeros(n, dtype=bool)
    prev_word[1:] = word[:-1]
    next_word = np.zeros(n, dtype=bool)
    next_word[:-1] = word[1:]
    between = prev_word & next_word
    joiner = between & ((cps == 0x2D) | (cps == 0x2E) | (cps == 0x2C))  # - . ,
    apostrophe = between & ((cps == 0x27) | (cps == 0x2019))  # ' ’
    glued = word | joiner | apostrophe  # characters that continue a token
    prev_glued = np.zeros(n, dtype=bool)
    prev_glued[1:] = glued[:-1]
    prev_apostrophe = np.zeros(n, dtype=bool)
    prev_apostrophe[1:] = apostrophe[:-1]
    in_token = cls != _SPACE
    start = in_token & (~glued | ~prev_glued | prev_apostrophe)
    start &= ~(joiner | apostrophe)  # a joiner or an elision apostrophe never starts a token
    if "-" in text:
        for m in _PRONOUN.finditer(text):
            start[m.start()] = True  # "-il": the hyphen opens the pronoun's token
            start[m.start() + 1] = False
    return start, in_token


def token_offsets(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Token start and end character offsets of ``text`` under the claim token rule (int64 arrays)."""
    start, in_token = token_starts(text)
    starts = np.flatnonzero(start)
    n = len(start)
    # a token ends at the next start or at the next character outside any token, whichever comes first
    stops = np.flatnonzero(~in_token)
    nxt_start = np.append(starts[1:], n)
    stops = np.append(stops, n)
    nxt_stop = stops[np.searchsorted(stops, starts, side="right")]
    ends = np.minimum(nxt_start, nxt_stop)
    return starts.astype(np.int64), ends.astype(np.int64)
