"""The gold is derived by code from the raw passes and recorded decisions, and every decision has its reason."""

from __future__ import annotations

import json

from rukp import paths
from rukp.annotations.rebuild import rebuild_differences
from rukp.io.jsonl import read_jsonl

ANN = paths.annotations_dir()


def test_gold_rebuilds_exactly_from_raw_passes_decisions_and_errata():
    assert rebuild_differences() == []


def test_every_adjudication_item_was_decided_with_a_reason():
    log = read_jsonl(ANN / "adjudication.jsonl")
    items = read_jsonl(ANN / "adjudication" / "items.jsonl")
    review = read_jsonl(ANN / "adjudication" / "review_items.jsonl")
    decided = {row["item"] for row in log}
    assert {i["item"] for i in items} | {i["item"] for i in review} == decided
    for row in log:
        assert row["decision"] in ("A", "B", "none", "custom", "gold", "CD")
        assert len(row["reason"]) > 20, row["item"]
        if row["kind"] in ("entity", "claim", "cluster", "relation") and "round" not in row:
            assert "A" in row and "B" in row  # both readings recorded


def test_errata_each_carry_a_reason_and_an_operation():
    for row in read_jsonl(ANN / "errata.jsonl"):
        assert row["op"] and row["id"].startswith("ERR-") and len(row["reason"]) > 20


def test_raw_passes_are_kept_for_recomputing_agreement():
    """The four passes cover the five original articles; articles added later need no raw pass."""
    corpus_ids = {d["id"] for d in read_jsonl(paths.repo_root() / "corpus" / "documents.jsonl")}
    original = {"000", "001", "002", "003", "004"}
    assert original <= corpus_ids
    for p in ("A", "B", "C", "D"):
        folder = ANN / "raw" / p
        raw_ids = {f.stem for f in folder.glob("[0-9][0-9][0-9].json")}
        assert original <= raw_ids <= corpus_ids, p
        for doc in sorted(raw_ids):
            raw = json.loads((folder / f"{doc}.json").read_text(encoding="utf-8"))
            assert raw["doc_id"] == doc and raw["entities"] and raw["claims"]
        assert (folder / "kb.json").is_file() and (folder / "clusters.json").is_file()


def _scratch_repo(tmp_path):
    import shutil

    root = paths.repo_root()
    for name in ("seeds", "corpus", "annotations"):
        shutil.copytree(root / name, tmp_path / name)
    return tmp_path


def test_an_import_layer_is_replayed_so_the_extended_gold_still_rebuilds(tmp_path):
    """What a Label Studio import writes (files + layer, atomically) keeps ``rukp annotations rebuild`` green."""
    import copy

    from rukp.annotations.layers import make_layer, next_layer_path
    from rukp.annotations.store import annotation_files, load_annotations
    from rukp.io.atomic import dumps_json, write_many_atomic

    root = _scratch_repo(tmp_path)
    ann_dir = root / "annotations"
    before = load_annotations(ann_dir)
    after = copy.deepcopy(before)
    claim = after.claims[0]
    claim["certainty"] = "possible" if claim["certainty"] != "possible" else "certain"
    after.relations = after.relations[1:]
    write_many_atomic({**annotation_files(after, ann_dir), next_layer_path(ann_dir): dumps_json(
        make_layer(before, after, "export.json"))})
    assert next_layer_path(ann_dir).name == "002.json"
    assert rebuild_differences(root) == []
    # without the layer the edited gold no longer rebuilds: the check sees hand edits
    (ann_dir / "imports" / "001.json").unlink()
    assert any(d.endswith("claims.jsonl") for d in rebuild_differences(root))


def test_a_layer_that_does_not_apply_is_reported(tmp_path):
    import pytest

    from rukp.annotations.layers import apply_layer
    from rukp.annotations.store import load_annotations
    from rukp.errors import RukpError

    ann = load_annotations(ANN)
    stale = {"changes": {"claims": [{"op": "-", "old": {**ann.claims[0], "topic": "other-than-now"}}]}}
    with pytest.raises(RukpError, match="is not as this layer expects"):
        apply_layer(ann, stale, tmp_path / "imports" / "001.json")
