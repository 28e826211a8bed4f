"""Second adjudication round: check the gold against two scheme-only passes (C, D) and the round-1 flags.

An item is raised where C and D agree with each other and both disagree with the gold (entity regions, claim
presence, claim attributes), and for every flag the round-1 adjudicator wrote. Each item is decided
(``gold`` keeps the gold, ``CD`` takes the scheme-only reading, ``custom`` gives another) with a reason; the
decisions are applied by code, ids are renumbered in text order and relations follow their claims.

``rukp annotations review items|apply``
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from rukp import paths, schema
from rukp.annotations.adjudicate import _components, _context, _place_claim, _place_entities
from rukp.annotations.problems import run_step
from rukp.annotations.store import AnnotationSet, load_annotations, save_annotations
from rukp.corpus.build import load_corpus
from rukp.errors import RukpError
from rukp.io.atomic import dumps_jsonl, write_text_atomic
from rukp.io.jsonl import read_json, read_jsonl
from rukp.scoring.claims import match, to_positions

REVIEW_PASSES = ("C", "D")
ATTRS = ("polarity", "certainty", "topic")


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("-", " ").split())


def _names(kb: list[dict], key_field: str) -> dict[str, set[str]]:
    return {k[key_field]: {_norm(a) for a in [k.get("name") or "", *(k.get("aliases") or [])] if a} for k in kb}


def _same_referent(gold_key: str, other_key: str, gold_names: dict, other_names: dict) -> bool:
    if gold_key in schema.SPECIAL_CLAIMERS or other_key in schema.SPECIAL_CLAIMERS:
        return gold_key == other_key
    return bool(gold_names.get(gold_key, set()) & other_names.get(other_key, set())) or gold_key == other_key


def review_items(root: Path | None = None) -> list[dict]:
    """Every review item: C and D unanimous against the gold, plus the round-1 flags."""
    root = root or paths.repo_root()
    ann_dir = paths.annotations_dir(root)
    corpus = {d["id"]: d for d in load_corpus(root)}
    gold = load_annotations(ann_dir)
    passes = {p: read_json(ann_dir / "raw" / p / "resolved.json") for p in REVIEW_PASSES}
    gold_names = _names(gold.kb, "entity_id")
    names = {p: _names(passes[p]["kb"], "entity_id") for p in REVIEW_PASSES}
    items: list[dict] = []
    for doc_id, doc in corpus.items():
        text = doc["text"]
        g = [{"text": e["text"], "start": e["start"], "end": e["end"], "label": e["label"], "entity": e["entity_id"]}
             for e in gold.for_doc("entities", doc_id)]
        cd = {p: [{"text": e["text"], "start": e["start"], "end": e["end"], "label": e["label"],
                   "entity": e["entity_id"]} for e in passes[p]["entities"] if e["doc_id"] == doc_id]
              for p in REVIEW_PASSES}
        # components over gold ∪ C; D must agree with C inside the component
        n = 0
        for comp_g, comp_c in _components(g, cd["C"]):
            key = lambda e: (e["start"], e["end"], e["label"])  # noqa: E731
            spans = [e for e in comp_g + comp_c]
            lo, hi = min(e["start"] for e in spans), max(e["end"] for e in spans)
            comp_d = [e for e in cd["D"] if e["start"] < hi and e["end"] > lo]
            if sorted(map(key, comp_c)) != sorted(map(key, comp_d)):
                continue
            if sorted(map(key, comp_g)) == sorted(map(key, comp_c)):
                continue
            n += 1
            items.append({"item": f"V-E-{doc_id}-{n:03d}", "kind": "entity", "doc_id": doc_id, "region": [lo, hi],
                          "context": _context(text, lo, hi), "gold": comp_g,
                          "CD": [{k: e[k] for k in ("text", "start", "end", "label")} for e in comp_c]})
        gc = gold.for_doc("claims", doc_id)
        pc = {p: [c for c in passes[p]["claims"] if c["doc_id"] == doc_id] for p in REVIEW_PASSES}

        def pos(rows: list[dict], text: str = text) -> np.ndarray:
            arr = np.array([[r["start"], r["end"]] for r in rows], dtype=np.int64).reshape(-1, 2)
            return to_positions(arr, text)

        to_gold = {p: {i: j for j, i, _ in match(pos(gc), pos(pc[p]))} for p in REVIEW_PASSES}
        from_gold = {p: {j: i for i, j in to_gold[p].items()} for p in REVIEW_PASSES}
        cd_pairs = match(pos(pc["C"]), pos(pc["D"]))
        n = 0
        for j, c in enumerate(gc):
            if all(j not in from_gold[p] for p in REVIEW_PASSES):
                n += 1
                items.append({"item": f"V-C-{doc_id}-{n:03d}", "kind": "claim", "doc_id": doc_id,
                              "field": "presence", "claim_id": c["id"], "gold": c, "CD": None,
                              "context": _context(text, c["start"], c["end"])})
                continue
            if not all(j in from_gold[p] for p in REVIEW_PASSES):
                continue
            ci, di = (pc[p][from_gold[p][j]] for p in REVIEW_PASSES)
            for field in ATTRS:
                if ci[field] == di[field] != c[field]:
                    n += 1
                    items.append({"item": f"V-C-{doc_id}-{n:03d}", "kind": "claim", "doc_id": doc_id,
                                  "field": field, "claim_id": c["id"], "gold": c[field], "CD": ci[field],
                                  "text": c["text"]})
            same_cd = _same_referent(ci["claimer"], di["claimer"], names["C"], names["D"]) or (
                bool(names["C"].get(ci["claimer"], set()) & names["D"].get(di["claimer"], set())))
            if same_cd and not _same_referent(c["claimer"], ci["claimer"], gold_names, names["C"]):
                n += 1
                items.append({"item": f"V-C-{doc_id}-{n:03d}", "kind": "claim", "doc_id": doc_id,
                              "field": "claimer", "claim_id": c["id"], "gold": c["claimer"],
                              "CD": {"C": ci["claimer"], "D": di["claimer"]}, "text": c["text"]})
        for ic, id_, _ in cd_pairs:
            if ic not in to_gold["C"] and id_ not in to_gold["D"]:
                c = pc["C"][ic]
                n += 1
                items.append({"item": f"V-C-{doc_id}-{n:03d}", "kind": "claim", "doc_id": doc_id,
                              "field": "presence", "claim_id": None, "gold": None,
                              "CD": {p: {k: r[k] for k in ("text", "start", "end", "claimer", "polarity", "certainty",
                                                           "topic", "quantity")}
                                     for p, r in (("C", c), ("D", pc["D"][id_]))},
                              "context": _context(text, c["start"], c["end"])})
    flags_path = ann_dir / "adjudication" / "flags.jsonl"
    for n, flag in enumerate(read_jsonl(flags_path) if flags_path.is_file() else [], 1):
        flag = dict(flag)
        items.append({"item": f"V-F-{n:03d}", "kind": "flag", "flag_kind": flag.pop("kind", None), **flag})
    return items


def apply_review(root: Path | None = None) -> list[str]:
    """Apply ``adjudication/review_decisions.jsonl`` to the gold; returns problems (nothing written then)."""
    root = root or paths.repo_root()
    ann_dir = paths.annotations_dir(root)
    corpus = {d["id"]: d for d in load_corpus(root)}
    gold = load_annotations(ann_dir)
    items = review_items(root)
    dpath = ann_dir / "adjudication" / "review_decisions.jsonl"
    decisions = {d["item"]: d for d in read_jsonl(dpath)} if dpath.is_file() else {}
    problems: list[str] = []
    entities = defaultdict(list, {d: gold.for_doc("entities", d) for d in corpus})
    claims = {c["id"]: dict(c) for c in gold.claims}
    removed: set[str] = set()
    log = []
    kb_ids = {k["entity_id"] for k in gold.kb}
    for item in items:
        d = decisions.get(item["item"])
        if d is None or d.get("choice") not in ("gold", "CD", "custom") or not d.get("reason"):
            problems.append(f"{item['item']}: needs a decision (choice gold, CD or custom, with a reason)")
            continue
        log.append({**item, "round": 2, "decision": d["choice"], "custom": d.get("custom"), "reason": d["reason"]})
        if d["choice"] == "gold":
            continue
        where = f"review decision {item['item']}"
        try:
            _apply_one(item, d, corpus, entities, claims, removed, kb_ids, where)
        except (RukpError, KeyError, TypeError, ValueError) as e:
            problems.append(f"{where}: {e}")
    unknown = sorted(set(decisions) - {i["item"] for i in items})
    problems += [f"{k}: decision for an item that does not exist" for k in unknown]
    if problems:
        return problems
    out = _renumber(gold, corpus, entities, claims, removed)
    from rukp.annotations.validate import validate

    invalid = [str(p) for p in validate(list(corpus.values()), out)]
    if invalid:
        return invalid
    previous = read_jsonl(ann_dir / "adjudication.jsonl") if (ann_dir / "adjudication.jsonl").is_file() else []
    previous = [r for r in previous if r.get("round") != 2]
    save_annotations(out, ann_dir)
    write_text_atomic(ann_dir / "adjudication.jsonl", dumps_jsonl(previous + log))
    return []


def _apply_one(item: dict, d: dict, corpus: dict, entities: dict, claims: dict, removed: set, kb_ids: set,
               where: str) -> None:
    kind = item["kind"]
    if kind == "entity":
        doc_id = item["doc_id"]
        lo, hi = item["region"]
        keep = [e for e in entities[doc_id] if not (e["start"] < hi and e["end"] > lo)]
        if d["choice"] == "CD":
            new = item["CD"]
            for e in new:
                e.setdefault("entity", None)
            for e in new:
                if e["label"] in schema.NAMED_LABELS:
                    e["entity"] = (d.get("entity_ids") or {}).get(e["text"])
                    if e["entity"] not in kb_ids:
                        raise RukpError(f"CD span {e['text']!r} needs a gold kb id in 'entity_ids'")
        else:
            new = _place_entities(corpus[doc_id]["text"], d.get("custom") or [], (lo, hi), where)
        entities[doc_id] = keep + [{"doc_id": doc_id, "start": e["start"], "end": e["end"], "text": e["text"],
                                    "label": e["label"],
                                    "entity_id": e.get("entity") if e["label"] in schema.NAMED_LABELS else None}
                                   for e in new]
        return
    if kind == "claim" and item["field"] == "presence":
        if item["claim_id"]:  # gold-only claim: CD says it is not a claim
            if d["choice"] == "CD":
                removed.add(item["claim_id"])
            else:
                raise RukpError("custom is not allowed on a gold-only claim: choose gold or CD")
            return
        spec = d.get("custom")
        if not spec:
            raise RukpError("adding a claim needs 'custom' with the full claim in raw format (gold kb ids)")
        text = corpus[item["doc_id"]]["text"]
        c = _place_claim(text, spec, (item["CD"]["C"]["start"], item["CD"]["C"]["end"]), where)
        new_id = f"{item['doc_id']}-NEW-{item['item']}"
        claims[new_id] = {"doc_id": item["doc_id"], "id": new_id, **c, "cluster": spec.get("cluster")}
        return
    if kind == "claim":
        claim = claims[item["claim_id"]]
        value = d.get("custom") if d["choice"] == "custom" else item["CD"]
        if item["field"] == "claimer":
            if d["choice"] != "custom":
                raise RukpError("a claimer change needs 'custom': {claimer, claimer_text}")
            claim["claimer"] = value["claimer"]
            if value.get("claimer_text"):
                from rukp.annotations.resolve import nearest

                span = nearest(corpus[claim["doc_id"]]["text"], value["claimer_text"], claim["start"], claim["end"])
                if span is None:
                    raise RukpError(f"claimer_text {value['claimer_text']!r} not found")
                claim["claimer_start"], claim["claimer_end"] = span
            else:
                claim["claimer_start"] = claim["claimer_end"] = None
        else:
            claim[item["field"]] = value
        return
    if kind == "flag":
        if d["choice"] != "custom":
            raise RukpError("a flag is applied with choice custom: {'target': 'claim'|'entity', …}")
        spec = d["custom"]
        if spec.get("target") == "claim":
            claim = claims[spec["claim_id"]]
            for k, v in spec.get("set", {}).items():
                if k in ("start", "end", "claimer_start", "claimer_end", "text"):
                    raise RukpError(f"'{k}' cannot be set by hand: give claimer_text (+ claimer_context)")
                claim[k] = v
            if spec.get("claimer_text"):
                from rukp.annotations.resolve import find_from, nearest

                text = corpus[claim["doc_id"]]["text"]
                if spec.get("claimer_context"):
                    span = find_from(text, spec["claimer_text"], 0, spec["claimer_context"])
                else:
                    span = nearest(text, spec["claimer_text"], claim["start"], claim["end"])
                if span is None:
                    raise RukpError(f"claimer_text {spec['claimer_text']!r} not found")
                claim["claimer_start"], claim["claimer_end"] = span
            if spec.get("remove"):
                removed.add(spec["claim_id"])
        elif spec.get("target") == "entity":
            doc_id = spec["doc_id"]
            lo, hi = spec["region"]
            keep = [e for e in entities[doc_id] if not (e["start"] < hi and e["end"] > lo)]
            new = _place_entities(corpus[doc_id]["text"], spec.get("spans") or [], (lo, hi), where)
            entities[doc_id] = keep + [{"doc_id": doc_id, "start": e["start"], "end": e["end"], "text": e["text"],
                                        "label": e["label"],
                                        "entity_id": e.get("entity") if e["label"] in schema.NAMED_LABELS else None}
                                       for e in new]
        else:
            raise RukpError("custom.target must be 'claim' or 'entity'")


def _renumber(gold: AnnotationSet, corpus: dict, entities: dict, claims: dict, removed: set) -> AnnotationSet:
    """The reviewed gold: entity ids in text order, claims renumbered (relations follow), kb aliases refreshed."""
    from rukp.annotations.errata import renumber

    out = AnnotationSet(kb=[dict(k) for k in gold.kb], clusters=[dict(c) for c in gold.clusters],
                        manifest=dict(gold.manifest), relations=[dict(r) for r in gold.relations],
                        claims=[c for c in claims.values() if c["id"] not in removed])
    out.relations = [r for r in out.relations if r["source"] not in removed and r["target"] not in removed]
    for doc_id in corpus:
        ents = sorted(entities.get(doc_id, []), key=lambda e: (e["start"], e["end"]))
        for n, e in enumerate(ents, 1):
            out.entities.append({"doc_id": doc_id, "id": f"{doc_id}-E{n:03d}", "start": e["start"], "end": e["end"],
                                 "text": e["text"], "label": e["label"], "entity_id": e["entity_id"]})
    out = renumber(out, corpus)
    surface: dict[str, set[str]] = defaultdict(set)
    for e in out.entities:
        if e["entity_id"]:
            surface[e["entity_id"]].add(e["text"])
    out.kb = [{**k, "aliases": sorted(set(k["aliases"]) | surface[k["entity_id"]])} for k in out.kb
              if k["entity_id"] in surface]
    return out


def scheme_pass_predictions(root: Path) -> dict[Path, str]:
    """Passes C and D in predictions format with their keys mapped to gold kb ids by shared surface forms."""
    from rukp.annotations.agreement import alias_map

    ann_dir = paths.annotations_dir(root)
    gold_kb = load_annotations(ann_dir).kb
    corpus = load_corpus(root)
    files = {}
    for p in REVIEW_PASSES:
        res = read_json(ann_dir / "raw" / p / "resolved.json")
        keymap = alias_map(res["kb"], gold_kb)

        def canon(key: str | None, keymap: dict = keymap, p: str = p) -> str | None:
            if key is None or key in schema.SPECIAL_CLAIMERS:
                return key
            return keymap.get(key, f"{p}:{key}")

        rows = [{"doc_id": d["id"],
                 "entities": [{"start": e["start"], "end": e["end"], "label": e["label"],
                               "entity_id": canon(e["entity_id"])} for e in res["entities"] if e["doc_id"] == d["id"]],
                 "claims": [{"start": c["start"], "end": c["end"], "claimer": canon(c["claimer"]),
                             "claimer_start": c["claimer_start"], "claimer_end": c["claimer_end"],
                             "polarity": c["polarity"], "certainty": c["certainty"], "topic": c["topic"],
                             "cluster": f"{p}:{c['cluster']}"} for c in res["claims"] if c["doc_id"] == d["id"]]}
                for d in corpus if (ann_dir / "raw" / p / f"{d['id']}.json").is_file()]  # documents it annotated
        files[ann_dir / "raw" / p / "predictions.jsonl"] = dumps_jsonl(rows)
    return files


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1 or args[0] not in ("items", "apply"):
        print("usage: rukp annotations review items|apply", file=sys.stderr)
        return 2
    root = paths.repo_root()

    def step() -> list[str] | str:
        if args[0] == "apply":
            return apply_review(root) or "review applied: gold rewritten (annotations/*.jsonl, adjudication.jsonl)"
        items = review_items(root)
        path = paths.annotations_dir(root) / "adjudication" / "review_items.jsonl"
        write_text_atomic(path, dumps_jsonl(items))
        kinds: dict[str, int] = defaultdict(int)
        for i in items:
            kinds[f"{i['kind']}:{i.get('field', '')}"] += 1
        return f"wrote {len(items)} review items ({dict(kinds)}) to {path}"

    return run_step(step)


if __name__ == "__main__":
    sys.exit(main())
