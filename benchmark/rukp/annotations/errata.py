"""Errata: reviewed corrections to the gold, applied by code after adjudication, each with its reason.

``annotations/errata.jsonl`` holds one operation per line. Claims are referred to by ``{"doc_id", "text"}`` (the
exact current claim text, plus ``"claimer"`` when two claims share a text), never by id, so an erratum survives
renumbering. Operations: ``respan_claim`` (``text`` → new exact text, placed by code inside or around the old
span), ``set_claim`` (``set``: non-offset fields), ``add_claim`` (``claim`` in raw format), ``remove_claim``,
``add_relation`` / ``remove_relation`` (``type``, ``source``, ``target``). Every line needs ``id`` and ``reason``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rukp import paths, schema
from rukp.annotations.adjudicate import _place_claim
from rukp.annotations.resolve import find_from
from rukp.annotations.store import AnnotationSet
from rukp.errors import RukpError
from rukp.io.jsonl import iter_jsonl

ERRATA_FILE = "errata.jsonl"
OPS = ("respan_claim", "set_claim", "add_claim", "remove_claim", "add_relation", "remove_relation")
_OFFSET_FIELDS = {"start", "end", "text", "claimer_start", "claimer_end", "id", "doc_id"}


def _find(ann: AnnotationSet, ref: Any, where: str) -> dict:
    if not isinstance(ref, dict) or "doc_id" not in ref or "text" not in ref:
        raise RukpError(f"{where}: a claim reference needs doc_id and text")
    hits = [c for c in ann.claims if c["doc_id"] == ref["doc_id"] and c["text"] == ref["text"]
            and ("claimer" not in ref or c["claimer"] == ref["claimer"])]
    if len(hits) != 1:
        raise RukpError(f"{where}: {len(hits)} claims of doc {ref['doc_id']} have the text {ref['text'][:50]!r}"
                        + (" (add claimer to disambiguate)" if hits else ""))
    return hits[0]


def apply_errata(ann: AnnotationSet, corpus: dict[str, dict], path: Path) -> AnnotationSet:
    """``ann`` with every erratum of ``path`` applied in order; ids renumbered in text order."""
    if not path.is_file():
        return ann
    for line, op in iter_jsonl(path):
        where = f"{path.name}:{line} ({op.get('id', '?')})"
        if op.get("op") not in OPS or not op.get("id") or not op.get("reason"):
            raise RukpError(f"each erratum needs id, reason and op (one of {', '.join(OPS)})", path=path, line=line)
        kind = op["op"]
        if kind in ("respan_claim", "set_claim", "remove_claim"):
            claim = _find(ann, op.get("claim"), where)
            if kind == "remove_claim":
                ann.claims.remove(claim)
                ann.relations = [r for r in ann.relations if claim["id"] not in (r["source"], r["target"])]
            elif kind == "set_claim":
                bad = set(op.get("set", {})) & _OFFSET_FIELDS
                if bad:
                    raise RukpError(f"{where}: {', '.join(sorted(bad))} cannot be set by hand (offsets come from code)")
                claim.update(op.get("set", {}))
            else:
                text = corpus[claim["doc_id"]]["text"]
                span = find_from(text, op["text"], max(0, claim["start"] - 200), op.get("context"))
                if span is None:
                    raise RukpError(f"{where}: new text {op['text'][:50]!r} not found near the claim")
                claim.update(start=span[0], end=span[1], text=text[span[0]:span[1]])
        elif kind == "add_claim":
            spec = op.get("claim") or {}
            text = corpus[spec["doc_id"]]["text"]
            c = _place_claim(text, spec, (0, len(text)), where)
            ann.claims.append({"doc_id": spec["doc_id"], "id": f"{spec['doc_id']}-ERR-{op['id']}", **c,
                               "cluster": spec.get("cluster")})
        else:
            if op.get("type") not in schema.CLAIM_RELATIONS:
                raise RukpError(f"{where}: relation type must be one of {', '.join(schema.CLAIM_RELATIONS)}")
            s, t = _find(ann, op.get("source"), where)["id"], _find(ann, op.get("target"), where)["id"]
            if kind == "add_relation":
                ann.relations.append({"id": "", "type": op["type"], "source": s, "target": t})
            else:
                before = len(ann.relations)
                ann.relations = [r for r in ann.relations
                                 if (r["type"], r["source"], r["target"]) != (op["type"], s, t)]
                if len(ann.relations) == before:
                    raise RukpError(f"{where}: no such relation to remove")
    return renumber(ann, corpus)


def renumber(ann: AnnotationSet, corpus: dict[str, dict]) -> AnnotationSet:
    """Claim ids in text order per document, relations following their claims, singleton clusters for new claims."""
    new_id: dict[str, str] = {}
    claims = []
    for doc_id in corpus:
        rows = sorted((c for c in ann.claims if c["doc_id"] == doc_id), key=lambda c: (c["start"], c["end"], c["id"]))
        for n, c in enumerate(rows, 1):
            new_id[c["id"]] = f"{doc_id}-C{n:03d}"
            claims.append({**c, "id": new_id[c["id"]]})
    known = {c["cluster"] for c in ann.clusters}
    clusters = [dict(c) for c in ann.clusters]
    for c in claims:
        if not c.get("cluster"):
            c["cluster"] = f"K-{c['id']}"
        if c["cluster"] not in known:
            clusters.append({"cluster": c["cluster"], "proposition": c["text"]})
            known.add(c["cluster"])
    used = {c["cluster"] for c in claims}
    relations = [{**r, "source": new_id[r["source"]], "target": new_id[r["target"]]} for r in ann.relations
                 if r["source"] in new_id and r["target"] in new_id]
    for n, r in enumerate(relations, 1):
        r["id"] = f"R{n:03d}"
    return AnnotationSet(entities=ann.entities, claims=claims, relations=relations, kb=ann.kb,
                         clusters=[c for c in clusters if c["cluster"] in used], manifest=ann.manifest)


def errata_path(root: Path | None = None) -> Path:
    return paths.annotations_dir(root) / ERRATA_FILE
