"""Random golds and predictions (several documents, same-span and nested claims, partial coverage) and an
independent, straightforward bootstrap of every figure, for the tests of order invariance and of the
resampling rule (``docs/scoring.md``, *Uncertainty*)."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from rukp.scoring.claims import ATTRIBUTE_LAYOUT, ATTRIBUTES, FIELD_INDEX

LABELS = ("PER", "GPE", "NORP", "ORG")
CLAIMERS = ("q-a", "q-b", "AUTHOR")
TEXT_LENGTH = 120
SCHEMES = ("strict", "exact", "partial", "ent_type")


# ------------------------------------------------------------------------------------------------ inputs

def _flat_spans(rnd: random.Random, n: int) -> list[tuple[int, int]]:
    """Up to ``n`` non-overlapping spans inside the text, sorted."""
    out: list[tuple[int, int]] = []
    for _ in range(n):
        s = rnd.randrange(0, TEXT_LENGTH - 8)
        e = s + rnd.randint(1, 8)
        if all(e <= a or s >= b for a, b in out):
            out.append((s, e))
    return sorted(out)


def _gold_claims(rnd: random.Random) -> list[dict[str, Any]]:
    claims: list[dict[str, Any]] = []
    for _ in range(rnd.randint(0, 6)):
        if claims and rnd.random() < 0.35:        # same span as an earlier claim (two sources, or a denial)
            twin = claims[rnd.randrange(len(claims))]
            s, e = twin["start"], twin["end"]
        elif claims and rnd.random() < 0.3:       # nested inside an earlier claim
            outer = claims[rnd.randrange(len(claims))]
            s = rnd.randint(outer["start"], outer["end"] - 1)
            e = rnd.randint(s + 1, outer["end"])
        else:
            s = rnd.randrange(0, TEXT_LENGTH - 20)
            e = s + rnd.randint(3, 20)
        c = {"start": s, "end": e, "claimer": rnd.choice(CLAIMERS), "polarity": rnd.choice(ATTRIBUTES["polarity"]),
             "cluster": rnd.choice(("c-1", "c-2", "c-3"))}
        if rnd.random() < 0.8:
            c["certainty"] = rnd.choice(ATTRIBUTES["certainty"][:3])
        if rnd.random() < 0.8:
            c["topic"] = rnd.choice(ATTRIBUTES["topic"][:4])
        claims.append(c)
    return claims


def random_gold(rnd: random.Random, n_docs: int) -> list[dict[str, Any]]:
    """Gold lines without text (claims in characters), with sentences; ids not in sorted order."""
    ids = [f"d{rnd.randrange(100)}-{k}" for k in range(n_docs)]
    lines = []
    for doc_id in ids:
        cuts = sorted(rnd.sample(range(10, TEXT_LENGTH - 10), 2))
        bounds = [0, *cuts, TEXT_LENGTH]
        ents = [{"start": s, "end": e, "label": rnd.choice(LABELS), **({"entity_id": rnd.choice(("q-a", "q-b"))}
                                                                      if rnd.random() < 0.6 else {})}
                for s, e in _flat_spans(rnd, rnd.randint(0, 8))]
        sentences = [{"start": a, "end": b} for a, b in zip(bounds, bounds[1:], strict=False)]
        lines.append({"id": doc_id, "sentences": sentences, "entities": ents, "claims": _gold_claims(rnd)})
    return lines


def _changed(rnd: random.Random, value: Any, choices: tuple) -> Any:
    return rnd.choice(choices) if rnd.random() < 0.3 else value


def random_predictions(rnd: random.Random, gold: list[dict[str, Any]], *, perfect: bool = False,
                       coverage: float = 0.8) -> list[dict[str, Any]]:
    """Prediction lines: perturbed copies of the gold plus spurious items; some documents left out."""
    rows = []
    for g in gold:
        if perfect:
            rows.append({"doc_id": g["id"], "entities": [dict(e) for e in g["entities"]],
                         "claims": [dict(c) for c in g["claims"]]})
            continue
        if rnd.random() > coverage:
            continue
        ents: list[dict[str, Any]] = []
        for e in g["entities"]:
            if rnd.random() < 0.15:
                continue
            s, t = e["start"] + rnd.choice((0, 0, 0, -1, 1)), e["end"] + rnd.choice((0, 0, 0, 1))
            s, t = max(0, min(s, t - 1)), max(t, s + 1)
            item = {"start": s, "end": t, "label": _changed(rnd, e["label"], LABELS)}
            if rnd.random() < 0.7:
                item["entity_id"] = _changed(rnd, e.get("entity_id", "q-a"), ("q-a", "q-b"))
            ents.append(item)
        ents += [{"start": s, "end": t, "label": rnd.choice(LABELS)} for s, t in _flat_spans(rnd, 2)]
        flat: list[dict[str, Any]] = []
        for item in sorted(ents, key=lambda x: (x["start"], x["end"], x["label"])):
            if all(item["end"] <= f["start"] or item["start"] >= f["end"] for f in flat):
                flat.append(item)
        claims = []
        for c in g["claims"]:
            if rnd.random() < 0.15:
                continue
            s, t = c["start"] + rnd.choice((0, 0, -2, 2)), c["end"] + rnd.choice((0, 0, 1))
            s, t = max(0, min(s, t - 1)), max(t, s + 1)
            item = {"start": s, "end": t, "claimer": _changed(rnd, c["claimer"], CLAIMERS),
                    "polarity": _changed(rnd, c["polarity"], ATTRIBUTES["polarity"])}
            for name in ("certainty", "topic"):
                if rnd.random() < 0.8:
                    item[name] = _changed(rnd, c.get(name, ATTRIBUTES[name][0]), ATTRIBUTES[name][:3])
            if rnd.random() < 0.8:
                item["cluster"] = rnd.choice(("x", "y", "z"))
            claims.append(item)
        for _ in range(rnd.randint(0, 2)):
            s = rnd.randrange(0, TEXT_LENGTH - 10)
            claims.append({"start": s, "end": s + rnd.randint(2, 10), "claimer": rnd.choice(CLAIMERS),
                           "polarity": "affirmed", "cluster": "x"})
        rows.append({"doc_id": g["id"], "entities": flat, "claims": claims})
    return rows


def write_jsonl(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def shuffled(rnd: random.Random, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same lines in another order, each line's entities and claims in another order too."""
    out = []
    for line in rnd.sample(lines, len(lines)):
        line = dict(line)
        for key in ("entities", "claims"):
            if key in line:
                line[key] = rnd.sample(line[key], len(line[key]))
        out.append(line)
    return out


