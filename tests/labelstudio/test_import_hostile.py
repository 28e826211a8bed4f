"""Hostile Label Studio exports: any JSON value in any field of a result item gives a clean import or one
:class:`RukpError` naming the file (and task, region, field), never another exception; a failing import leaves
``annotations/`` byte-identical. Plus one test per class of issue 14 that the importer owns.
"""

from __future__ import annotations

import copy
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic_gold import as_export, small_gold

from rukp.annotations.store import save_annotations
from rukp.corpus.build import load_corpus
from rukp.errors import RukpError
from rukp.io.labelstudio.results import check_result_item, parse_export
from rukp.labelstudio.importer import import_export
from rukp.labelstudio.tasks import build_tasks, gold_rows

CORPUS = load_corpus()
EXPORT = as_export(build_tasks(CORPUS, gold_rows(small_gold(CORPUS), [d["id"] for d in CORPUS]),
                               target="annotations"))
RESULT = EXPORT[0]["annotations"][0]["result"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("pristine") / "annotations"
    save_annotations(small_gold(CORPUS), directory)
    return directory


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _fields(item: dict[str, Any]) -> list[tuple[str, ...]]:
    paths = [(k,) for k in item] + [("new_key",)]
    if isinstance(item.get("value"), dict):
        paths += [("value", k) for k in item["value"]] + [("value", "new_key")]
    return paths


@st.composite
def hostile_exports(draw: st.DrawFn) -> tuple[list[dict[str, Any]], str]:
    """The export with one field of one result item replaced by any JSON value (or removed)."""
    export = copy.deepcopy(EXPORT)
    result = export[0]["annotations"][0]["result"]
    index = draw(st.integers(0, len(result) - 1))
    path = draw(st.sampled_from(_fields(result[index])))
    holder = result[index]
    for key in path[:-1]:
        holder = holder[key]
    if draw(st.booleans()) and path[-1] in holder:
        del holder[path[-1]]
        return export, f"item {index}: removed {'.'.join(path)}"
    holder[path[-1]] = draw(json_values)
    return export, f"item {index}: {'.'.join(path)} = {holder[path[-1]]!r}"


def _run_import(export: list[dict[str, Any]], tmp: Path, pristine: Path, dry_run: bool) -> None:
    annotations = tmp / "annotations"
    shutil.rmtree(annotations, ignore_errors=True)
    shutil.copytree(pristine, annotations)
    path = tmp / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")  # NaN stays NaN: hostile
    before = _snapshot(annotations)
    try:
        import_export(path, annotations_dir=annotations, dry_run=dry_run)
    except RukpError as e:
        assert str(path) in str(e)
        assert _snapshot(annotations) == before
    else:
        if dry_run:
            assert _snapshot(annotations) == before


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=hostile_exports(), dry_run=st.booleans())
def test_any_value_in_any_field_imports_or_is_one_error(case, dry_run, tmp_path, pristine):
    export, _ = case
    _run_import(export, tmp_path, pristine, dry_run)


@settings(max_examples=50, deadline=None)
@given(item=json_values | st.fixed_dictionaries({"type": st.sampled_from(["labels", "choices", "textarea",
                                                                           "relation"])}, optional={
    "id": json_values, "from_name": json_values, "value": json_values, "from_id": json_values,
    "to_id": json_values, "labels": json_values, "direction": json_values}))
def test_the_item_check_accepts_or_names_task_and_field(item):
    try:
        check_result_item(item, 3, task="task 7", source="export.json", doc_id="000")
    except RukpError as e:
        assert str(e).startswith("export.json, doc 000: task 7") and "result item 3" in str(e), str(e)


def _export_with(mutate) -> list[dict[str, Any]]:
    export = copy.deepcopy(EXPORT)
    mutate(export[0]["annotations"][0]["result"])
    return export


def _item(result: list[dict[str, Any]], region: str, name: str = "label") -> dict[str, Any]:
    return next(i for i in result if i.get("id") == region and i.get("from_name") == name)


def _relation(result: list[dict[str, Any]]) -> dict[str, Any]:
    return next(i for i in result if i.get("type") == "relation")


