"""A readable per-document diff of gold and predictions: one line per span outcome and per claim outcome.

Markers: ``=`` correct, ``≠`` right boundaries but wrong type, ``~`` overlapping boundaries (``~≠`` and wrong
type), ``-`` missed gold span, ``+`` spurious prediction.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from rukp.io.atomic import write_text_atomic

MARKERS = {"correct": "=", "incorrect": "≠", "partial": "~", "partial_incorrect": "~≠", "missed": "-",
           "spurious": "+", "matched": "="}


def _text(doc: Any, start: int, end: int) -> str:
    return f" {doc.text[start:end]!r}" if doc.text is not None else ""


def _span(doc: Any, span: Any) -> str:
    return f"[{span.start}, {span.end}) {span.label}{_text(doc, span.start, span.end)}"


def _entity_line(doc: Any, o: Any) -> str:
    marker = MARKERS[o.outcome]
    if o.gold is not None and o.pred is not None and o.outcome != "correct":
        return f"  {marker:<2} {o.outcome:<17} gold {_span(doc, o.gold)}  pred {_span(doc, o.pred)}"
    span = o.gold if o.gold is not None else o.pred
    return f"  {marker:<2} {o.outcome:<17} {_span(doc, span)}"


def _claim_line(doc: Any, o: Any) -> str:
    marker = MARKERS[o.outcome]
    c = o.gold if o.gold is not None else o.pred
    line = f"  {marker:<2} {o.outcome:<9} [{c.start}, {c.end}){_text(doc, c.start, c.end)}"
    if o.outcome == "matched":
        attrs = []
        if o.pred.start != o.gold.start or o.pred.end != o.gold.end:
            attrs.append(f"pred span [{o.pred.start}, {o.pred.end}) J={o.jaccard:.2f}")
        attrs.append(f"claimer {o.gold.claimer} → {o.pred.claimer or o.pred.claimer_start} "
                     f"({'ok' if o.claimer_correct else 'wrong'})")
        for name in ("polarity", "certainty", "topic"):
            g, p = getattr(o.gold, name), getattr(o.pred, name)
            if g != p:
                attrs.append(f"{name} {g} → {p}")
        line += "\n       " + "; ".join(attrs)
    return line


def report_diff(report: Any) -> str:
    """The diff of one report: per document, entities of each view then claims."""
    entity_lines: dict[str, list[str]] = defaultdict(list)
    for name, view in report.views.items():
        for result in view.scores.documents():
            doc = report.gold.documents[report.gold.index[result.doc_id]]
            if result.outcomes:
                entity_lines[result.doc_id].append(f" entities ({name}):")
                entity_lines[result.doc_id] += [_entity_line(doc, o) for o in result.outcomes]
    out = [f"# predictions: {report.predictions.source}\n# gold: {report.gold.path}\n"]
    for i, doc in enumerate(report.gold.documents):
        covered = "" if i in report.predictions.covered else "  (no predictions)"
        out.append(f"\n=== doc {doc.id}{covered}\n")
        out += [line + "\n" for line in entity_lines.get(doc.id, [])]
        if report.claims is not None:
            outcomes = report.claims.documents[i].outcomes
            if outcomes:
                out.append(" claims:\n")
                out += [_claim_line(doc, o) + "\n" for o in outcomes]
    return "".join(out)


def render(obj: Any) -> str:
    """Diff of a report, or of both systems of a comparison."""
    if hasattr(obj, "tests"):
        return "".join(f"##### {tag}\n" + report_diff(r) + "\n" for tag, r in (("A", obj.a), ("B", obj.b)))
    return report_diff(obj)


def write(obj: Any, path: str | Path) -> None:
    write_text_atomic(path, render(obj))
