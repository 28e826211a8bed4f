"""Hand-curated fields: their source is the committed ``kb.jsonl`` and ``clusters.jsonl``, not the raw passes.

A kb entry's ``name``, ``wikidata`` and ``description`` and a cluster's ``proposition`` are written by a
maintainer (after an import adds the entry, or to correct one). Which entries exist, and their ``type`` and
``aliases``, follow the mentions and claims; those are derived. ``rukp annotations rebuild`` takes every curated
field of an entry that is already committed from the committed file, so no rebuild discards a valid edit;
import layers compare kb and cluster rows without their curated fields, so an edit between two imports still
replays.
"""

from __future__ import annotations

from typing import Any

from rukp.annotations.store import AnnotationSet

#: Per annotation file: its key and the fields a maintainer curates by hand.
CURATED: dict[str, tuple[str, tuple[str, ...]]] = {
    "kb": ("entity_id", ("name", "wikidata", "description")),
    "clusters": ("cluster", ("proposition",)),
}


def derived_part(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` without its curated fields (the whole row for files that have none)."""
    fields = CURATED.get(kind, ("", ()))[1]
    return {k: v for k, v in row.items() if k not in fields}


def keep_curated(ann: AnnotationSet, committed: AnnotationSet) -> AnnotationSet:
    """``ann`` with the curated fields of every kb entry and cluster that ``committed`` also has, taken from it."""
    for kind, (key, fields) in CURATED.items():
        source = {r.get(key): r for r in getattr(committed, kind) if isinstance(r, dict)}
        rows = []
        for row in getattr(ann, kind):
            mine = source.get(row.get(key))
            rows.append({**row, **{f: mine[f] for f in fields if f in mine}} if mine is not None else row)
        setattr(ann, kind, rows)
    return ann
