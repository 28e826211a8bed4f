"""Adjudication of two independent passes (A, B) into the gold, every decision recorded with its reason.

Steps (``rukp annotations adjudicate STEP``):
1. ``keys``  — list both passes' canonical entities and the key pairs that co-occur on identical spans, so the
   adjudicator can write the gold KB (``raw/gold/kb.json``, each entry with ``from_A`` / ``from_B`` keys).
2. ``items`` — align the passes (entities: components of overlapping spans; claims: optimal one-to-one
   matching on token Jaccard ≥ 0.5) and write every disagreement to ``adjudication/items.jsonl``.
3. the adjudicator writes one decision per item to ``adjudication/decisions.jsonl``:
   ``{"item", "choice": "A"|"B"|"none"|"custom", "custom": …, "reason"}``.
4. ``build`` — apply the decisions (agreements pass through unchanged), then, once ``raw/gold/clusters.json``
   and ``raw/gold/relations.json`` refer to the gold claim ids it lists, write ``annotations/*.jsonl``,
   ``annotations/adjudication.jsonl`` and the manifest. Offsets always come from code.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from rukp import paths, schema
from rukp.annotations.problems import run_step
from rukp.annotations.resolve import find_from, nearest
from rukp.annotations.store import AnnotationSet, save_annotations
from rukp.corpus.build import load_corpus
from rukp.errors import RukpError
from rukp.io.atomic import dumps_json, dumps_jsonl, write_many_atomic, write_text_atomic
from rukp.io.jsonl import read_json, read_jsonl
from rukp.scoring.claims import match, to_positions

PASSES = ("A", "B")
CLAIM_FIELDS = ("claimer", "co_claimers", "polarity", "certainty", "topic", "quantity")


def _dirs(root: Path) -> tuple[Path, Path, Path]:
    ann = paths.annotations_dir(root)
    return ann / "raw", ann / "adjudication", ann / "raw" / "gold"


def load_pass(raw_dir: Path, name: str) -> dict[str, Any]:
    """A resolved pass (``resolved.json`` written by the resolver)."""
    path = raw_dir / name / "resolved.json"
    if not path.is_file():
        raise RukpError(f"pass not resolved yet (run `rukp annotations resolve {raw_dir / name}`)", path=path)
    return read_json(path)


def key_maps(gold_dir: Path) -> dict[str, dict[str, str]]:
    """Annotator key → gold kb id, per pass, from ``raw/gold/kb.json`` (``from_A`` / ``from_B`` lists)."""
    kb = read_json(gold_dir / "kb.json")
    maps: dict[str, dict[str, str]] = {p: {} for p in PASSES}
    for entry in kb:
        for p in PASSES:
            for key in entry.get(f"from_{p}", []):
                if key in maps[p] and maps[p][key] != entry["entity"]:
                    raise RukpError(f"{p} key {key!r} is mapped to two gold entities", path=gold_dir / "kb.json")
                maps[p][key] = entry["entity"]
    return maps


def _canon(key: str | None, m: dict[str, str]) -> str | None:
    if key is None or key in schema.SPECIAL_CLAIMERS:
        return key
    return m.get(key, f"?{key}")


def _components(a: list[dict], b: list[dict]) -> list[tuple[list[dict], list[dict]]]:
    items = sorted([(e["start"], e["end"], 0, i) for i, e in enumerate(a)]
                   + [(e["start"], e["end"], 1, i) for i, e in enumerate(b)])
    out: list[tuple[list[dict], list[dict]]] = []
    cur: tuple[list[dict], list[dict]] = ([], [])
    reach = None
    for s, e, kind, i in items:
        if reach is not None and s >= reach:
            out.append(cur)
            cur, reach = ([], []), None
        cur[kind].append((a if kind == 0 else b)[i])
        reach = e if reach is None else max(reach, e)
    if cur[0] or cur[1]:
        out.append(cur)
    return out


def _ent_view(e: dict, m: dict[str, str]) -> dict:
    return {"text": e["text"], "start": e["start"], "end": e["end"], "label": e["label"],
            "entity": _canon(e["entity_id"], m)}


def _claim_view(c: dict, m: dict[str, str]) -> dict:
    return {"text": c["text"], "start": c["start"], "end": c["end"], "claimer": _canon(c["claimer"], m),
            "co_claimers": sorted(_canon(k, m) for k in c["co_claimers"]),
            "claimer_start": c["claimer_start"], "claimer_end": c["claimer_end"],
            "polarity": c["polarity"], "certainty": c["certainty"], "topic": c["topic"],
            "quantity": c["quantity"], "cluster": c["cluster"]}


def _context(text: str, start: int, end: int, pad: int = 60) -> str:
    return text[max(0, start - pad):start] + "[[" + text[start:end] + "]]" + text[end:end + pad]


def align(root: Path | None = None) -> tuple[list[dict], dict[str, Any]]:
    """Every disagreement item, and the agreed rows per document (entities and claims in gold-key form)."""
    root = root or paths.repo_root()
    raw_dir, _, gold_dir = _dirs(root)
    corpus = {d["id"]: d for d in load_corpus(root)}
    passes = {p: load_pass(raw_dir, p) for p in PASSES}
    maps = key_maps(gold_dir)
    items: list[dict] = []
    agreed: dict[str, Any] = {"entities": defaultdict(list), "claims": defaultdict(list), "pairs": []}
    for doc_id, doc in corpus.items():
        text = doc["text"]
        ea = [_ent_view(e, maps["A"]) for e in passes["A"]["entities"] if e["doc_id"] == doc_id]
        eb = [_ent_view(e, maps["B"]) for e in passes["B"]["entities"] if e["doc_id"] == doc_id]
        n = 0
        for ca, cb in _components(ea, eb):
            key = lambda e: (e["start"], e["end"], e["label"], e["entity"])  # noqa: E731
            if sorted(map(key, ca)) == sorted(map(key, cb)):
                agreed["entities"][doc_id] += ca
                continue
            n += 1
            lo = min(e["start"] for e in ca + cb)
            hi = max(e["end"] for e in ca + cb)
            items.append({"item": f"E-{doc_id}-{n:03d}", "kind": "entity", "doc_id": doc_id,
                          "region": [lo, hi], "context": _context(text, lo, hi), "A": ca, "B": cb})
        raw_a = [c for c in passes["A"]["claims"] if c["doc_id"] == doc_id]
        raw_b = [c for c in passes["B"]["claims"] if c["doc_id"] == doc_id]
        cla = [{**_claim_view(c, maps["A"]), "doc_id": doc_id, "pass_id": c["id"]} for c in raw_a]
        clb = [{**_claim_view(c, maps["B"]), "doc_id": doc_id, "pass_id": c["id"]} for c in raw_b]
        pa = to_positions(np.array([[c["start"], c["end"]] for c in cla], dtype=np.int64).reshape(-1, 2), text)
        pb = to_positions(np.array([[c["start"], c["end"]] for c in clb], dtype=np.int64).reshape(-1, 2), text)
        pairs = match(pa, pb, threshold=0.5)
        matched_a = {i for i, _, _ in pairs}
        matched_b = {j for _, j, _ in pairs}
        n = 0
        rows = [(cla[i], clb[j]) for i, j, _ in pairs]
        agreed["pairs"] += rows
        rows += [(cla[i], None) for i in range(len(cla)) if i not in matched_a]
        rows += [(None, clb[j]) for j in range(len(clb)) if j not in matched_b]
        rows.sort(key=lambda r: min(c["start"] for c in r if c))
        for a, b in rows:
            if a and b:
                differs = [f for f in ("span", *CLAIM_FIELDS)  # noqa: SIM118
                           if (f == "span" and (a["start"], a["end"]) != (b["start"], b["end"]))
                           or (f != "span" and a[f] != b[f])]
                if not differs:
                    agreed["claims"][doc_id].append({"A": a, "B": b})
                    continue
            else:
                differs = ["presence"]
            n += 1
            lo = min(c["start"] for c in (a, b) if c)
            hi = max(c["end"] for c in (a, b) if c)
            items.append({"item": f"C-{doc_id}-{n:03d}", "kind": "claim", "doc_id": doc_id, "region": [lo, hi],
                          "differs": differs, "context": _context(text, lo, hi), "A": a, "B": b})
    items += _structure_items(agreed["pairs"], passes)
    return items, agreed


def claim_ref(c: dict) -> dict:
    """How an item names a claim: enough to find the gold claim built from either pass's reading."""
    return {"doc_id": c["doc_id"], "start": c["start"], "end": c["end"], "claimer": c["claimer"],
            "polarity": c["polarity"], "text": c["text"]}


