"""Label Studio's JSON export → annotation rows, strictly: anything Label Studio accepted but the scheme
does not (unknown labels or choices, dangling relations, offsets that do not match the text) is an error
naming the file, task, region and problem.

Use the ``JSON`` export, not ``JSON_MIN`` (which drops region ids and relations). Rows keep the region
ids as their ids; :mod:`rukp.labelstudio.importer` maps them to annotation ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rukp.errors import RukpError, quote
from rukp.io.jsonl import json_type, loads, read_json
from rukp.io.labelstudio import config as cfg
from rukp.schema import CLUSTER_ID_PATTERN, ENTITY_ID_PATTERN, SPECIAL_CLAIMERS

_ENTITY_FIELDS = frozenset(cfg.ENTITY_FIELDS)
_CLAIM_FIELDS = frozenset(cfg.CLAIM_CHOICES) | frozenset(cfg.CLAIM_FIELDS)
_KIND_FIELDS = {"entity": _ENTITY_FIELDS, "claim": _CLAIM_FIELDS, "claimer": _ENTITY_FIELDS}


@dataclass
class Region:
    """One span region: its label item plus the per-region fields that share its id."""

    id: str
    label: str
    start: int
    end: int
    text: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "claim" if self.label == cfg.CLAIM else "claimer" if self.label == cfg.CLAIMER else "entity"


@dataclass
class ExportedDoc:
    """A task's chosen annotation as rows (ids are region ids; relation ids are None)."""

    task_id: Any
    doc_id: str
    text: str
    annotation: str | None
    annotation_id: Any = None
    updated_at: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    #: The chosen annotation's metadata (``id``, ``completed_by``, ``created_at``, ``updated_at``, ``ground_truth``).
    source: dict[str, Any] = field(default_factory=dict)
    #: The independent passes when no annotation is the ground truth: every completed annotation (one when
    #: there is one); empty when a reviewer marked a ground truth (the task is adjudicated in Label Studio).
    passes: list[ExportedDoc] = field(default_factory=list)
    #: The metadata (as ``source``) of every completed annotation of the task, in id order.
    completed: list[dict[str, Any]] = field(default_factory=list)


_SOURCE_KEYS = ("id", "completed_by", "created_at", "updated_at", "ground_truth")


def _name(value: Any) -> str:
    """A task or region id as messages show it: plain when it is a short simple id, else quoted and cut."""
    if isinstance(value, int) and not isinstance(value, bool) or (
            isinstance(value, str) and re.fullmatch(r"[\w.:#-]{1,40}", value)):
        return str(value)
    return quote(value, 40)


class _Where:
    """Builds one error message prefix: file, task (and its document), region."""

    def __init__(self, source: str, task: str, doc_id: str | None = None) -> None:
        self.source, self.task, self.doc_id = source, task, doc_id

    def error(self, message: str, region: Any = None) -> RukpError:
        subject = f"{self.task}, region {_name(region)}" if region is not None else self.task
        return RukpError(f"{subject}: {message}", path=self.source, doc=self.doc_id)


def _got(value: Any) -> str:
    return f"{json_type(value, integer=True)} {quote(value, 40)}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


#: What each field of a result item must be, per item type: (check, wording, required).
_CHECKS: dict[str, dict[str, tuple[Any, str, bool]]] = {
    "relation": {
        "from_id": (lambda v: isinstance(v, str) and v != "", "a region id (string)", True),
        "to_id": (lambda v: isinstance(v, str) and v != "", "a region id (string)", True),
        "labels": (_is_strings, "a list of strings", False),
        "direction": (lambda v: isinstance(v, str), "a string (right, left or bi)", False),
    },
    "labels": {
        "value.start": (_is_int, "an integer", True), "value.end": (_is_int, "an integer", True),
        "value.text": (lambda v: isinstance(v, str), "a string", True),
        "value.labels": (_is_strings, "a list of strings", True),
    },
    "choices": {
        "value.start": (_is_int, "an integer", False), "value.end": (_is_int, "an integer", False),
        "value.choices": (_is_strings, "a list of strings", True),
    },
    "textarea": {
        "value.start": (_is_int, "an integer", False), "value.end": (_is_int, "an integer", False),
        "value.text": (lambda v: isinstance(v, str) or _is_strings(v), "a list of strings", True),
    },
}
_REGION_CHECKS: dict[str, tuple[Any, str, bool]] = {
    "id": (lambda v: isinstance(v, str) and v != "", "a region id (non-empty string)", True),
    "from_name": (lambda v: isinstance(v, str), "a string", True),
    "to_name": (lambda v: isinstance(v, str), "a string", False),
    "value": (lambda v: isinstance(v, dict), "an object", True),
}


