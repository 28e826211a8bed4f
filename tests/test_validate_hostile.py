"""Hostile annotation rows: any JSON value in any field of an entities/claims/kb/relations/clusters line gives
``rukp validate`` problems that name file and line, never an exception; what JSON cannot hold (NaN, 1e309,
repeated keys, deep nesting) and ids that are not ids are problems too; an emptied file says so once.
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
from test_validate import REPO, valid_annotations, write_repo

from rukp.annotations.store import AnnotationSet
from rukp.annotations.validate import check_repo, validate
from rukp.io.jsonl import read_jsonl

KINDS = ("entities", "claims", "relations", "kb", "clusters")
CORPUS = read_jsonl(REPO / "corpus" / "documents.jsonl")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_repo(tmp_path_factory.mktemp("repo"), valid_annotations())


@st.composite
def hostile_rows(draw: st.DrawFn) -> tuple[str, int, dict[str, Any]]:
    ann = valid_annotations()
    kind = draw(st.sampled_from(KINDS))
    index = draw(st.integers(0, len(ann[kind]) - 1))
    row = copy.deepcopy(ann[kind][index])
    key = draw(st.sampled_from([*row, "extra"]))
    if draw(st.booleans()) and key in row:
        del row[key]
    else:
        row[key] = draw(json_values)
    return kind, index, row


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=hostile_rows())
def test_any_value_in_any_field_is_a_located_problem_or_valid(case, base, tmp_path):
    kind, index, row = case
    root = tmp_path / "repo"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(base, root, symlinks=True)
    path = root / "annotations" / f"{kind}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[index] = json.dumps(row, ensure_ascii=False)  # NaN and Infinity written as Python writes them
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for problem in check_repo(root).problems:
        assert problem.startswith("annotations/"), problem
        assert len(problem) < 1000


@settings(max_examples=50, deadline=None)
@given(case=hostile_rows())
def test_the_validator_on_rows_in_memory_never_raises(case):
    kind, index, row = case
    ann = valid_annotations()
    ann[kind][index] = row
    problems = validate(CORPUS, AnnotationSet(**ann))
    assert all(p.startswith("annotations/") for p in problems)


@pytest.mark.parametrize(("kind", "line", "text", "message"), [
    ("claims", 1, None, None),
    ("entities", 2, '{"doc_id": "000", "doc_id": "000"}', "entities.jsonl:2: not accepted: duplicate key 'doc_id'"),
    ("kb", 1, "[" * 100_000 + "]" * 100_000, "kb.jsonl:1: not accepted: JSON nested deeper than 200 levels"),
    ("relations", 1, '{"a": 1e309}', "relations.jsonl:1: not accepted: number '1e309' is too large"),
])
def test_what_json_cannot_hold_is_a_problem_of_its_line(kind, line, text, message, base, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(base, root)
    path = root / "annotations" / f"{kind}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    if text is None:  # a NaN quantity written by a lenient tool
        row = json.loads(lines[line - 1])
        row["quantity"]["value"] = math.nan
        text, message = json.dumps(row), "claims.jsonl:1: not accepted: NaN is not a JSON number"
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = check_repo(root).problems
    assert len(problems) == 1 and f"annotations/{message}" in problems[0], problems


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_non_finite_quantity_in_memory_is_a_problem(value):
    ann = valid_annotations()
    ann["claims"][0]["quantity"]["value"] = value
    problems = validate(CORPUS, AnnotationSet(**ann))
    assert problems == [f"annotations/claims.jsonl:1: doc 000, claim 000-C001: quantity.value must be a finite "
                        f"number, not {value} (JSON has no NaN or Infinity)"]


@pytest.mark.parametrize(("kind", "key", "value", "message"), [
    ("kb", "entity_id", "Not A/Valid id!", "entity_id 'Not A/Valid id!' is not a kb id"),
    ("entities", "entity_id", "Vladimir Poutine", "entity_id 'Vladimir Poutine' is not a kb id"),
    ("claims", "claimer", "le Pentagone", "claimer 'le Pentagone' is not a kb id (lower-case ASCII words"),
    ("claims", "cluster", "troops?", "cluster 'troops?' is not a cluster id"),
])
def test_ids_that_are_not_ids_are_problems(kind, key, value, message):
    ann = valid_annotations()
    ann[kind][0][key] = value
    problems = validate(CORPUS, AnnotationSet(**ann))
    assert any(message in p for p in problems), problems


def test_an_emptied_entities_file_is_one_problem_not_one_per_kb_entity(base, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(base, root)
    (root / "annotations" / "entities.jsonl").write_text("")
    problems = check_repo(root).problems
    emptied = [p for p in problems if "is empty" in p]
    assert emptied == ["annotations/entities.jsonl: is empty, but annotations/kb.jsonl has 8 entities that need it "
                       "(was the file emptied? restore it, e.g. with git checkout)"]
    assert not any("never mentioned" in p for p in problems), problems


def _gold(kind: str) -> list[dict[str, Any]]:
    return read_jsonl(REPO / "annotations" / f"{kind}.jsonl")


@pytest.mark.parametrize(("kind", "message"), [
    ("entities", lambda: f"entities.jsonl: is empty, but annotations/kb.jsonl has {len(_gold('kb'))} entities"),
    ("kb", lambda: "kb.jsonl: is empty, but annotations/entities.jsonl has "
                   f"{sum(e['entity_id'] is not None for e in _gold('entities'))} mentions with an entity_id"),
    ("claims", lambda: f"claims.jsonl: is empty, but annotations/relations.jsonl has {len(_gold('relations'))} "
                       "relations"),
    ("clusters", lambda: f"clusters.jsonl: is empty, but annotations/claims.jsonl has {len(_gold('claims'))} claims"),
])
def test_an_emptied_gold_file_is_one_problem(kind, message, tmp_path, rukp):
    root = tmp_path / "repo"
    for name in ("seeds", "corpus", "annotations"):
        shutil.copytree(REPO / name, root / name)
    (root / "annotations" / f"{kind}.jsonl").write_text("")
    code, out, _ = rukp("validate", "--root", root)
    assert code == 1 and f"annotations/{message()} that need it" in out, out
    assert len(out.splitlines()) <= 3, out  # the problem and the count (claims also leave clusters unused)
