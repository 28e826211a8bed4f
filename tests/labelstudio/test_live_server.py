"""Push, annotate and pull against a real Label Studio server (started by ``conftest.ls_server``).

Imports always go into a temporary annotations folder, never the repository's own.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from synthetic_gold import small_gold

from rukp.annotations.store import AnnotationSet, load_annotations, save_annotations
from rukp.annotations.validate import validate
from rukp.corpus.build import load_corpus
from rukp.errors import RukpError
from rukp.io.labelstudio import config as cfg
from rukp.labelstudio.server import API_KEY_ENV, pull, push

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]
CORPUS = load_corpus()
PROJECT = "rukp-live-test"


def _annotations_dir(tmp_path: Path, ann: AnnotationSet) -> Path:
    directory = tmp_path / "annotations"
    save_annotations(ann, directory)
    return directory


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _gold_sets() -> list[pytest.param]:
    sets = [pytest.param("small", id="generated-gold")]
    real = load_annotations()
    sets.append(pytest.param("real", id="repository-gold", marks=pytest.mark.skipif(
        not (real.entities or real.claims), reason="annotations/ has no gold yet")))
    return sets


@pytest.mark.parametrize("which", _gold_sets())
def test_push_then_pull_changes_nothing(ls_server, tmp_path, monkeypatch, which):
    """The server keeps every region, per-region field and relation: an untouched project imports as no change."""
    gold = small_gold(CORPUS) if which == "small" else load_annotations()
    directory = _annotations_dir(tmp_path, gold)
    before = _files(directory)
    monkeypatch.setenv(API_KEY_ENV, ls_server.token)

    pushed = push(ls_server.url, project=PROJECT, annotations_dir=directory)
    assert pushed.created and sorted(pushed.added) == sorted(d["id"] for d in CORPUS)
    again = push(ls_server.url, project=PROJECT, annotations_dir=directory)
    assert not again.created and again.added == [] and sorted(again.kept) == sorted(pushed.added)

    plan = pull(ls_server.url, project=PROJECT, annotations_dir=directory, save=tmp_path / "export.json")
    assert [c.render() for d in plan.diffs for c in d.changes] == []
    assert not plan.changed and not plan.written
    assert _files(directory) == before


def _task_for(client, project_id: int, doc_id: str):
    return next(t for t in client.tasks.list(project=project_id) if t.data["doc_id"] == doc_id)


def test_annotator_edit_comes_back_as_exactly_that_diff(ls_server, tmp_path, monkeypatch):
    """Change a label, add an entity, add a claim with a claimer relation: the import shows those and no more."""
    from label_studio_sdk import LabelStudio

    gold = small_gold(CORPUS)
    directory = _annotations_dir(tmp_path, gold)
    monkeypatch.setenv(API_KEY_ENV, ls_server.token)
    project_id = push(ls_server.url, project=PROJECT, annotations_dir=directory).project_id

    client = LabelStudio(base_url=ls_server.url, api_key=ls_server.token)
    task = _task_for(client, project_id, "000")
    [existing] = client.annotations.list(task.id)
    result = copy.deepcopy(existing.result)
    text = task.data["text"]
    for item in result:
        if item.get("id") == "000-E004" and item.get("from_name") == cfg.LABEL:
            item["value"]["labels"] = ["QUANTITY"]
    r_start = text.index("Russie")
    claim_text = 'les détails, les dates" seront annoncés ultérieurement'
    c_start = text.index(claim_text)
    c_end = c_start + len(claim_text)

    def field(region: str, name: str, kind: str, start: int, end: int, values: list[str]) -> dict:
        key = "choices" if kind == "choices" else "text"
        return {"id": region, "from_name": name, "to_name": "text", "type": kind,
                "value": {"start": start, "end": end, key: values}}

    result += [
        {"id": "nEwEnT1ty", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": r_start, "end": r_start + 6, "text": "Russie", "labels": ["GPE"]}},
        field("nEwEnT1ty", "entity_id", "textarea", r_start, r_start + 6, ["russia"]),
        {"id": "nEwCla1m", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": c_start, "end": c_end, "text": claim_text, "labels": ["CLAIM"]}},
        field("nEwCla1m", "polarity", "choices", c_start, c_end, ["affirmed"]),
        field("nEwCla1m", "certainty", "choices", c_start, c_end, ["future"]),
        field("nEwCla1m", "topic", "choices", c_start, c_end, ["diplomatic_visit"]),
        field("nEwCla1m", "cluster", "textarea", c_start, c_end, ["choe-visit"]),
        {"from_id": "000-E006", "to_id": "nEwCla1m", "type": "relation", "direction": "right",
         "labels": ["claimer"]},
    ]
    # the annotator edits the task's annotation (a second annotation would be a second, independent pass)
    client.annotations.update(existing.id, result=result, lead_time=42.0)

    lines: list[str] = []
    plan = pull(ls_server.url, project=PROJECT, annotations_dir=directory, report=lines.append)

    [diff] = plan.diffs
    assert [(c.op, c.kind, c.id) for c in diff.changes] == [
        ("~", "entity", "000-E004"), ("+", "entity", "000-E007"), ("+", "claim", "000-C003")]
    changed = diff.changes[0]
    assert {k for k in changed.new if changed.new[k] != changed.old[k]} == {"label"}
    assert changed.new["label"] == "QUANTITY"
    assert diff.changes[1].new == {"doc_id": "000", "id": "000-E007", "start": r_start, "end": r_start + 6,
                                   "text": "Russie", "label": "GPE", "entity_id": "russia"}
    zakharova = next(e for e in gold.entities if e["id"] == "000-E006")
    assert diff.changes[2].new == {
        "doc_id": "000", "id": "000-C003", "start": c_start, "end": c_end, "text": claim_text,
        "claimer": "zakharova", "co_claimers": [], "claimer_start": zakharova["start"],
        "claimer_end": zakharova["end"], "polarity": "affirmed", "certainty": "future",
        "topic": "diplomatic_visit", "cluster": "choe-visit", "quantity": None}
    assert "annotation" in diff.source and "latest completed" in diff.source
    assert any("kb: added 'russia'" in line for line in lines)

    written = load_annotations(directory)
    assert plan.written and validate(CORPUS, written) == []
    assert sorted(r["id"] for r in written.entities) == sorted([r["id"] for r in gold.entities] + ["000-E007"])
    assert written.relations == gold.relations
    assert {k["entity_id"] for k in written.kb} == {k["entity_id"] for k in gold.kb} | {"russia"}


def test_a_refused_key_is_one_clear_error(ls_server, tmp_path, monkeypatch):
    directory = _annotations_dir(tmp_path, small_gold(CORPUS))
    before = _files(directory)
    monkeypatch.setenv(API_KEY_ENV, "not-the-token")
    with pytest.raises(RukpError, match=r"refused the API key from LABEL_STUDIO_API_KEY \(HTTP 401"):
        push(ls_server.url, project=PROJECT, annotations_dir=directory)
    with pytest.raises(RukpError, match="refused the API key"):
        pull(ls_server.url, project=PROJECT, annotations_dir=directory)
    monkeypatch.setenv(API_KEY_ENV, ls_server.token)
    with pytest.raises(RukpError, match=f"has no project named '{PROJECT}'"):
        pull(ls_server.url, project=PROJECT, annotations_dir=directory)
    assert _files(directory) == before
