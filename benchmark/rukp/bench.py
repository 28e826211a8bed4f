"""Entity scoring benchmark: ``python -m rukp.bench`` prints time and peak memory against nervaluate.

For each size it generates synthetic gold and predictions deterministically (about 20 spans per document,
8 labels; predictions = gold with 10 % dropped, 10 % boundary shifts, 10 % label changes, plus 10 % spurious),
writes them as JSONL (documents format for gold, predictions format) in a temporary folder, then measures
each case in a fresh subprocess (peak memory = that process's high-water mark, ``VmHWM``):

- ``json``: plain ``json.loads`` of every line of both files (the floor for any evaluation from files);
- ``core``: the entity scoring core from the two files (:func:`rukp.io.entity_files.score_entity_files`: all four
  schemes, per type, micro and macro);
- ``evaluate``: the same through the code path of ``rukp evaluate --gold G --predictions P``
  (``rukp.evaluate(..., bootstrap=0, claims=False)``: its own validating loaders, that is the columnar fast
  path of :mod:`rukp.io.columnar` with the line-by-line loaders as its fallback, then the same scoring);
- ``nervaluate``: loading the same files into span dicts and ``nervaluate.Evaluator(...).evaluate()``, stopped
  after ``--nervaluate-timeout`` seconds;
- ``compat``: our nervaluate-compatible mode, whose counts are compared with nervaluate's.

Long-document cases (2 x 20,000 and 10 x 2,000 spans) show that the cost stays linear in spans per document.
The last lines compare the ``evaluate`` column with the performance targets (:data:`TARGETS`).
"""

from __future__ import annotations

import argparse
import json
import resource
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
SIZES = (1_000, 10_000, 100_000)
LONG_CASES = ((2, 20_000), (10, 2_000))

#: Performance targets of the ``evaluate`` column (issue 4, section 7): at 100,000 documents, at least this many
#: times faster than nervaluate, at most this many times the json.loads time, at most this peak (MB); the
#: 2 x 20,000-span case in at most this time (s) and peak (MB).
TARGETS = {"speed_up": 10.0, "x_json": 3.0, "peak_mb": 1000.0, "long_seconds": 2.0, "long_peak_mb": 300.0}


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


# --- workers (each runs alone in a fresh interpreter) -----------------------------------------------------

def _count_rows(counts: Any) -> dict:
    """Overall and per-label count rows of each scheme, as plain lists."""
    rows = {}
    for s, scheme in enumerate(SCHEMES):
        rows[scheme] = {label: counts.array[s, i].tolist() for i, label in enumerate(counts.labels)
                        if label in LABELS}
        rows[scheme]["overall"] = counts.array[s, -1].tolist()
    return rows


def _peak_mb() -> float:
    """Peak resident memory of this process image in MB. Linux's ``VmHWM`` restarts at ``exec``, whereas
    ``ru_maxrss`` keeps the high-water mark of the forking parent; the latter is the fallback elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _worker(case: str, gold: str, pred: str, out: str) -> None:
    t0 = time.perf_counter()
    if case in ("core", "compat"):
        import rukp.io.arrow  # noqa: F401  (imports are timed apart from the evaluation)
        import rukp.io.entity_files  # noqa: F401
    elif case == "evaluate":
        import rukp.evaluation  # noqa: F401
        import rukp.io.columnar  # noqa: F401  (imported on first use; pyarrow with it)
    elif case == "nervaluate":
        import nervaluate  # noqa: F401
    result: dict[str, Any] = {"import_seconds": time.perf_counter() - t0}
    t0 = time.perf_counter()
    if case == "json":
        for path in (gold, pred):
            with open(path, "rb") as fh:
                for line in fh:
                    json.loads(line)
    elif case in ("core", "compat"):
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
    elif case == "nervaluate":
        from nervaluate import Evaluator

        def load(path: str) -> list[list[dict]]:
            with open(path, "rb") as fh:
                return [[{"start": e["start"], "end": e["end"], "label": e["label"]}
                         for e in json.loads(line)["entities"]] for line in fh]

        ev = Evaluator(load(gold), load(pred), list(LABELS), loader="dict").evaluate()
        result["counts"] = {
            scheme: {**{label: [getattr(ev["entities"][label][scheme], f) for f in FIELDS]
                        for label in LABELS if label in ev["entities"]},
                     "overall": [getattr(ev["overall"][scheme], f) for f in FIELDS]}
            for scheme in SCHEMES}
    result["seconds"] = time.perf_counter() - t0
    result["peak_mb"] = _peak_mb()
    Path(out).write_text(json.dumps(result))


def measure(case: str, gold: Path, pred: Path, timeout: float | None = None) -> dict[str, Any] | None:
    """Run one case in a fresh subprocess; None when it ran past ``timeout``."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        subprocess.run([sys.executable, "-m", "rukp.bench", "--worker", case, str(gold), str(pred), out],
                       check=True, timeout=timeout)
        return json.loads(Path(out).read_text())
    except subprocess.TimeoutExpired:
        return None
    finally:
        Path(out).unlink(missing_ok=True)


