"""Build ``corpus/`` from ``seeds/``: one document per seed, editorial text only, with provenance.

Every kept section satisfies ``text[start:end] == seed_text[seed_start:seed_end]``; offsets are
Python character offsets with exclusive ends. The build is deterministic and written atomically.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.corpus.furniture import MAINTAINER, match_furniture
from rukp.corpus.layout import classify, language
from rukp.corpus.seeds import Seed, load_metadata, load_seeds
from rukp.errors import RukpError
from rukp.io.atomic import dumps_jsonl, write_many_atomic

DOCUMENTS_FILE = "documents.jsonl"
TEXT_DIR = "text"
_SEED_ID = re.compile(r"^(\d{3})_")


def doc_id_for(seed_file: str) -> str:
    """Document id: the three-digit prefix of the seed file name (``000_…txt`` → ``000``)."""
    m = _SEED_ID.match(seed_file)
    if not m:
        raise RukpError("seed file name must start with a three-digit id and '_' (e.g. 005_source.txt)",
                        path=seed_file)
    return m.group(1)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def build_document(seed: Seed, metadata: dict[str, Any]) -> dict[str, Any]:
    """One corpus document (a JSON-ready dict) from a seed and its editorial metadata."""
    doc_id = doc_id_for(seed.file)
    meta = metadata.get(seed.file)
    if meta is None:
        raise RukpError("no metadata for this seed in seeds/metadata.json (date, date_evidence, date_basis)",
                        path=seed.file)
    by_hand = {line.strip() for line in meta.get("drop") or []}
    kept: list[tuple[int, str]] = []
    dropped: list[dict[str, Any]] = []
    for seed_start, line in _lines_with_offsets(seed.text):
        if not line.replace("\u00a0", " ").strip():
            continue
        rule = MAINTAINER if line.strip() in by_hand else match_furniture(line)
        if rule:
            dropped.append({"text": line, "seed_start": seed_start, "seed_end": seed_start + len(line),
                            "rule": rule.name, "reason": rule.reason})
            continue
        if kept and line.strip() == kept[-1][1].strip():
            dropped.append({"text": line, "seed_start": seed_start, "seed_end": seed_start + len(line),
                            "rule": "repeated_line", "reason": "line repeated verbatim (kept once)"})
            continue
        kept.append((seed_start, line))

    pieces = classify([line for _, line in kept], title=meta.get("title"))
    title = next((line[p.start:p.end] for (_, line), ps in zip(kept, pieces, strict=True)
                  for p in ps if p.kind == "title"), None)
    parts: list[str] = []
    sections: list[dict[str, Any]] = []
    cursor = 0
    for (seed_start, line), line_pieces in zip(kept, pieces, strict=True):
        if parts:
            cursor += 1  # the "\n" joining kept lines
        for p in line_pieces:
            piece = line[p.start:p.end]
            sections.append({"kind": p.kind, "language": language(piece),
                             "start": cursor + p.start, "end": cursor + p.end,
                             "seed_start": seed_start + p.start, "seed_end": seed_start + p.end})
        parts.append(line)
        cursor += len(line)
    text = "\n".join(parts)
    dropped.sort(key=lambda d: d["seed_start"])

    evidence = meta.get("date_evidence")
    if evidence is not None and evidence not in text:
        raise RukpError(f"date_evidence is not a verbatim passage of the document text: {evidence[:60]!r}…",
                        path="seeds/metadata.json", doc=doc_id)
    authors = meta.get("authors") or [text[s["start"]:s["end"]] for s in sections if s["kind"] == "byline"]
    return {
        "id": doc_id,
        "seed": seed.file,
        "seed_sha256": seed.sha256,
        "title": title,
        "language": "fr",
        "date": meta.get("date"),
        "date_evidence": evidence,
        "date_basis": meta.get("date_basis"),
        "authors": authors,
        "outlet": meta.get("outlet"),
        "text": text,
        "text_sha256": text_sha256(text),
        "sections": sections,
        "dropped": dropped,
    }


def build_corpus(root: Path | None = None) -> list[dict[str, Any]]:
    """All corpus documents, in seed order, built from the checked seeds."""
    seeds_dir = paths.seeds_dir(root)
    seeds = load_seeds(seeds_dir)
    metadata = load_metadata(seeds_dir)
    return [build_document(seed, metadata) for seed in seeds]


def corpus_files(documents: list[dict[str, Any]], corpus_dir: Path) -> dict[Path, str]:
    """The files of ``corpus/`` (documents JSONL and one plain-text file per document) as path → text."""
    files = {corpus_dir / DOCUMENTS_FILE: dumps_jsonl(documents)}
    for doc in documents:
        files[corpus_dir / TEXT_DIR / f"{doc['id']}.txt"] = doc["text"] + "\n"
    return files


@dataclass(frozen=True)
class BuildResult:
    """What a build (or a check) found: the documents and the files that differ from disk."""

    documents: list[dict[str, Any]]
    stale: list[Path]


def build(root: Path | None = None, *, check: bool = False) -> BuildResult:
    """Build the corpus; with ``check`` write nothing and report which files are stale."""
    documents = build_corpus(root)
    cdir = paths.corpus_dir(root)
    files = corpus_files(documents, cdir)
    stale = [p for p, text in files.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    extra = sorted(p for p in (cdir / TEXT_DIR).glob("*.txt") if p not in files) if (cdir / TEXT_DIR).is_dir() else []
    stale += extra
    if not check and stale:
        write_many_atomic({p: files[p] for p in stale if p in files})
        for p in extra:
            p.unlink()
    return BuildResult(documents, stale)


def load_corpus(root: Path | None = None) -> list[dict[str, Any]]:
    """The built corpus documents from ``corpus/documents.jsonl``."""
    from rukp.io.atomic import finish_pending
    from rukp.io.jsonl import read_jsonl

    folder = paths.corpus_dir(root)
    finish_pending(folder.parent)  # `corpus add` writes seeds/ and corpus/ together: finish a half-done one
    return read_jsonl(folder / DOCUMENTS_FILE)