def _ref_key(ref: dict) -> tuple:
    return (ref["doc_id"], ref["start"], ref["end"], ref["claimer"], ref["polarity"])


def _structure_items(pairs: list[tuple[dict, dict]], passes: dict[str, Any]) -> list[dict]:
    """Cluster and relation disagreements over claims that both passes have (matched pairs)."""
    items: list[dict] = []
    n = 0
    for i in range(len(pairs)):
        for j in range(i + 1, len(pairs)):
            together = {p: pairs[i][k]["cluster"] == pairs[j][k]["cluster"] for k, p in enumerate(PASSES)}
            if together["A"] != together["B"]:
                n += 1
                items.append({"item": f"K-{n:03d}", "kind": "cluster", "claims": [claim_ref(pairs[i][0]),
                                                                                  claim_ref(pairs[j][0])],
                              "A": together["A"], "B": together["B"],
                              "clusters": {p: [pairs[i][k]["cluster"], pairs[j][k]["cluster"]]
                                           for k, p in enumerate(PASSES)}})
    to_ref = {}
    for a, b in pairs:
        to_ref[("A", a["pass_id"])] = to_ref[("B", b["pass_id"])] = _ref_key(claim_ref(a))
    refs = {_ref_key(claim_ref(a)): claim_ref(a) for a, _ in pairs}
    rels: dict[str, set] = {}
    for p in PASSES:
        rels[p] = {(r["type"], to_ref.get((p, r["source"])), to_ref.get((p, r["target"])))
                   for r in passes[p]["relations"]}
    n = 0
    for rel in sorted((rels["A"] ^ rels["B"]), key=str):
        if None in rel:
            continue  # a relation on a claim only one pass has: decided with that claim's item
        n += 1
        items.append({"item": f"R-{n:03d}", "kind": "relation", "type": rel[0], "source": refs[rel[1]],
                      "target": refs[rel[2]], "A": rel in rels["A"], "B": rel in rels["B"]})
    return items


