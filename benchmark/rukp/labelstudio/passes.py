"""Independent passes of a document in Label Studio: every completed annotation of a task is one pass.

The passes are compared without ids (entities by span, label and entity id; claims by every field; relations by
the spans of their claims). Passes that differ are not imported until adjudicated: they are stored under
``annotations/raw/labelstudio/<doc>/`` (one JSON file per pass, plus ``agreement.json`` with the figures of
``rukp agreement``), and their disagreements are listed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rukp.annotations.problems import excerpt
from rukp.annotations.provenance import label_studio_annotator
from rukp.io.atomic import dumps_json
from rukp.io.labelstudio.results import ExportedDoc

PASSES_DIR = "labelstudio"
KINDS = ("entity", "claim", "relation")


def who(doc: ExportedDoc) -> str:
    """A pass as messages name it: its annotation id and annotator."""
    return f"annotation {doc.source.get('id')} ({label_studio_annotator(doc.source.get('completed_by'))})"


def content(doc: ExportedDoc) -> dict[str, set[tuple[Any, ...]]]:
    """A pass's annotations without region ids, comparable between passes."""
    spans = {c["id"]: (c["start"], c["end"]) for c in doc.claims}
    return {
        "entity": {(e["start"], e["end"], e["label"], e["entity_id"]) for e in doc.entities},
        "claim": {(c["start"], c["end"], c["claimer"], tuple(c["co_claimers"]), c["claimer_start"],
                   c["claimer_end"], c["polarity"], c["certainty"], c["topic"], c["cluster"],
                   json.dumps(c["quantity"], sort_keys=True)) for c in doc.claims},
        "relation": {(r["type"], spans[r["source"]], spans[r["target"]]) for r in doc.relations},
    }


def _show(kind: str, item: tuple[Any, ...], text: str) -> str:
    if kind == "entity":
        start, end, label, eid = item
        return f"entity {start}-{end} {excerpt(text[start:end])!r} {label} entity_id={eid}"
    if kind == "claim":
        start, end, claimer = item[:3]
        polarity, certainty, topic, cluster = item[6:10]
        return (f"claim {start}-{end} {excerpt(text[start:end])!r} claimer={claimer} "
                f"{polarity}/{certainty}/{topic} cluster={cluster}")
    rel, (s1, e1), (s2, e2) = item
    return f"relation {rel} claim {s1}-{e1} → claim {s2}-{e2}"


def disagreements(passes: list[ExportedDoc]) -> list[str]:
    """One line per annotation that some passes have and others do not, naming the passes that have it."""
    contents = [content(p) for p in passes]
    text = passes[0].text
    lines = []
    for kind in KINDS:
        union: set[tuple[Any, ...]] = set().union(*(c[kind] for c in contents))
        for item in sorted(union, key=lambda i: (i[0], i[1]) if kind != "relation" else i[1:]):
            having = [p for p, c in zip(passes, contents, strict=True) if item in c[kind]]
            if len(having) < len(passes):
                lines.append(f"{_show(kind, item, text)}: only in {', '.join(who(p) for p in having)}")
    return lines


def agreement(passes: list[ExportedDoc], corpus_doc: dict[str, Any]) -> dict[str, Any]:
    """The figures of ``rukp agreement`` for the first two passes (the first as reference)."""
    from rukp.annotations.agreement import compare_passes

    rows = [{"entities": p.entities, "claims": p.claims, "relations": p.relations} for p in passes[:2]]
    names = (f"annotation {passes[0].source.get('id')}", f"annotation {passes[1].source.get('id')}")
    return compare_passes(rows[0], rows[1], [corpus_doc], None, names)


def agreement_line(figures: dict[str, Any]) -> str:
    """The headline agreement figures in one line."""
    ents, claims = figures["entities"], figures["claims"]
    return (f"agreement ({' vs '.join(figures['passes'])}, as `rukp agreement`): entities strict F1 "
            f"{ents['strict_f1']}, claims detection F1 {claims['detection_f1']}, claimer agreement "
            f"{claims['claimer']['agreement']} on {claims['matched']} matched claim(s)")


def pass_files(directory: Path, passes: list[ExportedDoc], figures: dict[str, Any] | None) -> dict[Path, str]:
    """The files that store a document's passes (and their agreement) under ``annotations/raw/labelstudio/``."""
    folder = directory / "raw" / PASSES_DIR / passes[0].doc_id
    files = {folder / f"annotation-{p.source.get('id')}.json": dumps_json({
        "doc_id": p.doc_id, "task": p.task_id, "annotation": p.source.get("id"),
        "annotator": label_studio_annotator(p.source.get("completed_by")),
        "updated_at": p.source.get("updated_at"), "entities": p.entities, "claims": p.claims,
        "relations": p.relations}) for p in passes}
    if figures is not None:
        files[folder / "agreement.json"] = dumps_json(figures)
    return files
