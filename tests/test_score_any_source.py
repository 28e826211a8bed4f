"""Issue 11's promise, one command per kind of user: entity-only JSONL, CoNLL, LLM-style strings, a corpus of
one's own without sentences or claims; scope inference, text-anchored items, --doc/--format/--bio and
nervaluate's own data through --inclusive-ends."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

import rukp
from rukp.errors import RukpError
from rukp.paths import BUNDLED_DATA

GOLD = [json.loads(line) for line in (BUNDLED_DATA / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
NER = [json.loads(line) for line in (BUNDLED_DATA / "ner.jsonl").read_text(encoding="utf-8").splitlines()]
FAST = 5.0  # seconds: the bound for one command on this machine


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _timed(rukp_cli, *argv: object) -> tuple[int, str, str, float]:
    t0 = time.perf_counter()
    code, out, err = rukp_cli(*argv)
    return code, out, err, time.perf_counter() - t0


def _strings(doc: dict, *, claims: bool = True) -> dict:
    """A document's gold items as an LLM writes them: strings, no offsets."""
    text = doc["text"]
    row = {"doc_id": doc["id"],
           "entities": [{"text": text[e["start"]:e["end"]], "label": e["label"]} for e in doc["entities"]]}
    if claims:
        row["claims"] = [{"text": text[c["start"]:c["end"]], "claimer": c["claimer"]} for c in doc["claims"]]
    return row


# -- done-when cases -----------------------------------------------------------------------------------------

def test_entity_only_jsonl_in_one_command(rukp, tmp_path: Path) -> None:
    path = _write(tmp_path / "ents.jsonl", [{"doc_id": d["id"], "entities": d["entities"]} for d in GOLD])
    out_json = tmp_path / "r.json"
    code, out, err, seconds = _timed(rukp, "evaluate", "-p", path, "--json", out_json, "--bootstrap", "50")
    assert code == 0, err
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert report["scope"] == {"entities": "scored", "claims": "not predicted", "sentences": "not predicted"}
    assert report["claims"] is None and "claims: not predicted" in out
    assert report["entities"]["fine.v1"]["schemes"]["strict"]["overall"]["f1"] == 1.0
    assert seconds < FAST, f"entity-only JSONL took {seconds:.1f} s"


def test_conll_file_in_one_command(rukp, tmp_path: Path) -> None:
    by_doc: dict[str, list[str]] = {}
    for sent in NER:
        doc = next(d for d in GOLD if d["id"] == sent["doc_id"])
        spans = [(e["start"], e["end"], e["label"]) for e in doc["entities"]]
        lines = by_doc.setdefault(sent["doc_id"], [f"-DOCSTART- {sent['doc_id']}"])
        for token, s, e in zip(sent["tokens"], sent["token_starts"], sent["token_ends"], strict=True):
            inside = next(((a, label) for a, b, label in spans if a <= s and e <= b), None)
            tag = "O" if inside is None else ("B-" if inside[0] == s else "I-") + inside[1]
            lines.append(f"{token}\t{tag}")
        lines.append("")
    path = tmp_path / "preds.conll"
    path.write_text("\n".join(line for lines in by_doc.values() for line in lines) + "\n", encoding="utf-8")
    code, out, err, seconds = _timed(rukp, "evaluate", "-p", path, "--bootstrap", "50")
    assert code == 0, err
    assert "claims: not predicted" in out
    report = rukp_module_report(path)
    assert report.scope == {"entities": "scored", "claims": "not predicted", "sentences": "not predicted"}
    assert report.f1() == 1.0
    assert seconds < FAST, f"CoNLL took {seconds:.1f} s"


def rukp_module_report(path: Path, **kw):
    return rukp.evaluate(path, bootstrap=0, **kw)


def test_llm_strings_from_the_gold_score_one(rukp, tmp_path: Path) -> None:
    path = _write(tmp_path / "llm.jsonl", [_strings(d) for d in GOLD])
    out_json = tmp_path / "r.json"
    code, out, err, seconds = _timed(rukp, "evaluate", "-p", path, "--json", out_json, "--bootstrap", "50")
    assert code == 0, err
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert report["scope"] == {"entities": "scored", "claims": "scored", "sentences": "scored"}
    assert report["entities"]["fine.v1"]["schemes"]["strict"]["overall"]["f1"] == 1.0
    assert report["claims"]["detection"]["f1"] == 1.0
    n_ents, n_claims = sum(len(d["entities"]) for d in GOLD), sum(len(d["claims"]) for d in GOLD)
    assert report["alignment"]["entities"]["exact"] + report["alignment"]["entities"]["normalised"] == n_ents
    assert sum(report["alignment"]["claims"].values()) == n_claims and report["alignment"]["unaligned"] == []
    assert seconds < FAST, f"LLM-style strings took {seconds:.1f} s"


