"""Plot (PNG, SVG or PDF) of a report (or a comparison): entity F1 per view and claim figures, with 95% intervals
over documents.

Horizontal bars, one row per figure: the overall (micro) and macro F1 first, then each type with its support;
then a claims panel (detection F1, claim+claimer F1, claimer accuracy, attribute macro F1) and, when claims are
scored at sentence level, a claim-sentences panel (F1, P, R; average precision when scores are given). A type
the system never predicted, or a claim attribute it never gave, has no bar and says "not predicted", so it cannot be
mistaken for a score of 0 (which is written as 0.000 next to an empty bar).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rukp.errors import plural
from rukp.reports.tables import NOT_PREDICTED  # the tables say the same

UNDEFINED = "undefined"
COLORS = ("#4c72b0", "#dd8452")
#: Claim figures of the claims panel: (figure name, label, attribute that must be predicted or None).
CLAIM_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("claims.detection.f1", "detection F1", None),
    ("claims.joint.f1", "claim+claimer F1", "claimer"),
    ("claims.attribution.accuracy", "claimer accuracy (matched)", "claimer"),
    ("claims.polarity.macro_f1", "polarity macro F1", "polarity"),
    ("claims.certainty.macro_f1", "certainty macro F1", "certainty"),
    ("claims.topic.macro_f1", "topic macro F1", "topic"),
)


@dataclass(frozen=True)
class Bar:
    """One bar: its value and interval, or why there is none (``note``: not predicted / undefined)."""

    value: float | None
    low: float | None = None
    high: float | None = None
    note: str | None = None


def _bar(report: Any, name: str, value: float | None, note: str | None = None) -> Bar:
    if note is not None:
        return Bar(None, note=note)
    if value is None:
        return Bar(None, note=UNDEFINED)
    iv = report.interval(name, "documents")
    if iv is None or iv.low is None:
        return Bar(value)
    return Bar(value, iv.low, iv.high)


def predicted_labels(report: Any, view: str) -> set[str]:
    """Labels the system gave at least once in ``view`` (per-type ``actual`` counts every prediction of the
    type, text items found nowhere included: the tables mark the same types "not predicted")."""
    counts, scheme = report.views[view].counts, report.options.scheme
    return {label for label in counts.labels if counts.actual(scheme, label) > 0}


def entity_rows(reports: list[Any], view: str) -> list[tuple[str, list[Bar]]]:
    """``(row label, one bar per report)``: overall, macro, then every type in the gold or the predictions."""
    first = reports[0]
    scheme = first.options.scheme
    key = f"entities.{view}.{scheme}"
    counts = [r.views[view].counts for r in reports]
    given = [predicted_labels(r, view) for r in reports]
    rows = [(f"overall (micro), n={counts[0].possible(scheme)}",
             [_bar(r, f"{key}.f1", r.figures.get(f"{key}.f1")) for r in reports]),
            ("macro", [_bar(r, f"{key}.macro.f1", r.figures.get(f"{key}.macro.f1")) for r in reports])]
    for label in first.views[view].view.labels:
        if not any(c.possible(scheme, label) + c.actual(scheme, label) for c in counts):
            continue
        bars = []
        for r, labels in zip(reports, given, strict=True):
            note = None if label in labels else NOT_PREDICTED
            bars.append(_bar(r, f"{key}.{label}.f1", r.figures.get(f"{key}.{label}.f1"), note))
        rows.append((f"{label}, n={counts[0].possible(scheme, label)}", bars))
    return rows


def _unscored(report: Any, task: str) -> str:
    """Why a task has no bars: the report's scope (not predicted, no gold, not requested, not compared)."""
    return (getattr(report, "scope", None) or {}).get(task) or NOT_PREDICTED


def claim_rows(reports: list[Any]) -> list[tuple[str, list[Bar]]]:
    """``(row label, one bar per report)`` of the claims panel; one "claims: not predicted" row when no report
    has claims."""
    if all(r.claims is None for r in reports):
        return [("claims", [Bar(None, note=f"claims: {_unscored(r, 'claims')}") for r in reports])]
    rows = []
    for name, label, attribute in CLAIM_ROWS:
        bars = []
        for r in reports:
            if r.claims is None:
                bars.append(Bar(None, note=NOT_PREDICTED))
                continue
            predicted = attribute is None or r.claims.predicted_attributes.get(attribute, False)
            bars.append(_bar(r, name, r.figures.get(name), None if predicted else NOT_PREDICTED))
        rows.append((label, bars))
    return rows


#: Figures of the claim-sentences panel: (figure name, label, needs scores).
SENTENCE_ROWS: tuple[tuple[str, str, bool], ...] = (
    ("sentences.f1", "claim-sentence F1", False),
    ("sentences.precision", "claim-sentence P", False),
    ("sentences.recall", "claim-sentence R", False),
    ("sentences.average_precision", "average precision", True),
)


def sentence_rows(reports: list[Any]) -> list[tuple[str, list[Bar]]]:
    """``(row label, one bar per report)`` of the claim-sentences panel (empty when no report has it)."""
    results = [getattr(r, "claim_sentences", None) for r in reports]
    if all(sr is None for sr in results):
        return []
    rows = []
    for name, label, scores in SENTENCE_ROWS:
        if scores and not any(sr is not None and sr.scored for sr in results):
            continue
        bars = []
        for r, sr in zip(reports, results, strict=True):
            if sr is None:
                bars.append(Bar(None, note=f"sentences: {_unscored(r, 'sentences')}"))
            else:
                bars.append(_bar(r, name, r.figures.get(name), None if sr.scored or not scores else "no scores"))
        rows.append((label, bars))
    return rows


