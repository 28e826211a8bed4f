"""Loading gold documents and predictions (JSONL, CoNLL BIO, Label Studio export, in-memory rows), validated once.

Everything that reaches scoring passes through here: each problem is reported as one
:class:`~rukp.errors.RukpError` naming the file, the line and the document, or, when ``skip_invalid`` is
set, the offending item (a line, an entity or a claim) is left out and recorded in :attr:`Predictions.skipped`
with the reason. Entity spans are kept columnar (one array per field over all documents) so that large
prediction files cost little more than parsing them; large JSONL files are read by the columnar fast path
(:mod:`rukp.io.columnar`), which hands anything it cannot vouch for back to the line-by-line code here.

CoNLL BIO format (``.conll``, ``.bio``, ``.iob``, ``.tsv``)
    One token per line, the token in the first column and its tag (``O``, ``B-X``, ``I-X``) in the last,
    separated by spaces or tabs; a blank line ends a sentence. A document starts with a line
    ``-DOCSTART- <doc_id>`` (or ``# doc_id = <doc_id>``). Tokens are aligned to the gold document's text in
    order: each token must appear next, with only whitespace skipped before it, which gives its character
    offsets. Tags become spans with seqeval's default rules (:func:`rukp.scoring.bio.bio_to_spans`); an
    entity never crosses a sentence.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from rukp import schema
from rukp.errors import RukpError
from rukp.io.jsonl import read_text
from rukp.scoring.claims import ATTRIBUTES, Claim
from rukp.scoring.tables import EntityData, SpanTable
from rukp.views import LabelMap, View, predicted_label

CONLL_SUFFIXES = (".conll", ".bio", ".iob", ".iob2", ".tsv")

#: One document's checked entity columns: starts, ends, labels, entity ids, index in the document's list.
_Rows = tuple[list[int], list[int], list[str], list[str | None], list[int]]
LABELSTUDIO_SUFFIXES = (".json",)


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

    def extend(self, doc: int, rows: _Rows, line: int | None) -> None:
        """Append one document's checked columns ``(starts, ends, labels, entity_ids, items)``."""
        starts, ends, labels, entities, items = rows
        self.doc.extend([doc] * len(starts))
        self.start.extend(starts)
        self.end.extend(ends)
        self.label.extend(labels)
        self.entity.extend(entities)
        self.item.extend(items)
        self.line.extend([line] * len(starts))

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


@dataclass
class GoldDocument:
    """A gold document: text (None when the file has none), sentences and claims (entities are columnar)."""

    id: str
    line: int
    text: str | None
    sentences: list[tuple[int, int]] | None
    claims: list[Claim]


@dataclass
class Gold:
    """A validated gold file: documents in file order, entity spans (fine labels) in columns."""

    path: str
    sha256: str
    documents: list[GoldDocument]
    entities: SpanColumns | SpanArrays
    has_entities: bool
    has_claims: bool

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

    def skipped_summary(self) -> dict[str, int]:
        """How many items were skipped, by reason."""
        return dict(sorted(Counter(s.reason for s in self.skipped).items()))


# ------------------------------------------------------------------------------------------ item checks

def _is_int(x: Any) -> bool:
    return type(x) is int  # bools are ints to Python, not offsets


def _offsets(item: Mapping[str, Any], what: str, n_chars: int | None) -> tuple[str, str] | None:
    """``(reason, message)`` when ``item``'s start/end are missing, not integers, empty or out of range."""
    for key in ("start", "end"):
        if key not in item:
            return "missing_field", f"{what}: missing field '{key}'"
    s, e = item["start"], item["end"]
    for key, v in (("start", s), ("end", e)):
        if not _is_int(v):
            return "non_integer_offset", f"{what}: '{key}' must be an integer character offset, got {v!r}"
    if s >= e:
        return "empty_span", f"{what}: start {s} >= end {e} (spans are [start, end), end exclusive)"
    if s < 0 or (n_chars is not None and e > n_chars):
        limit = f"the text has {n_chars} characters" if n_chars is not None else "offsets must be >= 0"
        return "offset_out_of_range", f"{what}: span [{s}, {e}) is out of range ({limit})"
    return None


