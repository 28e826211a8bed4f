"""Seeds are pinned byte for byte, and the corpus is built from them: fresh, traceable, free of furniture.

Build failures are run through the command on a temporary copy of the repository: each must name the file
and the problem, exit 2, and leave ``corpus/`` byte for byte as it was.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runner import run_rukp

from rukp.corpus.furniture import match_furniture
from rukp.corpus.seeds import manifest_entries
from rukp.io.atomic import dumps_json
from rukp.io.jsonl import read_jsonl

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
MANIFEST = json.loads((SEEDS / "MANIFEST.json").read_text(encoding="utf-8"))
METADATA = json.loads((SEEDS / "metadata.json").read_text(encoding="utf-8"))
CORPUS = read_jsonl(REPO / "corpus" / "documents.jsonl")
DOCS = {d["id"]: d for d in CORPUS}
# The five articles the dataset was released with; `rukp corpus add` may append more after them.
ORIGINAL_IDS = ("000", "001", "002", "003", "004")


def _seed_text(doc: dict) -> str:
    return (SEEDS / doc["seed"]).read_text(encoding="utf-8")


def _rukp(*args: str) -> subprocess.CompletedProcess[str]:
    return run_rukp(*args)  # in-process: no interpreter start-up per call


# --- seeds ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("row", MANIFEST["seeds"], ids=lambda r: r["file"])
def test_seed_matches_manifest_byte_for_byte(row: dict) -> None:
    data = (SEEDS / row["file"]).read_bytes()
    assert len(data) == row["size"]
    assert hashlib.sha256(data).hexdigest() == row["sha256"]


def test_manifest_lists_exactly_the_seed_files() -> None:
    assert sorted(r["file"] for r in MANIFEST["seeds"]) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert sorted(METADATA) == sorted(r["file"] for r in MANIFEST["seeds"])


def test_corpus_records_the_seed_it_was_built_from() -> None:
    pinned = {r["file"]: r["sha256"] for r in MANIFEST["seeds"]}
    assert {d["seed"]: d["seed_sha256"] for d in CORPUS} == pinned


# --- corpus: fresh and traceable ----------------------------------------------------------------------------

def test_corpus_build_check_passes() -> None:
    done = _rukp("corpus", "build", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"up to date ({len(MANIFEST['seeds'])} documents)" in done.stdout
    assert len(CORPUS) == len(MANIFEST["seeds"])


@pytest.mark.parametrize("doc", CORPUS, ids=lambda d: d["id"])
def test_every_section_is_verbatim_seed_text(doc: dict) -> None:
    seed, text = _seed_text(doc), doc["text"]
    assert doc["sections"], "a document without sections"
    for s in doc["sections"]:
        assert text[s["start"]:s["end"]] == seed[s["seed_start"]:s["seed_end"]], s
    for d in doc["dropped"]:
        assert seed[d["seed_start"]:d["seed_end"]] == d["text"], d
    assert (REPO / "corpus" / "text" / f"{doc['id']}.txt").read_text(encoding="utf-8") == text + "\n"


def test_caption_and_credit_of_doc_000_leave_the_parentheses_out() -> None:
    doc = DOCS["000"]
    first_line = doc["text"].split("\n")[0]
    pieces = [(s["kind"], first_line[s["start"]:s["end"]]) for s in doc["sections"]
              if s["end"] <= len(first_line)]
    assert pieces == [("caption", "Vladimir Poutine à Kazan, en Russie, le 24 octobre 2024."),
                      ("credit", "POOL / ALEXANDER NEMENOV")]
    caption, credit = doc["sections"][:2]
    assert first_line[caption["end"]:credit["start"]] == " ( "
    assert first_line[credit["end"]:] == " )"


# --- furniture --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("doc_id", "rule", "text", "count"), [
    ("000", "comment_count", "18 commentaires", 1),
    ("001", "captcha", "19 − 16 =", 1),
    ("002", "captcha", "2 × 5 =", 1),
    ("003", "teaser", "A LIRE AUSSI Ukraine : Washington prévient les soldats nord-coréens", 1),
    ("003", "repeated_line", "La Corée du Nord assure son soutien à la Russie jusqu’à la « victoire »", 2),
    ("003", "prev_next", "PREV ", 1),
    ("004", "table_of_contents", "Table of Contents", 1),
])
def test_furniture_is_dropped_with_its_reason(doc_id: str, rule: str, text: str, count: int) -> None:
    dropped = [d for d in DOCS[doc_id]["dropped"] if d["rule"] == rule and d["text"].startswith(text)]
    assert len(dropped) == count
    assert all(d["reason"].strip() for d in dropped)


FURNITURE_PHRASES = ("Laisser un commentaire", "18 commentaires", "Connectez-vous", "Signaler le commentaire",
                     "Devenez membre", "19 − 16 =", "2 × 5 =", "Table of Contents", "For Latest Updates",
                     "Kangourou du jour", "À découvrir", "A LIRE AUSSI", "PREV JE", "NEXT Le prix")


@pytest.mark.parametrize("doc", CORPUS, ids=lambda d: d["id"])
def test_no_kept_section_contains_furniture(doc: dict) -> None:
    text = doc["text"]
    for s in doc["sections"]:
        assert match_furniture(text[s["start"]:s["end"]]) is None, s
    for phrase in FURNITURE_PHRASES:
        assert phrase not in text
    for d in doc["dropped"]:
        if d["rule"] != "repeated_line":
            assert d["text"].strip() not in text, d


# --- metadata -----------------------------------------------------------------------------------------------

TITLES = {
    "000": "Selon le Pentagone, un total de 10.000 soldats nord-coréens se trouvent déjà en Russie.",
    "001": "Le ministre nord-coréen des Affaires étrangères se rend à Moscou alors que l’OTAN confirme le "
           "déploiement de troupes à Pyongyang",
    "002": "La Russie et la Corée du Nord signent une alliance militaire alors que les troupes de Pyongyang "
           "entrent en lice",
    "003": "La Corée du Nord assure son soutien à la Russie jusqu’à la « victoire »",
    "004": "Visite officielle du ministre russe de la Défense en Corée du Nord",
}


def test_the_original_articles_are_all_in_the_corpus() -> None:
    assert set(ORIGINAL_IDS) <= set(DOCS)
    assert set(TITLES) == set(ORIGINAL_IDS)


@pytest.mark.parametrize("doc", CORPUS, ids=lambda d: d["id"])
def test_title_is_the_headline_kept_once(doc: dict) -> None:
    titles = [doc["text"][s["start"]:s["end"]] for s in doc["sections"] if s["kind"] == "title"]
    assert len(titles) == 1
    assert doc["title"] == titles[0]
    assert doc["text"].count(doc["title"]) == 1
    if doc["id"] in TITLES:  # an added article's headline is whatever its first kept line says
        assert titles == [TITLES[doc["id"]]]


@pytest.mark.parametrize("doc", CORPUS, ids=lambda d: d["id"])
def test_date_is_iso_and_evidenced(doc: dict) -> None:
    assert doc["date"] == METADATA[doc["seed"]]["date"]
    if doc["id"] in ORIGINAL_IDS:  # every original article is dated, from evidence in its text
        assert doc["date"] is not None
        date = datetime.date.fromisoformat(doc["date"])
        assert datetime.date(2024, 10, 1) <= date <= datetime.date(2024, 11, 30)
    if doc["date"] is not None:  # `rukp corpus add` leaves the date null unless --date is given
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc["date"])
        datetime.date.fromisoformat(doc["date"])
    if doc["date_evidence"] is not None:
        assert doc["date_evidence"] in doc["text"]
    else:
        assert doc["id"] not in ORIGINAL_IDS
    bylines = [doc["text"][s["start"]:s["end"]] for s in doc["sections"] if s["kind"] == "byline"]
    assert doc["authors"] == bylines


# --- a build on broken seeds stops cleanly ----------------------------------------------------------------

SEED_002 = "002_a43d2bf141075952.txt"


def _repin(root: Path) -> None:
    manifest = {**MANIFEST, "seeds": manifest_entries(root / "seeds")}
    (root / "seeds" / "MANIFEST.json").write_text(dumps_json(manifest), encoding="utf-8")


def _missing(root: Path) -> None:
    (root / "seeds" / SEED_002).unlink()


def _latin1(root: Path) -> None:
    path = root / "seeds" / SEED_002
    path.write_bytes(path.read_bytes().replace("é".encode(), b"\xe9", 1))
    _repin(root)  # the manifest agrees, so the encoding is what fails


def _changed(root: Path) -> None:
    path = root / "seeds" / SEED_002
    path.write_bytes(path.read_bytes().replace(b"Russie", b"Russia", 1))


def _unlisted(root: Path) -> None:
    shutil.copy(root / "seeds" / SEED_002, root / "seeds" / "005_extra.txt")


@pytest.mark.parametrize(("breaks", "file", "problem"), [
    (_missing, SEED_002, "seed listed in the manifest is missing"),
    (_latin1, f"{SEED_002}:5", "not valid UTF-8 (byte 190: b'\\xe9')"),
    (_changed, SEED_002, "seed changed: manifest says 2266 bytes"),
    (_unlisted, "005_extra.txt", "seed file is not in MANIFEST.json"),
], ids=["missing", "not-utf8", "changed", "unlisted"])
def test_build_on_a_broken_seed_stops_and_leaves_corpus_untouched(
        tmp_path: Path, breaks: Callable[[Path], None], file: str, problem: str) -> None:
    root = tmp_path / "repo"
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(REPO / "corpus", root / "corpus")
    before = {p: p.read_bytes() for p in sorted((root / "corpus").rglob("*")) if p.is_file()}
    breaks(root)
    done = _rukp("corpus", "build", "--root", str(root))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith(f"error: {root / 'seeds' / file}: {problem}"), done.stderr
    assert "Traceback" not in done.stderr
    after = {p: p.read_bytes() for p in sorted((root / "corpus").rglob("*")) if p.is_file()}
    assert after == before
