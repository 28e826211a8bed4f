"""How numbers are written in every report: scores, intervals, p-values (one place, so tests can rebuild them)."""

from __future__ import annotations

from typing import Any


def fmt(x: float | None) -> str:
    """A score with three decimals; ``—`` when undefined."""
    return "—" if x is None else f"{x:.3f}"


def fmt_interval(iv: Any) -> str:
    """``[low, high]`` of a bootstrap interval; empty when not computed, ``—`` when undefined."""
    if iv is None:
        return ""
    if iv.low is None:
        return "—"
    return f"[{iv.low:.3f}, {iv.high:.3f}]"


def format_p(p: float | None) -> str:
    """A p-value: ``< 0.001`` below 0.001, three decimals otherwise, ``—`` when undefined."""
    if p is None:
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"
