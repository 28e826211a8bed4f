"""Every option of an evaluation, checked once at the boundary (:func:`make_options`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rukp.defaults import DEFAULT_RESAMPLES, DEFAULT_THRESHOLD
from rukp.errors import RukpError
from rukp.scoring.counts import SCHEMES
from rukp.views import get_view


@dataclass(frozen=True)
class Options:
    """Every option of an evaluation (recorded in the report's metadata)."""

    views: tuple[str, ...] = ("fine.v1",)
    label_map: str | None = None
    scheme: str = "strict"
    min_overlap: float = 0.0
    claim_threshold: float = DEFAULT_THRESHOLD
    nervaluate_compatible: bool = False
    bootstrap: int = DEFAULT_RESAMPLES
    seed: int = 0
    skip_invalid: bool = False
    entities: bool = True
    claims: bool = True
    format: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def _number(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise RukpError(f"{name}={value!r} must be a number between {low} and {high}")
    return float(value)


def make_options(*, view: str | Sequence[str] = "fine", label_map: str | Path | None = None,
                 scheme: str = "strict", min_overlap: float = 0.0, claim_threshold: float = DEFAULT_THRESHOLD,
                 nervaluate_compatible: bool = False, bootstrap: int = DEFAULT_RESAMPLES, seed: int = 0,
                 skip_invalid: bool = False, entities: bool = True, claims: bool = True,
                 format: str = "auto") -> Options:
    """Check every option once, at the boundary; a bad value names the option and what it accepts."""
    names = [view] if isinstance(view, str) else list(view)
    if not names:
        raise RukpError("view: give at least one view (fine, coarse)")
    views = tuple(dict.fromkeys(get_view(v).name for v in names))
    if scheme not in SCHEMES:
        raise RukpError(f"scheme={scheme!r} is not one of {', '.join(SCHEMES)}")
    for name, v in (("bootstrap", bootstrap), ("seed", seed)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise RukpError(f"{name}={v!r} must be a non-negative integer")
    if not entities and not claims:
        raise RukpError("nothing to score: --no-entities and --no-claims together leave nothing")
    return Options(views, str(label_map) if label_map is not None else None, scheme,
                   _number("min_overlap", min_overlap, 0.0, 1.0),
                   _number("claim_threshold", claim_threshold, 0.0, 1.0), bool(nervaluate_compatible),
                   bootstrap, seed, bool(skip_invalid), bool(entities), bool(claims), format)
