"""``python -m rukp.bench``: the commands users run, timed as they run them, side by side with nervaluate.

For each case it generates synthetic gold and predictions deterministically (an entity corpus: about 20 spans
per document, 8 labels, no claims; predictions = gold with 10 % dropped, 10 % boundary shifts, 10 % label
changes, plus 10 % spurious), writes them as JSONL in a temporary folder, and runs each measurement as a fresh process
(time = wall clock of the whole process, interpreter start and imports included; peak = that process's
maximum resident set size, from GNU time):

- ``json``: ``json.loads`` of every line of both files, the floor for any evaluation from files;
- ``rukp``: ``rukp evaluate -p PRED --gold GOLD --json OUT`` with the defaults (1,000 bootstrap resamples,
  all four schemes, per type, the scope inferred: entities, terminal tables), then the report read back here;
- ``nervaluate``: loading the same files into span dicts and ``nervaluate.Evaluator(...).evaluate()``, stopped
  after ``--nervaluate-timeout`` seconds;
- ``rukp --help`` and ``rukp evaluate --help``.

A second table keeps the library-level figures (times inside the process, imports excluded): the entity
scoring core from the two files, ``rukp.evaluate(..., bootstrap=0, claims=False)``, and the
nervaluate-compatible mode, whose counts are compared with nervaluate's. The last lines compare the commands
with the targets (:data:`TARGETS`). A timing tool, not part of the library: nothing in :mod:`rukp` imports it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rukp.schema import ENTITY_LABELS
from rukp.scoring.counts import FIELDS, SCHEMES

LABELS: tuple[str, ...] = ENTITY_LABELS[:8]
SIZES = (10_000, 100_000)
LONG_CASES = ((2, 20_000),)

#: Targets of issue 13 for the ``rukp`` command: at 100,000 documents at most ``x_json`` times the json.loads
#: time, at most ``peak_mb``, at least ``speed_up`` times faster than nervaluate, a report of at most
#: ``report_mb``, at most ``scale`` times the 10,000-document time; 2 x 20,000 spans in ``long_seconds`` and
#: ``long_peak_mb``; ``rukp --help`` in ``help_seconds``.
TARGETS = {"x_json": 3.0, "peak_mb": 1000.0, "speed_up": 10.0, "report_mb": 5.0, "scale": 12.0,
           "long_seconds": 1.5, "long_peak_mb": 300.0, "help_seconds": 0.4}


def generate(n_docs: int, spans_per_doc: int, seed: int = 0, *, jitter: bool = True
             ) -> tuple[list[dict], list[dict]]:
    """Synthetic gold documents and predictions (deterministic for a seed); both sides are flat (no two spans
    of a side overlap), as ``rukp evaluate`` requires. With ``jitter`` a document has 75-125 % of
    ``spans_per_doc`` spans, otherwise exactly that many."""
    rng = np.random.default_rng(seed)
    if jitter:
        k = rng.integers(spans_per_doc * 3 // 4, spans_per_doc * 5 // 4 + 1, n_docs)
    else:
        k = np.full(n_docs, spans_per_doc)
    doc = np.repeat(np.arange(n_docs), k)
    n = len(doc)
    length = rng.integers(3, 20, n)
    step = length + rng.integers(8, 60, n)  # gaps of 8+ characters: room for shifts and spurious spans
    first = np.cumsum(k) - k
    ends = np.cumsum(step)
    start = ends - np.repeat(ends[first] - step[first], k) - length
    end = start + length
    label = rng.integers(0, len(LABELS), n)
    entity = np.where(label < 4, label * 100 + rng.integers(0, 50, n), -1)

    keep = rng.random(n) >= 0.10
    action = rng.random(n)
    shift = action < 0.10
    relabel = (action >= 0.10) & (action < 0.20)
    d_start = rng.integers(-2, 3, n)
    d_end = rng.integers(-2, 3, n)
    d_end[shift & (d_start == 0) & (d_end == 0)] = 1
    p_start = np.where(shift, np.maximum(start + d_start, 0), start)
    p_end = np.where(shift, np.maximum(end + d_end, p_start + 1), end)
    p_label = np.where(relabel, (label + rng.integers(1, len(LABELS), n)) % len(LABELS), label)
    p_entity = np.where(relabel, -1, entity)
    # spurious spans go into the gap after a gold span (3 characters clear of both neighbours)
    after = np.sort(rng.choice(n, size=n // 10, replace=False))
    s_doc = doc[after]
    last = np.zeros(n, dtype=bool)
    last[first + k - 1] = True
    room = np.where(last[after], 20, start[np.minimum(after + 1, n - 1)] - end[after] - 6)
    s_start = end[after] + 3
    s_end = s_start + np.minimum(rng.integers(3, 20, len(after)), room)
    s_label = rng.integers(0, len(LABELS), len(after))
    n_spurious = len(after)

    pred_doc = np.concatenate([doc[keep], s_doc])
    cols = [np.concatenate(a) for a in ((p_start[keep], s_start), (p_end[keep], s_end),
                                        (p_label[keep], s_label), (p_entity[keep], np.full(n_spurious, -1)))]
    order = np.argsort(pred_doc, kind="stable")
    pred_doc = pred_doc[order]
    cols = [c[order].tolist() for c in cols]
    gold_cols = [c.tolist() for c in (start, end, label, entity)]
    ids = [f"d{i:06d}" for i in range(n_docs)]

    def spans(cols: list[list[int]], lo: int, hi: int) -> list[dict]:
        s, e, lab, ent = cols
        return [{"start": s[i], "end": e[i], "label": LABELS[lab[i]],
                 "entity_id": f"Q{ent[i]}" if ent[i] >= 0 else None} for i in range(lo, hi)]

    g_bounds = np.concatenate([[0], np.cumsum(k)]).tolist()
    p_bounds = np.searchsorted(pred_doc, np.arange(n_docs + 1)).tolist()
    gold = [{"id": ids[d], "entities": spans(gold_cols, g_bounds[d], g_bounds[d + 1])} for d in range(n_docs)]
    pred = [{"doc_id": ids[d], "entities": spans(cols, p_bounds[d], p_bounds[d + 1])} for d in range(n_docs)]
    return gold, pred


def write_case(folder: Path, name: str, n_docs: int, spans_per_doc: int, *,
               jitter: bool = True) -> tuple[Path, Path, int, int]:
    """Write ``name.gold.jsonl`` and ``name.pred.jsonl``; returns the paths and the span counts."""
    gold, pred = generate(n_docs, spans_per_doc, jitter=jitter)
    paths = folder / f"{name}.gold.jsonl", folder / f"{name}.pred.jsonl"
    for path, rows in zip(paths, (gold, pred), strict=True):
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row) + "\n" for row in rows)
    return paths[0], paths[1], sum(len(d["entities"]) for d in gold), sum(len(d["entities"]) for d in pred)


#: Words of the synthetic claim corpus (French, with elisions, hyphens and numbers, which the token rule joins).
_CLAIM_TEXT = ("la Russie et la Corée du Nord ont signé un accord militaire selon le ministre des troupes "
               "déploiement l'armée nord-coréens Pyongyang Moscou a déclaré que les soldats sont arrivés en "
               "Ukraine front guerre président Poutine Kim d'après sources américaines missiles 10.000 hommes")
CLAIM_WORDS = tuple(_CLAIM_TEXT.split(" "))  # noqa: SIM905  (a sentence reads better than a list of words)
CLAIM_SIZES = (10_000,)


def generate_claims(n_docs: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """A synthetic claim corpus: documents of 20 sentences of 20 words (about 400 words), 8 gold claims each
    (with claimer, polarity, certainty); predictions keep 80 % of them (30 % with a shifted start, 20 % with
    the other polarity) and add a spurious sentence-long claim in 5 % of the other sentences."""
    rng = np.random.default_rng(seed)
    words = np.array(CLAIM_WORDS)
    claimers, polarity, certainty = ("AUTHOR", "UNSPECIFIED"), ("affirmed", "denied"), ("certain", "probable")
    gold, pred = [], []
    for d in range(n_docs):
        picks = words[rng.integers(0, len(words), (20, 20))]
        sentences = [" ".join(row) + "." for row in picks]
        text = " ".join(sentences)
        g_claims, p_claims, pos = [], [], 0
        for i, sentence in enumerate(sentences):
            start, end = pos, pos + len(sentence) - 1
            pos += len(sentence) + 1
            if i % 5 in (0, 2):
                claim = {"start": start + len(picks[i][0]) + 1, "end": end,
                         "claimer": claimers[int(rng.integers(2))], "polarity": polarity[int(rng.integers(2))],
                         "certainty": certainty[int(rng.integers(2))]}
                g_claims.append(claim)
                if rng.random() < 0.8:
                    p = dict(claim)
                    if rng.random() < 0.3:
                        p["start"] = start
                    if rng.random() < 0.2:
                        p["polarity"] = polarity[1 - polarity.index(p["polarity"])]
                    p_claims.append(p)
            elif rng.random() < 0.05:
                p_claims.append({"start": start, "end": end, "claimer": "AUTHOR", "polarity": "affirmed",
                                 "certainty": "certain"})
        gold.append({"id": f"c{d:06d}", "text": text, "claims": g_claims})
        pred.append({"doc_id": f"c{d:06d}", "claims": p_claims})
    return gold, pred


def write_claims_case(folder: Path, n_docs: int) -> tuple[Path, Path, int, int]:
    """Write the claim corpus of ``n_docs`` documents; returns the paths and the claim counts."""
    gold, pred = generate_claims(n_docs)
    paths = folder / f"claims_{n_docs}.gold.jsonl", folder / f"claims_{n_docs}.pred.jsonl"
    for path, rows in zip(paths, (gold, pred), strict=True):
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return paths[0], paths[1], sum(len(d["claims"]) for d in gold), sum(len(d["claims"]) for d in pred)


# --- workers (each runs alone in a fresh interpreter) -----------------------------------------------------

def _count_rows(counts: Any) -> dict:
    """Overall and per-label count rows of each scheme, as plain lists."""
    rows = {}
    for s, scheme in enumerate(SCHEMES):
        rows[scheme] = {label: counts.array[s, i].tolist() for i, label in enumerate(counts.labels)
                        if label in LABELS}
        rows[scheme]["overall"] = counts.array[s, -1].tolist()
    return rows


def _worker(case: str, gold: str, pred: str, out: str) -> None:
    t0 = time.perf_counter()
    if case in ("core", "compat"):
        import rukp.io.arrow  # noqa: F401  (imports are timed apart from the evaluation)
        import rukp.io.entity_files  # noqa: F401
    elif case == "evaluate":
        import rukp.evaluation  # noqa: F401
        import rukp.io.columnar  # noqa: F401  (imported on first use; pyarrow with it)
    result: dict[str, Any] = {"import_seconds": time.perf_counter() - t0}
    t0 = time.perf_counter()
    if case in ("core", "compat"):
        from rukp.io.entity_files import score_entity_files

        scores = score_entity_files(gold, pred, labels=LABELS, nervaluate_compatible=case == "compat")
        scores.counts.to_dict()  # all schemes, per type, micro and macro
        result["counts"] = _count_rows(scores.counts)
    elif case == "evaluate":
        import rukp

        report = rukp.evaluate(pred, gold=gold, bootstrap=0, claims=False)
        counts = next(iter(report.views.values())).scores.counts
        counts.to_dict()
        result["counts"] = _count_rows(counts)
    result["seconds"] = time.perf_counter() - t0
    Path(out).write_text(json.dumps(result))


#: GNU time reports a child's own peak memory; ``wait4`` from this process can report this process's instead
#: (the high-water mark survives the fork), so it is the fallback where GNU time is missing.
GNU_TIME = "/usr/bin/time"


def run_process(argv: list[str], timeout: float | None = None) -> dict[str, float] | None:
    """Run ``argv`` as a fresh process: wall seconds and peak resident MB; None past ``timeout``."""
    gnu = Path(GNU_TIME).exists()
    if gnu:
        argv = [GNU_TIME, "-f", "rukp-bench-peak-kb %M", *argv]
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if timeout is not None and time.perf_counter() - t0 > timeout:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole group: GNU time and the command it runs
            os.wait4(proc.pid, 0)
            return None
        time.sleep(0.005)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed: {err[-2000:]}")
    peak_kb = usage.ru_maxrss
    if gnu:
        peak_kb = int(next(line for line in err.splitlines()[::-1] if line.startswith("rukp-bench-peak-kb")).split()[1])
    return {"wall": seconds, "peak_mb": peak_kb / 1024}


#: The ``json`` and ``nervaluate`` cases as plain scripts: their processes import nothing of rukp (nor numpy).
_STANDALONE = {
    "json": """
