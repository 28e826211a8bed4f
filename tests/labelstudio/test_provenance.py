"""Per-document provenance: recorded by the gold build and by Label Studio imports, told by the datasheet."""

from __future__ import annotations

import json

import pytest
from synthetic_gold import as_export, small_gold

from rukp.annotations.provenance import (
    all_ai_agents,
    describe,
    label_studio_provenance,
    original_provenance,
    provenances,
)
from rukp.annotations.store import AnnotationSet, load_annotations
from rukp.annotations.validate import validate
from rukp.corpus.build import load_corpus
from rukp.docs import statements, tables
from rukp.errors import RukpError
from rukp.io.labelstudio.results import parse_export
from rukp.labelstudio.importer import plan_import
from rukp.labelstudio.tasks import build_tasks, gold_rows

CORPUS = load_corpus()


def _manifest(**docs: dict | None) -> dict:
    return {"documents": {d: ({"text_sha256": "0" * 64} | ({"provenance": p} if p else {})) for d, p in docs.items()}}


def test_describe_groups_documents_by_how_they_were_made():
    person = label_studio_provenance([{"id": 7, "completed_by": {"email": "a@b.c"}, "updated_at": "2026-12-01T10:00Z"}],
                                     agent="person", adjudication=None)
    manifest = _manifest(**{"000": original_provenance(), "001": original_provenance(), "005": person})
    assert describe(manifest) == ("2 documents annotated four times independently by AI agents and adjudicated; "
                                  "1 document annotated once, by one person in Label Studio (single-annotated)")
    assert person["passes"] == [{"name": "annotation 7", "annotator": "a@b.c", "agent": "person",
                                 "tool": "label-studio"}] and person["date"] == "2026-12-01"
    assert not all_ai_agents(manifest) and all_ai_agents(_manifest(**{"000": original_provenance()}))
    assert describe(_manifest(**{"009": None})) == "1 document with no recorded provenance"


def test_the_shipped_manifest_records_every_annotated_document():
    gold = load_annotations()
    annotated = {r["doc_id"] for r in gold.entities} | {r["doc_id"] for r in gold.claims}
    records = provenances(gold.manifest)
    assert annotated and annotated <= {d for d, p in records.items() if p is not None}
    assert validate(CORPUS, gold) == []  # the provenance records pass the manifest's shape


def test_a_document_annotated_in_label_studio_records_its_provenance():
    gold = small_gold(CORPUS)  # annotations on document 000 only
    export = json.loads(json.dumps(as_export(build_tasks(CORPUS, gold_rows(gold, ["000"]), target="annotations"))))
    export[0]["annotations"][0]["completed_by"] = 4
    docs, skipped = parse_export(export, source="export.json")
    plan = plan_import(docs, before=AnnotationSet(), corpus=CORPUS, source="export.json", skipped=skipped,
                       agent="ai_agent", single_pass=True)
    assert plan.problems == []
    prov = plan.after.manifest["documents"]["000"]["provenance"]
    assert prov["passes"] == [{"name": f"annotation {export[0]['annotations'][0]['id']}",
                               "annotator": "Label Studio user 4", "agent": "ai_agent", "tool": "label-studio"}]
    assert prov["adjudication"] is None and prov["date"] == "2026-01-01"
    assert "manifest: doc 000: 1 document annotated once, by an AI agent in Label Studio (single-annotated)" \
        in plan.notes
    again = plan_import(docs, before=plan.after, corpus=CORPUS, source="export.json")
    assert again.after.manifest == plan.after.manifest  # pulling again changes nothing
    with pytest.raises(RukpError, match="annotator kind 'robot' is not one of ai_agent, person"):
        plan_import(docs, before=AnnotationSet(), corpus=CORPUS, source="export.json", agent="robot")


def test_ground_truth_in_label_studio_is_recorded_as_the_adjudication():
    gold = small_gold(CORPUS)
    export = json.loads(json.dumps(as_export(build_tasks(CORPUS, gold_rows(gold, ["000"]), target="annotations"))))
    export[0]["annotations"][0]["ground_truth"] = True
    docs, skipped = parse_export(export, source="export.json")
    plan = plan_import(docs, before=AnnotationSet(), corpus=CORPUS, source="export.json", skipped=skipped)
    prov = plan.after.manifest["documents"]["000"]["provenance"]  # a ground truth needs no --single-pass
    assert prov["adjudication"] == f"Label Studio ground truth (annotation {export[0]['annotations'][0]['id']})"
    assert prov["passes"][0]["agent"] == "person"


def test_the_datasheet_statements_follow_the_records():
    class Fig:
        manifest = _manifest(**{"000": original_provenance(), "005": label_studio_provenance(
            [{"id": 3, "completed_by": 2, "updated_at": "2026-12-02T00:00:00Z"}], agent="person",
            adjudication=None)})

    fig = Fig()
    per_item = statements.annotations_per_item(fig)  # type: ignore[arg-type]
    assert per_item.startswith("1 document annotated four times") and "1 document annotated once, by one person" \
        in per_item and "Documents 000: two independent annotation passes" in per_item
    who = statements.annotators(fig)  # type: ignore[arg-type]
    assert "Documents 000: Every pass" in who and "Documents 005: 1 document annotated once, by one person" in who
    table = tables.provenance_table(fig)  # type: ignore[arg-type]
    assert "| 005 | 1 | annotation 3: Label Studio user 2, person | label-studio | none (single pass) | 2026-12-02 |" \
        in table


def test_validation_messages_point_at_the_task_and_region_with_the_fix():
    gold = small_gold(CORPUS)
    export = json.loads(json.dumps(as_export(build_tasks(CORPUS, gold_rows(gold, ["000"]), target="annotations"))))
    result = export[0]["annotations"][0]["result"]
    # the claims lose their claimer (relation and typed id), and Kazan is relabelled GPE → LOC keeping its id
    result[:] = [i for i in result if not (i.get("type") == "relation" and i.get("labels") == ["claimer"])
                 and i.get("from_name") != "claimer_id"]
    for item in result:
        if item.get("id") == "000-E002" and item["from_name"] == "label":
            item["value"]["labels"] = ["LOC"]
    docs, skipped = parse_export(export, source="export.json")
    problems = plan_import(docs, before=gold, corpus=CORPUS, source="export.json", skipped=skipped).problems
    task = export[0]["id"]
    assert any("entity 000-E002: label LOC does not match the type GPE" in p and f"[Label Studio: task {task}, "
               "region 000-E002: a relabelled entity needs another entity_id too" in p for p in problems)
    claimless = [p for p in problems if "claimer must be string" in p]
    assert len(claimless) == 2 and all(f"[Label Studio: task {task}, region 000-C00" in p and "draw a claimer "
                                       "relation" in p and "AUTHOR or UNSPECIFIED" in p for p in claimless)
