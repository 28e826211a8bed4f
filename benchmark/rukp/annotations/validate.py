"""``rukp validate``: every rule the gold annotations must satisfy, each problem reported as ``FILE:LINE``.

Rules, beyond the row shapes of :mod:`rukp.annotations.shapes` (exact keys, types, labels and values):

- ids: ``DOC-E###`` / ``DOC-C###`` with DOC = the row's ``doc_id``; entity, claim, relation, kb and
  cluster ids unique; every ``doc_id`` a corpus document.
- spans (entities, claims, claimer mentions): ``start < end <= len(text)``; ``text == text[start:end]``;
  no boundary inside a word (alphanumeric characters on both sides); no whitespace at either edge; inside
  one kept section of the corpus document (nothing in dropped furniture or between sections).
- entities: no overlap and no nesting within a document; ``entity_id`` required and in the kb for
  ``NAMED_LABELS``, null for ``VALUE_LABELS``; the kb type equals the label; the kb aliases contain
  every surface form of its mentions; every kb entity is mentioned at least once.
- claims: claimer a kb id or ``AUTHOR``/``UNSPECIFIED``; co_claimers kb ids other than the claimer;
  claimer_start/claimer_end both null or both a valid span; cluster in ``clusters.jsonl``; every cluster
  used by a claim.
- relations: type in ``CLAIM_RELATIONS``; source and target existing claims; no self-relation; at most
  one relation per pair of claims.
- manifest: ``{"scheme": SCHEME_VERSION, "guidelines": str, "documents": {doc_id: {"text_sha256": …}}}``;
  every annotated document listed, with the hash of the current corpus text (else its annotations are
  stale). An empty manifest is valid only while there are no annotations at all.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rukp import paths, schema
from rukp.annotations.corpus_checks import check_corpus
from rukp.annotations.problems import Problem, excerpt, relative
from rukp.annotations.shapes import CLAIM, CLUSTER, ENTITY, KB, MANIFEST, RELATION, shape_errors
from rukp.annotations.store import FILES, AnnotationSet
from rukp.annotations.store import MANIFEST as MANIFEST_FILE
from rukp.corpus.build import text_sha256
from rukp.errors import RukpError, quote
from rukp.io.jsonl import iter_jsonl, read_json


@dataclass(frozen=True)
class SourceFile:
    """Where rows came from: the path shown in messages and each row's line number (else row index + 1)."""

    path: str
    lines: tuple[int, ...] = ()

    def line(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else index + 1


def default_files() -> dict[str, SourceFile]:
    """Paths of the annotation files as shown in messages, for rows that were not read from disk."""
    names = {**FILES, "manifest": MANIFEST_FILE}
    return {kind: SourceFile(f"annotations/{name}") for kind, name in names.items()}


@dataclass
class _Row:
    """One row being checked: where it is, and which of its keys failed the shape check."""

    file: str
    line: int
    doc: str | None
    item: str
    bad: set[str]
    sink: list[Problem]

    def usable(self, *keys: str) -> bool:
        return not self.bad.intersection(keys)

    def problem(self, message: str) -> None:
        self.sink.append(Problem(self.file, message, self.line, self.doc, self.item))


def _plain(value: str) -> str:
    """An id as messages show it: as is when short and printable, else quoted and cut."""
    return value if len(value) <= 40 and value.isprintable() and " " not in value else quote(value, 40)


def _word_at(text: str, pos: int) -> str:
    start, end = pos, pos
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:end]


