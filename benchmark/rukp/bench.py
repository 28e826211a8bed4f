"""Entity scoring benchmark: ``python -m rukp.bench`` prints time and peak memory against nervaluate.

For each size it generates synthetic gold and predictions deterministically (about 20 spans per document,
8 labels; predictions = gold with 10 % dropped, 10 % boundary shifts, 10 % label changes, plus 10 % spurious),
writes them as JSONL (documents format for gold, predictions format) in a temporary folder, then measures
each case in a fresh subprocess (peak memory = the subprocess's ``ru_maxrss``):

- ``json``: plain ``json.loads`` of every line of both files (the floor for any evaluation from files);
- ``rukp``: the full entity evaluation from the two files (all four schemes, per type, micro and macro, no
  bootstrap) through the code path of ``rukp evaluate --gold G --predictions P``;
- ``nervaluate``: loading the same files into span dicts and ``nervaluate.Evaluator(...).evaluate()``, stopped
  after ``--nervaluate-timeout`` seconds;
- ``compat``: our nervaluate-compatible mode, whose counts are compared with nervaluate's.

Long-document cases (2 x 20,000 and 10 x 2,000 spans) show that the cost stays linear in spans per document.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rukp.schema import ENTITY_LABELS

LABELS: tuple[str, ...] = ENTITY_LABELS[:8]
SIZES = (1_000, 10_000, 100_000)
LONG_CASES = ((2, 20_000), (10, 2_000))


def generate(n_docs: int, spans_per_doc: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """Synthetic gold documents and predictions (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    k = rng.integers(spans_per_doc * 3 // 4, spans_per_doc * 5 // 4 + 1, n_docs)
    doc = np.repeat(np.arange(n_docs), k)
    n = len(doc)
    length = rng.integers(3, 20, n)
    step = length + rng.integers(1, 60, n)
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
    n_spurious = n // 10
    s_doc = rng.integers(0, n_docs, n_spurious)
    doc_len = end[first + k - 1] + 10
    s_start = (rng.random(n_spurious) * doc_len[s_doc]).astype(np.int64)
    s_end = s_start + rng.integers(3, 20, n_spurious)
    s_label = rng.integers(0, len(LABELS), n_spurious)

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


def write_case(folder: Path, name: str, n_docs: int, spans_per_doc: int) -> tuple[Path, Path, int, int]:
    """Write ``name.gold.jsonl`` and ``name.pred.jsonl``; returns the paths and the span counts."""
    gold, pred = generate(n_docs, spans_per_doc)
    paths = folder / f"{name}.gold.jsonl", folder / f"{name}.pred.jsonl"
    for path, rows in zip(paths, (gold, pred), strict=True):
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row) + "\n" for row in rows)
    return paths[0], paths[1], sum(len(d["entities"]) for d in gold), sum(len(d["entities"]) for d in pred)


# --- workers (each runs alone in a fresh interpreter) -------------------------------------------------------

def _count_dict(counts: Any) -> dict:
    return {scheme: {label: counts.array[s, i].tolist() for i, label in enumerate((*counts.labels, "overall"))}
            for s, scheme in enumerate(("strict", "exact", "partial", "ent_type"))}


def _evaluate_files(gold: str, pred: str, compatible: bool) -> Any:
    """The entity evaluation of ``rukp evaluate`` (``rukp.evaluate`` when it exposes one, else ours)."""
    from rukp.scoring.entities import score_entity_files

    scores = score_entity_files(gold, pred, labels=LABELS, nervaluate_compatible=compatible)
    scores.counts.to_dict()  # all schemes, per type, micro and macro
    return scores.counts