import json, sys, time
t0 = time.perf_counter()
for path in sys.argv[1:3]:
    with open(path, "rb") as fh:
        for line in fh:
            json.loads(line)
json.dump({"import_seconds": 0.0, "seconds": time.perf_counter() - t0}, open(sys.argv[3], "w"))
""",
    "nervaluate": """
import json, sys, time
t0 = time.perf_counter()
from nervaluate import Evaluator
t1 = time.perf_counter()
labels, fields, schemes = (json.loads(a) for a in sys.argv[4:7])
def load(path):
    with open(path, "rb") as fh:
        return [[{"start": e["start"], "end": e["end"], "label": e["label"]} for e in json.loads(line)["entities"]]
                for line in fh]
ev = Evaluator(load(sys.argv[1]), load(sys.argv[2]), labels, loader="dict").evaluate()
counts = {s: {**{lab: [getattr(ev["entities"][lab][s], f) for f in fields] for lab in labels if lab in ev["entities"]},
              "overall": [getattr(ev["overall"][s], f) for f in fields]} for s in schemes}
json.dump({"import_seconds": t1 - t0, "seconds": time.perf_counter() - t1, "counts": counts}, open(sys.argv[3], "w"))
""",
}


def measure(case: str, gold: Path, pred: Path, timeout: float | None = None) -> dict[str, Any] | None:
    """Run one worker case in a fresh process; its own figures plus ``wall`` and ``peak_mb``."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = Path(tmp.name)
    if case in _STANDALONE:
        argv = [sys.executable, "-c", _STANDALONE[case], str(gold), str(pred), str(out),
                *(json.dumps(list(x)) for x in (LABELS, FIELDS, SCHEMES))]
    else:
        argv = [sys.executable, "-m", "rukp.bench", "--worker", case, str(gold), str(pred), str(out)]
    try:
        proc = run_process(argv, timeout)
        return None if proc is None else {**json.loads(out.read_text()), **proc}
    finally:
        out.unlink(missing_ok=True)