CLASSES = {
    "relation from_id is a list": (
        lambda r: _relation(r).update(from_id=["000-E003"]),
        "task 1: result item 24 (relation): field from_id must be a region id (string), not array ['000-E003']"),
    "relation labels is an object": (
        lambda r: _relation(r).update(labels={"claimer": 1}),
        "task 1: result item 24 (relation): field labels must be a list of strings, not object {'claimer': 1}"),
    "value.start is a string": (
        lambda r: _item(r, "000-E001")["value"].update(start="0"),
        "region 000-E001: result item 0 (labels): field value.start must be an integer, not string '0'"),
    "labels hold a number": (
        lambda r: _item(r, "000-E001")["value"].update(labels=[7]),
        "field value.labels must be a list of strings, not array [7]"),
    "choices is a string": (
        lambda r: _item(r, "000-C001", "polarity")["value"].update(choices="affirmed"),
        "region 000-C001: result item 12 (choices): field value.choices must be a list of strings"),
    "textarea text holds an object": (
        lambda r: _item(r, "000-E001", "entity_id")["value"].update(text=[{"id": "putin"}]),
        "field value.text must be a list of strings, not array [{'id': 'putin'}]"),
    "quantity NaN": (
        lambda r: _item(r, "000-C001", "quantity_value")["value"].update(text=["NaN"]),
        "region 000-C001: quantity_value 'NaN' is not a number (finite; JSON syntax)"),
    "quantity 1e309": (
        lambda r: _item(r, "000-C001", "quantity_value")["value"].update(text=["1e309"]),
        "quantity_value '1e309' is not a number"),
    "entity id that is not a kb id": (
        lambda r: _item(r, "000-E001", "entity_id")["value"].update(text=["Not A/Valid id!"]),
        "region 000-E001: entity_id 'Not A/Valid id!' is not a kb id"),
    "claimer id that is not a kb id": (
        lambda r: _item(r, "000-C002", "claimer_id")["value"].update(text=["Le Pentagone"]),
        "region 000-C002: claimer_id 'Le Pentagone' is not a kb id"),
    "a 5 MB label is cut": (
        lambda r: _item(r, "000-E001")["value"].update(labels=["P" * 5_000_000]),
        "… (5000000 chars) is not one of PER"),
    "a region id with control characters is quoted": (
        lambda r: r.append({"id": "x\x1b[2J" * 30, "from_name": "label", "to_name": "text", "type": "labels",
                            "value": {"start": 0, "end": 8, "text": "Vladimir", "labels": ["BAD"]}}),
        "region 'x\\x1b[2Jx\\x1b[2J"),
}


@pytest.mark.parametrize("case", CLASSES)
@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry-run"])
def test_each_class_is_one_clear_error_and_writes_nothing(case, dry_run, tmp_path, pristine, rukp):
    mutate, message = CLASSES[case]
    annotations = tmp_path / "annotations"
    shutil.copytree(pristine, annotations)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export_with(mutate), ensure_ascii=False), encoding="utf-8")
    before = _snapshot(annotations)
    code, _, err = rukp("labelstudio", "import", path, "--annotations", annotations,
                        *(["--dry-run"] if dry_run else []))
    assert code == 2 and err.startswith(f"error: {path}") and len(err.strip().splitlines()) == 1, err
    assert message in err, err
    assert len(err) < 600
    assert _snapshot(annotations) == before


@pytest.mark.parametrize(("text", "message"), [
    ("[" * 100_000 + "]" * 100_000, "JSON nested deeper than 200 levels"),
    ('[{"id": 1, "id": 2, "data": {}}]', "duplicate key 'id'"),
    (json.dumps(EXPORT).replace('"start": 0', '"start": NaN', 1), "NaN is not a JSON number"),
])
def test_deep_duplicate_and_nan_json_are_refused(text, message, tmp_path, pristine, rukp):
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    code, _, err = rukp("labelstudio", "import", path, "--annotations", pristine, "--dry-run")
    assert code == 2 and message in err and str(path) in err


def test_the_predictions_reader_gets_the_same_checks(tmp_path, rukp):
    export = _export_with(lambda r: _relation(r).update(from_id=["000-E003"]))
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    code, _, err = rukp("evaluate", "-p", path, "--bootstrap", "0", "-q")
    assert code == 2 and "(relation): field from_id must be a region id (string), not array" in err


def test_a_valid_export_still_parses():
    docs, _ = parse_export(copy.deepcopy(EXPORT), source="export.json")
    assert [d.doc_id for d in docs] == ["000"] and docs[0].claims[0]["quantity"]["value"] == 10000
    assert not math.isnan(docs[0].claims[0]["quantity"]["value"])
