"""``rukp corpus add FILE.txt``: a new raw article becomes the next seed and the next corpus document.

The file is copied byte for byte to ``seeds/NNN_<sha256[:16]>.txt`` (NNN = the next free three-digit id),
listed in ``seeds/MANIFEST.json`` and ``seeds/metadata.json`` (date null unless given), and ``corpus/``
is rebuilt. Seeds, metadata and corpus files are written together atomically: all or nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.corpus.build import build_document, corpus_files, doc_id_for
from rukp.corpus.seeds import MANIFEST_NAME, METADATA_NAME, Seed, load_metadata, load_seeds, sha256_bytes
from rukp.errors import RukpError
from rukp.io.atomic import dumps_json, write_many_atomic
from rukp.io.jsonl import read_json, read_text


@dataclass(frozen=True)
class Added:
    """The new seed file and the corpus document built from it; ``documents`` is the whole new corpus."""

    seed_file: str
    document: dict[str, Any]
    documents: list[dict[str, Any]]


def _check_date(date: str | None) -> None:
    if date is None:
        return
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        raise RukpError(f"--date {date!r} is not a calendar date (YYYY-MM-DD)") from None


def add_article(source: str | Path, *, date: str | None = None, date_evidence: str | None = None,
                root: Path | None = None) -> Added:
    """Add ``source`` as a new seed and rebuild ``corpus/``; refuse non-UTF-8, empty and duplicate files."""
    source = Path(source)
    _check_date(date)
    if date_evidence is not None and date is None:
        raise RukpError("--date-evidence needs --date (the evidence supports a date)")
    text = read_text(source, keep_bom=True)  # written back as the seed: byte for byte
    if not text.replace("\u00a0", " ").strip():
        raise RukpError("the article is empty (nothing but whitespace)", path=source)
    data = source.read_bytes()
    digest = sha256_bytes(data)
    seeds_dir = paths.seeds_dir(root)
    seeds = load_seeds(seeds_dir)
    for seed in seeds:
        if seed.sha256 == digest:
            raise RukpError(f"already in the corpus: identical to seeds/{seed.file} (document "
                            f"{doc_id_for(seed.file)})", path=source)
    number = max((int(doc_id_for(s.file)) for s in seeds), default=-1) + 1
    if number > 999:
        raise RukpError("no free three-digit document id left (000–999 are taken)", path=source)
    seed = Seed(file=f"{number:03d}_{digest[:16]}.txt", text=text, sha256=digest)

    metadata = load_metadata(seeds_dir)
    basis = "given with `rukp corpus add --date`" if date is not None else None
    metadata[seed.file] = {"date": date, "date_evidence": date_evidence, "date_basis": basis, "outlet": None}
    manifest = read_json(seeds_dir / MANIFEST_NAME)
    manifest["seeds"].append({"file": seed.file, "size": len(data), "sha256": digest})

    documents = [build_document(s, metadata) for s in [*seeds, seed]]
    new_doc = documents[-1]
    if new_doc["title"] is None:
        raise RukpError("no title found: every kept line was page furniture or a caption/byline", path=source)
    files = corpus_files(documents, paths.corpus_dir(root))
    files[seeds_dir / seed.file] = text
    files[seeds_dir / MANIFEST_NAME] = dumps_json(manifest)
    files[seeds_dir / METADATA_NAME] = dumps_json(metadata)
    write_many_atomic(files)
    return Added(seed.file, new_doc, documents)
