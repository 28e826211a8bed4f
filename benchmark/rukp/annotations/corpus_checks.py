"""Checks of ``corpus/`` against ``seeds/``: row shape, ids, hashes, section provenance and freshness.

Every kept section must satisfy ``text[start:end] == seed_text[seed_start:seed_end]`` and every dropped
line must be the seed text it claims to be, so each character of the corpus traces back to a seed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.annotations.problems import Problem, excerpt, relative
from rukp.annotations.shapes import CORPUS_DOCUMENT, shape_errors
from rukp.corpus.build import DOCUMENTS_FILE, build, doc_id_for, text_sha256
from rukp.corpus.seeds import sha256_bytes
from rukp.errors import RukpError
from rukp.io.jsonl import iter_jsonl, read_text


@dataclass
class CorpusCheck:
    """Well-formed corpus documents, the problems found, and whether every row could be checked."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    complete: bool = True


def _seed_text(doc: dict[str, Any], seeds_dir: Path, root: Path,
               where: dict[str, Any]) -> tuple[str | None, list[Problem]]:
    """The seed text a document was built from, or the problems that prevent reading it."""
    path = seeds_dir / doc["seed"]
    if not path.is_file():
        return None, [Problem(**where, message=f"seed {relative(path, root)} not found")]
    digest = sha256_bytes(path.read_bytes())
    problems = []
    if digest != doc["seed_sha256"]:
        problems.append(Problem(**where, message=f"seed_sha256 {doc['seed_sha256'][:12]}… does not match "
                                                 f"{relative(path, root)} (sha256 {digest[:12]}…)"))
    try:
        return read_text(path, keep_bom=True), problems
    except RukpError as e:
        return None, [*problems, Problem.from_error(e, root)]


def _check_sections(doc: dict[str, Any], seed: str, seed_name: str, where: dict[str, Any]) -> list[Problem]:
    text, problems, previous_end = doc["text"], [], 0
    for i, s in enumerate(doc["sections"]):
        label = f"section {i} ({s['kind']} {s['start']}-{s['end']})"
        if not s["start"] < s["end"] <= len(text):
            problems.append(Problem(**where, message=f"{label}: empty or outside the text (length "
                                                     f"{len(text)})"))
        elif s["start"] < previous_end:
            problems.append(Problem(**where, message=f"{label}: starts before the previous section ends "
                                                     f"({previous_end})"))
        elif (kept := text[s["start"]:s["end"]]) != (source := seed[s["seed_start"]:s["seed_end"]]):
            problems.append(Problem(**where, message=(
                f"{label}: text {excerpt(kept)!r} differs from its provenance "
                f"{seed_name}[{s['seed_start']}:{s['seed_end']}] {excerpt(source)!r}")))
        previous_end = max(previous_end, s["end"])
    for i, d in enumerate(doc["dropped"]):
        if seed[d["seed_start"]:d["seed_end"]] != d["text"]:
            problems.append(Problem(**where, message=(
                f"dropped line {i} ({d['rule']}): text {excerpt(d['text'])!r} differs from "
                f"{seed_name}[{d['seed_start']}:{d['seed_end']}]")))
    return problems


def _check_metadata(doc: dict[str, Any], where: dict[str, Any]) -> list[Problem]:
    problems = []
    if text_sha256(doc["text"]) != doc["text_sha256"]:
        problems.append(Problem(**where, message="text_sha256 does not match the text (edited by hand? "
                                                 "run `rukp corpus build`)"))
    try:
        if doc_id_for(doc["seed"]) != doc["id"]:
            problems.append(Problem(**where, message=f"id {doc['id']!r} does not match the seed file name "
                                                     f"{doc['seed']!r}"))
    except RukpError as e:
        problems.append(Problem(**where, message=f"seed {doc['seed']!r}: {e.detail}"))
    if doc["date"] is not None:
        try:
            datetime.date.fromisoformat(doc["date"])
        except ValueError:
            problems.append(Problem(**where, message=f"date {doc['date']!r} is not a calendar date "
                                                     "(YYYY-MM-DD)"))
    titles = [doc["text"][s["start"]:s["end"]] for s in doc["sections"] if s["kind"] == "title"]
    if not titles or titles[0] != doc["title"]:
        problems.append(Problem(**where, message=f"title {excerpt(doc['title'])!r} is not the text of the "
                                                 "first title section"))
    if doc["date_evidence"] is not None and doc["date_evidence"] not in doc["text"]:
        problems.append(Problem(**where, message="date_evidence is not a verbatim passage of the text"))
    return problems


def _freshness(root: Path) -> list[Problem]:
    """Problems when ``rukp corpus build`` would write something (or cannot run)."""
    try:
        result = build(root, check=True)
    except RukpError as e:
        return [Problem.from_error(e, root)]
    return [Problem(relative(p, root), "stale: differs from what `rukp corpus build` makes from seeds/ "
                                       "(run `rukp corpus build`)") for p in result.stale]


def check_corpus(root: Path) -> CorpusCheck:
    """Check ``corpus/documents.jsonl`` row by row against ``seeds/``, then check the corpus is fresh."""
    path = paths.corpus_dir(root) / DOCUMENTS_FILE
    name, seeds_dir = relative(path, root), paths.seeds_dir(root)
    try:
        rows = list(iter_jsonl(path, allow_empty=False))
    except RukpError as e:
        return CorpusCheck([], [Problem.from_error(e, root)], complete=False)
    check = CorpusCheck()
    first_line: dict[str, int] = {}
    for line, doc in rows:
        doc_id = doc.get("id") if isinstance(doc.get("id"), str) else None
        where = {"file": name, "line": line, "doc": doc_id}
        messages, bad = shape_errors(doc, CORPUS_DOCUMENT)
        check.problems += [Problem(**where, message=m) for m in messages]
        if bad:
            check.complete = False
            continue
        if doc_id in first_line:
            check.problems.append(Problem(**where, message=f"duplicate document id (first at line "
                                                           f"{first_line[doc_id]})"))
            check.complete = False
            continue
        first_line[doc_id] = line
        check.problems += _check_metadata(doc, where)
        seed, problems = _seed_text(doc, seeds_dir, root, where)
        check.problems += problems
        if seed is not None:
            check.problems += _check_sections(doc, seed, relative(seeds_dir / doc["seed"], root), where)
        check.documents.append(doc)
    check.problems += _freshness(root)
    return check
