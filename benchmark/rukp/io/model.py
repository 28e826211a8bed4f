"""The in-memory objects every reader returns: a validated gold, predictions, span columns, skipped items.

Entity spans are kept columnar (one array per field over all documents) so that large prediction files cost
little more than parsing them. :class:`Problems` raises each problem as one :class:`~rukp.errors.RukpError`
naming the file, the line and the document, or, when ``skip_invalid`` is set, records the left-out item in
:attr:`Predictions.skipped` with the reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from rukp.errors import RukpError
from rukp.scoring.claims.model import Claim

#: One document's checked entity columns: starts, ends, labels, entity ids, index in the document's list.
Rows = tuple[list[int], list[int], list[str], list[str | None], list[int]]


@dataclass(frozen=True)
class Skipped:
    """One item left out under ``skip_invalid``: why (a stable reason key) and the full message."""

    reason: str
    message: str
    doc: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "message": self.message, "doc": self.doc, "line": self.line}


class Problems:
    """Raise each problem as a :class:`RukpError`, or (``skip_invalid``) record it and carry on."""

    def __init__(self, skip_invalid: bool, path: str | Path | None) -> None:
        self.skip_invalid = skip_invalid
        self.path = str(path) if path is not None else None
        self.items: list[Skipped] = []

    def __call__(self, reason: str, message: str, *, line: int | None = None, doc: str | None = None) -> None:
        error = RukpError(message, path=self.path, line=line, doc=doc)
        if not self.skip_invalid:
            raise error
        self.items.append(Skipped(reason, str(error), doc, line))


@dataclass
class SpanColumns:
    """Entity spans of many documents as parallel lists: document position, offsets, label, entity id,
    and where the span came from (source line and index in its document's list) for messages."""

    doc: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    entity: list[str | None] = field(default_factory=list)
    line: list[int | None] = field(default_factory=list)
    item: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.doc)

    def extend(self, doc: int, rows: Rows, line: int | None, lines: list[int | None] | None = None) -> None:
        """Append one document's checked columns ``(starts, ends, labels, entity_ids, items)``; ``lines``: the
        source line of each span when they differ (CoNLL: the line of the span's first tag), else ``line``."""
        starts, ends, labels, entities, items = rows
        self.doc.extend([doc] * len(starts))
        self.start.extend(starts)
        self.end.extend(ends)
        self.label.extend(labels)
        self.entity.extend(entities)
        self.item.extend(items)
        self.line.extend([line] * len(starts) if lines is None else lines)

    def arrays(self) -> SpanArrays:
        """These spans as numpy columns, in the same order."""
        n = len(self)
        labels = tuple(dict.fromkeys(self.label))
        label_code = {label: i for i, label in enumerate(labels)}
        entity_ids = tuple(dict.fromkeys(e for e in self.entity if e is not None))
        entity_code: dict[str | None, int] = {e: i for i, e in enumerate(entity_ids)}
        entity_code[None] = -1
        return SpanArrays(
            np.asarray(self.doc, dtype=np.int64), np.asarray(self.start, dtype=np.int64),
            np.asarray(self.end, dtype=np.int64),
            np.fromiter(map(label_code.__getitem__, self.label), dtype=np.int64, count=n), labels,
            np.fromiter(map(entity_code.__getitem__, self.entity), dtype=np.int64, count=n), entity_ids,
            np.fromiter((-1 if x is None else x for x in self.line), dtype=np.int64, count=n),
            np.asarray(self.item, dtype=np.int64))