def test_llm_entity_strings_score_one_quickly(tmp_path: Path) -> None:
    path = _write(tmp_path / "llm.jsonl", [_strings(d, claims=False) for d in GOLD])
    t0 = time.perf_counter()
    report = rukp.evaluate(path, bootstrap=50)
    seconds = time.perf_counter() - t0
    assert report.f1() == 1.0 and report.scope["claims"] == "not predicted"
    assert report.alignment["entities"]["unaligned"] == 0
    assert seconds < FAST, f"LLM-style entity strings took {seconds:.1f} s"


def test_a_misspelled_item_is_fuzzy_and_a_lost_one_is_spurious(tmp_path: Path) -> None:
    doc = GOLD[0]
    row = _strings(doc, claims=False)
    target = next(e for e in row["entities"] if e["text"] == "Vladimir Poutine")
    target["text"] = "Vladimir Poutime"  # one letter off
    row["entities"].append({"text": "Xyzzy Plugh", "label": "PER"})  # nowhere in the text
    rows = [row] + [_strings(d, claims=False) for d in GOLD[1:]]
    report = rukp.evaluate(_write(tmp_path / "p.jsonl", rows), bootstrap=0)
    al = report.alignment
    assert al["entities"]["fuzzy"] == 1 and al["entities"]["unaligned"] == 1
    assert al["unaligned"] == [{"doc": doc["id"], "kind": "entity", "text": "Xyzzy Plugh", "chars": 11, "label": "PER",
                                "reason": "not found in the text"}]
    counts = report.views["fine.v1"].counts
    assert counts.field("strict", "spurious", "PER") == 1  # counted, never dropped
    assert counts.field("strict", "correct") == sum(len(d["entities"]) for d in GOLD)
    assert report.to_dict()["alignment"]["entities"]["fuzzy"] == 1


def test_own_corpus_without_sentences_or_claims(rukp, tmp_path: Path) -> None:
    docs = [{"id": d["id"], "text": d["text"], "entities": d["entities"]} for d in GOLD]
    gold = _write(tmp_path / "corpus.jsonl", docs)
    preds = _write(tmp_path / "preds.jsonl", [{"doc_id": d["id"], "entities": d["entities"][::2]} for d in GOLD])
    out_json = tmp_path / "r.json"
    code, out, err, seconds = _timed(rukp, "evaluate", "-p", preds, "--gold", gold, "--json", out_json)
    assert code == 0, err
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert report["scope"] == {"entities": "scored", "claims": "no gold", "sentences": "no gold"}
    assert report["metadata"]["gold"]["sentences"] > len(docs)  # split by the rule splitter
    assert report["entities"]["fine.v1"]["schemes"]["strict"]["overall"]["precision"] == 1.0
    assert seconds < FAST, f"own corpus took {seconds:.1f} s"


# -- scope inference -------------------------------------------------------------------------------------------

def test_claims_only_source_and_explicit_choices(tmp_path: Path) -> None:
    # a gold without text: claims are scored in characters (no tokenizer to load)
    gold = _write(tmp_path / "g.jsonl", [{"id": d["id"], "entities": d["entities"], "claims": d["claims"]}
                                         for d in GOLD])
    path = _write(tmp_path / "c.jsonl", [{"doc_id": d["id"], "claims": d["claims"]} for d in GOLD])
    report = rukp.evaluate(path, gold=gold, bootstrap=0)
    # no text and no sentences in the gold: claims at sentence level cannot be scored
    assert report.scope == {"entities": "not predicted", "claims": "scored", "sentences": "no gold"}
    assert report.views == {}
    assert report.figures["claims.detection.f1"] == 1.0
    with pytest.raises(RukpError, match=r"nothing to score \(entities: not predicted; claims: not requested\)"):
        rukp.evaluate(path, gold=gold, bootstrap=0, claims=False)
    with pytest.raises(RukpError, match="missing field 'entities' \\(entities=True was asked for"):
        rukp.evaluate(path, gold=gold, bootstrap=0, entities=True)
    with pytest.raises(RukpError, match="nothing to score: entities=False and claims=False"):
        rukp.evaluate(path, gold=gold, bootstrap=0, entities=False, claims=False)
    no_claims_gold = _write(tmp_path / "g2.jsonl", [{"id": d["id"], "entities": d["entities"]} for d in GOLD])
    with pytest.raises(RukpError, match=r"nothing to score \(entities: not predicted; claims: no gold\)"):
        rukp.evaluate(path, gold=no_claims_gold, bootstrap=0)


