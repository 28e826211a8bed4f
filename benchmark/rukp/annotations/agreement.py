"""Inter-annotator agreement of the raw passes before adjudication (A vs B with the guidelines, C vs D with the
scheme only), with the project's scorers.

Entities: strict and exact F1 (A as reference; F1 is symmetric), per type, and linking agreement on strictly
matched mentions after mapping each pass's keys to the gold KB. Claims: detection F1 with the harness's
one-to-one token-Jaccard matching; on matched claims, agreement and Cohen's kappa for claimer, polarity,
certainty and topic; clusters as B³ and pairwise F1 over matched claims; relations as F1 over matched claims.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import cohen_kappa_score

from rukp import paths, schema
from rukp.annotations.adjudicate import PASSES, key_maps, load_pass
from rukp.corpus.build import load_corpus
from rukp.io.atomic import dumps_json, write_text_atomic
from rukp.scoring.claims import match, to_positions
from rukp.scoring.entities import score_documents
from rukp.scoring.spans import Span

AGREEMENT_FILE = "agreement.json"
CLAIM_THRESHOLD = 0.5


def _f1(matched: int, n_a: int, n_b: int) -> float | None:
    return 2 * matched / (n_a + n_b) if n_a + n_b else None


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def b_cubed(a: Sequence[str], b: Sequence[str]) -> dict[str, float | None]:
    """B³ precision/recall/F1 of partition ``b`` against ``a`` (labels per item, same item order)."""
    n = len(a)
    if n == 0:
        return {"precision": None, "recall": None, "f1": None}
    ga, gb = defaultdict(set), defaultdict(set)
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        ga[x].add(i)
        gb[y].add(i)
    p = sum(len(ga[a[i]] & gb[b[i]]) / len(gb[b[i]]) for i in range(n)) / n
    r = sum(len(ga[a[i]] & gb[b[i]]) / len(ga[a[i]]) for i in range(n)) / n
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def pairwise(a: Sequence[str], b: Sequence[str]) -> dict[str, float | None]:
    """Pairwise precision/recall/F1: item pairs put together by ``b`` versus by ``a``."""
    pa = {(i, j) for i, j in combinations(range(len(a)), 2) if a[i] == a[j]}
    pb = {(i, j) for i, j in combinations(range(len(b)), 2) if b[i] == b[j]}
    both = len(pa & pb)
    p = both / len(pb) if pb else None
    r = both / len(pa) if pa else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"precision": p, "recall": r, "f1": f}


def _attr(values_a: list[str], values_b: list[str]) -> dict[str, Any]:
    n = len(values_a)
    agree = sum(x == y for x, y in zip(values_a, values_b, strict=True))
    kappa = None
    if n and len(set(values_a) | set(values_b)) > 1:
        kappa = float(cohen_kappa_score(values_a, values_b))
    return {"n": n, "agree": agree, "agreement": _round(agree / n) if n else None, "kappa": _round(kappa)}


def alias_map(pass_kb: list[dict], gold_kb: list[dict]) -> dict[str, str]:
    """Map a pass's entity keys to gold kb ids by shared surface forms (the gold id sharing the most forms)."""
    def forms(entry: dict) -> set[str]:
        return {" ".join(a.lower().replace("-", " ").split())
                for a in [entry.get("name") or "", *(entry.get("aliases") or [])] if a}

    gold_forms = [(g["entity_id"], forms(g)) for g in gold_kb]
    out = {}
    for entry in pass_kb:
        f = forms(entry)
        best = max(gold_forms, key=lambda g: (len(g[1] & f), g[0]), default=None)
        if best and best[1] & f:
            out[entry["entity_id"]] = best[0]
    return out


