"""The hostile trial: every case a fresh ``rukp`` (or Python) process on a scratch copy of the inputs, classified.

Classes of a result (:func:`classify`):

- ``clear error``: exit code not 0 and the last line of stderr is one ``error: …`` line (no traceback), or
  click's ``Error: …`` for an option value of the wrong type;
- ``handled``: exit code 0 and the case's own check passed (a correct result);
- ``traceback``: a Python traceback on stdout or stderr;
- ``silent``: exit 0 where an error was due, or a result whose check failed;
- ``data loss``: an input file changed, vanished, or was replaced by another kind of file;
- ``partial write``: a temporary file (``.NAME.…tmp``) left behind;
- ``hang``: the process ran past its time limit;
- ``unclear``: exit not 0 without one ``error:`` line, or a message missing what the case expects.

Run all cases: ``python tests/hostile/trial.py [-j JOBS] [-k SUBSTRING]`` prints one line per case as it
ends (``BAD`` when it is neither ``clear error`` nor ``handled``) and the counts per class.
``tests/hostile/test_trial.py`` runs the same cases under pytest (the fast ones in the default suite, the rest
marked slow). LLM-answer cases live in
``tests/hostile/llm_cases.py`` (see ``tests/hostile/README.md``): its ``CASES`` list is appended here.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures" / "eval"
PACKAGE = REPO / "benchmark"

CLASSES = ("clear error", "handled", "traceback", "silent", "data loss", "partial write", "hang", "unclear")
GOOD = frozenset({"clear error", "handled"})

#: The scratch folder's input files: a gold of two documents (with kb.jsonl beside it) and predictions.
GOLD, PREDS, KB = "gold.jsonl", "preds.jsonl", "kb.jsonl"


@dataclass
class Case:
    """One hostile input: a command (``argv`` after ``rukp``, or ``python`` code, or ``shell``), what must
    happen (``expect``: ``error`` or ``ok``), an optional message regex, a check of the scratch folder after an
    ``ok``, and set-up code that writes the case's inputs."""

    name: str
    family: str
    argv: list[str] | None = None
    python: str | None = None
    shell: str | None = None
    expect: str = "error"
    message: str | None = None
    check: Callable[[Path, subprocess.CompletedProcess[str]], bool] | None = None
    setup: Callable[[Path], None] | None = None
    timeout: float = 120
    slow: bool = True
    exit_code: int | None = None
    protect: tuple[str, ...] = (GOLD, PREDS, KB)
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    case: Case
    cls: str
    detail: str
    seconds: float


# ------------------------------------------------------------------------------------------------ scratch

def _kb_rows() -> list[dict]:
    ids = {"Q_putin": "Vladimir Poutine", "Q_kim": "Kim Jong-un", "Q_moscow": "Moscou", "Q_kyiv": "Kiev",
           "Q_nk": "nord-coréens", "Q_russia": "Russie"}
    return [{"entity_id": k, "name": v, "aliases": []} for k, v in ids.items()]


def make_scratch(root: Path) -> None:
    """The inputs every case starts from (fresh for each case)."""
    shutil.copy(FIXTURES / "gold.jsonl", root / GOLD)
    shutil.copy(FIXTURES / "preds.jsonl", root / PREDS)
    (root / KB).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _kb_rows()), encoding="utf-8")


def _snapshot(root: Path, names: tuple[str, ...]) -> dict[str, tuple[int, bytes | None]]:
    out = {}
    for name in names:
        p = root / name
        try:
            mode = p.lstat().st_mode
        except OSError:
            continue
        out[name] = (stat.S_IFMT(mode), p.read_bytes() if stat.S_ISREG(mode) else None)
    return out


def _leftovers(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.name.startswith(".") and ".tmp" in p.name
            or (p.name.startswith(".") and p.suffix == ".tmp")]


# ------------------------------------------------------------------------------------------------ running