def test_mixed_claims_lines_name_the_first_inconsistent_line(rukp, tmp_path: Path) -> None:
    rows = [{"doc_id": GOLD[0]["id"], "entities": [], "claims": []}, {"doc_id": GOLD[1]["id"], "entities": []}]
    path = _write(tmp_path / "p.jsonl", rows)
    code, _, err = rukp("evaluate", "-p", path)
    assert code != 0
    assert f"{path}:2, doc {GOLD[1]['id']}: has no 'claims' field, but line 1 has one" in err


def test_python_errors_name_the_keyword(tmp_path: Path) -> None:
    with pytest.raises(RukpError, match=r"claims=False in Python"):
        rukp.evaluate([{"doc_id": GOLD[0]["id"], "entities": [], "claims": []},
                       {"doc_id": GOLD[1]["id"], "entities": []}], bootstrap=0)


def test_help_shows_the_signature_and_each_option() -> None:
    import inspect
    import pydoc

    params = inspect.signature(rukp.evaluate).parameters
    assert all(p.kind is p.KEYWORD_ONLY for name, p in params.items() if name != "extractor_or_predictions")
    text = pydoc.render_doc(rukp.evaluate, renderer=pydoc.plaintext)
    for name in params:
        assert f"{name} :" in text or name == "extractor_or_predictions", name


def test_extractor_without_claims_and_compare_entity_only(tmp_path: Path) -> None:
    by_text = {d["text"]: d for d in GOLD}

    def ner_only(text: str) -> dict:
        return {"entities": [{"text": text[e["start"]:e["end"]], "label": e["label"]}
                             for e in by_text[text]["entities"]]}

    report = rukp.evaluate(ner_only, bootstrap=0, progress=False)
    assert report.scope == {"entities": "scored", "claims": "not predicted", "sentences": "not predicted"}
    assert report.f1() == 1.0
    a = _write(tmp_path / "a.jsonl", [{"doc_id": d["id"], "entities": d["entities"]} for d in GOLD])
    b = _write(tmp_path / "b.jsonl", [{"doc_id": d["id"], "entities": d["entities"][1:]} for d in GOLD])
    cmp = rukp.evaluation.compare(a, b, bootstrap=50, shuffles=50)
    assert cmp.a.scope["claims"] == "not predicted" and "documents" in cmp.tests


# -- --doc, --format, --bio -------------------------------------------------------------------------------------

def test_doc_filter_scores_only_those_documents(rukp, tmp_path: Path) -> None:
    doc = GOLD[3]
    path = _write(tmp_path / "one.jsonl", [{"doc_id": doc["id"], "entities": doc["entities"]}])
    report = rukp_module_report(path, docs=[doc["id"]])
    assert report.f1() == 1.0 and report.gold.doc_ids == (doc["id"],)
    assert f"scored on 1 of {len(GOLD)} documents: {doc['id']}" in report.metadata["notes"]
    assert report.to_dict()["metadata"]["gold"]["selected_documents"] == [doc["id"]]
    assert rukp_module_report(path).f1() < 1.0  # without --doc the others predict nothing
    code, out, err = rukp("evaluate", "-p", path, "--doc", doc["id"], "--bootstrap", "20")
    assert code == 0 and f"scored on 1 of {len(GOLD)} documents" in out
    code, _, err = rukp("evaluate", "-p", path, "--doc", "nope")
    assert code != 0 and "unknown document id 'nope'" in err and GOLD[0]["id"] in err


def test_format_overrides_the_extension(rukp, tmp_path: Path) -> None:
    path = _write(tmp_path / "preds.txt", [{"doc_id": d["id"], "entities": d["entities"]} for d in GOLD])
    assert rukp_module_report(path, format="jsonl").f1() == 1.0
    code, _, err = rukp("evaluate", "-p", path, "--format", "xml")
    assert code != 0 and "format='xml' is not one of auto, jsonl, conll, labelstudio" in err


# -- nervaluate's own data ---------------------------------------------------------------------------------------

