"""Marks for the HTML page: a document's text cut into non-overlapping segments, each carrying every span over it.

Pure functions over the page data of :mod:`rukp.reports.html` (plain dicts), so they are testable without a
report. A segment covered by a gold span and a predicted span that overlap only in part carries both, so
overlapping gold/predicted spans render correctly: the boundary set of all spans cuts the text, and a segment
gets the classes of all the spans covering it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: Display names of the entity outcomes (the report's vocabulary, ``docs/scoring.md``).
OUTCOME_NAMES: dict[str, str] = {
    "correct": "correct", "incorrect": "wrong type", "partial": "boundary", "partial_incorrect": "boundary + type",
    "missed": "missed", "spurious": "spurious",
}
#: Most to least severe: the colour of a segment under several spans is that of the first one here.
SEVERITY: tuple[str, ...] = ("missed", "spurious", "partial_incorrect", "incorrect", "partial", "correct")


def quote(text: str | None, limit: int = 80) -> str:
    """``«text»`` shortened to ``limit`` characters (for titles and table cells)."""
    if text is None:
        return ""
    text = " ".join(text.split())
    return f"«{text if len(text) <= limit else text[: limit - 1] + '…'}»"


def item_types(item: Mapping[str, Any]) -> list[str]:
    """The types an outcome belongs to (gold and predicted label, once each): the type filter matches either."""
    labels = [s["label"] for s in (item.get("gold"), item.get("pred")) if s is not None]
    return list(dict.fromkeys(labels))


def item_title(item: Mapping[str, Any], text: str | None) -> str:
    """What the hover shows: outcome, gold label and text, predicted label and text (or the item's ``title``)."""
    if "title" in item:
        return item["title"]

    def span(s: Mapping[str, Any] | None) -> str:
        if s is None:
            return "—"
        words = quote(text[s["start"]:s["end"]]) if text is not None else ""
        return f"{s['label']} {words} [{s['start']}, {s['end']})".replace("  ", " ")

    return f"{OUTCOME_NAMES[item['outcome']]} — gold: {span(item.get('gold'))}; predicted: {span(item.get('pred'))}"


def chip(item: Mapping[str, Any]) -> str:
    """The short label written after an erroneous span (none after a correct one), or the item's ``chip``."""
    if "chip" in item:
        return item["chip"]
    g, p, outcome = item.get("gold"), item.get("pred"), item["outcome"]
    if outcome == "missed":
        return f"−{g['label']}"
    if outcome == "spurious":
        return f"+{p['label']}"
    if outcome == "incorrect":
        return f"{g['label']}→{p['label']}"
    if outcome == "partial":
        return f"~{g['label']}"
    if outcome == "partial_incorrect":
        return f"~{g['label']}→{p['label']}"
    return ""


def _extent(item: Mapping[str, Any]) -> tuple[int, int]:
    spans = [s for s in (item.get("gold"), item.get("pred")) if s is not None]
    return min(s["start"] for s in spans), max(s["end"] for s in spans)


def segments(text: str, items: Sequence[Mapping[str, Any]], *, classes: Any = None) -> list[dict[str, Any]]:
    """Pieces of ``text`` in order: plain text, marks (with the outcome items covering them) and chips.

    ``items`` are outcome dicts with ``outcome``, ``gold`` and ``pred`` (``{start, end, label}`` or None).
    ``classes(item)`` gives the CSS class of an item's colour (default ``o-<outcome>``).
    A mark carries ``g`` when a gold span covers it and ``p`` when a predicted span does; a chip follows the
    end of each erroneous item's extent.
    """
    classes = classes or (lambda item: f"o-{item['outcome']}")
    n = len(text)
    cuts = {0, n}
    spans: list[tuple[int, int, int, str]] = []
    for i, item in enumerate(items):
        for role in ("gold", "pred"):
            s = item.get(role)
            if s is not None:
                start, end = max(0, min(s["start"], n)), max(0, min(s["end"], n))
                spans.append((start, end, i, role))
                cuts.update((start, end))
    ends: dict[int, list[int]] = {}
    for i, item in enumerate(items):
        if chip(item):
            ends.setdefault(min(_extent(item)[1], n), []).append(i)
    starts: dict[int, list[tuple[int, int, int, str]]] = {}
    for sp in spans:
        starts.setdefault(sp[0], []).append(sp)
    order = sorted(cuts)
    active: dict[tuple[int, str], int] = {}
    out: list[dict[str, Any]] = []
    for a, b in zip(order, order[1:], strict=False):
        for _start, end, i, role in starts.get(a, []):
            active[(i, role)] = end
        for key in [k for k, end in active.items() if end <= a]:
            del active[key]
        if a < b:
            covering = sorted({i for i, _ in active})
            roles = {r for _, r in active}
            if covering:
                out.append(_mark(text, a, b, [items[i] for i in covering], roles, classes))
            else:
                out.append({"text": text[a:b]})
        for i in ends.get(b, []):
            out.append({"chip": chip(items[i]), "cls": classes(items[i]), "k": _keys([items[i]]),
                        "title": item_title(items[i], text)})
    return out


def _keys(items: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """``[[outcome, [types]], ...]``: what the filter script tests (shown when any item passes)."""
    return [[item.get("key", item["outcome"]), item_types(item)] for item in items]


def _mark(text: str, a: int, b: int, items: list[Mapping[str, Any]], roles: set[str], classes: Any
          ) -> dict[str, Any]:
    """A segment ``text[a:b]`` under ``items``: coloured by the most severe, titled with all of them."""
    worst = sorted(items, key=lambda it: SEVERITY.index(it["outcome"]) if it["outcome"] in SEVERITY else 0)
    names = list(dict.fromkeys(classes(it) for it in worst))
    cls = " ".join(["m", *names, *(["g"] if "gold" in roles else []), *(["p"] if "pred" in roles else []),
                    *(["multi"] if len(items) > 1 else [])])
    return {"text": text[a:b], "mark": True, "cls": cls, "k": _keys(items),
            "title": "\n".join(item_title(it, text) for it in items)}


def fmt_ci(intervals: Mapping[str, Any] | None, unit: str, metric: str) -> str:
    """``[low, high]`` of a metric's interval over ``unit``; empty when not computed, ``—`` when undefined."""
    iv = ((intervals or {}).get(unit) or {}).get(metric)
    if iv is None:
        return ""
    return "—" if iv[0] is None else f"[{iv[0]:.3f}, {iv[1]:.3f}]"


def shown_path(path: str | None) -> str:
    """A path as the page shows it: relative to the checkout when inside it (pages stay the same everywhere)."""
    if not path:
        return ""
    from rukp.paths import repo_root

    p = Path(path)
    try:
        return str(p.resolve().relative_to(repo_root()))
    except (ValueError, OSError):
        return str(path) if not p.is_absolute() else p.name
