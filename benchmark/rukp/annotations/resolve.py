"""Turn a raw annotation pass (surface strings, see ``annotations/raw/README.md``) into offsets, by code.

Entities are placed in text order on word boundaries; claims in order of their start; claimer mentions at the
occurrence nearest the claim. Locating a string is :mod:`rukp.io.align`'s job (one implementation, shared with
text-anchored predictions). Every string that cannot be placed is reported with its document and position in
the pass, so an annotator can fix the pass and run the resolver again.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rukp import paths, schema
from rukp.corpus.build import load_corpus
from rukp.errors import RukpError
from rukp.io import align
from rukp.io.atomic import dumps_json, dumps_jsonl, write_many_atomic
from rukp.io.jsonl import read_json


def find_from(text: str, surface: str, cursor: int, context: str | None = None) -> tuple[int, int] | None:
    """Offsets of the first word-bounded ``surface`` at or after ``cursor`` (inside ``context`` if given)."""
    if not surface:
        return None
    if context:
        ctx = text.find(context, cursor)
        if ctx < 0:
            ctx = text.find(context)
        if ctx < 0:
            return None
        end = ctx + len(context)
        # the context's end counts as a boundary; inside it, an unbounded match is the fallback
        span = align.find_word(text[:end], surface, ctx)
        if span is None and (i := text.find(surface, ctx, end)) >= 0:
            span = (i, i + len(surface))
        return span
    return align.find_word(text, surface, cursor)


def nearest(text: str, surface: str, start: int, end: int) -> tuple[int, int] | None:
    """The word-bounded occurrence of ``surface`` nearest to the range ``start:end`` (ties: the earlier)."""
    best = None
    for s in align.occurrences(text, surface):
        e = s + len(surface)
        dist = s - end if s >= end else start - e if e <= start else 0
        if best is None or (dist, s) < best[0]:
            best = ((dist, s), (s, e))
    return best[1] if best else None


@dataclass
class Resolved:
    """A resolved pass: rows with offsets (annotation-file shape) and the problems found."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    kb: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def resolve_document(doc: dict[str, Any], raw: dict[str, Any], out: Resolved, where: str) -> None:
    """Place one document's raw entities and claims, appending rows and problems to ``out``."""
    text, doc_id = doc["text"], doc["id"]
    cursor = 0
    n = 0
    for i, ent in enumerate(raw.get("entities", [])):
        label = ent.get("label")
        if label not in schema.ENTITY_LABELS:
            out.problems.append(f"{where}: entity #{i} {ent.get('text')!r}: label {label!r} is not one of "
                                f"{', '.join(schema.ENTITY_LABELS)}")
            continue
        span = find_from(text, ent.get("text", ""), cursor, ent.get("context"))
        if span is None:
            within = " within its context" if ent.get("context") else ""
            out.problems.append(f"{where}: entity #{i} {ent.get('text')!r} ({label}) not found at or after "
                                f"offset {cursor} (previous entity end){within}")
            continue
        n += 1
        cursor = span[1]
        key = ent.get("entity")
        out.entities.append({"doc_id": doc_id, "id": f"{doc_id}-E{n:03d}", "start": span[0], "end": span[1],
                             "text": text[span[0]:span[1]], "label": label,
                             "entity_id": key if label in schema.NAMED_LABELS else None})
    cursor = 0
    index_to_id: dict[int, str] = {}
    for i, claim in enumerate(raw.get("claims", [])):
        span = find_from(text, claim.get("text", ""), cursor, claim.get("context"))
        if span is None:
            span = find_from(text, claim.get("text", ""), 0, claim.get("context"))
            if span is None:
                out.problems.append(f"{where}: claim #{i} {claim.get('text', '')[:60]!r} not found in the text")
                continue
            out.problems.append(f"{where}: claim #{i} {claim.get('text', '')[:60]!r} starts before the previous "
                                "claim: list claims in order of their start (or add context)")
        cursor = span[0]
        cid = f"{doc_id}-C{len(index_to_id) + 1:03d}"
        index_to_id[i] = cid
        cstart = cend = None
        if claim.get("claimer_text"):
            mention = nearest(text, claim["claimer_text"], *span)
            if mention is None:
                out.problems.append(f"{where}: claim #{i}: claimer_text {claim['claimer_text']!r} not found")
            else:
                cstart, cend = mention
        out.claims.append({
            "doc_id": doc_id, "id": cid, "start": span[0], "end": span[1], "text": text[span[0]:span[1]],
            "claimer": claim.get("claimer"), "co_claimers": list(claim.get("co_claimers") or []),
            "claimer_start": cstart, "claimer_end": cend, "polarity": claim.get("polarity"),
            "certainty": claim.get("certainty"), "topic": claim.get("topic"), "cluster": claim.get("cluster"),
            "quantity": claim.get("quantity"),
        })
    raw["_index_to_id"] = index_to_id