def run_command(gold: Path, pred: Path, folder: Path) -> dict[str, Any]:
    """``rukp evaluate -p PRED --gold GOLD --json OUT`` as a user types it, then the report read back."""
    out = folder / "report.json"
    result = run_process([sys.executable, "-m", "rukp", "evaluate", "-p", str(pred), "--gold", str(gold),
                          "--json", str(out)])
    t0 = time.perf_counter()
    report = json.loads(out.read_bytes())
    result["read_back"] = time.perf_counter() - t0
    result["report_mb"] = out.stat().st_size / 1e6
    result["f1"] = (report["claims"]["detection"]["f1"] if "entities" not in report
                    or report["scope"].get("entities") != "scored"
                    else report["entities"]["fine.v1"]["schemes"]["strict"]["overall"]["f1"])
    out.unlink()
    return result


# --- report ----------------------------------------------------------------------------------------------

def _t(r: dict | None, key: str = "wall", timeout: float | None = None) -> str:
    return f"> {timeout:.0f} s" if r is None else f"{r[key]:.2f} s"


def _mem(r: dict | None) -> str:
    return "-" if r is None else f"{r['peak_mb']:.0f} MB"


def _nonzero(rows: dict) -> dict:
    """Count rows without all-zero labels (nervaluate omits labels that never occur)."""
    return {s: {k: v for k, v in r.items() if k == "overall" or any(v)} for s, r in rows.items()}


