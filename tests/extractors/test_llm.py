"""The ``llm:<model>`` extractor against a real chat-completions server on 127.0.0.1 (no internet)."""

from __future__ import annotations

import json
import logging

import pytest
from conftest import KEY
from llm_server import gold_documents

from rukp.errors import RukpError
from rukp.extractors.llm.extractor import LLMExtractor
from rukp.schema import ENTITY_LABELS, TOPICS

DOCS = gold_documents()


def strings(doc: dict, key: str) -> list:
    items = sorted(doc[key], key=lambda x: x["start"])
    return [(x["text"], x["label"]) for x in items] if key == "entities" else [x["text"] for x in items]


def got(out: dict, key: str) -> list:
    return [(x["text"], x["label"]) for x in out[key]] if key == "entities" else [x["text"] for x in out[key]]


def run(spec: str = "test-model", docs: list = DOCS) -> tuple[LLMExtractor, list[dict]]:
    ex = LLMExtractor.from_spec(spec)
    return ex, [ex.extract(d["text"], doc_id=d["id"]) for d in docs]


def test_answers_are_the_gold_strings_and_every_request_is_valid(llm_env):
    ex, outs = run()
    for doc, out in zip(DOCS, outs, strict=True):
        assert got(out, "entities") == strings(doc, "entities")
        assert got(out, "claims") == strings(doc, "claims")
        assert out["errors"] == []
    assert llm_env.problems == []
    assert len(llm_env.requests) == 2 * len(DOCS)  # one entities and one claims prompt per (one-chunk) document
    first = llm_env.requests[0]
    assert first["response_format"]["type"] == "json_schema"
    schema = first["response_format"]["json_schema"]["schema"]
    item = schema["properties"][next(iter(schema["properties"]))]["items"]["properties"]
    assert item.get("label", {}).get("enum") == list(ENTITY_LABELS) or item["topic"]["enum"] == list(TOPICS)
    assert all(h.get("authorization") == f"Bearer {KEY}" for h in llm_env.headers)
    meta = ex.describe()
    assert meta["model"] == "test-model" and meta["server"] == llm_env.url
    assert [t["name"] for t in meta["templates"]] == ["entities.v1.fr", "claims.v1.fr"]
    assert meta["parameters"]["temperature"] == 0 and meta["parameters"]["seed"] == 0
    assert meta["requests"] == {"cached": 0, "sent": 2 * len(DOCS), "retried": 0}


def test_a_second_run_is_served_from_the_cache_and_refresh_resends(llm_env, tmp_path):
    _, first = run()
    n = len(llm_env.requests)
    ex, second = run()
    assert len(llm_env.requests) == n  # zero requests
    assert second == first and ex.describe()["requests"]["cached"] == n
    files = list((tmp_path / "cache").rglob("*.json"))
    assert len(files) == n
    run("test-model?cache=refresh")
    assert len(llm_env.requests) == 2 * n


def test_no_cache_neither_reads_nor_writes(llm_env, tmp_path):
    run("test-model?cache=off", DOCS[:1])
    run("test-model?cache=off", DOCS[:1])
    assert len(llm_env.requests) == 4
    assert not (tmp_path / "cache").exists()


def test_the_cache_key_changes_with_template_decoding_and_model(llm_env):
    run("test-model", DOCS[:1])
    run("test-model?lang=en", DOCS[:1])       # another template
    run("test-model?seed=1", DOCS[:1])        # other decoding
    assert len(llm_env.requests) == 6
    with pytest.raises(RukpError, match="does not exist"):
        run("other-model", DOCS[:1])          # another model is not served from test-model's answers


def test_429_500_and_timeouts_are_retried(llm_env):
    llm_env.actions.extend(["429", "500", "timeout"])
    ex, outs = run("test-model?timeout=0.3&concurrency=1", DOCS[:1])
    assert got(outs[0], "entities") == strings(DOCS[0], "entities") and outs[0]["errors"] == []
    assert ex.describe()["requests"]["retried"] == 3
    assert len(llm_env.requests) == 2 + 3


def test_a_request_failing_for_good_is_an_error_item_and_the_run_goes_on(llm_env, caplog):
    ex = LLMExtractor.from_spec("test-model?retries=2&concurrency=1&tasks=entities")
    first = ex.extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    llm_env.actions.extend(["500"] * 3)
    with caplog.at_level(logging.WARNING, logger="rukp.llm"):
        outs = [ex.extract(d["text"], doc_id=d["id"]) for d in DOCS[1:3]]
    assert got(first, "entities") == strings(DOCS[0], "entities") and "claims" not in first
    assert outs[0]["entities"] == [] and [e["kind"] for e in outs[0]["errors"]] == ["request_failed"]
    assert "answered 500 after 3 attempt(s)" in outs[0]["errors"][0]["message"]
    assert "overloaded" in outs[0]["errors"][0]["message"]
    assert got(outs[1], "entities") == strings(DOCS[2], "entities")
    assert f"doc {DOCS[1]['id']}, chunk 1" in caplog.text and ex.describe()["errors"]["count"] == 1


def test_an_answer_that_is_not_json_is_an_error_item_and_the_run_goes_on(llm_env, caplog):
    llm_env.bad_json.add(DOCS[1]["text"][:40])
    with caplog.at_level(logging.WARNING, logger="rukp.llm"):
        ex, outs = run()
    bad = outs[1]
    assert bad["entities"] == [] and bad["claims"] == []
    assert {e["kind"] for e in bad["errors"]} == {"bad_answer"} and len(bad["errors"]) == 2
    assert "not JSON" in bad["errors"][0]["message"] and bad["errors"][0]["doc_id"] == DOCS[1]["id"]
    for doc, out in zip(DOCS[2:], outs[2:], strict=True):
        assert got(out, "entities") == strings(doc, "entities")
    assert ex.describe()["errors"]["documents"] == 1 and f"doc {DOCS[1]['id']}" in caplog.text


