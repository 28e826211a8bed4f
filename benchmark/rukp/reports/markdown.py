"""Markdown tables of a report or a comparison (the same tables as the terminal)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rukp.errors import printable
from rukp.io.atomic import write_text_atomic
from rukp.reports.tables import (
    alignment_lines,
    claim_table,
    comparison_notes,
    comparison_table,
    entity_table,
    not_predicted_line,
    schemes_table,
    sentence_table,
    sentence_title,
    summary_lines,
)


def _escape(cell: str) -> str:
    """A table cell that stays one cell: ``|`` escaped, line breaks and control characters as ``\\x0a``."""
    return printable(cell).replace("|", "\\|")


def _numeric(cells: list[str]) -> bool:
    """Whether a column holds numbers (or — for undefined ones), which are right-aligned."""
    return all(re.fullmatch(r"[-+<>=≤≥ ]*[\d.,%\[\]– ]+|—|", c.strip()) for c in cells)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured Markdown table: the first column and text columns left-aligned, numbers right-aligned."""
    align = [":---" if i == 0 or not _numeric([row[i] for row in rows]) else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(map(_escape, header)) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(map(_escape, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def report_markdown(report: Any, *, level: int = 2) -> str:
    """One report as Markdown: summary bullets, entity tables per view, claim figures."""
    h = "#" * level
    lines = summary_lines(report) + alignment_lines(report)
    parts = [f"{h} Evaluation\n", "".join(f"- {line}\n" for line in lines)]
    for name in report.views:
        header, rows = entity_table(report, name)
        parts.append(f"\n{h}# Entities: view `{name}`, scheme `{report.options.scheme}`\n\n" + table(header, rows))
        if (line := not_predicted_line(report, name)) is not None:
            parts.append(f"\n{line}\n")
        header, rows = schemes_table(report, name)
        parts.append(f"\n{h}# Entities: view `{name}`, the four schemes\n\n" + table(header, rows))
    if report.claims is not None:
        header, rows = claim_table(report)
        parts.append(f"\n{h}# Claims (token Jaccard ≥ {report.claims.threshold})\n\n" + table(header, rows))
    if getattr(report, "claim_sentences", None) is not None:
        header, rows = sentence_table(report)
        title = sentence_title(report)
        parts.append(f"\n{h}# Claim sentences\n\n{title[0].upper()}{title[1:]}.\n\n" + table(header, rows))
    alignment = getattr(report, "alignment", None)
    if alignment:
        parts.append(f"\n{h}# Alignment of text-anchored predictions\n\n" + alignment_markdown(alignment))
    unresolved = getattr(report, "unresolved_claimers", None)
    if unresolved:
        parts.append(f"\n{h}# Unresolved claimers (scored as wrong claimers)\n\n" + table(
            ["doc", "claimer", "claims"], [[u["doc"], u["claimer"], str(u["claims"])] for u in unresolved]))
    return "".join(parts)


def alignment_markdown(alignment: dict[str, Any]) -> str:
    """Items per alignment status and kind, then the unaligned items (counted as spurious) and the fuzzy ones."""
    kinds = [k for k in ("entities", "claims") if k in alignment]
    statuses = list(next(iter(alignment[k] for k in kinds)).keys()) if kinds else []
    out = table(["status", *kinds], [[s, *[str(alignment[k][s]) for k in kinds]] for s in statuses])
    unaligned = alignment.get("unaligned") or []
    if unaligned:
        out += "\nUnaligned (counted as spurious):\n\n" + table(
            ["doc", "kind", "text", "label / claimer", "why"],
            [[u["doc"], u["kind"], u["text"], str(u.get("label", u.get("claimer")) or ""), u.get("reason") or ""]
             for u in unaligned])
    fuzzy = alignment.get("fuzzy") or []
    if fuzzy:
        out += "\nFuzzy (placed on a similar text):\n\n" + table(
            ["doc", "kind", "text", "placed on", "similarity", "label / claimer"],
            [[u["doc"], u["kind"], u["text"], u["matched"], f"{u['score']:.3f}",
              str(u.get("label", u.get("claimer")) or "")] for u in fuzzy])
    return out


def comparison_markdown(comparison: Any) -> str:
    """Both reports and the paired tests."""
    parts = [f"# Comparison\n\n- A: {comparison.a.predictions.source}\n- B: {comparison.b.predictions.source}\n"]
    parts += [f"- {line}\n" for line in [*comparison.conclusions(), *comparison_notes(comparison)]]
    for unit in comparison.tests:
        header, rows = comparison_table(comparison, unit)
        parts.append(f"\n## A − B over {unit} ({comparison.shuffles} shuffles)\n\n" + table(header, rows))
    for tag, report in (("A", comparison.a), ("B", comparison.b)):
        parts.append(f"\n## {tag}\n\n" + report_markdown(report, level=3))
    return "".join(parts)


def render(obj: Any) -> str:
    """Markdown of a report or a comparison."""
    return comparison_markdown(obj) if hasattr(obj, "tests") else report_markdown(obj)


def write(obj: Any, path: str | Path) -> None:
    write_text_atomic(path, render(obj))