def run(sizes: list[int], long_cases: list[tuple[int, int]], timeout: float, folder: Path,
        library: bool = True, claim_sizes: tuple[int, ...] = CLAIM_SIZES) -> list[str]:
    """Generate, measure and print both tables; returns the printed lines."""
    lines: list[str] = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    say(f"python -m rukp.bench, {time.strftime('%Y-%m-%d %H:%M')}: {os.cpu_count()} CPUs, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (a shared machine reads slower), Python "
        f"{platform.python_version()}, numpy {np.__version__}")
    say("\nCommands, each a fresh process (wall clock, interpreter start and imports included; peak = max RSS):")
    say("json = json.loads of every line of both files; rukp = `rukp evaluate -p PRED --gold GOLD --json OUT`\n"
        "with the defaults (1,000 resamples, four schemes, per type); x json = rukp / json;\n"
        "speed-up = nervaluate / rukp; report = size of OUT and the time to json.loads it back.\n")
    header = (f"{'case':>15} {'gold':>9} {'pred':>9} | {'json':>7} {'peak':>7} | {'rukp':>7} {'peak':>7} "
              f"{'x json':>6} | {'report':>8} {'read':>6} | {'nervaluate':>10} {'peak':>7} {'speed-up':>8}")
    say(header)
    say("-" * len(header))
    cases = [(f"{n:,} docs", n, 20, True) for n in sizes] + [(f"{n} x {k:,}", n, k, False) for n, k in long_cases]
    measured: dict[tuple[int, int], dict[str, Any]] = {}
    for name, n_docs, per_doc, jitter in cases:
        gold, pred, n_gold, n_pred = write_case(folder, name.replace(" ", "_").replace(",", ""), n_docs, per_doc,
                                                jitter=jitter)
        parsed = measure("json", gold, pred)
        command = run_command(gold, pred, folder)
        nerv = measure("nervaluate", gold, pred, timeout=timeout)
        measured[n_docs, per_doc] = {"json": parsed, "rukp": command, "nervaluate": nerv, "files": (gold, pred)}
        speed = "-" if nerv is None else f"{nerv['wall'] / command['wall']:.0f}x"
        say(f"{name:>15} {n_gold:>9,} {n_pred:>9,} | {_t(parsed):>7} {_mem(parsed):>7} | {_t(command):>7} "
            f"{_mem(command):>7} {command['wall'] / parsed['wall']:>5.1f}x | {command['report_mb']:>5.2f} MB "
            f"{command['read_back']:>4.2f}s | {_t(nerv, timeout=timeout):>10} {_mem(nerv):>7} {speed:>8}")
    if claim_sizes:
        _claims_table(claim_sizes, folder, say)
    helps = {}
    for argv in (["--help"], ["evaluate", "--help"]):
        label = "rukp " + " ".join(argv)
        helps[label] = min((run_process([sys.executable, "-m", "rukp", *argv]) for _ in range(3)),
                           key=lambda r: r["wall"])
        say(f"{label:>32}: {helps[label]['wall']:.2f} s, {helps[label]['peak_mb']:.0f} MB (best of 3)")
    if library:
        say()
        _library_table(measured, say)
    say()
    for line in _target_lines(measured, helps):
        say(line)
    return lines