def resolve_pass(pass_dir: Path, corpus: list[dict[str, Any]] | None = None) -> Resolved:
    """Resolve every document file of a pass folder, plus its ``kb.json`` and ``clusters.json``."""
    if not pass_dir.is_dir():
        raise RukpError("PASS_DIR is not a directory (give a raw pass folder such as annotations/raw/A)",
                        path=pass_dir)
    corpus = corpus if corpus is not None else load_corpus()
    out = Resolved()
    raws: dict[str, dict[str, Any]] = {}
    for doc in corpus:
        path = pass_dir / f"{doc['id']}.json"
        if not path.is_file():
            out.problems.append(f"{path}: missing (every corpus document needs a file)")
            continue
        raw = read_json(path)
        if raw.get("doc_id") != doc["id"]:
            out.problems.append(f"{path}: doc_id {raw.get('doc_id')!r} does not match the file name")
        resolve_document(doc, raw, out, str(path))
        raws[doc["id"]] = raw
    for doc_id, raw in raws.items():
        for j, rel in enumerate(raw.get("relations", [])):
            ends = []
            for side in ("source", "target"):
                ref = str(rel.get(side, ""))
                d, _, idx = ref.partition("#")
                cid = raws.get(d, {}).get("_index_to_id", {}).get(int(idx)) if idx.isdigit() else None
                if cid is None:
                    out.problems.append(f"{pass_dir / (doc_id + '.json')}: relation #{j}: {side} {ref!r} is not a "
                                        "resolved claim (doc#index)")
                ends.append(cid)
            if None not in ends:
                out.relations.append({"id": f"R{len(out.relations) + 1:03d}", "type": rel.get("type"),
                                      "source": ends[0], "target": ends[1]})
    kb_path, cl_path = pass_dir / "kb.json", pass_dir / "clusters.json"
    kb = read_json(kb_path) if kb_path.is_file() else []
    out.kb = [{"entity_id": k.get("entity"), "type": k.get("type"), "name": k.get("name"),
               "aliases": list(k.get("aliases") or []), "wikidata": k.get("wikidata"),
               "description": k.get("description")} for k in kb]
    out.clusters = read_json(cl_path) if cl_path.is_file() else []
    keys = {k["entity_id"] for k in out.kb}
    for e in out.entities:
        if e["entity_id"] is not None and e["entity_id"] not in keys:
            out.problems.append(f"{pass_dir}/{e['doc_id']}.json: entity {e['text']!r}: entity key "
                                f"{e['entity_id']!r} is not in kb.json")
        if e["label"] in schema.NAMED_LABELS and not e["entity_id"]:
            out.problems.append(f"{pass_dir}/{e['doc_id']}.json: entity {e['text']!r} ({e['label']}) "
                                "needs an entity key")
    cluster_keys = {c.get("cluster") for c in out.clusters}
    for c in out.claims:
        where = f"{pass_dir}/{c['doc_id']}.json: claim {c['text'][:40]!r}"
        for k in [c["claimer"], *c["co_claimers"]]:
            if k not in keys and k not in schema.SPECIAL_CLAIMERS:
                out.problems.append(f"{where}: claimer {k!r} is not a kb key, AUTHOR or UNSPECIFIED")
        for fld, allowed in (("polarity", schema.POLARITIES), ("certainty", schema.CERTAINTIES),
                             ("topic", schema.TOPICS)):
            if c[fld] not in allowed:
                out.problems.append(f"{where}: {fld} {c[fld]!r} is not one of {', '.join(allowed)}")
        if c["cluster"] not in cluster_keys:
            out.problems.append(f"{where}: cluster {c['cluster']!r} is not in clusters.json")
    for r in out.relations:
        if r["type"] not in schema.CLAIM_RELATIONS:
            out.problems.append(f"{pass_dir}: relation {r['id']}: type {r['type']!r} is not one of "
                                f"{', '.join(schema.CLAIM_RELATIONS)}")
    return out


def predictions_rows(res: Resolved, corpus: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pass in the harness's predictions format (one row per document), for scoring a pass like a system."""
    rows = []
    for doc in corpus:
        ents = [{k: e[k] for k in ("start", "end", "label", "entity_id")} for e in res.entities
                if e["doc_id"] == doc["id"]]
        claims = [{k: c[k] for k in ("start", "end", "claimer", "co_claimers", "claimer_start", "claimer_end",
                                     "polarity", "certainty", "topic", "cluster", "quantity")}
                  for c in res.claims if c["doc_id"] == doc["id"]]
        rows.append({"doc_id": doc["id"], "entities": ents, "claims": claims})
    return rows


def write_resolved(pass_dir: Path, res: Resolved, corpus: list[dict[str, Any]]) -> None:
    """Write ``resolved.json`` (all rows) and ``predictions.jsonl`` beside the raw files, atomically."""
    write_many_atomic({
        pass_dir / "resolved.json": dumps_json({"entities": res.entities, "claims": res.claims,
                                                "relations": res.relations, "kb": res.kb,
                                                "clusters": res.clusters}),
        pass_dir / "predictions.jsonl": dumps_jsonl(predictions_rows(res, corpus)),
    })


def main(argv: list[str] | None = None) -> int:
    """``rukp annotations resolve PASS_DIR``: resolve, print problems, write when clean."""
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: rukp annotations resolve PASS_DIR (e.g. annotations/raw/A)", file=sys.stderr)
        return 2
    pass_dir = Path(args[0])
    try:
        corpus = load_corpus(paths.repo_root())
        res = resolve_pass(pass_dir, corpus)
    except RukpError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for p in res.problems:
        print(p)
    print(f"{len(res.entities)} entities, {len(res.claims)} claims, {len(res.relations)} relations, "
          f"{len(res.kb)} kb entries, {len(res.clusters)} clusters; {len(res.problems)} problem(s)")
    if res.problems:
        return 1
    write_resolved(pass_dir, res, corpus)
    print(f"wrote {pass_dir / 'resolved.json'} and {pass_dir / 'predictions.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
