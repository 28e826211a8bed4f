"""Claim detection at sentence level: sentence labels and scores, CheckThat! TSV, projected claim spans and
paraphrased claims located at sentences; figures equal scikit-learn's on the same labels and scores."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, average_precision_score, precision_recall_fscore_support, roc_auc_score

import rukp
from rukp import paths
from rukp.errors import RukpError
from rukp.io.jsonl import read_jsonl
from rukp.io.locate import MIN_WORDS, content_words, locate
from rukp.scoring.claims.sentences import P_AT, SentenceLabels, SentenceStatistic, point_figures, project_spans

DATA = paths.data_dir()


@pytest.fixture(scope="module")
def gold_docs() -> list[dict]:
    return read_jsonl(DATA / "documents.jsonl")


@pytest.fixture(scope="module")
def gold_sentences() -> list[dict]:
    return read_jsonl(DATA / "sentences.jsonl")


def _labels(gold: np.ndarray, pred: np.ndarray, score: np.ndarray | None) -> SentenceLabels:
    n = len(gold)
    return SentenceLabels(np.zeros(n, dtype=np.int64), np.arange(n), gold, pred, score)


def _sk(gold: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    p, r, f, _ = precision_recall_fscore_support(gold, pred, average="binary", zero_division=np.nan)
    return {"precision": p, "recall": r, "f1": f, "accuracy": accuracy_score(gold, pred)}


def _close(a: float | None, b: float) -> bool:
    return (a is None and np.isnan(b)) or (a is not None and abs(a - b) < 1e-12)


def test_figures_equal_scikit_learn_on_random_labels_and_scores():
    rng = np.random.default_rng(7)
    checked = 0
    for trial in range(300):
        n = int(rng.integers(2, 60))
        gold, pred = rng.random(n) < 0.6, rng.random(n) < 0.5
        score = rng.integers(0, 5, n).astype(float) if trial % 2 else rng.random(n)  # with and without ties
        fig = point_figures(_labels(gold, pred, score))
        for name, value in _sk(gold, pred).items():
            assert _close(fig[name], value), (trial, name)
        if gold.all() or not gold.any():
            assert fig["roc_auc"] is None
            continue
        assert fig["average_precision"] == pytest.approx(average_precision_score(gold, score), abs=1e-12)
        assert fig["roc_auc"] == pytest.approx(roc_auc_score(gold, score), abs=1e-12)
        # bootstrap weights are sample weights: a unit drawn w times counts its sentences w times
        w = rng.integers(0, 3, n).astype(float)
        if (w * gold).sum() and (w * ~gold).sum():
            out = SentenceStatistic(_labels(gold, pred, score), np.arange(n), n)(w[None])
            assert out["sentences.average_precision"][0] == pytest.approx(
                average_precision_score(gold, score, sample_weight=w), abs=1e-12)
            assert out["sentences.roc_auc"][0] == pytest.approx(roc_auc_score(gold, score, sample_weight=w), abs=1e-12)
            checked += 1
    assert checked > 100


def test_r_precision_and_p_at_k_are_the_top_of_the_ranking():
    rng = np.random.default_rng(3)
    for _ in range(100):
        n = int(rng.integers(5, 50))
        gold = rng.random(n) < 0.5
        if not gold.any():
            continue
        score = rng.permutation(n).astype(float)  # distinct scores: the ranking is unambiguous
        fig = point_figures(_labels(gold, gold, score))
        ranked = gold[np.argsort(-score)]
        r = int(gold.sum())
        assert fig["r_precision"] == pytest.approx(ranked[:r].mean())
        for k in P_AT:
            assert fig[f"p_at_{k}"] == pytest.approx(ranked[:k].sum() / k)
    # tied scores: the group the cut falls in counts in proportion (its order is arbitrary)
    tied = point_figures(_labels(np.array([True, False, True, False]), np.ones(4, bool), np.array([1.0, 1, 1, 1])))
    assert tied["r_precision"] == pytest.approx(0.5)


def test_projection_marks_every_sentence_a_span_overlaps():
    rng = np.random.default_rng(1)
    for _ in range(200):
        cuts = np.sort(rng.choice(np.arange(1, 200), size=int(rng.integers(1, 12)), replace=False))
        bounds = [0, *cuts.tolist(), 200]
        sents = [(a + 1, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a + 1]
        spans = [tuple(sorted(rng.choice(200, 2, replace=False).tolist())) for _ in range(int(rng.integers(0, 4)))]
        expected = [any(s < e2 and e > s2 for s, e in spans) for s2, e2 in sents]
        assert project_spans(sents, spans).tolist() == expected


def _gold_labels(gold_sentences: list[dict]) -> np.ndarray:
    return np.array([r["claim"] for r in gold_sentences])


def test_sentence_predictions_score_like_scikit_learn(gold_docs, gold_sentences, tmp_path):
    """Labels and scores given by index (some by offsets, some unlisted) equal scikit-learn's figures on the
    gold's ``claim`` column, with unlisted sentences negative and ranked last."""
    rng = np.random.default_rng(0)
    score = rng.random(len(gold_sentences))
    listed = rng.random(len(gold_sentences)) < 0.8
    pred = score >= 0.4
    lines = []
    k = 0
    for d in gold_docs:
        items = []
        for i, (s, e) in enumerate((x["start"], x["end"]) for x in d["sentences"]):
            if listed[k]:
                where = {"index": i} if k % 3 else {"start": s, "end": e}
                items.append({**where, "claim": bool(pred[k]), "score": float(score[k])})
            k += 1
        lines.append({"doc_id": d["id"], "sentences": items})
    path = tmp_path / "sentences.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    report = rukp.evaluate(path, bootstrap=50)
    assert report.scope == {"entities": "not predicted", "claims": "not predicted", "sentences": "scored"}
    block = report.to_dict()["sentences"]
    gold = _gold_labels(gold_sentences)
    y_pred = pred & listed
    for name, value in _sk(gold, y_pred).items():
        assert block["detection"][name] == pytest.approx(value)
    ranked = np.where(listed, score, score[listed].min() - 1)
    assert block["ranking"]["average_precision"] == pytest.approx(average_precision_score(gold, ranked))
    assert block["ranking"]["roc_auc"] == pytest.approx(roc_auc_score(gold, ranked))
    assert block["source"] == "sentences" and block["sentences"] == len(gold_sentences)
    assert block["detection"]["intervals"]["documents"]["f1"] is not None
    rows = block["outcomes"]
    assert [r["id"] for r in rows] == [r["id"] for r in gold_sentences]
    assert sum(r["outcome"] == "TP" for r in rows) == int((gold & y_pred).sum())
    assert sum(block["per_document"][d["id"]]["tp"] for d in gold_docs) == block["counts"]["tp"]