# --- report ----------------------------------------------------------------------------------------------

def _time(r: dict | None, timeout: float) -> str:
    return f"> {timeout:.0f} s" if r is None else f"{r['seconds']:.2f} s"


def _mem(r: dict | None) -> str:
    return "-" if r is None else f"{r['peak_mb']:.0f} MB"


def _nonzero(rows: dict) -> dict:
    """Count rows without all-zero labels (nervaluate omits labels that never occur)."""
    return {s: {k: v for k, v in r.items() if k == "overall" or any(v)} for s, r in rows.items()}


def run(sizes: list[int], long_cases: list[tuple[int, int]], timeout: float, folder: Path) -> None:
    """Generate, measure and print the table."""
    print("core = score_entity_files (pyarrow reader + vectorised scoring); evaluate = rukp.evaluate(...,\n"
          "bootstrap=0, claims=False), the code path of `rukp evaluate`; x json = time / json.loads time;\n"
          "speed-up = nervaluate time / evaluate time (core time); peak = VmHWM of a fresh process;\n"
          "times exclude the interpreter start and the imports (listed at the end).\n")
    header = (f"{'case':>15} {'gold':>9} {'pred':>9} | {'json':>7} | {'core':>7} {'peak':>7} {'x json':>6} | "
              f"{'evaluate':>8} {'peak':>7} {'x json':>6} | {'nervaluate':>10} {'peak':>7} {'speed-up':>11} | "
              f"{'same counts':>11}")
    print(header)
    print("-" * len(header))
    times: dict[int, tuple[float, float]] = {}
    imports: dict[str, float] = {}
    measured: dict[tuple[int, int], tuple[dict, dict, dict | None]] = {}
    cases = [(f"{n:,} docs", n, 20, True) for n in sizes] + [(f"{n} x {k:,}", n, k, False) for n, k in long_cases]
    for name, n_docs, per_doc, jitter in cases:
        gold, pred, n_gold, n_pred = write_case(folder, name.replace(" ", "_").replace(",", ""), n_docs, per_doc,
                                                jitter=jitter)
        parsed = measure("json", gold, pred)
        core = measure("core", gold, pred)
        full = measure("evaluate", gold, pred)
        nerv = measure("nervaluate", gold, pred, timeout=timeout)
        compat = measure("compat", gold, pred)
        for case, r in (("core", core), ("evaluate", full), ("nervaluate", nerv)):
            if r is not None:
                imports[case] = max(imports.get(case, 0.0), r["import_seconds"])
        if jitter:
            times[n_docs] = (core["seconds"], full["seconds"])
        measured[n_docs, per_doc] = (parsed, full, nerv)
        same = "core=eval" if core["counts"] == full["counts"] else "core!=eval"
        if nerv is not None:
            same += ", compat=nerv" if _nonzero(compat["counts"]) == nerv["counts"] else ", compat!=nerv"
        speed = "-" if nerv is None else (f"{nerv['seconds'] / full['seconds']:.0f}x "
                                          f"({nerv['seconds'] / core['seconds']:.0f}x)")
        print(f"{name:>15} {n_gold:>9,} {n_pred:>9,} | {parsed['seconds']:>5.2f} s | {core['seconds']:>5.2f} s "
              f"{_mem(core):>7} {core['seconds'] / parsed['seconds']:>5.1f}x | {full['seconds']:>6.2f} s "
              f"{_mem(full):>7} {full['seconds'] / parsed['seconds']:>5.1f}x | {_time(nerv, timeout):>10} "
              f"{_mem(nerv):>7} {speed:>11} | {same}", flush=True)
    if 10_000 in times and 100_000 in times:
        core_ratio = times[100_000][0] / times[10_000][0]
        full_ratio = times[100_000][1] / times[10_000][1]
        print(f"\ntime 100k / 10k documents (10.0 = linear): core {core_ratio:.1f}, evaluate {full_ratio:.1f}")
    print("imports (not in the times above): " + ", ".join(f"{k} {v:.2f} s" for k, v in imports.items()))
    for line in _target_lines(measured, times):
        print(line)


