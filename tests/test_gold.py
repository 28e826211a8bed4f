"""The gold is derived by code from the raw passes and recorded decisions, and every decision has its reason."""

from __future__ import annotations

import gold_checks

from rukp import paths
from rukp.annotations.rebuild import rebuild_differences

ROOT = paths.repo_root()
ANN = paths.annotations_dir()


def test_gold_is_valid():
    gold_checks.check_gold_is_valid(ROOT)


def test_gold_rebuilds_exactly_from_raw_passes_decisions_errata_and_import_layers():
    gold_checks.check_gold_rebuilds(ROOT)


def test_every_adjudication_item_was_decided_with_a_reason():
    gold_checks.check_adjudication_decided(ROOT)


def test_errata_each_carry_a_reason_and_an_operation():
    gold_checks.check_errata(ROOT)


def test_raw_passes_are_kept_for_recomputing_agreement():
    """The four passes cover the five original articles; articles added later need no raw pass."""
    gold_checks.check_raw_passes(ROOT)


def test_import_layers_are_numbered_without_gaps():
    gold_checks.check_import_layers(ROOT)


def test_dataset_views_count_every_annotation_once():
    gold_checks.check_views_agree(ROOT)
    gold_checks.check_card_counts(ROOT)


def test_an_import_layer_is_replayed_so_the_extended_gold_still_rebuilds(tmp_path):
    """What a Label Studio import writes (files + layer, atomically) keeps ``rukp annotations rebuild`` green."""
    import copy

    from rukp.annotations.layers import make_layer, next_layer_path
    from rukp.annotations.store import annotation_files, load_annotations
    from rukp.io.atomic import dumps_json, write_many_atomic

    root = gold_checks.copy_checkout(tmp_path)
    ann_dir = root / "annotations"
    before = load_annotations(ann_dir)
    layer = next_layer_path(ann_dir)
    after = copy.deepcopy(before)
    claim = after.claims[0]
    claim["certainty"] = "possible" if claim["certainty"] != "possible" else "certain"
    after.relations = after.relations[1:]
    write_many_atomic({**annotation_files(after, ann_dir), layer: dumps_json(make_layer(before, after, "export.json"))})
    assert next_layer_path(ann_dir).name == f"{int(layer.stem) + 1:03d}.json"
    assert rebuild_differences(root) == []
    gold_checks.check_import_layers(root)
    # without the layer the edited gold no longer rebuilds: the check sees hand edits
    layer.unlink()
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