# ------------------------------------------------------------------------------- independent bootstrap

def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def _entity_figures(prefix: str, labels: tuple[str, ...], counts: np.ndarray, linking: np.ndarray,
                    linked: bool) -> dict[str, float | None]:
    """P/R/F1 per scheme and label row (last row overall), macro, linking accuracy, written out plainly."""
    out: dict[str, float | None] = {}
    for s, scheme in enumerate(SCHEMES):
        per_label = []
        for i, label in enumerate([*labels, None]):
            correct, incorrect, partial, missed, spurious = (float(x) for x in counts[s, i])
            hit = correct + 0.5 * partial
            possible, actual = correct + incorrect + partial + missed, correct + incorrect + partial + spurious
            prf = (_ratio(hit, actual), _ratio(hit, possible), _ratio(2 * hit, possible + actual))
            key = f"{prefix}.{scheme}" + (f".{label}" if label else "")
            out.update(zip((f"{key}.precision", f"{key}.recall", f"{key}.f1"), prf, strict=True))
            if label is not None and possible + actual > 0:
                per_label.append([0.0 if x is None else x for x in prf])
        macro = [sum(col) / len(per_label) for col in zip(*per_label, strict=True)] if per_label else [None] * 3
        out.update(zip((f"{prefix}.{scheme}.macro.{m}" for m in ("precision", "recall", "f1")), macro, strict=True))
    matched, correct = float(linking[0]), float(linking[1])
    out[f"{prefix}.linking.accuracy"] = _ratio(correct, matched) if linked else None
    return out