def _agreed_structure(pairs: list[tuple[dict, dict]], passes: dict[str, Any]) -> tuple[list, list]:
    """Claim pairs both passes cluster together, and relations both passes annotate (as claim-ref keys)."""
    together = []
    for i in range(len(pairs)):
        for j in range(i + 1, len(pairs)):
            if all(pairs[i][k]["cluster"] == pairs[j][k]["cluster"] for k in range(2)):
                together.append((_ref_key(claim_ref(pairs[i][0])), _ref_key(claim_ref(pairs[j][0]))))
    to_ref = {}
    for a, b in pairs:
        to_ref[("A", a["pass_id"])] = to_ref[("B", b["pass_id"])] = _ref_key(claim_ref(a))
    rels = [{(r["type"], to_ref.get((p, r["source"])), to_ref.get((p, r["target"])))
             for r in passes[p]["relations"]} for p in PASSES]
    return together, sorted(x for x in rels[0] & rels[1] if None not in x)


def keys_report(root: Path | None = None) -> dict[str, Any]:
    """Both passes' KBs and the (A key, B key) pairs seen on identical spans, for writing the gold KB."""
    root = root or paths.repo_root()
    raw_dir, _, _ = _dirs(root)
    passes = {p: load_pass(raw_dir, p) for p in PASSES}
    spans = {p: {(e["doc_id"], e["start"], e["end"]): e["entity_id"] for e in passes[p]["entities"]
                 if e["entity_id"]} for p in PASSES}
    pairs = Counter((spans["A"][k], spans["B"][k]) for k in spans["A"].keys() & spans["B"].keys())
    return {"kb_A": passes["A"]["kb"], "kb_B": passes["B"]["kb"],
            "pairs": [{"A": a, "B": b, "count": c} for (a, b), c in sorted(pairs.items())]}


def _place_entities(text: str, specs: list[dict], region: tuple[int, int], where: str) -> list[dict]:
    out, cursor = [], region[0]
    for spec in specs:
        span = find_from(text, spec["text"], cursor, spec.get("context"))
        if span is None or span[1] > max(region[1], cursor + len(spec["text"]) + 200):
            raise RukpError(f"{where}: custom entity {spec['text']!r} not found in the item's region")
        cursor = span[1]
        out.append({"text": text[span[0]:span[1]], "start": span[0], "end": span[1], "label": spec["label"],
                    "entity": spec.get("entity")})
    return out


