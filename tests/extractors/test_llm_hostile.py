"""Hostile servers and answers: every answer of any shape is a per-document error item or a usable answer,
every request ends within its deadline, and a bad option or URL is one clear error."""

from __future__ import annotations

import json
import time

import pytest
from llm_server import gold_answer, gold_documents

from rukp.errors import RukpError
from rukp.extractors.llm.cache import RawLog, ResponseCache, text_hash
from rukp.extractors.llm.client import MAX_RESPONSE_BYTES, ServerUnavailable
from rukp.extractors.llm.extractor import LLMExtractor
from rukp.extractors.llm.settings import MAX_TIMEOUT, parse_spec

DOCS = gold_documents()
DEEP = 100_000


def completion(content: object = "{}", **fields: object) -> dict:
    """A chat-completions answer object with ``content``; ``fields`` replace top-level keys."""
    answer = {"id": "x", "object": "chat.completion", "model": "test-model",
              "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
              "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
    return {**answer, **fields}


def body(obj: object) -> bytes:
    return json.dumps(obj).encode("utf-8")


def set_message(key: str, value: object):
    def shape(answer: dict) -> dict:
        answer["choices"][0]["message"][key] = value
        return answer
    return shape


def set_choice(value: object):
    def shape(answer: dict) -> dict:
        answer["choices"][0]["message"] = value
        return answer
    return shape


#: answers that are not chat completions: case → (server settings, what the error item says)
BAD: dict[str, tuple[dict, str]] = {
    "invalid UTF-8 in the body": ({"raw": b'{"choices": [{"message": {"content": "\xff\xfe{}"}}]}'},
                                  "not valid UTF-8 (byte 0xff at offset"),
    "an HTML page served as JSON": ({"raw": b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>"},
                                    "an HTML page, not a JSON chat completion (Content-Type 'application/json')"),
    "an event stream served as JSON": ({"raw": b'data: {"choices": []}\n\ndata: [DONE]\n\n'},
                                       "a server-sent event stream"),
    "content that is a list of numbers": ({"shape": set_message("content", [1, 2])}, "content is a JSON array"),
    "content that is an int": ({"shape": set_message("content", 42)}, "content is a JSON number"),
    "a message that is a string": ({"shape": set_choice("hello")}, "message is a JSON string, expected an object"),
    "no choices": ({"shape": lambda a: {**a, "choices": []}}, "has no choices"),
    "a JSON array body": ({"raw": b"[1, 2]"}, "the answer is a JSON array"),
    "an empty body": ({"raw": b""}, "the answer's body is empty (HTTP 200"),
    "an error object with status 200": ({"raw": body({"error": {"message": "model overloaded"}})},
                                        "the server answered an error: model overloaded"),
    "content nested 100k deep in the body": (
        {"raw": b'{"choices": [{"message": {"content": ' + b"[" * DEEP + b"]" * DEEP + b"}}]}"},
        "nests JSON too deeply"),
    "content text nested 100k deep": ({"shape": set_message("content", "[" * DEEP + "]" * DEEP)},
                                      "nests JSON too deeply"),
    "a 60 MB answer": ({"raw": body(completion("a" * 60_000_000))}, f"more than the {MAX_RESPONSE_BYTES:,}"),
    "a 60 MB answer without Content-Length": ({"raw": body(completion("a" * 60_000_000)), "no_length": True},
                                              f"larger than the {MAX_RESPONSE_BYTES:,} bytes"),
}


def extractor(spec: str = "test-model?tasks=entities") -> LLMExtractor:
    return LLMExtractor.from_spec(spec)


@pytest.mark.parametrize("case", list(BAD))
def test_an_unusable_answer_is_an_error_item_and_the_run_goes_on(llm_env, case):
    settings, message = BAD[case]
    for name, value in settings.items():
        setattr(llm_env, name, value)
    ex = extractor()
    t0 = time.monotonic()
    out = ex.extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    assert time.monotonic() - t0 < 20
    assert out["entities"] == [] and len(out["errors"]) == 1
    error = out["errors"][0]
    assert error["kind"] == "bad_answer" and error["doc_id"] == DOCS[0]["id"] and message in error["message"]
    assert len(error["message"]) < 400 and len(llm_env.requests) == 1  # not retried: the same answer again
    llm_env.raw, llm_env.shape, llm_env.no_length = None, None, False  # the next document is answered well
    good = ex.extract(DOCS[1]["text"], doc_id=DOCS[1]["id"])
    assert good["errors"] == [] and good["entities"]
    assert ex.describe()["errors"]["by_kind"] == {"bad_answer": 1}


@pytest.mark.parametrize("shape", [
    lambda a: {**a, "usage": "lots"},
    lambda a: {**a, "usage": None},
    lambda a: {k: v for k, v in a.items() if k != "usage"},
    lambda a: {**a, "choices": [{**a["choices"][0], "finish_reason": 7}]},
], ids=["usage a string", "usage null", "no usage", "finish_reason a number"])
def test_odd_usage_or_finish_reason_leave_the_answer_usable(llm_env, shape, tmp_path):
    """Usage and the finish reason are not the answer: the items are kept, the odd value recorded as null."""
    llm_env.shape = shape
    raw = tmp_path / "raw.jsonl"
    out = extractor(f"test-model?tasks=entities&raw={raw}").extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    assert out["errors"] == [] and len(out["entities"]) == len(DOCS[0]["entities"])
    response = json.loads(raw.read_text(encoding="utf-8"))["response"]
    assert response["usage"] in (None, {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20})
    assert response["finish_reason"] in (None, "stop")


def test_null_content_is_an_empty_answer(llm_env):
    llm_env.shape = set_message("content", None)
    out = extractor().extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    assert [(e["kind"], e["message"]) for e in out["errors"]] == [("bad_answer", "the answer is empty")]


def test_content_given_as_text_parts_is_joined(llm_env):
    want = json.dumps(gold_answer(DOCS, DOCS[0]["text"], "entities"), ensure_ascii=False)
    llm_env.shape = set_message("content", [{"type": "text", "text": want[:10]}, {"type": "text", "text": want[10:]}])
    out = extractor().extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    assert out["errors"] == [] and [e["text"] for e in out["entities"]] == [
        e["text"] for e in sorted(DOCS[0]["entities"], key=lambda e: e["start"])]


def test_a_lone_surrogate_in_the_content_is_replaced_said_and_stored_repaired(llm_env, tmp_path):
    want = gold_answer(DOCS, DOCS[0]["text"], "entities")
    content = json.dumps(want, ensure_ascii=False).replace('"entities":', '"note": "\ud800", "entities":', 1)
    llm_env.raw = body(completion(content))  # json.dumps writes the surrogate as the escape \ud800
    raw = tmp_path / "raw.jsonl"
    out = extractor(f"test-model?tasks=entities&raw={raw}").extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    assert len(out["entities"]) == len(want["entities"]) > 0
    assert [e["kind"] for e in out["errors"]] == ["invalid_items"] and "U+FFFD" in out["errors"][0]["message"]
    response = json.loads(raw.read_text(encoding="utf-8"))["response"]  # stored repaired, with the note
    assert "\ufffd" in response["content"] and response["notes"] == [out["errors"][0]["message"]]
    again = extractor().extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])  # from the cache: the same result
    assert again == out and len(llm_env.requests) == 1


