"""Sentence offsets of a gold document: given in the file, or split from its text by a rule splitter.

The rule splitter (:func:`split_sentences`) loads no model, so a gold without ``sentences`` costs
milliseconds: lines are never merged; inside a line a sentence ends after ``.``, ``!``, ``?`` or ``…`` (and
any closing quotes or brackets after it) when whitespace follows and the next sentence starts with an upper-case
letter, a digit or an opening quote, bracket or dash; not after a single capital initial ("V. Poutine") or a
common French abbreviation ("M.", "Mme", "Dr", "cf.", "etc."); each sentence is trimmed of whitespace.
It approximates the bundled gold's sentences (spaCy's sentencizer), which come with the gold file itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rukp.io.checks import offset_problem

_END = re.compile(r"""[.!?…]+[»"”’')\]]*(?=\s+[«"“‘'(\[—–-]?\s*[A-ZÀ-ÖØ-Þ0-9])""")
_ABBREVIATIONS = frozenset({"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "st", "ste", "cf", "etc", "p", "pp",
                            "no", "n°", "av", "bd", "vol", "art", "ch", "env", "ex", "fig", "gén", "col", "lt",
                            "sgt", "mgr", "me", "vs", "jr", "sr"})


def _abbreviation(line: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial, not a sentence."""
    word = re.search(r"(\S+)$", line[:dot])
    if word is None:
        return False
    w = word.group(1).lstrip("«\"“(").lower()
    return (len(w) == 1 and w.isalpha()) or w in _ABBREVIATIONS


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets ``(start, end)`` of a text that gives none, by the rules of the module docstring."""
    out: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        cuts = [m.end() for m in _END.finditer(line) if not (line[m.start()] == "." and m.end() - m.start() == 1
                                                              and _abbreviation(line, m.start()))]
        start = 0
        for cut in [*cuts, len(line)]:
            piece = line[start:cut]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append((offset + start + lead, offset + start + len(piece.rstrip())))
            start = cut
        offset += len(line) + 1
    return out


def sentence_offsets(obj: Mapping[str, Any], text: str | None, report: Any, *, line: int, doc: str
               ) -> list[tuple[int, int]] | None:
    raw = obj.get("sentences")
    if raw is None:
        return split_sentences(text) if text is not None else None
    if not isinstance(raw, list):
        report("wrong_type", f"'sentences' must be a list, got {type(raw).__name__}", line=line, doc=doc)
    out = []
    for k, s in enumerate(raw):
        bad = offset_problem(s, f"sentence {k}", len(text) if text is not None else None) if isinstance(s, dict) \
            else ("wrong_type", f"sentence {k}: expected an object, got {type(s).__name__}")
        if bad:
            report(*bad, line=line, doc=doc)
        out.append((s["start"], s["end"]))
    return sorted(out)