@dataclass
class SpanArrays:
    """Entity spans of many documents as numpy columns, the form view tables are built from: document
    position, offsets, label and entity codes into the vocabularies ``labels`` and ``entity_ids`` (entity -1:
    none), and for messages the source line of each span (-1: none) and its index in its document's list.
    Rows are in input order (documents in file order, spans in their list's order). ``item`` None means the
    rows come in runs of one line each, lines ascending, so a span's index is its place in its run."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray
    labels: tuple[str, ...]
    entity: np.ndarray
    entity_ids: tuple[str, ...]
    line: np.ndarray
    item: np.ndarray | None

    def __len__(self) -> int:
        return len(self.doc)

    def arrays(self) -> SpanArrays:
        """Itself (:class:`SpanColumns` converts)."""
        return self

    def source_line(self, row: int) -> int | None:
        """The line span ``row`` came from (None for in-memory rows)."""
        line = int(self.line[row])
        return line if line >= 0 else None

    def item_of(self, row: int) -> int:
        """Span ``row``'s index in its document's list of entities."""
        if self.item is not None:
            return int(self.item[row])
        return row - int(np.searchsorted(self.line, self.line[row]))


@dataclass(frozen=True)
class Unaligned:
    """A text-anchored prediction that matched nowhere in its document (counted as spurious, and listed)."""

    doc: int
    kind: str  # "entity" or "claim"
    text: str
    label: str | None = None
    line: int | None = None
    #: Why: not in the text, every occurrence held by another item, no N-th occurrence (:mod:`rukp.io.align`).
    reason: str | None = None


@dataclass(frozen=True)
class UnresolvedClaimer:
    """A predicted claimer that is neither a kb id, a special claimer, a gold claimer nor a kb name or alias (it
    is scored as a wrong claimer, and listed)."""

    doc: int
    name: str
    claims: int  # how many of the document's predicted claims give it
    line: int | None = None


@dataclass(frozen=True)
class Fuzzy:
    """A text-anchored prediction placed by the fuzzy rule: its text, the text it was placed on, the similarity."""

    doc: int
    kind: str  # "entity" or "claim"
    text: str
    matched: str
    score: float
    label: str | None = None
    line: int | None = None


@dataclass
class GoldDocument:
    """A gold document: text (None when the file has none), sentences and claims (entities are columnar)."""

    id: str
    line: int
    text: str | None
    sentences: list[tuple[int, int]] | None
    claims: list[Claim]
    #: Token starts and ends of the text when the gold ships them (the bundled ``ner.jsonl``), else None.
    tokens: tuple[np.ndarray, np.ndarray] | None = None


@dataclass
class Gold:
    """A validated gold file: documents in file order, entity spans (fine labels) in columns."""

    path: str
    sha256: str
    documents: list[GoldDocument]
    entities: SpanColumns | SpanArrays
    has_entities: bool
    has_claims: bool
    #: Documents of the whole gold file when this gold is a selection of them (``--doc``), else None.
    selected_from: int | None = None
    #: The knowledge base that resolves claimers given as names (:class:`rukp.io.claimers.KbIndex`), or None.
    kb: Any = None
    #: Gold items left out under ``skip_invalid`` (a ``text`` that does not match the item's offsets).
    skipped: list[Skipped] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.index = {d.id: i for i, d in enumerate(self.documents)}

    @cached_property
    def text_lengths(self) -> np.ndarray:
        """Characters in each document's text (-1 where the gold has no text)."""
        return np.fromiter((-1 if d.text is None else len(d.text) for d in self.documents), dtype=np.int64,
                           count=len(self.documents))

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.documents)

    @property
    def has_text(self) -> bool:
        return all(d.text is not None for d in self.documents)


@dataclass
class Predictions:
    """Validated predictions over the gold's documents; ``covered`` holds the documents that had a line."""

    source: str
    kind: str
    entities: SpanColumns | SpanArrays
    claims: dict[int, list[Claim]]
    covered: set[int]
    skipped: list[Skipped]
    failed: list[str] = field(default_factory=list)
    has_entities: bool = True
    has_claims: bool = True
    #: Items per alignment status (:data:`rukp.io.align.STATUSES`) by kind (``entities``, ``claims``); empty
    #: when every item came with offsets.
    alignment: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Text-anchored items that matched nowhere (spurious), in input order.
    unaligned: list[Unaligned] = field(default_factory=list)
    #: Text-anchored items placed by the fuzzy rule, in input order.
    fuzzy: list[Fuzzy] = field(default_factory=list)
    #: Claimer names that resolve to no kb id or gold claimer, per document, in input order.
    unresolved_claimers: list[UnresolvedClaimer] = field(default_factory=list)
    #: What the extractor says about itself (its ``describe()``: model, server, prompts...), when it has one.
    extractor: dict[str, Any] | None = None
    #: Error items of the extractor's outputs (``"errors": [...]``): ``{"count", "documents", "first"}``; None
    #: when the predictions did not come from an extractor run.
    extractor_errors: dict[str, Any] | None = None
    #: Sentence-level claim predictions by document position (:class:`rukp.io.sentence_items.SentencePrediction`
    #: lists, in index order), when the source has a ``sentences`` key (or is a CheckThat! file).
    sentences: dict[int, list[Any]] = field(default_factory=dict)
    has_sentences: bool = False

    def skipped_summary(self) -> dict[str, int]:
        """How many items were skipped, by reason."""
        return dict(sorted(Counter(s.reason for s in self.skipped).items()))