def _target_lines(measured: dict[tuple[int, int], tuple[dict, dict, dict | None]],
                  times: dict[int, tuple[float, float]]) -> list[str]:
    """The ``evaluate`` column against :data:`TARGETS`, for the cases that were run."""
    def check(ok: bool) -> str:
        return "met" if ok else "MISSED"

    out = []
    if (100_000, 20) in measured:
        parsed, full, nerv = measured[100_000, 20]
        x_json = full["seconds"] / parsed["seconds"]
        line = (f"targets at 100,000 docs: x json {x_json:.1f} (<= {TARGETS['x_json']:.0f}: "
                f"{check(x_json <= TARGETS['x_json'])}), peak {full['peak_mb']:.0f} MB (<= "
                f"{TARGETS['peak_mb']:.0f}: {check(full['peak_mb'] <= TARGETS['peak_mb'])})")
        if nerv is not None:
            speed = nerv["seconds"] / full["seconds"]
            line += f", speed-up {speed:.0f}x (>= {TARGETS['speed_up']:.0f}: {check(speed >= TARGETS['speed_up'])})"
        if 10_000 in times:
            line += f", 100k / 10k time {times[100_000][1] / times[10_000][1]:.1f} (linear: 10)"
        out.append(line)
    if (2, 20_000) in measured:
        full = measured[2, 20_000][1]
        out.append(f"targets at 2 x 20,000 spans: {full['seconds']:.2f} s (<= {TARGETS['long_seconds']:.0f}: "
                   f"{check(full['seconds'] <= TARGETS['long_seconds'])}), peak {full['peak_mb']:.0f} MB (<= "
                   f"{TARGETS['long_peak_mb']:.0f}: {check(full['peak_mb'] <= TARGETS['long_peak_mb'])})")
    return out


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m rukp.bench [--sizes 1000,10000] [--quick]``."""
    parser = argparse.ArgumentParser(prog="python -m rukp.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated numbers of documents (default %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help="small run: 1,000 and 10,000 documents, long cases 2 x 2,000 and 10 x 200")
    parser.add_argument("--nervaluate-timeout", type=float, default=120.0,
                        help="stop nervaluate after this many seconds (default %(default)s)")
    parser.add_argument("--no-long", action="store_true", help="skip the long-document cases")
    parser.add_argument("--worker", nargs=4, metavar=("CASE", "GOLD", "PRED", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(*args.worker)
        return
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, got {args.sizes!r}")
    long_cases = list(LONG_CASES)
    if args.quick:
        sizes = [n for n in sizes if n <= 10_000] or [1_000]
        long_cases = [(2, 2_000), (10, 200)]
    if args.no_long:
        long_cases = []
    with tempfile.TemporaryDirectory(prefix="rukp-bench-") as folder:
        run(sizes, long_cases, args.nervaluate_timeout, Path(folder))


if __name__ == "__main__":
    main()
