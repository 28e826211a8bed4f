"""``leaderboard.png``: entity F1 (strict) per system with one bar per view, and claim detection F1, both with
95% intervals over documents. Renders the leaderboard dict only; nothing is re-scored.

A system whose label map drops some of its labels on the fine view (spaCy's WikiNER LOC and MISC) is marked
with an asterisk and the labels it can still get right, so its low fine F1 is not read as a model failure.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

VIEW_COLORS = {"fine": "#4c72b0", "coarse": "#8fb0d9"}
CLAIM_COLOR = "#dd8452"


def _kept_labels(board: Mapping[str, Any], row: Mapping[str, Any]) -> list[str] | None:
    """Labels a row's label map keeps, when that map (a file of the board) drops some; else None."""
    mapping = (board.get("label_maps") or {}).get(row.get("label_map") or "")
    if not isinstance(mapping, Mapping) or all(v is not None for v in mapping.values()):
        return None
    return list(dict.fromkeys(v for v in mapping.values() if v is not None))


def restricted_note(board: Mapping[str, Any], system: str, view: str) -> str | None:
    """``fine: PER/ORG only`` for a system whose label map on ``view`` drops labels; None otherwise."""
    for row in board["rows"]:
        if row["system"] == system and row["view"] == view and (kept := _kept_labels(board, row)):
            return f"{view}: {'/'.join(kept)} only"
    return None


def _err(value: float | None, ci: Any) -> tuple[float, float]:
    if value is None or not ci or ci[0] is None:
        return 0.0, 0.0
    return max(0.0, 100 * (value - ci[0])), max(0.0, 100 * (ci[1] - value))


def figure(board: Mapping[str, Any]) -> Any:
    """One row per system: entity F1 per view (legend) and claim detection F1, with intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    rows = board["rows"]
    systems = list(dict.fromkeys(r["system"] for r in rows))
    views = list(dict.fromkeys(r["view"] for r in rows))
    by_key = {(r["system"], r["view"]): r for r in rows}
    notes = {s: [n for v in views if (n := restricted_note(board, s, v))] for s in systems}
    labels = [s + ("*" if notes[s] else "") for s in systems]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 0.55 * len(systems) * max(len(views), 1) ** 0.5 + 2.2),
                                  sharey=True, width_ratios=[3, 2], layout="constrained")
    height = 0.8 / max(len(views), 1)
    for k, view in enumerate(views):
        for i, system in enumerate(systems):
            row = by_key.get((system, view))
            if row is None:
                continue
            y = i + (k - (len(views) - 1) / 2) * height
            value = row.get("entity_f1_strict")
            low, high = _err(value, row.get("entity_f1_strict_ci"))
            if value is None:
                ax.text(1, y, "—", va="center", fontsize=8)
                continue
            ax.barh(y, 100 * value, height * 0.9, xerr=[[low], [high]], capsize=2, color=VIEW_COLORS.get(view))
            text = f"{100 * value:.1f}"
            if (note := restricted_note(board, system, view)) is not None:
                text += f"  ({note})"
            ax.text(100 * value + high + 1, y, text, va="center", fontsize=8)
    ax.set_yticks(range(len(systems)), labels, fontsize=9)
    ax.set_ylim(len(systems) - 0.5, -0.5)
    ax.set_xlim(0, 125)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("entity F1, strict (%), 95% CI over documents")
    ax.legend(handles=[Patch(color=VIEW_COLORS.get(v), label=f"{v} view") for v in views], fontsize=8,
              loc="upper right")
    ax2.set_xlim(0, 125)
    ax2.set_xticks(range(0, 101, 20))
    claim_view = views[0] if views else None
    for i, system in enumerate(systems):
        row = by_key.get((system, claim_view))
        value = row.get("claim_f1") if row is not None and row.get("claims_scored") else None
        if value is None:
            ax2.text(1, i, "no claims predicted", va="center", fontsize=8, style="italic", color="#555555")
            continue
        low, high = _err(value, row.get("claim_f1_ci"))
        ax2.barh(i, 100 * value, 0.5, xerr=[[low], [high]], capsize=2, color=CLAIM_COLOR)
        ax2.text(100 * value + high + 1, i, f"{100 * value:.1f}", va="center", fontsize=8)
    ax2.set_xlabel("claim detection F1 (%), 95% CI over documents")
    for a in (ax, ax2):
        a.grid(axis="x", color="#dddddd", linewidth=0.6)
        a.set_axisbelow(True)
    g = board["gold"]
    fig.suptitle(f"rukp-fr leaderboard — {g['documents']} documents, {g['entities']} entities, "
                 f"{g['claims']} claims", fontsize=11)
    if any(notes.values()):
        fig.supxlabel("* the label map drops some of the system's labels on this view, so only the labels in "
                      "brackets can be right", fontsize=8)
    return fig


def render_png(board: Mapping[str, Any]) -> bytes:
    """The PNG bytes of :func:`figure`."""
    import matplotlib.pyplot as plt

    fig = figure(board)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()
