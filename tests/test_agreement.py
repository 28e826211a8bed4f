"""Agreement measures on hand-computed cases, and the committed agreement figures are fresh."""

from __future__ import annotations

import json

import pytest

from rukp import paths
from rukp.annotations.agreement import alias_map, b_cubed, pairwise


def test_b_cubed_hand_computed():
    # gold partition {0,1,2} {3}; predicted {0,1} {2,3}
    res = b_cubed(["x", "x", "x", "y"], ["p", "p", "q", "q"])
    # precision: items 0,1: 2/2; item 2: 1/2; item 3: 1/2 -> (1+1+.5+.5)/4 = .75
    # recall: items 0,1: 2/3; item 2: 1/3; item 3: 1/1 -> (2/3+2/3+1/3+1)/4 = 2/3
    assert res["precision"] == pytest.approx(0.75)
    assert res["recall"] == pytest.approx(2 / 3)
    assert res["f1"] == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_pairwise_hand_computed():
    res = pairwise(["x", "x", "x", "y"], ["p", "p", "q", "q"])
    # gold pairs (0,1) (0,2) (1,2); predicted (0,1) (2,3): one shared
    assert res["precision"] == pytest.approx(0.5)
    assert res["recall"] == pytest.approx(1 / 3)


def test_identical_partitions_score_one_and_empty_is_undefined():
    assert b_cubed(["a", "b", "b"], ["k", "l", "l"])["f1"] == pytest.approx(1.0)
    assert b_cubed([], [])["f1"] is None
    assert pairwise(["a", "b"], ["c", "d"])["f1"] is None


def test_alias_map_links_by_shared_surface_forms():
    gold = [{"entity_id": "choe_son_hui", "name": "Choe Son Hui", "aliases": ["Chloé Son Hui", "Choe Son-hui"]},
            {"entity_id": "russia", "name": "Russie", "aliases": ["Russie"]}]
    pass_kb = [{"entity_id": "choe", "name": "Choe Son-Hui", "aliases": ["Choe Son-hui"]},
               {"entity_id": "xyz", "name": "Atlantis", "aliases": []}]
    assert alias_map(pass_kb, gold) == {"choe": "choe_son_hui"}


def test_committed_agreement_is_fresh_and_quoted():
    from rukp.annotations.agreement import compute_agreement

    path = paths.annotations_dir() / "agreement.json"
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(compute_agreement()))
    assert committed["guidelines"]["passes"] == ["A", "B"]
