"""Text-anchored prediction items (``{"text", "label"}``, ``{"text", "claimer"}``, as LLMs write them) placed on
the gold text by :mod:`rukp.io.align`, at the reader boundary, so every reader accepts them.

An item is text-anchored when it is an object with a string ``text`` and neither ``start`` nor ``end``; it may
carry ``context`` and ``occurrence``. Aligned items get ``start``/``end`` and go on to the usual checks; unaligned
ones are kept aside (:class:`~rukp.io.model.Unaligned`): the scorer counts them as spurious and the report lists
them. Claimers given as names become kb ids through the gold's kb (:mod:`rukp.io.claimers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rukp.errors import RukpError, quote
from rukp.io.align import STATUSES, Alignment, align_items
from rukp.io.claimers import KbIndex, resolve_claimer
from rukp.io.model import Fuzzy, Unaligned

_NO_KB = KbIndex.from_rows([])


def text_anchored(item: Any) -> bool:
    """Whether ``item`` gives its text instead of offsets."""
    return isinstance(item, Mapping) and isinstance(item.get("text"), str) and "start" not in item \
        and "end" not in item


class Anchors:
    """Alignment of one reader's items: per-kind status counts and the unaligned items."""

    def __init__(self, kb: KbIndex | None) -> None:
        self.kb = kb or _NO_KB
        self.counts: dict[str, dict[str, int]] = {}
        self.unaligned: list[Unaligned] = []
        self.fuzzy: list[Fuzzy] = []
        self.anchored = False  # whether any item was text-anchored

    def place(self, items: list[Any], kind: str, text: str | None, *, pos: int, line: int | None, doc: str,
              report: Any) -> tuple[list[Any], list[int]]:
        """``items`` with text-anchored ones given offsets and unaligned ones left out; also each kept item's
        index in ``items`` (for messages)."""
        plural = "entities" if kind == "entity" else "claims"
        counts = self.counts.setdefault(plural, dict.fromkeys(STATUSES, 0))
        for k, item in enumerate(items):  # an item meant to be text-anchored, with a text that is not a string
            if isinstance(item, Mapping) and "text" in item and "start" not in item and "end" not in item \
                    and not isinstance(item["text"], str):
                report("wrong_type", f"predicted {kind} {k}: 'text' must be a string (or give 'start' and 'end'), "
                       f"got {quote(item['text'], 60)}", line=line, doc=doc)
                return [], []
        if kind == "claim":
            items = [self._claimer(c) for c in items]
        anchored = [k for k, item in enumerate(items) if text_anchored(item)]
        if kind == "entity":
            for k in anchored:
                label = items[k].get("label")
                if not isinstance(label, str) or not label:
                    report("missing_field" if label is None else "wrong_type",
                           f"predicted entity {k}: 'label' must be a non-empty string, got {quote(label, 60)}",
                           line=line, doc=doc)
                    return [], []
        counts["offsets"] += len(items) - len(anchored)
        if not anchored:
            return items, list(range(len(items)))
        self.anchored = True
        if text is None:
            report("missing_text", f"predicted {kind} {anchored[0]}: an item given by its 'text' needs the gold "
                   "document's text to be placed, and the gold has none", line=line, doc=doc)
            return [x for k, x in enumerate(items) if k not in set(anchored)], \
                [k for k in range(len(items)) if k not in set(anchored)]
        try:
            found = align_items(text, [items[k] for k in anchored], kind=kind, exclusive=kind == "entity")
        except RukpError as e:  # a bad context or occurrence: name the item in the document
            report("wrong_type", f"predicted {kind}: {e.detail}", line=line, doc=doc)
            return [], []
        if kind == "entity":
            found = _flat(items, anchored, found)
        out, keep = list(items), [True] * len(items)
        for k, a in zip(anchored, found, strict=True):
            counts[a.status] += 1
            item = items[k]
            label = item.get("label") if kind == "entity" else item.get("claimer")
            if a.aligned:
                out[k] = {**item, "start": a.start, "end": a.end}
                if a.status == "fuzzy":
                    self.fuzzy.append(Fuzzy(pos, kind, item["text"], text[a.start:a.end], float(a.score or 0.0),
                                            label if isinstance(label, str) else None, line))
            else:
                keep[k] = False
                self.unaligned.append(Unaligned(pos, kind, item["text"], label if isinstance(label, str) else None,
                                                line))
        kept = [k for k in range(len(items)) if keep[k]]
        return [out[k] for k in kept], kept

    def _claimer(self, claim: Any) -> Any:
        """The claim with its claimer resolved to a kb id (names, aliases, AUTHOR/UNSPECIFIED in any case)."""
        if isinstance(claim, Mapping) and isinstance(claim.get("claimer"), str) and claim["claimer"]:
            resolved = resolve_claimer(claim["claimer"], self.kb)
            if resolved != claim["claimer"]:
                return {**claim, "claimer": resolved}
        return claim


_RANK = {"exact": 0, "normalised": 1, "fuzzy": 2}


def _flat(items: list[Any], anchored: list[int], found: list[Alignment]) -> list[Alignment]:
    """Entities are flat: an aligned item whose span overlaps an item with offsets, or a better-aligned item
    (exact before normalised before fuzzy, then in input order), becomes unaligned (spurious, listed)."""
    taken = [(x["start"], x["end"]) for k, x in enumerate(items) if k not in set(anchored) and isinstance(x, Mapping)
             and type(x.get("start")) is int and type(x.get("end")) is int]
    order = sorted((i for i, a in enumerate(found) if a.aligned), key=lambda i: (_RANK[found[i].status], i))
    out = list(found)
    for i in order:
        a = found[i]
        if any(s < a.end and a.start < e for s, e in taken):
            out[i] = Alignment(None, None, "unaligned", None, "overlaps another entity (entities are flat)")
        else:
            taken.append((a.start, a.end))
    return out