class _Checker:
    """Runs every rule over an annotation set; ``problems`` collects what it finds."""

    def __init__(self, corpus_docs: list[dict[str, Any]], ann: AnnotationSet,
                 files: dict[str, SourceFile]) -> None:
        self.docs = {d["id"]: d for d in corpus_docs}
        self.ann = ann
        self.files = files
        self.problems: list[Problem] = []
        self.kb: dict[str, tuple[dict[str, Any], _Row]] = {}
        self.clusters: dict[str, _Row] = {}
        self.claims: dict[str, int] = {}
        self.mentioned: set[str] = set()
        self.used_clusters: set[str] = set()
        self.annotated_docs: set[str] = set()
        self.emptied: set[str] = set()

    def run(self) -> list[Problem]:
        self.emptied = self._emptied_files()
        self._kb()
        self._clusters()
        self._entities()
        self._claims()
        self._relations()
        self._manifest()
        return self.problems

    def _emptied_files(self) -> set[str]:
        """Files that are empty while another file refers to them: one problem each, instead of one per
        reference (an emptied ``entities.jsonl`` would otherwise show as every kb entity unused)."""
        ann, emptied = self.ann, set()
        referrers = {
            "entities": [("kb", len(ann.kb), "entities")],
            "kb": [("entities", sum(isinstance(r, dict) and r.get("entity_id") is not None for r in ann.entities),
                    "mentions with an entity_id")],
            "claims": [("relations", len(ann.relations), "relations"), ("clusters", len(ann.clusters), "clusters")],
            "clusters": [("claims", len(ann.claims), "claims")],
        }
        for kind, uses in referrers.items():
            if getattr(ann, kind):
                continue
            for other, count, what in uses:
                if count:
                    emptied.add(kind)
                    self.problems.append(Problem(self.files[kind].path, (
                        f"is empty, but {self.files[other].path} has {count} {what} that need it (was the file "
                        "emptied? restore it, e.g. with git checkout)")))
                    break
        return emptied

    # -- helpers -----------------------------------------------------------------------------------
    def _rows(self, kind: str, row_schema: dict[str, Any], what: str, id_key: str = "id"
              ) -> Iterator[tuple[_Row, dict[str, Any]]]:
        source = self.files[kind]
        for index, row in enumerate(getattr(self.ann, kind)):
            messages, bad = shape_errors(row, row_schema)
            doc = _plain(row.get("doc_id")) if isinstance(row.get("doc_id"), str) else None
            rid = row.get(id_key)
            item = f"{what} {_plain(rid)}" if isinstance(rid, str) else f"{what} (no {id_key})"
            ctx = _Row(source.path, source.line(index), doc, item, bad, self.problems)
            for message in messages:
                ctx.problem(message)
            yield ctx, row

    def _unique(self, ctx: _Row, row: dict[str, Any], key: str, seen: dict[str, int]) -> str | None:
        """The row's id when usable; reports a duplicate naming the line of the first one."""
        if not ctx.usable(key):
            return None
        value = row[key]
        if value in seen:
            ctx.problem(f"duplicate {key} {quote(value)} (first at line {seen[value]})")
        else:
            seen[value] = ctx.line
        return value

    def _document(self, ctx: _Row, row: dict[str, Any]) -> dict[str, Any] | None:
        if not ctx.usable("doc_id"):
            return None
        doc = self.docs.get(row["doc_id"])
        if doc is None:
            ctx.problem(f"doc_id {quote(row['doc_id'])} is not a corpus document "
                        f"(corpus: {', '.join(self.docs)})")
        else:
            self.annotated_docs.add(row["doc_id"])
        return doc

    def _id_format(self, ctx: _Row, row: dict[str, Any], letter: str) -> None:
        if ctx.usable("id", "doc_id") and not re.fullmatch(rf"{re.escape(row['doc_id'])}-{letter}\d{{3,}}",
                                                           row["id"]):
            ctx.problem(f"id {quote(row['id'])} does not follow {_plain(row['doc_id'])}-{letter}### (DOC = doc_id)")

    def _span(self, ctx: _Row, doc: dict[str, Any], start: int, end: int, what: str) -> bool:
        """Check one span of ``doc``; True when its offsets are usable (so its text can be compared)."""
        text = doc["text"]
        if start >= end:
            ctx.problem(f"{what} {start}-{end} is empty or reversed (start must be < end)")
            return False
        if end > len(text):
            ctx.problem(f"{what} {start}-{end} goes past the end of the text (length {len(text)})")
            return False
        for name, pos in (("start", start), ("end", end)):
            if 0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum():
                ctx.problem(f"{what} {name} {pos} is inside the word {quote(_word_at(text, pos))}")
        covered = text[start:end]
        if covered != covered.strip():
            ctx.problem(f"{what} {start}-{end} {quote(covered)} starts or ends with whitespace")
        sections = doc.get("sections")
        if sections is not None and not any(s["start"] <= start and end <= s["end"] for s in sections):
            crossed = [s for s in sections if s["start"] < end and start < s["end"]]
            if crossed:
                s = crossed[0]
                ctx.problem(f"{what} {start}-{end} {quote(excerpt(covered))} crosses the edge of the kept "
                            f"section {s['kind']} {s['start']}-{s['end']} (a span lies inside one section)")
            else:
                ctx.problem(f"{what} {start}-{end} {quote(excerpt(covered))} lies outside every kept section "
                            "(dropped furniture and separators are not annotated)")
        return True

    def _row_span(self, ctx: _Row, row: dict[str, Any]) -> str | None:
        """Check the row's document, span and text; the document text of the span, None if unusable."""
        doc = self._document(ctx, row)
        if doc is None or not ctx.usable("start", "end") or not self._span(ctx, doc, row["start"], row["end"],
                                                                           "span"):
            return None
        if ctx.usable("text"):
            self._text(ctx, row, doc)
        return doc["text"][row["start"]:row["end"]]

    def _text(self, ctx: _Row, row: dict[str, Any], doc: dict[str, Any]) -> None:
        start, end = row["start"], row["end"]
        actual = doc["text"][start:end]
        if row["text"] != actual:
            ctx.problem(f"text {quote(excerpt(row['text']))} is not the document text at {start}-{end}, "
                        f"which is {quote(excerpt(actual))}")

    # -- files -------------------------------------------------------------------------------------
    def _kb(self) -> None:
        seen: dict[str, int] = {}
        for ctx, row in self._rows("kb", KB, "kb entity", "entity_id"):
            eid = self._unique(ctx, row, "entity_id", seen)
            if eid is None or eid in self.kb:
                continue
            if eid in schema.SPECIAL_CLAIMERS:
                ctx.problem(f"entity_id {quote(eid)} is reserved for claimers "
                            f"({', '.join(schema.SPECIAL_CLAIMERS)})")
            self.kb[eid] = (row, ctx)

    def _clusters(self) -> None:
        seen: dict[str, int] = {}
        for ctx, row in self._rows("clusters", CLUSTER, "cluster", "cluster"):
            cid = self._unique(ctx, row, "cluster", seen)
            if cid is not None and cid not in self.clusters:
                self.clusters[cid] = ctx

    def _entities(self) -> None:
        seen: dict[str, int] = {}
        spans: dict[str, list[tuple[int, int, str, _Row]]] = defaultdict(list)
        aliases_missing: dict[str, list[tuple[str, _Row]]] = defaultdict(list)
        for ctx, row in self._rows("entities", ENTITY, "entity"):
            self._unique(ctx, row, "id", seen)
            self._id_format(ctx, row, "E")
            surface = self._row_span(ctx, row)
            if surface is not None:
                spans[row["doc_id"]].append((row["start"], row["end"], ctx.item, ctx))
            self._link(ctx, row, surface, aliases_missing)
        self._overlaps(spans)
        for eid, (_, kb_ctx) in self.kb.items():
            if eid not in self.mentioned and "entities" not in self.emptied:
                kb_ctx.problem(f"never mentioned: no row of {self.files['entities'].path} has entity_id "
                               f"{quote(eid)} (unused kb entries are not allowed)")
            for surface, ctx in aliases_missing.get(eid, []):
                kb_ctx.problem(f"aliases lack {quote(surface)}, the surface form of {ctx.item} "
                               f"({ctx.file}:{ctx.line})")

    def _link(self, ctx: _Row, row: dict[str, Any], surface: str | None,
              aliases_missing: dict[str, list[tuple[str, _Row]]]) -> None:
        """An entity's ``entity_id`` against its label and the kb (type, aliases of ``surface``)."""
        eid = row["entity_id"] if ctx.usable("entity_id") else None
        if eid in self.kb:
            self.mentioned.add(eid)
        if not ctx.usable("label", "entity_id"):
            return
        label = row["label"]
        if label in schema.VALUE_LABELS:
            if eid is not None:
                ctx.problem(f"entity_id must be null for a {label} mention (value types "
                            f"{', '.join(schema.VALUE_LABELS)} have no canonical entity), not {quote(eid)}")
        elif eid is None:
            ctx.problem(f"entity_id is required for a {label} mention (named types: "
                        f"{', '.join(schema.NAMED_LABELS)})")
        elif eid not in self.kb:
            if "kb" not in self.emptied:
                ctx.problem(f"entity_id {quote(eid)} is not in {self.files['kb'].path}")
        else:
            kb_row, kb_ctx = self.kb[eid]
            if kb_ctx.usable("type") and kb_row["type"] != label:
                ctx.problem(f"label {label} does not match the type {kb_row['type']} of kb entity "
                            f"{quote(eid)} ({kb_ctx.file}:{kb_ctx.line})")
            if surface is not None and kb_ctx.usable("aliases") and surface not in kb_row["aliases"]:
                aliases_missing[eid].append((surface, ctx))

    def _overlaps(self, spans: dict[str, list[tuple[int, int, str, _Row]]]) -> None:
        """Sort-and-sweep per document: each span that overlaps an earlier one is reported once."""
        for doc_spans in spans.values():
            reach: tuple[int, int, str, _Row] | None = None
            for span in sorted(doc_spans, key=lambda s: (s[0], -s[1], s[3].line)):
                start, end, item, ctx = span
                if reach is not None and start < reach[1]:
                    r_start, r_end, r_item, r_ctx = reach
                    how = ("has the same span as" if (start, end) == (r_start, r_end)
                           else "is nested in" if end <= r_end else "overlaps")
                    ctx.problem(f"span {start}-{end} {how} {r_item} ({r_start}-{r_end}, line {r_ctx.line}): "
                                "entities must not overlap or nest")
                if reach is None or end > reach[1]:
                    reach = span

    def _claims(self) -> None:
        for ctx, row in self._rows("claims", CLAIM, "claim"):
            self._unique(ctx, row, "id", self.claims)
            self._id_format(ctx, row, "C")
            self._row_span(ctx, row)
            doc = self.docs.get(row["doc_id"]) if ctx.usable("doc_id") else None
            if ctx.usable("claimer_start", "claimer_end"):
                start, end = row["claimer_start"], row["claimer_end"]
                if (start is None) != (end is None):
                    ctx.problem(f"claimer_start and claimer_end must be both null or both set, not "
                                f"{json.dumps(start)} and {json.dumps(end)}")
                elif start is not None and doc is not None:
                    self._span(ctx, doc, start, end, "claimer mention")
            claimer = row["claimer"] if ctx.usable("claimer") else None
            if (claimer is not None and claimer not in self.kb and claimer not in schema.SPECIAL_CLAIMERS
                    and "kb" not in self.emptied):
                ctx.problem(f"claimer {quote(claimer)} is neither a kb entity_id nor one of "
                            f"{', '.join(schema.SPECIAL_CLAIMERS)}")
            co_claimers = row["co_claimers"] if ctx.usable("co_claimers") else []
            if claimer is not None and claimer in co_claimers:
                ctx.problem(f"co_claimers repeats the claimer {quote(claimer)}")
            unknown = [] if "kb" in self.emptied else [co for co in co_claimers if co != claimer and co not in self.kb]
            if unknown:  # one problem per claim, however many ids: the first few and a count
                shown = ", ".join(quote(co) for co in unknown[:3]) + (", …" if len(unknown) > 3 else "")
                verb = "is not a kb entity_id" if len(unknown) == 1 else f"({len(unknown):,} ids) are not kb entity_ids"
                ctx.problem(f"co_claimers: {shown} {verb}")
            if ctx.usable("cluster"):
                if row["cluster"] in self.clusters:
                    self.used_clusters.add(row["cluster"])
                elif "clusters" not in self.emptied:
                    ctx.problem(f"cluster {quote(row['cluster'])} is not in {self.files['clusters'].path}")
        for cid, ctx in self.clusters.items():
            if cid not in self.used_clusters and "claims" not in self.emptied:
                ctx.problem(f"no claim uses cluster {quote(cid)} (unused clusters are not allowed)")

    def _relations(self) -> None:
        seen: dict[str, int] = {}
        pairs: dict[frozenset[str], _Row] = {}
        for ctx, row in self._rows("relations", RELATION, "relation"):
            self._unique(ctx, row, "id", seen)
            for end in ("source", "target"):
                if ctx.usable(end) and row[end] not in self.claims and "claims" not in self.emptied:
                    ctx.problem(f"{end} {quote(row[end])} is not a claim id in {self.files['claims'].path}")
            if not ctx.usable("source", "target"):
                continue
            if row["source"] == row["target"]:
                ctx.problem(f"relation links claim {quote(row['source'])} to itself")
                continue
            pair = frozenset((row["source"], row["target"]))
            if pair in pairs:
                ctx.problem(f"claims {quote(row['source'])} and {quote(row['target'])} are already related by "
                            f"{pairs[pair].item} (line {pairs[pair].line})")
            else:
                pairs[pair] = ctx

    def _manifest(self) -> None:
        manifest, path = self.ann.manifest, self.files["manifest"].path
        if not isinstance(manifest, dict):
            self.problems.append(Problem(path, f"must be a JSON object, not {type(manifest).__name__}"))
            return
        if not manifest and not any(getattr(self.ann, kind) for kind in FILES):
            return  # nothing annotated yet
        messages, _ = shape_errors(manifest, MANIFEST)
        self.problems += [Problem(path, m) for m in messages]
        documents = manifest.get("documents")
        documents = documents if isinstance(documents, dict) else {}
        for doc_id, entry in documents.items():
            recorded = entry.get("text_sha256") if isinstance(entry, dict) else None
            if doc_id not in self.docs:
                self.problems.append(Problem(path, "listed in documents but not a corpus document",
                                             doc=doc_id))
                continue
            current = text_sha256(self.docs[doc_id]["text"])
            if isinstance(recorded, str) and recorded != current:
                self.problems.append(Problem(path, doc=doc_id, message=(
                    f"corpus text changed since it was annotated (manifest text_sha256 {recorded[:12]}…, "
                    f"corpus {current[:12]}…): the annotations of doc {doc_id} are stale; re-check their "
                    "offsets, then update the manifest")))
        for doc_id in sorted(self.annotated_docs - set(documents)):
            self.problems.append(Problem(path, doc=doc_id, message=(
                "has annotations but no entry in documents (the text_sha256 it was annotated on)")))


