"""Two annotators per new document: every completed annotation of a task is a pass; passes that differ wait for
adjudication (a ground truth in Label Studio); a single pass of a new document needs --single-pass."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from synthetic_gold import as_export, small_gold

from rukp.annotations.store import AnnotationSet, load_annotations, save_annotations
from rukp.corpus.build import load_corpus
from rukp.io.labelstudio.results import parse_export
from rukp.labelstudio.importer import plan_import
from rukp.labelstudio.tasks import build_tasks, gold_rows

CORPUS = load_corpus()


def _two_passes(*, differ: bool) -> list[dict]:
    """An export of document 000 annotated twice (two people); the second pass relabels Kazan when ``differ``."""
    gold = small_gold(CORPUS)
    tasks = as_export(build_tasks(CORPUS, gold_rows(gold, ["000"]), target="annotations"))
    task = next(t for t in tasks if t["data"]["doc_id"] == "000")
    first = task["annotations"][0]
    second = {**copy.deepcopy(first), "id": first["id"] + 1, "completed_by": 2,
              "updated_at": "2026-01-02T00:00:00Z"}
    if differ:
        for item in second["result"]:
            if item.get("id") == "000-E002" and item["from_name"] == "label":
                item["value"]["labels"] = ["LOC"]
            if item.get("id") == "000-E002" and item["from_name"] == "entity_id":
                item["value"]["text"] = ["kazan-area"]
    task["annotations"] = [first, second]
    return json.loads(json.dumps([task]))


def _plan(export: list[dict], **kwargs):
    docs, skipped = parse_export(export, source="export.json")
    return plan_import(docs, before=AnnotationSet(), corpus=CORPUS, source="export.json", skipped=skipped,
                       directory=Path("annotations"), **kwargs)


def test_passes_that_agree_are_imported_as_a_double_annotation():
    plan = _plan(_two_passes(differ=False))
    assert plan.problems == [] and plan.held == []
    assert plan.after.for_doc("entities", "000")
    prov = plan.after.manifest["documents"]["000"]["provenance"]
    assert [p["annotator"] for p in prov["passes"]] == ["Label Studio user 1", "Label Studio user 2"]
    assert prov["adjudication"] == "no disagreement (2 passes agree)"
    assert any("2 passes; agreement (annotation 100 vs annotation 101, as `rukp agreement`): entities strict F1 "
               "1.0, claims detection F1 1.0" in n for n in plan.notes)
    assert set(plan.pass_files) == {Path("annotations/raw/labelstudio/000/annotation-100.json"),
                                    Path("annotations/raw/labelstudio/000/annotation-101.json"),
                                    Path("annotations/raw/labelstudio/000/agreement.json")}


def test_passes_that_differ_write_nothing_to_the_gold_until_adjudicated():
    plan = _plan(_two_passes(differ=True))
    assert plan.held == ["000"] and plan.after.entities == [] and plan.after.claims == []
    assert any("its 2 passes differ (2 disagreement(s)); nothing is imported for this document until it is "
               "adjudicated" in s and "mark it as ground truth" in s for s in plan.skipped)
    disagreements = [n for n in plan.notes if "disagreement:" in n]
    assert any("entity" in n and "'Kazan' GPE entity_id=kazan: only in annotation 100 (Label Studio user 1)" in n
               for n in disagreements)
    assert any("'Kazan' LOC entity_id=kazan-area: only in annotation 101 (Label Studio user 2)" in n
               for n in disagreements)
    figures = json.loads(plan.pass_files[Path("annotations/raw/labelstudio/000/agreement.json")])
    n = len(small_gold(CORPUS).entities)
    assert figures["entities"]["strict_f1"] == round((n - 1) / n, 4)  # the same figure as `rukp agreement`
    stored = json.loads(plan.pass_files[Path("annotations/raw/labelstudio/000/annotation-101.json")])
    assert stored["annotator"] == "Label Studio user 2" and len(stored["entities"]) == n


def test_a_ground_truth_adjudicates_the_passes():
    export = _two_passes(differ=True)
    export[0]["annotations"][1]["ground_truth"] = True  # a reviewer corrected the second pass and marked it
    plan = _plan(export)
    assert plan.problems == [] and plan.held == []
    kazan = next(e for e in plan.after.entities if e["text"] == "Kazan")
    assert (kazan["label"], kazan["entity_id"]) == ("LOC", "kazan-area")
    prov = plan.after.manifest["documents"]["000"]["provenance"]
    assert prov["adjudication"] == "Label Studio ground truth (annotation 101)" and len(prov["passes"]) == 2


def test_a_single_pass_of_a_new_document_needs_the_flag():
    export = _two_passes(differ=False)
    export[0]["annotations"] = export[0]["annotations"][:1]
    plan = _plan(export)
    assert plan.held == ["000"] and plan.after.entities == []
    assert any("one completed annotation (annotation 100 (Label Studio user 1)); a new document is annotated by "
               "two people independently" in s and "--single-pass" in s for s in plan.skipped)
    accepted = _plan(export, single_pass=True)
    assert accepted.held == [] and accepted.after.entities
    assert "(single-annotated)" in " ".join(accepted.notes)


def test_the_cli_stores_differing_passes_and_leaves_the_gold_alone(tmp_path, rukp):
    directory = tmp_path / "annotations"
    save_annotations(AnnotationSet(), directory)
    before = load_annotations(directory)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_two_passes(differ=True)), encoding="utf-8")
    code, out, err = rukp("labelstudio", "import", export, "--annotations", directory)
    assert code == 0 and "held until adjudicated or accepted: doc 000" in out and "no changes" in out
    assert load_annotations(directory) == before
    stored = sorted(p.name for p in (directory / "raw" / "labelstudio" / "000").iterdir())
    assert stored == ["agreement.json", "annotation-100.json", "annotation-101.json"]
