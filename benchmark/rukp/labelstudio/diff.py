"""What an import changes, per document: rows added, removed and changed (field by field), as text lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_HIDDEN = ("doc_id", "id")


def _short(value: Any, limit: int = 50) -> str:
    if isinstance(value, str) and len(value) > limit:
        value = value[:limit] + "…"
    return repr(value)


def describe(kind: str, row: dict[str, Any]) -> str:
    """One-line summary of a row (entity, claim or relation)."""
    if kind == "relation":
        return f"relation {row['id']} {row['type']} {row['source']} → {row['target']}"
    head = f"{kind} {row['id']} {row['start']}-{row['end']} {_short(row.get('text'))}"
    if kind == "entity":
        return f"{head} {row.get('label')} entity_id={row.get('entity_id')}"
    return (f"{head} claimer={row.get('claimer')} {row.get('polarity')}/{row.get('certainty')}/"
            f"{row.get('topic')} cluster={row.get('cluster')}")


@dataclass(frozen=True)
class RowChange:
    """One row added (``+``), removed (``-``) or changed (``~``)."""

    op: str
    kind: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None

    @property
    def id(self) -> str:
        return (self.new or self.old or {})["id"]

    def render(self) -> str:
        if self.op == "+":
            return f"+ {describe(self.kind, self.new or {})}"
        if self.op == "-":
            return f"- {describe(self.kind, self.old or {})}"
        old, new = self.old or {}, self.new or {}
        keys = [k for k in dict.fromkeys([*old, *new]) if k not in _HIDDEN and old.get(k) != new.get(k)]
        return f"~ {self.kind} {self.id}: " + "; ".join(f"{k} {_short(old.get(k))} → {_short(new.get(k))}"
                                                         for k in keys)


def diff_rows(kind: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[RowChange]:
    """Changes from ``old`` to ``new`` rows of one kind, matched by ``id`` (removed, changed, added)."""
    before = {r["id"]: r for r in old}
    after = {r["id"]: r for r in new}
    out = [RowChange("-", kind, r, None) for i, r in before.items() if i not in after]
    out += [RowChange("~", kind, before[i], r) for i, r in after.items() if i in before and before[i] != r]
    out += [RowChange("+", kind, None, r) for i, r in after.items() if i not in before]
    return out


@dataclass
class DocDiff:
    """The changes an import makes to one document, and which annotation it took them from."""

    doc_id: str
    source: str
    changes: list[RowChange] = field(default_factory=list)

    def count(self, op: str) -> int:
        return sum(c.op == op for c in self.changes)

    def render(self) -> list[str]:
        head = (f"doc {self.doc_id} [{self.source}]: {self.count('+')} added, {self.count('-')} removed, "
                f"{self.count('~')} changed")
        return [head, *(f"  {c.render()}" for c in self.changes)]
