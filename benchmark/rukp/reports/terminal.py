"""Rich terminal tables that fit the terminal: complete at 80 columns, more detail when wide or verbose.

Narrow (< :data:`WIDE` columns): per view the headline-scheme table (type, P, R, F1, 95% intervals, support)
and the four schemes side by side; then the claim figures. Wide or ``verbose``: per view and scheme the
per-type table with every outcome count. Number columns never wrap or shrink: only names may fold, and a
table that cannot fit is split (scores, then counts) or, as a last resort, printed wider than the terminal.
"""

from __future__ import annotations

import shutil
from typing import Any

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from rukp.errors import printable
from rukp.reports.tables import (
    alignment_item_lines,
    alignment_lines,
    claim_table,
    comparison_notes,
    comparison_table,
    confusion_table,
    counts_table,
    not_predicted_line,
    overall_table,
    schemes_table,
    sentence_table,
    sentence_title,
    summary_lines,
    unresolved_claimer_lines,
)
from rukp.scoring.counts import SCHEMES

#: Terminal width from which the detailed tables are shown without ``--verbose``.
WIDE = 120
BOLD_ROWS = frozenset({"overall", "macro"})


def terminal_width() -> int:
    """Columns of the terminal (``COLUMNS`` first, then the terminal itself; 80 when piped)."""
    return shutil.get_terminal_size((80, 24)).columns


def _table(title: str, header: list[str], rows: list[list[str]], *, compact: bool = False,
           tight: bool = False) -> Table:
    """A table whose first column (names) may fold and whose number columns never wrap or shrink;
    ``compact``: less space between columns; ``tight``: one space."""
    title, header = printable(title), [printable(h) for h in header]
    rows = [[printable(c) for c in row] for row in rows]  # labels and names come from the input: escaped
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  collapse_padding=compact, padding=(0, 0) if tight else (0, 1))
    for i, name in enumerate(header):
        width = max([len(name), *(len(row[i]) for row in rows)])
        if i == 0:
            table.add_column(name, justify="left", overflow="fold", min_width=min(width, 10))
        else:
            table.add_column(name, justify="right", no_wrap=True, min_width=width)
    for row in rows:
        table.add_row(*row, style="bold" if row[0] in BOLD_ROWS else None)
    return table


def _measure(table: Table, console: Console) -> Measurement:
    """Narrowest (names folded) and natural width of a table, whatever the console's width."""
    return Measurement.get(console, console.options.update_width(10_000), table)


def _print(table: Table, console: Console) -> None:
    """Print a table; one too wide even with folded names is printed at its full width (never cut)."""
    m = _measure(table, console)
    console.print(table, width=m.maximum if m.minimum > console.width else None)


def _print_first_fitting(tables: list[list[Table]], console: Console) -> None:
    """Print the first group of tables whose natural width fits the console (else the last group)."""
    for group in tables:
        if all(_measure(t, console).maximum <= console.width for t in group):
            break
    for table in group:
        _print(table, console)


def _say(console: Console, line: str) -> None:
    console.print(printable(line), highlight=False, markup=False)


def _entities(report: Any, name: str, console: Console, detail: bool) -> None:
    """The tables of one view: headline scheme (all schemes with counts when ``detail``), schemes side by side."""
    headline = report.options.scheme
    if detail:
        for scheme in (headline, *(s for s in SCHEMES if s != headline)):
            title = f"entities, view {name}, scheme {scheme}"
            _print_first_fitting([
                [_table(title, *overall_table(report, name, scheme, counts=True))],
                [_table(title, *overall_table(report, name, scheme, counts=True, short=True))],
                [_table(title, *overall_table(report, name, scheme, counts=True, short=True), compact=True)],
                [_table(title, *overall_table(report, name, scheme, short=True)),
                 _table(f"{title}: outcome counts", *counts_table(report, name, scheme))]], console)
    else:
        title = f"entities, view {name}, scheme {headline}"
        _print_first_fitting([[_table(title, *overall_table(report, name))],
                              [_table(title, *overall_table(report, name, short=True))]], console)
    if (line := not_predicted_line(report, name)) is not None:  # the plot marks the same types
        _say(console, line)
    _print(_table(f"entities, view {name}: the four schemes", *schemes_table(report, name)), console)
    if detail:
        title = f"entities, view {name}: type confusion (same boundaries)"
        _print_first_fitting([[_table(title, *confusion_table(report, name))],
                              [_table(title, *confusion_table(report, name, short=True), tight=True)]], console)
    link = report.views[name].scores.linking
    if link.matched and report.views[name].linking_predicted:
        _say(console, f"entity linking on matched mentions: {link.correct}/{link.matched} = {link.accuracy:.3f}")


def render_report(report: Any, console: Console, *, verbose: bool = False) -> None:
    """Print one report: summary, alignment counts and items, entity tables per view, claim figures."""
    detail = verbose or console.width >= WIDE
    for line in summary_lines(report) + alignment_lines(report) + alignment_item_lines(report) \
            + unresolved_claimer_lines(report):
        _say(console, line)
    for name in report.views:
        _entities(report, name, console, detail)
    if report.claims is not None:
        title = f"claims (token Jaccard ≥ {report.claims.threshold}, unit: {report.claims.unit})"
        _print_first_fitting([[_table(title, *claim_table(report))],
                              [_table(title, *claim_table(report, short=True))]], console)
    if getattr(report, "claim_sentences", None) is not None:
        title = sentence_title(report)
        _print_first_fitting([[_table(title, *sentence_table(report))],
                              [_table(title, *sentence_table(report, short=True))]], console)


def render_comparison(comparison: Any, console: Console, *, verbose: bool = False) -> None:
    """Print both systems' summaries and the paired tests on their differences."""
    for tag, report in (("A", comparison.a), ("B", comparison.b)):
        console.rule(printable(f"{tag}: {report.predictions.source}"))
        render_report(report, console, verbose=verbose)
    console.rule("A − B")
    for line in [*comparison.conclusions(), *comparison_notes(comparison)]:
        _say(console, line)
    for unit in comparison.tests:
        title = f"paired tests over {unit} ({comparison.shuffles} shuffles)"
        _print_first_fitting([[_table(title, *comparison_table(comparison, unit))],
                              [_table(title, *comparison_table(comparison, unit, short=True))],
                              [_table(title, *comparison_table(comparison, unit, short=True), compact=True)]],
                             console)


def render(obj: Any, console: Console | None = None, *, verbose: bool = False) -> None:
    """Print a report or a comparison to ``console`` (default: standard output at the terminal's width)."""
    if console is None:
        console = Console(width=terminal_width(), highlight=False)
    if hasattr(obj, "tests"):
        render_comparison(obj, console, verbose=verbose)
    else:
        render_report(obj, console, verbose=verbose)
