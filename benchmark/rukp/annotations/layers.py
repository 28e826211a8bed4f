"""Import layers: each write of an import (e.g. from Label Studio) is also recorded as row-level changes.

``annotations/imports/NNN.json`` holds, per annotation file, the rows removed, changed (old and new) and added by
one import, keyed by their ids. ``rukp annotations rebuild`` replays the layers in order on top of the gold it
derives from the raw passes, decisions and errata, so the gold stays reproducible after it is extended. Kb and
cluster rows are matched without their hand-curated fields (:mod:`rukp.annotations.curated`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rukp.annotations.curated import derived_part
from rukp.annotations.store import AnnotationSet
from rukp.errors import RukpError
from rukp.io.jsonl import read_json

LAYERS_DIR = "imports"
KEYS: dict[str, str] = {"entities": "id", "claims": "id", "relations": "id", "kb": "entity_id",
                        "clusters": "cluster"}


def make_layer(before: AnnotationSet, after: AnnotationSet, source: str) -> dict[str, Any]:
    """The row-level changes from ``before`` to ``after`` (removed, changed, added per file) and the new manifest."""
    changes: dict[str, list[dict[str, Any]]] = {}
    for kind, key in KEYS.items():
        old = {r[key]: r for r in getattr(before, kind)}
        new = {r[key]: r for r in getattr(after, kind)}
        rows = [{"op": "-", "old": old[k]} for k in old if k not in new]
        rows += [{"op": "~", "old": old[k], "new": new[k]} for k in new if k in old and old[k] != new[k]]
        rows += [{"op": "+", "new": new[k]} for k in new if k not in old]
        if rows:
            changes[kind] = rows
    return {"source": source, "changes": changes, "manifest": after.manifest}


def _same(kind: str, row: dict[str, Any] | None, old: dict[str, Any]) -> bool:
    """The row is the one the layer saw; curated fields (a kb description …) may have been edited since."""
    return row is not None and derived_part(kind, row) == derived_part(kind, old)


def apply_layer(ann: AnnotationSet, layer: dict[str, Any], path: Path) -> AnnotationSet:
    """``ann`` with one layer replayed; a change whose old row is not in ``ann`` exactly is an error."""
    for kind, rows in layer.get("changes", {}).items():
        if kind not in KEYS:
            raise RukpError(f"unknown annotation file {kind!r} in an import layer", path=path)
        key = KEYS[kind]
        current = {r[key]: r for r in getattr(ann, kind)}
        for change in rows:
            op, old, new = change.get("op"), change.get("old"), change.get("new")
            if op in ("-", "~") and not _same(kind, current.get(old[key]), old):
                raise RukpError(f"{kind} row {old[key]!r} is not as this layer expects: the layer does not apply "
                                "to the rebuilt gold", path=path)
            if op == "-":
                del current[old[key]]
            elif op in ("~", "+"):
                if op == "+" and new[key] in current:
                    raise RukpError(f"{kind} row {new[key]!r} already exists", path=path)
                if op == "~":
                    del current[old[key]]
                current[new[key]] = new
            else:
                raise RukpError(f"unknown change op {op!r}", path=path)
        setattr(ann, kind, list(current.values()))
    if layer.get("manifest"):
        ann.manifest = layer["manifest"]
    return ann


def layer_paths(annotations_dir: Path) -> list[Path]:
    """The recorded layers in the order they were written."""
    folder = annotations_dir / LAYERS_DIR
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def next_layer_path(annotations_dir: Path) -> Path:
    """Where the next layer goes (``imports/001.json``, ``imports/002.json``, …)."""
    existing = layer_paths(annotations_dir)
    number = int(existing[-1].stem) + 1 if existing else 1
    return annotations_dir / LAYERS_DIR / f"{number:03d}.json"


def replay(ann: AnnotationSet, annotations_dir: Path) -> AnnotationSet:
    """``ann`` with every recorded layer of ``annotations_dir`` replayed in order."""
    for path in layer_paths(annotations_dir):
        ann = apply_layer(ann, read_json(path), path)
    return ann
