"""Bad input to the pipeline commands gives one clear line and exit 2 (never a traceback); a BOM is accepted.

Covers ``rukp annotations resolve|adjudicate|review|rebuild``, ``rukp agreement``, ``rukp dataset build``,
``rukp evaluate`` given a folder instead of a file, ``rukp labelstudio import`` of an export with no tasks and
``rukp labelstudio export`` from a checkout without ``annotations/``. Nothing here writes into the checkout.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from rukp import paths
from rukp.evaluation import evaluate
from rukp.io.gold import load_gold
from rukp.io.jsonl import read_json, read_jsonl, read_text
from rukp.views import get_view, load_label_map

REPO = paths.repo_root()
FIXTURES = Path(__file__).parent / "fixtures" / "eval"
GOLD = FIXTURES / "gold.jsonl"
PREDS = FIXTURES / "preds.jsonl"




def _one_error(code: int, err: str, *parts: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for part in parts:
        assert part in lines[0], err


def _checkout_without(tmp_path: Path, *missing: str) -> Path:
    root = tmp_path / "repo"
    for name in ("seeds", "corpus", "annotations"):
        if name not in missing:
            shutil.copytree(REPO / name, root / name)
    return root


# --- rukp annotations ... -----------------------------------------------------------------------------------

def test_resolve_a_missing_pass_dir_names_it(tmp_path: Path, rukp) -> None:
    missing = tmp_path / "nonexistent"
    code, out, err = rukp("annotations", "resolve", missing)
    _one_error(code, err, f"error: {missing}: PASS_DIR is not a directory")
    assert out == ""


def test_resolve_a_file_as_pass_dir_is_refused(tmp_path: Path, rukp) -> None:
    path = tmp_path / "A.json"
    path.write_text("{}", encoding="utf-8")
    code, _, err = rukp("annotations", "resolve", path)
    _one_error(code, err, f"error: {path}: PASS_DIR is not a directory")
    assert not (tmp_path / "resolved.json").exists()


@pytest.mark.parametrize(("command", "usage"), [
    ("adjudicate", "usage: rukp annotations adjudicate keys|items|build"),
    ("review", "usage: rukp annotations review items|apply"),
])
def test_an_unknown_step_prints_the_command_usage(command: str, usage: str, rukp) -> None:
    code, out, err = rukp("annotations", command, "bogus")
    assert (code, out, err.strip()) == (2, "", usage)


def test_adjudicate_before_resolving_says_which_command_to_run(tmp_path: Path, rukp,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    (root / "annotations" / "raw" / "A").mkdir(parents=True)
    (root / "annotations" / "adjudication").mkdir()
    monkeypatch.setenv("RUKP_ROOT", str(root))
    code, _, err = rukp("annotations", "adjudicate", "keys")
    resolved = root / "annotations" / "raw" / "A" / "resolved.json"
    _one_error(code, err, f"error: {resolved}: pass not resolved yet",
               f"(run `rukp annotations resolve {root / 'annotations' / 'raw' / 'A'}`)")
    assert "python -m" not in err
    assert not (root / "annotations" / "adjudication" / "keys.json").exists()


def test_rebuild_outside_a_checkout_is_one_line(tmp_path: Path, rukp) -> None:
    code, _, err = rukp("annotations", "rebuild", "--root", tmp_path)
    _one_error(code, err, f"error: {tmp_path}: not a checkout of the dataset: the folder seeds/ is missing")


# --- rukp agreement / rukp dataset build -----------------------------------------------------------------

@pytest.mark.parametrize("command", [("agreement",), ("agreement", "--check"), ("dataset", "build"),
                                     ("dataset", "build", "--check")], ids=" ".join)
def test_a_root_that_is_not_a_folder_is_refused(command: tuple[str, ...], tmp_path: Path, rukp) -> None:
    missing = tmp_path / "nowhere"
    code, _, err = rukp(*command, "--root", missing)
    _one_error(code, err, f"error: root folder {missing} does not exist (--root)")


@pytest.mark.parametrize("command", [("agreement",), ("dataset", "build")], ids=" ".join)
def test_a_root_without_a_corpus_names_the_missing_file(command: tuple[str, ...], tmp_path: Path, rukp) -> None:
    code, _, err = rukp(*command, "--root", tmp_path)
    _one_error(code, err, f"error: {tmp_path / 'corpus' / 'documents.jsonl'}: file not found")
    assert list(tmp_path.iterdir()) == []


def test_agreement_help_names_both_studies(rukp) -> None:
    code, out, _ = rukp("agreement", "--help")
    text = " ".join(out.replace("│", " ").split())
    assert code == 0
    assert "A vs B (both given the guidelines)" in text
    assert "C vs D (given the annotation scheme only)" in text


# --- rukp evaluate: a folder where a file is expected --------------------------------------------------------

@pytest.mark.parametrize("args", [
    lambda d: ("--gold", str(GOLD), "--predictions", str(d)),
    lambda d: ("--gold", str(d), "--predictions", str(PREDS)),
    lambda d: ("--gold", str(GOLD), "--compare", str(d), str(PREDS)),
    lambda d: ("--gold", str(GOLD), "--compare", str(PREDS), str(d)),
], ids=["predictions", "gold", "compare-a", "compare-b"])
def test_a_folder_given_as_a_file_is_named_as_such(args, tmp_path: Path, rukp) -> None:
    folder = tmp_path / "preds"
    folder.mkdir()
    code, _, err = rukp("evaluate", "--bootstrap", "0", *args(folder))
    _one_error(code, err, f"error: {folder}: is a directory, expected a file")
    assert "not found" not in err


# --- a UTF-8 byte-order mark is accepted -------------------------------------------------------------------

def _with_bom(source: Path, target: Path) -> Path:
    target.write_bytes(codecs.BOM_UTF8 + source.read_bytes())
    return target


def test_jsonl_and_json_readers_drop_a_bom(tmp_path: Path) -> None:
    assert read_jsonl(_with_bom(PREDS, tmp_path / "p.jsonl")) == read_jsonl(PREDS)
    plain = tmp_path / "plain.json"
    plain.write_text('{"PERSON": "PER"}', encoding="utf-8")
    assert read_json(_with_bom(plain, tmp_path / "bom.json")) == {"PERSON": "PER"}
    # seeds keep it: their text must be exactly the bytes the manifest pins
    assert read_text(tmp_path / "bom.json", keep_bom=True).startswith("\ufeff")


def test_evaluation_of_bom_files_equals_that_of_plain_files(tmp_path: Path) -> None:
    gold_bom = _with_bom(GOLD, tmp_path / "gold.jsonl")
    preds_bom = _with_bom(PREDS, tmp_path / "preds.jsonl")
    plain = evaluate(str(PREDS), gold=str(GOLD), bootstrap=0).to_dict()
    bom = evaluate(str(preds_bom), gold=str(gold_bom), bootstrap=0).to_dict()
    assert plain["entities"]["fine.v1"]["schemes"]["strict"]["overall"]["correct"] > 0
    assert (bom["entities"], bom["claims"]) == (plain["entities"], plain["claims"])
    # the recorded hash is that of the file's bytes, mark included
    assert bom["metadata"]["gold"]["sha256"] == hashlib.sha256(gold_bom.read_bytes()).hexdigest()


def test_a_large_bom_file_leaves_the_columnar_path_and_loads_the_same(tmp_path: Path) -> None:
    from rukp.io import columnar

    row = read_jsonl(GOLD)[0]
    lines = [json.dumps({**row, "id": f"d{i}", **{k: [{**x, "id": f"d{i}-{x['id']}"} for x in row[k]]
                                                  for k in ("entities", "claims")}}, ensure_ascii=False)
             for i in range(4000)]  # item ids stay unique in the file
    plain = tmp_path / "gold.jsonl"
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert plain.stat().st_size >= columnar.MIN_BYTES
    bom = _with_bom(plain, tmp_path / "gold-bom.jsonl")
    assert columnar.load_gold(plain, entities=True, claims=False) is not None
    assert columnar.load_gold(bom, entities=True, claims=False) is None  # the line-by-line loader reads it
    a, b = load_gold(plain, claims=False), load_gold(bom, claims=False)
    assert b.doc_ids == a.doc_ids
    assert [d.text for d in b.documents] == [d.text for d in a.documents]
    for field in ("doc", "start", "end"):
        assert (getattr(b.entities.arrays(), field) == getattr(a.entities.arrays(), field)).all()


def test_a_label_map_with_a_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_bytes(codecs.BOM_UTF8 + b'{"PERSON": "PER", "DATE": null}')
    assert dict(load_label_map(str(path), get_view("coarse")).mapping) == {"PERSON": "PER", "DATE": None}


# --- rukp labelstudio -------------------------------------------------------------------------------------

def test_importing_an_export_with_no_tasks_fails_like_evaluate(tmp_path: Path, rukp) -> None:
    annotations = tmp_path / "annotations"
    shutil.copytree(REPO / "annotations", annotations)
    before = {p: p.read_bytes() for p in sorted(annotations.rglob("*")) if p.is_file()}
    export = tmp_path / "export.json"
    export.write_text("[]", encoding="utf-8")
    message = f"error: {export}: the Label Studio export holds no tasks"
    code, _, err = rukp("labelstudio", "import", export, "--annotations", annotations)
    _one_error(code, err, message)
    assert {p: p.read_bytes() for p in sorted(annotations.rglob("*")) if p.is_file()} == before
    code, _, err = rukp("evaluate", "--predictions", export, "--bootstrap", "0")
    _one_error(code, err, message)


def test_export_from_a_checkout_without_annotations_fails(tmp_path: Path, rukp) -> None:
    root = _checkout_without(tmp_path, "annotations")
    out = tmp_path / "tasks.json"
    code, _, err = rukp("labelstudio", "export", "--root", root, "--out", out)
    _one_error(code, err, f"error: {root / 'annotations'}: annotations folder not found")
    assert not out.exists()
