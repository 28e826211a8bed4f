"""The report at scale (issue 13): the columnar detail and the fast bootstrap give the same numbers as the
straightforward per-document path; detail moves to side files above the documented size."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from rukp.bench import generate
from rukp.evaluation import evaluate
from rukp.evaluation import report as report_module
from rukp.reports import detail
from rukp.scoring import bootstrap as bs
from rukp.scoring.claims import claim_metrics
from rukp.scoring.counts import SCHEMES, macro_prf, prf

RESULTS = Path(__file__).resolve().parents[1] / "benchmark" / "results" / "predictions"
SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "report-schema.md"


def _schema() -> dict:
    import re

    return json.loads(re.search(r"```json schema\n(.*?)\n```", SCHEMA_DOC.read_text(encoding="utf-8"), re.S)[1])


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """1,000 synthetic documents (about 20 spans each) with texts, and predictions with every kind of error."""
    gold, pred = generate(1_000, 20, seed=3)
    rng = np.random.default_rng(3)
    for row in gold:
        length = max([e["end"] for e in row["entities"]] + [0]) + 40  # room for spurious spans after the last
        row["text"] = "".join(rng.choice(list("abcdefgh "), size=length))
        row["claims"] = []
    for row in pred:
        row["claims"] = []
    path = tmp_path_factory.mktemp("scale") / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in gold), encoding="utf-8")
    return path, pred


def _old_span(span: object, text: str | None) -> dict | None:
    if span is None:
        return None
    d = {"start": span.start, "end": span.end, "label": span.label, "entity_id": span.entity_id}
    if text is not None:
        d["text"] = text[span.start:span.end]
    return d


@pytest.mark.slow
def test_1k_documents_same_report_as_the_per_document_path(synthetic: tuple[Path, list[dict]]) -> None:
    gold_path, pred = synthetic
    report = evaluate(pred, gold=gold_path, bootstrap=300, seed=7, progress=False)
    out = report.to_dict()
    assert out["detail"] == {"per_document": "included", "outcomes": "included"}
    jsonschema.validate(out, _schema())
    ent = out["entities"]["fine.v1"]
    scores = report.views["fine.v1"].scores
    texts = {d.id: d.text for d in report.gold.documents}
    documents = scores.documents()  # the straightforward path: one object per document and per outcome
    assert ent["per_document"] == {r.doc_id: r.counts.to_dict() for r in documents}
    assert ent["outcomes"] == [{"doc_id": o.doc_id, "outcome": o.outcome, "gold": _old_span(o.gold, texts[o.doc_id]),
                                "pred": _old_span(o.pred, texts[o.doc_id])} for r in documents for o in r.outcomes]
    assert len(ent["outcomes"]) > 20_000 and {o["outcome"] for o in ent["outcomes"]} >= {"correct", "spurious",
                                                                                         "missed", "incorrect"}
    per_doc_claims = {}
    for d in report.claims.documents:
        m = claim_metrics(d.counts)
        per_doc_claims[d.doc_id] = {"gold": int(d.counts[0]), "predicted": int(d.counts[1]),
                                    "matched": int(d.counts[2]),
                                    **{k: None if np.isnan(m[f"detection.{k}"]) else float(m[f"detection.{k}"])
                                       for k in ("precision", "recall", "f1")}}
    assert out["claims"]["per_document"] == per_doc_claims

    # An independent bootstrap: numpy's multinomial weights from the same seed times the full count arrays.
    n = len(documents)
    counts = np.stack([r.counts.array for r in documents])
    weights = np.random.default_rng(7).multinomial(n, np.full(n, 1 / n), size=300).astype(np.float64)
    summed = (weights @ counts.reshape(n, -1)).reshape(300, *counts.shape[1:])
    for s, scheme in enumerate(SCHEMES):
        p, r, f = prf(summed, s)
        mp, _, mf = macro_prf(summed, s)
        block = ent["schemes"][scheme]
        checks = [(block["overall"], "f1", f[:, -1]), (block["overall"], "precision", p[:, -1]),
                  (block["per_type"]["ORG"], "recall", r[:, scheme_label(report, "ORG")]),
                  (block["macro"], "f1", mf), (block["macro"], "precision", mp)]
        for row, metric, values in checks:
            expected = np.nanpercentile(values, [2.5, 97.5])
            assert row["intervals"]["documents"][metric] == pytest.approx(expected.tolist(), abs=1e-12)


def scheme_label(report: object, label: str) -> int:
    return report.views["fine.v1"].view.labels.index(label)


@pytest.mark.parametrize("pred", ["rules-claims", "spacy+rules"])
def test_bundled_gold_keeps_detail_inline_and_matches_the_per_document_path(pred: str) -> None:
    report = evaluate(RESULTS / f"{pred}.jsonl", view=["fine", "coarse"], bootstrap=50, progress=False)
    out = report.to_dict()
    assert out["detail"] == {"per_document": "included", "outcomes": "included"}
    for name, view in report.views.items():
        documents = view.scores.documents()
        assert out["entities"][name]["per_document"] == {r.doc_id: r.counts.to_dict() for r in documents}
        assert len(out["entities"][name]["outcomes"]) == sum(len(r.outcomes) for r in documents)
    if pred == "rules-claims":
        assert len(out["claims"]["outcomes"]) == len(report.claims.outcomes) > 0
    assert json.dumps(out, indent=2, ensure_ascii=False, allow_nan=False) + "\n" == report.to_json()


def test_large_reports_leave_detail_out_and_side_files_hold_it(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    report = evaluate(RESULTS / "rules-claims.jsonl", bootstrap=20, progress=False)
    inline = report.to_dict()
    monkeypatch.setattr(report_module, "INLINE_MAX_DOCUMENTS", 3)
    out = report.to_dict()
    n = len(report.gold.doc_ids)
    assert n > 3  # the shipped gold is larger than the patched limit
    assert out["detail"]["per_document"] == f"omitted: {n} documents > 3; use --per-document FILE"
    assert out["entities"]["fine.v1"]["per_document"] is None and out["claims"]["outcomes"] is None
    assert out["entities"]["fine.v1"]["schemes"] == inline["entities"]["fine.v1"]["schemes"]
    jsonschema.validate(out, _schema())
    assert "\n" not in report.to_json().rstrip("\n")  # compact when the detail is left out

    detail.write_per_document(report, tmp_path / "docs.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "docs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in rows] == list(inline["entities"]["fine.v1"]["per_document"])
    for r in rows:
        strict = inline["entities"]["fine.v1"]["per_document"][r["doc_id"]]["strict"]["overall"]
        assert r["entities.fine.v1.strict.f1"] == strict["f1"]
        assert r["entities.fine.v1.strict.missed"] == strict["missed"]
        assert r["claims.detection.matched"] == inline["claims"]["per_document"][r["doc_id"]]["matched"]

    detail.write_outcomes(report, tmp_path / "out.jsonl")
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    entity_rows = [r for r in rows if r["kind"] == "entity"]
    assert len(entity_rows) == len(inline["entities"]["fine.v1"]["outcomes"])
    for r, o in zip(entity_rows, inline["entities"]["fine.v1"]["outcomes"], strict=True):
        assert (r["doc_id"], r["outcome"]) == (o["doc_id"], o["outcome"])
        assert r["gold_start"] == (o["gold"] or {}).get("start") and r["pred_text"] == (o["pred"] or {}).get("text")
        assert r["gold_label"] == (o["gold"] or {}).get("label")
    claim_rows = [r for r in rows if r["kind"] == "claim"]
    assert [r["outcome"] for r in claim_rows] == [o["outcome"] for o in inline["claims"]["outcomes"]]

    pq = pytest.importorskip("pyarrow.parquet")
    detail.write_outcomes(report, tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == len(rows) and table.column("outcome").to_pylist() == [r["outcome"] for r in rows]
    detail.write_per_document(report, tmp_path / "docs.parquet")
    docs = pq.read_table(tmp_path / "docs.parquet")
    assert docs.column("doc_id").to_pylist() == list(inline["entities"]["fine.v1"]["per_document"])
    assert docs.column("entities.fine.v1.strict.f1").type == "double"


def test_cli_side_files_and_where_the_detail_went(rukp: object, tmp_path: Path) -> None:
    out, docs, outcomes = tmp_path / "r.json", tmp_path / "docs.parquet", tmp_path / "outcomes.jsonl"
    code, _, err = rukp("evaluate", "-p", RESULTS / "rules-claims.jsonl", "--bootstrap", "20", "-q", "--json", out,
                        "--per-document", docs, "--outcomes", outcomes)
    assert code == 0, err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["detail"] == {"per_document": f"written to {docs}", "outcomes": f"written to {outcomes}"}
    assert report["entities"]["fine.v1"]["outcomes"] is None and report["claims"]["per_document"] is None
    jsonschema.validate(report, _schema())
    assert len(outcomes.read_text(encoding="utf-8").splitlines()) > 10 and docs.read_bytes()[:4] == b"PAR1"


def test_resample_weights_above_the_multinomial_size_draw_n_units() -> None:
    rng = np.random.default_rng(0)
    n = bs.MULTINOMIAL_MAX_UNITS + 1
    w = bs.resample_weights(n, 50, rng)
    assert w.shape == (50, n) and (w.sum(axis=1) == n).all() and w.min() >= 0
    w = w.astype(np.float64)
    assert abs(w.mean() - 1) < 1e-12 and 0.9 < w.var() < 1.1  # multinomial(n, 1/n): variance 1 - 1/n
    again = bs.resample_weights(n, 50, np.random.default_rng(0))
    assert np.array_equal(w, again)

