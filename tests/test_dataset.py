"""The repository is a Hugging Face dataset: every config loads offline, matches the card, and agrees with the gold."""

from __future__ import annotations

import os

import gold_checks
import pytest
import yaml

from rukp import paths, schema
from rukp.dataset.card import CARD_METADATA
from rukp.dataset.features import CONFIGS, features
from rukp.dataset.tokenize import Sentence
from rukp.dataset.views import bio_tags
from rukp.errors import RukpError
from rukp.io.jsonl import read_jsonl

ROOT = paths.repo_root()


def _card() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text[4:text.index("\n---\n", 3)])


@pytest.fixture(scope="module")
def loaded() -> dict:
    import datasets

    os.environ["HF_HUB_OFFLINE"] = "1"
    return {c: datasets.load_dataset(str(ROOT), c)["test"] for c in CONFIGS}


def test_every_config_loads_offline_with_declared_features(loaded):
    for config in CONFIGS:
        assert loaded[config].features == features(config), config
    corpus_ids = sorted(d["id"] for d in read_jsonl(ROOT / "corpus" / "documents.jsonl"))
    assert {"000", "001", "002", "003", "004"} <= set(corpus_ids)  # the five original articles
    assert loaded["documents"].num_rows == len(corpus_ids)
    assert sorted(loaded["documents"]["id"]) == corpus_ids


def test_card_declares_every_config_with_its_row_count(loaded):
    card = _card()
    declared = {c["config_name"]: c for c in card["configs"]}
    assert set(declared) == set(CONFIGS)
    assert declared["documents"].get("default") is True
    infos = {i["config_name"]: i for i in card["dataset_info"]}
    for config in CONFIGS:
        assert infos[config]["splits"][0]["name"] == "test"
        assert infos[config]["splits"][0]["num_examples"] == loaded[config].num_rows
    for key, value in CARD_METADATA.items():
        assert card[key] == value


def test_card_class_labels_are_the_schema_inventories():
    infos = {i["config_name"]: i for i in _card()["dataset_info"]}
    feats = {f["name"]: f for f in infos["ner"]["features"]}
    fine = feats["ner_tags"]["list"]["class_label"]["names"]
    coarse = feats["coarse_ner_tags"]["list"]["class_label"]["names"]
    assert [fine[str(i)] for i in range(len(fine))] == schema.FINE_BIO
    assert [coarse[str(i)] for i in range(len(coarse))] == schema.COARSE_BIO
    assert len(schema.FINE_BIO) == 2 * len(schema.ENTITY_LABELS) + 1


def test_views_are_fresh():
    gold_checks.check_views_fresh(ROOT)


def test_gold_is_present_in_every_view(loaded):
    assert loaded["entities"].num_rows > 0, "the gold entities are missing from the entities view"
    assert loaded["claims"].num_rows > 0
    assert loaded["kb"].num_rows > 0
    n_doc_entities = sum(len(d["entities"]) for d in loaded["documents"])
    assert n_doc_entities == loaded["entities"].num_rows
    assert sum(len(d["claims"]) for d in loaded["documents"]) == loaded["claims"].num_rows
    assert sum(loaded["kb"]["mentions"]) == sum(1 for e in loaded["entities"] if e["entity_id"])


def test_ner_bio_tags_rebuild_exactly_the_gold_spans(loaded):
    """Decoding the BIO tags of the ner view gives back every gold entity (fine and coarse)."""
    fine_names = loaded["ner"].features["ner_tags"].feature.names
    coarse_names = loaded["ner"].features["coarse_ner_tags"].feature.names
    for column, names, key in (("ner_tags", fine_names, "label"), ("coarse_ner_tags", coarse_names, "coarse_label")):
        decoded = set()
        for row in loaded["ner"]:
            current = None
            for tag_id, start, end in zip(row[column], row["token_starts"], row["token_ends"], strict=True):
                tag = names[tag_id]
                if tag.startswith("B-") or tag == "O":
                    if current:
                        decoded.add(current)
                    current = (row["doc_id"], start, end, tag[2:]) if tag != "O" else None
                else:
                    assert current is not None and current[3] == tag[2:], (row["doc_id"], start, tag)
                    current = (current[0], current[1], end, current[3])
            if current:
                decoded.add(current)
        gold = {(e["doc_id"], e["start"], e["end"], e[key]) for e in loaded["entities"] if e[key]}
        assert decoded == gold, column


def test_entity_text_matches_document_text(loaded):
    docs = {d["id"]: d["text"] for d in loaded["documents"]}
    for e in loaded["entities"]:
        assert docs[e["doc_id"]][e["start"]:e["end"]] == e["text"]
        assert e["coarse_label"] == schema.COARSE_MAP.get(e["label"])
    for c in loaded["claims"]:
        assert docs[c["doc_id"]][c["start"]:c["end"]] == c["text"]


def test_a_boundary_inside_a_token_is_an_error():
    sent = Sentence(0, 12, ((0, 5), (6, 12)))
    assert bio_tags(sent, [(0, 5, "GPE")], "x") == ["B-GPE", "O"]
    with pytest.raises(RukpError, match="doc x: entity 0-3 .*token boundaries"):
        bio_tags(sent, [(0, 3, "GPE")], "x")


def test_package_loader_returns_the_same_rows(loaded):
    import rukp

    for config in ("documents", "ner"):
        ds = rukp.load(config)["test"]
        assert ds.features == loaded[config].features
        assert ds.to_list() == loaded[config].to_list()
    with pytest.raises(RukpError, match="unknown config 'nope'"):
        rukp.load("nope")


def test_sentences_config_marks_exactly_the_sentences_a_gold_claim_overlaps(loaded):
    """Each sentence row is its document's sentence; ``claim`` and ``claim_ids`` follow the overlap rule."""
    docs = {d["id"]: d for d in loaded["documents"]}
    claims: dict[str, list[dict]] = {}
    for c in loaded["claims"]:
        claims.setdefault(c["doc_id"], []).append(c)
    rows = loaded["sentences"].to_list()
    assert len(rows) == sum(len(d["sentences"]) for d in docs.values())
    seen: set[str] = set()
    for row in rows:
        doc = docs[row["doc_id"]]
        sent = doc["sentences"][row["index"]]
        assert (row["start"], row["end"]) == (sent["start"], sent["end"])
        assert row["text"] == doc["text"][row["start"]:row["end"]]
        assert row["id"] == f"{row['doc_id']}-{row['index']}"
        inside = [c for c in claims.get(row["doc_id"], []) if c["start"] < row["end"] and c["end"] > row["start"]]
        assert sorted(row["claim_ids"]) == sorted(c["id"] for c in inside)
        assert row["claim"] is bool(inside)
        by_id = {c["id"]: c for c in inside}
        assert row["claimers"] == [by_id[i]["claimer"] for i in row["claim_ids"]]
        assert row["polarities"] == [by_id[i]["polarity"] for i in row["claim_ids"]]
        seen.update(row["claim_ids"])
    assert seen == {c["id"] for c in loaded["claims"]}, "every gold claim lies in at least one sentence"
    assert 0 < sum(r["claim"] for r in rows) < len(rows)
    assert rukp_load_rows("sentences") == rows


def rukp_load_rows(config: str) -> list[dict]:
    import rukp

    return rukp.load(config)["test"].to_list()
