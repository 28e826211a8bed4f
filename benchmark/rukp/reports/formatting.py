"""How numbers are written in every report: scores, intervals, p-values (one place, so tests can rebuild them)."""

from __future__ import annotations

import math
from typing import Any

#: Below this a p-value is printed as a bound: three decimals cannot show it, and no test here resolves it.
P_FLOOR = 0.001


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
    """A p-value with three decimals, ``< 0.001`` below that, ``—`` when not computed or undefined."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "—"
    if p < P_FLOOR:
        return f"< {P_FLOOR:.3f}"
    return f"{p:.3f}"
