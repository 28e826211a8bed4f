"""The hostile trial of ``llm:``: each case one fresh ``rukp evaluate`` process against a misbehaving server.

Every case sets up :class:`llm_server.FakeLLM` (an answer of the wrong shape, too large, trickled, a redirect
loop, a bad option or URL...), runs ``python -m rukp evaluate -e llm:test-model?...`` with a private cache,
and classifies what a user would see, with the classes of the repository's hostile trial:

- ``clear error``: exit code 2, no traceback, the last line one ``error: …`` line saying what is wrong;
- ``handled``: exit code 0 (or 130 for Ctrl-C, with one line), and the problem is reported where one was
  expected (the per-document error item's log line), or the run is right where nothing was wrong;
- ``traceback``: a Python traceback; ``unclear``: a failure whose message is a raw exception
  (``ValueError: …``) or not one line; ``silent``: exit code 0 where a problem should have been reported;
- ``hang``: the process ran past the case's time bound (e.g. ``(retries + 1) × timeout`` plus start-up).

Run it alone with ``python tests/extractors/llm_trial.py [-j JOBS] [NAME...]`` (one line per case, then the counts);
``test_llm_trial.py`` runs it under pytest.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from llm_server import FakeLLM, gold_answer, gold_documents  # noqa: E402

DOCS = gold_documents()
#: a string found only in the last gold document: the target of the one-document cases (after the first
#: usable answers, so that the run goes on)
ONE = DOCS[-1]["text"][:40]
DEEP = 100_000
#: seconds a Python start-up with the package and its imports may take on a busy machine
STARTUP = 45.0
RAW_EXCEPTION = re.compile(r"\b[A-Z]\w*(Error|Exception): ")
CLASSES = ("clear error", "handled", "traceback", "unclear", "silent", "hang")


@dataclass
class Case:
    """One hostile case: server settings, spec parameters and environment, and what it should give."""

    name: str
    expect: str  # "clear error" or "handled"
    server: dict[str, Any] = field(default_factory=dict)
    params: str = "tasks=entities"
    env: dict[str, str] = field(default_factory=dict)
    #: a fragment the message (error line or per-document log line) must contain
    says: str = ""
    #: seconds the run may take beyond the start-up
    bound: float = 30.0
    #: send SIGINT once the server has received this many requests
    interrupt_after: int | None = None


def _completion(content: Any) -> bytes:
    return json.dumps({"choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": content}}]}).encode("utf-8")


def _message(key: str, value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def shape(answer: dict[str, Any]) -> dict[str, Any]:
        answer["choices"][0]["message"][key] = value
        return answer
    return shape


def _choice_message(value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def shape(answer: dict[str, Any]) -> dict[str, Any]:
        answer["choices"][0]["message"] = value
        return answer
    return shape


def _with_surrogate() -> bytes:
    content = json.dumps(gold_answer(DOCS, DOCS[0]["text"], "entities"), ensure_ascii=False)
    return _completion(content.replace('"entities":', '"note": "\ud800", "entities":', 1))


#: answers that are not usable: name → (server settings, what the message says)
BAD_ANSWERS: dict[str, tuple[dict[str, Any], str]] = {
    "invalid UTF-8 body": ({"raw": b'{"choices": [{"message": {"content": "\xff{}"}}]}'}, "not valid UTF-8"),
    "HTML body as JSON": ({"raw": b"<html><body>Bad Gateway</body></html>"}, "an HTML page"),
    "SSE body as JSON": ({"raw": b'data: {"choices": []}\n\ndata: [DONE]\n\n'}, "server-sent event stream"),
    "empty body": ({"raw": b""}, "body is empty"),
    "body is a JSON array": ({"raw": b"[1]"}, "is a JSON array"),
    "body is a JSON string": ({"raw": b'"ok"'}, "is a JSON string"),
    "error object with 200": ({"raw": b'{"error": {"message": "overloaded"}}'}, "answered an error: overloaded"),
    "no choices": ({"raw": b'{"choices": []}'}, "no choices"),
    "choices an object": ({"raw": b'{"choices": {"a": 1}}'}, "choices are a JSON object"),
    "choice a string": ({"raw": b'{"choices": ["x"]}'}, "choice is a JSON string"),
    "content a list": ({"shape": _message("content", [1, 2])}, "content is a JSON array"),
    "content an int": ({"shape": _message("content", 42)}, "content is a JSON number"),
    "content an object": ({"shape": _message("content", {"entities": []})}, "content is a JSON object"),
    "content null": ({"shape": _message("content", None)}, "the answer is empty"),
    "message a string": ({"shape": _choice_message("hello")}, "message is a JSON string"),
    "message null": ({"shape": _choice_message(None)}, "message is null"),
    "body nested 100k deep": ({"raw": b'{"choices": [{"message": {"content": ' + b"[" * DEEP + b"]" * DEEP
                               + b"}}]}"}, "nests JSON too deeply"),
    "content text nested 100k deep": ({"shape": _message("content", "[" * DEEP + "]" * DEEP)}, "too deeply"),
    "content not JSON": ({"shape": _message("content", "Désolé, je ne peux pas.")}, "not JSON"),
    "content JSON of wrong shape": ({"shape": _message("content", '{"entities": 5}')}, "no list 'entities'"),
    "60 MB answer": ({"raw": _completion("a" * 60_000_000)}, "more than the 8,388,608"),
    "60 MB answer, no Content-Length": ({"raw": _completion("a" * 60_000_000), "no_length": True},
                                        "larger than the 8,388,608"),
}

#: answers that are odd but usable: name → server settings (the run must score like a good server's)
ODD_BUT_USABLE: dict[str, dict[str, Any]] = {
    "usage a string": {"shape": lambda a: {**a, "usage": "lots"}},
    "usage a list": {"shape": lambda a: {**a, "usage": [1]}},
    "no usage": {"shape": lambda a: {k: v for k, v in a.items() if k != "usage"}},
    "finish_reason a number": {"shape": lambda a: {**a, "choices": [{**a["choices"][0], "finish_reason": 3}]}},
    "extra fields everywhere": {"shape": lambda a: {**a, "x": {"y": [1]}, "choices": [
        {**a["choices"][0], "logprobs": "n/a", "message": {**a["choices"][0]["message"], "tool_calls": 7}}]}},
    "content as text parts": {"shape": lambda a: _message("content", [
        {"type": "text", "text": a["choices"][0]["message"]["content"]}])(a)},
    "content in a Markdown fence": {"shape": lambda a: _message(
        "content", "```json\n" + a["choices"][0]["message"]["content"] + "\n```")(a)},
    "Content-Type text/plain": {"content_type": "text/plain"},
}


def cases() -> list[Case]:
    """Every case of the trial."""
    out: list[Case] = []
    for name, (server, says) in BAD_ANSWERS.items():
        out.append(Case(f"{name}, every document", "clear error", dict(server), says=says))
        out.append(Case(f"{name}, one document", "handled", {**server, "target": ONE}, says=says))
    for name, server in ODD_BUT_USABLE.items():
        out.append(Case(name, "handled", dict(server)))
    out.append(Case("lone surrogate in the content, every document", "handled", {"raw": _with_surrogate()},
                    says="lone surrogates"))
    out.append(Case("lone surrogate in the content, one document", "handled",
                    {"raw": _with_surrogate(), "target": ONE}, says="lone surrogates"))
    for retries in (0, 1):
        bound = (retries + 1) * 2 + 5
        out.append(Case(f"trickle 1 byte/0.5 s, timeout=2&retries={retries}, every document", "clear error",
                        {"trickle": 0.5}, f"tasks=entities&timeout=2&retries={retries}",
                        says=f"timed out after {retries + 1} attempt(s)", bound=bound))
    out.append(Case("trickle 1 byte/0.5 s, timeout=2&retries=0, one document", "handled",
                    {"trickle": 0.5, "target": ONE}, "tasks=entities&timeout=2&retries=0",
                    says="timed out after 1 attempt(s)", bound=15))
    out.append(Case("server holds every request, timeout=1&retries=1", "clear error", {"hang_after": 0},
                    "tasks=entities&timeout=1&retries=1", says="timed out after 2 attempt(s)", bound=10))
    out.append(Case("slow answers within the deadline", "handled", {"delay": 0.2}, "tasks=entities&timeout=5"))
    for value, says in [("0", "expected seconds > 0"), ("-5", "expected seconds > 0"),
                        ("inf", "expected seconds > 0"), ("nan", "expected seconds > 0"),
                        ("1e12", "expected seconds > 0 and at most 86400"), ("soon", "could not convert")]:
        out.append(Case(f"timeout={value}", "clear error", params=f"tasks=entities&timeout={value}",
                        says=f"timeout='{value}' is not valid ({says}"))
    for name, value in [("temperature", "inf"), ("backoff", "nan"), ("retries", "-1"), ("concurrency", "0"),
                        ("context", "10"), ("max_tokens", "x"), ("seed", "1.5"), ("structured", "xml")]:
        out.append(Case(f"{name}={value}", "clear error", params=f"tasks=entities&{name}={value}",
                        says=f"{name}=" if name != "context" else "context=10 leaves"))
    for url, says in [("file:///tmp/llm", "is not an http:// or https:// address"),
                      ("ftp://127.0.0.1/v1", "is not an http:// or https:// address"),
                      ("127.0.0.1:8000/v1", "is not an http:// or https:// address"),
                      ("http://127.0.0.1:99999/v1", "is not a valid URL (Port out of range"),
                      ("http://127.0.0.1:port/v1", "is not a valid URL (Port could not"),
                      ("http://[::1/v1", "is not a valid URL (Invalid IPv6 URL)"),
                      ("http://127.0.0.1:9/v1", "connection refused")]:
        out.append(Case(f"base URL {url}", "clear error", env={"OPENAI_BASE_URL": url}, says=says))
    out.append(Case("redirect loop", "clear error", {"loop": True}, says="redirects in a loop"))
    out.append(Case("every request 500", "clear error", {"always": "500"}, "tasks=entities&retries=1",
                    says="answered 500 after 2 attempt(s)"))
    out.append(Case("401 wrong key", "clear error", {"always": "401"}, says="refused model 'test-model' (401)"))
    out.append(Case("429 then answers", "handled", {"actions": ["429", "429"]}))
    out.append(Case("Ctrl-C while a request is held", "handled", {"hang_after": 2},
                    "tasks=entities&concurrency=1", says="interrupted; the 2 answer(s) received", bound=5,
                    interrupt_after=3))
    return out


@dataclass
class Outcome:
    """What a case gave: its class, the exit code, seconds, and the last line shown."""

    case: Case
    verdict: str
    code: int | None
    seconds: float
    line: str

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.case.expect


def classify(case: Case, code: int | None, out: str, err: str, overdue: bool) -> tuple[str, str]:
    """The class of one run (see the module docstring) and the line that decided it."""
    lines = [line for line in err.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    if overdue:
        return "hang", last
    if "Traceback (most recent call last)" in out + err:
        return "traceback", last
    if code == 130:
        ok = len(lines) == 1 and case.says in last
        return ("handled" if ok else "unclear"), last
    if code == 0:
        reported = [line for line in lines if "llm:" in line]  # the extractor's per-document lines
        if not case.says:
            return ("handled" if not reported else "unclear"), (reported or [last])[0]
        return ("handled" if any(case.says in line for line in reported) else "silent"), last
    if code == 2 and last.startswith("error: ") and not RAW_EXCEPTION.search(last) and len(last) < 600 \
            and case.says in last:
        return "clear error", last
    return "unclear", last


def run_case(case: Case, root: Path) -> Outcome:
    """Run one case in a fresh process against a fresh server; classify it."""
    return _run(case, root)[0]


def _run(case: Case, root: Path) -> tuple[Outcome, str, str]:
    with FakeLLM() as server:
        loop = case.server.get("loop", False)
        for name, value in case.server.items():
            if name == "actions":
                server.actions.extend(value)
            elif name != "loop":
                setattr(server, name, value)
        url = server.url.replace("/v1", "/loop/v1") if loop else server.url
        env = {k: v for k, v in os.environ.items() if not k.startswith("RUKP_LLM_") and k != "RUKP_ROOT"}
        env.update({"OPENAI_BASE_URL": url, "RUKP_CACHE_DIR": str(root / "cache"), "RUKP_LLM_BACKOFF": "0.01",
                    "PYTHONIOENCODING": "utf-8", **case.env})
        cmd = [sys.executable, "-m", "rukp", "evaluate", "-e", f"llm:test-model?{case.params}", "-q",
               "--bootstrap", "0", "--no-claims", "--json", str(root / "report.json")]
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                encoding="utf-8", errors="replace")
        overdue = False
        try:
            if case.interrupt_after is not None:
                while len(server.requests) < case.interrupt_after and proc.poll() is None \
                        and time.monotonic() - t0 < STARTUP + case.bound:
                    time.sleep(0.05)
                time.sleep(0.3)
                t0 = time.monotonic()
                proc.send_signal(signal.SIGINT)
                limit = case.bound + 30  # the line comes within the bound; Python's teardown after it
            else:
                limit = STARTUP + case.bound
            out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            overdue = True
        seconds = time.monotonic() - t0
    verdict, line = classify(case, proc.returncode, out, err, overdue)
    return Outcome(case, verdict, proc.returncode, seconds, line), out, err


def relay(name: str) -> int:
    """Run the case called ``name`` here (in the current folder) and show what its process showed: its
    stdout, its stderr and its exit code, for the repository's hostile trial (``tests/hostile/llm_cases.py``).
    A run past its bound is killed and this process then waits, so that the trial's own time limit calls it a
    hang."""
    case = next(c for c in cases() if c.name == name)
    outcome, out, err = _run(case, Path.cwd())
    sys.stdout.write(out)
    sys.stderr.write(err)
    sys.stdout.flush()
    sys.stderr.flush()
    if outcome.verdict == "hang":
        time.sleep(3600)
    return outcome.code if outcome.code is not None else 1


def run_trial(selected: list[Case] | None = None, progress: Callable[[Outcome], None] | None = None,
              jobs: int = 1) -> list[Outcome]:
    """Run the cases (all by default), each in its own scratch folder and ``jobs`` at a time; ``progress``
    sees each outcome as it comes."""
    from concurrent.futures import ThreadPoolExecutor

    def one(case: Case) -> Outcome:
        with tempfile.TemporaryDirectory(prefix="rukp-llm-trial-") as tmp:
            outcome = run_case(case, Path(tmp))
        if progress is not None:
            progress(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, selected if selected is not None else cases()))


def _show(o: Outcome) -> None:
    mark = "ok " if o.as_expected else "BAD"
    print(f"{mark} {o.verdict:12} {o.seconds:6.1f}s  {o.case.name}: {o.line[:160]}", flush=True)


def main() -> int:
    """Run the trial (or the cases named as arguments), print one line per case and the counts; exit 1 when
    any case is not as expected."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these cases")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="cases at a time")
    args = parser.parse_args()
    outcomes = run_trial([c for c in cases() if not args.names or c.name in args.names], progress=_show,
                         jobs=args.jobs)
    counts = Counter(o.verdict for o in outcomes)
    print(f"{len(outcomes)} cases: " + ", ".join(f"{counts[c]} {c}" for c in CLASSES))
    return 0 if all(o.as_expected for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
