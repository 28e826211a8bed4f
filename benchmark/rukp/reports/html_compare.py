"""The HTML page of a comparison (``rukp evaluate --compare A B --html``): per document, where the systems differ.

A gold span "differs" when one system got it right (``correct``) and the other did not; a gold claim differs
when one system matched it (or named its claimer right) and the other did not. Built from the page data of
both reports (:func:`rukp.reports.html._page_data`), never re-scored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rukp.reports.formatting import fmt, format_p
from rukp.reports.html_marks import OUTCOME_NAMES, quote, segments, shown_path

DIFF_NAMES: dict[str, str] = {"a_right": "A right, B wrong", "b_right": "B right, A wrong"}


def _span_key(s: Mapping[str, Any]) -> tuple[int, int, str]:
    return s["start"], s["end"], s["label"]


def _pred(o: Mapping[str, Any] | None, text: str | None) -> str:
    """How a system did on a gold span: its outcome and its prediction."""
    if o is None:
        return "missed"
    p = o.get("pred")
    if p is None:
        return OUTCOME_NAMES[o["outcome"]]
    words = f" {quote(text[p['start']:p['end']])}" if text is not None else ""
    return f"{OUTCOME_NAMES[o['outcome']]} ({p['label']}{words})"


def entity_differences(a: list[Mapping[str, Any]], b: list[Mapping[str, Any]], text: str | None
                       ) -> list[dict[str, Any]]:
    """Gold spans one system got right and the other did not, as mark items (in text order)."""
    by_a = {_span_key(o["gold"]): o for o in a if o.get("gold") is not None}
    by_b = {_span_key(o["gold"]): o for o in b if o.get("gold") is not None}
    out = []
    for key in sorted(set(by_a) | set(by_b)):
        oa, ob = by_a.get(key), by_b.get(key)
        right_a, right_b = (o is not None and o["outcome"] == "correct" for o in (oa, ob))
        if right_a == right_b:
            continue
        gold = (oa or ob)["gold"]
        words = f" {quote(text[gold['start']:gold['end']])}" if text is not None else ""
        which = "a_right" if right_a else "b_right"
        out.append({"outcome": which, "gold": gold, "pred": None, "chip": "A" if right_a else "B",
                    "a": _pred(oa, text), "b": _pred(ob, text), "where": f"{gold['label']}{words}",
                    "title": f"gold {gold['label']}{words} [{gold['start']}, {gold['end']}) — "
                             f"A: {_pred(oa, text)}; B: {_pred(ob, text)}"})
    return out


def _claim_status(o: Mapping[str, Any] | None) -> tuple[int, str]:
    if o is None or o["outcome"] != "matched":
        return 0, "missed"
    if o.get("claimer_correct"):
        return 2, "matched, claimer right"
    return 1, "matched, claimer wrong" if o.get("claimer_correct") is False else "matched"


def claim_differences(a: list[Mapping[str, Any]], b: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Gold claims one system matched (or attributed) and the other did not."""
    by_a = {(o["gold"]["start"], o["gold"]["end"]): o for o in a if o.get("gold") is not None}
    by_b = {(o["gold"]["start"], o["gold"]["end"]): o for o in b if o.get("gold") is not None}
    rows = []
    for key in sorted(set(by_a) | set(by_b)):
        (sa, ta), (sb, tb) = _claim_status(by_a.get(key)), _claim_status(by_b.get(key))
        if sa != sb:
            gold = (by_a.get(key) or by_b[key])["gold"]
            rows.append({"outcome": "a_right" if sa > sb else "b_right", "gold": quote(gold.get("text"), 200),
                         "a": ta, "b": tb})
    return rows