def _claims_table(claim_sizes: tuple[int, ...] | list[int], folder: Path, say: Any) -> None:
    """Claims on a gold of one's own (text, 8 claims per document): the whole command against json.loads."""
    say("\nClaims on a gold of one's own, each a fresh process: documents of about 400 words with 8 claims;\n"
        "rukp = `rukp evaluate -p PRED --gold GOLD --json OUT` with the defaults (claims in tokens of the claim\n"
        "token rule, 1,000 resamples); x json = rukp / json (target of issue 23: <= 3x and <= 1,500 MB at\n"
        "100,000 documents).\n")
    header = (f"{'case':>15} {'gold':>9} {'pred':>9} | {'json':>7} {'peak':>7} | {'rukp':>8} {'peak':>7} "
              f"{'x json':>6} | {'F1':>5}")
    say(header)
    say("-" * len(header))
    for n_docs in claim_sizes:
        gold, pred, n_gold, n_pred = write_claims_case(folder, n_docs)
        parsed = measure("json", gold, pred)
        command = run_command(gold, pred, folder)
        say(f"{f'{n_docs:,} docs':>15} {n_gold:>9,} {n_pred:>9,} | {_t(parsed):>7} {_mem(parsed):>7} | "
            f"{_t(command):>8} {_mem(command):>7} {command['wall'] / parsed['wall']:>5.1f}x | {command['f1']:.3f}")
        gold.unlink()
        pred.unlink()