def _env(case: Case) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RUKP_ROOT", "COLUMNS")}
    env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update({"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "PYTHONIOENCODING": "utf-8", **case.env})
    return env


def _command(case: Case, root: Path) -> list[str]:
    if case.argv is not None:
        return [sys.executable, "-m", "rukp", *case.argv]
    if case.python is not None:
        return [sys.executable, "-c", case.python]
    return ["bash", "-c", case.shell or "true"]


def classify(case: Case, root: Path, before: dict, proc: subprocess.CompletedProcess[str] | None) -> tuple[str, str]:
    """The class of one result and a short reason."""
    if proc is None:
        return "hang", f"ran past {case.timeout:g} s"
    text = proc.stdout + proc.stderr
    if "Traceback (most recent call last)" in text:
        return "traceback", proc.stderr.strip().splitlines()[-1][:200] if proc.stderr.strip() else "traceback"
    after = _snapshot(root, tuple(before))
    for name, (kind, data) in before.items():
        if name not in after:
            return "data loss", f"{name} vanished"
        if after[name][0] != kind:
            return "data loss", f"{name} was replaced by another kind of file"
        if data is not None and after[name][1] != data:
            return "data loss", f"{name} was overwritten"
    left = _leftovers(root)
    if left:
        return "partial write", f"left {left[:3]}"
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    if case.expect == "error":
        if proc.returncode == 0:
            return "silent", "exit 0 where an error was due"
        if case.exit_code is not None and proc.returncode != case.exit_code:
            return "unclear", f"exit {proc.returncode}, expected {case.exit_code}"
        if not lines or not lines[-1].startswith(("error: ", "Error: ")):  # ours, or click's usage error
            return "unclear", f"exit {proc.returncode}; stderr ends {lines[-1][:160] if lines else '(empty)'!r}"
        if case.message is not None:
            import re

            if not re.search(case.message, lines[-1]):
                return "unclear", f"message {lines[-1][:200]!r} lacks /{case.message}/"
        return "clear error", lines[-1][:200]
    if proc.returncode != 0:
        return "unclear", f"exit {proc.returncode}: {lines[-1][:200] if lines else '(no message)'}"
    if case.check is not None:
        try:
            ok = case.check(root, proc)
        except Exception as e:  # a check that cannot read the result: the result is wrong
            return "silent", f"check failed: {type(e).__name__}: {e}"
        if not ok:
            return "silent", "the result is wrong (check failed)"
    return "handled", "exit 0"


def run_case(case: Case) -> Outcome:
    """Run one case in a fresh scratch folder and classify it."""
    with tempfile.TemporaryDirectory(prefix="rukp-trial-") as tmp:
        root = Path(tmp)
        make_scratch(root)
        if case.setup is not None:
            case.setup(root)
        before = _snapshot(root, case.protect)
        started = time.monotonic()
        try:
            proc = subprocess.run(_command(case, root), cwd=root, env=_env(case), capture_output=True, text=True,
                                  errors="backslashreplace", timeout=case.timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            proc = None
        seconds = time.monotonic() - started
        cls, detail = classify(case, root, before, proc)
        return Outcome(case, cls, detail, seconds)


def all_cases() -> list[Case]:
    """Every case of the trial (this file's families, then the LLM-answer cases when present)."""
    from cases import CASES

    cases = list(CASES)
    try:
        from llm_cases import CASES as LLM_CASES  # written by the LLM-robustness work (see README.md)
    except ImportError:
        LLM_CASES = []
    return cases + list(LLM_CASES)


def main(argv: list[str] | None = None) -> int:
    """Run the trial; print the cases that failed and the counts per class; exit 1 when any failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("-k", "--keyword", default="")
    parser.add_argument("--json", type=Path, help="write every outcome here")
    parser.add_argument("--done", type=Path, help="skip the cases that this earlier output of the trial lists")
    args = parser.parse_args(argv)
    done = set()
    if args.done is not None:
        done = {m.group(1) for line in args.done.read_text(encoding="utf-8").splitlines()
                if (m := re.match(r"(?:ok |BAD) .*? (\S+) \(\d+ s\): ", line))}
    cases = [c for c in all_cases() if (args.keyword in c.name or args.keyword in c.family) and c.name not in done]
    started = time.monotonic()
    outcomes = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for o in pool.map(run_case, cases):  # each line as soon as it is known: a long trial shows progress
            outcomes.append(o)
            mark = "ok " if o.cls in GOOD else "BAD"
            print(f"{mark} {o.cls:14} {o.case.family:10} {o.case.name} ({o.seconds:.0f} s): {o.detail}", flush=True)
    counts = Counter(o.cls for o in outcomes)
    print(f"{len(outcomes)} cases in {time.monotonic() - started:.0f} s: "
          + ", ".join(f"{counts.get(c, 0)} {c}" for c in CLASSES))
    if args.json:
        args.json.write_text(json.dumps([{"name": o.case.name, "family": o.case.family, "class": o.cls,
                                          "detail": o.detail, "seconds": round(o.seconds, 2)} for o in outcomes],
                                        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0 if all(o.cls in GOOD for o in outcomes) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