def _place_claim(text: str, spec: dict, region: tuple[int, int], where: str) -> dict:
    span = find_from(text, spec["text"], max(0, region[0] - 300), spec.get("context"))
    if span is None:
        raise RukpError(f"{where}: custom claim {spec['text'][:50]!r} not found near the item's region")
    cs = ce = None
    if spec.get("claimer_text"):
        mention = nearest(text, spec["claimer_text"], *span)
        if mention is None:
            raise RukpError(f"{where}: claimer_text {spec['claimer_text']!r} not found")
        cs, ce = mention
    return {"text": text[span[0]:span[1]], "start": span[0], "end": span[1], "claimer": spec["claimer"],
            "co_claimers": sorted(spec.get("co_claimers") or []), "claimer_start": cs, "claimer_end": ce,
            "polarity": spec["polarity"], "certainty": spec["certainty"], "topic": spec["topic"],
            "quantity": spec.get("quantity"), "cluster": None}


def build(root: Path | None = None) -> list[str]:
    """Apply decisions; write gold files when clusters and relations are complete. Returns open problems."""
    root = root or paths.repo_root()
    raw_dir, adj_dir, gold_dir = _dirs(root)
    corpus = {d["id"]: d for d in load_corpus(root)}
    items, agreed = align(root)
    decisions_path = adj_dir / "decisions.jsonl"
    decisions = {d["item"]: d for d in read_jsonl(decisions_path)} if decisions_path.is_file() else {}
    problems: list[str] = []
    ents: dict[str, list[dict]] = {k: list(v) for k, v in agreed["entities"].items()}
    claims: dict[str, list[dict]] = defaultdict(list)
    for doc_id, pairs in agreed["claims"].items():
        for pair in pairs:
            claims[doc_id].append({**pair["A"], "_from": {"A": pair["A"]["cluster"], "B": pair["B"]["cluster"]}})
    log = []
    for item in items:
        d = decisions.get(item["item"])
        where = f"decision {item['item']}"
        if d is None:
            problems.append(f"{item['item']}: no decision in {decisions_path.name}")
            continue
        choice = d.get("choice")
        if choice not in ("A", "B", "none", "custom") or not d.get("reason"):
            problems.append(f"{where}: choice must be A, B, none or custom, with a reason")
            continue
        if item["kind"] in ("cluster", "relation"):
            if choice not in ("A", "B"):
                problems.append(f"{where}: a {item['kind']} item takes choice A or B (whose reading is right)")
                continue
            log.append({**item, "decision": choice, "reason": d["reason"]})
            continue
        text = corpus[item["doc_id"]]["text"]
        try:
            if item["kind"] == "entity":
                chosen = {"A": item["A"], "B": item["B"], "none": []}.get(choice)
                if choice == "custom":
                    chosen = _place_entities(text, d.get("custom") or [], tuple(item["region"]), where)
                ents.setdefault(item["doc_id"], []).extend(chosen)
            else:
                if choice in ("A", "B"):
                    c = item[choice]
                    if c is None:
                        raise RukpError(f"{where}: pass {choice} has no claim here; use none or custom")
                    other = item["B" if choice == "A" else "A"]
                    src = {choice: c["cluster"]}
                    if other:
                        src["B" if choice == "A" else "A"] = other["cluster"]
                    claims[item["doc_id"]].append({**c, "_from": src})
                elif choice == "custom":
                    c = _place_claim(text, d.get("custom") or {}, tuple(item["region"]), where)
                    src = {p: item[p]["cluster"] for p in PASSES if item[p]}
                    claims[item["doc_id"]].append({**c, "_from": src})
        except (RukpError, KeyError, TypeError) as e:
            problems.append(f"{where}: {e}")
            continue
        log.append({**item, "decision": choice, "custom": d.get("custom"), "reason": d["reason"]})
    unknown = sorted(set(decisions) - {i["item"] for i in items})
    problems += [f"{k}: decision for an item that does not exist (stale?)" for k in unknown]

    # gold ids in text order
    kb = read_json(gold_dir / "kb.json")
    kb_ids = {k["entity"] for k in kb}
    out = AnnotationSet()
    listing = []
    for doc_id in corpus:
        for n, e in enumerate(sorted(ents.get(doc_id, []), key=lambda e: (e["start"], e["end"])), 1):
            eid = e["entity"] if e["label"] in schema.NAMED_LABELS else None
            if e["label"] in schema.NAMED_LABELS and eid not in kb_ids:
                problems.append(f"doc {doc_id}: entity {e['text']!r} links to {eid!r}, not in raw/gold/kb.json")
            out.entities.append({"doc_id": doc_id, "id": f"{doc_id}-E{n:03d}", "start": e["start"], "end": e["end"],
                                 "text": e["text"], "label": e["label"], "entity_id": eid})
        for n, c in enumerate(sorted(claims.get(doc_id, []), key=lambda c: (c["start"], c["end"])), 1):
            cid = f"{doc_id}-C{n:03d}"
            row = {"doc_id": doc_id, "id": cid, **{k: c[k] for k in ("start", "end", "text", "claimer", "co_claimers",
                                                                     "claimer_start", "claimer_end", "polarity",
                                                                     "certainty", "topic")},
                   "cluster": None, "quantity": c["quantity"]}
            for k in [row["claimer"], *row["co_claimers"]]:
                if k not in kb_ids and k not in schema.SPECIAL_CLAIMERS:
                    problems.append(f"claim {cid}: claimer {k!r} is not a gold kb id")
            out.claims.append(row)
            listing.append({"id": cid, "text": c["text"], "claimer": c["claimer"], "topic": c["topic"],
                            "clusters_from": c["_from"]})
    write_text_atomic(adj_dir / "gold_claims.jsonl", dumps_jsonl(listing))

    claim_ids = {c["id"] for c in out.claims}
    clusters_path, relations_path = gold_dir / "clusters.json", gold_dir / "relations.json"
    if not clusters_path.is_file() or not relations_path.is_file():
        problems.append("raw/gold/clusters.json and raw/gold/relations.json are needed (use gold claim ids from "
                        "adjudication/gold_claims.jsonl)")
    else:
        assigned: dict[str, str] = {}
        for cl in read_json(clusters_path):
            for cid in cl.get("claims", []):
                if cid not in claim_ids:
                    problems.append(f"clusters.json: cluster {cl['cluster']!r}: unknown claim {cid!r}")
                elif cid in assigned:
                    problems.append(f"clusters.json: claim {cid} is in {assigned[cid]!r} and {cl['cluster']!r}")
                assigned[cid] = cl["cluster"]
            out.clusters.append({"cluster": cl["cluster"], "proposition": cl["proposition"]})
        for c in out.claims:
            c["cluster"] = assigned.get(c["id"])
            if c["cluster"] is None:
                problems.append(f"clusters.json: claim {c['id']} is in no cluster")
        for n, r in enumerate(read_json(relations_path), 1):
            if r.get("source") not in claim_ids or r.get("target") not in claim_ids:
                problems.append(f"relations.json: relation #{n}: unknown claim id")
            out.relations.append({"id": f"R{n:03d}", "type": r.get("type"), "source": r.get("source"),
                                  "target": r.get("target")})
        problems += _check_structure(out, items, decisions, agreed, root)
    surface: dict[str, set[str]] = defaultdict(set)
    for e in out.entities:
        if e["entity_id"]:
            surface[e["entity_id"]].add(e["text"])
    for k in kb:
        if k["entity"] not in surface:
            continue  # unused gold kb entries are left out (the validator forbids them)
        aliases = sorted(set(k.get("aliases") or []) | surface[k["entity"]])
        out.kb.append({"entity_id": k["entity"], "type": k["type"], "name": k["name"], "aliases": aliases,
                       "wikidata": k.get("wikidata"), "description": k.get("description")})
    from rukp.annotations.provenance import original_provenance
    from rukp.corpus.build import text_sha256

    out.manifest = {"scheme": schema.SCHEME_VERSION, "guidelines": "v1",
                    "documents": {d: {"text_sha256": text_sha256(corpus[d]["text"])} for d in corpus}}
    for d, entry in out.manifest["documents"].items():
        if all((raw_dir / name / f"{d}.json").is_file() for name in ("A", "B")):  # annotated by the passes
            entry["provenance"] = original_provenance()
    if problems:
        return problems
    from rukp.annotations.validate import validate

    invalid = validate(list(corpus.values()), out)
    if invalid:
        return [str(p) for p in invalid]
    save_annotations(out, paths.annotations_dir(root))
    write_text_atomic(paths.annotations_dir(root) / "adjudication.jsonl", dumps_jsonl(log))
    _write_mapped_predictions(root, raw_dir, gold_dir, corpus)
    return []


