"""``llm:`` runs that cannot give a score stop with one clear error; per-document failures stay error items."""

from __future__ import annotations

import json
import logging
import socket
import time

import openai
import pytest
from conftest import KEY
from llm_server import gold_documents

from rukp.errors import RukpError
from rukp.extractors.llm.cache import text_hash
from rukp.extractors.llm.client import (
    CONNECT_DELAY,
    CONNECT_TRIES,
    MAX_DELAY,
    ChatClient,
    ServerUnavailable,
    unreachable_reason,
)
from rukp.extractors.llm.extractor import STOP_AFTER_BAD_DOCUMENTS, LLMExtractor
from rukp.extractors.llm.settings import parse_spec

DOCS = gold_documents()
#: the client's HTTP library: httpx, or its fork httpx2 in recent openai releases
hx = getattr(openai._base_client, "httpx2", None) or openai._base_client.httpx
EVAL = ("-q", "--bootstrap", "0", "--no-claims")


@pytest.fixture
def closed_url() -> str:
    """The URL of a port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/v1"


def extractor(spec: str, slept: list[float] | None = None) -> LLMExtractor:
    return LLMExtractor(parse_spec(spec), name=f"llm:{spec}",
                        sleep=slept.append if slept is not None else time.sleep)


def test_an_unreachable_server_stops_the_cli_run_at_once_with_exit_2(rukp, llm_env, closed_url):
    t0 = time.monotonic()
    code, out, err = rukp("evaluate", "-e", "llm:test-model", "--llm-base-url", closed_url, *EVAL)
    assert code == 2 and out == ""
    assert (f"cannot reach the OpenAI-compatible server at {closed_url}: connection refused; is it running, "
            "and is that its address (OPENAI_BASE_URL or --llm-base-url)?") in err
    assert err.count("cannot reach") == 1 and time.monotonic() - t0 < 15


def test_an_unreachable_server_is_tried_twice_within_seconds_then_never_again(llm_env, closed_url, monkeypatch):
    monkeypatch.delenv("RUKP_LLM_BACKOFF")  # the default backoff: the connect retry is still short
    monkeypatch.setenv("OPENAI_BASE_URL", closed_url)
    slept: list[float] = []
    ex = extractor("test-model?concurrency=1", slept)
    with pytest.raises(ServerUnavailable, match="connection refused"):
        ex.extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    assert ex.describe()["requests"]["sent"] == CONNECT_TRIES and slept == [CONNECT_DELAY] * (CONNECT_TRIES - 1)
    with pytest.raises(ServerUnavailable, match="connection refused"):  # later documents: no new attempt
        ex.extract(DOCS[1]["text"], doc_id=DOCS[1]["id"])
    assert ex.describe()["requests"]["sent"] == CONNECT_TRIES


def test_a_server_that_goes_away_mid_run_stops_it_after_the_retries(llm_env):
    slept: list[float] = []
    ex = extractor("test-model?concurrency=1&retries=2", slept)
    ex.extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    llm_env.httpd.shutdown()
    llm_env.httpd.server_close()
    with pytest.raises(ServerUnavailable, match=f"cannot reach .* at {llm_env.url}: connection refused"):
        ex.extract(DOCS[1]["text"], doc_id=DOCS[1]["id"])
    assert len(slept) == 2  # a server that answered before gets the full retries (it may be restarting)


def test_the_reasons_a_connection_fails():
    def failed(cause: BaseException, wrapper: type[Exception] = hx.ConnectError) -> openai.APIConnectionError:
        error = openai.APIConnectionError(request=hx.Request("POST", "http://h/v1/chat/completions"))
        error.__cause__ = wrapper(str(cause))
        error.__cause__.__cause__ = cause
        return error

    assert unreachable_reason(failed(ConnectionRefusedError(111, "Connection refused"))) == "connection refused"
    dns = unreachable_reason(failed(socket.gaierror(-2, "Name or service not known")))
    assert dns == "unknown host (DNS lookup failed)"
    assert "connect timeout" in unreachable_reason(failed(TimeoutError("timed out"), hx.ConnectTimeout))
    # a connection dropped mid-answer is not "unreachable": an ordinary failure, retried
    assert unreachable_reason(failed(OSError("reset"), hx.RemoteProtocolError)) is None


def test_a_wrong_key_stops_the_cli_run_with_the_servers_message(rukp, llm_env):
    llm_env.always = "401"
    code, out, err = rukp("evaluate", "-e", "llm:test-model", *EVAL)
    assert code == 2 and "refused model 'test-model' (401)" in err and "Incorrect API key provided" in err
    assert len(llm_env.requests) <= 2 and KEY not in out + err  # the first document's requests only


def test_a_server_failing_every_request_stops_after_the_first_document(rukp, llm_env):
    llm_env.always = "500"
    code, out, err = rukp("evaluate", "-e", "llm:test-model?retries=1", *EVAL)
    assert code == 2 and "none of the 1 document(s) so far got a usable answer" in err
    assert "answered 500 after 2 attempt(s)" in err and "0.000" not in out
    assert len(llm_env.requests) == 2 * 2  # entities and claims of the first document, each tried twice


def test_answers_that_are_never_json_stop_the_run_after_a_few_documents(llm_env):
    llm_env.bad_json.add("")  # every chunk
    ex, outs = extractor("test-model"), []
    with pytest.raises(RukpError, match=rf"none of the {STOP_AFTER_BAD_DOCUMENTS} document\(s\).*not JSON"):
        for d in DOCS:
            outs.append(ex.extract(d["text"], doc_id=d["id"]))
    assert len(outs) == STOP_AFTER_BAD_DOCUMENTS - 1 and len(llm_env.requests) == 2 * STOP_AFTER_BAD_DOCUMENTS
    with pytest.raises(RukpError, match="none of the"):
        ex.extract(DOCS[-1]["text"])
    assert len(llm_env.requests) == 2 * STOP_AFTER_BAD_DOCUMENTS


def test_extract_many_fails_when_every_document_fails(llm_env):
    llm_env.bad_json.add("")
    with pytest.raises(RukpError, match=r"none of the 2 document\(s\)"):
        extractor("test-model").extract_many([d["text"] for d in DOCS[:2]], [d["id"] for d in DOCS[:2]])


def test_bad_answers_on_some_documents_leave_the_run_going(llm_env):
    llm_env.bad_json.update({DOCS[0]["text"][:40], DOCS[1]["text"][:40]})
    ex = extractor("test-model")
    outs = [ex.extract(d["text"], doc_id=d["id"]) for d in DOCS]
    assert [len(o["errors"]) for o in outs] == [2, 2, 0, 0, 0] and outs[2]["entities"]
    assert ex.describe()["errors"]["count"] == 4


def test_retry_waits_are_bounded():
    client = ChatClient("http://127.0.0.1:1/v1", "m", backoff=10.0)
    assert client._delay(0, None) == 10.0 and client._delay(6, None) == MAX_DELAY
    response = hx.Response(429, headers={"retry-after": "3600"}, request=hx.Request("POST", "http://h"))
    assert client._delay(0, openai.RateLimitError("slow", response=response, body=None)) == MAX_DELAY


def test_documents_are_named_by_id_when_given_else_by_text_hash(llm_env, tmp_path, caplog):
    llm_env.bad_json.add(DOCS[1]["text"][:40])
    raw = tmp_path / "raw.jsonl"
    ex = extractor(f"test-model?tasks=entities&raw={raw}")
    with caplog.at_level(logging.WARNING, logger="rukp.llm"):
        ex.extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
        ex.extract(DOCS[1]["text"], doc_id=DOCS[1]["id"])
        ex.extract(DOCS[1]["text"])
    assert f"doc {DOCS[1]['id']}, chunk 1, entities" in caplog.text
    assert f"document {text_hash(DOCS[1]['text'])[:12]}, chunk 1" in caplog.text
    rows = [json.loads(line) for line in raw.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in rows] == [DOCS[0]["id"], DOCS[1]["id"], None]
    assert [e["doc_id"] for e in ex.errors] == [DOCS[1]["id"], None]
