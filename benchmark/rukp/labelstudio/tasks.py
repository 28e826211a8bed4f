"""Gold annotations, a predictions file or an extractor's output → Label Studio tasks (one per document).

Region ids are the annotation ids (``000-E001``, ``000-C001``), so they are stable across exports and
an import knows which row an edited region was. A claimer mention that is not an entity mention
becomes a ``CLAIMER`` region ``<claim id>-M``. Predictions have no ids: their regions get
``pred-000-E001``-style ids in text order, which an import treats as new rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.annotations.store import AnnotationSet, load_annotations
from rukp.corpus.build import load_corpus
from rukp.errors import RukpError
from rukp.io.atomic import dumps_json, write_text_atomic
from rukp.io.jsonl import iter_jsonl
from rukp.io.labelstudio import config as cfg
from rukp.schema import ENTITY_LABELS

#: Where pre-filled regions go in a task: completed annotations, or predictions the annotator starts from.
TARGETS: tuple[str, ...] = ("annotations", "predictions")


def _region_item(region_id: str, start: int, end: int, text: str, label: str) -> dict[str, Any]:
    return {"id": region_id, "from_name": cfg.LABEL, "to_name": cfg.TEXT, "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def _field_item(region_id: str, start: int, end: int, name: str, values: list[str]) -> dict[str, Any]:
    if name in cfg.CLAIM_CHOICES:
        return {"id": region_id, "from_name": name, "to_name": cfg.TEXT, "type": "choices",
                "value": {"start": start, "end": end, "choices": values}}
    return {"id": region_id, "from_name": name, "to_name": cfg.TEXT, "type": "textarea",
            "value": {"start": start, "end": end, "text": values}}


def _relation_item(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right", "labels": [label]}


def quantity_value_text(value: Any) -> str:
    """A quantity value as typed in Label Studio: JSON (``10000``, ``1.5``), parsed back by the importer."""
    return json.dumps(value, ensure_ascii=False)


def _claim_fields(claim: dict[str, Any], mention_entity_id: str | None) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name in cfg.CLAIM_CHOICES:
        if claim.get(name) is not None:
            fields[name] = [claim[name]]
    claimer = claim.get("claimer")
    if claimer is not None and claimer != mention_entity_id:
        fields["claimer_id"] = [claimer]
    if claim.get("co_claimers"):
        fields["co_claimers"] = list(claim["co_claimers"])
    if claim.get("cluster") is not None:
        fields["cluster"] = [claim["cluster"]]
    quantity = claim.get("quantity")
    if quantity is not None:
        fields["quantity_value"] = [quantity_value_text(quantity.get("value"))]
        for key in ("unit", "approximator"):
            if quantity.get(key) is not None:
                fields[f"quantity_{key}"] = [quantity[key]]
    return fields


def document_results(text: str, entities: list[dict[str, Any]], claims: list[dict[str, Any]],
                     relations: Iterable[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Label Studio result items for one document's rows (each row needs ``id``, ``start``, ``end``)."""
    items: list[dict[str, Any]] = []
    entities = sorted(entities, key=lambda r: (r["start"], r["end"], r["id"]))
    claims = sorted(claims, key=lambda r: (r["start"], r["end"], r["id"]))
    by_span: dict[tuple[int, int], dict[str, Any]] = {}
    for e in entities:
        s, t = e["start"], e["end"]
        by_span.setdefault((s, t), e)
        items.append(_region_item(e["id"], s, t, text[s:t], e["label"]))
        if e.get("entity_id") is not None:
            items.append(_field_item(e["id"], s, t, "entity_id", [e["entity_id"]]))
    mentions: dict[tuple[int, int], str] = {}
    links: list[dict[str, Any]] = []
    for c in sorted(claims, key=lambda r: r["id"]):
        if c.get("claimer_start") is None or c.get("claimer_end") is None:
            continue
        span = (c["claimer_start"], c["claimer_end"])
        mention_id = by_span[span]["id"] if span in by_span else mentions.setdefault(span, f"{c['id']}-M")
        links.append(_relation_item(mention_id, c["id"], cfg.CLAIMER_RELATION))
    for c in claims:
        s, t = c["start"], c["end"]
        items.append(_region_item(c["id"], s, t, text[s:t], cfg.CLAIM))
        mention = by_span.get((c["claimer_start"], c["claimer_end"])) if c.get("claimer_start") is not None else None
        for name, values in _claim_fields(c, mention.get("entity_id") if mention else None).items():
            items.append(_field_item(c["id"], s, t, name, values))
    for (s, t), mention_id in sorted(mentions.items(), key=lambda kv: kv[1]):
        items.append(_region_item(mention_id, s, t, text[s:t], cfg.CLAIMER))
    items += links
    for r in sorted(relations, key=lambda r: (r["source"], r["target"], r["type"])):
        items.append(_relation_item(r["source"], r["target"], r["type"]))
    return items


