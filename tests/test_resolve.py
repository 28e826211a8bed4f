"""The resolver places annotators' surface strings by code and reports what it cannot place."""

from __future__ import annotations

import json

from rukp.annotations.resolve import find_from, nearest, resolve_pass

TEXT = "La Russie et la Corée du Nord. La Russie a nié. Selon Washington, la Russie avance."
DOC = {"id": "000", "text": TEXT}


def _write(tmp_path, doc: dict, kb: list, clusters: list) -> None:
    (tmp_path / "000.json").write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "kb.json").write_text(json.dumps(kb), encoding="utf-8")
    (tmp_path / "clusters.json").write_text(json.dumps(clusters), encoding="utf-8")


def test_find_from_respects_word_boundaries_and_cursor():
    assert find_from("Russies Russie", "Russie", 0) == (8, 14)
    assert find_from(TEXT, "Russie", 10) == (34, 40)
    assert find_from(TEXT, "Russie", 0, context="la Russie avance") == (69, 75)
    assert find_from(TEXT, "Moscou", 0) is None


def test_nearest_picks_the_occurrence_closest_to_the_claim():
    assert nearest(TEXT, "Russie", 60, 80) == (69, 75)
    assert nearest(TEXT, "Russie", 41, 46) == (34, 40)


def test_resolve_pass_computes_offsets_and_ids(tmp_path):
    raw = {"doc_id": "000",
           "entities": [{"text": "Russie", "label": "GPE", "entity": "russia"},
                        {"text": "Corée du Nord", "label": "GPE", "entity": "nk"},
                        {"text": "Russie", "label": "GPE", "entity": "russia"},
                        {"text": "Washington", "label": "GPE", "entity": "us"},
                        {"text": "Russie", "label": "GPE", "entity": "russia"}],
           "claims": [{"text": "la Russie avance", "claimer": "us", "co_claimers": [], "claimer_text": "Washington",
                       "polarity": "affirmed", "certainty": "certain", "topic": "other", "cluster": "k",
                       "quantity": None}],
           "relations": []}
    kb = [{"entity": k, "type": "GPE", "name": k, "aliases": []} for k in ("russia", "nk", "us")]
    _write(tmp_path, raw, kb, [{"cluster": "k", "proposition": "p"}])
    res = resolve_pass(tmp_path, [DOC])
    assert res.problems == []
    assert [(e["id"], e["start"], e["end"]) for e in res.entities] == [
        ("000-E001", 3, 9), ("000-E002", 16, 29), ("000-E003", 34, 40), ("000-E004", 54, 64), ("000-E005", 69, 75)]
    claim = res.claims[0]
    assert TEXT[claim["start"]:claim["end"]] == "la Russie avance"
    assert TEXT[claim["claimer_start"]:claim["claimer_end"]] == "Washington"


def test_resolve_pass_reports_unplaceable_strings_and_unknown_keys(tmp_path):
    raw = {"doc_id": "000",
           "entities": [{"text": "Corée du Nord", "label": "GPE", "entity": "nk"},
                        {"text": "La Russie", "label": "GPE", "entity": "russia"},  # wrong order: before cursor? no
                        {"text": "Moscou", "label": "GPE", "entity": "moscow"},
                        {"text": "Russie", "label": "PERS", "entity": "russia"}],
           "claims": [{"text": "la Russie avance", "claimer": "nobody", "co_claimers": [], "claimer_text": None,
                       "polarity": "maybe", "certainty": "certain", "topic": "other", "cluster": "zzz",
                       "quantity": None}],
           "relations": [{"type": "supports", "source": "000#0", "target": "000#7"}]}
    _write(tmp_path, raw, [{"entity": "nk", "type": "GPE", "name": "NK"}], [])
    problems = "\n".join(resolve_pass(tmp_path, [DOC]).problems)
    assert "entity #2 'Moscou' (GPE) not found" in problems
    assert "entity #3 'Russie': label 'PERS' is not one of PER" in problems
    assert "entity key 'russia' is not in kb.json" in problems
    assert "claimer 'nobody' is not a kb key, AUTHOR or UNSPECIFIED" in problems
    assert "polarity 'maybe' is not one of affirmed, denied" in problems
    assert "cluster 'zzz' is not in clusters.json" in problems
    assert "relation #0: target '000#7' is not a resolved claim" in problems