def test_checkthat_tsv_scores_like_the_same_jsonl(gold_sentences, tmp_path):
    rng = np.random.default_rng(5)
    score = rng.random(len(gold_sentences)).round(4)
    tsv = ["sentence_id\tclass_label\tscore\trun_id"]
    tsv += [f"{r['id']}\t{'Yes' if s > 0.5 else 'No'}\t{s}\tmyrun" for r, s in zip(gold_sentences, score, strict=True)]
    path = tmp_path / "run.tsv"
    path.write_text("\n".join(tsv) + "\n", encoding="utf-8")
    report = rukp.evaluate(path, format="checkthat", bootstrap=0)
    block = report.to_dict()["sentences"]
    gold = _gold_labels(gold_sentences)
    for name, value in _sk(gold, score > 0.5).items():
        assert block["detection"][name] == pytest.approx(value)
    assert block["ranking"]["average_precision"] == pytest.approx(average_precision_score(gold, score))
    # a score alone: positive at 0.5 and above
    path.write_text("".join(f"{r['id']}\t{s}\n" for r, s in zip(gold_sentences, score, strict=True)), encoding="utf-8")
    alone = rukp.evaluate(path, format="checkthat", bootstrap=0).to_dict()["sentences"]
    assert alone["counts"]["tp"] == int((gold & (score >= 0.5)).sum())


