"""Import a Label Studio JSON export into ``annotations/``: diff, validate, then write all files atomically.

Each exported document replaces that document's entities, claims and in-document relations. Rows keep
their ids when their region kept its id; new rows get the next free id of their document (``000-E031``),
new relations the next free ``R###``, in text order, so an import is deterministic. Relations that
link to another document are kept unless their claim was removed. Canonical ids missing from the kb
and cluster ids missing from ``clusters.jsonl`` are added (and reported); kb entries and clusters that
the import leaves unused are removed (the validator forbids unused ones). Nothing is written unless the
whole result passes :func:`rukp.annotations.validate.validate`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.annotations.provenance import AGENTS, NO_DISAGREEMENT, describe, label_studio_provenance
from rukp.annotations.store import (
    FILES,
    MANIFEST,
    AnnotationSet,
    annotation_files,
    load_annotations,
)
from rukp.corpus.build import load_corpus, text_sha256
from rukp.errors import RukpError, ValidationFailed
from rukp.io.labelstudio.results import ExportedDoc, load_export
from rukp.labelstudio.diff import DocDiff, diff_rows
from rukp.labelstudio.passes import PASSES_DIR, agreement, agreement_line, disagreements, pass_files, who
from rukp.schema import NAMED_LABELS, SCHEME_VERSION

Report = Callable[[str], None]
_RELATION_ID = re.compile(r"R(\d+)")


@dataclass
class ImportPlan:
    """Annotations before and after an import, the per-document diff and everything else it did."""

    source: str
    before: AnnotationSet
    after: AnnotationSet
    diffs: list[DocDiff] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    written: bool = False
    #: Documents whose passes differ: nothing imported for them until adjudicated.
    held: list[str] = field(default_factory=list)
    #: The passes of documents with several (``annotations/raw/labelstudio/``), written with the import.
    pass_files: dict[Path, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """True when the files written would differ from the current ones."""
        here = Path(".")
        return annotation_files(self.before, here) != annotation_files(self.after, here)

    def render(self) -> list[str]:
        lines = [line for d in self.diffs for line in d.render()]
        lines += [f"skipped {s}" for s in self.skipped]
        return lines + self.notes


def _number(row_id: str, prefix: str) -> int:
    m = re.fullmatch(re.escape(prefix) + r"(\d+)", row_id)
    return int(m.group(1)) if m else 0


def assign_ids(prefix: str, old: list[dict[str, Any]], parsed: list[dict[str, Any]]) -> dict[str, str]:
    """Region id → row id. A region whose id is an existing row id keeps it; else a region on the span of a
    row no region kept takes that row's id (regions drawn in Label Studio, or pre-annotations, imported
    before); the others get ``prefix`` + the next free number, in text order.
    """
    old_ids = {r["id"] for r in old}
    mapping = {r["id"]: r["id"] for r in parsed if r["id"] in old_ids}
    free: dict[tuple[int, int], list[str]] = {}
    for r in sorted(old, key=lambda r: r["id"]):
        if r["id"] not in mapping:
            free.setdefault((r["start"], r["end"]), []).append(r["id"])
    rest = sorted((r for r in parsed if r["id"] not in mapping),
                  key=lambda r: (r["start"], r["end"], str(r.get("label")), r["id"]))
    fresh = []
    for r in rest:
        same_span = free.get((r["start"], r["end"]))
        if same_span:
            mapping[r["id"]] = same_span.pop(0)
        else:
            fresh.append(r)
    first = max([_number(i, prefix) for i in old_ids], default=0) + 1
    for number, r in enumerate(fresh, start=first):
        mapping[r["id"]] = f"{prefix}{number:03d}"
    return mapping


def _merge(parsed: list[dict[str, Any]], mapping: dict[str, str], old: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parsed rows under their row ids; a kept row keeps its other keys, its key order and equal values as is."""
    before = {r["id"]: r for r in old}
    out = []
    for r in parsed:
        row = {**r, "id": mapping[r["id"]]}
        previous = before.get(row["id"])
        if previous is not None:
            row = {**previous, **{k: previous[k] if previous.get(k) == v else v for k, v in row.items()}}
        out.append(row)
    return out


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r.get("doc_id", ""), r.get("start", 0), r.get("end", 0), r.get("id", "")))


