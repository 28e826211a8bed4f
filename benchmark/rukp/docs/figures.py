"""Every composition figure of the documentation, computed from the data files (never typed by hand).

Inputs: the bundled dataset views (``documents``, ``ner``, ``kb`` under :func:`rukp.paths.data_dir`), the corpus
(``corpus/documents.jsonl``: provenance, dates, dropped furniture), and, when they exist, the agreement figures
(``annotations/agreement.json``, written by ``rukp agreement``) and the adjudication log
(``annotations/adjudication.jsonl``). Counts are the state; totals and shares are derived when rendered.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rukp import paths, schema
from rukp.docs.artefacts import Occurrence, locate
from rukp.errors import RukpError
from rukp.io.jsonl import iter_jsonl, read_json, read_text

AGREEMENT_FILE = "agreement.json"
ADJUDICATION_FILE = "adjudication.jsonl"
ERRATA_FILE = "errata.jsonl"
GUIDELINES_FILE = "GUIDELINES.md"
MANIFEST_FILE = "manifest.json"
_VERSION_LINE = re.compile(r"^Version:\s*(\S+)\s*$", re.MULTILINE)

#: Claim fields counted per value, in display order (the inventories come from :mod:`rukp.schema`).
CLAIM_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("polarity", schema.POLARITIES),
    ("certainty", schema.CERTAINTIES),
    ("topic", schema.TOPICS),
    ("claimer", ("canonical entity", *schema.SPECIAL_CLAIMERS)),
    ("claimer mention", ("in the text", "none")),
    ("co-claimers", ("joint claim", "single claimer")),
    ("quantity", ("normalised quantity", "none")),
)

_DOC_KEYS = ("id", "text", "sections", "sentences", "entities", "claims", "relations")
_CORPUS_KEYS = ("id", "seed", "seed_sha256", "title", "date", "date_evidence", "date_basis", "authors", "outlet",
                "text", "text_sha256", "dropped")


@dataclass(frozen=True)
class DocumentFigures:
    """Composition of one document: sizes, sections, mentions per type, claims per field value, links."""

    doc_id: str
    characters: int
    tokens: int
    sentences: int
    claim_sentences: int
    sections: Counter[str]
    english_characters: int
    mentions: Counter[str]
    entity_ids: frozenset[str]
    claims: int
    claim_values: Counter[tuple[str, str]]
    clusters: frozenset[str]
    relations: Counter[str]


@dataclass(frozen=True)
class Inputs:
    """The rows the figures are computed from, as read from disk (optional files are ``None`` when absent)."""

    documents: list[dict[str, Any]]
    ner: list[dict[str, Any]]
    kb: list[dict[str, Any]]
    corpus: list[dict[str, Any]]
    guidelines_version: str = "n/a"
    manifest: dict[str, Any] = field(default_factory=dict)
    agreement: dict[str, Any] | None = None
    adjudication: list[dict[str, Any]] | None = None
    errata: list[dict[str, Any]] | None = None
    sources: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class Figures:
    """All figures of the documentation; totals over documents are derived, never stored."""

    documents: tuple[DocumentFigures, ...]
    kb: tuple[dict[str, Any], ...]
    corpus: tuple[dict[str, Any], ...]
    cluster_sizes: dict[str, int]
    cluster_documents: dict[str, int]
    artefacts: tuple[Occurrence, ...]
    guidelines_version: str
    manifest: dict[str, Any]
    agreement: dict[str, Any] | None
    adjudication: tuple[dict[str, Any], ...] | None
    errata: tuple[dict[str, Any], ...] | None = None

    def total(self, name: str) -> int:
        """Sum of an integer attribute of :class:`DocumentFigures` over all documents."""
        return sum(getattr(d, name) for d in self.documents)

    def total_counter(self, name: str) -> Counter[Any]:
        """Sum of a ``Counter`` attribute of :class:`DocumentFigures` over all documents."""
        out: Counter[Any] = Counter()
        for d in self.documents:
            out.update(getattr(d, name))
        return out

    @property
    def entity_ids(self) -> frozenset[str]:
        """Distinct canonical entities mentioned anywhere (not the sum of the per-document counts)."""
        return frozenset().union(*(d.entity_ids for d in self.documents))

    @property
    def clusters(self) -> frozenset[str]:
        """Distinct claim clusters anywhere (not the sum of the per-document counts)."""
        return frozenset(self.cluster_sizes)


def _rows(path: Path, keys: tuple[str, ...], *, allow_empty: bool) -> list[dict[str, Any]]:
    rows = []
    for line, row in iter_jsonl(path, allow_empty=allow_empty):
        missing = [k for k in keys if k not in row]
        if missing:
            raise RukpError(f"missing field(s) {', '.join(missing)}", path=path, line=line,
                            doc=row.get("id") or row.get("doc_id"))
        rows.append(row)
    return rows


def load_inputs(root: Path | None = None) -> Inputs:
    """Read every input of the figures from a checkout; a missing or malformed file names itself."""
    root = root or paths.repo_root()
    data, ann = paths.data_dir(root), paths.annotations_dir(root)
    sources = {"documents": data / "documents.jsonl", "ner": data / "ner.jsonl", "kb": data / "kb.jsonl",
               "corpus": paths.corpus_dir(root) / "documents.jsonl", "agreement": ann / AGREEMENT_FILE,
               "adjudication": ann / ADJUDICATION_FILE, "errata": ann / ERRATA_FILE,
               "guidelines": ann / GUIDELINES_FILE, "manifest": ann / MANIFEST_FILE}
    documents = _rows(sources["documents"], _DOC_KEYS, allow_empty=False)
    corpus = _rows(sources["corpus"], _CORPUS_KEYS, allow_empty=False)
    if [d["id"] for d in documents] != [c["id"] for c in corpus]:
        raise RukpError("the dataset views list other documents than corpus/documents.jsonl "
                        "(run `rukp dataset build`)", path=sources["documents"])
    agreement = read_json(sources["agreement"]) if sources["agreement"].is_file() else None
    if agreement is not None and not isinstance(agreement, dict):
        raise RukpError("expected a JSON object", path=sources["agreement"])
    adjudication = (_rows(sources["adjudication"], ("item", "kind", "decision"), allow_empty=True)
                    if sources["adjudication"].is_file() else None)
    errata = (_rows(sources["errata"], ("id", "op", "reason"), allow_empty=True)
              if sources["errata"].is_file() else None)
    version = _VERSION_LINE.search(read_text(sources["guidelines"]))
    if version is None:
        raise RukpError("no 'Version: …' line", path=sources["guidelines"])
    manifest = read_json(sources["manifest"]) if sources["manifest"].is_file() else {}
    if not isinstance(manifest, dict):
        raise RukpError("expected a JSON object", path=sources["manifest"])
    return Inputs(documents=documents, ner=_rows(sources["ner"], ("doc_id", "tokens"), allow_empty=False),
                  kb=_rows(sources["kb"], ("entity_id", "type", "documents"), allow_empty=True), corpus=corpus,
                  guidelines_version=version.group(1), manifest=manifest, agreement=agreement,
                  adjudication=adjudication, errata=errata, sources=sources)


def claim_values(claim: dict[str, Any]) -> list[tuple[str, str]]:
    """The (field, value) pairs a claim contributes to the claims-per-field-value table."""
    claimer = claim.get("claimer")
    return [
        ("polarity", str(claim.get("polarity"))),
        ("certainty", str(claim.get("certainty"))),
        ("topic", str(claim.get("topic"))),
        ("claimer", claimer if claimer in schema.SPECIAL_CLAIMERS else "canonical entity"),
        ("claimer mention", "in the text" if claim.get("claimer_start") is not None else "none"),
        ("co-claimers", "joint claim" if claim.get("co_claimers") else "single claimer"),
        ("quantity", "normalised quantity" if claim.get("quantity") else "none"),
    ]


def document_figures(doc: dict[str, Any], ner_rows: list[dict[str, Any]]) -> DocumentFigures:
    """Figures of one ``documents`` row; ``ner_rows`` are its rows of the ``ner`` view (one per sentence)."""
    claim_counts: Counter[tuple[str, str]] = Counter()
    for c in doc["claims"]:
        claim_counts.update(claim_values(c))
    return DocumentFigures(
        doc_id=doc["id"],
        characters=len(doc["text"]),
        tokens=sum(len(r["tokens"]) for r in ner_rows),
        sentences=len(doc["sentences"]),
        claim_sentences=sum(any(c["start"] < s["end"] and c["end"] > s["start"] for c in doc["claims"])
                            for s in doc["sentences"]),
        sections=Counter(s["kind"] for s in doc["sections"]),
        english_characters=sum(s["end"] - s["start"] for s in doc["sections"] if s.get("language") == "en"),
        mentions=Counter(e["label"] for e in doc["entities"]),
        entity_ids=frozenset(e["entity_id"] for e in doc["entities"] if e.get("entity_id")),
        claims=len(doc["claims"]),
        claim_values=claim_counts,
        clusters=frozenset(c["cluster"] for c in doc["claims"] if c.get("cluster")),
        relations=Counter(r["type"] for r in doc["relations"]),
    )


def compute_figures(inputs: Inputs) -> Figures:
    """All figures from the loaded inputs (pure: no file access)."""
    ner_by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in inputs.ner:
        ner_by_doc.setdefault(row["doc_id"], []).append(row)
    docs = tuple(document_figures(d, ner_by_doc.get(d["id"], [])) for d in inputs.documents)
    sizes: Counter[str] = Counter()
    spread: dict[str, set[str]] = {}
    for d in inputs.documents:
        for c in d["claims"]:
            if c.get("cluster"):
                sizes[c["cluster"]] += 1
                spread.setdefault(c["cluster"], set()).add(d["id"])
    return Figures(
        documents=docs,
        kb=tuple(inputs.kb),
        corpus=tuple(inputs.corpus),
        cluster_sizes=dict(sorted(sizes.items())),
        cluster_documents={k: len(v) for k, v in sorted(spread.items())},
        artefacts=tuple(locate(inputs.corpus)),
        guidelines_version=inputs.guidelines_version,
        manifest=inputs.manifest,
        agreement=inputs.agreement,
        adjudication=tuple(inputs.adjudication) if inputs.adjudication is not None else None,
        errata=tuple(inputs.errata) if inputs.errata is not None else None,
    )


def figures(root: Path | None = None) -> Figures:
    """Load the inputs of a checkout and compute every figure."""
    return compute_figures(load_inputs(root))
