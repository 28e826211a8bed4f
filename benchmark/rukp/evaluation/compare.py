"""Two systems on the same gold: both reports and paired tests of every figure (:func:`compare`)."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rukp.defaults import DEFAULT_RESAMPLES, DEFAULT_SHUFFLES, MAX_SHUFFLES
from rukp.errors import RukpError, plural, quote
from rukp.evaluation.deadline import check_limit
from rukp.evaluation.inputs import load_input
from rukp.evaluation.options import make_options
from rukp.evaluation.report import REPORT_SCHEMA, UNITS, Report
from rukp.evaluation.run import gold_of, label_maps_of, score
from rukp.evaluation.scope import infer_scope
from rukp.io.model import Gold
from rukp.io.select import check_ids, select_documents
from rukp.scoring import bootstrap as bs

#: Level below which a randomisation p-value is called significant in the conclusion lines.
SIGNIFICANCE = 0.05


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


@dataclass
class Comparison:
    """Two systems on the same gold: both reports and, per unit, a :class:`PairedTest` for every figure."""

    a: Report
    b: Report
    tests: dict[str, dict[str, bs.PairedTest]]
    shuffles: int

    def headline(self) -> list[tuple[str, str]]:
        """``(figure name, label)`` of the figures the conclusion lines speak of: per view the headline
        scheme's F1 and macro F1, then claim detection F1 and claim+claimer F1."""
        scheme = self.a.options.scheme
        out = []
        for view in self.a.views:
            short = view.split(".")[0]
            out += [(f"entities.{view}.{scheme}.f1", f"{short} {scheme} F1"),
                    (f"entities.{view}.{scheme}.macro.f1", f"{short} {scheme} macro F1")]
        if self.a.claims is not None and self.b.claims is not None:
            out += [("claims.detection.f1", "claim detection F1"), ("claims.joint.f1", "claim+claimer F1")]
        return out

    def conclusions(self) -> list[str]:
        """One line per headline figure: the difference, its interval, the randomisation p-value and what it
        means, over documents (the independent units; sentences when documents were not tested)."""
        unit = "documents" if "documents" in self.tests else next(iter(self.tests), None)
        if unit is None:
            return []
        n = len(self.a.gold.documents) if unit == "documents" else self.a.sentences.n
        lines = []
        for name, label in self.headline():
            t = self.tests[unit].get(name)
            if t is None:
                continue
            if t.diff is None or t.p_randomisation is None:
                lines.append(f"A − B {label}: undefined (no value for one system)")
                continue
            ci = "" if t.low is None else f" [{t.low:+.3f}, {t.high:+.3f}]"
            verdict = (f"significant at {SIGNIFICANCE}" if t.p_randomisation < SIGNIFICANCE
                       else "not significant")
            lines.append(f"A − B {label} {t.diff:+.3f}{ci}, randomisation p = {_p(t.p_randomisation)}: "
                         f"{verdict} with {plural(n, unit)}")
        return lines

    def __repr__(self) -> str:
        """A few lines: both reports' headline figures, how many shuffles the tests used, the conclusions."""
        lines = [f"<rukp Comparison: A − B, {self.shuffles} shuffles, tests over {', '.join(self.tests) or 'none'}>"]
        for tag, report in (("A", self.a), ("B", self.b)):
            lines += [f"  {tag}: {line.strip()}" for line in report._repr_lines()]
        for line in self.conclusions():
            lines += textwrap.wrap(line, 80, initial_indent="  ", subsequent_indent="    ")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        tests = {unit: {name: asdict(t) for name, t in sorted(per.items())} for unit, per in self.tests.items()}
        return {"schema": REPORT_SCHEMA, "comparison": {"a": self.a.predictions.source,
                                                        "b": self.b.predictions.source,
                                                        "shuffles": self.shuffles,
                                                        "resamples": self.a.options.bootstrap, "tests": tests,
                                                        "conclusions": self.conclusions()},
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
