"""What was last imported from Label Studio, per document, so a stale export never silently reverts newer work.

``annotations/labelstudio-imports.json`` (committed with the annotation files, written in the same atomic write)
records per document the task, the annotation id and its ``updated_at`` that the last import took, and the
annotation ids that earlier imports took and later ones superseded. An import whose annotation is older than
the recorded one, or is one already superseded, is refused unless forced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rukp.errors import RukpError, quote
from rukp.io.atomic import dumps_json
from rukp.io.jsonl import read_json
from rukp.io.labelstudio.results import ExportedDoc, annotation_number, timestamp
from rukp.labelstudio.diff import DocDiff

LEDGER_FILE = "labelstudio-imports.json"


def ledger_path(annotations_dir: Path) -> Path:
    """Where the ledger of ``annotations_dir`` lives."""
    return annotations_dir / LEDGER_FILE


def load_ledger(annotations_dir: Path) -> dict[str, dict[str, Any]]:
    """Per document id, what the last import took (empty when nothing was imported yet)."""
    path = ledger_path(annotations_dir)
    if not path.is_file():
        return {}
    data = read_json(path)
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, dict) or not all(isinstance(v, dict) for v in documents.values()):
        raise RukpError('expected {"documents": {doc_id: {task, annotation, updated_at, superseded}}}', path=path)
    return documents


def _same(a: Any, b: Any) -> bool:
    na, nb = annotation_number(a), annotation_number(b)
    return na == nb if na is not None and nb is not None else a == b


def staleness(doc: ExportedDoc, entry: dict[str, Any] | None) -> str | None:
    """Why importing ``doc`` would revert what was imported last for its document, or None when it would not."""
    if not entry:
        return None
    last = f"annotation {entry.get('annotation')}"
    if entry.get("updated_at"):
        last += f" (updated {entry['updated_at']})"
    last += f" imported from {quote(entry.get('source'), 60)}" if entry.get("source") else ""
    if any(_same(doc.annotation_id, old) for old in entry.get("superseded") or []):
        return f"annotation {doc.annotation_id} was superseded by {last}"
    mine, theirs = timestamp(doc.updated_at), timestamp(entry.get("updated_at"))
    if mine is not None and theirs is not None and mine < theirs:
        return f"annotation {doc.annotation_id} (updated {doc.updated_at}) is older than {last}"
    return None


def stale_messages(docs: list[ExportedDoc], ledger: dict[str, dict[str, Any]], diffs: list[DocDiff]) -> list[str]:
    """One line per document whose import would revert newer work, naming what it would revert."""
    by_doc = {d.doc_id: d for d in diffs}
    out = []
    for doc in sorted(docs, key=lambda d: d.doc_id):
        why = staleness(doc, ledger.get(doc.doc_id))
        if why is None:
            continue
        diff = by_doc.get(doc.doc_id)
        undo = [c.render() for c in diff.changes] if diff else []
        what = (f"it would revert {len(undo)} change(s): " + "; ".join(undo[:3]) + (" …" if len(undo) > 3 else "")
                if undo else "it changes nothing now, but would record the older annotation as the latest")
        out.append(f"doc {doc.doc_id} (task {doc.task_id}): {why}; {what}")
    return out


def updated_ledger(docs: list[ExportedDoc], ledger: dict[str, dict[str, Any]], source: str
                   ) -> dict[str, dict[str, Any]]:
    """The ledger after importing ``docs`` from ``source``: each document's entry points at its new annotation."""
    out = {k: dict(v) for k, v in ledger.items()}
    for doc in docs:
        entry = out.get(doc.doc_id, {})
        superseded = list(entry.get("superseded") or [])
        previous = entry.get("annotation")
        if previous is not None and not _same(previous, doc.annotation_id) and previous not in superseded:
            superseded.append(previous)
        out[doc.doc_id] = {"task": doc.task_id, "annotation": doc.annotation_id, "updated_at": doc.updated_at,
                           "source": source, "superseded": superseded}
    return dict(sorted(out.items()))


def dumps_ledger(ledger: dict[str, dict[str, Any]]) -> str:
    """The ledger file's text."""
    return dumps_json({"documents": ledger})
