"""Text-anchored prediction items (``{"text", "label"}``, ``{"text", "claimer"}``, as LLMs write them) placed on
the gold text by :mod:`rukp.io.align`, at the reader boundary, so every reader accepts them.

An item is text-anchored when it is an object with a string ``text`` and neither ``start`` nor ``end``; it may
carry ``context`` and ``occurrence``. Aligned items get ``start``/``end`` and go on to the usual checks; unaligned
ones are kept aside (:class:`~rukp.io.model.Unaligned`): the scorer counts them as spurious and the report lists
them. Claimers given as names become kb ids through the gold's kb (:mod:`rukp.io.claimers`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from rukp.errors import RukpError, quote
from rukp.io.align import STATUSES, align_items
from rukp.io.checks import normalisation_hint
from rukp.io.claimers import KbIndex
from rukp.io.model import Fuzzy, Gold, Unaligned, UnresolvedClaimer
from rukp.schema import SPECIAL_CLAIMERS

_NO_KB = KbIndex.from_rows([])


def text_anchored(item: Any) -> bool:
    """Whether ``item`` gives its text instead of offsets."""
    return isinstance(item, Mapping) and isinstance(item.get("text"), str) and "start" not in item \
        and "end" not in item


def gold_claimers(gold: Gold) -> frozenset[str]:
    """Every claimer id the gold uses (claimers and co-claimers): ids a prediction may give without a kb."""
    return frozenset(x for d in gold.documents for c in d.claims for x in (c.claimer, *c.co_claimers) if x)


class Anchors:
    """Alignment of one reader's items: per-kind status counts, the unaligned items, the unresolved claimers.

    ``known``: claimer ids that count as resolved without the kb (the gold's own claimers); ``every``: project
    each text item onto every free occurrence of its text (:func:`rukp.io.align.align_items`)."""

    def __init__(self, kb: KbIndex | None, known: frozenset[str] = frozenset(), *, every: bool = False) -> None:
        self.kb = kb or _NO_KB
        self.known = known
        self.every = every
        self.counts: dict[str, dict[str, int]] = {}
        self.unaligned: list[Unaligned] = []
        self.fuzzy: list[Fuzzy] = []
        self.unresolved: list[UnresolvedClaimer] = []
        self.anchored = False  # whether any item was text-anchored

    def place(self, items: list[Any], kind: str, text: str | None, *, pos: int, line: int | None, doc: str,
              report: Any) -> tuple[list[Any], list[int]]:
        """``items`` with text-anchored ones given offsets and unaligned ones left out; also each kept item's
        index in ``items`` (for messages). With ``every``, an item may come back several times."""
        plural = "entities" if kind == "entity" else "claims"
        counts = self.counts.setdefault(plural, dict.fromkeys(STATUSES, 0))
        if self.every:
            counts.setdefault("projected", 0)
        for k, item in enumerate(items):  # an item meant to be text-anchored, with a text that is not a string
            if isinstance(item, Mapping) and "text" in item and "start" not in item and "end" not in item \
                    and not isinstance(item["text"], str):
                report("wrong_type", f"predicted {kind} {k}: 'text' must be a string (or give 'start' and 'end'), "
                       f"got {quote(item['text'], 60)}", line=line, doc=doc)
                return [], []
        if kind == "claim":
            items = self._claimers(items, pos, line)
        index = self._agreeing(items, kind, text, line=line, doc=doc, report=report)
        if len(index) < len(items):
            items = [items[k] for k in index]
        anchored = [k for k, item in enumerate(items) if text_anchored(item)]
        if kind == "entity":
            for k in anchored:
                label = items[k].get("label")
                if not isinstance(label, str) or not label:
                    report("missing_field" if label is None else "wrong_type",
                           f"predicted entity {index[k]}: 'label' must be a non-empty string, got "
                           f"{quote(label, 60)}", line=line, doc=doc)
                    return [], []
        counts["offsets"] += len(items) - len(anchored)
        if not anchored:
            return items, index
        self.anchored = True
        if text is None:
            report("missing_text", f"predicted {kind} {index[anchored[0]]}: an item given by its 'text' needs the "
                   "gold document's text to be placed, and the gold has none", line=line, doc=doc)
            chosen = set(anchored)
            kept = [k for k in range(len(items)) if k not in chosen]
            return [items[k] for k in kept], [index[k] for k in kept]
        held = []
        if kind == "entity":  # entities are flat: text items go where no item with offsets is
            held = [(x["start"], x["end"]) for x in items if isinstance(x, Mapping) and type(x.get("start")) is int
                    and type(x.get("end")) is int and 0 <= x["start"] < x["end"] <= len(text)]
        try:
            found = align_items(text, [items[k] for k in anchored], kind=kind, exclusive=kind == "entity",
                                held=held, every=self.every)
        except RukpError as e:  # a bad context or occurrence: name the item in the document
            report("wrong_type", f"predicted {kind}: {e.detail}", line=line, doc=doc)
            return [], []
        out: list[list[Any]] = [[x] for x in items]
        for k, a in zip(anchored, found, strict=True):
            counts[a.status] += 1
            item = items[k]
            label = item.get("label") if kind == "entity" else item.get("claimer")
            label = label if isinstance(label, str) else None
            if a.aligned:
                out[k] = [{**item, "start": s, "end": e} for s, e in ((a.start, a.end), *a.more)]
                if a.more:
                    counts["projected"] += len(a.more)
                if a.status == "fuzzy":
                    self.fuzzy.append(Fuzzy(pos, kind, item["text"], text[a.start:a.end], float(a.score or 0.0),
                                            label, line))
            else:
                out[k] = []
                self.unaligned.append(Unaligned(pos, kind, item["text"], label, line, a.note))
        return [x for copies in out for x in copies], [index[k] for k, copies in enumerate(out) for _ in copies]

    def _agreeing(self, items: list[Any], kind: str, text: str | None, *, line: int | None, doc: str,
                  report: Any) -> list[int]:
        """The places of the items whose ``text``, when they give one with valid offsets, equals the document's
        text there; each other one is reported (left out under ``skip_invalid``), as for a gold item."""
        if text is None:
            return list(range(len(items)))
        keep = []
        for k, item in enumerate(items):
            given = item.get("text") if isinstance(item, Mapping) else None
            s, e = (item.get("start"), item.get("end")) if isinstance(item, Mapping) else (None, None)
            if isinstance(given, str) and type(s) is int and type(e) is int and 0 <= s < e <= len(text) \
                    and text[s:e] != given:
                report("text_mismatch", f"predicted {kind} {k} [{s}, {e}): 'text' {quote(given, 60)} does not "
                       f"match the document's text at these offsets, {quote(text[s:e], 60)}"
                       f"{normalisation_hint(given, text[s:e])} (fix the offsets or the text, or give the text "
                       "alone to have it placed; --skip-invalid leaves the item out)", line=line, doc=doc)
                continue
            keep.append(k)
        return keep

    def _claimers(self, claims: list[Any], pos: int, line: int | None) -> list[Any]:
        """The claims with their claimers resolved to kb ids (names, aliases, with or without an article;
        AUTHOR/UNSPECIFIED in any case); names that resolve to nothing known are recorded."""
        out, unresolved = [], Counter()
        for claim in claims:
            if isinstance(claim, Mapping) and isinstance(claim.get("claimer"), str) and claim["claimer"]:
                name = claim["claimer"]
                resolved = self.kb.match(name)
                if resolved is None and name not in self.known and name not in SPECIAL_CLAIMERS:
                    unresolved[name] += 1
                elif resolved is not None and resolved != name:
                    claim = {**claim, "claimer": resolved}
            out.append(claim)
        self.unresolved += [UnresolvedClaimer(pos, name, n, line) for name, n in unresolved.items()]
        return out
