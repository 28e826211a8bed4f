"""Every option of an evaluation, checked once at the boundary (:func:`make_options`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rukp.defaults import DEFAULT_RESAMPLES, DEFAULT_THRESHOLD, MAX_RESAMPLES
from rukp.errors import RukpError, quote
from rukp.scoring.counts import SCHEMES
from rukp.views import get_view

#: Prediction file formats (``auto``: by the file's extension).
FORMATS: tuple[str, ...] = ("auto", "jsonl", "conll", "labelstudio", "checkthat")
#: How CoNLL tags are chunked (``auto``: strict IOB2 for ``.iob2`` files, conlleval's lenient rule otherwise).
BIO_RULES: tuple[str, ...] = ("auto", "iob2", "conlleval")


@dataclass(frozen=True)
class Options:
    """Every option of an evaluation (recorded in the report's metadata). ``entities``/``claims`` None: scored
    when both the gold and the predictions have them (the scope is inferred, see :mod:`rukp.evaluation.scope`)."""

    views: tuple[str, ...] = ("fine.v1",)
    label_map: str | None = None
    scheme: str = "strict"
    min_overlap: float = 0.0
    claim_threshold: float = DEFAULT_THRESHOLD
    nervaluate_compatible: bool = False
    bootstrap: int = DEFAULT_RESAMPLES
    seed: int = 0
    skip_invalid: bool = False
    entities: bool | None = None
    claims: bool | None = None
    format: str = "auto"
    bio: str = "auto"
    docs: tuple[str, ...] | None = None
    inclusive_ends: bool = False
    #: Each text-anchored item projected onto every free occurrence of its text (for answers that list each
    #: entity once); off by default, and said in every report when on.
    all_occurrences: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


def _number(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise RukpError(f"{name}={value!r} must be a number between {low} and {high}")
    return float(value)


def _choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise RukpError(f"{name}={str(value)[:60]!r} is not one of {', '.join(allowed)}")
    return value


def _scope(name: str, value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise RukpError(f"{name}={str(value)[:60]!r} must be True, False or None (None: scored when the gold and "
                        "the predictions have them)")
    return value


def _docs(docs: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if docs is None:
        return None
    names = [docs] if isinstance(docs, str) else list(docs)
    if not names or not all(isinstance(d, str) and d for d in names):
        raise RukpError(f"docs={str(docs)[:60]!r} must be one or more document ids (strings)")
    return tuple(dict.fromkeys(names))


def make_options(*, view: str | Sequence[str] = "fine", label_map: str | Path | None = None,
                 scheme: str = "strict", min_overlap: float = 0.0, claim_threshold: float = DEFAULT_THRESHOLD,
                 nervaluate_compatible: bool = False, bootstrap: int = DEFAULT_RESAMPLES, seed: int = 0,
                 skip_invalid: bool = False, entities: bool | None = None, claims: bool | None = None,
                 format: str = "auto", bio: str = "auto", docs: str | Sequence[str] | None = None,
                 inclusive_ends: bool = False, all_occurrences: bool = False) -> Options:
    """Check every option once, at the boundary; a bad value names the option and what it accepts."""
    names = [view] if isinstance(view, str) else list(view) if isinstance(view, Sequence) else None
    if not names or not all(isinstance(v, str) for v in names):
        raise RukpError(f"view={quote(view)} must be a view name or a list of them (fine, coarse)")
    views = tuple(dict.fromkeys(get_view(v).name for v in names))
    _choice("scheme", scheme, SCHEMES)
    for name, v in (("bootstrap", bootstrap), ("seed", seed)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise RukpError(f"{name}={quote(v)} must be a non-negative integer")
    if bootstrap > MAX_RESAMPLES:
        raise RukpError(f"bootstrap={bootstrap} is more than {MAX_RESAMPLES:,} resamples, the most accepted (1,000 "
                        "already fix the reported digits; --bootstrap 0 leaves the intervals out)")
    for name, flag in (("skip_invalid", skip_invalid), ("nervaluate_compatible", nervaluate_compatible),
                       ("inclusive_ends", inclusive_ends)):
        if not isinstance(flag, bool):
            raise RukpError(f"{name}={quote(flag)} must be True or False")
    entities, claims = _scope("entities", entities), _scope("claims", claims)
    if not isinstance(all_occurrences, bool):
        raise RukpError(f"all_occurrences={str(all_occurrences)[:60]!r} must be True or False")
    if entities is False and claims is False:
        raise RukpError("nothing to score: entities=False and claims=False (--no-entities --no-claims) together "
                        "leave nothing")
    return Options(views, str(label_map) if label_map is not None else None, scheme,
                   _number("min_overlap", min_overlap, 0.0, 1.0),
                   _number("claim_threshold", claim_threshold, 0.0, 1.0), bool(nervaluate_compatible),
                   bootstrap, seed, bool(skip_invalid), entities, claims, _choice("format", format, FORMATS),
                   _choice("bio", bio, BIO_RULES), _docs(docs), bool(inclusive_ends), all_occurrences)
