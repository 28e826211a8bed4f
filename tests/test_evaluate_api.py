"""``rukp.evaluate`` on a two-document fixture whose expected counts are derived by hand below.

Fixture (tests/fixtures/eval): gold d1 has PER Vladimir Poutine, PER Kim Jong-un, GPE Moscou, GPE Kiev,
NORP nord-coréens, GPE Russie and two claims; gold d2 has GPE Corée du Nord, GPE Russie, ORG Pentagone,
CARDINAL 10.000 and two claims. The predictions cover d1 only:
  Vladimir Poutine PER  → correct          Kim Jong-un as ORG      → incorrect (same span, other type)
  "à Moscou" GPE        → partial (Moscou)  soldats ORG            → spurious
  nord-coréens NORP     → correct          Russie GPE             → correct
  Kiev and all of d2 (4 spans)             → missed
So, strict: correct 3, incorrect 2 (type + boundary), partial 0, missed 5, spurious 1; possible 10, actual 6.
Claims: claim 1 exact (claimer AUTHOR right), claim 2 without "des" (token Jaccard 5/6, claimer given as the
mention "Kiev", right; certainty wrong), "Selon Kiev" spurious; d2's two claims missed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import rukp
from rukp.errors import RukpError
from rukp.evaluation import Report, compare
from rukp.extractors import registry
from rukp.io.jsonl import read_jsonl

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
GOLD = FIXTURES / "gold.jsonl"
PREDS = FIXTURES / "preds.jsonl"
ROWS = read_jsonl(PREDS)
TEXTS = {d["id"]: d["text"] for d in read_jsonl(GOLD)}


def _eval(source: Any = PREDS, **kw: Any) -> Report:
    kw.setdefault("bootstrap", 0)
    return rukp.evaluate(source, gold=GOLD, **kw)


def _counts(report: Report, view: str = "fine", scheme: str = "strict", label: str | None = None) -> dict:
    block = report.views[f"{view}.v1"].counts.to_dict()[scheme]
    return block["overall"] if label is None else block["per_type"][label]


def test_entity_counts_per_scheme_match_the_hand_derivation() -> None:
    r = _eval()
    fields = ("correct", "incorrect", "partial", "missed", "spurious")
    expected = {"strict": (3, 2, 0, 5, 1), "exact": (4, 1, 0, 5, 1), "partial": (4, 0, 1, 5, 1),
                "ent_type": (4, 1, 0, 5, 1)}
    for scheme, values in expected.items():
        got = _counts(r, scheme=scheme)
        assert tuple(got[f] for f in fields) == values, scheme
        assert (got["possible"], got["actual"]) == (10, 6)
    assert r.precision() == pytest.approx(3 / 6) and r.recall() == pytest.approx(3 / 10)
    assert r.f1() == pytest.approx(2 * 3 / (10 + 6))
    assert r.precision(scheme="partial") == pytest.approx((4 + 0.5) / 6)
    # Per type, the field's convention: Kim Jong-un (gold PER, predicted ORG) is a miss for PER and a spurious
    # ORG; ORG also misses Pentagone and has the spurious "soldats".
    per, org = _counts(r, label="PER"), _counts(r, label="ORG")
    assert (per["correct"], per["incorrect"], per["missed"], per["possible"], per["actual"]) == (1, 0, 1, 2, 1)
    assert (org["missed"], org["spurious"], org["precision"], org["recall"]) == (1, 2, 0.0, 0.0)
    assert r.precision(label="PER") == 1.0 and r.recall(label="PER") == 0.5
    assert _counts(r, label="GPE")["missed"] == 3
    link = r.views["fine.v1"].scores.linking
    assert (link.matched, link.correct) == (5, 3)  # nord-coréens and Russie carry the wrong or no id
    assert r.figures["entities.fine.v1.linking.accuracy"] == pytest.approx(3 / 5)
    no_ids = [{**row, "entities": [{k: v for k, v in e.items() if k != "entity_id"} for e in row["entities"]]}
              for row in ROWS]
    assert _eval(no_ids).figures["entities.fine.v1.linking.accuracy"] is None  # not predicted, not 0


def test_coarse_view_projects_fine_labels_and_drops_value_types() -> None:
    r = _eval(view=["fine", "coarse"])
    coarse = _counts(r, view="coarse")
    assert (coarse["correct"], coarse["possible"], coarse["actual"]) == (3, 9, 6)  # CARDINAL is not coarse
    assert _counts(r, view="coarse", label="LOC")["possible"] == 5
    assert r.f1(view="coarse") == pytest.approx(2 * 3 / (9 + 6))


def test_claim_figures_match_the_hand_derivation() -> None:
    f = _eval().figures
    assert f["claims.detection.precision"] == pytest.approx(2 / 3)
    assert f["claims.detection.recall"] == pytest.approx(2 / 4)
    assert f["claims.detection.f1"] == pytest.approx(2 * 2 / (3 + 4))
    assert f["claims.attribution.accuracy"] == 1.0  # by id (AUTHOR) and by mention span (Kiev)
    assert f["claims.joint.f1"] == pytest.approx(2 * 2 / (3 + 4))
    assert f["claims.polarity.accuracy"] == 1.0
    assert f["claims.certainty.accuracy"] == pytest.approx(1 / 2)
    assert f["claims.certainty.macro_f1"] == pytest.approx((2 / 3 + 0) / 2)  # certain: 2·1/(1+2); probable: 0
    # Tokens of the claim token rule ("Jong-un" is one token): predicted 8 + 5 + 2 ("Selon Kiev"), 13 inside
    # gold claims; gold 8 + 6 + 5 + 4.
    assert f["claims.tokens.precision"] == pytest.approx(13 / 15)
    assert f["claims.tokens.recall"] == pytest.approx(13 / 23)
    # Both matched claims predicted in cluster P1, gold K1 and K2: B³ P 1/2, R 1; no gold pair.
    assert f["claims.clusters.b3.precision"] == pytest.approx(0.5)
    assert f["claims.clusters.b3.recall"] == 1.0
    assert f["claims.clusters.pairwise.precision"] == 0.0
    assert f["claims.clusters.pairwise.recall"] is None


def test_thresholds_change_what_matches() -> None:
    strict_overlap = _counts(_eval(min_overlap=0.8))  # "à Moscou" has character Jaccard 6/8 with Moscou
    assert (strict_overlap["correct"], strict_overlap["incorrect"], strict_overlap["missed"],
            strict_overlap["spurious"]) == (3, 1, 6, 2)
    assert _eval(claim_threshold=0.9).figures["claims.detection.recall"] == pytest.approx(1 / 4)


def test_nervaluate_compatible_mode_counts_a_wrong_type_twice() -> None:
    r = _eval(nervaluate_compatible=True, bootstrap=50)
    assert _counts(r, label="ORG")["spurious"] == 2  # soldats and Kim Jong-un (as ORG)
    assert _counts(r, label="PER")["missed"] == 1
    assert r.interval("entities.fine.v1.strict.f1", "sentences") is not None


def test_every_kind_of_input_gives_the_same_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    by_text = {TEXTS[row["doc_id"]]: row for row in ROWS}

    def extract(text: str) -> dict:
        row = by_text.get(text, {"entities": [], "claims": []})
        return {"entities": row["entities"], "claims": row["claims"]}

    class Extractor:
        name = "fixture"

        def extract(self, text: str) -> dict:
            return extract(text)

    module = tmp_path / "my_extractor_mod.py"
    module.write_text(f"""import json
