"""Two systems on the same gold: both reports and paired tests of every figure (:func:`compare`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rukp.defaults import DEFAULT_RESAMPLES, DEFAULT_SHUFFLES, MAX_SHUFFLES
from rukp.errors import RukpError, quote
from rukp.evaluation.deadline import check_limit
from rukp.evaluation.inputs import load_input
from rukp.evaluation.options import make_options
from rukp.evaluation.report import REPORT_SCHEMA, UNITS, Report
from rukp.evaluation.run import gold_of, label_maps_of, score
from rukp.evaluation.scope import infer_scope
from rukp.io.model import Gold
from rukp.io.select import check_ids, select_documents
from rukp.scoring import bootstrap as bs


@dataclass
class Comparison:
    """Two systems on the same gold: both reports and, per unit, a :class:`PairedTest` for every figure."""

    a: Report
    b: Report
    tests: dict[str, dict[str, bs.PairedTest]]
    shuffles: int

    def __repr__(self) -> str:
        """A few lines: both reports' headline figures and how many shuffles the tests used."""
        lines = [f"<rukp Comparison: A − B, {self.shuffles} shuffles, tests over {', '.join(self.tests) or 'none'}>"]
        for tag, report in (("A", self.a), ("B", self.b)):
            lines += [f"  {tag}: {line.strip()}" for line in report._repr_lines()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        tests = {unit: {name: asdict(t) for name, t in sorted(per.items())} for unit, per in self.tests.items()}
        return {"schema": REPORT_SCHEMA, "comparison": {"a": self.a.predictions.source,
                                                        "b": self.b.predictions.source,
                                                        "shuffles": self.shuffles,
                                                        "resamples": self.a.options.bootstrap, "tests": tests},
                "a": self.a.to_dict(), "b": self.b.to_dict()}

    def to_html(self, path: str | Path, *, max_docs: int = 50) -> Path:
        """Write the HTML page of where the two systems differ (:mod:`rukp.reports.html`)."""
        from rukp.reports import html  # the renderer, called; it never calls back into scoring

        html.write(self, path, max_docs=max_docs)
        return Path(path)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def compare(a: Any, b: Any, *, shuffles: int = DEFAULT_SHUFFLES, gold: str | Path | Gold | None = None,
            progress: bool | None = None, extractor_timeout: float | None = None, **options: Any) -> Comparison:
    """Evaluate ``a`` and ``b`` (anything :func:`evaluate` takes) on the same gold and test their differences
    with the paired bootstrap and approximate randomisation (``shuffles`` ≥ 10,000 recommended)."""
    opts = make_options(**options)
    if isinstance(shuffles, bool) or not isinstance(shuffles, int) or shuffles < 1:
        raise RukpError(f"shuffles={quote(shuffles)} must be a positive integer")
    if shuffles > MAX_SHUFFLES:
        raise RukpError(f"shuffles={shuffles} is more than {MAX_SHUFFLES:,}, the most accepted (the default 10,000 "
                        "resolve p-values to 1e-4)")
    timeout = check_limit(extractor_timeout)
    label_maps = label_maps_of(opts)
    gold_set = gold_of(gold, opts)
    check_ids(gold_set, opts.docs)
    pa = load_input(a, gold_set, opts, progress=progress, timeout=timeout)
    pb = load_input(b, gold_set, opts, progress=progress, timeout=timeout)
    sub, pa = select_documents(gold_set, pa, opts.docs)
    pb = select_documents(gold_set, pb, opts.docs)[1]
    scope = infer_scope(opts, sub, [pa, pb])  # a task is compared only when both systems predict it
    ra, rb = score(sub, pa, opts, label_maps, scope), score(sub, pb, opts, label_maps, scope)
    tests = {}
    both_cluster = all(r.claims is not None and r.claims.predicted_attributes["cluster"] for r in (ra, rb))
    for offset, unit in enumerate(UNITS):
        sa, sb = ra.statistic(unit, clusters=both_cluster), rb.statistic(unit, clusters=both_cluster)
        if sa is not None and sb is not None:
            tests[unit] = bs.paired_test(sa, sb, n_resamples=opts.bootstrap or DEFAULT_RESAMPLES,
                                         n_shuffles=shuffles, seed=opts.seed + offset)
    return Comparison(ra, rb, tests, shuffles)