def _check_structure(out: AnnotationSet, items: list[dict], decisions: dict, agreed: dict,
                     root: Path) -> list[str]:
    """Gold clusters and relations must follow every decision and every unanimous reading of the passes."""
    gold_id = {(c["doc_id"], c["start"], c["end"], c["claimer"], c["polarity"]): c["id"] for c in out.claims}
    cluster_of = {c["id"]: c["cluster"] for c in out.claims}
    relations = {(r["type"], r["source"], r["target"]) for r in out.relations}
    problems = []

    def gid(ref: tuple) -> str | None:
        return gold_id.get(ref)

    for item in items:
        d = decisions.get(item["item"])
        if item["kind"] not in ("cluster", "relation") or d is None or d.get("choice") not in ("A", "B"):
            continue
        want = item[d["choice"]]
        if item["kind"] == "cluster":
            a, b = (gid(_ref_key(r)) for r in item["claims"])
            if a is None or b is None:
                continue  # a claim that was changed by a claim decision: nothing to check
            if (cluster_of.get(a) == cluster_of.get(b)) != want:
                problems.append(f"{item['item']}: decision {d['choice']} says claims {a} and {b} are "
                                f"{'together' if want else 'apart'}, clusters.json disagrees")
        else:
            s, t = gid(_ref_key(item["source"])), gid(_ref_key(item["target"]))
            if s is None or t is None:
                continue
            if ((item["type"], s, t) in relations) != want:
                problems.append(f"{item['item']}: decision {d['choice']} says {item['type']} {s} → {t} is "
                                f"{'present' if want else 'absent'}, relations.json disagrees")
    passes = {p: load_pass(paths.annotations_dir(root) / "raw", p) for p in PASSES}
    together, rels = _agreed_structure(agreed["pairs"], passes)
    for x, y in together:
        a, b = gid(x), gid(y)
        if a and b and cluster_of.get(a) != cluster_of.get(b):
            problems.append(f"both passes cluster {a} with {b}: clusters.json separates them")
    for ty, x, y in rels:
        s, t = gid(x), gid(y)
        if s and t and (ty, s, t) not in relations:
            problems.append(f"both passes have {ty} {s} → {t}: missing from relations.json")
    return problems


