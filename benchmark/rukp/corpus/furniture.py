"""Page furniture: the lines of a scraped page that are not editorial content, each rule with its reason.

Rules match a whole stripped line (the French teaser, advertisement, share and comment rules in any case).
A line no rule knows can be dropped by the maintainer (``rukp corpus add --drop LINE``, kept in
``seeds/metadata.json`` under ``drop``; rule :data:`MAINTAINER`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FurnitureRule:
    """A line-level rule: a line (stripped) matching ``pattern`` is dropped for ``reason``."""

    name: str
    pattern: re.Pattern[str]
    reason: str


def _rule(name: str, pattern: str, reason: str, *, any_case: bool = False) -> FurnitureRule:
    return FurnitureRule(name, re.compile(pattern, re.IGNORECASE if any_case else 0), reason)


_SHARE_TARGETS = r"(?:facebook|twitter|x|linkedin|whatsapp|telegram|bluesky|e-?mail|messenger|pinterest|flipboard)"


RULES: tuple[FurnitureRule, ...] = (
    _rule("comment_count", r"^\d+\s+commentaires?$", "comment widget: comment counter"),
    _rule("comment_widget",
          r"^(Vous devez être membre\b.*|Vous êtes déjà membre\b.*|Pas encore membre\b.*|"
          r"Signaler le commentaire|Fermer|Laisser un commentaire|Répondre|Connectez-vous)$",
          "comment widget: member prompt or button"),
    _rule("captcha", r"^\d+\s*[−×x*+\-–]\s*\d+\s*=\s*$", "comment captcha (arithmetic question)"),
    _rule("table_of_contents", r"^Table of Contents$", "navigation: table-of-contents widget"),
    # « Lire aussi », « À lire aussi », « A LIRE AUSSI » …
    _rule("teaser", r"^(?:(?:a|à)\s+)?lire\s+aussi\b.*$", "teaser to another article", any_case=True),
    _rule("see_also", r"^voir\s+aussi\b.*$", "teaser to another article (« Voir aussi »)", any_case=True),
    _rule("advertisement", r"^(?:publicité|pub|annonce|contenu sponsorisé)$", "advertisement label",
          any_case=True),
    _rule("share", rf"^(?:(?:partager|partagez)(?:\s+(?:sur|cet article|l[’']article|via)\b.*)?|"
                   rf"{_SHARE_TARGETS}(?:\s*[,|·/]?\s*{_SHARE_TARGETS})*)$",
          "share buttons (« Partager », « Partager sur Facebook », a row of network names)", any_case=True),
    _rule("comment_call", r"^(?:commenter|réagir|commentaires?|voir les commentaires|\d+\s+réactions?)$",
          "comment widget: call to comment or comment link", any_case=True),
    _rule("recommendation", r"^(À découvrir|A découvrir|Kangourou du jour)$", "recommendation widget"),
    _rule("prev_next", r"^(PREV|NEXT)\b.*$", "teaser to the previous/next article"),
    _rule("social", r"^For Latest Updates\b.*$", "social-media call to action"),
)


#: The rule of a line the maintainer dropped by hand (``drop`` in ``seeds/metadata.json``).
MAINTAINER = FurnitureRule("maintainer", re.compile(r"(?!)"),
                           "dropped by the maintainer (`rukp corpus add --drop`, seeds/metadata.json drop)")


def match_furniture(line: str) -> FurnitureRule | None:
    """The first rule that drops ``line``, or None when the line may be editorial."""
    stripped = line.strip().replace("\u00a0", " ")
    for rule in RULES:
        if rule.pattern.match(stripped):
            return rule
    return None
