"""The ``llm:`` extractor's description and per-document error items reach the evaluation report (issue 14)."""

from __future__ import annotations

from llm_server import gold_documents

import rukp
from rukp.reports.tables import summary_lines

DOCS = gold_documents()


def test_the_report_records_the_llm_and_counts_its_error_items(llm_env):
    llm_env.bad_json.add(DOCS[1]["text"][:40])
    report = rukp.evaluate("llm:test-model", bootstrap=0)
    meta = report.metadata
    assert meta["extractor"]["extractor"] == "llm" and meta["extractor"]["model"] == "test-model"
    assert meta["extractor"]["errors"]["count"] == 2
    errors = meta["extractor_errors"]
    assert errors["count"] == 2 and errors["documents"] == 1
    assert {e["doc"] for e in errors["first"]} == {DOCS[1]["id"]} and errors["first"][0]["kind"] == "bad_answer"
    # the "errors" key is not a task
    assert report.scope == {"entities": "scored", "claims": "scored", "sentences": "scored"}
    assert any(line.startswith("extractor errors: 2 in 1 document(s)") for line in summary_lines(report))
    assert report.metadata["predictions"]["documents_with_predictions"] == len(DOCS)
