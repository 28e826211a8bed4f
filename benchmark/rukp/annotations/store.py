"""Reading and writing the annotation files of ``annotations/`` (format: ``annotations/FORMAT.md``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.io.atomic import dumps_json, dumps_jsonl, finish_pending, write_many_atomic
from rukp.io.jsonl import read_json, read_jsonl

FILES: dict[str, str] = {
    "entities": "entities.jsonl",
    "claims": "claims.jsonl",
    "relations": "relations.jsonl",
    "kb": "kb.jsonl",
    "clusters": "clusters.jsonl",
}
MANIFEST = "manifest.json"


@dataclass
class AnnotationSet:
    """All gold annotation rows, as plain dicts in file order, plus the manifest."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    kb: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    def for_doc(self, kind: str, doc_id: str) -> list[dict[str, Any]]:
        """Rows of ``kind`` (entities or claims) that belong to ``doc_id``, sorted by offsets."""
        rows = [r for r in getattr(self, kind) if r.get("doc_id") == doc_id]
        return sorted(rows, key=lambda r: (r.get("start", 0), r.get("end", 0), r.get("id", "")))


def load_annotations(directory: Path | None = None) -> AnnotationSet:
    """Load ``annotations/`` (missing files count as empty; the validator reports what is required)."""
    directory = directory or paths.annotations_dir()
    finish_pending(directory)  # a multi-file write that a killed process left half done
    loaded: dict[str, Any] = {}
    for key, name in FILES.items():
        path = directory / name
        # a FIFO or device in a file's place is read (or refused) by the reader, never taken as a missing file
        loaded[key] = read_jsonl(path) if path.exists() else []
    manifest_path = directory / MANIFEST
    loaded["manifest"] = read_json(manifest_path) if manifest_path.exists() else {}
    return AnnotationSet(**loaded)


def annotation_files(ann: AnnotationSet, directory: Path) -> dict[Path, str]:
    """The serialised files of an annotation set (path → text), sorted stably for clean diffs."""
    def order(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda r: (r.get("doc_id", ""), r.get("start", 0), r.get("end", 0), r.get("id", "")))

    return {
        directory / FILES["entities"]: dumps_jsonl(order(ann.entities)),
        directory / FILES["claims"]: dumps_jsonl(order(ann.claims)),
        directory / FILES["relations"]: dumps_jsonl(sorted(ann.relations, key=lambda r: r["id"])),
        directory / FILES["kb"]: dumps_jsonl(sorted(ann.kb, key=lambda r: r["entity_id"])),
        directory / FILES["clusters"]: dumps_jsonl(sorted(ann.clusters, key=lambda r: r["cluster"])),
        directory / MANIFEST: dumps_json(ann.manifest),
    }


def save_annotations(ann: AnnotationSet, directory: Path | None = None) -> None:
    """Write every annotation file at once, atomically (all replaced or none)."""
    write_many_atomic(annotation_files(ann, directory or paths.annotations_dir()))