def compare_passes(x: dict[str, Any], y: dict[str, Any], corpus: list[dict[str, Any]],
                   maps: dict[str, dict[str, str]] | None, names: tuple[str, str]) -> dict[str, Any]:
    """Agreement of pass ``y`` with pass ``x`` (resolved rows); keys compared after mapping through ``maps``."""
    passes = {names[0]: x, names[1]: y}

    def canon(p: str, key: str | None) -> str | None:
        if key is None or key in schema.SPECIAL_CLAIMERS or maps is None:
            return key
        return maps[p].get(key, f"{p}?{key}")

    triples = []
    for doc in corpus:
        spans = {p: [Span(e["start"], e["end"], e["label"], canon(p, e["entity_id"]))
                     for e in passes[p]["entities"] if e["doc_id"] == doc["id"]] for p in names}
        triples.append((doc["id"], spans[names[0]], spans[names[1]]))
    results = score_documents(triples, labels=schema.ENTITY_LABELS)
    counts = sum(r.counts for r in results)
    linking = sum(r.linking for r in results)
    entities: dict[str, Any] = {
        "mentions": {p: len(passes[p]["entities"]) for p in names},
        "strict_f1": _round(counts.f1("strict")), "exact_f1": _round(counts.f1("exact")),
        "partial_f1": _round(counts.f1("partial")), "ent_type_f1": _round(counts.f1("ent_type")),
        "per_type_strict_f1": {lab: _round(counts.f1("strict", lab)) for lab in schema.ENTITY_LABELS},
        "per_type_mentions": {lab: {p: sum(1 for e in passes[p]["entities"] if e["label"] == lab)
                                    for p in names} for lab in schema.ENTITY_LABELS},
        "per_document_strict_f1": {r.doc_id: _round(r.counts.f1("strict")) for r in results},
        "linking": {"matched_named": linking.matched, "same_entity": linking.correct,
                    "agreement": _round(linking.accuracy), "mapped_to_gold_kb": maps is not None},
    }
    pairs_all: list[tuple[dict, dict]] = []
    n_claims = {p: len(passes[p]["claims"]) for p in names}
    index: dict[str, dict[str, str]] = {p: {} for p in names}
    for doc in corpus:
        cl = {p: [c for c in passes[p]["claims"] if c["doc_id"] == doc["id"]] for p in names}
        pos = {p: to_positions(np.array([[c["start"], c["end"]] for c in cl[p]], dtype=np.int64).reshape(-1, 2),
                               doc["text"]) for p in names}
        for i, j, _ in match(pos[names[0]], pos[names[1]], threshold=CLAIM_THRESHOLD):
            a, b = cl[names[0]][i], cl[names[1]][j]
            pairs_all.append((a, b))
            index[names[0]][a["id"]] = b["id"]
    m = len(pairs_all)
    guidelines = (paths.annotations_dir() / "GUIDELINES.md").read_text(encoding="utf-8")
    claims: dict[str, Any] = {
        "claims": n_claims, "matched": m, "threshold_token_jaccard": CLAIM_THRESHOLD,
        "quoted_in_guidelines": {p: sum(c["text"] in guidelines for c in passes[p]["claims"]) for p in names},
        "detection_f1": _round(_f1(m, *n_claims.values())),
        "exact_span_agreement": _round(sum((a["start"], a["end"]) == (b["start"], b["end"])
                                           for a, b in pairs_all) / m) if m else None,
    }
    claims["claimer"] = _attr([str(canon(names[0], a["claimer"])) for a, _ in pairs_all],
                              [str(canon(names[1], b["claimer"])) for _, b in pairs_all])
    claims["claimer"]["mapped_to_gold_kb"] = maps is not None
    for fld in ("polarity", "certainty", "topic"):
        claims[fld] = _attr([a[fld] for a, _ in pairs_all], [b[fld] for _, b in pairs_all])
    qa = [(a, b) for a, b in pairs_all if a["quantity"] or b["quantity"]]
    claims["quantity"] = {"n": len(qa), "agree": sum(
        bool(a["quantity"]) and bool(b["quantity"]) and a["quantity"].get("value") == b["quantity"].get("value")
        for a, b in qa)}
    ca = [a["cluster"] for a, _ in pairs_all]
    cb = [b["cluster"] for _, b in pairs_all]
    claims["clusters"] = {"b_cubed": {k: _round(v) for k, v in b_cubed(ca, cb).items()},
                          "pairwise": {k: _round(v) for k, v in pairwise(ca, cb).items()},
                          "over": "matched claims"}
    rel = {p: {(r["source"], r["target"], r["type"]) for r in passes[p]["relations"]} for p in names}
    rel_x = {(index[names[0]].get(s), index[names[0]].get(t), ty) for s, t, ty in rel[names[0]]}
    both = len({r for r in rel_x if None not in r} & rel[names[1]])
    claims["relations"] = {p: len(rel[p]) for p in names} | {
        "matched": both, "f1": _round(_f1(both, len(rel[names[0]]), len(rel[names[1]])))}
    return {"passes": list(names), "entities": entities, "claims": claims}


def compute_agreement(root: Path | None = None) -> dict[str, Any]:
    """Agreement of the guideline passes (A, B) and, when present, of the scheme-only passes (C, D)."""
    root = root or paths.repo_root()
    ann_dir = paths.annotations_dir(root)
    raw_dir = ann_dir / "raw"
    corpus = load_corpus(root)
    passes = {p: load_pass(raw_dir, p) for p in PASSES}
    maps = key_maps(raw_dir / "gold") if (raw_dir / "gold" / "kb.json").is_file() else None
    out: dict[str, Any] = {
        "documents": len(corpus),
        "note": "Agreement of independent passes before adjudication (first pass as reference; F1 is symmetric). "
                "Computed by `rukp agreement` from annotations/raw/.",
        "guidelines": {"description": "passes A and B, both given annotations/GUIDELINES.md v1 and the scheme",
                       **compare_passes(passes["A"], passes["B"], corpus, maps, PASSES)},
    }
    scheme_only = [p for p in ("C", "D") if (raw_dir / p / "resolved.json").is_file()]
    if len(scheme_only) == 2:
        from rukp.annotations.store import load_annotations

        gold_kb = load_annotations(ann_dir).kb
        cd = {p: load_pass(raw_dir, p) for p in scheme_only}
        cd_maps = {p: alias_map(cd[p]["kb"], gold_kb) for p in scheme_only} if gold_kb else None
        out["scheme_only"] = {
            "description": "passes C and D, given only the annotation scheme (no project guidelines); entity keys "
                           "mapped to the gold KB by shared surface forms",
            **compare_passes(cd["C"], cd["D"], corpus, cd_maps, ("C", "D"))}
    return out


def write_agreement(root: Path | None = None, *, check: bool = False) -> tuple[dict[str, Any], bool]:
    """Compute and write ``annotations/agreement.json``; with ``check`` only report whether it is stale."""
    root = root or paths.repo_root()
    path = paths.annotations_dir(root) / AGREEMENT_FILE
    figures = compute_agreement(root)
    text = dumps_json(figures)
    stale = not path.is_file() or path.read_text(encoding="utf-8") != text
    if stale and not check:
        write_text_atomic(path, text)
    return figures, stale