def test_the_cache_and_raw_writers_take_lone_surrogates(tmp_path):
    cache = ResponseCache(tmp_path)
    cache.put("ab" * 32, {"response": {"content": "x\ud800y", "finish_reason": None}})
    assert cache.get("ab" * 32)["content"] == "x\ud800y"
    RawLog(tmp_path / "raw.jsonl").write([{"request": "k", "response": {"content": "\udfff"}}])
    assert json.loads((tmp_path / "raw.jsonl").read_text(encoding="utf-8"))["response"]["content"] == "\udfff"
    assert len(text_hash("\ud800")) == 64


def test_a_document_with_lone_surrogates_is_sent(llm_env):
    out = extractor().extract(DOCS[0]["text"] + " \ud800", doc_id="s")
    assert llm_env.problems == [] and "\ufffd" in llm_env.requests[0]["messages"][-1]["content"]
    assert out["errors"] == []


@pytest.mark.parametrize("retries", [0, 1])
def test_a_trickling_server_is_cut_at_the_total_deadline(llm_env, retries):
    """One byte every 0.2 s would take a minute: each try stops at ``timeout``, the request at (retries+1)×."""
    llm_env.trickle = 0.2
    timeout = 1.0
    ex = extractor(f"test-model?tasks=entities&timeout={timeout}&retries={retries}")
    t0 = time.monotonic()
    with pytest.raises(RukpError, match=rf"timed out after {retries + 1} attempt\(s\): no complete answer within 1 s"):
        ex.extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    elapsed = time.monotonic() - t0
    assert (retries + 1) * timeout <= elapsed < (retries + 1) * timeout + 1.5
    assert len(llm_env.requests) == retries + 1


def test_a_slow_but_complete_answer_within_the_deadline_is_used(llm_env):
    llm_env.delay = 0.3
    out = extractor("test-model?tasks=entities&timeout=5&retries=0").extract(DOCS[0]["text"], doc_id="a")
    assert out["errors"] == [] and out["entities"]


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "1e9"])
def test_a_timeout_that_is_not_a_positive_finite_number_is_an_option_error(value):
    with pytest.raises(RukpError, match=rf"timeout='{value}' is not valid \(expected seconds > 0 and at most "
                                        rf"{MAX_TIMEOUT:g}\)"):
        parse_spec(f"m?timeout={value}", {})