def test_checkthat_bad_line_is_one_clear_error(tmp_path):
    path = tmp_path / "run.tsv"
    path.write_text("000-3\tmaybe\n", encoding="utf-8")
    with pytest.raises(RukpError, match=r"run.tsv:1: .*no class label \(Yes/No\) or score"):
        rukp.evaluate(path, format="checkthat", bootstrap=0)
    path.write_text("000_3\tYes\n", encoding="utf-8")
    with pytest.raises(RukpError, match=r"run.tsv:1: sentence id '000_3' is not <doc_id>-<index>"):
        rukp.evaluate(path, format="checkthat", bootstrap=0)
    path.write_text("000-999\tYes\n", encoding="utf-8")
    with pytest.raises(RukpError, match=r"doc 000: predicted sentence 0: 'index' must be an integer from 0 to"):
        rukp.evaluate(path, format="checkthat", bootstrap=0)


@pytest.mark.parametrize(("item", "message"), [
    ({"index": 0}, "give 'claim' \\(true/false\\) and/or 'score'"),
    ({"index": 0, "claim": "yes"}, "'claim' must be true or false"),
    ({"index": 0, "score": "high"}, "'score' must be a finite number"),
    ({"start": 0, "end": 10 ** 6, "claim": True}, "end"),
])
def test_a_bad_sentence_item_is_one_clear_error(item, message):
    with pytest.raises(RukpError, match=message):
        rukp.evaluate([{"doc_id": "000", "sentences": [item]}], bootstrap=0)
    with pytest.raises(RukpError, match="sentence 0 is listed more than once"):
        rukp.evaluate([{"doc_id": "000", "sentences": [{"index": 0, "claim": True}, {"index": 0, "claim": True}]}],
                      bootstrap=0)


def test_gold_claim_spans_score_sentence_f1_one(gold_docs):
    rows = [{"doc_id": d["id"], "claims": [{k: c[k] for k in ("start", "end", "claimer")} for c in d["claims"]]}
            for d in gold_docs]
    report = rukp.evaluate(rows, bootstrap=0)
    block = report.to_dict()["sentences"]
    assert block["source"] == "claims" and block["ranking"] is None
    assert block["detection"]["f1"] == 1.0 and block["detection"]["accuracy"] == 1.0
    assert block["claimers"]["f1"] == 1.0
    assert report.figures["sentences.f1"] == 1.0


def test_span_claims_are_projected_onto_sentences(gold_docs, gold_sentences):
    """Half the gold claims, moved to the first sentence: the sentence labels are their projection."""
    rows, predicted = [], set()
    for d in gold_docs:
        claims = [c for k, c in enumerate(d["claims"]) if k % 2 == 0]
        rows.append({"doc_id": d["id"], "claims": [{"start": c["start"], "end": c["end"]} for c in claims]})
        for c in claims:
            predicted |= {(d["id"], i) for i, s in enumerate(d["sentences"]) if c["start"] < s["end"] and
                          c["end"] > s["start"]}
    block = rukp.evaluate(rows, bootstrap=0).to_dict()["sentences"]
    gold = _gold_labels(gold_sentences)
    pred = np.array([(r["doc_id"], r["index"]) in predicted for r in gold_sentences])
    for name, value in _sk(gold, pred).items():
        assert block["detection"][name] == pytest.approx(value)
    assert block["claimers"] is None  # no claimer named, none scored


def _paraphrase(text: str) -> str:
    """A gold claim as an LLM might return it: every fourth word dropped, lower case, no offsets."""
    return " ".join(w for i, w in enumerate(text.split()) if i % 4 != 1).lower()


