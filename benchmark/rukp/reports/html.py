"""The HTML error-analysis page: one self-contained static file (inline CSS and JS, no network, works from file://).

Built with Jinja2 templates shipped in the package (``rukp/reports/templates``, autoescaped), from the report
object; nothing is re-scored. All report data is read through :func:`_page_data`, the one adapter between the
report's public API and the page, so the page follows the report wherever its data lives.

The page has a summary (outcome counts, which are also the filters, every scheme per type with support and
intervals, claim figures, claim-sentence figures, alignment counts when the report has them), then one section per
document, the worst by F1 first: the text with gold and predicted spans coloured by outcome, the errors listed, the
claims with match status, claimer (gold vs predicted, by name) and the attributes that differ, and each sentence
marked TP/FP/FN/TN (claim detection at sentence level) with its score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from rukp.io.atomic import write_many_atomic, write_text_atomic
from rukp.reports.formatting import fmt
from rukp.reports.html_marks import OUTCOME_NAMES, fmt_ci, item_types, quote, segments, shown_path
from rukp.reports.tables import type_name

DEFAULT_MAX_DOCS = 50
SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "ent_type")
COUNT_FIELDS: tuple[str, ...] = ("correct", "incorrect", "partial", "missed", "spurious")
CLAIM_OUTCOMES: tuple[str, ...] = ("matched", "missed", "spurious")
CLAIM_ATTRIBUTES: tuple[str, ...] = ("polarity", "certainty", "topic")
AUTHOR = "AUTHOR"


# ------------------------------------------------------------------------------------------ the adapter

@cache
def _kb_names() -> dict[str, str]:
    """Names of the bundled knowledge-base entities by id (claimers are kb ids); empty when it is not there."""
    from rukp.io.jsonl import read_jsonl
    from rukp.paths import BUNDLED_DATA

    path = BUNDLED_DATA / "kb.jsonl"
    return {r["entity_id"]: r.get("name") or r["entity_id"] for r in read_jsonl(path)} if path.is_file() else {}


def _page_data(report: Any) -> dict[str, Any]:
    """Everything the page shows, read from the report's public API (the one place that knows where it lives).

    Returns ``metadata``, ``entities`` (per view, as in the JSON report but without outcomes), ``claims`` (the
    same, without outcomes), ``outcomes`` (``{view: {doc_id: [outcome]}}``), ``claim_outcomes``
    (``{doc_id: [outcome]}``), ``sentences`` (the sentence-level block, without its rows) and ``sentence_rows``
    (``{doc_id: [sentence row]}``), ``documents`` (``[{id, text}]`` in gold order), ``names`` (kb id → name) and
    ``alignment`` (the alignment summary of text-anchored predictions, or None).
    """
    d = report.to_dict(detail=True)  # the page needs the detail at any size (the JSON report may leave it out)
    entities, outcomes = {}, {}
    for view, block in d["entities"].items():
        entities[view] = {k: v for k, v in block.items() if k != "outcomes"}
        per_doc: dict[str, list[dict[str, Any]]] = {}
        for o in block["outcomes"]:
            per_doc.setdefault(o["doc_id"], []).append(o)
        outcomes[view] = per_doc
    claims, claim_outcomes = None, {}
    if d.get("claims") is not None:
        claims = {k: v for k, v in d["claims"].items() if k != "outcomes"}
        for o in d["claims"]["outcomes"]:
            claim_outcomes.setdefault(o["doc_id"], []).append(o)
    sentences, sentence_rows = None, {}
    if d.get("sentences") is not None:
        sentences = {k: v for k, v in d["sentences"].items() if k != "outcomes"}
        for o in d["sentences"]["outcomes"] or []:
            sentence_rows.setdefault(o["doc_id"], []).append(o)
    alignment = d.get("alignment") or d["metadata"].get("alignment") or getattr(report, "alignment", None)
    if alignment is not None and hasattr(alignment, "to_dict"):
        alignment = alignment.to_dict()
    return {"metadata": d["metadata"], "entities": entities, "claims": claims, "outcomes": outcomes,
            "claim_outcomes": claim_outcomes, "alignment": alignment, "names": _kb_names(),
            "sentences": sentences, "sentence_rows": sentence_rows,
            "unresolved_claimers": d.get("unresolved_claimers") or [],
            "documents": [{"id": doc.id, "text": doc.text} for doc in report.gold.documents]}


def _compare_data(comparison: Any) -> dict[str, Any]:
    """A comparison's page data: both reports through :func:`_page_data`, the paired tests as plain dicts."""
    from dataclasses import asdict

    return {"a": _page_data(comparison.a), "b": _page_data(comparison.b), "shuffles": comparison.shuffles,
            "conclusions": comparison.conclusions(),
            "coverage": [f"{tag}: {r.coverage_note}" for tag, r in (("A", comparison.a), ("B", comparison.b))
                         if r.coverage_note is not None],
            "tests": {unit: {name: asdict(t) for name, t in sorted(per.items())}
                      for unit, per in comparison.tests.items()}}