@dataclass(frozen=True)
class DocRows:
    """The rows to pre-fill for one document (ids already set) and where they came from."""

    doc_id: str
    entities: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    relations: list[dict[str, Any]]


def gold_rows(ann: AnnotationSet, doc_ids: Iterable[str]) -> list[DocRows]:
    """Each document's gold rows; relations only where both claims lie in that document."""
    out = []
    for doc_id in doc_ids:
        claims = ann.for_doc("claims", doc_id)
        ids = {c["id"] for c in claims}
        relations = [r for r in ann.relations if r["source"] in ids and r["target"] in ids]
        out.append(DocRows(doc_id, ann.for_doc("entities", doc_id), claims, relations))
    return out


class _Source:
    """Where predictions come from (a file line or an extractor's output) for error messages."""

    def __init__(self, path: str, line: int | None = None, doc: str | None = None) -> None:
        self.path, self.line, self.doc = path, line, doc

    def error(self, message: str) -> RukpError:
        return RukpError(message, path=self.path, line=self.line, doc=self.doc)


def _check_span(row: Any, text: str, what: str, where: _Source) -> None:
    if not isinstance(row, dict):
        raise where.error(f"{what}: expected an object, got {type(row).__name__}")
    start, end = row.get("start"), row.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
        raise where.error(f"{what}: start/end {start!r}-{end!r} are not offsets with 0 <= start < end <= "
                          f"{len(text)} (the document length)")


def _prediction_rows(doc_id: str, obj: dict[str, Any], text: str, where: _Source) -> DocRows:
    """One document's predicted entities and claims, checked, with ``pred-`` region ids in text order."""
    lists = {}
    for kind in ("entities", "claims"):
        rows = obj.get(kind) or []
        if not isinstance(rows, list):
            raise where.error(f"{kind} must be a list, not {type(rows).__name__}")
        for i, row in enumerate(rows):
            _check_span(row, text, f"{kind}[{i}]", where)
        lists[kind] = sorted(rows, key=lambda r: (r["start"], r["end"], str(r.get("label"))))
    entities, claims = [], []
    for n, e in enumerate(lists["entities"], start=1):
        if e.get("label") not in ENTITY_LABELS:
            raise where.error(f"entity {e['start']}-{e['end']}: label {e.get('label')!r} is not one of "
                              f"{', '.join(ENTITY_LABELS)} (pre-annotate with fine types, e.g. rules-claims)")
        entities.append({**e, "id": f"pred-{doc_id}-E{n:03d}"})
    for n, c in enumerate(lists["claims"], start=1):
        what = f"claim {c['start']}-{c['end']}"
        for name, values in cfg.CLAIM_CHOICES.items():
            if c.get(name) is not None and c[name] not in values:
                raise where.error(f"{what}: {name} {c[name]!r} is not one of {', '.join(values)}")
        if (c.get("claimer_start") is None) != (c.get("claimer_end") is None):
            raise where.error(f"{what}: claimer_start and claimer_end must be both set or both null")
        if c.get("claimer_start") is not None:
            _check_span({"start": c["claimer_start"], "end": c["claimer_end"]}, text, f"{what}: claimer mention",
                        where)
        claims.append({**c, "id": f"pred-{doc_id}-C{n:03d}"})
    return DocRows(doc_id, entities, claims, [])