def test_wrong_model_stops_the_run_with_the_servers_message(llm_env):
    with pytest.raises(RukpError, match=r"refused model 'nope' \(404\).*does not exist"):
        run("nope", DOCS[:1])


def test_structured_output_falls_back_when_the_server_refuses_it(llm_env):
    llm_env.reject.update({"json_schema", "json_object"})
    ex, outs = run("test-model?concurrency=1", DOCS[:2])
    assert got(outs[1], "claims") == strings(DOCS[1], "claims")
    assert ex.describe()["output_mode"] == "none"
    kinds = [(r.get("response_format") or {}).get("type") for r in llm_env.requests]
    assert kinds[:3] == ["json_schema", "json_object", None] and set(kinds[3:]) == {None}  # kept once found


def test_the_key_is_never_written_or_shown(llm_env, tmp_path, capsys, caplog):
    llm_env.actions.append("500-echo")
    raw = tmp_path / "out" / "raw.jsonl"
    ex, _ = run(f"test-model?retries=0&concurrency=1&raw={raw}", DOCS[:2])
    assert any("***" in e["message"] for e in ex.errors)  # the echoed key was masked
    shown = capsys.readouterr()
    texts = [shown.out, shown.err, caplog.text, json.dumps(ex.describe())]
    texts += [p.read_text(encoding="utf-8") for p in tmp_path.rglob("*") if p.is_file()]
    assert len(texts) > 5 and not any(KEY in t for t in texts)


def test_raw_export_records_every_request_and_replays_without_a_server(llm_env, tmp_path, monkeypatch):
    raw = tmp_path / "raw.jsonl"
    _, outs = run(f"test-model?raw={raw}", DOCS[:2])
    rows = [json.loads(line) for line in raw.read_text(encoding="utf-8").splitlines()]
    assert [(r["doc_id"], r["task"]) for r in rows] == [(d["id"], t) for d in DOCS[:2] for t in ("entities", "claims")]
    assert rows[0]["text_sha256"] == DOCS[0]["text_sha256"] and rows[0]["template"] == "entities.v1.fr"
    assert json.loads(rows[0]["response"]["content"])["entities"][0]["text"] == DOCS[0]["entities"][0]["text"]
    n = len(llm_env.requests)
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.setenv("RUKP_CACHE_DIR", str(tmp_path / "empty-cache"))
    _, again = run(f"test-model?replay={raw}", DOCS[:2])
    assert again == outs and len(llm_env.requests) == n


def test_no_server_and_nothing_cached_is_one_clear_error(llm_env, monkeypatch):
    run("test-model", DOCS[:1])
    monkeypatch.delenv("OPENAI_BASE_URL")
    run("test-model", DOCS[:1])  # cached: no server needed
    with pytest.raises(RukpError, match="no server configured.*OPENAI_BASE_URL or pass --llm-base-url"):
        run("test-model", DOCS[1:2])


def test_long_documents_are_chunked_on_sentences_and_overlaps_merged(llm_env, tmp_path):
    raw = tmp_path / "raw.jsonl"
    small = "test-model?context=1700&max_tokens=300&tasks=entities"
    _, outs = run(f"{small}&raw={raw}", DOCS)
    rows = [json.loads(line) for line in raw.read_text(encoding="utf-8").splitlines()]
    long_docs = {d["id"] for d in DOCS if len(d["text"]) >= 2000}  # far beyond this context: always cut
    assert long_docs and long_docs <= {r["doc_id"] for r in rows if r["chunks"] > 1}
    for doc, out in zip(DOCS, outs, strict=True):
        text = doc["text"]
        cuts = [r["end"] for r in rows if r["doc_id"] == doc["id"]][:-1]
        crossing = [e for e in doc["entities"] if any(e["start"] < c < e["end"] for c in cuts)]
        assert crossing == []  # chunks end on sentence boundaries, so no gold entity is cut
        assert got(out, "entities") == strings(doc, "entities"), text[:40]
    raw2 = tmp_path / "raw2.jsonl"
    _, merged = run(f"{small}&overlap=2&raw={raw2}", DOCS)
    chunks = [json.loads(line) for line in raw2.read_text(encoding="utf-8").splitlines()]
    assert any(b["start"] < a["end"] for a, b in zip(chunks, chunks[1:], strict=False) if a["doc_id"] == b["doc_id"])
    assert merged == outs  # items seen twice in the repeated sentences are kept once


def test_a_user_template_for_both_tasks_sends_one_request_per_chunk(llm_env, tmp_path):
    tpl = tmp_path / "mine.txt"
    tpl.write_text('Réponds en JSON {"entities": [...], "claims": [...]}.\n=== user ===\nTexte à annoter :\n\n'
                   "{{text}}", encoding="utf-8")
    ex, outs = run(f"test-model?template={tpl}", DOCS[:1])
    assert len(llm_env.requests) == 1 and got(outs[0], "claims") == strings(DOCS[0], "claims")
    assert ex.describe()["templates"][0]["name"] == "mine.txt"
    assert set(llm_env.requests[0]["response_format"]["json_schema"]["schema"]["properties"]) == {"entities",
                                                                                                   "claims"}