def _entity_problem(e: Any, what: str, n_chars: int | None) -> tuple[str, str] | None:
    if not isinstance(e, dict):
        return "wrong_type", f"{what}: expected an object, got {type(e).__name__}"
    bad = _offsets(e, what, n_chars)
    if bad:
        return bad
    if "label" not in e:
        return "missing_field", f"{what}: missing field 'label'"
    if not isinstance(e["label"], str) or not e["label"]:
        return "wrong_type", f"{what}: 'label' must be a non-empty string, got {e['label']!r}"
    eid = e.get("entity_id")
    if eid is not None and (not isinstance(eid, str) or not eid):
        return "wrong_type", f"{what}: 'entity_id' must be a non-empty string or null, got {eid!r}"
    return None


_INT = {int}
_ID_TYPES = {str, type(None)}


def _well_formed(starts: list[Any], ends: list[Any], labels: list[Any], entities: list[Any],
                 n_chars: int | None) -> bool:
    """Bulk check of one document's columns (C-level loops); the slow path explains a failure."""
    if not starts:
        return True
    if set(map(type, starts)) != _INT or set(map(type, ends)) != _INT:  # bools are ints to Python, not here
        return False
    if min(starts) < 0 or (n_chars is not None and max(ends) > n_chars) or not all(map(int.__lt__, starts, ends)):
        return False
    if set(map(type, labels)) != {str} or "" in labels:
        return False
    return set(map(type, entities)) <= _ID_TYPES and "" not in entities


def _any_overlap(starts: list[int], ends: list[int]) -> bool:
    """Whether any two spans overlap: in start order, some span must then start before its predecessor ends."""
    if any(map(int.__gt__, starts, starts[1:])):  # not in start order yet
        pairs = sorted(zip(starts, ends, strict=True))
        starts, ends = [p[0] for p in pairs], [p[1] for p in pairs]
    return any(map(int.__lt__, starts[1:], ends))