def read_predictions(path: str | Path, corpus: dict[str, dict[str, Any]]) -> list[DocRows]:
    """A predictions JSONL file as rows with region ids (``pred-000-E001``); bad lines name file and line."""
    out: list[DocRows] = []
    seen: dict[str, int] = {}
    for line, obj in iter_jsonl(path, allow_empty=False):
        doc_id = obj.get("doc_id")
        where = _Source(str(path), line)
        if doc_id not in corpus:
            raise where.error(f"doc_id {doc_id!r} is not a corpus document ({', '.join(corpus)})")
        where.doc = doc_id
        if doc_id in seen:
            raise where.error(f"second line for this document (first at line {seen[doc_id]})")
        seen[doc_id] = line
        out.append(_prediction_rows(doc_id, obj, corpus[doc_id]["text"], where))
    return out


def extractor_rows(spec: str, corpus: list[dict[str, Any]]) -> list[DocRows]:
    """Run an extractor (a spec as for ``rukp evaluate --extractor``) over the documents, as rows."""
    from rukp.extractors.registry import resolve

    extractor = resolve(spec)
    out = []
    for doc in corpus:
        output = extractor.extract(doc["text"])
        where = _Source(f"extractor {spec}", doc=doc["id"])
        if not isinstance(output, dict):
            raise where.error(f"extract() returned {type(output).__name__}, not a dict with entities and claims")
        out.append(_prediction_rows(doc["id"], output, doc["text"], where))
    return out


def build_tasks(corpus: list[dict[str, Any]], rows: list[DocRows], *, target: str,
                model_version: str = "gold") -> list[dict[str, Any]]:
    """One task per corpus document; documents with rows get them as ``target`` (annotations/predictions)."""
    if target not in TARGETS:
        raise RukpError(f"--as {target!r} is not one of {', '.join(TARGETS)}")
    by_doc = {r.doc_id: r for r in rows}
    tasks = []
    for doc in corpus:
        task: dict[str, Any] = {"data": {cfg.TEXT: doc["text"], cfg.DOC_ID: doc["id"]}}
        doc_rows = by_doc.get(doc["id"])
        if doc_rows is not None and (doc_rows.entities or doc_rows.claims):
            result = document_results(doc["text"], doc_rows.entities, doc_rows.claims, doc_rows.relations)
            if target == "annotations":
                task["annotations"] = [{"result": result, "ground_truth": False}]
            else:
                task["predictions"] = [{"result": result, "model_version": model_version}]
        tasks.append(task)
    return tasks


def make_tasks(*, predictions: str | Path | None = None, extractor: str | None = None, target: str | None = None,
               docs: Iterable[str] | None = None, root: Path | None = None,
               annotations_dir: Path | None = None) -> list[dict[str, Any]]:
    """Tasks for the corpus documents (all, or ``docs``), pre-filled with the gold, a predictions file or
    an extractor's output. ``target`` defaults to ``annotations`` for the gold, else ``predictions``.
    """
    corpus = load_corpus(root)
    if docs:
        wanted = list(dict.fromkeys(docs))
        known = {d["id"] for d in corpus}
        unknown = [d for d in wanted if d not in known]
        if unknown:
            raise RukpError(f"--doc {', '.join(unknown)}: not a corpus document ({', '.join(sorted(known))})")
        corpus = [d for d in corpus if d["id"] in wanted]
    if predictions is not None and extractor is not None:
        raise RukpError("give --predictions or --extractor, not both")
    if predictions is not None:
        rows = read_predictions(predictions, {d["id"]: d for d in load_corpus(root)})
        return build_tasks(corpus, rows, target=target or "predictions", model_version=Path(predictions).stem)
    if extractor is not None:
        rows = extractor_rows(extractor, corpus)
        return build_tasks(corpus, rows, target=target or "predictions", model_version=extractor)
    directory = annotations_dir or paths.annotations_dir(root)
    if not directory.is_dir():
        raise RukpError("annotations folder not found: the gold pre-fills the tasks (give --annotations DIR, "
                        "--predictions FILE or --extractor SPEC)", path=directory)
    ann = load_annotations(directory)
    return build_tasks(corpus, gold_rows(ann, [d["id"] for d in corpus]), target=target or "annotations")


def export_tasks(out: str | Path, **kwargs: Any) -> list[dict[str, Any]]:
    """Write :func:`make_tasks` to ``out`` (a JSON list, Label Studio's import format) atomically."""
    tasks = make_tasks(**kwargs)
    write_text_atomic(out, dumps_json(tasks))
    return tasks