def _claim_figures(v: np.ndarray, flags: Mapping[str, bool]) -> dict[str, float | None]:
    f = {name: float(v[i]) for name, i in FIELD_INDEX.items()}
    out: dict[str, float | None] = {}
    for key, tp, pred, gold in (("detection", "matched", "predicted", "gold"),
                                ("tokens", "overlap_tokens", "predicted_tokens", "gold_tokens"),
                                ("joint", "claimer_correct", "predicted", "gold")):
        defined = key != "joint" or flags["claimer"]
        out[f"claims.{key}.precision"] = _ratio(f[tp], f[pred]) if defined else None
        out[f"claims.{key}.recall"] = _ratio(f[tp], f[gold]) if defined else None
        out[f"claims.{key}.f1"] = _ratio(2 * f[tp], f[pred] + f[gold]) if defined else None
    out["claims.attribution.accuracy"] = _ratio(f["claimer_correct"], f["matched"]) if flags["claimer"] else None
    for name in ATTRIBUTES:
        offset, k, ncol = ATTRIBUTE_LAYOUT[name]
        cm = v[offset:offset + k * ncol].reshape(k, ncol)
        total = float(cm.sum())
        if not flags[name] or total == 0:
            out[f"claims.{name}.accuracy"] = out[f"claims.{name}.macro_f1"] = None
            continue
        out[f"claims.{name}.accuracy"] = float(np.trace(cm[:, :k])) / total
        f1s = [2 * cm[c, c] / (cm[c].sum() + cm[:, c].sum()) for c in range(k) if cm[c].sum() + cm[:, c].sum() > 0]
        out[f"claims.{name}.macro_f1"] = float(sum(f1s) / len(f1s))
    return out


def _cluster_figures(items: list[tuple[int, str, Any]], weights: np.ndarray) -> dict[str, float | None]:
    """B³ and pairwise over matched items ``(unit, gold cluster, predicted cluster)``; a unit drawn ``w`` times
    counts each of its items ``w`` times."""
    cells: Counter = Counter()
    for unit, g, p in items:
        if weights[unit]:
            cells[(g, p)] += float(weights[unit])
    a_p: Counter = Counter()
    b_g: Counter = Counter()
    for (g, p), n in cells.items():
        a_p[p] += n
        b_g[g] += n
    n = sum(cells.values())
    out: dict[str, float | None] = {}
    b3_p = _ratio(sum(x * x / a_p[p] for (_, p), x in cells.items()), n)
    b3_r = _ratio(sum(x * x / b_g[g] for (g, _), x in cells.items()), n)
    out["claims.clusters.b3.precision"], out["claims.clusters.b3.recall"] = b3_p, b3_r
    out["claims.clusters.b3.f1"] = (None if b3_p is None or b3_r is None
                                    else (2 * b3_p * b3_r / (b3_p + b3_r) if b3_p + b3_r > 0 else 0.0))

    def pairs(values: Any) -> float:
        return sum(x * (x - 1) / 2 for x in values)

    tp, pp, gp = pairs(cells.values()), pairs(a_p.values()), pairs(b_g.values())
    out["claims.clusters.pairwise.precision"] = _ratio(tp, pp)
    out["claims.clusters.pairwise.recall"] = _ratio(tp, gp)
    out["claims.clusters.pairwise.f1"] = _ratio(2 * tp, pp + gp)
    return out


