"""Label inventories of the annotation scheme (v1): the single source for code, card and Label Studio.

Every inventory is a tuple in a fixed order; the dataset card's ``class_label`` names and the Label
Studio config are generated from these tuples, and a test checks that they agree.
"""

from __future__ import annotations

SCHEME_VERSION = "v1"

#: Fine entity types (OntoNotes-like), in card order.
ENTITY_LABELS: tuple[str, ...] = (
    "PER", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW",
    "DATE", "CARDINAL", "ORDINAL", "QUANTITY",
)

#: Types that denote a named referent and therefore carry a canonical ``entity_id``.
NAMED_LABELS: tuple[str, ...] = ("PER", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW")

#: Value types: no canonical entity.
VALUE_LABELS: tuple[str, ...] = ("DATE", "CARDINAL", "ORDINAL", "QUANTITY")

#: Coarse CoNLL/WikiNER view.
COARSE_LABELS: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC")

#: Fine → coarse; a fine type missing here is not part of the coarse view.
COARSE_MAP: dict[str, str] = {
    "PER": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "LAW": "MISC",
}

POLARITIES: tuple[str, ...] = ("affirmed", "denied")
CERTAINTIES: tuple[str, ...] = ("certain", "probable", "possible", "future")
TOPICS: tuple[str, ...] = (
    "troop_deployment", "military_cooperation", "treaty", "diplomatic_visit", "weapons_supply",
    "technology_transfer", "sanctions", "combat_and_territory", "missile_test",
    "statement_of_support", "other",
)

#: A canonical entity id of ``kb.jsonl``: lower-case ASCII words joined by ``_`` or ``-`` (``vladimir_putin``).
ENTITY_ID_PATTERN = r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$"

#: A claim cluster id: ASCII letters and digits joined by ``_`` or ``-`` (``K-000-C018``, ``treaty_signed``).
CLUSTER_ID_PATTERN = r"^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$"

#: Claimers that are not canonical entities.
SPECIAL_CLAIMERS: tuple[str, ...] = ("AUTHOR", "UNSPECIFIED")

#: Relations between claims (``source`` → ``target``).
CLAIM_RELATIONS: tuple[str, ...] = ("supports", "contradicts")

#: Kinds of kept section in a corpus document.
SECTION_KINDS: tuple[str, ...] = ("title", "lead", "caption", "byline", "credit", "heading", "paragraph")

LANGUAGES: tuple[str, ...] = ("fr", "en")


def coarse_label(label: str) -> str | None:
    """Coarse label of a fine type, or None when the type is not in the coarse view."""
    return COARSE_MAP.get(label)


def bio_names(labels: tuple[str, ...]) -> list[str]:
    """BIO tag inventory (``O`` first, then ``B-X``, ``I-X`` per label) used by the ``ner`` config."""
    names = ["O"]
    for label in labels:
        names += [f"B-{label}", f"I-{label}"]
    return names


FINE_BIO: list[str] = bio_names(ENTITY_LABELS)
COARSE_BIO: list[str] = bio_names(COARSE_LABELS)
