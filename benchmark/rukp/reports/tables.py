"""The headline tables shared by the terminal and Markdown renderers: header and rows of formatted cells."""

from __future__ import annotations

from typing import Any

from rukp.reports.formatting import format_p
from rukp.scoring.bootstrap import Interval
from rukp.scoring.claims import ATTRIBUTES

Table = tuple[list[str], list[list[str]]]

COUNT_FIELDS = ("correct", "incorrect", "partial", "missed", "spurious")


def fmt(x: float | None) -> str:
    """A score with three decimals; ``—`` when undefined."""
    return "—" if x is None else f"{x:.3f}"


def fmt_interval(iv: Interval | None) -> str:
    """``[low, high]`` of an interval; empty when not computed, ``—`` when undefined."""
    if iv is None:
        return ""
    if iv.low is None:
        return "—"
    return f"[{iv.low:.3f}, {iv.high:.3f}]"


def _units(report: Any) -> list[str]:
    return [u for u in ("documents", "sentences") if u in report.intervals]


def entity_table(report: Any, view: str, scheme: str | None = None) -> Table:
    """One row per label that occurs in the gold or the predictions, then macro and overall (micro)."""
    scheme = scheme or report.options.scheme
    counts = report.views[view].counts.to_dict()[scheme]
    units = _units(report)
    header = ["type", "P", "R", "F1", *[f"F1 95% CI {u}" for u in units], *COUNT_FIELDS]
    rows = []

    def add(name: str, row: dict[str, Any], key: str, counted: bool = True) -> None:
        cells = [name, fmt(row["precision"]), fmt(row["recall"]), fmt(row["f1"])]
        cells += [fmt_interval(report.interval(f"{key}.f1", u)) for u in units]
        cells += [str(row[f]) if counted else "" for f in COUNT_FIELDS]
        rows.append(cells)

    for label, row in counts["per_type"].items():
        if row["possible"] + row["actual"] > 0:
            add(label, row, f"entities.{view}.{scheme}.{label}")
    add("macro", counts["macro"], f"entities.{view}.{scheme}.macro", counted=False)
    add("overall", counts["overall"], f"entities.{view}.{scheme}")
    return header, rows


def claim_figures(report: Any) -> list[tuple[str, str]]:
    """``(figure name, label)`` of the claim figures shown in the tables."""
    out = [("detection.precision", "detection P"), ("detection.recall", "detection R"),
           ("detection.f1", "detection F1"), ("tokens.precision", "token overlap P"),
           ("tokens.recall", "token overlap R"), ("attribution.accuracy", "claimer accuracy (matched)"),
           ("joint.precision", "claim+claimer P"), ("joint.recall", "claim+claimer R"),
           ("joint.f1", "claim+claimer F1")]
    for name in ATTRIBUTES:
        out += [(f"{name}.accuracy", f"{name} accuracy"), (f"{name}.macro_f1", f"{name} macro F1")]
    if report.claims is not None and report.claims.predicted_attributes.get("cluster"):
        out += [("clusters.b3.f1", "clusters B³ F1"), ("clusters.pairwise.f1", "clusters pairwise F1")]
    return [(f"claims.{k}", label) for k, label in out]


def claim_table(report: Any) -> Table:
    """Claim figures with their intervals."""
    units = _units(report)
    header = ["figure", "value", *[f"95% CI {u}" for u in units]]
    rows = [[label, fmt(report.figures.get(name)), *[fmt_interval(report.interval(name, u)) for u in units]]
            for name, label in claim_figures(report)]
    return header, rows


def summary_lines(report: Any) -> list[str]:
    """What was scored against what, documents without predictions, skipped items, notes."""
    meta = report.metadata
    gold, preds, skipped = meta["gold"], meta["predictions"], meta["skipped"]
    lines = [f"gold: {gold['path']} ({gold['documents']} documents, sha256 {gold['sha256'][:12]}…)",
             f"predictions: {preds['source']} ({preds['kind']}); documents without predictions "
             f"(scored as predicting nothing): {preds['documents_without_predictions']}"]
    if preds["failed_documents"]:
        lines.append(f"failed documents (extractor error): {', '.join(preds['failed_documents'])}")
    if skipped["total"]:
        reasons = ", ".join(f"{k}: {v}" for k, v in skipped["by_reason"].items())
        lines.append(f"skipped invalid items: {skipped['total']} ({reasons})")
    for view in report.views.values():
        if view.dropped:
            lines.append(f"{view.view.name}: {view.dropped} predicted span(s) of types outside the view left out")
        if view.scores.fallback_components:
            lines.append(f"{view.view.name}: {view.scores.fallback_components} overlap component(s) too large "
                         "for an exact assignment (greedy fallback)")
    return lines + meta["notes"]


def headline_figures(report: Any) -> list[tuple[str, str]]:
    """``(figure name, label)`` compared between two systems."""
    out = []
    for view in report.views:
        scheme = report.options.scheme
        for m in ("precision", "recall", "f1"):
            out.append((f"entities.{view}.{scheme}.{m}", f"{view} {scheme} {m}"))
        out.append((f"entities.{view}.{scheme}.macro.f1", f"{view} {scheme} macro F1"))
    if report.claims is not None:
        out += claim_figures(report)
    return out


def comparison_table(comparison: Any, unit: str) -> Table:
    """A, B, the difference, its paired-bootstrap interval and both p-values, per headline figure."""
    header = ["figure", "A", "B", "A − B", "95% CI", "p (bootstrap)", "p (randomisation)"]
    tests = comparison.tests.get(unit, {})
    rows = []
    for name, label in headline_figures(comparison.a):
        t = tests.get(name)
        if t is None:
            continue
        ci = "—" if t.low is None else f"[{t.low:+.3f}, {t.high:+.3f}]"
        rows.append([label, fmt(t.a), fmt(t.b), "—" if t.diff is None else f"{t.diff:+.3f}", ci,
                     format_p(t.p_bootstrap), format_p(t.p_randomisation)])
    return header, rows


def comparison_notes(comparison: Any) -> list[str]:
    """How far the p-values can go with this many units (only ``2**n`` distinct swaps of ``n`` units)."""
    notes = []
    for unit in comparison.tests:
        n = len(comparison.a.gold.documents) if unit == "documents" else comparison.a.sentences.n
        if n < 20:
            notes.append(f"over {unit}: {n} units allow only 2^{n} = {2 ** n} distinct swaps, so no randomisation "
                         f"p-value can fall below about {2 / 2 ** n:.3f}")
    return notes
