"""Rich terminal tables: entity scores per view (headline scheme) and claim figures, with 95% intervals."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from rukp.reports.tables import claim_table, comparison_notes, comparison_table, entity_table, summary_lines


def _table(title: str, header: list[str], rows: list[list[str]]) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i == 0 else "right", no_wrap=i > 0)
    for row in rows:
        table.add_row(*row, style="bold" if row[0] in {"overall", "macro"} else None)
    return table


def render_report(report: Any, console: Console) -> None:
    """Print one report."""
    for line in summary_lines(report):
        console.print(line, highlight=False, markup=False)
    for name in report.views:
        header, rows = entity_table(report, name)
        console.print(_table(f"entities, view {name}, scheme {report.options.scheme}", header, rows))
        link = report.views[name].scores.linking
        if link.matched and report.views[name].linking_predicted:
            console.print(f"entity linking on matched mentions: {link.correct}/{link.matched} "
                          f"= {link.accuracy:.3f}", highlight=False)
    if report.claims is not None:
        header, rows = claim_table(report)
        console.print(_table(f"claims (token Jaccard ≥ {report.claims.threshold}, unit: {report.claims.unit})",
                             header, rows))


def render_comparison(comparison: Any, console: Console) -> None:
    """Print both systems' summaries and the paired tests on their differences."""
    for tag, report in (("A", comparison.a), ("B", comparison.b)):
        console.rule(f"{tag}: {report.predictions.source}")
        render_report(report, console)
    console.rule("A − B")
    for line in comparison_notes(comparison):
        console.print(line, highlight=False, markup=False)
    for unit in comparison.tests:
        header, rows = comparison_table(comparison, unit)
        console.print(_table(f"paired tests over {unit} ({comparison.shuffles} shuffles)", header, rows))


def render(obj: Any, console: Console | None = None) -> None:
    """Print a report or a comparison to ``console`` (default: standard output)."""
    if console is None:
        console = Console()
        if not console.is_terminal:  # piped or captured: do not squeeze the tables into 80 columns
            console = Console(width=max(console.width, 140))
    if hasattr(obj, "tests"):
        render_comparison(obj, console)
    else:
        render_report(obj, console)
