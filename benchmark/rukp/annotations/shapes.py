"""The shape of every row of ``corpus/`` and ``annotations/`` (keys, types, allowed values) as JSON Schema.

The schemas are built from the inventories of :mod:`rukp.schema`, so a label is never retyped here.
``shape_errors`` turns jsonschema's errors into short messages that name the key, the value and what is
allowed. Offsets must be real integers: ``true`` and ``1.0`` are rejected (jsonschema accepts both); numbers
must be finite (no NaN or Infinity); entity, claimer and cluster ids follow the patterns of :mod:`rukp.schema`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

from rukp import schema
from rukp.errors import quote
from rukp.io.jsonl import json_type

SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_TEXT = {"type": "string", "minLength": 1}
_OFFSET = {"type": "integer", "minimum": 0}
_OPT_TEXT = {"type": ["string", "null"], "minLength": 1}
_ENTITY_ID = {"type": "string", "pattern": schema.ENTITY_ID_PATTERN}
_CLAIMER_PATTERN = f"^(?:{'|'.join(schema.SPECIAL_CLAIMERS)}|{schema.ENTITY_ID_PATTERN[1:-1]})$"
_CLUSTER_ID = {"type": "string", "pattern": schema.CLUSTER_ID_PATTERN}
#: How a pattern is explained in messages.
_PATTERN_WORDS = {
    schema.ENTITY_ID_PATTERN: "a kb id: lower-case ASCII words joined by _ or -, e.g. vladimir_putin",
    _CLAIMER_PATTERN: f"a kb id (lower-case ASCII words joined by _ or -) or {' or '.join(schema.SPECIAL_CLAIMERS)}",
    schema.CLUSTER_ID_PATTERN: "a cluster id: ASCII letters and digits joined by _ or -",
}


def _strict_int(_checker: Any, value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _finite_number(_checker: Any, value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_Validator = validators.extend(Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many(
    {"integer": _strict_int, "number": _finite_number}))


def _record(properties: dict[str, Any], *, nullable: bool = False) -> dict[str, Any]:
    """An object with exactly these keys (every key required, no other key allowed)."""
    return {"type": ["object", "null"] if nullable else "object", "properties": properties,
            "required": list(properties), "additionalProperties": False}


def _enum(values: tuple[str, ...]) -> dict[str, Any]:
    return {"enum": list(values)}


ENTITY = _record({
    "doc_id": _TEXT, "id": _TEXT, "start": _OFFSET, "end": _OFFSET, "text": _TEXT,
    "label": _enum(schema.ENTITY_LABELS),
    "entity_id": {"type": ["string", "null"], "pattern": schema.ENTITY_ID_PATTERN},
})
CLAIM = _record({
    "doc_id": _TEXT, "id": _TEXT, "start": _OFFSET, "end": _OFFSET, "text": _TEXT,
    "claimer": {"type": "string", "pattern": _CLAIMER_PATTERN},
    "co_claimers": {"type": "array", "items": _ENTITY_ID, "uniqueItems": True},
    "claimer_start": {"type": ["integer", "null"], "minimum": 0},
    "claimer_end": {"type": ["integer", "null"], "minimum": 0},
    "polarity": _enum(schema.POLARITIES), "certainty": _enum(schema.CERTAINTIES),
    "topic": _enum(schema.TOPICS), "cluster": _CLUSTER_ID,
    "quantity": _record({"value": {"type": "number"}, "unit": _TEXT, "approximator": _OPT_TEXT},
                        nullable=True),
})
RELATION = _record({"id": _TEXT, "type": _enum(schema.CLAIM_RELATIONS), "source": _TEXT, "target": _TEXT})
KB = _record({
    # AUTHOR and UNSPECIFIED pass the shape so that `rukp validate` can say they are reserved for claimers
    "entity_id": {"type": "string", "pattern": _CLAIMER_PATTERN},
    "type": _enum(schema.NAMED_LABELS), "name": _TEXT,
    "aliases": {"type": "array", "items": _TEXT, "minItems": 1, "uniqueItems": True},
    "wikidata": {"type": ["string", "null"], "pattern": "^Q[1-9][0-9]*$"}, "description": _TEXT,
})
CLUSTER = _record({"cluster": _CLUSTER_ID, "proposition": _TEXT})
#: How a document's gold was made (:mod:`rukp.annotations.provenance`).
PROVENANCE = _record({
    "passes": {"type": "array", "minItems": 1, "items": _record({
        "name": _TEXT, "annotator": _TEXT, "agent": _enum(("ai_agent", "person")), "tool": _TEXT})},
    "adjudication": _OPT_TEXT,
    "date": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
})
_MANIFEST_DOCUMENT = {**_record({"text_sha256": SHA256, "provenance": PROVENANCE}), "required": ["text_sha256"]}
MANIFEST = _record({
    "scheme": {"const": schema.SCHEME_VERSION}, "guidelines": _TEXT,
    "documents": {"type": "object", "additionalProperties": _MANIFEST_DOCUMENT},
})

_SECTION = _record({"kind": _enum(schema.SECTION_KINDS), "language": _enum(schema.LANGUAGES),
                    "start": _OFFSET, "end": _OFFSET, "seed_start": _OFFSET, "seed_end": _OFFSET})
_DROPPED = _record({"text": _TEXT, "seed_start": _OFFSET, "seed_end": _OFFSET, "rule": _TEXT,
                    "reason": _TEXT})
#: A row of ``corpus/documents.jsonl`` (written by ``rukp corpus build``).
CORPUS_DOCUMENT = _record({
    "id": {"type": "string", "pattern": "^[0-9]{3}$"}, "seed": _TEXT, "seed_sha256": SHA256,
    "title": _TEXT, "language": _enum(schema.LANGUAGES),
    "date": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    "date_evidence": _OPT_TEXT, "date_basis": _OPT_TEXT,
    "authors": {"type": "array", "items": _TEXT}, "outlet": _OPT_TEXT,
    "text": _TEXT, "text_sha256": SHA256,
    "sections": {"type": "array", "items": _SECTION, "minItems": 1},
    "dropped": {"type": "array", "items": _DROPPED},
})

def _first_repeat(values: list[Any]) -> Any:
    seen: list[Any] = []
    for value in values:
        if value in seen:
            return value
        seen.append(value)
    return None


def _field(error: ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path)


def _message(error: ValidationError) -> list[str]:
    """Plain-words messages for one jsonschema error."""
    field, value, kind = _field(error), error.instance, error.validator
    where = f"{field}: " if field else ""
    if kind == "required":
        return [f"{where}missing key {quote(k)}" for k in error.validator_value if k not in value]
    if kind == "additionalProperties" and "properties" in error.schema:
        allowed = ", ".join(error.schema["properties"])
        return [f"{where}unknown key {quote(k)} (expected keys: {allowed})"
                for k in value if k not in error.schema["properties"]]
    if kind == "enum":
        return [f"{field} {quote(value)} is not one of {', '.join(map(str, error.validator_value))}"]
    if kind == "const":
        return [f"{field} must be {error.validator_value!r}, not {quote(value)}"]
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else " or ".join(
            error.validator_value)
        if isinstance(value, float) and not math.isfinite(value):
            return [f"{field} must be a finite {wanted}, not {value} (JSON has no NaN or Infinity)"]
        return [f"{field} must be {wanted}, not {json_type(value, integer=True)} {quote(value)}"]
    if kind == "minLength":
        return [f"{field} must not be empty"]
    if kind == "minItems":
        return [f"{field} must list at least {error.validator_value} item(s)"]
    if kind == "minimum":
        return [f"{field} must be ≥ {error.validator_value}, not {quote(value)}"]
    if kind == "uniqueItems":
        return [f"{field} lists {quote(_first_repeat(value))} more than once"]
    if kind == "pattern":
        words = _PATTERN_WORDS.get(error.validator_value)
        if words:
            return [f"{field} {quote(value)} is not {words}"]
        return [f"{field} {quote(value)} does not match the pattern {error.validator_value}"]
    message = error.message
    return [f"{where}{message if len(message) <= 200 else message[:200] + '…'}"]


def shape_errors(row: Mapping[str, Any], row_schema: dict[str, Any]) -> tuple[list[str], set[str]]:
    """Messages for every way ``row`` breaks ``row_schema``, and the top-level keys that are unusable."""
    errors = sorted(_Validator(row_schema).iter_errors(row),
                    key=lambda e: ([str(p) for p in e.absolute_path], str(e.validator)))
    messages: list[str] = []
    bad: set[str] = set()
    for error in errors:
        messages += _message(error)
        if error.absolute_path:
            bad.add(str(error.absolute_path[0]))
        elif error.validator == "required":
            bad.update(k for k in error.validator_value if k not in error.instance)
    return messages, bad
