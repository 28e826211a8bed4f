"""``rukp validate``: a small valid fixture repository passes; each broken copy fails with the right message.

The fixture copies the real ``seeds/`` and ``corpus/`` into a temporary folder and writes a few annotation
rows whose offsets are found in the corpus text by code. Each broken case changes one thing and names the
exact problem it must produce (file, line, document, item and message).
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_rukp

from rukp import paths, schema
from rukp.annotations.store import AnnotationSet
from rukp.annotations.validate import SourceFile, check_repo, validate, validate_repo
from rukp.corpus.build import build, text_sha256
from rukp.corpus.seeds import manifest_entries
from rukp.io.atomic import dumps_json, dumps_jsonl
from rukp.io.jsonl import read_jsonl

REPO = Path(__file__).resolve().parents[1]
CORPUS = read_jsonl(REPO / "corpus" / "documents.jsonl")
DOCS = {d["id"]: d for d in CORPUS}

Ann = dict[str, Any]


def _span(doc_id: str, surface: str, after: str = "") -> tuple[int, int]:
    """Offsets of ``surface`` in a corpus text, searched from the first occurrence of ``after``."""
    text = DOCS[doc_id]["text"]
    start = text.index(surface, text.index(after) if after else 0)
    return start, start + len(surface)


def _entity(doc_id: str, n: int, surface: str, label: str, entity_id: str | None, after: str = "") -> dict:
    start, end = _span(doc_id, surface, after)
    return {"doc_id": doc_id, "id": f"{doc_id}-E{n:03d}", "start": start, "end": end, "text": surface,
            "label": label, "entity_id": entity_id}


def _claim(doc_id: str, n: int, surface: str, claimer: str, mention: str | None, cluster: str, topic: str,
           quantity: dict | None) -> dict:
    start, end = _span(doc_id, surface)
    c_start, c_end = _span(doc_id, mention) if mention else (None, None)
    return {"doc_id": doc_id, "id": f"{doc_id}-C{n:03d}", "start": start, "end": end, "text": surface,
            "claimer": claimer, "co_claimers": [], "claimer_start": c_start, "claimer_end": c_end,
            "polarity": "affirmed", "certainty": "certain", "topic": topic, "cluster": cluster,
            "quantity": quantity}


def _kb(entity_id: str, type_: str, *aliases: str) -> dict:
    return {"entity_id": entity_id, "type": type_, "name": aliases[0], "aliases": list(aliases),
            "wikidata": None, "description": f"test entity {entity_id}"}


def valid_annotations() -> Ann:
    """A small, valid annotation set on documents 000 and 003 (rows in line order)."""
    troops_000 = "un total de 10.000 soldats nord-coréens se trouvent déjà en Russie"
    troops_003 = "près de 10\u00a0000 soldats nord-coréens sont entrés en Russie"
    return {
        "entities": [
            _entity("000", 1, "Vladimir Poutine", "PER", "putin"),                       # line 1
            _entity("000", 2, "Kazan", "GPE", "kazan"),                                   # line 2
            _entity("000", 3, "Russie", "GPE", "russia"),                                 # line 3
            _entity("000", 4, "24 octobre 2024", "DATE", None),                           # line 4
            _entity("000", 5, "POOL", "ORG", "pool"),                                     # line 5
            _entity("000", 6, "ALEXANDER NEMENOV", "PER", "nemenov"),                     # line 6
            _entity("000", 7, "Pentagone", "ORG", "pentagon"),                            # line 7
            _entity("000", 8, "10.000", "CARDINAL", None),                                # line 8
            _entity("000", 9, "nord-coréens", "NORP", "north_korean"),                    # line 9
            _entity("000", 10, "Russie", "GPE", "russia", after="Selon le Pentagone"),    # line 10
            _entity("003", 1, "Washington", "GPE", "washington", after="Selon Washington"),  # line 11
            _entity("003", 2, "10\u00a0000", "CARDINAL", None, after="Selon Washington"),  # line 12
            _entity("003", 3, "nord-coréens", "NORP", "north_korean", after="Selon Washington"),  # line 13
            _entity("003", 4, "Russie", "GPE", "russia", after="Selon Washington"),       # line 14
        ],
        "claims": [
            _claim("000", 1, troops_000, "pentagon", "Pentagone", "nk_troops_10000", "troop_deployment",
                   {"value": 10000, "unit": "soldats", "approximator": None}),            # line 1
            _claim("000", 2, "Vladimir Poutine à Kazan", "AUTHOR", None, "putin_in_kazan",
                   "diplomatic_visit", None),                                             # line 2
            _claim("003", 1, troops_003, "washington", "Washington", "nk_troops_10000", "troop_deployment",
                   {"value": 10000, "unit": "soldats", "approximator": "près de"}),       # line 3
        ],
        "relations": [{"id": "R001", "type": "supports", "source": "003-C001", "target": "000-C001"}],
        "kb": [
            _kb("putin", "PER", "Vladimir Poutine"), _kb("kazan", "GPE", "Kazan"),        # lines 1-2
            _kb("russia", "GPE", "Russie"), _kb("pool", "ORG", "POOL"),                   # lines 3-4
            _kb("nemenov", "PER", "ALEXANDER NEMENOV"), _kb("pentagon", "ORG", "Pentagone"),  # lines 5-6
            _kb("north_korean", "NORP", "nord-coréens"), _kb("washington", "GPE", "Washington"),  # lines 7-8
        ],
        "clusters": [
            {"cluster": "nk_troops_10000", "proposition": "About 10,000 North Korean soldiers are in Russia"},
            {"cluster": "putin_in_kazan", "proposition": "Putin was in Kazan on 24 October 2024"},
        ],
        "manifest": {"scheme": schema.SCHEME_VERSION, "guidelines": "annotation-scheme v1",
                     "documents": {d: {"text_sha256": DOCS[d]["text_sha256"]} for d in ("000", "003")}},
    }


def write_repo(root: Path, ann: Ann, corpus: list[dict] | None = None) -> Path:
    """A fixture repository: the real seeds, the given corpus rows (default: the real ones), annotations."""
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "corpus", root / "corpus")
    if corpus is not None:
        (root / "corpus" / "documents.jsonl").write_text(dumps_jsonl(corpus), encoding="utf-8")
    adir = root / "annotations"
    adir.mkdir()
    for kind in ("entities", "claims", "relations", "kb", "clusters"):
        (adir / f"{kind}.jsonl").write_text(dumps_jsonl(ann[kind]), encoding="utf-8")
    (adir / "manifest.json").write_text(dumps_json(ann["manifest"]), encoding="utf-8")
    return root


def test_fixture_repository_is_valid(tmp_path: Path) -> None:
    result = check_repo(write_repo(tmp_path, valid_annotations()))
    assert result.problems == []
    assert result.counts == {"documents": len(CORPUS), "entities": 14, "claims": 3, "relations": 1, "kb entities": 8,
                             "clusters": 2}


# --- one broken copy per rule ----------------------------------------------------------------------------

#: the corpus's document ids, read from the data (an extended corpus keeps this test green)
_CORPUS_IDS = [json.loads(line)["id"] for line in
               (paths.repo_root() / "benchmark" / "rukp" / "data" / "documents.jsonl").read_text(
                   encoding="utf-8").splitlines() if line.strip()]


def _set(kind: str, index: int, **changes: Any) -> Callable[[Ann, list[dict]], None]:
    def mutate(ann: Ann, _corpus: list[dict]) -> None:
        ann[kind][index].update(changes)
    return mutate


def _add(kind: str, row: dict) -> Callable[[Ann, list[dict]], None]:
    def mutate(ann: Ann, _corpus: list[dict]) -> None:
        ann[kind].append(row)
    return mutate


def _shift(kind: str, index: int, key: str, delta: int) -> Callable[[Ann, list[dict]], None]:
    def mutate(ann: Ann, _corpus: list[dict]) -> None:
        ann[kind][index][key] += delta
    return mutate


def _drop_key(kind: str, index: int, key: str) -> Callable[[Ann, list[dict]], None]:
    def mutate(ann: Ann, _corpus: list[dict]) -> None:
        del ann[kind][index][key]
    return mutate


def _manifest(**changes: Any) -> Callable[[Ann, list[dict]], None]:
    def mutate(ann: Ann, _corpus: list[dict]) -> None:
        ann["manifest"].update(changes)
    return mutate


def _manifest_doc(doc_id: str, entry: dict | None) -> Callable[[Ann, list[dict]], None]:
    def mutate(ann: Ann, _corpus: list[dict]) -> None:
        if entry is None:
            del ann["manifest"]["documents"][doc_id]
        else:
            ann["manifest"]["documents"][doc_id] = entry
    return mutate


def _corpus(index: int, fn: Callable[[dict], None]) -> Callable[[Ann, list[dict]], None]:
    def mutate(_ann: Ann, corpus: list[dict]) -> None:
        fn(corpus[index])
    return mutate


def _section_shift(doc: dict) -> None:
    doc["sections"][0]["seed_start"] += 1
    doc["sections"][0]["seed_end"] += 1


def _new_entity(surface: str) -> dict:
    """Entity 000-E011 (line 15) on the first occurrence of ``surface`` in document 000."""
    return _entity("000", 11, surface, "PER", "putin")



E = "annotations/entities.jsonl"
C = "annotations/claims.jsonl"
TEXT_000 = DOCS["000"]["text"]

BROKEN: list[tuple[str, Callable[[Ann, list[dict]], None], tuple[str, ...]]] = [
    ("offset past the end", _set("entities", 9, end=len(TEXT_000) + 5),
     (f"{E}:10: doc 000, entity 000-E010: span ", f"goes past the end of the text (length {len(TEXT_000)})")),
    ("text differs from the span", _set("entities", 0, text="Vladimir Poutin"),
     (f"{E}:1: doc 000, entity 000-E001: text 'Vladimir Poutin' is not the document text at",
      "which is 'Vladimir Poutine'")),
    ("nested entities", _add("entities", _new_entity("Vladimir")),
     (f"{E}:15: doc 000, entity 000-E011: span 0-8 is nested in entity 000-E001 (0-16, line 1)",)),
    ("overlapping entities", _add("entities", _new_entity("Poutine à")),
     (f"{E}:15: doc 000, entity 000-E011: span 9-18 overlaps entity 000-E001 (0-16, line 1)",)),
    ("unknown label", _set("entities", 0, label="PERS"),
     (f"{E}:1: doc 000, entity 000-E001: label 'PERS' is not one of PER, NORP, ORG, GPE, LOC, FAC, EVENT, "
      "LAW, DATE, CARDINAL, ORDINAL, QUANTITY",)),
    ("end inside a word", _shift("entities", 6, "end", -1),
     (f"{E}:7: doc 000, entity 000-E007: span end ", "is inside the word 'Pentagone'")),
    ("start inside a word", _shift("entities", 6, "start", 1),
     (f"{E}:7: doc 000, entity 000-E007: span start ", "is inside the word 'Pentagone'")),
    ("span between sections", _add("entities", _new_entity("(")),
     (f"{E}:15: doc 000, entity 000-E011: span 57-58 '(' lies outside every kept section",)),
    ("span across a section edge", _set("entities", 4, start=57, text="( POOL"),
     (f"{E}:5: doc 000, entity 000-E005: span 57-63 '( POOL' crosses the edge of the kept section "
      "credit 59-83",)),
    ("whitespace at the edge", _set("entities", 4, start=58, text=" POOL"),
     (f"{E}:5: doc 000, entity 000-E005: span 58-63 ' POOL' starts or ends with whitespace",)),
    ("duplicate id", _set("entities", 1, id="000-E001"),
     (f"{E}:2: doc 000, entity 000-E001: duplicate id '000-E001' (first at line 1)",)),
    ("id of another document", _set("entities", 1, id="003-E002"),
     (f"{E}:2: doc 000, entity 003-E002: id '003-E002' does not follow 000-E### (DOC = doc_id)",)),
    ("unknown key", _set("entities", 2, note="check"),
     (f"{E}:3: doc 000, entity 000-E003: unknown key 'note' (expected keys: doc_id, id, start, end, text, "
      "label, entity_id)",)),
    ("missing key", _drop_key("entities", 2, "label"),
     (f"{E}:3: doc 000, entity 000-E003: missing key 'label'",)),
    ("boolean offset", _set("entities", 0, start=True),
     (f"{E}:1: doc 000, entity 000-E001: start must be integer, not boolean True",)),
    ("unknown document", _set("entities", 13, doc_id="999", id="999-E001"),
     (f"{E}:14: doc 999, entity 999-E001: doc_id '999' is not a corpus document "
      f"(corpus: {', '.join(_CORPUS_IDS)})",)),
    ("entity_id on a value type", _set("entities", 3, entity_id="putin"),
     (f"{E}:4: doc 000, entity 000-E004: entity_id must be null for a DATE mention",)),
    ("named type without entity_id", _set("entities", 2, entity_id=None),
     (f"{E}:3: doc 000, entity 000-E003: entity_id is required for a GPE mention",)),
    ("entity_id not in the kb", _set("entities", 0, entity_id="poutine"),
     (f"{E}:1: doc 000, entity 000-E001: entity_id 'poutine' is not in annotations/kb.jsonl",)),
    ("kb type differs from the label", _set("entities", 8, entity_id="russia"),
     (f"{E}:9: doc 000, entity 000-E009: label NORP does not match the type GPE of kb entity 'russia' "
      "(annotations/kb.jsonl:3)",)),
    ("kb entity never mentioned", _add("kb", _kb("moscow", "GPE", "Moscou")),
     ("annotations/kb.jsonl:9: kb entity moscow: never mentioned",)),
    ("alias missing", _set("kb", 1, aliases=["Kazań"]),
     ("annotations/kb.jsonl:2: kb entity kazan: aliases lack 'Kazan', the surface form of entity 000-E002 "
      f"({E}:2)",)),
    ("kb id reserved for claimers", _set("kb", 0, entity_id="AUTHOR"),
     ("annotations/kb.jsonl:1: kb entity AUTHOR: entity_id 'AUTHOR' is reserved for claimers",)),
    ("kb wikidata not a QID", _set("kb", 0, wikidata="7747"),
     ("annotations/kb.jsonl:1: kb entity putin: wikidata '7747' does not match the pattern ^Q[1-9][0-9]*$",)),
    ("duplicate kb entity", _add("kb", _kb("putin", "PER", "Vladimir Poutine")),
     ("annotations/kb.jsonl:9: kb entity putin: duplicate entity_id 'putin' (first at line 1)",)),
    ("claimer not in the kb", _set("claims", 0, claimer="pentagone"),
     (f"{C}:1: doc 000, claim 000-C001: claimer 'pentagone' is neither a kb entity_id nor one of AUTHOR, "
      "UNSPECIFIED",)),
    ("co_claimer not in the kb", _set("claims", 0, co_claimers=["nato"]),
     (f"{C}:1: doc 000, claim 000-C001: co_claimers: 'nato' is not a kb entity_id",)),
    ("half a claimer mention", _set("claims", 0, claimer_end=None),
     (f"{C}:1: doc 000, claim 000-C001: claimer_start and claimer_end must be both null or both set",)),
    ("claimer mention inside a word", _shift("claims", 0, "claimer_start", 2),
     (f"{C}:1: doc 000, claim 000-C001: claimer mention start ", "is inside the word 'Pentagone'")),
    ("claim span in a word", _shift("claims", 1, "end", -1),
     (f"{C}:2: doc 000, claim 000-C002: span end ", "is inside the word 'Kazan'")),
    ("unknown polarity", _set("claims", 0, polarity="negated"),
     (f"{C}:1: doc 000, claim 000-C001: polarity 'negated' is not one of affirmed, denied",)),
    ("unknown certainty", _set("claims", 0, certainty="likely"),
     (f"{C}:1: doc 000, claim 000-C001: certainty 'likely' is not one of certain, probable, possible, "
      "future",)),
    ("unknown topic", _set("claims", 0, topic="troops"),
     (f"{C}:1: doc 000, claim 000-C001: topic 'troops' is not one of {', '.join(schema.TOPICS)}",)),
    ("cluster not in clusters.jsonl", _set("claims", 1, cluster="putin_kazan"),
     (f"{C}:2: doc 000, claim 000-C002: cluster 'putin_kazan' is not in annotations/clusters.jsonl",)),
    ("unused cluster", _add("clusters", {"cluster": "spare", "proposition": "nothing"}),
     ("annotations/clusters.jsonl:3: cluster spare: no claim uses cluster 'spare'",)),
    ("quantity value not a number", _set("claims", 0, quantity={"value": "10000", "unit": "soldats",
                                                                 "approximator": None}),
     (f"{C}:1: doc 000, claim 000-C001: quantity.value must be number, not string '10000'",)),
    ("quantity with an empty unit",
     _set("claims", 0, quantity={"value": 10000, "unit": "", "approximator": None}),
     (f"{C}:1: doc 000, claim 000-C001: quantity.unit must not be empty",)),
    ("quantity without approximator", _set("claims", 0, quantity={"value": 10000, "unit": "soldats"}),
     (f"{C}:1: doc 000, claim 000-C001: quantity: missing key 'approximator'",)),
    ("claim id in the wrong form", _set("claims", 2, id="003-E001"),
     (f"{C}:3: doc 003, claim 003-E001: id '003-E001' does not follow 003-C### (DOC = doc_id)",)),
    ("unknown relation type", _set("relations", 0, type="refutes"),
     ("annotations/relations.jsonl:1: relation R001: type 'refutes' is not one of supports, contradicts",)),
    ("relation to a missing claim", _set("relations", 0, target="000-C099"),
     ("annotations/relations.jsonl:1: relation R001: target '000-C099' is not a claim id in "
      "annotations/claims.jsonl",)),
    ("self-relation", _set("relations", 0, target="003-C001"),
     ("annotations/relations.jsonl:1: relation R001: relation links claim '003-C001' to itself",)),
    ("duplicate relation", _add("relations", {"id": "R002", "type": "supports", "source": "000-C001",
                                              "target": "003-C001"}),
     ("annotations/relations.jsonl:2: relation R002: claims '000-C001' and '003-C001' are already related by "
      "relation R001 (line 1)",)),
    ("manifest for an old text", _manifest_doc("003", {"text_sha256": "0" * 64}),
     ("annotations/manifest.json: doc 003: corpus text changed since it was annotated",
      "the annotations of doc 003 are stale")),
    ("annotated document missing from the manifest", _manifest_doc("003", None),
     ("annotations/manifest.json: doc 003: has annotations but no entry in documents",)),
    ("manifest of another scheme", _manifest(scheme="v0"),
     ("annotations/manifest.json: scheme must be 'v1', not 'v0'",)),
    ("corpus section without provenance", _corpus(0, _section_shift),
     ("corpus/documents.jsonl:1: doc 000: section 0 (caption 0-56): text 'Vladimir Poutine",
      "' differs from its provenance seeds/000_8966fddde79fbf79.txt[1:57] 'ladimir Poutine")),
    ("corpus text_sha256 wrong", _corpus(2, lambda d: d.update(text_sha256="f" * 64)),
     ("corpus/documents.jsonl:3: doc 002: text_sha256 does not match the text",)),
    ("corpus unknown key", _corpus(1, lambda d: d.update(editor="me")),
     ("corpus/documents.jsonl:2: doc 001: unknown key 'editor'",)),
    ("corpus duplicate document", _corpus(4, lambda d: d.update(id="003")),
     ("corpus/documents.jsonl:5: doc 003: duplicate document id (first at line 4)",)),
    ("corpus date not ISO", _corpus(1, lambda d: d.update(date="29/10/2024")),
     ("corpus/documents.jsonl:2: doc 001: date '29/10/2024' does not match the pattern",)),
    ("corpus stale", _corpus(1, lambda d: d.update(authors=[])),
     ("corpus/documents.jsonl: stale: differs from what `rukp corpus build` makes from seeds/",)),
]


@pytest.mark.parametrize(("mutate", "fragments"), [pytest.param(m, f, id=name) for name, m, f in BROKEN])
def test_broken_copy_fails_with_its_message(tmp_path: Path, mutate: Callable,
                                            fragments: tuple[str, ...]) -> None:
    ann, corpus = valid_annotations(), copy.deepcopy(CORPUS)
    mutate(ann, corpus)
    problems = validate_repo(write_repo(tmp_path, ann, corpus))
    assert any(all(f in p for f in fragments) for p in problems), "\n".join(problems)


def test_broken_cases_are_distinct() -> None:
    assert len(BROKEN) >= 20
    assert len({f for _, _, f in BROKEN}) == len(BROKEN)


# --- files that cannot be read, and line numbers -------------------------------------------------------

def test_unparsable_file_is_one_problem_naming_file_and_line(tmp_path: Path) -> None:
    root = write_repo(tmp_path, valid_annotations())
    path = root / "annotations" / "entities.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:-1]  # a truncated object on line 3
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate_repo(root)
    assert len(problems) == 1
    assert problems[0].startswith("annotations/entities.jsonl:3: not valid JSON")


def test_missing_annotation_file_is_named(tmp_path: Path) -> None:
    root = write_repo(tmp_path, valid_annotations())
    (root / "annotations" / "clusters.jsonl").unlink()
    assert validate_repo(root) == ["annotations/clusters.jsonl: file not found (required, may be empty)"]


def test_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    ann = valid_annotations()
    ann["entities"][1]["label"] = "PERS"
    root = write_repo(tmp_path, ann)
    path = root / "annotations" / "entities.jsonl"
    path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    problems = validate_repo(root)
    assert any(p.startswith(f"{E}:3: doc 000, entity 000-E002: label 'PERS'") for p in problems), problems


def test_stale_annotations_after_a_seed_edit_name_the_document(tmp_path: Path) -> None:
    """A seed edited (manifest updated), corpus rebuilt, annotations untouched: doc 000 is reported stale."""
    root = write_repo(tmp_path, valid_annotations())
    seed = next((root / "seeds").glob("000_*.txt"))
    edited = seed.read_text(encoding="utf-8").replace("Au programme", "Au  programme")
    seed.write_text(edited, encoding="utf-8")
    manifest = json.loads((root / "seeds" / "MANIFEST.json").read_text(encoding="utf-8"))
    manifest["seeds"] = manifest_entries(root / "seeds")
    (root / "seeds" / "MANIFEST.json").write_text(dumps_json(manifest), encoding="utf-8")
    build(root)
    problems = validate_repo(root)
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        "annotations/manifest.json: doc 000: corpus text changed since it was annotated")


# --- the library function the Label Studio importer calls ----------------------------------------------

def _set_of(ann: Ann) -> AnnotationSet:
    return AnnotationSet(**copy.deepcopy(ann))


def test_validate_in_memory_returns_strings_with_row_numbers() -> None:
    ann = valid_annotations()
    assert validate(CORPUS, _set_of(ann)) == []
    ann["claims"][2]["polarity"] = "maybe"
    problems = validate(CORPUS, _set_of(ann))
    assert all(isinstance(p, str) for p in problems)
    assert problems == [f"{C}:3: doc 003, claim 003-C001: polarity 'maybe' is not one of affirmed, denied"]


def test_validate_uses_the_given_paths_and_lines() -> None:
    ann = valid_annotations()
    ann["claims"][0]["topic"] = "war"
    files = {"claims": SourceFile("export.json", (10, 20, 30))}
    problems = validate(CORPUS, _set_of(ann), files=files)
    assert problems[0].startswith("export.json:10: doc 000, claim 000-C001: topic 'war'")


@pytest.mark.parametrize(("doc_id", "surface", "inside"), [
    ("001", "OTAN", None),           # after an apostrophe: a boundary
    ("001", "nord", None),           # before a hyphen: a boundary
    ("001", "Pyong", "Pyongyang"),   # letters on both sides: inside a word
    ("000", "octobre 202", "2024"),  # digits on both sides: inside a number
])
def test_word_boundaries(doc_id: str, surface: str, inside: str | None) -> None:
    ann = valid_annotations()
    row = _entity(doc_id, 1, surface, "CARDINAL", None)
    ann["entities"].append(row)
    ann["manifest"]["documents"][doc_id] = {"text_sha256": text_sha256(DOCS[doc_id]["text"])}
    problems = [p for p in validate(CORPUS, _set_of(ann)) if "inside the word" in p]
    if inside is None:
        assert problems == []
    else:
        assert problems and all(f"inside the word {inside!r}" in p for p in problems)


def test_empty_annotations_with_empty_manifest_are_valid() -> None:
    assert validate(CORPUS, AnnotationSet()) == []
    rows = AnnotationSet(clusters=[{"cluster": "c", "proposition": "p"}])
    assert "annotations/manifest.json: missing key 'scheme'" in validate(CORPUS, rows)


# --- the command -------------------------------------------------------------------------------------------

def _rukp(*args: str) -> subprocess.CompletedProcess[str]:
    return run_rukp(*args)  # in-process: no interpreter start-up per call


def test_gold_repository_is_valid() -> None:
    """The gold check: ``rukp validate`` on this checkout exits 0."""
    done = _rukp("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"valid: {len(CORPUS)} documents, ")


def test_command_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    ann = valid_annotations()
    ann["entities"][0]["label"] = "PERS"
    ann["relations"][0]["type"] = "refutes"
    done = _rukp("validate", "--root", str(write_repo(tmp_path, ann)))
    assert done.returncode == 1
    assert f"{E}:1: doc 000, entity 000-E001: label 'PERS' is not one of" in done.stdout
    assert "annotations/relations.jsonl:1: relation R001: type 'refutes'" in done.stdout
    assert "2 problem(s) found" in done.stderr
    assert "Traceback" not in done.stderr


def test_command_rejects_a_missing_root(tmp_path: Path) -> None:
    done = _rukp("validate", "--root", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: root folder {tmp_path / 'nowhere'} does not exist (--root)")