# ------------------------------------------------------------------------------------------ formatting

# ------------------------------------------------------------------------------------------ summary

def _units(meta: Mapping[str, Any]) -> list[str]:
    return [u for u, n in meta["bootstrap"]["units"].items() if n is not None]


def _unaligned_spurious(block: Mapping[str, Any], outcomes: Mapping[str, list], scheme: str) -> dict[str, int]:
    """Spurious predictions without a span, per document: text-anchored items found nowhere in the text, which the
    scorer counts as spurious but which have no outcome row (the document's spurious count minus its rows)."""
    per_doc = block.get("per_document") or {}
    out = {}
    for doc_id, counts in per_doc.items():
        rows = sum(o["outcome"] == "spurious" for o in outcomes.get(doc_id, ()))
        extra = counts[scheme]["overall"]["spurious"] - rows
        if extra > 0:
            out[doc_id] = extra
    return out


def _view_summary(name: str, block: Mapping[str, Any], outcomes: Mapping[str, list], units: list[str],
                  headline: str) -> dict[str, Any]:
    """Outcome counts (spurious includes the predictions found nowhere in the text), the four schemes overall, and
    per type (support, P/R/F1 and intervals per scheme)."""
    counted = block["outcome_counts"]  # the report's, so every page and format shows the same counts
    schemes = block["schemes"]
    overall = [{"scheme": s, **{f: schemes[s]["overall"][f] for f in (*COUNT_FIELDS, "possible", "actual")},
                **{m: fmt(schemes[s]["overall"][m]) for m in ("precision", "recall", "f1")},
                "macro_f1": fmt(schemes[s]["macro"]["f1"]),
                "ci": [fmt_ci(schemes[s]["overall"]["intervals"], u, "f1") for u in units]} for s in SCHEMES]

    def cells(row: Mapping[str, Any]) -> list[dict[str, str]]:
        return [{"scheme": s, "f1": fmt(r["f1"]), "ci": fmt_ci(r["intervals"], units[0], "f1") if units else "",
                 "title": f"{s}: P {fmt(r.get('precision'))}, R {fmt(r.get('recall'))}"}
                for s, r in ((s, row[s]) for s in SCHEMES)]

    per_type = []
    for label in block["labels"]:
        rows = {s: schemes[s]["per_type"][label] for s in SCHEMES}
        if rows[headline]["possible"] + rows[headline]["actual"] > 0:
            per_type.append({"label": type_name(label, rows[headline]), "type": label, "total": False,
                             "support": rows[headline]["possible"],
                             "errors": sum(rows[headline][f] for f in COUNT_FIELDS[1:]), "cells": cells(rows)})
    macro = {s: schemes[s]["macro"] for s in SCHEMES}
    per_type.append({"label": "macro", "support": "", "errors": "", "total": True, "cells": cells(macro)})
    per_type.append({"label": "overall (micro)", "support": schemes[headline]["overall"]["possible"],
                     "errors": "", "total": True, "cells": cells({s: schemes[s]["overall"] for s in SCHEMES})})
    link = block["linking"]
    return {"name": name, "confusion": block["type_confusion"],
            "counts": [{"outcome": o, "name": OUTCOME_NAMES[o], "n": counted.get(o, 0)} for o in OUTCOME_NAMES],
            "overall": overall, "per_type": per_type,
            "linking": f"{link['correct']}/{link['matched']} = {fmt(link['accuracy'])}" if link["predicted"] else "",
            "types": [r["type"] for r in per_type[:-2]]}