def _library_table(measured: dict[tuple[int, int], dict[str, Any]], say: Any) -> None:
    """Library-level figures: in-process seconds (imports excluded) of the scoring core, of
    ``rukp.evaluate(..., bootstrap=0, claims=False)`` and of the nervaluate-compatible mode."""
    say("Library level, in-process seconds without interpreter start and imports (peak of the whole process):\n"
        "core = score_entity_files (pyarrow reader + vectorised scoring); evaluate = rukp.evaluate(...,\n"
        "bootstrap=0, claims=False); compat = core in nervaluate-compatible mode, its counts checked against\n"
        "nervaluate's; speed-up = nervaluate / evaluate (in-process times).\n")
    header = (f"{'case':>15} | {'json':>7} | {'core':>7} {'peak':>7} | {'evaluate':>8} {'peak':>7} {'x json':>6} | "
              f"{'nervaluate':>10} {'speed-up':>8} | {'same counts':>11}")
    say(header)
    say("-" * len(header))
    for (n_docs, per_doc), m in measured.items():
        gold, pred = m["files"]
        core = measure("core", gold, pred)
        full = measure("evaluate", gold, pred)
        compat = measure("compat", gold, pred)
        nerv, parsed = m["nervaluate"], m["json"]
        same = "core=eval" if core["counts"] == full["counts"] else "core!=eval"
        if nerv is not None:
            same += ", compat=nerv" if _nonzero(compat["counts"]) == nerv["counts"] else ", compat!=nerv"
        speed = "-" if nerv is None else f"{nerv['seconds'] / full['seconds']:.0f}x"
        name = f"{n_docs:,} docs" if per_doc == 20 else f"{n_docs} x {per_doc:,}"
        say(f"{name:>15} | {_t(parsed, 'seconds'):>7} | {_t(core, 'seconds'):>7} {_mem(core):>7} | "
            f"{_t(full, 'seconds'):>8} {_mem(full):>7} {full['seconds'] / parsed['seconds']:>5.1f}x | "
            f"{'-' if nerv is None else _t(nerv, 'seconds'):>10} {speed:>8} | {same}")


