"""No figure and no interval depends on input order: claims on one span pair by their attributes, and the
bootstrap draws documents in id order. Random golds with same-span and nested claims over several documents,
permuted within and across documents; predictions equal to the gold score 1.0 on every attribute."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from claim_rows import bundled, copy_claim
from hypothesis import given, settings
from hypothesis import strategies as st
from random_cases import random_gold, random_predictions, shuffled, write_jsonl

import rukp


def _without_order(report: rukp.evaluation.Report) -> dict:
    """The JSON report's figures, counts and intervals (outcome lists as sets; nothing about the files)."""
    d = json.loads(report.to_json(detail=True))
    for section in (d["entities"] or {}).values():
        section["outcomes"] = sorted(json.dumps(o, sort_keys=True) for o in section["outcomes"])
    if d["claims"] is not None:
        d["claims"]["outcomes"] = sorted(json.dumps(o, sort_keys=True) for o in d["claims"]["outcomes"])
    return {"entities": d["entities"], "claims": d["claims"], "figures": report.figures,
            "intervals": {u: dict(sorted(v.items())) for u, v in report.intervals.items()}}


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.randoms(use_true_random=False))
def test_permuting_gold_and_predictions_changes_no_figure_and_no_interval(seed: int, rnd: random.Random) -> None:
    case = random.Random(seed)
    gold = random_gold(case, case.randint(2, 5))
    preds = random_predictions(case, gold)
    with tempfile.TemporaryDirectory() as tmp:
        first = rukp.evaluate(preds, gold=write_jsonl(Path(tmp) / "a.jsonl", gold), bootstrap=100, seed=seed)
        other = rukp.evaluate(shuffled(rnd, preds), gold=write_jsonl(Path(tmp) / "b.jsonl", shuffled(rnd, gold)),
                              bootstrap=100, seed=seed)
    assert _without_order(first) == _without_order(other)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6), st.randoms(use_true_random=False))
def test_predictions_equal_to_the_gold_score_one_on_every_figure(seed: int, rnd: random.Random) -> None:
    case = random.Random(seed)
    gold = random_gold(case, case.randint(1, 4))
    preds = shuffled(rnd, random_predictions(case, gold, perfect=True))
    with tempfile.TemporaryDirectory() as tmp:
        report = rukp.evaluate(preds, gold=write_jsonl(Path(tmp) / "g.jsonl", gold), bootstrap=0)
    figures = report.figures
    assert all(v in (None, 1.0) for v in figures.values()), {k: v for k, v in figures.items() if v not in (None, 1)}
    claims = [c for g in gold for c in g["claims"]]
    for name in ("polarity", "certainty", "topic"):
        if any(c.get(name) for c in claims):
            assert figures[f"claims.{name}.accuracy"] == figures[f"claims.{name}.macro_f1"] == 1.0
    if claims:
        assert figures["claims.attribution.accuracy"] == figures["claims.joint.f1"] == 1.0


def test_same_span_gold_claims_predicted_in_reverse_order() -> None:
    # 002-C014 and 002-C015 share 1361–1386 ("le déploiement de troupes"): western_world/affirmed and
    # kremlin/denied. Predicted exactly, in the other order.
    doc = next(d for d in bundled() if d["id"] == "002")
    twins = [c for c in doc["claims"] if (c["start"], c["end"]) == (1361, 1386)]
    assert len(twins) == 2 and twins[0]["claimer"] != twins[1]["claimer"]
    for order in (twins, twins[::-1]):
        report = rukp.evaluate([{"doc_id": "002", "claims": [copy_claim(c) for c in order]}], docs=["002"], bootstrap=0)
        assert report.figures["claims.attribution.accuracy"] == 1.0
        assert report.figures["claims.polarity.accuracy"] == 1.0


def test_a_copy_of_every_gold_claim_in_any_order_scores_one_on_every_attribute() -> None:
    rnd = random.Random(0)
    rows = [{"doc_id": d["id"], "claims": rnd.sample([copy_claim(c) for c in d["claims"]], len(d["claims"]))}
            for d in bundled()]
    figures = rukp.evaluate(rows, bootstrap=0).figures
    claim_figures = {k: v for k, v in figures.items() if k.startswith("claims.")}
    assert len(claim_figures) > 20
    assert all(v == 1.0 for v in claim_figures.values()), {k: v for k, v in claim_figures.items() if v != 1.0}
