"""Number formats shared by the renderers; a p-value never prints as a misleading ``0.000``."""

from __future__ import annotations

import math

#: Below this a p-value is printed as a bound: three decimals cannot show it, and no test here resolves it.
P_FLOOR = 0.001


def format_p(p: float | None) -> str:
    """A p-value with three decimals, ``< 0.001`` below that, ``—`` when not computed or undefined."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "—"
    if p < P_FLOOR:
        return f"< {P_FLOOR:.3f}"
    return f"{p:.3f}"