def _claim_summary(claims: Mapping[str, Any], units: list[str]) -> list[dict[str, Any]]:
    """Rows of the claim figures: name, counts, value and intervals."""
    rows = []

    def add(name: str, block: Mapping[str, Any], metric: str, counts: str = "") -> None:
        rows.append({"name": name, "counts": counts, "value": fmt(block.get(metric)),
                     "ci": [fmt_ci(block.get("intervals"), u, metric) for u in units]})

    det, tok, att, joint = (claims[k] for k in ("detection", "token_overlap", "attribution", "joint"))
    det_counts = f"gold {det['gold']} · predicted {det['predicted']} · matched {det['matched']}"
    for m in ("precision", "recall", "f1"):
        add(f"detection {m}", det, m, det_counts if m == "precision" else "")
    for m in ("precision", "recall", "f1"):
        add(f"token overlap {m}", tok, m)
    add("claimer accuracy (matched)", att, "accuracy",
        f"claimer given {att['claimer_given']} · correct {att['claimer_correct']}")
    for m in ("precision", "recall", "f1"):
        add(f"claim + claimer {m}", joint, m)
    for name, block in claims["attributes"].items():
        if block["predicted"]:
            add(f"{name} accuracy", block, "accuracy", f"support {block['support']}")
            add(f"{name} macro F1", block, "macro_f1")
    for kind in ("b3", "pairwise"):
        if claims["clusters"].get(kind):
            add(f"clusters {kind} F1", claims["clusters"][kind], "f1")
    return rows


SENTENCE_OUTCOMES: tuple[str, ...] = ("TP", "FP", "FN", "TN")


def _sentence_summary(block: Mapping[str, Any], units: list[str]) -> dict[str, Any]:
    """The claim-sentence figures (detection, ranking when scored, claimers when named) and how they were got."""
    rows = []

    def add(name: str, part: Mapping[str, Any], metric: str, counts: str = "") -> None:
        rows.append({"name": name, "counts": counts, "value": fmt(part.get(metric)),
                     "ci": [fmt_ci(part.get("intervals"), u, metric) for u in units]})

    c = block["counts"]
    counts = " · ".join(f"{k.upper()} {c[k]}" for k in ("tp", "fp", "fn", "tn"))
    for i, m in enumerate(("precision", "recall", "f1", "accuracy")):
        add(f"claim-sentence {m}", block["detection"], m, counts if i == 0 else "")
    if block["ranking"] is not None:
        for m in block["ranking"]:
            if m != "intervals":
                add(m.replace("_", " ").replace("p at ", "P@"), block["ranking"], m)
    if block["claimers"] is not None:
        cl = block["claimers"]
        for i, m in enumerate(("precision", "recall", "f1")):
            add(f"sentence claimer {m}", cl, m, f"right {cl['right']}/{cl['predicted']} · found {cl['found']}/"
                f"{cl['gold']}" if i == 0 else "")
    how = ("the system's own sentence labels" + (" and scores" if block["scored"] else "")
           if block["source"] == "sentences" else "the predicted claim spans, projected onto every sentence they "
           "overlap")
    return {"rows": rows, "how": how, "located": block.get("located")}


def _sentence_rows(rows: Sequence[Mapping[str, Any]], text: str | None) -> list[dict[str, Any]]:
    return [{"id": r["id"], "outcome": r["outcome"],
             "score": "" if r.get("score") is None else f"{r['score']:.3f}",
             "text": text[r["start"]:r["end"]] if text is not None else f"[{r['start']}, {r['end']})"}
            for r in rows]


def _alignment(alignment: Mapping[str, Any]) -> dict[str, Any]:
    """The alignment section: items per status (rows) and kind (columns), the unaligned and the fuzzy items."""
    kinds = [k for k in ("entities", "claims") if isinstance(alignment.get(k), Mapping)]
    statuses = list(dict.fromkeys(s for k in kinds for s in alignment[k]))
    return {"kinds": kinds, "counts": [{"status": s, "n": [alignment[k].get(s, 0) for k in kinds]} for s in statuses],
            "unaligned": [{**u, "who": _who(u)} for u in alignment.get("unaligned") or []],
            "fuzzy": [{**u, "who": _who(u), "score": f"{u['score']:.3f}"} for u in alignment.get("fuzzy") or []]}


def _who(item: Mapping[str, Any]) -> str:
    return str((item.get("label") if item.get("kind") == "entity" else item.get("claimer")) or "")


# ------------------------------------------------------------------------------------------ documents

def _doc_f1(data: Mapping[str, Any], doc_id: str, scheme: str) -> float | None:
    """The document's entity F1 (first view, headline scheme), or its claim detection F1 without entities."""
    for block in data["entities"].values():
        return block["per_document"][doc_id][scheme]["overall"]["f1"]
    claims = data["claims"]
    if claims is not None:
        return claims["per_document"][doc_id]["f1"]
    sentences = data.get("sentences")
    return sentences["per_document"][doc_id]["f1"] if sentences is not None and sentences["per_document"] else None