_KB_ID = "a kb id (lower-case ASCII words joined by _ or -, e.g. vladimir_putin)"
#: Text fields that hold ids, with the pattern their entries must match and how to say it.
_ID_FIELDS: dict[str, tuple[str, str]] = {
    "entity_id": (ENTITY_ID_PATTERN, _KB_ID),
    "co_claimers": (ENTITY_ID_PATTERN, _KB_ID),
    "claimer_id": (f"(?:{'|'.join(SPECIAL_CLAIMERS)})|{ENTITY_ID_PATTERN}", f"{_KB_ID} or "
                   f"{' or '.join(SPECIAL_CLAIMERS)}"),
    "cluster": (CLUSTER_ID_PATTERN, "a cluster id (ASCII letters and digits joined by _ or -)"),
}


def check_result_item(item: Any, index: int, *, task: str, source: str, doc_id: str | None = None) -> None:
    """Type-check one item of an annotation's ``result`` (every field the importer reads): a wrong type is
    one :class:`RukpError` naming the file, task, region and field, before any value is used."""
    _check_item(item, index, _Where(source, task, doc_id))


def _check_item(item: Any, index: int, where: _Where) -> None:
    if not isinstance(item, dict):
        raise where.error(f"result item {index} must be an object, not {_got(item)}")
    kind = item.get("type")
    if not isinstance(kind, str) or kind not in _CHECKS:
        raise where.error(f"result item {index}: type must be one of {', '.join(_CHECKS)}, not {_got(kind)}",
                          item.get("id") if isinstance(item.get("id"), str) else None)
    checks = _CHECKS[kind] if kind == "relation" else {**_REGION_CHECKS, **_CHECKS[kind]}
    region = item.get("id") if isinstance(item.get("id"), str) and item.get("id") else None
    for name, (ok, wanted, required) in checks.items():
        holder, _, key = name.rpartition(".")
        container = item.get(holder) if holder else item
        if not isinstance(container, dict):
            continue  # reported as the holder's own error
        if key not in container:
            if required:
                raise where.error(f"result item {index} ({kind}) has no field {name}", region)
            continue
        if not ok(container[key]):
            raise where.error(f"result item {index} ({kind}): field {name} must be {wanted}, not "
                              f"{_got(container[key])}", region)


_EPOCH = datetime.min.replace(tzinfo=UTC)