def _entity_rows(entities: list[Any], n_chars: int | None, report: Any, *, line: int | None, doc: str,
                 side: str) -> _Rows:
    """Checked columns ``(starts, ends, labels, entity_ids, items)`` of one document, in input order; spans
    with a problem are reported (and left out under ``skip_invalid``); overlapping spans are refused."""
    try:  # fast path: well-formed spans, checked in bulk
        starts, ends = [e["start"] for e in entities], [e["end"] for e in entities]
        labels, ids = [e["label"] for e in entities], [e.get("entity_id") for e in entities]
        ok = _well_formed(starts, ends, labels, ids, n_chars)
    except (KeyError, TypeError, AttributeError):
        ok = False
    if ok:
        items = list(range(len(starts)))
        if not _any_overlap(starts, ends):
            return starts, ends, labels, ids, items
    else:
        rows = []
        for k, e in enumerate(entities):
            bad = _entity_problem(e, f"{side} entity {k}", n_chars)
            if bad:
                report(*bad, line=line, doc=doc)
            else:
                rows.append((e["start"], e["end"], e["label"], e.get("entity_id"), k))
        starts, ends, labels, ids, items = (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 5
    overlapping: set[int] = set()
    last: tuple[int, int, int] | None = None
    for s, e, k in sorted(zip(starts, ends, items, strict=True)):  # sweep over starts
        if last is not None and s < last[1]:
            report("overlapping_span", f"{side} entity {k} [{s}, {e}) {labels[items.index(k)]} overlaps entity "
                   f"{last[2]} [{last[0]}, {last[1]}) {labels[items.index(last[2])]} (entities are flat: no "
                   "overlap, no nesting)", line=line, doc=doc)
            overlapping.add(k)
            continue
        last = (s, e, k)
    keep = [i for i, k in enumerate(items) if k not in overlapping]
    return tuple([column[i] for i in keep] for column in (starts, ends, labels, ids, items))  # type: ignore[return-value]


_OPTIONAL_STR = ("claimer", "cluster")


def _claim(c: Any, what: str, n_chars: int | None) -> tuple[str, str] | Claim:
    """A :class:`Claim`, or ``(reason, message)`` explaining why ``c`` is not one."""
    if not isinstance(c, dict):
        return "wrong_type", f"{what}: expected an object, got {type(c).__name__}"
    bad = _offsets(c, what, n_chars)
    if bad:
        return bad
    for key in _OPTIONAL_STR:
        v = c.get(key)
        if v is not None and not (isinstance(v, str) and v) and not (key == "cluster" and _is_int(v)):
            return "wrong_type", f"{what}: '{key}' must be a non-empty string or null, got {v!r}"
    cs, ce = c.get("claimer_start"), c.get("claimer_end")
    if (cs is None) != (ce is None):
        return "missing_field", f"{what}: give both 'claimer_start' and 'claimer_end', or neither"
    if cs is not None:
        bad = _offsets({"start": cs, "end": ce}, f"{what} claimer span", n_chars)
        if bad:
            return bad
    for name, allowed in ATTRIBUTES.items():
        v = c.get(name)
        if v is not None and v not in allowed:
            return "invalid_value", f"{what}: {name} {v!r} is not one of {', '.join(allowed)}"
    co = c.get("co_claimers") or []
    if not isinstance(co, list) or not all(isinstance(x, str) for x in co):
        return "wrong_type", f"{what}: 'co_claimers' must be a list of strings, got {co!r}"
    cluster = c.get("cluster")
    return Claim(c["start"], c["end"], claimer=c.get("claimer"), claimer_start=cs, claimer_end=ce,
                 polarity=c.get("polarity"), certainty=c.get("certainty"), topic=c.get("topic"),
                 cluster=str(cluster) if cluster is not None else None, co_claimers=tuple(co),
                 id=c.get("id") if isinstance(c.get("id"), str) else None)


def _claims(claims: list[Any], n_chars: int | None, report: Any, *, line: int | None, doc: str,
            side: str) -> list[Claim]:
    out = []
    for k, c in enumerate(claims):
        got = _claim(c, f"{side} claim {k}", n_chars)
        if isinstance(got, Claim):
            out.append(got)
        else:
            report(*got, line=line, doc=doc)
    return out


def _list_field(obj: Mapping[str, Any], key: str, report: Any, *, line: int | None, doc: str | None,
                hint: str) -> list[Any] | None:
    if key not in obj:
        report("missing_field", f"missing field '{key}'{hint}", line=line, doc=doc)
        return None
    value = obj[key]
    if not isinstance(value, list):
        report("wrong_type", f"'{key}' must be a list, got {type(value).__name__}", line=line, doc=doc)
        return None
    return value


# ------------------------------------------------------------------------------------------ JSON lines

def _json_lines(path: Path, report: Any, text: str | None = None) -> Iterator[tuple[int, Any]]:
    """``(line, object)`` for every non-blank line (``read_text`` names the file on a bad encoding)."""
    text = read_text(path) if text is None else text
    seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        seen = True
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            report("invalid_json", f"not valid JSON ({e.msg} at column {e.colno})", line=number)
            continue
        if not isinstance(obj, dict):
            report("wrong_type", f"expected a JSON object, got {type(obj).__name__}", line=number)
            continue
        yield number, obj
    if not seen:
        raise RukpError("file is empty (no JSON lines)", path=path)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets of a gold text that gives none (spaCy's French sentences, line by line)."""
    from rukp.dataset.tokenize import sentences

    return [(s.start, s.end) for s in sentences(text)]


def _sentences(obj: Mapping[str, Any], text: str | None, report: Any, *, line: int, doc: str
               ) -> list[tuple[int, int]] | None:
    raw = obj.get("sentences")
    if raw is None:
        return split_sentences(text) if text is not None else None
    if not isinstance(raw, list):
        report("wrong_type", f"'sentences' must be a list, got {type(raw).__name__}", line=line, doc=doc)
    out = []
    for k, s in enumerate(raw):
        bad = _offsets(s, f"sentence {k}", len(text) if text is not None else None) if isinstance(s, dict) \
            else ("wrong_type", f"sentence {k}: expected an object, got {type(s).__name__}")
        if bad:
            report(*bad, line=line, doc=doc)
        out.append((s["start"], s["end"]))
    return sorted(out)


def load_gold(path: str | Path, *, entities: bool = True, claims: bool = True) -> Gold:
    """Read and validate a gold file in the ``documents`` format (``text`` optional).

    Checked: JSON, ``id`` present, unique and a string; ``entities`` (when scored) with integer offsets,
    ``0 <= start < end`` (``<= len(text)`` when there is text), a string label, no overlap; ``claims`` (when
    scored) likewise, with attributes from the schema. Labels are checked against the view when scoring.
    Large files are read by the columnar fast path (:mod:`rukp.io.columnar`) when it can vouch for them.
    """
    from rukp.io import columnar

    path = Path(path)
    fast = columnar.load_gold(path, entities=entities, claims=claims)
    if fast is not None:
        return fast
    report = Problems(False, path)
    documents: list[GoldDocument] = []
    columns = SpanColumns()
    seen: dict[str, int] = {}
    content = read_text(path)
    for line, obj in _json_lines(path, report, content):
        doc_id = obj.get("id")
        if "id" not in obj:
            report("missing_field", "missing field 'id'", line=line)
        if not isinstance(doc_id, str) or not doc_id:
            report("wrong_type", f"'id' must be a non-empty string, got {doc_id!r}", line=line)
        if doc_id in seen:
            report("duplicate_document", f"duplicate document id {doc_id!r} (first on line {seen[doc_id]})",
                   line=line, doc=doc_id)
        seen[doc_id] = line
        text = obj.get("text")
        if text is not None and not isinstance(text, str):
            report("wrong_type", f"'text' must be a string, got {type(text).__name__}", line=line, doc=doc_id)
        n_chars = len(text) if text is not None else None
        pos = len(documents)
        if entities:
            ents = _list_field(obj, "entities", report, line=line, doc=doc_id, hint=" (or score with --no-entities)")
            columns.extend(pos, _entity_rows(ents, n_chars, report, line=line, doc=doc_id, side="gold"), line)
        doc_claims: list[Claim] = []
        if claims:
            raw = _list_field(obj, "claims", report, line=line, doc=doc_id, hint=" (or score with --no-claims)")
            doc_claims = _claims(raw, n_chars, report, line=line, doc=doc_id, side="gold")
        sents = _sentences(obj, text, report, line=line, doc=doc_id)
        documents.append(GoldDocument(doc_id, line, text, sents, doc_claims))
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()  # the file's bytes (a byte-order mark included)
    return Gold(str(path), sha256, documents, columns, entities, claims)


# ------------------------------------------------------------------------------------------ predictions

class _Collector:
    """Accumulates prediction rows over the gold's documents, refusing unknown and duplicate documents."""

    def __init__(self, gold: Gold, report: Problems, *, entities: bool, claims: bool) -> None:
        self.gold, self.report = gold, report
        self.want_entities, self.want_claims = entities, claims
        self.entities = SpanColumns()
        self.claims: dict[int, list[Claim]] = {}
        self.first_line: dict[str, int | None] = {}

    def add(self, obj: Mapping[str, Any], line: int | None, *, key: str = "doc_id") -> None:
        report = self.report
        if key not in obj:
            report("missing_field", f"missing field '{key}'", line=line)
            return
        doc_id = obj[key]
        if not isinstance(doc_id, str) or not doc_id:
            report("wrong_type", f"'{key}' must be a non-empty string, got {doc_id!r}", line=line)
            return
        pos = self.gold.index.get(doc_id)
        if pos is None:
            report("unknown_doc_id", f"document {doc_id!r} is not in the gold file {self.gold.path}",
                   line=line, doc=doc_id)
            return
        if doc_id in self.first_line:
            first = self.first_line[doc_id]
            report("duplicate_document", f"duplicate predictions for document {doc_id!r}"
                   + (f" (first on line {first})" if first else ""), line=line, doc=doc_id)
            return
        n_chars = len(self.gold.documents[pos].text) if self.gold.documents[pos].text is not None else None
        ents = claims = None
        if self.want_entities:
            ents = _list_field(obj, "entities", report, line=line, doc=doc_id, hint=" (or use --no-entities)")
        if self.want_claims:
            claims = _list_field(obj, "claims", report, line=line, doc=doc_id, hint=" (or use --no-claims)")
        if (self.want_entities and ents is None) or (self.want_claims and claims is None):
            return
        self.first_line[doc_id] = line
        if ents is not None:
            self.entities.extend(pos, _entity_rows(ents, n_chars, report, line=line, doc=doc_id,
                                                   side="predicted"), line)
        if claims is not None:
            self.claims[pos] = _claims(claims, n_chars, report, line=line, doc=doc_id, side="predicted")

    def result(self, source: str, kind: str, failed: Sequence[str] = ()) -> Predictions:
        covered = {self.gold.index[d] for d in self.first_line}
        return Predictions(source, kind, self.entities, self.claims, covered, self.report.items, list(failed),
                           self.want_entities, self.want_claims)


def predictions_from_rows(rows: Iterable[Mapping[str, Any]], gold: Gold, *, source: str = "<rows>",
                          kind: str = "rows", entities: bool = True, claims: bool = True,
                          skip_invalid: bool = False, failed: Sequence[str] = ()) -> Predictions:
    """Validate in-memory prediction rows ``{"doc_id", "entities", "claims"}`` against ``gold``."""
    report = Problems(skip_invalid, None if kind in {"rows", "extractor"} else source)
    collector = _Collector(gold, report, entities=entities, claims=claims)
    n = 0
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            report("wrong_type", f"prediction {n}: expected a dict, got {type(row).__name__}")
            continue
        collector.add(row, None)
    if n == 0 and kind == "rows":
        raise RukpError("no predictions given (an empty list)")
    return collector.result(source, kind, failed)


def load_jsonl(path: str | Path, gold: Gold, *, entities: bool = True, claims: bool = True,
               skip_invalid: bool = False) -> Predictions:
    """Predictions JSONL: one line per document ``{"doc_id", "entities": [...], "claims": [...]}``; large files
    are read by the columnar fast path (:mod:`rukp.io.columnar`) when it can vouch for them."""
    from rukp.io import columnar

    path = Path(path)
    fast = columnar.load_predictions(path, gold, entities=entities, claims=claims)
    if fast is not None:
        return fast
    report = Problems(skip_invalid, path)
    collector = _Collector(gold, report, entities=entities, claims=claims)
    for line, obj in _json_lines(path, report):
        collector.add(obj, line)
    return collector.result(str(path), "jsonl")


def load_labelstudio(path: str | Path, gold: Gold, *, entities: bool = True, claims: bool = True,
                     skip_invalid: bool = False) -> Predictions:
    """A Label Studio JSON export, read by :func:`rukp.labelstudio.results.read_export` into rows."""
    try:
        from rukp.labelstudio.results import read_export
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("rukp.labelstudio"):
            raise RukpError("reading Label Studio exports needs rukp.labelstudio.results, which is not "
                            "available in this installation", path=path) from None
        raise
    rows = read_export(path)
    if not rows:
        raise RukpError("the Label Studio export holds no tasks", path=path)
    report = Problems(skip_invalid, path)
    collector = _Collector(gold, report, entities=entities, claims=claims)
    for row in rows:
        row = dict(row)
        row.setdefault("entities", [])
        row.setdefault("claims", [])
        collector.add(row, None)
    return collector.result(str(path), "labelstudio")


def _conll_documents(path: Path, report: Problems) -> Iterator[tuple[str, int, list[list[tuple[int, str, str]]]]]:
    """``(doc_id, line, sentences)`` with sentences as lists of ``(line, token, tag)``."""
    text = read_text(path)
    doc_id: str | None = None
    doc_line = 0
    sents: list[list[tuple[int, str, str]]] = []
    current: list[tuple[int, str, str]] = []
    seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        header = None
        if stripped.startswith("-DOCSTART-"):
            header = stripped[len("-DOCSTART-"):].split()
        elif stripped.startswith("#"):
            key, _, value = stripped[1:].partition("=")
            if key.strip() == "doc_id":
                header = value.split()
            else:
                continue
        if header is not None:
            if current:
                sents.append(current)
            if doc_id is not None:
                yield doc_id, doc_line, sents
            sents, current = [], []
            if not header or header[0] in {"-X-", "O"}:
                raise RukpError("document header has no document id (write '-DOCSTART- <doc_id>')",
                                path=path, line=number)
            doc_id, doc_line = header[0], number
            continue
        if not stripped:
            if current:
                sents.append(current)
            current = []
            continue
        seen = True
        cols = stripped.split()
        if doc_id is None:
            raise RukpError("token before the first '-DOCSTART- <doc_id>' line: name the document first",
                            path=path, line=number)
        if len(cols) < 2:
            raise RukpError(f"expected 'TOKEN TAG', got {stripped!r}", path=path, line=number)
        current.append((number, cols[0], cols[-1]))
    if current:
        sents.append(current)
    if doc_id is not None:
        yield doc_id, doc_line, sents
    if not seen and doc_id is None:
        raise RukpError("file is empty (no tokens)", path=path)


def _align(tokens: list[tuple[int, str, str]], text: str, cursor: int, path: Path, doc: str
           ) -> tuple[list[tuple[int, int]], int]:
    offsets = []
    for line, token, _ in tokens:
        at = cursor
        while at < len(text) and text[at].isspace():
            at += 1
        if not text.startswith(token, at):
            found = text[at:at + len(token)]
            raise RukpError(f"token {token!r} does not match the gold text at character {at} "
                            f"(the text has {found!r}); tokens must follow the text in order", path=path,
                            line=line, doc=doc)
        offsets.append((at, at + len(token)))
        cursor = at + len(token)
    return offsets, cursor


def load_conll(path: str | Path, gold: Gold, *, skip_invalid: bool = False) -> Predictions:
    """CoNLL BIO predictions (see the module docstring); entities only."""
    from rukp.scoring.bio import bio_to_spans, parse_tag

    path = Path(path)
    report = Problems(skip_invalid, path)
    collector = _Collector(gold, report, entities=True, claims=False)
    for doc_id, doc_line, sents in _conll_documents(path, report):
        pos = gold.index.get(doc_id)
        if pos is None or gold.documents[pos].text is None:
            if pos is not None:
                raise RukpError("CoNLL predictions need the gold text to recover character offsets; the gold "
                                f"document {doc_id!r} has no 'text'", path=path, line=doc_line, doc=doc_id)
            collector.add({"doc_id": doc_id, "entities": []}, doc_line)  # reports the unknown id
            continue
        text, cursor, entities = gold.documents[pos].text, 0, []
        for sent in sents:
            for line, _, tag in sent:
                try:
                    parse_tag(tag)
                except ValueError as e:
                    raise RukpError(str(e), path=path, line=line, doc=doc_id) from None
            offsets, cursor = _align(sent, text, cursor, path, doc_id)
            for span in bio_to_spans([tag for _, _, tag in sent]):
                entities.append({"start": offsets[span.start][0], "end": offsets[span.end - 1][1],
                                 "label": span.label})
        collector.add({"doc_id": doc_id, "entities": entities}, doc_line)
    return collector.result(str(path), "conll")


def load_predictions(path: str | Path, gold: Gold, *, entities: bool = True, claims: bool = True,
                     skip_invalid: bool = False, fmt: str = "auto") -> Predictions:
    """Predictions from a file, by format (``auto`` picks by suffix: ``.json`` Label Studio, CoNLL suffixes
    :data:`CONLL_SUFFIXES`, anything else JSONL)."""
    path = Path(path)
    if path.is_dir():
        raise RukpError("is a directory, expected a file", path=path)
    if not path.is_file():
        raise RukpError("predictions file not found", path=path)
    if fmt == "auto":
        suffix = path.suffix.lower()
        fmt = "labelstudio" if suffix in LABELSTUDIO_SUFFIXES else "conll" if suffix in CONLL_SUFFIXES else "jsonl"
    if fmt == "jsonl":
        return load_jsonl(path, gold, entities=entities, claims=claims, skip_invalid=skip_invalid)
    if fmt == "conll":
        if claims and gold.has_claims:
            raise RukpError("CoNLL BIO files hold entities only: add --no-claims", path=path)
        return load_conll(path, gold, skip_invalid=skip_invalid)
    if fmt == "labelstudio":
        return load_labelstudio(path, gold, entities=entities, claims=claims, skip_invalid=skip_invalid)
    raise RukpError(f"unknown predictions format {fmt!r}; choose auto, jsonl, conll or labelstudio", path=path)


# ------------------------------------------------------------------------------------------ view tables

def _entity_codes(columns: SpanArrays, rank: Mapping[str, int]) -> np.ndarray:
    """Each span's entity id as its index in the shared sorted vocabulary (-1: none)."""
    lut = np.asarray([rank[e] for e in columns.entity_ids] + [-1], dtype=np.int64)  # code -1 → the last
    return lut[columns.entity]


def _table(columns: SpanArrays, labels: np.ndarray, entity: np.ndarray) -> SpanTable:
    """The spans with a label in the view (code ≥ 0) as a scoring table."""
    keep = labels >= 0
    if keep.all():  # nothing dropped: no copies
        return SpanTable.build(columns.doc, columns.start, columns.end, labels, entity)
    return SpanTable.build(columns.doc[keep], columns.start[keep], columns.end[keep], labels[keep], entity[keep])


def _gold_lookup(gold: Gold, columns: SpanArrays, view: View) -> np.ndarray:
    """View label index (-1: not in the view) of each gold label code; a label neither fine nor of the view
    is an error naming its first span."""
    index = {label: i for i, label in enumerate(view.labels)}
    lut = np.full(len(columns.labels), -1, dtype=np.int64)
    bad = []
    for code, label in enumerate(columns.labels):
        if label in schema.ENTITY_LABELS:
            target = view.project(label)
        elif label in index:
            target = label
        else:
            bad.append(code)
            continue
        if target is not None:
            lut[code] = index[target]
    if bad:
        k = int(np.flatnonzero(np.isin(columns.label, bad))[0])
        raise RukpError(f"gold entity {columns.item_of(k)}: label {columns.labels[int(columns.label[k])]!r} is "
                        f"not one of {', '.join(schema.ENTITY_LABELS)}", path=gold.path,
                        line=columns.source_line(k), doc=gold.documents[int(columns.doc[k])].id)
    return lut


def view_tables(gold: Gold, preds: Predictions, view: View, label_map: LabelMap | None, *,
                skip_invalid: bool = False) -> tuple[EntityData, list[Skipped], int]:
    """Gold and predicted spans in ``view``'s labels, as scoring tables; also the predicted spans left out
    for a label outside the view and its map (``skip_invalid``), and how many predicted spans the view or
    the map drops on purpose (types it does not score, such as DATE in the coarse view)."""
    g, p = gold.entities.arrays(), preds.entities.arrays()
    index = {label: i for i, label in enumerate(view.labels)}
    pred_lut = np.full(len(p.labels), -1, dtype=np.int64)
    unknown = []
    for code, label in enumerate(p.labels):
        known, target = predicted_label(label, view, label_map)
        if known and target is not None:
            pred_lut[code] = index[target]
        if not known:
            unknown.append(code)
    report = Problems(skip_invalid, preds.source if preds.kind not in {"rows", "extractor"} else None)
    if unknown:
        mapped = f" or label map {label_map.name!r}" if label_map else ""
        hint = "" if label_map else " (give --label-map; spaCy's PER/LOC/ORG/MISC: --label-map spacy)"
        for k in np.flatnonzero(np.isin(p.label, unknown)).tolist():
            report("unknown_label", f"predicted entity {p.item_of(k)}: label {p.labels[int(p.label[k])]!r} is "
                   f"not in view {view.name} ({', '.join(view.labels)}){mapped}{hint}",
                   line=p.source_line(k), doc=gold.documents[int(p.doc[k])].id)

    g_codes = _gold_lookup(gold, g, view)[g.label]
    p_codes = pred_lut[p.label]
    dropped = int((p_codes < 0).sum()) - len(report.items)
    vocab = sorted(set(g.entity_ids) | set(p.entity_ids))
    rank = {e: i for i, e in enumerate(vocab)}
    data = EntityData(gold.doc_ids, view.labels, tuple(vocab), _table(g, g_codes, _entity_codes(g, rank)),
                      _table(p, p_codes, _entity_codes(p, rank)))
    return data, report.items, dropped
