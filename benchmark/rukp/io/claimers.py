"""Resolve a claimer given as written ("Vladimir Poutine", "le Kremlin"…) to a kb id, through the kb's names.

Pure: the kb rows come in as data (``rukp.load("kb")["test"]`` or ``annotations/kb.jsonl`` rows, each with
``entity_id``, ``name`` and ``aliases``). The order of the rules:

1. an exact kb id (``vladimir_putin``) is kept;
2. ``AUTHOR`` / ``UNSPECIFIED`` (any case) are the special claimers;
3. the name folded as :func:`rukp.io.align.normalise` folds it (case, accents, quotes, dashes, whitespace) equal to
   one kb entry's folded ``name`` or id; else to the folded ``aliases`` of exactly one entry; each compared
   first as written, then with a leading French article or elision stripped on both sides (``le``, ``la``,
   ``les``, ``l'``: "le Pentagone" resolves like "Pentagone", "l'Élysée" like "Élysée");
4. otherwise the string is kept as given: unresolved (it matches no gold claimer, and the report lists it). A
   name shared by several entries at the same step (the alias "Moscou" of both ``moscow`` and ``russia``) is
   ambiguous, so unresolved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rukp.errors import RukpError, quote
from rukp.io.align import normalise
from rukp.schema import SPECIAL_CLAIMERS

_ARTICLE = re.compile(r"^(?:(?:le|la|les) +|l' *)(?=\S)")


def strip_article(form: str) -> str:
    """A folded name without its leading French article or elision ("le pentagone" → "pentagone", "l'elysee" →
    "elysee")."""
    return _ARTICLE.sub("", form, count=1)


@dataclass(frozen=True)
class KbIndex:
    """The kb's ids, and its folded names and aliases, each mapped to the ids that carry it."""

    ids: frozenset[str]
    names: Mapping[str, tuple[str, ...]]
    aliases: Mapping[str, tuple[str, ...]]
    #: The same forms without a leading article or elision (:func:`strip_article`).
    bare_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    bare_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> KbIndex:
        """Index kb rows (``entity_id``, ``name``, ``aliases``)."""
        ids: list[str] = []
        names: dict[str, list[str]] = {}
        aliases: dict[str, list[str]] = {}
        bare_names: dict[str, list[str]] = {}
        bare_aliases: dict[str, list[str]] = {}
        for row in rows:
            kb_id = str(row["entity_id"])
            ids.append(kb_id)
            for table, bare, written in ((names, bare_names, [kb_id, row.get("name") or ""]),
                                         (aliases, bare_aliases, row.get("aliases") or [])):
                forms = {normalise(str(w)) for w in written} - {""}
                for form in forms:
                    table.setdefault(form, []).append(kb_id)
                for form in {strip_article(f) for f in forms} - {""}:
                    bare.setdefault(form, []).append(kb_id)
        return cls(frozenset(ids), {k: tuple(v) for k, v in names.items()},
                   {k: tuple(v) for k, v in aliases.items()},
                   {k: tuple(v) for k, v in bare_names.items()}, {k: tuple(v) for k, v in bare_aliases.items()})

    def match(self, name: str) -> str | None:
        """The kb id or special claimer ``name`` stands for, or None when unresolved (unknown or ambiguous)."""
        if name in self.ids:
            return name
        special = {s.casefold(): s for s in SPECIAL_CLAIMERS}.get(name.strip().casefold())
        if special:
            return special
        form = normalise(name)
        bare = strip_article(form)
        for table, key in ((self.names, form), (self.aliases, form), (self.bare_names, bare),
                           (self.bare_aliases, bare)):
            found = table.get(key, ())
            if found:
                return found[0] if len(found) == 1 else None
        return None


def resolve_claimer(name: str, index: KbIndex) -> str:
    """The kb id (or AUTHOR/UNSPECIFIED) for a claimer given as an id or a name; unresolved names come back as is."""
    return index.match(name) or name


def load_kb(path: str | Path) -> KbIndex | None:
    """The kb index of a kb JSONL (``entity_id``, ``name``, ``aliases`` per line), or None when there is no such
    file."""
    from rukp.io.checks import json_lines
    from rukp.io.jsonl import check_input
    from rukp.io.model import Problems

    path = Path(path)
    if not path.exists():
        return None
    check_input(path, "kb file")  # a folder or a device in its place is an error
    rows, seen = [], {}
    for line, obj in json_lines(path, Problems(False, path)):
        kb_id = obj.get("entity_id")
        if not isinstance(kb_id, str) or not kb_id:
            raise RukpError(f"kb row: 'entity_id' must be a non-empty string, got {quote(kb_id)}", path=path,
                            line=line)
        if kb_id in seen:
            raise RukpError(f"kb row: entity_id {quote(kb_id)} is used twice (first on line {seen[kb_id]}); each "
                            "kb entity must be listed once", path=path, line=line)
        seen[kb_id] = line
        name, aliases = obj.get("name"), obj.get("aliases")
        if name is not None and not isinstance(name, str):
            raise RukpError(f"kb row {quote(kb_id)}: 'name' must be a string, got {quote(name)}", path=path,
                            line=line)
        if aliases is not None and not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)):
            raise RukpError(f"kb row {quote(kb_id)}: 'aliases' must be a list of strings, got {quote(aliases)}",
                            path=path, line=line)
        rows.append(obj)
    return KbIndex.from_rows(rows)
