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
    for p in ("A", "B", "C", "D"):
        folder = ANN / "raw" / p
        for doc in ("000", "001", "002", "003", "004"):
            raw = json.loads((folder / f"{doc}.json").read_text(encoding="utf-8"))
            assert raw["doc_id"] == doc and raw["entities"] and raw["claims"]
        assert (folder / "kb.json").is_file() and (folder / "clusters.json").is_file()
