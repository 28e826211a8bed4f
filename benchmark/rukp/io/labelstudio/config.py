"""The Label Studio labeling config, generated from :mod:`rukp.schema` so the scheme lives in one place.

One ``Labels`` control (``label``) holds the fine entity types plus two span kinds: ``CLAIM`` and
``CLAIMER`` (a claimer mention that is not itself an entity mention). Per-region controls carry every
other field of ``annotations/FORMAT.md``; ``Relations`` link a claimer mention to its claim
(``claimer``) and claims to claims (``supports``, ``contradicts``). Field names below are shared by
the exporter (:mod:`rukp.labelstudio.tasks`) and the parser (:mod:`rukp.io.labelstudio.results`).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from rukp.io.atomic import write_text_atomic
from rukp.schema import CERTAINTIES, CLAIM_RELATIONS, ENTITY_LABELS, POLARITIES, TOPICS

#: The object tag and the task data fields.
TEXT = "text"
DOC_ID = "doc_id"

#: The span-label control and its two non-entity values.
LABEL = "label"
CLAIM = "CLAIM"
CLAIMER = "CLAIMER"
SPAN_LABELS: tuple[str, ...] = (*ENTITY_LABELS, CLAIM, CLAIMER)

#: Relation label linking a claimer mention (entity or CLAIMER region) to a claim.
CLAIMER_RELATION = "claimer"
RELATION_LABELS: tuple[str, ...] = (CLAIMER_RELATION, *CLAIM_RELATIONS)

#: Per-region single-choice fields of a claim and their allowed values.
CLAIM_CHOICES: dict[str, tuple[str, ...]] = {
    "polarity": POLARITIES,
    "certainty": CERTAINTIES,
    "topic": TOPICS,
}

#: Per-region text fields: on entities, and on claims (each with the help shown to annotators).
ENTITY_FIELDS: dict[str, str] = {
    "entity_id": "Canonical entity id (kb.jsonl); empty for DATE, CARDINAL, ORDINAL, QUANTITY",
}
CLAIM_FIELDS: dict[str, str] = {
    "claimer_id": "Claimer id: kb id, AUTHOR or UNSPECIFIED (empty: the entity id of the linked claimer mention)",
    "co_claimers": "Co-claimers: one kb id per entry",
    "cluster": "Cluster id (claims stating the same proposition share it)",
    "quantity_value": "Quantity value (a number; JSON for anything else, null for none)",
    "quantity_unit": "Quantity unit",
    "quantity_approximator": "Quantity approximator (environ, plus de, …)",
}
#: Claim text fields that may hold several entries (all others hold at most one).
MULTI_FIELDS: frozenset[str] = frozenset({"co_claimers"})

_PALETTE = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45",
            "#fabed4", "#469990", "#dcbeff", "#9a6324", "#ffe119", "#800000")


def _choices_xml(name: str, values: tuple[str, ...]) -> str:
    options = "".join(f"\n      <Choice value={quoteattr(v)}/>" for v in values)
    return (f'    <Header value={quoteattr(name)} size="6"/>\n'
            f'    <Choices name={quoteattr(name)} toName="{TEXT}" perRegion="true" choice="single" '
            f'showInline="true">{options}\n    </Choices>\n')


def _textarea_xml(name: str, hint: str, *, multi: bool) -> str:
    limit = "" if multi else ' maxSubmissions="1"'
    return (f'    <Header value={quoteattr(hint)} size="6"/>\n'
            f'    <TextArea name={quoteattr(name)} toName="{TEXT}" perRegion="true" editable="true" '
            f'rows="1"{limit}/>\n')


def label_config() -> str:
    """The labeling config XML (deterministic: the same scheme always gives the same text)."""
    labels = "".join(f"\n    <Label value={quoteattr(v)} background={quoteattr(_PALETTE[i % len(_PALETTE)])}/>"
                     for i, v in enumerate(SPAN_LABELS))
    relations = "".join(f"\n    <Relation value={quoteattr(v)}/>" for v in RELATION_LABELS)
    entity_fields = "".join(_textarea_xml(n, h, multi=False) for n, h in ENTITY_FIELDS.items())
    claim_fields = "".join(_choices_xml(n, v) for n, v in CLAIM_CHOICES.items())
    claim_fields += "".join(_textarea_xml(n, h, multi=n in MULTI_FIELDS) for n, h in CLAIM_FIELDS.items())
    entity_values = ",".join(ENTITY_LABELS)
    return (
        "<View>\n"
        f'  <Header value="${DOC_ID}"/>\n'
        f'  <Labels name="{LABEL}" toName="{TEXT}">{labels}\n  </Labels>\n'
        f'  <Text name="{TEXT}" value="${TEXT}"/>\n'
        f'  <Relations choice="single">{relations}\n  </Relations>\n'
        f'  <View visibleWhen="region-selected" whenTagName="{LABEL}" whenLabelValue="{entity_values}">\n'
        f"{entity_fields}  </View>\n"
        f'  <View visibleWhen="region-selected" whenTagName="{LABEL}" whenLabelValue="{CLAIM}">\n'
        f"{claim_fields}  </View>\n"
        "</View>\n"
    )


def write_config(path: str | Path) -> Path:
    """Write :func:`label_config` to ``path`` atomically and return the path."""
    path = Path(path)
    write_text_atomic(path, label_config())
    return path
