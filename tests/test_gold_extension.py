"""The documented extension workflow keeps every gold check green (docs/labelstudio.md, on a temporary copy).

A gold extended as a user would do it — a new entity, a changed label and a new claim, through a Label Studio JSON
export built from ``rukp labelstudio export`` and brought back with ``rukp labelstudio import`` — then the rebuild
steps (``annotations rebuild``, ``agreement``, ``dataset build``, ``docs build``) must pass the same checks as the
shipped gold: :data:`gold_checks.ALL_CHECKS`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gold_checks
import pytest

from rukp.io.jsonl import read_jsonl

DOC = "001"


def as_export(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What Label Studio's *Export → JSON* gives for the imported tasks once each annotation is submitted."""
    return [{"id": n, "data": task["data"], "drafts": [], "predictions": [], "meta": {},
             "annotations": [{**a, "id": 100 * n + i, "completed_by": 1, "was_cancelled": False,
                              "ground_truth": False, "created_at": "2026-01-01T00:00:00Z",
                              "updated_at": "2026-01-01T00:00:00Z", "task": n}
                             for i, a in enumerate(task.get("annotations", []))]}
            for n, task in enumerate(tasks, start=1)]


def region(rid: str, name: str, kind: str, start: int, end: int, **value: Any) -> dict[str, Any]:
    return {"id": rid, "from_name": name, "to_name": "text", "type": kind, "value": {"start": start, "end": end,
                                                                                    **value}}


def extend(result: list[dict[str, Any]], text: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    """Edit one task's regions as an annotator would; returns what was done, for the assertions."""
    changed = next(e for e in entities if e["label"] == "CARDINAL")  # a changed label
    for item in result:
        if item.get("id") == changed["id"] and item["from_name"] == "label":
            item["value"]["labels"] = ["QUANTITY"]
    s = text.index("parlement")  # a new entity with a new canonical id
    result += [region("ls-ent-1", "label", "labels", s, s + 9, text="parlement", labels=["ORG"]),
               region("ls-ent-1", "entity_id", "textarea", s, s + 9, text=["south_korea_parliament"])]
    claim = "le but exact du voyage reste flou"  # a new claim in the article's own voice
    c = text.index(claim)
    span = {"start": c, "end": c + len(claim)}
    result += [region("ls-claim-1", "label", "labels", **span, text=claim, labels=["CLAIM"])]
    result += [region("ls-claim-1", name, "choices", **span, choices=[value]) for name, value in
               (("polarity", "affirmed"), ("certainty", "certain"), ("topic", "diplomatic_visit"))]
    result += [region("ls-claim-1", name, "textarea", **span, text=[value]) for name, value in
               (("claimer_id", "AUTHOR"), ("cluster", "choe-visit-purpose"))]
    return {"changed": changed["id"], "entity": (s, s + 9), "claim": (c, c + len(claim))}


@pytest.mark.slow
def test_an_extended_gold_passes_every_gold_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rukp) -> None:
    root = gold_checks.copy_checkout(tmp_path / "repo")
    monkeypatch.setenv("RUKP_ROOT", str(root))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tasks_file, export_file = tmp_path / "tasks.json", tmp_path / "export.json"
    code, out, err = rukp("labelstudio", "export", "--root", root, "--out", tasks_file)
    assert code == 0, err
    export = as_export(json.loads(tasks_file.read_text(encoding="utf-8")))
    task = next(t for t in export if t["data"]["doc_id"] == DOC)
    before = read_jsonl(root / "annotations" / "entities.jsonl")
    done = extend(task["annotations"][0]["result"], task["data"]["text"],
                  [e for e in before if e["doc_id"] == DOC])
    export_file.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")

    code, out, err = rukp("labelstudio", "import", export_file, "--root", root)
    assert code == 0, out + err
    assert f"doc {DOC} " in out and ": 2 added, 0 removed, 1 changed" in out, out
    assert "kb: added 'south_korea_parliament'" in out
    with pytest.raises(AssertionError, match="rukp dataset build"):  # the checks see a step not yet run
        gold_checks.check_views_fresh(root)
    for step in (("annotations", "rebuild", "--write"), ("agreement",), ("dataset", "build"), ("docs", "build")):
        code, out, err = rukp(*step, "--root", root)
        assert code == 0, (step, out, err)
        assert out.strip(), step  # every step says what it did

    after = read_jsonl(root / "annotations" / "entities.jsonl")
    assert len(after) == len(before) + 1
    assert next(e for e in after if e["id"] == done["changed"])["label"] == "QUANTITY"
    assert any((e["doc_id"], e["start"], e["end"]) == (DOC, *done["entity"]) for e in after)
    claims = read_jsonl(root / "benchmark" / "rukp" / "data" / "claims.jsonl")
    assert any((c["doc_id"], c["start"], c["end"]) == (DOC, *done["claim"]) for c in claims)
    assert len(list((root / "annotations" / "imports").glob("*.json"))) >= 1
    for check in gold_checks.ALL_CHECKS:
        check(root)
