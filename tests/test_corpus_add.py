"""``rukp corpus add``: a raw article becomes the next seed and corpus document, atomically; bad files are refused.

Every test works on a temporary copy of ``seeds/`` and ``corpus/`` (``--root``), never the repository's.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from rukp.annotations.corpus_checks import check_corpus
from rukp.cli import main
from rukp.corpus.build import build, text_sha256
from rukp.io.jsonl import read_jsonl

REPO = Path(__file__).resolve().parents[1]
#: Documents in the repository now (the five originals, plus any added since): the next id follows them.
EXISTING = [d["id"] for d in read_jsonl(REPO / "corpus" / "documents.jsonl")]
N = len(EXISTING)
ARTICLE = (
    "Moscou et Pyongyang signent un accord sur les transports\n"
    "La Russie et la Corée du Nord ont signé jeudi un accord sur les liaisons ferroviaires, a annoncé "
    "le ministère russe des Transports.\n"
    "18 commentaires\n"
    "Selon l'agence officielle KCNA, les premiers trains circuleront au printemps.\n"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for name in ("seeds", "corpus"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _rukp(*args: object) -> int:
    """Run ``rukp`` in-process and return its exit code."""
    try:
        main([str(a) for a in args])
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    return 0


def _article(tmp_path: Path, text: str = ARTICLE, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_an_article_becomes_the_next_seed_and_document(root, tmp_path, capsys):
    before = _snapshot(root)
    source = _article(tmp_path)
    assert _rukp("corpus", "add", source, "--root", root) == 0
    out = capsys.readouterr().out
    digest = json.loads((root / "seeds" / "MANIFEST.json").read_text())["seeds"][-1]
    assert digest["file"].startswith(f"{N:03d}_") and digest["file"] in out and f"{N + 1} documents" in out
    seed = root / "seeds" / digest["file"]
    assert seed.read_bytes() == source.read_bytes() and digest["size"] == len(source.read_bytes())
    metadata = json.loads((root / "seeds" / "metadata.json").read_text())
    assert metadata[digest["file"]] == {"date": None, "date_evidence": None, "date_basis": None, "outlet": None}
    docs = read_jsonl(root / "corpus" / "documents.jsonl")
    assert [d["id"] for d in docs] == [*EXISTING, f"{N:03d}"]
    new = docs[-1]
    assert new["title"] == "Moscou et Pyongyang signent un accord sur les transports"
    assert "18 commentaires" not in new["text"] and new["dropped"][0]["rule"] == "comment_count"
    assert (root / "corpus" / "text" / f"{N:03d}.txt").read_text() == new["text"] + "\n"
    assert new["text_sha256"] == text_sha256(new["text"])
    after = _snapshot(root)  # the existing documents are untouched
    for name in EXISTING:
        assert after[f"corpus/text/{name}.txt"] == before[f"corpus/text/{name}.txt"]
    assert read_jsonl(REPO / "corpus" / "documents.jsonl") == docs[:N]
    assert build(root, check=True).stale == []
    assert check_corpus(root).problems == []


def test_date_and_evidence_are_recorded_and_the_next_id_follows(root, tmp_path, capsys):
    evidence = "ont signé jeudi un accord sur les liaisons ferroviaires"
    assert _rukp("corpus", "add", _article(tmp_path), "--root", root, "--date", "2024-11-14",
                 "--date-evidence", evidence) == 0
    second = _article(tmp_path, ARTICLE.replace("jeudi", "vendredi"), "second.txt")
    assert _rukp("corpus", "add", second, "--root", root) == 0
    files = [s["file"] for s in json.loads((root / "seeds" / "MANIFEST.json").read_text())["seeds"]]
    assert [f[:4] for f in files[-2:]] == [f"{N:03d}_", f"{N + 1:03d}_"]
    metadata = json.loads((root / "seeds" / "metadata.json").read_text())
    assert metadata[files[-2]]["date"] == "2024-11-14" and metadata[files[-2]]["date_evidence"] == evidence
    assert read_jsonl(root / "corpus" / "documents.jsonl")[N]["date"] == "2024-11-14"


@pytest.mark.parametrize(("content", "options", "message"), [
    ("Titre\nUn paragraphe é.\n".encode("latin-1"), [], r"article.txt:2: not valid UTF-8"),
    (b" \n\n\t\n", [], r"article.txt: the article is empty"),
    (ARTICLE.encode(), ["--date", "14/11/2024"], r"--date '14/11/2024' is not a calendar date"),
    (ARTICLE.encode(), ["--date", "2024-11-14", "--date-evidence", "absent du texte"],
     r"article.txt: --date-evidence 'absent du texte' is not a verbatim passage of the article's text"),
    (ARTICLE.encode(), ["--date-evidence", "jeudi"], r"--date-evidence needs --date"),
    (b"\x00" * 64, [], r"article.txt:1: control character U\+0000 at column 1: only tab and newline .*text file"),
    (ARTICLE.replace("\n", "\r\n").encode(), [], r"article.txt:1: control character U\+000D at column 57: .*dos2unix"),
    (ARTICLE.replace("jeudi", "jeudi\x1b[31m").encode(), [], r"article.txt:2: control character U\+001B"),
    (ARTICLE.replace("jeudi", "jeudi\u0085").encode(), [], r"article.txt:2: control character U\+0085"),
])
def test_bad_files_are_refused_and_nothing_is_written(root, tmp_path, capsys, content, options, message):
    source = tmp_path / "article.txt"
    source.write_bytes(content)
    before = _snapshot(root)
    assert _rukp("corpus", "add", source, "--root", root, *options) == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert _snapshot(root) == before


def test_a_duplicate_article_is_refused(root, tmp_path, capsys):
    seed = sorted((root / "seeds").glob("003_*.txt"))[0]
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed.read_bytes())
    before = _snapshot(root)
    assert _rukp("corpus", "add", copy, "--root", root) == 2
    assert f"already in the corpus: identical to seeds/{seed.name} (document 003)" in capsys.readouterr().err
    assert _snapshot(root) == before


@pytest.mark.parametrize("change", [
    lambda t: "\ufeff" + t,
    lambda t: t.replace("\n", "\n\n").replace(" ", "  "),
    lambda t: "\ufeff" + t.replace(" ", "\u00a0") + "\n\n",
], ids=["bom", "line ends and spaces", "bom and no-break spaces"])
def test_a_duplicate_up_to_bom_and_whitespace_is_refused(root, tmp_path, capsys, change):
    seed = sorted((root / "seeds").glob("002_*.txt"))[0]
    copy = tmp_path / "copy.txt"
    copy.write_bytes(change(seed.read_text(encoding="utf-8")).encode("utf-8"))
    before = _snapshot(root)
    assert _rukp("corpus", "add", copy, "--root", root) == 2
    err = capsys.readouterr().err
    assert re.search(r"already in the corpus: (identical to|the same text \(ignoring line ends and spaces\) as) "
                     rf"seeds/{seed.name} \(document 002\)", err), err
    assert _snapshot(root) == before


def test_a_leading_bom_is_dropped_from_the_seed(root, tmp_path, capsys):
    source = _article(tmp_path, "\ufeff" + ARTICLE)
    assert _rukp("corpus", "add", source, "--root", root) == 0
    entry = json.loads((root / "seeds" / "MANIFEST.json").read_text())["seeds"][-1]
    assert (root / "seeds" / entry["file"]).read_bytes() == ARTICLE.encode("utf-8")
    assert entry["size"] == len(ARTICLE.encode("utf-8"))
    assert not read_jsonl(root / "corpus" / "documents.jsonl")[-1]["text"].startswith("\ufeff")


def test_a_root_that_does_not_exist_is_named(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert _rukp("corpus", "add", _article(tmp_path), "--root", missing) == 2
    err = capsys.readouterr().err
    assert err == f"error: root folder {missing} does not exist (--root)\n"
    assert not missing.exists()


FURNISHED = (
    "Publicité\n"
    "Kim Jong-un reçoit une délégation russe à Pyongyang\n"
    "Par Claire Dubois et Jean-Marc Petit\n"
    "Une délégation russe a été reçue mardi à Pyongyang par le dirigeant nord-coréen, selon l'agence KCNA.\n"
    "à lire aussi : La Corée du Nord tire un missile\n"
    "Partager sur Facebook\n"
    "Facebook Twitter LinkedIn\n"
    "Commenter\n"
    "Voir aussi\n"
    "Abonnez-vous à notre lettre\n"
    "Les deux pays ont signé un traité de défense mutuelle en juin.\n"
)


def test_french_furniture_and_bylines_are_recognised(root, tmp_path):
    assert _rukp("corpus", "add", _article(tmp_path, FURNISHED), "--root", root,
                 "--drop", "Abonnez-vous à notre lettre") == 0
    doc = read_jsonl(root / "corpus" / "documents.jsonl")[-1]
    rules = {d["text"]: d["rule"] for d in doc["dropped"]}
    assert rules == {"Publicité": "advertisement", "à lire aussi : La Corée du Nord tire un missile": "teaser",
                     "Partager sur Facebook": "share", "Facebook Twitter LinkedIn": "share",
                     "Commenter": "comment_call", "Voir aussi": "see_also",
                     "Abonnez-vous à notre lettre": "maintainer"}
    assert all(d["reason"] for d in doc["dropped"])  # every dropped line keeps its rule's reason
    assert doc["title"] == "Kim Jong-un reçoit une délégation russe à Pyongyang"
    assert doc["authors"] == ["Claire Dubois", "Jean-Marc Petit"]
    assert [doc["text"][s["start"]:s["end"]] for s in doc["sections"] if s["kind"] == "byline"] == doc["authors"]
    metadata = json.loads((root / "seeds" / "metadata.json").read_text(encoding="utf-8"))
    assert metadata[doc["seed"]]["drop"] == ["Abonnez-vous à notre lettre"]
    assert check_corpus(root).problems == []
    assert build(root, check=True).stale == []  # the drop is kept in seeds/metadata.json: rebuilding agrees


def test_author_outlet_and_title_are_taken_from_the_options(root, tmp_path):
    text = "Dépêche\nLa Russie livre du pétrole à la Corée du Nord\nLe pétrole arrive par le rail, selon Séoul.\n"
    assert _rukp("corpus", "add", _article(tmp_path, text), "--root", root, "--author", "Anne Roy",
                 "--author", "Luc Ba", "--outlet", "Le Quotidien", "--title",
                 "La Russie livre du pétrole à la Corée du Nord") == 0
    doc = read_jsonl(root / "corpus" / "documents.jsonl")[-1]
    assert (doc["authors"], doc["outlet"], doc["title"]) == (["Anne Roy", "Luc Ba"], "Le Quotidien",
                                                             "La Russie livre du pétrole à la Corée du Nord")
    assert [s["kind"] for s in doc["sections"]] == ["paragraph", "title", "lead"]
    assert check_corpus(root).problems == []


@pytest.mark.parametrize(("option", "value"), [("--title", "Pas une ligne"), ("--drop", "Pas une ligne")])
def test_title_and_drop_must_be_lines_of_the_article(root, tmp_path, capsys, option, value):
    article = _article(tmp_path)
    before = _snapshot(root)
    assert _rukp("corpus", "add", article, "--root", root, option, value) != 0
    err = capsys.readouterr().err
    assert f"{option} 'Pas une ligne' is not a whole line of the article" in err and "Traceback" not in err
    assert _snapshot(root) == before