def timestamp(value: Any) -> datetime | None:
    """A Label Studio time (``2026-01-01T10:00:01.500000Z``, ISO 8601) as an aware datetime; None if not one."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def annotation_number(value: Any) -> int | None:
    """An annotation id as a number (Label Studio's ids are integers, sometimes exported as strings)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def recency(a: dict[str, Any]) -> tuple[datetime, datetime, int, str]:
    """Sort key of an annotation, oldest first: ``updated_at``, ``created_at`` as datetimes, then the id as a number."""
    number = annotation_number(a.get("id"))
    return (timestamp(a.get("updated_at")) or _EPOCH, timestamp(a.get("created_at")) or _EPOCH,
            -1 if number is None else number, str(a.get("id") or ""))


def choose_annotation(annotations: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, str]:
    """The annotation to import: the ground truth, else the latest completed one; and why it was taken."""
    done = [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
    if not done:
        return None, "no completed annotation"

    truth = [a for a in done if a.get("ground_truth")]
    chosen = max(truth or done, key=recency)
    why = "ground truth" if truth else "latest completed"
    others = f" of {len(annotations)}" if len(annotations) > 1 else ""
    return chosen, f"annotation {_name(chosen.get('id'))}{others} ({why})"


def _entries(value: Any, where: _Where, region: str, name: str) -> list[str]:
    raw = value.get("text") if name not in cfg.CLAIM_CHOICES else value.get("choices")
    raw = [raw] if isinstance(raw, str) else raw
    if not _is_strings(raw):
        raise where.error(f"field {name}: expected a list of strings, got {_got(raw)}", region)
    entries = [v.strip() for v in raw]
    if name in cfg.MULTI_FIELDS:
        entries = [part.strip() for v in entries for part in v.replace("\n", ",").split(",")]
    entries = [v for v in entries if v]
    if name in cfg.CLAIM_CHOICES:
        allowed = cfg.CLAIM_CHOICES[name]
        for v in entries:
            if v not in allowed:
                raise where.error(f"{name} {quote(v)} is not one of {', '.join(allowed)}", region)
    if len(entries) > 1 and name not in cfg.MULTI_FIELDS:
        raise where.error(f"field {name} has {len(entries)} values {quote(entries)}; expected one", region)
    pattern, words = _ID_FIELDS.get(name, (None, ""))
    for v in entries if pattern else []:
        if not re.fullmatch(pattern, v):
            raise where.error(f"{name} {quote(v)} is not {words}", region)
    return entries


def _offsets(value: dict[str, Any], where: _Where, region: str, text: str) -> tuple[int, int]:
    start, end = value.get("start"), value.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
        raise where.error(f"offsets {quote(start, 30)}-{quote(end, 30)} are not 0 <= start < end <= {len(text)} "
                          "(text length)", region)
    return start, end


def _regions(result: list[Any], where: _Where, text: str) -> tuple[dict[str, Region], list[dict[str, Any]]]:
    """Group result items into regions (by id) and relation items; checks labels, choices and offsets."""
    regions: dict[str, Region] = {}
    fields: list[tuple[str, str, dict[str, Any]]] = []
    relations: list[dict[str, Any]] = []
    for i, item in enumerate(result):
        _check_item(item, i, where)
        kind = item["type"]
        if kind == "relation":
            relations.append(item)
            continue
        rid, name, value = item["id"], item["from_name"], item["value"]
        target = item.get("to_name")
        if target is not None and target != cfg.TEXT:
            raise where.error(f"result for {quote(target, 40)} (to_name), but this config labels only "
                              f"{quote(cfg.TEXT)}: the export is of another labelling config", rid)
        expected = ("labels" if name == cfg.LABEL else "choices" if name in cfg.CLAIM_CHOICES
                    else "textarea" if name in _CLAIM_FIELDS | _ENTITY_FIELDS else None)
        if expected is None or kind != expected:
            raise where.error(f"unknown control {quote(name, 40)} of type {quote(kind, 20)} (this config has "
                              f"{cfg.LABEL}, {', '.join(sorted(_CLAIM_FIELDS | _ENTITY_FIELDS))})", rid)
        if name == cfg.LABEL:
            labels = value["labels"]
            if len(labels) != 1:
                raise where.error(f"expected exactly one label, got {quote(labels)}", rid)
            if labels[0] not in cfg.SPAN_LABELS:
                raise where.error(f"label {quote(labels[0])} is not one of {', '.join(cfg.SPAN_LABELS)}", rid)
            start, end = _offsets(value, where, rid, text)
            if value["text"] != text[start:end]:
                raise where.error(f"offsets {start}-{end} give {quote(text[start:end])}, but value.text is "
                                  f"{quote(value['text'])}", rid)
            if rid in regions:
                raise where.error("two label results share this region id", rid)
            regions[rid] = Region(rid, labels[0], start, end, text[start:end])
        else:
            fields.append((rid, name, value))
    for rid, name, value in fields:
        region = regions.get(rid)
        if region is None:
            raise where.error(f"field {name} belongs to no labelled region (no {cfg.LABEL} result with this id)",
                              rid)
        if (value.get("start"), value.get("end")) != (region.start, region.end):
            raise where.error(f"field {name} has offsets {quote(value.get('start'), 30)}-"
                              f"{quote(value.get('end'), 30)}, the region "
                              f"{region.start}-{region.end}", rid)
        if name not in _KIND_FIELDS[region.kind]:
            raise where.error(f"field {name} does not apply to a {region.label} region", rid)
        if name in region.fields:
            raise where.error(f"field {name} is given twice", rid)
        entries = _entries(value, where, rid, name)
        if entries:
            region.fields[name] = entries
    return regions, relations


def _one(region: Region, name: str) -> str | None:
    values = region.fields.get(name)
    return values[0] if values else None


def _quantity(region: Region, where: _Where) -> dict[str, Any] | None:
    names = ("quantity_value", "quantity_unit", "quantity_approximator")
    if not any(n in region.fields for n in names):
        return None
    raw = _one(region, "quantity_value")
    value = None
    if raw is not None:
        try:
            value = loads(raw)  # strict: NaN, Infinity and 1e309 are not numbers here
        except RukpError:
            value = None
        if type(value) not in (int, float):
            raise where.error(f"quantity_value {quote(raw)} is not a number (finite; JSON syntax)", region.id)
    return {"value": value, "unit": _one(region, "quantity_unit"),
            "approximator": _one(region, "quantity_approximator")}


def _links(relations: list[dict[str, Any]], regions: dict[str, Region], where: _Where
           ) -> tuple[dict[str, Region], list[dict[str, Any]]]:
    """Claimer links (claim id → mention region) and claim relations (type, source, target)."""
    claimer_of: dict[str, Region] = {}
    claim_rels: list[dict[str, Any]] = []
    for item in relations:
        a, b = item.get("from_id"), item.get("to_id")
        label = f"relation {_name(a)}→{_name(b)}"
        for end in (a, b):
            if end not in regions:
                raise where.error(f"{label}: region {quote(end, 40)} does not exist in this annotation")
        labels = item.get("labels") or []
        if len(labels) != 1 or labels[0] not in cfg.RELATION_LABELS:
            raise where.error(f"{label}: expected one label of {', '.join(cfg.RELATION_LABELS)}, "
                              f"got {quote(labels)}")
        kind, direction = labels[0], item.get("direction", "right")
        ra, rb = regions[a], regions[b]
        if kind == cfg.CLAIMER_RELATION:
            pair = {ra.kind, rb.kind}
            if "claim" not in pair or pair == {"claim"}:
                raise where.error(f"{label}: a claimer relation links an entity or {cfg.CLAIMER} region to a "
                                  f"{cfg.CLAIM} region, not {ra.label} to {rb.label}")
            claim, mention = (ra, rb) if ra.kind == "claim" else (rb, ra)
            if claimer_of.get(claim.id, mention).id != mention.id:
                raise where.error(f"claim has two claimer mentions ({claimer_of[claim.id].id}, {mention.id}); "
                                  "keep one claimer relation", claim.id)
            claimer_of[claim.id] = mention
            continue
        if ra.kind != "claim" or rb.kind != "claim":
            raise where.error(f"{label}: {kind} links two {cfg.CLAIM} regions, not {ra.label} to {rb.label}")
        if direction not in ("right", "left"):
            raise where.error(f"{label}: {kind} needs a direction (source → target), got {quote(direction)}")
        source, target = (a, b) if direction == "right" else (b, a)
        claim_rels.append({"id": None, "type": kind, "source": source, "target": target})
    return claimer_of, claim_rels


def _rows(doc: ExportedDoc, regions: dict[str, Region], relations: list[dict[str, Any]], where: _Where) -> None:
    claimer_of, doc.relations = _links(relations, regions, where)
    linked = {m.id for m in claimer_of.values()}
    for r in sorted(regions.values(), key=lambda r: (r.start, r.end, r.id)):
        if r.kind == "entity":
            doc.entities.append({"doc_id": doc.doc_id, "id": r.id, "start": r.start, "end": r.end, "text": r.text,
                                 "label": r.label, "entity_id": _one(r, "entity_id")})
        elif r.kind == "claimer" and r.id not in linked:
            raise where.error(f"{cfg.CLAIMER} region is linked to no claim (draw a claimer relation to its claim)",
                              r.id)
        elif r.kind == "claim":
            mention = claimer_of.get(r.id)
            claimer = _one(r, "claimer_id") or (_one(mention, "entity_id") if mention else None)
            doc.claims.append({
                "doc_id": doc.doc_id, "id": r.id, "start": r.start, "end": r.end, "text": r.text,
                "claimer": claimer, "co_claimers": r.fields.get("co_claimers", []),
                "claimer_start": mention.start if mention else None, "claimer_end": mention.end if mention else None,
                "polarity": _one(r, "polarity"), "certainty": _one(r, "certainty"), "topic": _one(r, "topic"),
                "cluster": _one(r, "cluster"), "quantity": _quantity(r, where),
            })


def parse_export(data: Any, *, source: str) -> tuple[list[ExportedDoc], list[str]]:
    """Every task of a parsed JSON export as an :class:`ExportedDoc`, and notes on tasks left out."""
    if not isinstance(data, list):
        raise RukpError(f"expected Label Studio's JSON export (a list of tasks), got a JSON {type(data).__name__}"
                        + (" (JSON_MIN/CSV exports lose region ids and relations: export as JSON)"
                           if isinstance(data, dict) else ""), path=source)
    docs: list[ExportedDoc] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    for index, task in enumerate(data):
        name = f"task {_name(task['id'])}" if isinstance(task, dict) and "id" in task else f"task #{index}"
        where = _Where(source, name)
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise where.error("not a task object with a data field")
        doc_id, text = task["data"].get(cfg.DOC_ID), task["data"].get(cfg.TEXT)
        if not isinstance(doc_id, str) or not isinstance(text, str):
            raise where.error(f"data must hold the strings {cfg.DOC_ID} and {cfg.TEXT} (tasks made by "
                              "`rukp labelstudio export`)")
        where.doc_id = _name(doc_id)
        if doc_id in seen:
            raise where.error(f"a second task for this document ({seen[doc_id]} is the first)")
        seen[doc_id] = name
        annotations = task.get("annotations", [])
        if not isinstance(annotations, list):
            raise where.error("annotations is not a list")
        chosen, why = choose_annotation(annotations)
        if chosen is None:
            skipped.append(f"{name} (doc {doc_id}): {why}; left unchanged")
            continue
        doc = _parse_annotation(chosen, task, doc_id, text, why, where)
        done = sorted((a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")), key=_id_order)
        doc.completed = [{k: a[k] for k in _SOURCE_KEYS if k in a} for a in done]
        if not any(a.get("ground_truth") for a in done):
            # every completed annotation is an independent pass (by its annotator), in id order
            doc.passes = [_parse_annotation(a, task, doc_id, text, f"annotation {_name(a.get('id'))}", where)
                          for a in done] if len(done) > 1 else [doc]
        docs.append(doc)
    return docs, skipped


def _id_order(annotation: dict[str, Any]) -> tuple[bool, Any]:
    """Annotations in id order: integer ids as numbers (99 before 100), then any other id as text."""
    key = annotation.get("id")
    return (False, key) if isinstance(key, int) and not isinstance(key, bool) else (True, str(key))


def _parse_annotation(annotation: dict[str, Any], task: dict[str, Any], doc_id: str, text: str, why: str,
                      where: _Where) -> ExportedDoc:
    result = annotation.get("result")
    if not isinstance(result, list):
        raise where.error(f"annotation {_name(annotation.get('id'))}: result must be a list, not "
                          f"{_got(result)}")
    when = next((v for v in (annotation.get("updated_at"), annotation.get("created_at")) if timestamp(v)), None)
    doc = ExportedDoc(task.get("id"), doc_id, text, why, annotation.get("id"), when,
                      source={k: annotation[k] for k in _SOURCE_KEYS if k in annotation})
    regions, relations = _regions(result, where, text)
    _rows(doc, regions, relations, where)
    return doc


def load_export(path: str | Path) -> tuple[list[ExportedDoc], list[str]]:
    """Read and parse a JSON export file (see :func:`parse_export`); a file with no task at all is an error."""
    data = read_json(path)
    if data == []:
        raise RukpError("the Label Studio export holds no tasks", path=path)
    return parse_export(data, source=str(path))


def read_export(path: str | Path) -> list[dict[str, Any]]:
    """Documents-format rows ``{doc_id, entities, claims, relations}``, one per task with a chosen annotation."""
    docs, _ = load_export(path)
    return [{"doc_id": d.doc_id, "entities": d.entities, "claims": d.claims, "relations": d.relations}
            for d in docs]