def _claimer(claim: Mapping[str, Any] | None, text: str | None, names: Mapping[str, str]) -> str:
    """A claimer by name (kb lookup), with its mention in the text when it has one."""
    if claim is None:
        return ""
    cid = claim.get("claimer")
    name = "the author" if cid == AUTHOR else names.get(cid, cid) if cid else ""
    cs, ce = claim.get("claimer_start"), claim.get("claimer_end")
    mention = quote(text[cs:ce]) if text is not None and cs is not None and ce is not None else ""
    if name and mention:
        return f"{name} {mention}"
    return name or (f"mention {mention}" if mention else "(none)")


def _claim_rows(outcomes: Sequence[Mapping[str, Any]], text: str | None, names: Mapping[str, str],
                predicted: Mapping[str, bool]) -> list[dict[str, Any]]:
    rows = []
    for o in outcomes:
        g, p = o.get("gold"), o.get("pred")
        diffs = []
        if g is not None and p is not None:
            diffs = [f"{a}: {g.get(a) or '(none)'} → {p.get(a) or '(none)'}" for a in CLAIM_ATTRIBUTES
                     if predicted.get(a) and g.get(a) != p.get(a)]
        same_span = g is not None and p is not None and (g["start"], g["end"]) == (p["start"], p["end"])
        rows.append({"outcome": o["outcome"], "gold": quote((g or {}).get("text"), 200),
                     "pred": "same span" if same_span else quote((p or {}).get("text"), 200),
                     "jaccard": fmt(o.get("jaccard")) if o.get("jaccard") is not None else "",
                     "claimer_gold": _claimer(g, text, names), "claimer_pred": _claimer(p, text, names),
                     "claimer_ok": o.get("claimer_correct"), "diffs": diffs,
                     "where": (g or p)["start"]})
    return rows


def _error_rows(items: Sequence[Mapping[str, Any]], text: str | None) -> list[dict[str, Any]]:
    """One table row per outcome that is not correct."""
    def cell(s: Mapping[str, Any] | None) -> str:
        if s is None:
            return ""
        words = quote(text[s["start"]:s["end"]]) if text is not None else ""
        return f"{s['label']} {words} [{s['start']}, {s['end']})"

    return [{"outcome": o["outcome"], "name": OUTCOME_NAMES[o["outcome"]], "gold": cell(o.get("gold")),
             "pred": cell(o.get("pred")), "k": [[o["outcome"], item_types(o)]]}
            for o in items if o["outcome"] != "correct"]


def _document(data: Mapping[str, Any], doc: Mapping[str, Any], scheme: str, rank: int) -> dict[str, Any]:
    text, doc_id = doc["text"], doc["id"]
    views = []
    for view, block in data["entities"].items():
        items = data["outcomes"][view].get(doc_id, [])
        counts = Counter(o["outcome"] for o in items)
        counts["spurious"] += _unaligned_spurious(block, data["outcomes"][view], scheme).get(doc_id, 0)
        views.append({"name": view, "pieces": segments(text, items) if text is not None else None,
                      "errors": _error_rows(items, text),
                      "counts": [{"outcome": o, "name": OUTCOME_NAMES[o], "n": counts[o]}
                                 for o in OUTCOME_NAMES if counts[o]]})
    claims = None
    if data["claims"] is not None:
        predicted = {a: b["predicted"] for a, b in data["claims"]["attributes"].items()}
        rows = _claim_rows(data["claim_outcomes"].get(doc_id, []), text, data["names"], predicted)
        per = data["claims"]["per_document"][doc_id]
        summary = (f"gold {per['gold']} · predicted {per['predicted']} · matched {per['matched']} · "
                   f"F1 {fmt(per['f1'])}")
        claims = {"rows": rows, "open": data["claims"]["detection"]["predicted"] > 0, "summary": summary}
    not_found = [f"{quote(u['text'], 80)}" + (f" ({_who(u)})" if _who(u) else "")
                 + (" (claim)" if u["kind"] == "claim" else "") + (f": {u['reason']}" if u.get("reason") else "")
                 for u in (data.get("alignment") or {}).get("unaligned") or [] if u["doc"] == doc_id]
    sentences = None
    if data.get("sentences") is not None:
        rows = _sentence_rows(data["sentence_rows"].get(doc_id, []), text)
        counts = Counter(r["outcome"] for r in rows)
        sentences = {"rows": rows, "summary": " · ".join(f"{k} {counts[k]}" for k in SENTENCE_OUTCOMES)}
    return {"id": doc_id, "anchor": f"doc-{rank}", "f1": fmt(_doc_f1(data, doc_id, scheme)),
            "has_text": text is not None, "views": views, "claims": claims, "not_found": not_found,
            "sentences": sentences}