def _write_mapped_predictions(root: Path, raw_dir: Path, gold_dir: Path, corpus: dict) -> None:
    """Each pass as predictions with gold kb ids (for the human-agreement row of the leaderboard)."""
    maps = key_maps(gold_dir)
    files = {}
    for p in PASSES:
        res = load_pass(raw_dir, p)
        rows = []
        for doc_id in [d for d in corpus if (raw_dir / p / f"{d}.json").is_file()]:  # documents it annotated
            rows.append({"doc_id": doc_id,
                         "entities": [{"start": e["start"], "end": e["end"], "label": e["label"],
                                       "entity_id": _canon(e["entity_id"], maps[p])}
                                      for e in res["entities"] if e["doc_id"] == doc_id],
                         "claims": [{"start": c["start"], "end": c["end"], "claimer": _canon(c["claimer"], maps[p]),
                                     "claimer_start": c["claimer_start"], "claimer_end": c["claimer_end"],
                                     "polarity": c["polarity"], "certainty": c["certainty"], "topic": c["topic"],
                                     "cluster": f"{p}:{c['cluster']}"}
                                    for c in res["claims"] if c["doc_id"] == doc_id]})
        files[raw_dir / p / "predictions.jsonl"] = dumps_jsonl(rows)
    write_many_atomic(files)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1 or args[0] not in ("keys", "items", "build"):
        print("usage: rukp annotations adjudicate keys|items|build", file=sys.stderr)
        return 2
    root = paths.repo_root()
    _, adj_dir, _ = _dirs(root)

    def step() -> list[str] | str:
        if args[0] == "keys":
            write_text_atomic(adj_dir / "keys.json", dumps_json(keys_report(root)))
            return f"wrote {adj_dir / 'keys.json'}"
        if args[0] == "items":
            items, _ = align(root)
            write_text_atomic(adj_dir / "items.jsonl", dumps_jsonl(items))
            return f"wrote {len(items)} items ({dict(Counter(i['kind'] for i in items))}) to {adj_dir / 'items.jsonl'}"
        return build(root) or "gold written to annotations/ (entities, claims, relations, kb, clusters, manifest)"

    return run_step(step)


if __name__ == "__main__":
    sys.exit(main())