def _target_lines(measured: dict[tuple[int, int], dict[str, Any]], helps: dict[str, dict]) -> list[str]:
    """The ``rukp`` command against :data:`TARGETS`, for the cases that were run."""
    def check(ok: bool) -> str:
        return "met" if ok else "MISSED"

    out = []
    if (100_000, 20) in measured:
        m = measured[100_000, 20]
        cmd, x_json = m["rukp"], m["rukp"]["wall"] / m["json"]["wall"]
        line = (f"targets at 100,000 docs: x json {x_json:.1f} (<= {TARGETS['x_json']:.0f}: "
                f"{check(x_json <= TARGETS['x_json'])}), peak {cmd['peak_mb']:.0f} MB (<= {TARGETS['peak_mb']:.0f}: "
                f"{check(cmd['peak_mb'] <= TARGETS['peak_mb'])}), report {cmd['report_mb']:.2f} MB (<= "
                f"{TARGETS['report_mb']:.0f}: {check(cmd['report_mb'] <= TARGETS['report_mb'])})")
        if m["nervaluate"] is not None:
            speed = m["nervaluate"]["wall"] / cmd["wall"]
            line += f", speed-up {speed:.0f}x (>= {TARGETS['speed_up']:.0f}: {check(speed >= TARGETS['speed_up'])})"
        else:
            line += ", speed-up: nervaluate ran past its timeout"
        if (10_000, 20) in measured:
            scale = cmd["wall"] / measured[10_000, 20]["rukp"]["wall"]
            line += f", 100k / 10k time {scale:.1f} (<= {TARGETS['scale']:.0f}: {check(scale <= TARGETS['scale'])})"
        out.append(line)
    if (2, 20_000) in measured:
        cmd = measured[2, 20_000]["rukp"]
        out.append(f"targets at 2 x 20,000 spans: {cmd['wall']:.2f} s (< {TARGETS['long_seconds']}: "
                   f"{check(cmd['wall'] < TARGETS['long_seconds'])}), peak {cmd['peak_mb']:.0f} MB (<= "
                   f"{TARGETS['long_peak_mb']:.0f}: {check(cmd['peak_mb'] <= TARGETS['long_peak_mb'])})")
    if "rukp --help" in helps:
        wall = helps["rukp --help"]["wall"]
        out.append(f"target rukp --help: {wall:.2f} s (< {TARGETS['help_seconds']}: "
                   f"{check(wall < TARGETS['help_seconds'])})")
    return out


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m rukp.bench [--sizes 10000,100000] [--quick] [--output FILE]``."""
    parser = argparse.ArgumentParser(prog="python -m rukp.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated numbers of documents (default %(default)s)")
    parser.add_argument("--quick", action="store_true", help="small run: 1,000 documents and 2 x 2,000 spans")
    parser.add_argument("--nervaluate-timeout", type=float, default=180.0,
                        help="stop nervaluate after this many seconds (default %(default)s)")
    parser.add_argument("--no-long", action="store_true", help="skip the long-document case")
    parser.add_argument("--claims-sizes", default=",".join(map(str, CLAIM_SIZES)),
                        help="comma-separated numbers of documents of the claims case, '' for none "
                             "(default %(default)s)")
    parser.add_argument("--no-library", action="store_true", help="skip the library-level table")
    parser.add_argument("--output", type=Path, help="also write the tables to this file")
    parser.add_argument("--worker", nargs=4, metavar=("CASE", "GOLD", "PRED", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(*args.worker)
        return
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        claim_sizes = tuple(int(s) for s in args.claims_sizes.split(",") if s.strip())
    except ValueError:
        parser.error(f"--sizes and --claims-sizes must be comma-separated integers, got {args.sizes!r}, "
                     f"{args.claims_sizes!r}")
    long_cases = list(LONG_CASES)
    if args.quick:
        sizes, long_cases, claim_sizes = [1_000], [(2, 2_000)], (200,)
    if args.no_long:
        long_cases = []
    with tempfile.TemporaryDirectory(prefix="rukp-bench-") as folder:
        lines = run(sizes, long_cases, args.nervaluate_timeout, Path(folder), library=not args.no_library,
                    claim_sizes=claim_sizes)
    if args.output is not None:
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
