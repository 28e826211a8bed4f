"""Export → Label Studio → import gives back exactly the annotations; edits come back as exactly their diff."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from label_studio_sdk.label_interface import LabelInterface
from synthetic_gold import annotation_sets, as_export, small_gold

from rukp.annotations.store import AnnotationSet, annotation_files, load_annotations, save_annotations
from rukp.annotations.validate import validate
from rukp.corpus.build import load_corpus
from rukp.io.labelstudio import config as cfg
from rukp.io.labelstudio.results import choose_annotation, parse_export, read_export
from rukp.labelstudio.importer import plan_import
from rukp.labelstudio.tasks import build_tasks, gold_rows

CORPUS = load_corpus()
DOC_IDS = [d["id"] for d in CORPUS]
PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INTERFACE = LabelInterface(cfg.label_config())


def _export(ann: AnnotationSet) -> list[dict]:
    """The JSON export Label Studio gives for the gold pushed as annotations (through a JSON file's text)."""
    tasks = build_tasks(CORPUS, gold_rows(ann, DOC_IDS), target="annotations")
    return json.loads(json.dumps(as_export(tasks)))


def _plan(export: list[dict], before: AnnotationSet, *, single_pass: bool = False):
    docs, skipped = parse_export(export, source="export.json")
    return plan_import(docs, before=before, corpus=CORPUS, source="export.json", skipped=skipped,
                       single_pass=single_pass)


def _files(ann: AnnotationSet) -> dict[Path, str]:
    return annotation_files(ann, Path("annotations"))


@PROPERTY
@given(annotation_sets(CORPUS))
def test_generated_annotation_sets_are_valid(ann):
    assert validate(CORPUS, ann) == []


@PROPERTY
@given(annotation_sets(CORPUS))
def test_export_then_import_gives_back_exactly_the_annotations(ann):
    export = _export(ann)
    for task in export:
        for annotation in task["annotations"]:
            assert INTERFACE.validate_prediction({"result": annotation["result"]})
    plan = _plan(export, ann)
    assert plan.problems == []
    assert [c.render() for d in plan.diffs for c in d.changes] == []
    assert plan.notes == [] and not plan.changed
    assert _files(plan.after) == _files(ann)


def _content(ann: AnnotationSet) -> tuple:
    """Everything but ids, kb descriptions and cluster propositions (relations by their claims' spans).

    Relations between documents are left out: a task holds one document, so they stay in annotations/.
    """
    spans = {c["id"]: (c["doc_id"], c["start"], c["end"]) for c in ann.claims}
    ents = sorted(tuple(v for k, v in e.items() if k != "id") for e in ann.entities)
    claims = sorted(json.dumps({k: v for k, v in c.items() if k != "id"}, sort_keys=True) for c in ann.claims)
    rels = sorted((r["type"], spans[r["source"]], spans[r["target"]]) for r in ann.relations
                  if spans[r["source"]][0] == spans[r["target"]][0])
    kb = sorted((k["entity_id"], k["type"], tuple(sorted(k["aliases"]))) for k in ann.kb)
    return ents, claims, rels, kb, sorted(c["cluster"] for c in ann.clusters)


@PROPERTY
@given(annotation_sets(CORPUS))
def test_importing_into_empty_annotations_loses_no_field(ann):
    plan = _plan(_export(ann), AnnotationSet(), single_pass=True)  # one pass per new document, accepted
    assert plan.problems == []
    assert _content(plan.after) == _content(ann)
    for doc_id in DOC_IDS:  # new ids are allocated in text order
        rows = plan.after.for_doc("entities", doc_id)
        assert [r["id"] for r in rows] == [f"{doc_id}-E{n:03d}" for n in range(1, len(rows) + 1)]


def test_round_trip_on_the_repository_gold():
    gold = load_annotations()
    if not (gold.entities or gold.claims):
        pytest.skip("annotations/ has no gold yet: the property tests above cover generated annotations")
    plan = _plan(_export(gold), gold)
    assert [c.render() for d in plan.diffs for c in d.changes] == []
    assert _files(plan.after) == _files(gold)
    assert plan.problems == validate(CORPUS, gold)  # the import adds no problem of its own


def _write_export(path: Path, export: list[dict]) -> Path:
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return path


def test_cli_round_trip_through_files(tmp_path, rukp):
    directory = tmp_path / "annotations"
    save_annotations(small_gold(CORPUS), directory)
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    tasks_file = tmp_path / "tasks.json"
    code, out, _ = rukp("labelstudio", "export", "--annotations", directory, "--out", tasks_file)
    assert code == 0 and f"wrote {len(CORPUS)} task(s)" in out and "(1 pre-filled)" in out
    export = _write_export(tmp_path / "export.json", as_export(json.loads(tasks_file.read_text())))
    code, out, err = rukp("labelstudio", "import", export, "--annotations", directory)
    assert (code, err) == (0, "")
    assert "doc 000 [task 1, annotation 100 (latest completed)]: 0 added, 0 removed, 0 changed" in out
    assert out.strip().endswith("no changes")
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before


def _edit(export: list[dict], doc_id: str = "000") -> list[dict]:
    return next(t for t in export if t["data"]["doc_id"] == doc_id)["annotations"][0]["result"]


def test_edits_come_back_as_exactly_their_diff():
    gold = small_gold(CORPUS)
    export = _export(gold)
    result = _edit(export)
    text = CORPUS[0]["text"]
    # remove claim 000-C002 (and with it its relation, and the cluster no other claim uses)
    result[:] = [i for i in result if i.get("id") != "000-C002" and i.get("from_id") != "000-C002"]
    # change the kb id of Kazan to a new one, and add an entity with a region id made by Label Studio
    for item in result:
        if item.get("id") == "000-E002" and item["from_name"] == "entity_id":
            item["value"]["text"] = ["kazan-city"]
    start = text.index("Moscou")
    result.append({"id": "Xy12abCD", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": start, "end": start + 6, "text": "Moscou", "labels": ["GPE"]}})
    result.append({"id": "Xy12abCD", "from_name": "entity_id", "to_name": "text", "type": "textarea",
                   "value": {"start": start, "end": start + 6, "text": ["moscow"]}})
    plan = _plan(export, gold)
    assert plan.problems == []
    [diff] = plan.diffs
    assert [c.render() for c in diff.changes] == [
        "~ entity 000-E002: entity_id 'kazan' → 'kazan-city'",
        f"+ entity 000-E007 {start}-{start + 6} 'Moscou' GPE entity_id=moscow",
        "- claim 000-C002 453-523 'arrive à Moscou en visite officielle pour des disc…' claimer=zakharova "
        "affirmed/future/diplomatic_visit cluster=choe-visit",
        "- relation R001 supports 000-C002 → 000-C001",
    ]
    assert plan.notes == [
        "kb: added 'kazan-city' (GPE, name 'Kazan', from 000-E002); fill in its wikidata and description",
        "kb: added 'moscow' (GPE, name 'Moscou', from 000-E007); fill in its wikidata and description",
        "kb: removed 'kazan' (no mention left)",
        "clusters: removed 'choe-visit' (no claim left)",
    ]
    assert plan.after.relations == []


def test_new_claims_and_relations_get_the_next_free_ids_in_text_order():
    gold = small_gold(CORPUS)
    export = _export(gold)
    result = _edit(export)
    text = CORPUS[0]["text"]
    spans = ["Au programme", "la diplomatie russe a annoncé"]
    for n, surface in enumerate(reversed(spans)):
        s = text.index(surface)
        rid = f"new{n}"
        result.append({"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                       "value": {"start": s, "end": s + len(surface), "text": surface, "labels": ["CLAIM"]}})
        for name, value in (("polarity", "affirmed"), ("certainty", "certain"), ("topic", "other")):
            result.append({"id": rid, "from_name": name, "to_name": "text", "type": "choices",
                           "value": {"start": s, "end": s + len(surface), "choices": [value]}})
        for name, value in (("claimer_id", "AUTHOR"), ("cluster", f"new-cluster-{n}")):
            result.append({"id": rid, "from_name": name, "to_name": "text", "type": "textarea",
                           "value": {"start": s, "end": s + len(surface), "text": [value]}})
    result.append({"from_id": "000-C001", "to_id": "new0", "type": "relation", "direction": "left",
                   "labels": ["contradicts"]})
    plan = _plan(export, gold)
    assert plan.problems == []
    added = {c.new["id"]: c.new for d in plan.diffs for c in d.changes if c.op == "+"}
    assert added["000-C003"]["text"] == "Au programme" and added["000-C004"]["text"] == spans[1]
    assert added["R002"] == {"id": "R002", "type": "contradicts", "source": "000-C004", "target": "000-C001"}
    assert [c["cluster"] for c in plan.after.clusters] == ["choe-visit", "new-cluster-0", "new-cluster-1",
                                                          "troops-in-russia"]


def test_relations_to_other_documents_survive_while_their_claim_does():
    gold = small_gold(CORPUS)
    doc = next(d for d in CORPUS if d["id"] == "001")
    start = doc["text"].index("Choe")
    claim = {**gold.claims[1], "doc_id": "001", "id": "001-C001", "start": start, "end": start + 4,
             "text": "Choe", "claimer": "AUTHOR"}
    gold.claims.append(claim)
    gold.relations.append({"id": "R002", "type": "supports", "source": "001-C001", "target": "000-C001"})
    gold.manifest["documents"]["001"] = {"text_sha256": doc["text_sha256"]}
    assert validate(CORPUS, gold) == []
    plan = _plan(_export(gold), gold)
    assert not plan.changed
    export = _export(gold)
    result = _edit(export)
    result[:] = [i for i in result if i.get("id") != "000-C001" and i.get("to_id") != "000-C001"
                 and i.get("from_id") != "000-C001"]
    plan = _plan(export, gold)
    removed = [c.id for d in plan.diffs for c in d.changes if c.op == "-"]
    assert removed == ["000-C001", "R001", "R002"]


def _annotation(aid: int, *, updated: str, ground_truth: bool = False, cancelled: bool = False) -> dict:
    return {"id": aid, "updated_at": updated, "created_at": updated, "ground_truth": ground_truth,
            "was_cancelled": cancelled, "result": []}


def test_the_ground_truth_wins_else_the_latest_completed():
    older = _annotation(1, updated="2026-01-01T00:00:00Z", ground_truth=True)
    newer = _annotation(2, updated="2026-02-01T00:00:00Z")
    cancelled = _annotation(3, updated="2026-03-01T00:00:00Z", cancelled=True)
    assert choose_annotation([older, newer, cancelled]) == (older, "annotation 1 of 3 (ground truth)")
    older["ground_truth"] = False
    assert choose_annotation([older, newer, cancelled]) == (newer, "annotation 2 of 3 (latest completed)")
    assert choose_annotation([cancelled]) == (None, "no completed annotation")


def test_tasks_without_a_completed_annotation_are_left_unchanged_and_said_so():
    gold = small_gold(CORPUS)
    export = _export(gold)
    export[0]["annotations"][0]["was_cancelled"] = True
    plan = _plan(export, gold)
    assert plan.diffs == [] and not plan.changed
    assert "task 1 (doc 000): no completed annotation; left unchanged" in plan.skipped


def test_predictions_become_pre_annotations_and_import_as_new_rows(tmp_path, rukp):
    text = CORPUS[0]["text"]
    s = text.index("Vladimir Poutine")
    c = text.index("un total de 10.000")
    predictions = tmp_path / "baseline.jsonl"
    predictions.write_text(json.dumps({"doc_id": "000", "entities": [
        {"start": s, "end": s + 16, "label": "PER", "entity_id": "putin"}], "claims": [
        {"start": c, "end": c + 18, "claimer": "AUTHOR", "polarity": "affirmed", "certainty": "certain",
         "topic": "troop_deployment", "cluster": "k"}]}) + "\n", encoding="utf-8")
    tasks_file = tmp_path / "tasks.json"
    code, out, err = rukp("labelstudio", "export", "--predictions", predictions, "--out", tasks_file)
    assert (code, err) == (0, "")
    tasks = json.loads(tasks_file.read_text())
    [task] = [t for t in tasks if "predictions" in t]
    assert task["predictions"][0]["model_version"] == "baseline"
    assert INTERFACE.validate_prediction(task["predictions"][0])
    # an annotator accepts the pre-annotation as it is
    accepted = [{**t, "annotations": copy.deepcopy(t.get("predictions", []))} for t in tasks]
    export = _write_export(tmp_path / "export.json", as_export(accepted))
    [doc] = read_export(export)
    assert doc["doc_id"] == "000" and [e["id"] for e in doc["entities"]] == ["pred-000-E001"]
    plan = _plan(json.loads(export.read_text()), AnnotationSet(), single_pass=True)
    assert plan.problems == []
    assert [r["id"] for r in plan.after.entities] == ["000-E001"]
    assert plan.after.claims[0]["id"] == "000-C001" and plan.after.claims[0]["cluster"] == "k"
    # pulling the same annotation again (its regions still have the pred- ids) changes nothing
    again = _plan(json.loads(export.read_text()), plan.after)
    assert [c.render() for d in again.diffs for c in d.changes] == [] and not again.changed


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path, rukp):
    directory = tmp_path / "annotations"
    gold = small_gold(CORPUS)
    save_annotations(gold, directory)
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    export = _export(gold)
    for item in _edit(export):
        if item.get("id") == "000-E004" and item["from_name"] == "label":
            item["value"]["labels"] = ["ORDINAL"]
    path = _write_export(tmp_path / "export.json", export)
    code, out, err = rukp("labelstudio", "import", path, "--annotations", directory, "--dry-run")
    assert (code, err) == (0, "")
    assert "~ entity 000-E004: label 'CARDINAL' → 'ORDINAL'" in out and "dry run: valid; nothing written" in out
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before
    code, out, _ = rukp("labelstudio", "import", path, "--annotations", directory)
    assert code == 0 and out.strip().endswith("annotations written")
    assert next(e for e in load_annotations(directory).entities if e["id"] == "000-E004")["label"] == "ORDINAL"


def test_an_extractor_pre_annotates_the_chosen_documents(tmp_path, rukp):
    out = tmp_path / "tasks.json"
    code, stdout, err = rukp("labelstudio", "export", "--extractor", "synthetic_gold:russia_extractor", "--doc", "001",
                             "--doc", "000", "--out", out)
    assert (code, err) == (0, ""), err
    tasks = json.loads(out.read_text())
    assert [t["data"]["doc_id"] for t in tasks] == ["000", "001"]
    for task in tasks:
        [prediction] = task["predictions"]
        assert prediction["model_version"] == "synthetic_gold:russia_extractor"
        [label] = [i for i in prediction["result"] if i["from_name"] == "label"]
        assert label["value"]["text"] == "Russie" and label["value"]["labels"] == ["GPE"]
        assert label["id"] == f"pred-{task['data']['doc_id']}-E001"


def test_a_region_drawn_again_on_a_rows_span_keeps_the_rows_id():
    gold = small_gold(CORPUS)
    export = _export(gold)
    for item in _edit(export):
        if item.get("id") == "000-E004":  # deleted and drawn again in Label Studio: a new region id
            item["id"] = "r3Dr4wn"
            item["value"]["labels"] = ["ORDINAL"]
    plan = _plan(export, gold)
    assert [c.render() for d in plan.diffs for c in d.changes] == ["~ entity 000-E004: label 'CARDINAL' → 'ORDINAL'"]
