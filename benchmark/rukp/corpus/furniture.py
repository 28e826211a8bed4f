"""Page furniture: the lines of a scraped page that are not editorial content, each rule with its reason."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FurnitureRule:
    """A line-level rule: a line (stripped) matching ``pattern`` is dropped for ``reason``."""

    name: str
    pattern: re.Pattern[str]
    reason: str


def _rule(name: str, pattern: str, reason: str) -> FurnitureRule:
    return FurnitureRule(name, re.compile(pattern), reason)


RULES: tuple[FurnitureRule, ...] = (
    _rule("comment_count", r"^\d+\s+commentaires?$", "comment widget: comment counter"),
    _rule("comment_widget",
          r"^(Vous devez être membre\b.*|Vous êtes déjà membre\b.*|Pas encore membre\b.*|"
          r"Signaler le commentaire|Fermer|Laisser un commentaire|Répondre|Connectez-vous)$",
          "comment widget: member prompt or button"),
    _rule("captcha", r"^\d+\s*[−×x*+\-–]\s*\d+\s*=\s*$", "comment captcha (arithmetic question)"),
    _rule("table_of_contents", r"^Table of Contents$", "navigation: table-of-contents widget"),
    _rule("teaser", r"^(A|À) LIRE AUSSI\b.*$", "teaser to another article"),
    _rule("recommendation", r"^(À découvrir|A découvrir|Kangourou du jour)$", "recommendation widget"),
    _rule("prev_next", r"^(PREV|NEXT)\b.*$", "teaser to the previous/next article"),
    _rule("social", r"^For Latest Updates\b.*$", "social-media call to action"),
)


def match_furniture(line: str) -> FurnitureRule | None:
    """The first rule that drops ``line``, or None when the line may be editorial."""
    stripped = line.strip().replace("\u00a0", " ")
    for rule in RULES:
        if rule.pattern.match(stripped):
            return rule
    return None