@pytest.mark.parametrize("name", ["temperature", "backoff"])
def test_infinite_numbers_are_option_errors(name):
    with pytest.raises(RukpError, match=rf"{name}='inf' is not valid \(expected a finite number >= 0\)"):
        parse_spec(f"m?{name}=inf", {})


@pytest.mark.parametrize("url, message", [
    ("file:///tmp/server", "is not an http:// or https:// address of an OpenAI-compatible server"),
    ("ftp://127.0.0.1/v1", "is not an http:// or https:// address"),
    ("127.0.0.1:8000/v1", "is not an http:// or https:// address"),
    ("http:///v1", "is not an http:// or https:// address"),
    ("http://127.0.0.1:99999/v1", r"is not a valid URL \(Port out of range"),
    ("http://user:sk-hidden@127.0.0.1:port/v1", r"'http://127.0.0.1:port/v1' .* is not a valid URL \(Port could not"),
    ("http://[::1/v1", r"is not a valid URL \(Invalid IPv6 URL\)"),
])
def test_a_base_url_that_is_not_http_says_so(llm_env, monkeypatch, url, message):
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    with pytest.raises(RukpError, match=message) as caught:
        extractor().extract(DOCS[0]["text"])
    assert llm_env.requests == [] and "sk-hidden" not in str(caught.value)


def test_a_redirect_loop_says_what_it_is(llm_env, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", llm_env.url.replace("/v1", "/loop/v1"))
    t0 = time.monotonic()
    with pytest.raises(ServerUnavailable, match="redirects in a loop"):
        extractor().extract(DOCS[0]["text"])
    assert time.monotonic() - t0 < 10


def test_answers_that_are_never_usable_stop_the_cli_run_with_one_line(rukp, llm_env):
    llm_env.raw = b"<html>maintenance</html>"
    code, out, err = rukp("evaluate", "-e", "llm:test-model?tasks=entities", "-q", "--bootstrap", "0",
                          "--no-claims")
    assert code == 2 and out == ""
    last = err.strip().splitlines()[-1]
    assert "none of the 3 document(s) so far got a usable answer" in last and "an HTML page" in last


def test_ctrl_c_stops_a_run_at_once_keeps_the_finished_answers_and_exits_130(llm_env, tmp_path):
    """Two documents answered, the third request held by the server: SIGINT ends the process within two
    seconds, exit code 130, one line on stderr, the two answers in the cache."""
    import os
    import signal
    import subprocess
    import sys

    llm_env.hang_after = 2
    cmd = [sys.executable, "-m", "rukp", "evaluate", "-e", "llm:test-model?tasks=entities&concurrency=1", "-q",
           "--bootstrap", "0", "--no-claims", "--json", str(tmp_path / "report.json")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    deadline = time.monotonic() + 60
    while len(llm_env.requests) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert len(llm_env.requests) == 3, proc.communicate(timeout=10)
    time.sleep(0.3)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        line = proc.stderr.readline()  # the run has stopped when it says so
        stopped = time.monotonic() - t0
        out, err = proc.communicate(timeout=30)  # then the interpreter tears down its ~1,500 modules
    finally:
        proc.kill()
    assert stopped < 2.0 and proc.returncode == 130, (stopped, line, err)
    assert "interrupted; the 2 answer(s) received in this run are cached in" in line and err == "", line + err
    assert out == "" and not (tmp_path / "report.json").exists()
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 2


def test_the_docs_state_the_limits_the_code_uses():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "llm.md").read_text(encoding="utf-8")
    assert f"larger than {MAX_RESPONSE_BYTES // 2**20} MiB" in text and f"at most {MAX_TIMEOUT:g}" in text


def test_after_ctrl_c_in_python_the_same_extractor_runs_again(llm_env):
    """From Python (a notebook), an interrupted extractor sends its requests again on the next call."""
    ex = extractor()
    ex.client().interrupt()
    out = ex.extract(DOCS[0]["text"], doc_id=DOCS[0]["id"])
    assert out["errors"] == [] and out["entities"] and len(llm_env.requests) == 1


def test_interrupt_ends_a_retry_wait_and_a_held_request_at_once(llm_env):
    """The client's waits (a held request, the backoff between tries) end within a fraction of a second."""
    import threading

    from rukp.extractors.llm.client import ChatClient, Interrupted

    messages = [{"role": "user", "content": "Texte à annoter :\n\nx"}]
    for setup in ({"always": "500"}, {"hang_after": 0}):
        for name, value in setup.items():
            setattr(llm_env, name, value)
        client = ChatClient(llm_env.url, "test-model", timeout=60, retries=5, backoff=20)
        threading.Timer(0.5, client.interrupt).start()
        t0 = time.monotonic()
        with pytest.raises(Interrupted):
            client.complete(messages, {}, name="x", temperature=0, seed=0, max_tokens=10)
        assert 0.5 <= time.monotonic() - t0 < 1.5
