"""``python -m rukp.bench_bootstrap``: time the bootstrap intervals of every headline figure on the bundled gold.

A timing tool, not part of the library: nothing in :mod:`rukp` imports it.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from rukp.evaluation import evaluate
from rukp.io.jsonl import read_jsonl
from rukp.paths import BUNDLED_DATA
from rukp.scoring.bootstrap import DEFAULT_RESAMPLES, bootstrap


def _perturbed(rows: list[dict[str, Any]], seed: int = 0) -> list[dict[str, Any]]:
    """Predictions made from gold rows: 10 % of entities dropped, 10 % relabelled, claims dropped or
    re-clustered likewise (a system with every kind of error, for timing)."""
    rng = np.random.default_rng(seed)
    out = []
    for row in rows:
        ents = [{**e, "label": e["label"] if rng.random() > 0.1 else "PER"} for e in row["entities"]
                if rng.random() > 0.1]
        claims = [{**c, "cluster": c["cluster"] if rng.random() > 0.2 else "X"} for c in row["claims"]
                  if rng.random() > 0.1]
        out.append({"doc_id": row["id"], "entities": ents, "claims": claims})
    return out


def main() -> None:
    """``python -m rukp.bench_bootstrap``: time 1,000 resamples of every headline figure over the bundled
    gold (both views, claims and clusters), over documents and over sentences."""
    gold = BUNDLED_DATA / "documents.jsonl"
    report = evaluate(_perturbed(read_jsonl(gold)), gold=gold, view=["fine", "coarse"], bootstrap=0,
                      progress=False)
    print(f"bundled gold: {len(report.gold.documents)} documents, {report.sentences.n} sentences, "
          f"{len(report.gold.entities)} mentions, {int(report.claims.counts[0])} claims")
    for unit in ("documents", "sentences"):
        stat = report.statistic(unit)
        times = []
        for repeat in range(5):
            t0 = time.perf_counter()
            intervals = bootstrap(stat, n_resamples=DEFAULT_RESAMPLES, seed=repeat)
            times.append(time.perf_counter() - t0)
        print(f"{DEFAULT_RESAMPLES} resamples over {stat.n_units} {unit}: {len(intervals)} figures, "
              f"best {min(times) * 1000:.0f} ms, median {sorted(times)[2] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