def validate_problems(corpus_docs: list[dict[str, Any]], ann: AnnotationSet, *,
                      files: dict[str, SourceFile] | None = None) -> list[Problem]:
    """Every problem of ``ann`` against the corpus documents, as :class:`Problem` objects."""
    return _Checker(corpus_docs, ann, {**default_files(), **(files or {})}).run()


def validate(corpus_docs: list[dict[str, Any]], ann: AnnotationSet, *,
             files: dict[str, SourceFile] | None = None) -> list[str]:
    """Problems of an annotation set against the corpus, one line each (empty when valid).

    ``files`` maps a kind (``entities``, ``claims``, ``relations``, ``kb``, ``clusters``, ``manifest``) to
    the path and line numbers its rows came from; without it a row's line is its index + 1.
    """
    return [str(p) for p in validate_problems(corpus_docs, ann, files=files)]


def load_with_lines(root: Path) -> tuple[AnnotationSet | None, dict[str, SourceFile], list[Problem]]:
    """Read ``annotations/`` keeping each row's line; None when a file is missing or cannot be parsed."""
    directory = paths.annotations_dir(root)
    loaded: dict[str, Any] = {}
    files: dict[str, SourceFile] = {}
    problems: list[Problem] = []
    for kind, name in FILES.items():
        path = directory / name
        shown = relative(path, root)
        try:
            numbered = list(iter_jsonl(path))
        except RukpError as e:
            problems.append(Problem(shown, "file not found (required, may be empty)") if not path.exists()
                            else Problem.from_error(e, root))
            continue
        loaded[kind] = [row for _, row in numbered]
        files[kind] = SourceFile(shown, tuple(line for line, _ in numbered))
    path = directory / MANIFEST_FILE
    files["manifest"] = SourceFile(relative(path, root))
    try:
        loaded["manifest"] = read_json(path)
    except RukpError as e:
        problems.append(Problem(files["manifest"].path, "file not found (required)") if not path.exists()
                        else Problem.from_error(e, root))
    return (None if problems else AnnotationSet(**loaded)), files, problems


@dataclass
class RepoValidation:
    """What ``rukp validate`` found: the problems (one line each) and what was checked."""

    problems: list[str]
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return ", ".join(f"{n} {name}" for name, n in self.counts.items())


def check_repo(root: Path | None = None) -> RepoValidation:
    """Check ``seeds/``, ``corpus/`` and ``annotations/`` of a checkout; every problem, and the counts."""
    root = Path(root).resolve() if root else paths.repo_root()
    corpus = check_corpus(root)
    problems = list(corpus.problems)
    ann, files, load_problems = load_with_lines(root)
    problems += load_problems
    if ann is not None:
        if corpus.complete:
            problems += validate_problems(corpus.documents, ann, files=files)
        else:
            problems.append(Problem("annotations", "not checked against the corpus until "
                                                   "corpus/documents.jsonl is fixed"))
    counts = {"documents": len(corpus.documents)}
    for kind in FILES:
        counts["kb entities" if kind == "kb" else kind] = len(getattr(ann, kind)) if ann else 0
    return RepoValidation([str(p) for p in problems], counts)


def validate_repo(root: Path | None = None) -> list[str]:
    """Every problem of the checkout at ``root`` (default: this one), one line each; empty when valid."""
    return check_repo(root).problems