def unit_data(report: Any, unit: str, tag: str = "") -> dict[str, Any]:
    """Per-unit counts of a report, units in canonical order (documents by id, their sentences in order)."""
    gold = report.gold
    order = sorted(range(len(gold.documents)), key=lambda i: gold.documents[i].id)
    if unit == "documents":
        groups = [[i] for i in order]
        sent_unit = None
    else:
        sizes = [len(d.sentences) for d in gold.documents]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        groups = [list(range(offsets[i], offsets[i + 1])) for i in order]
        sent_unit = offsets
    canonical = [u for g in groups for u in g]
    data: dict[str, Any] = {"n": len(canonical), "views": {}, "claims": None}
    for name, vr in report.views.items():
        counts = vr.scores.doc_counts if unit == "documents" else vr.sentence_counts
        linking = vr.scores.doc_linking if unit == "documents" else vr.sentence_linking
        data["views"][name] = (vr.view.labels, np.asarray(counts)[canonical], np.asarray(linking)[canonical],
                               bool((vr.scores.pred.entity >= 0).any()))
    cr = report.claims
    if cr is not None:
        vectors = (cr.doc_counts if unit == "documents"
                   else np.concatenate([d.sentence_counts for d in cr.documents]))[canonical]
        total = vectors.sum(axis=0)
        flags = {"claimer": bool(total[FIELD_INDEX["claimer_given"]] > 0)}
        for name in ATTRIBUTES:
            offset, k, ncol = ATTRIBUTE_LAYOUT[name]
            flags[name] = bool(total[offset:offset + k * ncol].reshape(k, ncol)[:, :k].sum() > 0)
        position = {u: j for j, u in enumerate(canonical)}
        items = []
        clustered = any(o.pred is not None and o.pred.cluster is not None for o in cr.outcomes)
        for d, result in enumerate(cr.documents):
            for k, o in enumerate(result.matches):
                if o.gold.cluster is None:
                    continue
                u = d if sent_unit is None else int(sent_unit[d]) + o.unit
                pred = o.pred.cluster if o.pred.cluster is not None else ("singleton", tag, d, k)
                items.append((position[u], o.gold.cluster, (tag, pred)))
        data["claims"] = (vectors, flags, items if clustered else None)
    return data


def figures(data: Mapping[str, Any], weights: np.ndarray, *, clusters: bool = True) -> dict[str, float | None]:
    """Every figure of one resample (``weights`` per canonical unit), from per-unit counts."""
    out: dict[str, float | None] = {}
    for name, (labels, counts, linking, linked) in data["views"].items():
        summed = np.tensordot(weights, counts, axes=1)
        out.update(_entity_figures(f"entities.{name}", labels, summed, weights @ linking, linked))
    if data["claims"] is not None:
        vectors, flags, items = data["claims"]
        out.update(_claim_figures(weights @ vectors, flags))
        if items is not None and clusters:
            out.update(_cluster_figures(items, weights))
    return out


def percentile_bounds(values: list[float | None]) -> tuple[float | None, float | None]:
    ok = [v for v in values if v is not None]
    if not ok:
        return None, None
    low, high = np.percentile(ok, [2.5, 97.5])
    return float(low), float(high)


def independent_intervals(data: Mapping[str, Any], resamples: int, seed: int) -> dict[str, tuple]:
    """Percentile bounds of every figure: a loop over resamples, each a multinomial draw of the units."""
    n = data["n"]
    rng = np.random.default_rng(seed)
    draws = [figures(data, rng.multinomial(n, [1.0 / n] * n).astype(float)) for _ in range(resamples)]
    return {name: percentile_bounds([d[name] for d in draws]) for name in draws[0]}


def independent_tests(a: Mapping[str, Any], b: Mapping[str, Any], resamples: int, shuffles: int, seed: int,
                      *, clusters: bool) -> dict[str, dict[str, Any]]:
    """The paired bootstrap and approximate randomisation of every figure, in plain loops."""
    n = a["n"]
    rng = np.random.default_rng(seed)
    ones = np.ones(n)
    pa, pb = figures(a, ones, clusters=clusters), figures(b, ones, clusters=clusters)

    def diff(x: Mapping[str, Any], y: Mapping[str, Any], name: str) -> float | None:
        return None if x[name] is None or y[name] is None else x[name] - y[name]

    boots = []
    for _ in range(resamples):
        w = rng.multinomial(n, [1.0 / n] * n).astype(float)
        boots.append((figures(a, w, clusters=clusters), figures(b, w, clusters=clusters)))
    shuffled_pairs = []
    for _ in range(shuffles):
        swap = rng.random(n) < 0.5
        shuffled_pairs.append((_mixed(a, b, swap, clusters), _mixed(a, b, ~swap, clusters)))
    out = {}
    for name in pa:
        delta = diff(pa, pb, name)
        if delta is None:
            out[name] = {"diff": None}
            continue
        d_boot = [d for d in (diff(x, y, name) for x, y in boots) if d is not None]
        d_shuf = [d for d in (diff(x, y, name) for x, y in shuffled_pairs) if d is not None]
        low, high = percentile_bounds(d_boot)
        out[name] = {"diff": delta, "low": low, "high": high,
                     "p_bootstrap": (1 + sum(abs(d - delta) >= abs(delta) - 1e-12 for d in d_boot)) / (len(d_boot) + 1),
                     "p_randomisation": (1 + sum(abs(d) >= abs(delta) - 1e-12 for d in d_shuf)) / (len(d_shuf) + 1)}
    return out


