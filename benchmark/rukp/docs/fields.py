"""One description per column of every config, shared by the dataset card and ``croissant.json``.

The columns themselves come from :func:`rukp.dataset.features.features`; :func:`walk` enumerates them and a
test checks that every one has a description here. Offsets are Python character offsets, end exclusive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from datasets import ClassLabel, List, Value

from rukp import schema

_ENTITY = {
    "id": "Mention id, `<doc>-E<nnn>` in text order.",
    "start": "Start offset of the mention in the document text.",
    "end": "End offset of the mention (exclusive): `text[start:end]` is the mention.",
    "text": "The mention, verbatim (misspellings and no-break spaces kept).",
    "label": f"Fine entity type: {', '.join(schema.ENTITY_LABELS)}.",
    "coarse_label": "Coarse CoNLL type (PER, ORG, LOC, MISC), or null for DATE, CARDINAL, ORDINAL, QUANTITY.",
    "entity_id": "Canonical entity (a `kb` id) for PER, NORP, ORG, GPE, LOC, FAC, EVENT, LAW; null for values.",
}
_QUANTITY = {
    "value": "Normalised number (e.g. 10000 for '10.000' or '10 000').",
    "unit": "Unit of the quantity (e.g. soldiers).",
    "approximator": "Approximator as written (e.g. 'près de', 'environ', 'plus de'), or null.",
}
_CLAIM = {
    "id": "Claim id, `<doc>-C<nnn>` in text order.",
    "start": "Start offset of the claim span (the clause, without the attribution frame).",
    "end": "End offset of the claim span (exclusive).",
    "text": "The claim span, verbatim.",
    "claimer": "Who asserts it: a canonical entity id, `AUTHOR` (the article's own voice) or `UNSPECIFIED`.",
    "co_claimers": "Other canonical entities asserting the claim jointly (often empty).",
    "claimer_start": "Start offset of the claimer's mention nearest the claim, or null when there is none.",
    "claimer_end": "End offset of that mention (exclusive), or null.",
    "polarity": f"{' or '.join(schema.POLARITIES)} (the claimer says it is not so).",
    "certainty": f"{', '.join(schema.CERTAINTIES)}: how firmly the claimer asserts it.",
    "topic": f"One of {', '.join(schema.TOPICS)}.",
    "cluster": "Cluster id shared by claims (in any document) that state the same proposition.",
    "quantity": "The quantity the claim states, normalised, or null.",
    **{f"quantity.{k}": v for k, v in _QUANTITY.items()},
}
_SECTION = {
    "kind": f"Section kind: {', '.join(schema.SECTION_KINDS)}.",
    "language": "Language of the section (`fr`, or `en` for English photo captions).",
    "start": "Start offset of the section in the document text.",
    "end": "End offset of the section (exclusive).",
    "seed_start": "Start offset of the same text in the verbatim seed page.",
    "seed_end": "End offset in the seed page (exclusive): `text[start:end] == seed[seed_start:seed_end]`.",
}
_DROPPED = {
    "text": "A line of the seed page that is not editorial content, verbatim.",
    "seed_start": "Start offset of the line in the seed page.",
    "seed_end": "End offset of the line in the seed page (exclusive).",
    "rule": "The furniture rule that dropped it.",
    "reason": "Why the rule drops such lines.",
}
_RELATION = {
    "id": "Relation id.",
    "type": f"{' or '.join(schema.CLAIM_RELATIONS)}.",
    "source": "Claim id of the source claim.",
    "target": "Claim id of the target claim (possibly in another document).",
}

_DOCS: dict[str, dict[str, str]] = {
    "documents": {
        "id": "Document id, three digits (`000`…).",
        "seed": "File name of the verbatim seed page in `seeds/`.",
        "seed_sha256": "SHA-256 of the seed page (bytes).",
        "title": "The article's title, verbatim.",
        "language": "Language of the article (`fr`).",
        "date": "Publication date as inferred from the text (YYYY-MM-DD); the pages give none.",
        "date_evidence": "The verbatim passage of the text the date is inferred from.",
        "date_basis": "How the date was inferred from the evidence.",
        "authors": "Bylines printed in the text (may be empty).",
        "outlet": "The outlet, when the text names it (null: not named).",
        "text": "The editorial text: kept lines of the seed page joined by newlines.",
        "text_sha256": "SHA-256 of `text` (UTF-8); the annotations cite it.",
        "sections": "Kept sections with their kind, language and offsets in the text and in the seed page.",
        "dropped": "Lines of the seed page dropped as page furniture, with the rule and the reason.",
        "sentences": "Sentence boundaries (spaCy French sentencizer, never across lines).",
        "entities": "Entity mentions (flat, non-overlapping).",
        "claims": "Claims with attribution, factuality, topic, cluster and quantity.",
        "relations": "`supports`/`contradicts` relations whose source claim is in this document.",
        **{f"sections.{k}": v for k, v in _SECTION.items()},
        **{f"dropped.{k}": v for k, v in _DROPPED.items()},
        "sentences.start": "Start offset of the sentence.",
        "sentences.end": "End offset of the sentence (exclusive).",
        **{f"entities.{k}": v for k, v in _ENTITY.items()},
        **{f"claims.{k}": v for k, v in _CLAIM.items()},
        **{f"relations.{k}": v for k, v in _RELATION.items()},
    },
    "entities": {"doc_id": "Document id.", **_ENTITY,
                 "sentence": "Index of the sentence holding the mention (as in the `ner` config)."},
    "claims": {"doc_id": "Document id.", **_CLAIM},
    "kb": {
        "entity_id": "Canonical entity id (snake_case).",
        "type": "Entity type of all its mentions.",
        "name": "Preferred name.",
        "aliases": "Every surface form of its mentions.",
        "wikidata": "Wikidata QID where the adjudicator was certain of it, else null.",
        "description": "A short description.",
        "mentions": "Number of mentions in the dataset.",
        "documents": "Ids of the documents that mention it.",
    },
    "ner": {
        "doc_id": "Document id.",
        "sentence": "Sentence index within the document.",
        "start": "Start offset of the sentence in the document text.",
        "end": "End offset of the sentence (exclusive).",
        "tokens": "Tokens (spaCy French tokenizer; whitespace tokens dropped).",
        "token_starts": "Start offset of each token in the document text.",
        "token_ends": "End offset of each token (exclusive).",
        "ner_tags": "Fine BIO tags as class ids (names: see the label inventory).",
        "coarse_ner_tags": "Coarse BIO tags (PER/ORG/LOC/MISC) as class ids.",
    },
    "sentences": {
        "id": "Sentence id `<doc_id>-<index>` (`000-3`), the CheckThat! task 1 convention.",
        "doc_id": "Document id.",
        "index": "Sentence index within the document (as in the `ner` config and the document's `sentences`).",
        "start": "Start offset of the sentence in the document text.",
        "end": "End offset of the sentence (exclusive).",
        "text": "The sentence's text (`text[start:end]` of its document).",
        "claim": "True when at least one gold claim span overlaps the sentence (`claim.start < end and "
                 "claim.end > start`).",
        "claim_ids": "Ids of the gold claims overlapping the sentence, in text order.",
        "claimers": "The claimer of each of those claims (same order as `claim_ids`).",
        "polarities": "The polarity of each of those claims (same order as `claim_ids`).",
        "certainties": "The certainty of each of those claims (same order as `claim_ids`).",
        "topics": "The topic of each of those claims (same order as `claim_ids`).",
    },
}


def describe(config: str, path: tuple[str, ...]) -> str | None:
    """The description of column ``path`` (e.g. ``("claims", "quantity", "value")``) of ``config``."""
    return _DOCS.get(config, {}).get(".".join(path))


def type_name(feature: Any) -> str:
    """A short type name for a feature: ``string``, ``int32``, ``list<string>``, ``struct``, ``list<struct>``…"""
    if isinstance(feature, Value):
        return str(feature.dtype)
    if isinstance(feature, ClassLabel):
        return f"class_label({feature.num_classes})"
    if isinstance(feature, List):
        return f"list<{type_name(feature.feature)}>"
    if isinstance(feature, dict):
        return "struct"
    return type(feature).__name__


def walk(features: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every column path and its feature, parents before children (struct and list-of-struct are entered)."""
    for name, feature in features.items():
        path = (*prefix, name)
        yield path, feature
        inner = feature.feature if isinstance(feature, List) else feature
        if isinstance(inner, dict):
            yield from walk(inner, path)
