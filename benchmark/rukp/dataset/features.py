"""Explicit ``datasets.Features`` of every config; the README's ``dataset_info`` is generated from these."""

from __future__ import annotations

from datasets import ClassLabel, Features, List, Value

from rukp import schema

CONFIGS: tuple[str, ...] = ("documents", "entities", "claims", "kb", "ner", "sentences")
SPLIT = "test"

_SECTION = {"kind": Value("string"), "language": Value("string"), "start": Value("int32"),
            "end": Value("int32"), "seed_start": Value("int32"), "seed_end": Value("int32")}
_DROPPED = {"text": Value("string"), "seed_start": Value("int32"), "seed_end": Value("int32"),
            "rule": Value("string"), "reason": Value("string")}
_SENTENCE = {"start": Value("int32"), "end": Value("int32")}
_ENTITY = {"id": Value("string"), "start": Value("int32"), "end": Value("int32"), "text": Value("string"),
           "label": Value("string"), "coarse_label": Value("string"), "entity_id": Value("string")}
_QUANTITY = {"value": Value("float64"), "unit": Value("string"), "approximator": Value("string")}
_CLAIM = {"id": Value("string"), "start": Value("int32"), "end": Value("int32"), "text": Value("string"),
          "claimer": Value("string"), "co_claimers": List(Value("string")),
          "claimer_start": Value("int32"), "claimer_end": Value("int32"),
          "polarity": Value("string"), "certainty": Value("string"), "topic": Value("string"),
          "cluster": Value("string"), "quantity": _QUANTITY}
_RELATION = {"id": Value("string"), "type": Value("string"), "source": Value("string"), "target": Value("string")}
_DOC_META = {"id": Value("string"), "seed": Value("string"), "seed_sha256": Value("string"),
             "title": Value("string"), "language": Value("string"), "date": Value("date32"),
             "date_evidence": Value("string"), "date_basis": Value("string"), "authors": List(Value("string")),
             "outlet": Value("string"), "text": Value("string"), "text_sha256": Value("string")}


def features(config: str) -> Features:
    """The features of one config (``documents``, ``entities``, ``claims``, ``kb``, ``ner``, ``sentences``)."""
    if config == "documents":
        return Features({**_DOC_META, "sections": List(_SECTION), "dropped": List(_DROPPED),
                         "sentences": List(_SENTENCE), "entities": List(_ENTITY), "claims": List(_CLAIM),
                         "relations": List(_RELATION)})
    if config == "entities":
        return Features({"doc_id": Value("string"), **_ENTITY, "sentence": Value("int32")})
    if config == "claims":
        return Features({"doc_id": Value("string"), **_CLAIM})
    if config == "kb":
        return Features({"entity_id": Value("string"), "type": Value("string"), "name": Value("string"),
                         "aliases": List(Value("string")), "wikidata": Value("string"),
                         "description": Value("string"), "mentions": Value("int32"),
                         "documents": List(Value("string"))})
    if config == "ner":
        return Features({"doc_id": Value("string"), "sentence": Value("int32"), "start": Value("int32"),
                         "end": Value("int32"), "tokens": List(Value("string")),
                         "token_starts": List(Value("int32")), "token_ends": List(Value("int32")),
                         "ner_tags": List(ClassLabel(names=schema.FINE_BIO)),
                         "coarse_ner_tags": List(ClassLabel(names=schema.COARSE_BIO))})
    if config == "sentences":
        return Features({"id": Value("string"), "doc_id": Value("string"), "index": Value("int32"),
                         "start": Value("int32"), "end": Value("int32"), "text": Value("string"),
                         "claim": Value("bool"), "claim_ids": List(Value("string")),
                         "claimers": List(Value("string")), "polarities": List(Value("string")),
                         "certainties": List(Value("string")), "topics": List(Value("string"))})
    raise ValueError(f"unknown config {config!r}; expected one of {', '.join(CONFIGS)}")