def _order(data: Mapping[str, Any], scheme: str) -> list[Mapping[str, Any]]:
    """Documents worst first: lowest F1, then documents with nothing to score; ties keep the gold order."""
    def key(pair: tuple[int, Mapping[str, Any]]) -> tuple[int, float, int]:
        f1 = _doc_f1(data, pair[1]["id"], scheme)
        return (f1 is None, f1 if f1 is not None else 0.0, pair[0])

    return [doc for _, doc in sorted(enumerate(data["documents"]), key=key)]


def context(data: Mapping[str, Any], *, title: str | None = None, source: str | None = None,
            max_docs: int = DEFAULT_MAX_DOCS) -> dict[str, Any]:
    """The template context of one report's page, from :func:`_page_data`'s output."""
    meta = data["metadata"]
    scheme, units = meta["options"]["scheme"], _units(meta)
    views = [_view_summary(v, b, data["outcomes"][v], units, scheme) for v, b in data["entities"].items()]
    ordered = _order(data, scheme)
    shown = ordered[: max(1, max_docs)]
    label_map = meta["options"].get("label_map")
    source = source or shown_path(meta["predictions"]["source"])
    return {
        "title": title or f"rukp errors: {source}", "source": source, "gold_path": shown_path(meta["gold"]["path"]),
        "gold_sha": meta["gold"]["sha256"][:12], "n_docs": len(data["documents"]), "n_shown": len(shown),
        "scheme": scheme, "units": units, "options": {
            "views": ", ".join(meta["options"]["views"]), "scheme": scheme,
            "label map": Path(label_map).name if label_map else "none",
            "min overlap": meta["options"]["min_overlap"], "claim threshold": meta["options"]["claim_threshold"],
            "bootstrap": f"{meta['bootstrap']['resamples']} resamples, seed {meta['seed']}"},
        "without_predictions": meta["predictions"]["documents_without_predictions"],
        "skipped": meta["skipped"]["total"], "notes": meta["notes"], "rukp_version": meta["rukp_version"],
        "views": views, "types": list(dict.fromkeys(t for v in views for t in v["types"])),
        "claims": _claim_summary(data["claims"], units) if data["claims"] is not None else None,
        "sentences": _sentence_summary(data["sentences"], units) if data.get("sentences") is not None else None,
        "alignment": _alignment(data["alignment"]) if data.get("alignment") else None,
        "unresolved_claimers": data["unresolved_claimers"],
        "documents": [_document(data, doc, scheme, i) for i, doc in enumerate(shown)],
        "outcome_names": OUTCOME_NAMES, "claim_outcomes": CLAIM_OUTCOMES,
    }


# ------------------------------------------------------------------------------------------ rendering

@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("rukp.reports", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def render_report(report: Any, *, title: str | None = None, source: str | None = None,
                  max_docs: int = DEFAULT_MAX_DOCS) -> str:
    """The page of one report (``title`` and ``source`` default to the predictions' source)."""
    return _environment().get_template("report.html.j2").render(
        page=context(_page_data(report), title=title, source=source, max_docs=max_docs))


def render(obj: Any, *, max_docs: int = DEFAULT_MAX_DOCS) -> str:
    """The page of a report, or of a comparison (where the two systems differ)."""
    if hasattr(obj, "tests"):
        from rukp.reports.html_compare import render_comparison

        return render_comparison(_compare_data(obj), _environment(), max_docs=max_docs)
    return render_report(obj, max_docs=max_docs)


def write(obj: Any, path: str | Path, *, max_docs: int = DEFAULT_MAX_DOCS) -> None:
    """Write the page of a report or a comparison to ``path`` (atomically)."""
    write_text_atomic(path, render(obj, max_docs=max_docs))


def page_filename(spec: str) -> str:
    """File name of a system's page (``spacy:fr_core_news_sm`` → ``spacy_fr_core_news_sm.html``)."""
    return "".join(c if c.isalnum() or c in "+-_." else "_" for c in spec) + ".html"


def benchmark_pages(reports: Mapping[str, Any], out_dir: str | Path, *, max_docs: int = DEFAULT_MAX_DOCS
                    ) -> dict[Path, str]:
    """``{path: page}`` for each system's report (no timestamps: the same run writes the same bytes)."""
    out_dir = Path(out_dir)
    return {out_dir / page_filename(spec): render_report(report, source=spec, max_docs=max_docs)
            for spec, report in reports.items()}


def write_benchmark_pages(reports: Mapping[str, Any], out_dir: str | Path, *,
                          max_docs: int = DEFAULT_MAX_DOCS) -> list[Path]:
    """Write one page per system under ``out_dir`` (all or none); returns the paths."""
    pages = benchmark_pages(reports, out_dir, max_docs=max_docs)
    write_many_atomic(pages)
    return list(pages)