def _panel(ax: Any, title: str, rows: list[tuple[str, list[Bar]]], names: list[str], *, split: int = 0) -> None:
    """Draw one panel of horizontal bars (with value and interval) and notes where there is no bar."""
    k = len(names)
    height = 0.8 / k
    for j, (_, bars) in enumerate(rows):
        for i, bar in enumerate(bars):
            y = j + (i - (k - 1) / 2) * height
            if bar.value is None:
                ax.text(0.01, y, bar.note or UNDEFINED, va="center", ha="left", fontsize=8, style="italic",
                        color="#555555")
                continue
            err = None
            if bar.low is not None:
                err = [[max(bar.value - bar.low, 0.0)], [max(bar.high - bar.value, 0.0)]]
            ax.barh(y, bar.value, height * 0.9, xerr=err, capsize=2, color=COLORS[i % len(COLORS)],
                    error_kw={"elinewidth": 1})
            end = max(bar.value, bar.high if bar.high is not None else bar.value)
            ax.text(end + 0.01, y, f"{bar.value:.3f}", va="center", ha="left", fontsize=8)
    ax.set_yticks(range(len(rows)), [label for label, _ in rows], fontsize=9)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1.12)
    ax.set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if split:
        ax.axhline(split - 0.5, color="#888888", linewidth=0.8, linestyle="--")
    ax.set_title(title, fontsize=10, loc="left")


def _name(source: Any) -> str:
    text = str(source)
    return Path(text).name if ("/" in text or "\\" in text) else text


def title(obj: Any) -> str:
    """The figure's title: the system(s), the gold, the scheme and what the intervals are."""
    reports = [obj.a, obj.b] if hasattr(obj, "tests") else [obj]
    first = reports[0]
    systems = " vs ".join(f"{tag}{_name(r.predictions.source)}" for tag, r in
                          zip(("A: ", "B: ") if len(reports) > 1 else ("",), reports, strict=True))
    gold = first.metadata["gold"]
    return (f"{systems} — gold {_name(gold['path'])} ({plural(gold['documents'], 'documents')}); "
            f"scheme {first.options.scheme}; 95% bootstrap intervals over documents")


def figure(obj: Any) -> Any:
    """The matplotlib figure of a report or a comparison (grouped bars A and B)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from rukp.scoring.schemes import PER_TYPE_CONVENTION

    reports = [obj.a, obj.b] if hasattr(obj, "tests") else [obj]
    names = [f"{tag}: {_name(r.predictions.source)}" for tag, r in zip("AB", reports, strict=False)]
    panels: list[tuple[str, list[tuple[str, list[Bar]]], int]] = []
    for view in reports[0].views:
        scheme = reports[0].options.scheme
        panels.append((f"entities, view {view}: F1 ({scheme})", entity_rows(reports, view), 2))
    if not reports[0].views:
        panels.append(("entities", [("entities", [Bar(None, note=f"entities: {_unscored(r, 'entities')}")
                                                  for r in reports])], 0))
    panels.append(("claims (token Jaccard match)", claim_rows(reports), 0))
    if sentence_rows(reports):
        panels.append(("claim sentences (a gold claim overlaps the sentence)", sentence_rows(reports), 0))
    sizes = [len(rows) * (0.28 + 0.14 * len(reports)) + 0.7 for _, rows, _ in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, sum(sizes) + 0.8), height_ratios=sizes,
                             layout="constrained", squeeze=False)
    for ax, (panel_title, rows, split) in zip(axes[:, 0], panels, strict=True):
        _panel(ax, panel_title, rows, names, split=split)
    axes[-1, 0].set_xlabel("score (bar: point value, whisker: 95% interval over documents)", fontsize=9)
    if len(reports) > 1:
        fig.legend(handles=[Patch(color=COLORS[i], label=n) for i, n in enumerate(names)], loc="outside lower center",
                   ncols=len(names), fontsize=9, frameon=False)
    lines = textwrap.wrap(title(obj), 100)
    if reports[0].views:  # one short line, as in every report
        lines.append(f"per type: {PER_TYPE_CONVENTION}")
    for tag, r in zip(("A: ", "B: ") if len(reports) > 1 else ("",), reports, strict=True):
        if (coverage := getattr(r, "coverage_note", None)) is not None:
            lines += textwrap.wrap(tag + coverage, 100)
    fig.suptitle("\n".join(lines), fontsize=10)
    return fig


#: File formats :func:`write` can write, by suffix (matplotlib's ``format=``).
FORMATS: tuple[str, ...] = ("png", "svg", "pdf")


def plot_format(path: str | Path) -> str:
    """The format a plot path asks for by its suffix (png, svg or pdf); any other suffix is an error, raised
    before anything is scored."""
    from rukp.errors import RukpError

    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        shown = f"a .{suffix} file" if suffix else "a file without a suffix"
        wanted = ", ".join(f".{f}" for f in FORMATS)
        raise RukpError(f"--plot {path}: cannot write a plot as {shown}; use a file name ending in {wanted}")
    return suffix


def render(obj: Any, fmt: str = "png") -> bytes:
    """The bytes of :func:`figure` in ``fmt`` (png, svg or pdf; no timestamps, so the same report writes the
    same bytes)."""
    import matplotlib.pyplot as plt

    fig = figure(obj)
    buf = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Date": None} if fmt == "svg" else {"CreationDate": None}
    fig.savefig(buf, format=fmt, dpi=100, metadata=metadata)
    plt.close(fig)
    return buf.getvalue()


def write(obj: Any, path: str | Path) -> None:
    """Write the plot atomically (temporary file, then rename), in the format of the path's suffix."""
    from rukp.io.atomic import check_writable, write_bytes_atomic

    path = Path(path)
    plot_format(path)
    check_writable(path)
    write_bytes_atomic(path, render(obj, plot_format(path)))
