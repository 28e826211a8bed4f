"""Extractors say what they predict by their keys: entity-only ones return no ``claims`` key, so their claims
are "not predicted" (not scored as 0) in a report, a comparison and the benchmark's predictions files."""

from __future__ import annotations

import json

import pytest

import rukp
from rukp import paths
from rukp.extractors.registry import resolve

TEXT = "Le président Vladimir Poutine a reçu Kim Jong-un à Moscou.\nIl a déclaré que la Russie aiderait."


@pytest.mark.parametrize("spec", ["empty", "capitalised"])
def test_entity_only_extractors_return_no_claims_key(spec):
    assert set(resolve(spec).extract(TEXT)) == {"entities"}


def test_an_entity_only_system_has_its_claims_not_predicted_rather_than_zero():
    report = rukp.evaluate("capitalised", bootstrap=0, progress=False)
    assert report.scope["claims"] == "not predicted" and report.claims is None


def test_the_benchmark_predictions_files_carry_only_the_predicted_tasks():
    folder = paths.repo_root() / "benchmark" / "results" / "predictions"
    keys = {p.name: {k for line in p.read_text(encoding="utf-8").splitlines() for k in json.loads(line)}
            for p in folder.glob("*.jsonl")}
    assert keys and keys["rules-claims.jsonl"] == {"doc_id", "entities", "claims"}
    assert keys["claim-cues.jsonl"] == {"doc_id", "sentences"}  # sentence scores only
    assert all(k == {"doc_id", "entities"} for name, k in keys.items()
               if name not in ("rules-claims.jsonl", "claim-cues.jsonl")), keys
