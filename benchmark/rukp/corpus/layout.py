"""Section kinds and language of the kept lines of a page (title, lead, caption, byline, …).

The rules are positional and typographic, stated here once and in the datasheet:
- anywhere: a line « Par » + names (two or three capitalised words each, joined by « , », « et » or « & »)
  is a byline, one byline piece per name (« Par » itself is in no section);
- the title given with ``rukp corpus add --title`` (a kept line) is the title; lines before it follow the
  rules below, a would-be title among them becoming a paragraph;
- before the title: a line ending in a parenthesised credit is a caption plus a credit; an English
  line is a caption; a line of two or three capitalised words is a byline; the first other line is
  the title;
- after the title: the first paragraph is the lead; a short line (≤ 12 words) with no sentence-final
  punctuation is a heading; everything else is a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EN = {"the", "and", "of", "in", "during", "their", "president", "minister", "right", "left", "with",
       "at", "greets", "meeting", "foreign", "north", "russian", "is", "to", "for"}
_FR = {"le", "la", "les", "des", "du", "de", "et", "en", "un", "une", "est", "à", "au", "aux", "que",
       "qui", "dans", "pour", "par", "sur", "son", "sa", "ses", "ce", "cette", "a", "ont"}
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")
_CREDIT = re.compile(r"^(?P<caption>.*?\S)\s*\(\s*(?P<credit>[^()]*[A-Z][^()]*?)\s*\)\s*$")
_BYLINE = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+(?:[ -][A-ZÀ-Ý][a-zà-ÿ]+){1,2}$")
_NAME = r"[A-ZÀ-Ý][a-zà-ÿ'’-]+(?:[ -][A-ZÀ-Ý][a-zà-ÿ'’-]+){1,2}"
_PAR_BYLINE = re.compile(rf"^\s*Par\s+{_NAME}(?:\s*(?:,|et|&)\s*{_NAME})*\s*$")
_FINAL_PUNCT = re.compile(r"[.!?…:;]\s*[»”\"’']?\s*$")


def language(text: str) -> str:
    """``en`` when English function words outnumber French ones, else ``fr``."""
    words = [w.lower() for w in _WORD.findall(text)]
    en = sum(w in _EN for w in words)
    fr = sum(w in _FR for w in words)
    return "en" if en > fr else "fr"


@dataclass(frozen=True)
class Piece:
    """A kept piece of a line: its kind and its character range within the line."""

    kind: str
    start: int
    end: int


def is_heading(line: str) -> bool:
    words = _WORD.findall(line)
    return 0 < len(words) <= 12 and not _FINAL_PUNCT.search(line)


def byline_names(line: str) -> list[Piece]:
    """The names of a « Par … » byline line as byline pieces (empty when the line is not one)."""
    if not _PAR_BYLINE.match(line):
        return []
    start = line.index("Par") + 3
    return [Piece("byline", start + m.start(), start + m.end()) for m in re.finditer(_NAME, line[start:])]


def classify(lines: list[str], *, title: str | None = None) -> list[list[Piece]]:
    """Pieces (kind + range) for each kept line, in order, following the module's rules (``title``: the
    stripped text of the line that is the title, when the maintainer gave it)."""
    out: list[list[Piece]] = []
    title_seen = False
    previous = None
    for line in lines:
        stripped_end = len(line.rstrip())
        lead_start = len(line) - len(line.lstrip())
        names = byline_names(line)
        if names:
            pieces = names
        elif title is not None and not title_seen and line.strip() == title:
            pieces = [Piece("title", lead_start, stripped_end)]
            title_seen = True
        elif not title_seen:
            credit = _CREDIT.match(line)
            if credit:
                pieces = [Piece("caption", credit.start("caption"), credit.end("caption")),
                          Piece("credit", credit.start("credit"), credit.end("credit"))]
            elif language(line) == "en":
                pieces = [Piece("caption", lead_start, stripped_end)]
            elif _BYLINE.match(line.strip()):
                pieces = [Piece("byline", lead_start, stripped_end)]
            elif title is not None:
                pieces = [Piece("paragraph", lead_start, stripped_end)]  # before the given title
            else:
                pieces = [Piece("title", lead_start, stripped_end)]
                title_seen = True
        elif is_heading(line):
            pieces = [Piece("heading", lead_start, stripped_end)]
        elif previous == "title":
            pieces = [Piece("lead", lead_start, stripped_end)]
        else:
            pieces = [Piece("paragraph", lead_start, stripped_end)]
        previous = pieces[-1].kind
        out.append(pieces)
    return out