def _mixed(a: Mapping[str, Any], b: Mapping[str, Any], from_b: np.ndarray,
           clusters: bool) -> dict[str, float | None]:
    """Figures of the system that takes unit ``u`` from B where ``from_b[u]``, else from A (A's flags)."""
    pick = from_b.astype(float)
    out: dict[str, float | None] = {}
    for name, (labels, counts_a, link_a, linked) in a["views"].items():
        _, counts_b, link_b, _ = b["views"][name]
        summed = np.tensordot(1 - pick, counts_a, axes=1) + np.tensordot(pick, counts_b, axes=1)
        out.update(_entity_figures(f"entities.{name}", labels, summed, (1 - pick) @ link_a + pick @ link_b, linked))
    if a["claims"] is not None:
        (va, flags, items_a), (vb, _, items_b) = a["claims"], b["claims"]
        out.update(_claim_figures((1 - pick) @ va + pick @ vb, flags))
        if clusters and items_a is not None and items_b is not None:
            items = [i for i in items_a if not from_b[i[0]]] + [i for i in items_b if from_b[i[0]]]
            out.update(_cluster_figures(items, np.ones(len(pick))))
    return out


def json_intervals(report: Mapping[str, Any]) -> dict[tuple[str, str], list]:
    """Every interval of a JSON report by ``(unit, figure name)``; also checks that no block is missed."""
    out: dict[tuple[str, str], list] = {}
    blocks = 0

    def add(block: Mapping[str, Any], key: str) -> None:
        nonlocal blocks
        blocks += 1
        for unit, per in (block["intervals"] or {}).items():
            for metric, bounds in (per or {}).items():
                out[(unit, f"{key}.{metric}")] = bounds

    for view, v in (report["entities"] or {}).items():
        for scheme, b in v["schemes"].items():
            add(b["overall"], f"entities.{view}.{scheme}")
            for label, row in b["per_type"].items():
                add(row, f"entities.{view}.{scheme}.{label}")
            add(b["macro"], f"entities.{view}.{scheme}.macro")
        add(v["linking"], f"entities.{view}.linking")
    c = report["claims"]
    if c is not None:
        for key, name in (("detection", "detection"), ("token_overlap", "tokens"), ("attribution", "attribution"),
                          ("joint", "joint")):
            add(c[key], f"claims.{name}")
        for name in ATTRIBUTES:
            add(c["attributes"][name], f"claims.{name}")
        for kind in ("b3", "pairwise"):
            if kind in c["clusters"]:
                add(c["clusters"][kind], f"claims.clusters.{kind}")
    # The sentence-level claim task (``report["sentences"]``, issue 23) is not covered here yet.
    assert blocks == _count_interval_blocks({k: report[k] for k in ("entities", "claims")}), \
        "a block with intervals is not read by json_intervals"
    return out


def _count_interval_blocks(node: Any, skip: Callable[[str], bool] = lambda k: k in {"outcomes", "per_document"}
                           ) -> int:
    if isinstance(node, dict):
        return ("intervals" in node) + sum(_count_interval_blocks(v) for k, v in node.items() if not skip(k))
    if isinstance(node, list):
        return sum(_count_interval_blocks(v) for v in node)
    return 0