# nervaluate 1.2.1's README examples (dict input; ends inclusive, a one-token entity has start == end)
NERVALUATE_TRUE = [
    [{"label": "PER", "start": 2, "end": 4}],
    [{"label": "LOC", "start": 1, "end": 2}, {"label": "LOC", "start": 3, "end": 4}],
]
NERVALUATE_PRED = [
    [{"label": "PER", "start": 2, "end": 4}],
    [{"label": "LOC", "start": 1, "end": 1}, {"label": "LOC", "start": 3, "end": 4}],
]
# the README's list input (BIO tags), read by nervaluate's list loader
NERVALUATE_LIST_TRUE = [["O", "O", "B-PER", "I-PER", "O"], ["O", "B-LOC", "I-LOC", "B-LOC", "I-LOC", "O"]]
NERVALUATE_LIST_PRED = [["O", "O", "B-PER", "I-PER", "O"], ["O", "B-LOC", "I-LOC", "O", "B-LOC", "I-LOC"]]


def _nervaluate_counts(true, pred, loader: str) -> dict:
    from nervaluate import Evaluator

    results = Evaluator(true, pred, tags=["PER", "LOC"], loader=loader).evaluate()["overall"]
    return {s: {k: getattr(results[s], k) for k in ("correct", "incorrect", "partial", "missed", "spurious")}
            for s in ("strict", "exact", "partial", "ent_type")}


def _ours(true, pred, tmp_path: Path) -> dict:
    gold = _write(tmp_path / "gold.jsonl", [{"id": f"d{i}", "entities": ents} for i, ents in enumerate(true)])
    preds = _write(tmp_path / "pred.jsonl", [{"doc_id": f"d{i}", "entities": ents} for i, ents in enumerate(pred)])
    report = rukp.evaluate(preds, gold=gold, bootstrap=0, nervaluate_compatible=True, inclusive_ends=True)
    counts = report.views["fine.v1"].counts
    return {s: {k: counts.field(s, k) for k in ("correct", "incorrect", "partial", "missed", "spurious")}
            for s in ("strict", "exact", "partial", "ent_type")}


def _tags_to_dicts(sequences: list[list[str]]) -> list[list[dict]]:
    from rukp.scoring.bio import tags_to_spans

    return [[{"label": label, "start": s, "end": e - 1} for s, e, label in tags_to_spans(tags)]
            for tags in sequences]


def test_nervaluate_dict_example_with_inclusive_ends(tmp_path: Path) -> None:
    with pytest.raises(RukpError, match="start 1 >= end 1"):  # without the option, start == end is refused
        rukp.evaluate(_write(tmp_path / "p.jsonl", [{"doc_id": "d1", "entities": NERVALUATE_PRED[1]}]),
                      gold=_write(tmp_path / "g.jsonl", [{"id": "d1", "entities": NERVALUATE_TRUE[1]}]), bootstrap=0)
    assert _ours(NERVALUATE_TRUE, NERVALUATE_PRED, tmp_path) == _nervaluate_counts(NERVALUATE_TRUE,
                                                                                    NERVALUATE_PRED, "dict")


def test_nervaluate_list_example_with_inclusive_ends(tmp_path: Path) -> None:
    true, pred = _tags_to_dicts(NERVALUATE_LIST_TRUE), _tags_to_dicts(NERVALUATE_LIST_PRED)
    assert _ours(true, pred, tmp_path) == _nervaluate_counts(NERVALUATE_LIST_TRUE, NERVALUATE_LIST_PRED, "list")


@pytest.mark.slow  # tokenises the gold with spaCy to compare
def test_shipped_tokens_are_the_dataset_tokenizer_s() -> None:
    """The bundled gold's claim tokens (ner.jsonl) are spaCy's, as the dataset's tokenisation gives them; a gold
    of one's own gets the claim token rule instead (tests/scoring/test_word_tokens.py compares the two)."""
    from rukp.dataset.tokenize import sentences
    from rukp.io.gold import load_gold

    preds = BUNDLED_DATA.parents[1] / "results" / "predictions" / "rules-claims.jsonl"
    fast = rukp.evaluate(preds, bootstrap=20)  # the bundled gold: token offsets from ner.jsonl
    assert all(d.tokens is not None for d in fast.gold.documents)
    for doc in fast.gold.documents:
        tokens = [t for s in sentences(doc.text) for t in s.tokens]
        assert list(zip(doc.tokens[0].tolist(), doc.tokens[1].tolist(), strict=True)) == tokens, doc.id
    plain = rukp.evaluate(preds, gold=load_gold(BUNDLED_DATA / "documents.jsonl"), bootstrap=20)
    assert all(d.tokens is None for d in plain.gold.documents)
    assert fast.to_dict()["claims"]["detection"] == plain.to_dict()["claims"]["detection"]