def _tests(tests: Mapping[str, Mapping[str, Mapping[str, Any]]], views: list[str], scheme: str
           ) -> dict[str, list[dict[str, str]]]:
    """Headline rows of the paired tests per unit: overall P/R/F1 and macro F1 per view, then the claim figures."""
    names = [f"entities.{v}.{scheme}.{m}" for v in views for m in ("precision", "recall", "f1", "macro.f1")]
    names += [f"claims.{k}" for k in ("detection.precision", "detection.recall", "detection.f1",
                                      "attribution.accuracy", "joint.f1")]
    out = {}
    for unit, per in tests.items():
        rows = []
        for name in names:
            t = per.get(name)
            if t is None:
                continue
            ci = "—" if t["low"] is None else f"[{t['low']:+.3f}, {t['high']:+.3f}]"
            rows.append({"name": name, "a": fmt(t["a"]), "b": fmt(t["b"]), "ci": ci,
                         "diff": "—" if t["diff"] is None else f"{t['diff']:+.3f}",
                         "p_boot": format_p(t["p_bootstrap"]), "p_rand": format_p(t["p_randomisation"])})
        out[unit] = rows
    return out


def context(data: Mapping[str, Any], *, max_docs: int) -> dict[str, Any]:
    """The template context of a comparison page, from the page data of both reports and the tests."""
    a, b = data["a"], data["b"]
    meta = a["metadata"]
    views = list(a["entities"])
    docs = []
    for rank, doc in enumerate(a["documents"]):
        doc_id, text = doc["id"], doc["text"]
        per_view = []
        for view in views:
            items = entity_differences(a["outcomes"][view].get(doc_id, []), b["outcomes"][view].get(doc_id, []),
                                       text)
            per_view.append({"name": view, "diffs": items,
                             "pieces": segments(text, items) if text is not None and items else None})
        claims = (claim_differences(a["claim_outcomes"].get(doc_id, []), b["claim_outcomes"].get(doc_id, []))
                  if a["claims"] is not None and b["claims"] is not None else [])
        n = sum(len(v["diffs"]) for v in per_view) + len(claims)
        docs.append({"id": doc_id, "rank": rank, "views": per_view, "claims": claims, "n": n,
                     "counts": Counter(i["outcome"] for v in per_view for i in v["diffs"])})
    docs.sort(key=lambda d: (-d["n"], d["rank"]))
    shown = docs[: max(1, max_docs)]
    for i, d in enumerate(shown):
        d["anchor"] = f"doc-{i}"
    totals: Counter[str] = Counter()
    for d in docs:
        totals.update(d["counts"])
        totals.update(c["outcome"] for c in d["claims"])
    counts = {}
    for view in views:
        # the reports' own counts (text items found nowhere are spurious without an outcome row)
        counts[view] = [{"outcome": o, "name": name, "a": a["entities"][view]["outcome_counts"][o],
                         "b": b["entities"][view]["outcome_counts"][o]} for o, name in OUTCOME_NAMES.items()]
    types = sorted({i["gold"]["label"] for d in docs for v in d["views"] for i in v["diffs"]})
    return {
        "title": f"rukp comparison: A {Path(a['metadata']['predictions']['source']).name} vs "
                 f"B {Path(b['metadata']['predictions']['source']).name}",
        "a": shown_path(a["metadata"]["predictions"]["source"]),
        "b": shown_path(b["metadata"]["predictions"]["source"]),
        "gold_path": shown_path(meta["gold"]["path"]), "gold_sha": meta["gold"]["sha256"][:12],
        "n_docs": len(docs), "n_shown": len(shown), "scheme": meta["options"]["scheme"],
        "shuffles": data["shuffles"], "tests": _tests(data["tests"], views, meta["options"]["scheme"]),
        "counts": counts, "diff_names": DIFF_NAMES, "totals": {k: totals.get(k, 0) for k in DIFF_NAMES},
        "types": types, "documents": shown, "rukp_version": meta["rukp_version"],
        "conclusions": data.get("conclusions", []), "coverage": data.get("coverage", []),
    }


def render_comparison(data: Mapping[str, Any], env: Any, *, max_docs: int) -> str:
    """The comparison page."""
    return env.get_template("compare.html.j2").render(page=context(data, max_docs=max_docs))