def _worker(case: str, gold: str, pred: str, out: str) -> None:
    t0 = time.perf_counter()
    result: dict[str, Any] = {}
    if case == "json":
        for path in (gold, pred):
            with open(path, "rb") as fh:
                for line in fh:
                    json.loads(line)
    elif case in ("rukp", "compat"):
        counts = _evaluate_files(gold, pred, compatible=case == "compat")
        result["counts"] = _count_dict(counts)
    elif case == "nervaluate":
        from nervaluate import Evaluator

        def load(path: str) -> list[list[dict]]:
            with open(path, "rb") as fh:
                return [[{"start": e["start"], "end": e["end"], "label": e["label"]} for e in json.loads(line)
                         ["entities"]] for line in fh]

        ev = Evaluator(load(gold), load(pred), list(LABELS), loader="dict").evaluate()
        fields = ("correct", "incorrect", "partial", "missed", "spurious")
        result["counts"] = {
            scheme: {**{label: ([getattr(ev["entities"][label][scheme], f) for f in fields]
                                if label in ev["entities"] else [0] * 5) for label in LABELS},
                     "overall": [getattr(ev["overall"][scheme], f) for f in fields]}
            for scheme in ("strict", "exact", "partial", "ent_type")}
    result["seconds"] = time.perf_counter() - t0
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(out).write_text(json.dumps(result))


def measure(case: str, gold: Path, pred: Path, timeout: float | None = None) -> dict[str, Any] | None:
    """Run one case in a fresh subprocess; None when it ran past ``timeout``."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    try:
        subprocess.run([sys.executable, "-m", "rukp.bench", "--worker", case, str(gold), str(pred), out],
                       check=True, timeout=timeout, env={**os.environ, "PYTHONHASHSEED": "0"})
        return json.loads(Path(out).read_text())
    except subprocess.TimeoutExpired:
        return None
    finally:
        Path(out).unlink(missing_ok=True)


# --- report --------------------------------------------------------------------------------------------------

def _fmt_time(r: dict | None, timeout: float) -> str:
    return f"> {timeout:.0f} s" if r is None else f"{r['seconds']:.2f} s"


def _fmt_mem(r: dict | None) -> str:
    return "-" if r is None else f"{r['peak_mb']:.0f} MB"


def run(sizes: list[int], long_cases: list[tuple[int, int]], timeout: float, folder: Path) -> None:
    """Generate, measure and print the table."""
    header = (f"{'case':>16} {'gold':>9} {'pred':>9} | {'json.loads':>10} | {'rukp':>8} {'peak':>8} "
              f"{'x json':>6} | {'nervaluate':>10} {'peak':>8} {'speed-up':>8} | {'compat = nerv.':>14}")
    print(header)
    print("-" * len(header))
    times: dict[int, float] = {}
    cases = [(f"{n} docs", n, 20) for n in sizes] + [(f"{n} x {k}", n, k) for n, k in long_cases]
    for name, n_docs, per_doc in cases:
        gold, pred, n_gold, n_pred = write_case(folder, name.replace(" ", "_"), n_docs, per_doc)
        parsed = measure("json", gold, pred)
        ours = measure("rukp", gold, pred)
        nerv = measure("nervaluate", gold, pred, timeout=timeout)
        compat = measure("compat", gold, pred)
        if per_doc == 20:
            times[n_docs] = ours["seconds"]
        same = "n/a" if nerv is None else ("yes" if compat["counts"] == nerv["counts"] else "NO")
        speed = "-" if nerv is None else f"{nerv['seconds'] / ours['seconds']:.0f}x"
        print(f"{name:>16} {n_gold:>9,} {n_pred:>9,} | {parsed['seconds']:>8.2f} s | {ours['seconds']:>6.2f} s "
              f"{_fmt_mem(ours):>8} {ours['seconds'] / parsed['seconds']:>5.1f}x | {_fmt_time(nerv, timeout):>10} "
              f"{_fmt_mem(nerv):>8} {speed:>8} | {same:>14}", flush=True)
    if 10_000 in times and 100_000 in times:
        print(f"\nrukp time 100k / 10k docs: {times[100_000] / times[10_000]:.1f} (10.0 = linear)")
    print("peak = ru_maxrss of a fresh interpreter per case (includes Python, numpy and scipy).")


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