GOLD = {{json.loads(x)["id"]: json.loads(x)["text"] for x in open({str(GOLD)!r}, encoding="utf-8")}}
PRED = {{json.loads(x)["doc_id"]: json.loads(x) for x in open({str(PREDS)!r}, encoding="utf-8")}}
def extract(text):
    for doc_id, t in GOLD.items():
        if t == text and doc_id in PRED:
            return {{"entities": PRED[doc_id]["entities"], "claims": PRED[doc_id]["claims"]}}
    return {{"entities": [], "claims": []}}
""", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(registry._factories, "fixture-extractor", lambda: Extractor())  # removed after the test
    reference = _counts(_eval())
    for source in (str(PREDS), ROWS, Extractor(), extract, "fixture-extractor", "my_extractor_mod:extract"):
        r = _eval(source)
        assert _counts(r) == reference, source
        assert r.figures["claims.detection.f1"] == pytest.approx(4 / 7)
    sys.modules.pop("my_extractor_mod", None)


def test_documents_without_predictions_are_counted_not_hidden() -> None:
    meta = _eval().metadata["predictions"]
    assert meta["documents_without_predictions"] == 1
    assert meta["documents_without_predictions_ids"] == ["d2"]


def test_extractor_failure_names_document_and_extractor() -> None:
    def flaky(text: str) -> dict:
        if "Pentagone" in text:
            raise ValueError("model crashed")
        return {"entities": [], "claims": []}

    with pytest.raises(RukpError) as err:
        _eval(flaky)
    assert err.value.doc == "d2" and "'flaky' failed: ValueError: model crashed" in str(err.value)
    r = _eval(flaky, skip_invalid=True)
    assert r.metadata["predictions"]["failed_documents"] == ["d2"]
    assert r.metadata["skipped"]["by_reason"] == {"extractor_error": 1}
    assert _counts(r)["missed"] == 10


def test_label_maps_from_dict_file_and_builtin(tmp_path: Path) -> None:
    renamed = [{**row, "entities": [{**e, "label": {"PER": "PERSON"}.get(e["label"], e["label"])}
                                    for e in row["entities"]]} for row in ROWS]
    with pytest.raises(RukpError, match="label 'PERSON' is not in view fine.v1"):
        _eval(renamed)
    yaml_map = tmp_path / "map.yaml"
    yaml_map.write_text("PERSON: PER\n", encoding="utf-8")
    json_map = tmp_path / "map.json"
    json_map.write_text('{"PERSON": "PER"}', encoding="utf-8")
    for label_map in (yaml_map, json_map, str(yaml_map)):
        assert _counts(_eval(renamed, label_map=label_map)) == _counts(_eval()), label_map
    # spaCy's map: PERSON → PER, and on the fine view WikiNER's MISC is left out (not an error).
    vladimir_as_misc = {"start": 0, "end": 8, "label": "MISC"}  # instead of "Vladimir Poutine" as PERSON
    spacy_like = [{**row, "entities": [vladimir_as_misc, *row["entities"][1:]]} for row in renamed]
    r = _eval(spacy_like, label_map="spacy", view=["fine", "coarse"])
    assert r.views["fine.v1"].dropped == 1 and r.views["coarse.v1"].dropped == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"PERSON": "PERS"}', encoding="utf-8")
    with pytest.raises(RukpError, match="maps 'PERSON' to 'PERS', which is not a label of view fine.v1"):
        _eval(renamed, label_map=bad)


def test_intervals_contain_points_and_are_seeded() -> None:
    a = _eval(bootstrap=300, seed=1)
    b = _eval(bootstrap=300, seed=1)
    for unit in ("documents", "sentences"):
        assert a.intervals[unit] == b.intervals[unit]
        iv = a.interval("entities.fine.v1.strict.f1", unit)
        assert iv.point == pytest.approx(a.f1()) and iv.low <= iv.point <= iv.high
    assert a.metadata["bootstrap"]["units"] == {"documents": 2, "sentences": 4}
    # Sentence counts are a split of the document counts, so they add up to the same totals.
    view = a.views["fine.v1"]
    assert (view.sentence_counts.sum(axis=0) == view.counts.array).all()


def test_gold_without_text_scores_entities_and_claims_by_characters(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({k: v for k, v in d.items() if k not in {"text", "sentences"}}) + "\n"
                            for d in read_jsonl(GOLD)), encoding="utf-8")
    r = rukp.evaluate(PREDS, gold=gold, bootstrap=20)
    assert _counts(r) == _counts(_eval())
    assert r.claims.unit == "character" and "sentences" not in r.intervals
    assert r.figures["claims.detection.recall"] == pytest.approx(2 / 4)


def test_entities_or_claims_alone() -> None:
    assert _eval(claims=False).claims is None
    r = _eval(entities=False)
    assert r.views == {} and r.figures["claims.detection.f1"] == pytest.approx(4 / 7)
    with pytest.raises(RukpError, match="nothing to score"):
        _eval(entities=False, claims=False)


def test_bad_options_name_the_option() -> None:
    with pytest.raises(RukpError, match="scheme='loose' is not one of strict"):
        _eval(scheme="loose")
    with pytest.raises(RukpError, match="min_overlap=2 must be a number between"):
        _eval(min_overlap=2)
    with pytest.raises(RukpError, match="unknown view 'medium'"):
        _eval(view="medium")
    with pytest.raises(RukpError, match="cannot evaluate a int"):
        _eval(42)


def test_labelstudio_export_is_read_through_the_labelstudio_reader(tmp_path: Path) -> None:
    results = []
    for k, e in enumerate(ROWS[0]["entities"]):
        results.append({"id": f"r{k}", "from_name": "label", "to_name": "text", "type": "labels",
                        "value": {"start": e["start"], "end": e["end"], "text": TEXTS["d1"][e["start"]:e["end"]],
                                  "labels": [e["label"]]}})
    export = [{"id": 1, "data": {"doc_id": "d1", "text": TEXTS["d1"]},
               "annotations": [{"id": 10, "result": results, "updated_at": "2024-11-01T00:00:00Z"}]}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    r = rukp.evaluate(path, gold=GOLD, bootstrap=0, claims=False)
    assert r.predictions.kind == "labelstudio"
    assert _counts(r) == _counts(_eval(claims=False))


def test_conll_predictions_align_tokens_to_the_gold_text(tmp_path: Path) -> None:
    from rukp.dataset.tokenize import sentences

    text = TEXTS["d1"]
    spans = {(e["start"], e["end"]): e["label"] for e in ROWS[0]["entities"]}
    lines = ["-DOCSTART- d1", ""]
    for sent in sentences(text):
        inside = None
        for a, b in sent.tokens:
            tag = "O"
            for (s, t), label in spans.items():
                if s <= a and b <= t:
                    tag = f"{'I' if inside == (s, t) else 'B'}-{label}"
                    inside = (s, t)
            lines.append(f"{text[a:b]}\t{tag}")
        lines.append("")
    path = tmp_path / "preds.conll"
    path.write_text("\n".join(lines), encoding="utf-8")
    r = rukp.evaluate(path, gold=GOLD, bootstrap=0, claims=False)
    assert _counts(r) == _counts(_eval(claims=False))


def test_compare_reports_both_systems_and_the_tests() -> None:
    worse = [{**row, "entities": row["entities"][:2]} for row in ROWS]
    c = compare(PREDS, worse, gold=GOLD, bootstrap=200, shuffles=10_000)
    t = c.tests["documents"]["entities.fine.v1.strict.f1"]
    assert t.a == pytest.approx(c.a.f1()) and t.b == pytest.approx(c.b.f1()) and t.diff > 0
    assert t.shuffles == 10_000 and 0 < t.p_randomisation <= 1
    assert "sentences" in c.tests