def test_paraphrased_claims_are_located_at_their_sentences(gold_docs):
    rows = [{"doc_id": d["id"], "claims": [{"text": _paraphrase(c["text"]), "claimer": c["claimer"]}
                                            for c in d["claims"]]} for d in gold_docs]
    report = rukp.evaluate(rows, bootstrap=0)
    d = report.to_dict()
    located = d["sentences"]["located"]
    unaligned = [u for u in report.predictions.unaligned if u.kind == "claim"]
    assert located["unaligned"] == len(unaligned) > 0
    for item in located["items"]:
        doc = next(x for x in gold_docs if x["id"] == item["doc"])
        sources = [c for c in doc["claims"] if _paraphrase(c["text"]) == item["text"]]  # a claim may recur
        overlapped = {f"{doc['id']}-{i}" for c in sources for i, s in enumerate(doc["sentences"])
                      if c["start"] < s["end"] and c["end"] > s["start"]}
        assert set(item["sentences"]) <= overlapped, item
    long_enough = [u for u in unaligned if len(content_words(u.text)) >= MIN_WORDS]
    assert located["count"] >= 0.9 * len(long_enough)
    # span-level figures are those of the spans alone: located claims stay unmatched predictions
    assert d["claims"]["detection"]["predicted"] == sum(len(x["claims"]) for x in gold_docs)
    assert d["claims"]["detection"]["matched"] <= sum(len(x["claims"]) for x in gold_docs) - len(unaligned)
    assert d["sentences"]["detection"]["f1"] > 0.95


def test_locate_rules():
    sents = ["La Russie a envoyé des troupes.", "Le Pentagone estime leur nombre à 10.000 soldats.", "Fin."]
    assert locate("le pentagone estime 10.000 soldats", sents).first == 1
    assert locate("russie envoyé troupes pentagone estime nombre soldats", sents).last == 1  # two sentences
    assert locate("rien à voir avec ce texte ici", sents) is None
    assert locate("Pentagone", sents) is None  # too few content words


def test_sentence_block_in_every_format(gold_docs, tmp_path):
    from rukp.reports import html, markdown

    rows = [{"doc_id": d["id"], "sentences": [{"index": i, "score": (i % 5) / 4} for i in range(len(d["sentences"]))]}
            for d in gold_docs]
    report = rukp.evaluate(rows, bootstrap=20)
    assert "average precision" in markdown.report_markdown(report)
    page = html.render_report(report)
    assert "Claim sentences" in page and 'class="s-FN"' in page and "average precision" in page
    assert "claim-sentence F1" in str(report.to_json()) or "sentences" in json.loads(report.to_json())
    from rich.console import Console

    from rukp.reports.terminal import render_report

    console = Console(record=True, width=120)
    render_report(report, console)
    assert "claim-sentence F1" in console.export_text()


def test_claim_cues_scores_sentences_from_surface_cues():
    from rukp.extractors.claim_cues import ClaimCues, cue_score

    claim = "Selon le Pentagone, un total de 10.000 soldats nord-coréens se trouvent déjà en Russie."
    assert cue_score(claim) > 0.5
    assert cue_score("Les soldats sont-ils déjà en Russie ?") < cue_score("Les soldats sont déjà en Russie.")
    assert cue_score("(POOL/ALEXANDER NEMENOV)") < 0.1 and cue_score("Contexte régional") < 0.5
    text = f"{claim}\nContexte régional"
    out = ClaimCues().extract(text)
    assert [(s["start"], s["end"]) for s in out["sentences"]] == [(0, len(claim)), (len(claim) + 1, len(text))]
    report = rukp.evaluate(ClaimCues(), bootstrap=0)
    assert report.scope["sentences"] == "scored" and report.claim_sentences.scored
    assert 0.0 <= report.figures["sentences.average_precision"] <= 1.0
