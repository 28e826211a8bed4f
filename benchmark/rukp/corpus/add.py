"""``rukp corpus add FILE.txt``: a new raw article becomes the next seed and the next corpus document.

The file is copied byte for byte to ``seeds/NNN_<sha256[:16]>.txt`` (NNN = the next free three-digit id),
listed in ``seeds/MANIFEST.json`` and ``seeds/metadata.json`` (date null unless given), and ``corpus/``
is rebuilt. Seeds, metadata and corpus files are written together atomically: all or nothing.

Refused: a file that is not UTF-8, empty, or holds a control character other than tab and newline (a NUL,
a carriage return: convert CRLF line ends first); a text equal to a seed already there once a byte-order
mark, line ends and runs of whitespace are ignored. A leading byte-order mark is dropped: the seed is
written without it (its hash is that of the bytes written).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.corpus.build import build_document, corpus_files, doc_id_for
from rukp.corpus.seeds import MANIFEST_NAME, METADATA_NAME, Seed, load_metadata, load_seeds, sha256_bytes
from rukp.errors import RukpError, quote
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
        raise RukpError(f"--date {quote(date)} is not a calendar date (YYYY-MM-DD)") from None


_BOM = "\ufeff"


def _check_characters(text: str, source: Path) -> None:
    """Refuse control characters (Unicode category Cc) other than tab and newline, naming line and column."""
    for number, line in enumerate(text.split("\n"), start=1):
        for column, char in enumerate(line, start=1):
            if char != "\t" and unicodedata.category(char) == "Cc":
                hint = (" (Windows line ends: convert them to \\n first, e.g. with dos2unix)" if char == "\r"
                        else " (is this a text file?)" if char == "\x00" else "")
                raise RukpError(f"control character U+{ord(char):04X} at column {column}: only tab and newline "
                                f"are allowed in an article{hint}", path=source, line=number)


def _normalised(text: str) -> str:
    """The text compared for duplicates: no byte-order mark, every run of whitespace (line ends too) one space."""
    return " ".join(text.replace(_BOM, "").split())


def _check_lines(text: str, title: str | None, drop: Sequence[str], source: Path) -> None:
    """``--title`` and every ``--drop`` must be a whole line of the article (spaces around it ignored)."""
    lines = {line.strip() for line in text.split("\n")}
    for option, value in [("--title", title), *(("--drop", d) for d in drop)]:
        if value is not None and value.strip() not in lines:
            raise RukpError(f"{option} {quote(value)} is not a whole line of the article (copy the line as it is)",
                            path=source)
    if title is not None and title.strip() in {d.strip() for d in drop}:
        raise RukpError(f"--title {quote(title)} is also given to --drop", path=source)


def add_article(source: str | Path, *, date: str | None = None, date_evidence: str | None = None,
                authors: Sequence[str] = (), outlet: str | None = None, title: str | None = None,
                drop: Sequence[str] = (), root: Path | None = None) -> Added:
    """Add ``source`` as a new seed and rebuild ``corpus/``; refuse non-UTF-8, empty and duplicate files.

    ``authors``, ``outlet`` and ``title`` replace what the page shows (bylines, no outlet, the first title-like
    line); ``drop`` lists lines to drop as page furniture that no rule knows. All go to ``seeds/metadata.json``.
    Holds the repository's write lock (:mod:`rukp.io.lock`), so two at once never give one id to two seeds.
    """
    from rukp.io.lock import annotations_lock

    with annotations_lock(paths.annotations_dir(root), "`rukp corpus add`"):
        return _add_article(Path(source), date=date, date_evidence=date_evidence, authors=authors, outlet=outlet,
                            title=title, drop=drop, root=root)


def _add_article(source: Path, *, date: str | None, date_evidence: str | None, authors: Sequence[str],
                 outlet: str | None, title: str | None, drop: Sequence[str], root: Path | None) -> Added:
    _check_date(date)
    if date_evidence is not None and not date_evidence.strip():
        raise RukpError("--date-evidence is empty: give a verbatim passage of the article that dates it, or leave "
                        "the option out")
    if date_evidence is not None and date is None:
        raise RukpError("--date-evidence needs --date (the evidence supports a date)")
    text = read_text(source, keep_bom=True).removeprefix(_BOM)  # written back as the seed: byte for byte
    _check_characters(text, source)
    _check_lines(text, title, drop, source)
    for name in authors:
        if not name.strip():
            raise RukpError("--author is empty", path=source)
    if not text.replace("\u00a0", " ").strip():
        raise RukpError("the article is empty (nothing but whitespace)", path=source)
    data = text.encode("utf-8")
    digest = sha256_bytes(data)
    seeds_dir = paths.seeds_dir(root)
    seeds = load_seeds(seeds_dir)
    normalised = _normalised(text)
    for seed in seeds:
        if seed.sha256 == digest or _normalised(seed.text) == normalised:
            how = "identical to" if seed.sha256 == digest else "the same text (ignoring line ends and spaces) as"
            raise RukpError(f"already in the corpus: {how} seeds/{seed.file} (document "
                            f"{doc_id_for(seed.file)})", path=source)
    number = max((int(doc_id_for(s.file)) for s in seeds), default=-1) + 1
    if number > 999:
        raise RukpError("no free three-digit document id left (000–999 are taken)", path=source)
    seed = Seed(file=f"{number:03d}_{digest[:16]}.txt", text=text, sha256=digest)

    metadata = load_metadata(seeds_dir)
    basis = "given with `rukp corpus add --date`" if date is not None else None
    metadata[seed.file] = {"date": date, "date_evidence": None, "date_basis": basis,
                           "outlet": outlet.strip() if outlet and outlet.strip() else None}
    if authors:
        metadata[seed.file]["authors"] = [a.strip() for a in authors]
    if title is not None:
        metadata[seed.file]["title"] = title.strip()
    if drop:
        metadata[seed.file]["drop"] = sorted({d.strip() for d in drop})
    if date_evidence is not None:
        kept = build_document(seed, metadata)["text"]
        if date_evidence not in kept:
            raise RukpError(f"--date-evidence {quote(date_evidence)} is not a verbatim passage of the article's "
                            "text as the corpus keeps it (copy it from the article; page furniture is dropped)",
                            path=source)
        metadata[seed.file]["date_evidence"] = date_evidence
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
