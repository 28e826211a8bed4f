"""Loading gold and predictions: formats, validation messages, lenient mode, views and label maps."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from rukp.errors import RukpError
from rukp.io.gold import load_gold
from rukp.io.jsonl import read_jsonl
from rukp.io.readers import load_predictions, predictions_from_rows
from rukp.io.views import view_tables
from rukp.views import get_view, load_label_map

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
GOLD_ROWS = read_jsonl(FIXTURES / "gold.jsonl")
T1 = GOLD_ROWS[0]["text"]


@pytest.fixture(scope="module")
def gold():
    return load_gold(FIXTURES / "gold.jsonl")


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_gold_sentences_come_from_the_file_or_the_text(gold, tmp_path: Path) -> None:
    assert gold.documents[0].sentences == [(0, 45), (46, len(T1))]          # given in the file
    assert gold.documents[1].sentences == [(0, 54), (55, 109)]              # computed from the text
    no_text = load_gold(_write(tmp_path / "g.jsonl", [{"id": "x", "entities": [], "claims": []}]))
    assert no_text.documents[0].sentences is None and not no_text.has_text
    assert gold.sha256 == hashlib.sha256((FIXTURES / "gold.jsonl").read_bytes()).hexdigest()
    assert gold.doc_ids == ("d1", "d2")


def test_predicted_entities_keep_their_input_order(gold) -> None:
    rows = [{"doc_id": "d1", "claims": [], "entities": [{"start": 97, "end": 103, "label": "GPE"},
                                                         {"start": 0, "end": 16, "label": "PER"}]}]
    preds = predictions_from_rows(rows, gold)
    assert preds.entities.start == [97, 0] and preds.entities.item == [0, 1]
    assert preds.covered == {0}


def test_lenient_mode_records_each_item_with_its_reason(gold, tmp_path: Path) -> None:
    path = _write(tmp_path / "p.jsonl", [
        {"doc_id": "d1", "claims": [{"start": 0, "end": 5, "claimer_start": 3}],
         "entities": [{"start": 0, "end": 16, "label": "PER"}, {"start": 5, "end": 20, "label": "PER"},
                      {"start": "0", "end": 3, "label": "PER"}]},
        {"doc_id": "d2", "entities": []},
    ])
    preds = load_predictions(path, gold, skip_invalid=True)
    assert preds.skipped_summary() == {"missing_field": 2, "non_integer_offset": 1, "overlapping_span": 1}
    assert [s.line for s in preds.skipped] == [1, 1, 1, 2]
    assert preds.entities.start == [0] and preds.claims[0] == []
    assert preds.covered == {0}  # the d2 line lacks 'claims': skipped, so d2 counts as without predictions
    assert "has no 'claims' field, but line 1 has one" in preds.skipped[-1].message


def test_claim_fields_are_checked_and_normalised(gold) -> None:
    rows = [{"doc_id": "d1", "entities": [], "claims": [{"start": 0, "end": 44, "cluster": 7,
                                                          "co_claimers": ["Q1"]}]}]
    claim = predictions_from_rows(rows, gold).claims[0][0]
    assert claim.cluster == "7" and claim.co_claimers == ("Q1",)
    bad = [{"doc_id": "d1", "entities": [], "claims": [{"start": 0, "end": 44, "co_claimers": "Q1"}]}]
    with pytest.raises(RukpError, match="'co_claimers' must be a list of strings"):
        predictions_from_rows(bad, gold)
    with pytest.raises(RukpError, match="no predictions given"):
        predictions_from_rows([], gold)


def test_views_project_gold_and_predictions(gold) -> None:
    rows = [{"doc_id": "d1", "claims": [], "entities": [{"start": 0, "end": 16, "label": "PER"},
                                                         {"start": 38, "end": 44, "label": "LOC"},
                                                         {"start": 97, "end": 103, "label": "DATE"}]}]
    preds = predictions_from_rows(rows, gold)
    data, skipped, dropped = view_tables(gold, preds, get_view("coarse"), None)
    assert data.labels == ("PER", "ORG", "LOC", "MISC")
    assert len(data.gold) == 9 and len(data.pred) == 2 and dropped == 1  # CARDINAL and DATE are not coarse
    with pytest.raises(RukpError, match="label 'MISC' is not in view fine.v1"):
        view_tables(gold, predictions_from_rows([{**rows[0], "entities": [{"start": 0, "end": 3,
                                                                            "label": "MISC"}]}], gold),
                    get_view("fine"), None)
    spacy = load_label_map("spacy", get_view("fine"))
    assert spacy.apply("MISC") is None and spacy.apply("PERSON") == "PER" and spacy.apply("GPE") == "GPE"


def test_gold_labels_must_be_fine_or_of_the_view(tmp_path: Path) -> None:
    row = {"id": "x", "text": "Paris", "claims": [], "entities": [{"start": 0, "end": 5, "label": "LOC"}]}
    coarse_gold = load_gold(_write(tmp_path / "g.jsonl", [row, {**row, "id": "y", "entities": [
        {"start": 0, "end": 5, "label": "MISC"}]}]))
    preds = predictions_from_rows([{"doc_id": "x", "entities": [], "claims": []}], coarse_gold)
    data, _, _ = view_tables(coarse_gold, preds, get_view("coarse"), None)
    assert len(data.gold) == 2
    with pytest.raises(RukpError, match=r"g.jsonl:2, doc y: gold entity 0: label 'MISC' is not one of PER"):
        view_tables(coarse_gold, preds, get_view("fine"), None)


def test_conll_is_entity_only_without_a_flag(gold, tmp_path: Path) -> None:
    path = tmp_path / "p.conll"
    path.write_text("-DOCSTART- d1\nVladimir\tB-PER\n", encoding="utf-8")
    preds = load_predictions(path, gold)
    assert preds.has_entities and not preds.has_claims and preds.entities.start == [0]
    with pytest.raises(RukpError, match="CoNLL BIO files hold entities only, and claims=True asks for claims"):
        load_predictions(path, gold, claims=True)


def test_iob2_files_are_strict_unless_told(gold, tmp_path: Path) -> None:
    content = "# doc_id = d1\nVladimir I-PER\nPoutine I-PER\n"  # a stray I-: lenient starts an entity
    strict, lenient = tmp_path / "p.iob2", tmp_path / "p.conll"
    for path in (strict, lenient):
        path.write_text(content, encoding="utf-8")
    assert load_predictions(strict, gold).entities.start == []
    assert load_predictions(strict, gold, bio="conlleval").entities.start == [0]
    assert load_predictions(lenient, gold).entities.start == [0]
    assert load_predictions(lenient, gold, bio="iob2").entities.start == []
    # --format overrides the extension: a .txt file read as CoNLL
    other = tmp_path / "p.txt"
    other.write_text(content, encoding="utf-8")
    assert load_predictions(other, gold, fmt="conll").entities.start == [0]


@pytest.mark.parametrize(("content", "line", "message"), [
    ("Vladimir B-PER\n", 1, "token before the first '-DOCSTART- <doc_id>' line"),
    ("-DOCSTART- -X- -X- O\nVladimir B-PER\n", 1, "document header has no document id"),
    ("-DOCSTART- d1\nVladimir B-PER\nPutin I-PER\n", 3, "token 'Putin' does not match the gold text at character 9"),
    ("# doc_id = d1\nVladimir\n", 2, "expected 'TOKEN TAG'"),
])
def test_conll_problems_name_the_line(gold, tmp_path: Path, content: str, line: int, message: str) -> None:
    path = tmp_path / "p.conll"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RukpError) as err:
        load_predictions(path, gold, claims=False)
    assert f"{path}:{line}" in str(err.value) and message in str(err.value)


def test_conll_spans_follow_bio_rules(gold, tmp_path: Path) -> None:
    path = tmp_path / "p.conll"
    # "# doc_id = …" names the document; an I- after O starts an entity (seqeval's default rule).
    path.write_text("# doc_id = d1\nVladimir B-PER\nPoutine I-PER\na O\nreçu O\nKim I-PER\nJong I-PER\n- I-PER\n"
                    "un I-PER\n", encoding="utf-8")
    preds = load_predictions(path, gold, claims=False)
    spans = list(zip(preds.entities.start, preds.entities.end, preds.entities.label, strict=True))
    assert spans == [(0, 16, "PER"), (24, 35, "PER")]


def test_conll_bad_tag_names_its_line(gold, tmp_path: Path) -> None:
    path = tmp_path / "p.conll"
    path.write_text("-DOCSTART- d1\nVladimir S-PER\n", encoding="utf-8")
    with pytest.raises(RukpError, match=r"p.conll:2, doc d1: tag 'S-PER' is not O, B-<type> or I-<type>"):
        load_predictions(path, gold, claims=False)
