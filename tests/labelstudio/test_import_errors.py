"""Bad input gives one clear message (file, task, region, problem), exit code 2, and annotations/ untouched.

Label Studio itself stores such results silently; the importer must not.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from synthetic_gold import as_export, small_gold

from rukp.annotations.store import save_annotations
from rukp.corpus.build import load_corpus
from rukp.labelstudio.server import API_KEY_ENV
from rukp.labelstudio.tasks import build_tasks, gold_rows

CORPUS = load_corpus()


@pytest.fixture
def annotations(tmp_path: Path) -> Path:
    directory = tmp_path / "annotations"
    save_annotations(small_gold(CORPUS), directory)
    return directory


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _export() -> list[dict]:
    tasks = build_tasks(CORPUS, gold_rows(small_gold(CORPUS), [d["id"] for d in CORPUS]), target="annotations")
    return as_export(tasks)


def _result(export: list[dict]) -> list[dict]:
    return export[0]["annotations"][0]["result"]


def _item(export: list[dict], region: str, name: str = "label") -> dict:
    return next(i for i in _result(export) if i.get("id") == region and i.get("from_name") == name)


def _set(item: dict, **value: object) -> None:
    item["value"].update(value)


def _unknown_label(e):
    _set(_item(e, "000-E001"), labels=["PERS"])


def _unknown_choice(e):
    _set(_item(e, "000-C001", "polarity"), choices=["maybe"])


def _missing_region(e):
    _result(e).append({"from_id": "000-E003", "to_id": "ghost", "type": "relation", "direction": "right",
                       "labels": ["claimer"]})


def _text_mismatch(e):
    _set(_item(e, "000-E001"), text="Vladimir Putin")


def _offsets_outside(e):
    _set(_item(e, "000-E001"), end=10**6)


def _unknown_document(e):
    e[0]["data"]["doc_id"] = "999"


def _stale_text(e):
    e[0]["data"]["text"] = e[0]["data"]["text"].replace("Poutine", "Putin!!", 1)
    _set(_item(e, "000-E001"), text="Vladimir Putin!!")


def _orphan_field(e):
    _result(e).append({"id": "orphan", "from_name": "polarity", "to_name": "text", "type": "choices",
                       "value": {"start": 0, "end": 8, "choices": ["denied"]}})


def _field_on_wrong_kind(e):
    _result(e).append({"id": "000-E001", "from_name": "polarity", "to_name": "text", "type": "choices",
                       "value": {"start": 0, "end": 16, "choices": ["denied"]}})


def _unknown_control(e):
    _result(e).append({"id": "000-E001", "from_name": "sentiment", "to_name": "text", "type": "choices",
                       "value": {"start": 0, "end": 16, "choices": ["positive"]}})


def _unlinked_claimer(e):
    _result(e).append({"id": "lonely", "from_name": "label", "to_name": "text", "type": "labels",
                       "value": {"start": 0, "end": 8, "text": "Vladimir", "labels": ["CLAIMER"]}})


def _two_claimers(e):
    _result(e).append({"from_id": "000-E001", "to_id": "000-C001", "type": "relation", "direction": "right",
                       "labels": ["claimer"]})


def _unlabelled_relation(e):
    _result(e).append({"from_id": "000-C001", "to_id": "000-C002", "type": "relation", "direction": "right",
                       "labels": []})


def _relation_between_wrong_kinds(e):
    _result(e).append({"from_id": "000-E001", "to_id": "000-C001", "type": "relation", "direction": "right",
                       "labels": ["supports"]})


def _two_values(e):
    _set(_item(e, "000-C001", "cluster"), text=["a", "b"])


def _bad_quantity(e):
    _set(_item(e, "000-C001", "quantity_value"), text=["dix mille"])


def _second_task(e):
    e[1]["data"] = dict(e[0]["data"])


def _inside_a_word(e):
    item = _item(e, "000-E004")  # '10.000', a CARDINAL: start it inside the number
    _set(item, start=item["value"]["start"] + 1, text="0.000")


CASES: dict[str, tuple[Callable[[list[dict]], None], str]] = {
    "unknown label": (_unknown_label, r"task 1, region 000-E001: label 'PERS' is not one of PER, NORP, ORG"),
    "unknown choice": (_unknown_choice, r"region 000-C001: polarity 'maybe' is not one of affirmed, denied"),
    "relation to a missing region": (_missing_region, r"relation 000-E003→ghost: region 'ghost' does not exist"),
    "offsets do not match value.text": (
        _text_mismatch, r"region 000-E001: offsets 0-16 give 'Vladimir Poutine', but value.text is 'Vladimir Putin'"),
    "offsets outside the text": (_offsets_outside, r"region 000-E001: offsets 0-1000000 are not 0 <= start < end"),
    "unknown document": (_unknown_document, r"doc 999: task 1: not a corpus document \(corpus: 000, 001"),
    "text changed since the export": (_stale_text, r"doc 000: task 1: data.text differs from the corpus text"),
    "field without a region": (_orphan_field, r"region orphan: field polarity belongs to no labelled region"),
    "field on the wrong kind": (_field_on_wrong_kind, r"region 000-E001: field polarity does not apply to a PER"),
    "unknown control": (_unknown_control, r"region 000-E001: unknown control 'sentiment'"),
    "claimer mention linked to nothing": (_unlinked_claimer, r"region lonely: CLAIMER region is linked to no claim"),
    "two claimer mentions": (_two_claimers, r"region 000-C001: claim has two claimer mentions"),
    "relation without a label": (_unlabelled_relation, r"relation 000-C001→000-C002: expected one label of"),
    "relation between wrong kinds": (_relation_between_wrong_kinds, r"supports links two CLAIM regions, not PER"),
    "two values in a single field": (_two_values, r"region 000-C001: field cluster has 2 values"),
    "quantity that is not a number": (_bad_quantity, r"region 000-C001: quantity_value 'dix mille' is not a number"),
    "two tasks for one document": (_second_task, r"task 2: a second task for this document \(task 1 is the first\)"),
    "result the validator rejects": (
        _inside_a_word, r"failed with 1 problem\(s\):\n.*000-E004: span start 119 is inside the word '10'"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_export_is_one_clear_error_and_writes_nothing(case, tmp_path, annotations, rukp):
    mutate, message = CASES[case]
    export = _export()
    mutate(export)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    before = _snapshot(annotations)
    code, _, err = rukp("labelstudio", "import", path, "--annotations", annotations)
    assert code == 2
    assert err.startswith((f"error: {path}", f"error: import of {path} (nothing written) failed"))
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 or "problem(s)" in err
    assert re.search(message, err, re.S), err
    assert _snapshot(annotations) == before


@pytest.mark.parametrize(("content", "message"), [
    ('[{"id": 1, "data": {"text": "x", "doc_id"', r"export.json:1: not valid JSON"),
    ("id,text,label\n1,x,PER\n", r"export.json:1: not valid JSON"),
    ('{"id": 1, "text": "x"}', r"expected Label Studio's JSON export \(a list of tasks\), got a JSON dict"),
    ('[{"id": 1, "text": "x", "label": [{"start": 0, "end": 1}]}]', r"task 1: not a task object with a data field"),
])
def test_truncated_or_other_format_files_are_rejected(content, message, tmp_path, annotations, rukp):
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    before = _snapshot(annotations)
    code, _, err = rukp("labelstudio", "import", path, "--annotations", annotations)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert re.search(message, err), err
    assert _snapshot(annotations) == before


def test_a_file_that_is_not_utf8_is_rejected(tmp_path, annotations, rukp):
    path = tmp_path / "export.json"
    path.write_bytes('[{"data": "é"}]'.encode("latin-1"))
    code, _, err = rukp("labelstudio", "import", path, "--annotations", annotations)
    assert code == 2 and "not valid UTF-8" in err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_that_is_down_is_one_clear_error(tmp_path, annotations, rukp, monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, "some-key")
    monkeypatch.setattr("label_studio_sdk.core.http_client.INITIAL_RETRY_DELAY_SECONDS", 0.0)  # the client's retries
    url = f"http://127.0.0.1:{_closed_port()}"
    before = _snapshot(annotations)
    for command in ("push", "pull"):
        code, _, err = rukp("labelstudio", command, "--url", url, "--annotations", annotations)
        assert code == 2 and len(err.strip().splitlines()) == 1
        assert err.startswith(f"error: cannot reach Label Studio at {url}")
    assert _snapshot(annotations) == before


def test_the_api_key_only_comes_from_the_environment(annotations, rukp, monkeypatch):
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    code, _, err = rukp("labelstudio", "pull", "--url", "http://127.0.0.1:9", "--annotations", annotations)
    assert code == 2 and "set LABEL_STUDIO_API_KEY" in err
    code, _, err = rukp("labelstudio", "pull", "--url", "http://127.0.0.1:9", "--api-key", "k")
    assert code == 2 and "No such option: --api-key" in err


@pytest.mark.parametrize(("line", "message"), [
    ({"doc_id": "999", "entities": []}, r"baseline.jsonl:1: doc_id '999' is not a corpus document"),
    ({"doc_id": "000", "entities": [{"start": 0, "end": 16, "label": "PERS"}]},
     r"baseline.jsonl:1, doc 000: entity 0-16: label 'PERS' is not one of PER"),
    ({"doc_id": "000", "entities": [{"start": 5, "end": 2, "label": "PER"}]},
     r"baseline.jsonl:1, doc 000: entities\[0\]: start/end 5-2 are not offsets"),
    ({"doc_id": "000", "claims": [{"start": 0, "end": 5, "polarity": "maybe"}]},
     r"baseline.jsonl:1, doc 000: claim 0-5: polarity 'maybe' is not one of affirmed, denied"),
])
def test_bad_predictions_file_is_one_clear_error(line, message, tmp_path, rukp):
    predictions = tmp_path / "baseline.jsonl"
    predictions.write_text(json.dumps(line) + "\n", encoding="utf-8")
    out = tmp_path / "tasks.json"
    code, _, err = rukp("labelstudio", "export", "--predictions", predictions, "--out", out)
    assert code == 2 and re.search(message, err), err
    assert not out.exists()


def test_an_extractor_with_labels_outside_the_scheme_is_refused(tmp_path, rukp):
    out = tmp_path / "tasks.json"
    code, _, err = rukp("labelstudio", "export", "--extractor", "synthetic_gold:misc_extractor", "--doc", "002",
                        "--out", out)
    assert code == 2 and not out.exists()
    assert err.startswith("error: extractor synthetic_gold:misc_extractor, doc 002: entity 0-8: label 'MISC' is not "
                          "one of PER")
    code, _, err = rukp("labelstudio", "export", "--doc", "042", "--out", out)
    assert code == 2 and "--doc 042: not a corpus document (000, 001, " in err
