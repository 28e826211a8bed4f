"""``rukp evaluate`` / ``rukp benchmark`` with ``--extractor llm:…`` against the chat-completions test server."""

from __future__ import annotations

import json
import os

import pytest
from conftest import KEY
from llm_server import gold_documents


def _files_text(root) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*") if p.is_file())


def test_evaluate_sends_each_request_once_then_serves_the_cache(rukp, llm_env, tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL")  # the server comes from the option
    raw, report = tmp_path / "raw.jsonl", tmp_path / "report.json"
    args = ["evaluate", "--extractor", "llm:test-model", "--llm-base-url", llm_env.url, "--llm-concurrency", "2",
            "-q", "--bootstrap", "0", "--skip-invalid", "--no-claims", "--json", report]  # claims: no spaCy load
    code, out, err = rukp(*args, "--llm-raw", raw)
    n = len(llm_env.requests)
    assert code == 0 and n == 2 * len(gold_documents()) and llm_env.problems == []  # one request per doc and task
    assert len(raw.read_text(encoding="utf-8").splitlines()) == n
    assert json.loads(report.read_text(encoding="utf-8"))["metadata"]["predictions"]["source"] == "llm:test-model"
    assert "OPENAI_BASE_URL" not in os.environ  # the option does not outlive the command
    code, out2, err2 = rukp(*args)
    assert code == 0 and len(llm_env.requests) == n  # second run: zero requests
    code, out3, err3 = rukp(*args, "--refresh")
    assert code == 0 and len(llm_env.requests) == 2 * n
    code, out4, err4 = rukp(*args, "--no-cache")
    assert code == 0 and len(llm_env.requests) == 3 * n
    shown = out + err + out2 + err2 + out3 + err3 + out4 + err4 + _files_text(tmp_path)
    assert "test-model" in shown and KEY not in shown


def test_a_wrong_model_is_one_clear_message(rukp, llm_env):
    code, out, err = rukp("evaluate", "--extractor", "llm:no-such-model", "-q", "--bootstrap", "0")
    assert code != 0 and "refused model 'no-such-model' (404)" in err and KEY not in out + err


def test_cli_options_reach_the_extractor_only_while_the_command_runs(monkeypatch):
    from rukp.extractors.llm.options import cli_environment, llm_environment
    from rukp.extractors.llm.settings import parse_spec

    monkeypatch.delenv("RUKP_LLM_CACHE", raising=False)
    env = cli_environment(base_url="http://127.0.0.1:8000/v1", concurrency=3, refresh=True,
                          template=["entities=a.txt", "claims=b.txt"], raw="r.jsonl")
    s = parse_spec("m", env)
    assert (s.base_url, s.concurrency, s.cache, str(s.raw)) == ("http://127.0.0.1:8000/v1", 3, "refresh", "r.jsonl")
    assert [(t, p.name) for t, p in s.template] == [("entities", "a.txt"), ("claims", "b.txt")]
    assert parse_spec("m", cli_environment(no_cache=True)).cache == "off"
    with llm_environment(concurrency=7):
        assert os.environ["RUKP_LLM_CONCURRENCY"] == "7"
    assert "RUKP_LLM_CONCURRENCY" not in os.environ


def test_the_default_benchmark_stays_offline():
    from rukp.leaderboard import default_systems

    assert not any(s.spec.startswith("llm") for s in default_systems())


def test_gold_strings_score_f1_one_through_the_whole_path(rukp, llm_env, tmp_path):
    report = tmp_path / "report.json"
    code, out, err = rukp("evaluate", "--extractor", "llm:test-model", "-q", "--bootstrap", "0", "--json", report)
    assert code == 0, err
    import rukp as api

    result = api.evaluate("llm:test-model", bootstrap=0, progress=False)  # served from the cache
    assert result.f1(scheme="strict") == 1.0
    assert result.figures["claims.detection.f1"] == 1.0
    assert result.figures["claims.attribution.accuracy"] == 1.0
    assert len(llm_env.requests) == 2 * len(gold_documents())


def test_benchmark_adds_the_llm_row_when_a_server_is_configured(rukp, llm_env, tmp_path):
    out = tmp_path / "results"
    code, stdout, err = rukp("benchmark", "--systems", "llm:test-model", "--out", out, "--no-readme",
                             "--no-humans", "--bootstrap", "0")
    assert code == 0, err
    board = json.loads((out / "leaderboard.json").read_text(encoding="utf-8"))
    fine = [r for r in board["rows"] if r["system"] == "llm:test-model" and r["view"] == "fine"]
    assert fine and fine[0]["entity_f1_strict"] == 1.0 and fine[0]["claim_f1"] == 1.0
    assert KEY not in stdout + err + _files_text(out)


def _record(rukp, llm_env, tmp_path, monkeypatch):
    """Score once with ``--llm-raw``, then take the server and the cache away: only the raw file is left."""
    raw, report = tmp_path / "rec" / "raw.jsonl", tmp_path / "first.json"
    code, out, err = rukp("evaluate", "-e", "llm:test-model", "--llm-raw", raw, "-q", "--bootstrap", "0",
                          "--json", report)
    assert code == 0, err
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.setenv("RUKP_CACHE_DIR", str(tmp_path / "empty-cache"))
    return raw, _scores(json.loads(report.read_text(encoding="utf-8"))), len(llm_env.requests)


def _scores(report: dict) -> dict:
    """What a report scored (its metadata names the source and differs between runs)."""
    return {k: report[k] for k in ("scope", "entities", "claims")}


def test_replay_rescores_without_a_server_through_the_extractor_object(rukp, llm_env, tmp_path, monkeypatch):
    import rukp as api
    from rukp.extractors.llm.extractor import LLMExtractor

    raw, figures, n = _record(rukp, llm_env, tmp_path, monkeypatch)
    report = api.evaluate(LLMExtractor.from_spec(f"test-model?replay={raw}"), bootstrap=0, progress=False)
    assert _scores(report.to_dict()) == figures and report.f1(scheme="strict") == 1.0 and len(llm_env.requests) == n


def test_replay_rescores_from_the_cli_with_a_path_in_the_spec(rukp, llm_env, tmp_path, monkeypatch):
    from rukp import paths

    raw, figures, n = _record(rukp, llm_env, tmp_path, monkeypatch)
    again = tmp_path / "again.json"
    code, out, err = rukp("evaluate", "-e", f"llm:test-model?replay={raw}", "--gold",
                          paths.BUNDLED_DATA / "documents.jsonl", "-q", "--bootstrap", "0", "--json", again)
    assert code == 0, err
    assert _scores(json.loads(again.read_text(encoding="utf-8"))) == figures and len(llm_env.requests) == n
    monkeypatch.chdir(raw.parent)  # the form docs/llm.md shows: a file name ending in .jsonl
    code, out, err = rukp("evaluate", "-e", "llm:test-model?replay=raw.jsonl", "-q", "--bootstrap", "0",
                          "--json", again)
    assert code == 0, err
    assert _scores(json.loads(again.read_text(encoding="utf-8"))) == figures and len(llm_env.requests) == n


def test_replay_rescores_from_python_with_an_absolute_path_in_the_spec(rukp, llm_env, tmp_path, monkeypatch):
    import rukp as api

    raw, figures, n = _record(rukp, llm_env, tmp_path, monkeypatch)
    assert raw.is_absolute()
    report = api.evaluate(f"llm:test-model?replay={raw}", bootstrap=0, progress=False)
    assert _scores(report.to_dict()) == figures and len(llm_env.requests) == n


def test_raw_rows_of_a_cli_run_carry_the_doc_ids(rukp, llm_env, tmp_path):

    raw, _, _ = _record(rukp, llm_env, tmp_path, pytest.MonkeyPatch())
    rows = [json.loads(line) for line in raw.read_text(encoding="utf-8").splitlines()]
    assert sorted({r["doc_id"] for r in rows}) == sorted(d["id"] for d in gold_documents())