class _Planner:
    """Applies exported documents to a copy of the annotations, collecting diffs and notes."""

    def __init__(self, before: AnnotationSet, corpus: list[dict[str, Any]], source: str, agent: str,
                 directory: Path) -> None:
        self.corpus = {d["id"]: d for d in corpus}
        self.agent = agent
        self.directory = directory
        #: (doc id, validator item such as "claim 000-C001") → (task id, region id) of the imported region
        self.regions: dict[tuple[str, str], tuple[Any, str]] = {}
        self.plan = ImportPlan(source, before, copy.deepcopy(before))
        self.next_relation = max([_number(r["id"], "R") for r in before.relations], default=0)

    def document(self, doc: ExportedDoc) -> None:
        after, before = self.plan.after, self.plan.before
        corpus_doc = self.corpus.get(doc.doc_id)
        task = f"task {doc.task_id}"
        if corpus_doc is None:
            raise RukpError(f"{task}: not a corpus document (corpus: {', '.join(self.corpus)}); add the article "
                            "with `rukp corpus add` first", path=self.plan.source, doc=doc.doc_id)
        if corpus_doc["text"] != doc.text:
            raise RukpError(f"{task}: data.text differs from the corpus text (was corpus/ rebuilt since the "
                            "export? export the task again)", path=self.plan.source, doc=doc.doc_id)
        old_ents = before.for_doc("entities", doc.doc_id)
        old_claims = before.for_doc("claims", doc.doc_id)
        ent_ids = assign_ids(f"{doc.doc_id}-E", old_ents, doc.entities)
        claim_ids = assign_ids(f"{doc.doc_id}-C", old_claims, doc.claims)
        for what, ids in (("entity", ent_ids), ("claim", claim_ids)):
            self.regions.update({(doc.doc_id, f"{what} {row}"): (doc.task_id, region) for region, row in ids.items()})
        new_ents = _merge(doc.entities, ent_ids, old_ents)
        new_claims = _merge(doc.claims, claim_ids, old_claims)
        after.entities = [r for r in after.entities if r.get("doc_id") != doc.doc_id] + new_ents
        after.claims = [r for r in after.claims if r.get("doc_id") != doc.doc_id] + new_claims
        old_rels, new_rels = self._relations(doc, claim_ids, {c["id"] for c in old_claims},
                                             {c["id"] for c in new_claims})
        diff = DocDiff(doc.doc_id, f"task {doc.task_id}, {doc.annotation}")
        diff.changes = (diff_rows("entity", old_ents, new_ents) + diff_rows("claim", old_claims, new_claims)
                        + diff_rows("relation", old_rels, new_rels))
        self.plan.diffs.append(diff)
        self._manifest(doc.doc_id, text_sha256(corpus_doc["text"]))
        if diff.changes and not old_ents and not old_claims:  # annotated for the first time
            self._provenance(doc)

    def _relations(self, doc: ExportedDoc, claim_ids: dict[str, str], old_ids: set[str], new_ids: set[str]
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Replace the document's relations; returns the old and new relations that touch it."""
        after = self.plan.after
        touching = [r for r in after.relations if r["source"] in old_ids or r["target"] in old_ids]
        inside = [r for r in touching if r["source"] in old_ids and r["target"] in old_ids]
        by_pair = {frozenset((r["source"], r["target"])): r for r in inside}
        new_rels: list[dict[str, Any]] = []
        parsed = [{**r, "source": claim_ids[r["source"]], "target": claim_ids[r["target"]]} for r in doc.relations]
        fresh = []
        for r in sorted(parsed, key=lambda r: (r["source"], r["target"], r["type"])):
            old = by_pair.pop(frozenset((r["source"], r["target"])), None)
            if old is None:
                fresh.append(r)
            else:
                new_rels.append({**old, "type": r["type"], "source": r["source"], "target": r["target"]})
        for r in fresh:
            self.next_relation += 1
            new_rels.append({"id": f"R{self.next_relation:03d}", "type": r["type"], "source": r["source"],
                             "target": r["target"]})
        # relations to other documents survive while this document's claim does
        new_rels += [r for r in touching if r not in inside and (r["source"] in new_ids or r["target"] in new_ids)
                     and ({r["source"], r["target"]} & old_ids) <= new_ids]
        after.relations = [r for r in after.relations if r not in touching] + new_rels
        return touching, new_rels

    def _manifest(self, doc_id: str, sha: str) -> None:
        manifest = self.plan.after.manifest
        if not manifest:
            manifest.update({"scheme": SCHEME_VERSION, "guidelines": SCHEME_VERSION, "documents": {}})
            self.plan.notes.append(f"manifest: created (scheme {SCHEME_VERSION}, guidelines {SCHEME_VERSION})")
        documents = manifest.setdefault("documents", {})
        entry = documents.get(doc_id)
        if entry != {"text_sha256": sha}:
            documents[doc_id] = {**(entry or {}), "text_sha256": sha}
            manifest["documents"] = dict(sorted(documents.items()))
            self.plan.notes.append(f"manifest: doc {doc_id} annotated on text_sha256 {sha[:12]}…")

    def accept(self, doc: ExportedDoc, *, single_pass: bool) -> bool:
        """Whether ``doc`` is imported: passes that differ are held (stored, their disagreements listed) until
        adjudicated; a single pass of a document not annotated yet needs ``single_pass``."""
        corpus_doc = self.corpus.get(doc.doc_id)
        if corpus_doc is None or corpus_doc["text"] != doc.text:
            return True  # :meth:`document` says what is wrong
        task = f"task {doc.task_id} (doc {doc.doc_id})"
        if len(doc.passes) > 1:
            figures = agreement(doc.passes, corpus_doc)
            self.plan.pass_files.update(pass_files(self.directory, doc.passes, figures))
            lines = disagreements(doc.passes)
            self.plan.notes.append(f"doc {doc.doc_id}: {len(doc.passes)} passes; {agreement_line(figures)}")
            if not lines:
                return True
            self.plan.held.append(doc.doc_id)
            self.plan.skipped.append(
                f"{task}: its {len(doc.passes)} passes differ ({len(lines)} disagreement(s)); nothing is imported "
                "for this document until it is adjudicated: in Label Studio, correct one annotation and mark it as "
                f"ground truth, then pull again (the passes are stored in annotations/raw/{PASSES_DIR}/"
                f"{doc.doc_id}/)")
            self.plan.notes += [f"  doc {doc.doc_id} disagreement: {line}" for line in lines]
            return False
        new = not self.plan.before.for_doc("entities", doc.doc_id) and not self.plan.before.for_doc(
            "claims", doc.doc_id)
        if len(doc.passes) == 1 and new and not single_pass:
            self.plan.held.append(doc.doc_id)
            self.plan.skipped.append(
                f"{task}: one completed annotation ({who(doc)}); a new document is annotated by two people "
                "independently: ask a second annotator to annotate the task, or accept this one pass as "
                "single-annotated with --single-pass")
            return False
        return True

    def _provenance(self, doc: ExportedDoc) -> None:
        """Record how a document first annotated in Label Studio was made (documents annotated before keep their
        record; corrections made in Label Studio are recorded in ``annotations/imports/``)."""
        entry = self.plan.after.manifest["documents"][doc.doc_id]
        if "provenance" in entry:
            return
        if doc.source.get("ground_truth") is True:
            used = doc.completed or [doc.source]
            how = f"Label Studio ground truth (annotation {doc.source.get('id')})"
        elif len(doc.passes) > 1:
            used, how = [p.source for p in doc.passes], f"{NO_DISAGREEMENT} ({len(doc.passes)} passes agree)"
        else:
            used, how = [doc.source], None
        entry["provenance"] = label_studio_provenance(used, agent=self.agent, adjudication=how)
        self.plan.notes.append(f"manifest: doc {doc.doc_id}: {describe({'documents': {doc.doc_id: entry}})}")

    def references(self, imported: set[str]) -> None:
        """Add missing kb entries, aliases and clusters; drop kb entries and clusters the import left unused."""
        after, before, notes = self.plan.after, self.plan.before, self.plan.notes
        kb = {k["entity_id"]: k for k in after.kb}
        for e in _sorted([e for e in after.entities if e["doc_id"] in imported]):
            eid = e.get("entity_id")
            if eid is None or e.get("label") not in NAMED_LABELS:
                continue
            if eid not in kb:
                kb[eid] = {"entity_id": eid, "type": e["label"], "name": e["text"], "aliases": [e["text"]],
                           "wikidata": None,
                           "description": f"Added by a Label Studio import ({e['id']}); to be described."}
                after.kb.append(kb[eid])
                notes.append(f"kb: added {eid!r} ({e['label']}, name {e['text']!r}, from {e['id']}); fill in "
                             "its wikidata and description")
            elif e["text"] not in kb[eid]["aliases"]:
                kb[eid]["aliases"] = [*kb[eid]["aliases"], e["text"]]
                notes.append(f"kb: {eid!r} gains the alias {e['text']!r} (from {e['id']})")
        used = {e.get("entity_id") for e in after.entities}
        was_used = {e.get("entity_id") for e in before.entities}
        for eid in sorted((was_used - used) & set(kb)):
            after.kb = [k for k in after.kb if k["entity_id"] != eid]
            notes.append(f"kb: removed {eid!r} (no mention left)")
        clusters = {c["cluster"] for c in after.clusters}
        for c in _sorted([c for c in after.claims if c["doc_id"] in imported]):
            if c.get("cluster") is not None and c["cluster"] not in clusters:
                clusters.add(c["cluster"])
                after.clusters.append({"cluster": c["cluster"], "proposition": c["text"]})
                notes.append(f"clusters: added {c['cluster']!r} (proposition = the text of {c['id']}; rewrite it)")
        used = {c.get("cluster") for c in after.claims}
        for cid in sorted(({c.get("cluster") for c in before.claims} - used) & clusters):
            after.clusters = [c for c in after.clusters if c["cluster"] != cid]
            notes.append(f"clusters: removed {cid!r} (no claim left)")


def _fix(message: str) -> str:
    """What to do in Label Studio about a validation message."""
    if message.startswith("claimer must be string"):
        return ("draw a claimer relation from the claimer's mention (an entity or a CLAIMER region) to the claim, "
                "or type AUTHOR or UNSPECIFIED in claimer_id")
    if "does not match the type" in message and "kb entity" in message:
        return ("a relabelled entity needs another entity_id too (the kb id keeps its type): type the id of an "
                "entity of the new type, or a new id")
    return "correct the region, update the annotation, then pull again"


def in_label_studio(problem: Any, regions: dict[tuple[str, str], tuple[Any, str]]) -> str:
    """A validation problem, followed by where it is in Label Studio (task and region) and how to fix it there."""
    where = regions.get((problem.doc, problem.item)) if problem.doc and problem.item else None
    if where is None:
        return str(problem)
    task, region = where
    return f"{problem} [Label Studio: task {task}, region {region}: {_fix(problem.message)}]"


def plan_import(docs: list[ExportedDoc], *, before: AnnotationSet, corpus: list[dict[str, Any]], source: str,
                skipped: list[str] | None = None, directory: Path | None = None,
                agent: str = "person", single_pass: bool = False) -> ImportPlan:
    """The annotations after importing ``docs`` into ``before`` (nothing is written), validated. A document
    annotated for the first time records its provenance, with ``agent`` (``person`` or ``ai_agent``); a task
    whose passes differ is held until adjudicated, and a new document with one pass needs ``single_pass``.

    Problems name the files in ``directory`` (default ``annotations/``) at the lines the import would write.
    """
    from rukp.annotations.validate import SourceFile, validate_problems

    if agent not in AGENTS:
        raise RukpError(f"annotator kind {agent!r} is not one of {', '.join(AGENTS)}")
    planner = _Planner(before, corpus, source, agent, directory or paths.annotations_dir())
    planner.plan.skipped = list(skipped or [])
    imported = [d for d in sorted(docs, key=lambda d: d.doc_id) if planner.accept(d, single_pass=single_pass)]
    for doc in imported:
        planner.document(doc)
    planner.references({d.doc_id for d in imported})
    plan = planner.plan
    after = plan.after
    after.entities, after.claims = _sorted(after.entities), _sorted(after.claims)
    after.relations = sorted(after.relations, key=lambda r: r["id"])
    after.kb = sorted(after.kb, key=lambda r: r["entity_id"])
    after.clusters = sorted(after.clusters, key=lambda r: r["cluster"])
    files = {kind: SourceFile(str(directory / name)) for kind, name in {**FILES, "manifest": MANIFEST}.items()
             } if directory is not None else None
    plan.problems = [in_label_studio(p, planner.regions) for p in validate_problems(corpus, after, files=files)]
    return plan


def import_docs(docs: list[ExportedDoc], skipped: list[str], *, source: str, dry_run: bool = False,
                force: bool = False, root: Path | None = None, annotations_dir: Path | None = None,
                report: Report | None = None, agent: str = "person", single_pass: bool = False) -> ImportPlan:
    """Import parsed documents: report the diff, validate, and write unless ``dry_run``.

    Raises :class:`ValidationFailed` (after reporting the diff) when the result would not be valid, and
    :class:`RukpError` when an annotation is older than the one last imported for its document (see
    :mod:`rukp.labelstudio.ledger`) unless ``force``; the annotations folder is then left untouched. The whole
    import holds the repository's write lock (:mod:`rukp.io.lock`).
    """
    from rukp.io.lock import annotations_lock

    directory = annotations_dir or paths.annotations_dir(root)
    with annotations_lock(directory, "the import"):
        return _import_locked(docs, skipped, source=source, dry_run=dry_run, force=force, root=root,
                              directory=directory, report=report, agent=agent, single_pass=single_pass)


def _import_locked(docs: list[ExportedDoc], skipped: list[str], *, source: str, dry_run: bool, force: bool,
                   root: Path | None, directory: Path, report: Report | None, agent: str,
                   single_pass: bool) -> ImportPlan:
    from rukp.labelstudio.ledger import dumps_ledger, ledger_path, load_ledger, stale_messages, updated_ledger

    plan = plan_import(docs, before=load_annotations(directory), corpus=load_corpus(root), source=source,
                       skipped=skipped, directory=directory, agent=agent, single_pass=single_pass)
    imported = [d for d in docs if d.doc_id not in plan.held]  # held documents are not imported: not recorded
    ledger = load_ledger(directory)
    stale = stale_messages(imported, ledger, plan.diffs)
    if stale and force:
        plan.notes += [f"--force: {line}" for line in stale]
    for line in plan.render() if report else []:
        report(line)
    if stale and not force:
        raise RukpError("refusing a stale export, nothing written: " + " | ".join(stale) + " (export or pull "
                        "again for the newest annotation, or pass --force to revert on purpose)", path=source)
    if plan.problems:
        raise ValidationFailed(plan.problems, what=f"import of {source} (nothing written)")
    from rukp.io.atomic import dumps_json, write_many_atomic

    if plan.changed and not dry_run:
        from rukp.annotations.layers import make_layer, next_layer_path

        name = Path(source).name if Path(source).is_file() else source
        layer = make_layer(plan.before, plan.after, source=Path(source).name)
        # the annotation files, the layer that records the change, the ledger and the passes are written together
        write_many_atomic({**plan.pass_files, **annotation_files(plan.after, directory),
                           next_layer_path(directory): dumps_json(layer),
                           ledger_path(directory): dumps_ledger(updated_ledger(imported, ledger, name))})
        plan.written = True
    elif plan.pass_files and not dry_run:
        write_many_atomic(plan.pass_files)
    return plan


def import_export(path: str | Path, **kwargs: Any) -> ImportPlan:
    """Import a Label Studio JSON export file (keyword arguments as for :func:`import_docs`)."""
    docs, skipped = load_export(path)
    return import_docs(docs, skipped, source=str(path), **kwargs)
