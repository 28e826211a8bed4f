"""Hand-curated kb and cluster fields are gold with their own source: no documented command discards a valid edit.

After an import, the maintainer fills in a new kb entry's ``wikidata`` and ``description`` and rewrites new cluster
propositions (docs/labelstudio.md); ``rukp validate`` accepts them and ``rukp annotations rebuild --write`` must keep
them (it used to rebuild kb.jsonl and clusters.jsonl from the raw passes and wipe them).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import gold_checks
import pytest

from rukp.annotations.curated import CURATED
from rukp.annotations.layers import make_layer, next_layer_path
from rukp.annotations.rebuild import rebuild_differences
from rukp.annotations.store import AnnotationSet, annotation_files, load_annotations
from rukp.annotations.validate import validate
from rukp.corpus.build import load_corpus
from rukp.io.atomic import dumps_json, write_many_atomic
from rukp.io.jsonl import read_jsonl


def _import(ann_dir: Path, edit) -> None:
    """What a Label Studio import writes: the changed files and the layer that records the change, together."""
    before = load_annotations(ann_dir)
    after = copy.deepcopy(before)
    edit(after)
    write_many_atomic({**annotation_files(after, ann_dir),
                       next_layer_path(ann_dir): dumps_json(make_layer(before, after, "export.json"))})


def _hand_edit(ann_dir: Path) -> dict[tuple[str, str, str], str]:
    """Edit every curated field of some kb entries and a cluster, as a maintainer does in the files."""
    ann = load_annotations(ann_dir)
    edits: dict[tuple[str, str, str], str] = {}
    for kind, (key, fields) in CURATED.items():
        rows = getattr(ann, kind)
        for n, name in enumerate(fields):
            row = rows[n]
            value = "Q4115189" if name == "wikidata" else f"hand-curated {name} of {row[key]}"
            row[name] = value
            edits[(kind, row[key], name)] = value
    write_many_atomic(annotation_files(ann, ann_dir))
    return edits


def _intact(ann: AnnotationSet, edits: dict[tuple[str, str, str], str]) -> list[str]:
    lost = []
    for (kind, key_value, name), value in edits.items():
        key = CURATED[kind][0]
        row = next((r for r in getattr(ann, kind) if r[key] == key_value), None)
        if row is None or row.get(name) != value:
            lost.append(f"{kind} {key_value} {name}: {None if row is None else row.get(name)!r}")
    return lost


def test_rebuild_write_keeps_every_curated_field_even_between_two_imports(tmp_path):
    root = gold_checks.copy_checkout(tmp_path)
    ann_dir = root / "annotations"
    target = load_annotations(ann_dir).kb[0]["entity_id"]

    def add_alias(alias: str):
        def edit(ann: AnnotationSet) -> None:
            row = next(k for k in ann.kb if k["entity_id"] == target)
            row["aliases"] = sorted([*row["aliases"], alias])
        return edit

    _import(ann_dir, add_alias("Alias un"))
    edits = _hand_edit(ann_dir)  # kb[0]: the entry both imports touch, edited in between
    _import(ann_dir, add_alias("Alias deux"))
    assert validate(load_corpus(root), load_annotations(ann_dir)) == []
    assert rebuild_differences(root, write=True) == []  # the edits are sources: nothing to rewrite
    after = load_annotations(ann_dir)
    assert _intact(after, edits) == []
    assert {"Alias un", "Alias deux"} <= set(next(k for k in after.kb if k["entity_id"] == target)["aliases"])


@pytest.mark.slow
def test_curated_edits_survive_the_whole_documented_chain(tmp_path, monkeypatch, rukp):
    """docs/labelstudio.md: import (adds a kb entry and a cluster to fill in), edit, then every later step."""
    from test_gold_extension import DOC, as_export, extend

    root = gold_checks.copy_checkout(tmp_path / "repo")
    monkeypatch.setenv("RUKP_ROOT", str(root))
    tasks_file, export_file = tmp_path / "tasks.json", tmp_path / "export.json"
    assert rukp("labelstudio", "export", "--root", root, "--out", tasks_file)[0] == 0
    export = as_export(json.loads(tasks_file.read_text(encoding="utf-8")))
    task = next(t for t in export if t["data"]["doc_id"] == DOC)
    extend(task["annotations"][0]["result"], task["data"]["text"],
           [e for e in read_jsonl(root / "annotations" / "entities.jsonl") if e["doc_id"] == DOC])
    export_file.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    code, out, err = rukp("labelstudio", "import", export_file, "--root", root)
    assert code == 0 and "kb: added 'south_korea_parliament'" in out, out + err

    ann_dir = root / "annotations"
    ann = load_annotations(ann_dir)
    edits = {}
    for kind, key_value, name, value in (
            ("kb", "south_korea_parliament", "name", "Assemblée nationale de Corée du Sud"),
            ("kb", "south_korea_parliament", "wikidata", "Q495984"),
            ("kb", "south_korea_parliament", "description", "Parlement monocaméral de la Corée du Sud"),
            ("kb", ann.kb[0]["entity_id"], "description", "A corrected description of an original entry"),
            ("clusters", "choe-visit-purpose", "proposition", "le but du voyage de Choe n'est pas connu"),
            ("clusters", ann.clusters[0]["cluster"], "proposition", "a rewritten original proposition")):
        key = CURATED[kind][0]
        next(r for r in getattr(ann, kind) if r[key] == key_value)[name] = value
        edits[(kind, key_value, name)] = value
    write_many_atomic(annotation_files(ann, ann_dir))

    for step in (("validate",), ("annotations", "rebuild", "--write"), ("agreement",), ("dataset", "build"),
                 ("docs", "build"), ("annotations", "rebuild")):
        code, out, err = rukp(*step, "--root", root)
        assert code == 0, (step, out, err)
        assert _intact(load_annotations(ann_dir), edits) == [], step
    views = {k["entity_id"]: k for k in read_jsonl(root / "benchmark" / "rukp" / "data" / "kb.jsonl")}
    for (kind, key_value, name), value in edits.items():
        if kind == "kb":
            assert views[key_value][name] == value  # the dataset's kb view carries the edit too
