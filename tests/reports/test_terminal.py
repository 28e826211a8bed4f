"""The terminal report fits 80, 100 and 120 columns with every figure whole, and shows the four schemes."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from rukp.reports import terminal
from rukp.reports.formatting import fmt, fmt_interval, format_p
from rukp.scoring.counts import SCHEMES

from .conftest import PREDICTIONS

WIDTHS = (80, 100, 120)


def render(obj, width: int, verbose: bool = False) -> str:
    buf = io.StringIO()
    terminal.render(obj, Console(file=buf, width=width, color_system=None), verbose=verbose)
    return buf.getvalue()


def row(out: str, name: str, after: str) -> str:
    """The first table line starting with ``name`` after the line containing ``after``."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(line for line in lines[start:] if line.split() and line.split()[0] == name)


def expected_entity_rows(report, view: str, scheme: str) -> dict[str, list[str]]:
    """Per type, macro and overall: the cells the renderer must show, rebuilt from the report's figures."""
    counts = report.views[view].counts
    labels = [lab for lab in report.views[view].view.labels
              if counts.possible(scheme, lab) + counts.actual(scheme, lab)]
    out = {}
    for name, label in [*((lab, lab) for lab in labels), ("overall", None)]:
        key = f"entities.{view}.{scheme}" + (f".{label}" if label else "")
        cells = [fmt(report.precision(view, scheme, label)), fmt(report.recall(view, scheme, label)),
                 fmt(report.f1(view, scheme, label)), fmt_interval(report.interval(f"{key}.f1", "documents")),
                 fmt_interval(report.interval(f"{key}.f1", "sentences")), str(counts.possible(scheme, label))]
        out[name] = cells
    key = f"entities.{view}.{scheme}.macro"
    out["macro"] = [fmt(report.figures[f"{key}.{m}"]) for m in ("precision", "recall", "f1")]
    return out


def assert_fits(out: str, width: int) -> None:
    assert "…" not in out
    too_long = [line for line in out.splitlines() if len(line) > width]
    assert not too_long, too_long[:3]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["full", "entities"])
def test_entity_tables_complete(reports, kind, width):
    report = reports[kind]
    out = render(report, width)
    assert_fits(out, width)
    for view in report.views:
        title = f"entities, view {view}, scheme {report.options.scheme}"
        for name, cells in expected_entity_rows(report, view, report.options.scheme).items():
            line = row(out, name, title)
            for cell in cells:
                assert cell in line, (name, cell, line)


@pytest.mark.parametrize("width", WIDTHS)
def test_four_schemes_side_by_side(reports, width):
    report = reports["full"]
    out = render(report, width)
    for view in report.views:
        title = f"entities, view {view}: the four schemes"
        header = row(out, "overall", title)
        assert header.split() == ["overall", *SCHEMES]
        blocks = report.views[view].counts.to_dict()
        for label, field in (("P", "precision"), ("R", "recall"), ("F1", "f1"), ("correct", "correct"),
                             ("incorrect", "incorrect"), ("partial", "partial"), ("missed", "missed"),
                             ("spurious", "spurious")):
            values = [blocks[s]["overall"][field] for s in SCHEMES]
            cells = [fmt(v) if isinstance(v, float) else str(v) for v in values]
            assert row(out, label, title).split() == [label, *cells]


@pytest.mark.parametrize("width", WIDTHS)
def test_claim_figures_whole(reports, width):
    report = reports["full"]
    out = render(report, width)
    assert_fits(out, width)
    for name in ("detection.f1", "attribution.accuracy", "topic.macro_f1", "joint.f1"):
        key = f"claims.{name}"
        line = next(ln for ln in out.splitlines() if fmt_interval(report.interval(key, "documents")) in ln
                    and fmt(report.figures[key]) in ln)
        assert fmt_interval(report.interval(key, "sentences")) in line


def test_entity_only_says_claims_not_predicted(reports):
    out = render(reports["entities"], 80)
    # the scope, as report.scope has it (claims=False: not requested), said once
    assert reports["entities"].scope["claims"] == "not requested"
    assert " ".join(out.split()).count("claims: not requested") == 1 and "claims: not predicted" not in out
    assert "claims (token Jaccard" not in out


def test_claims_only_report(reports):
    report = reports["claims"]
    out = render(report, 80)
    assert_fits(out, 80)
    assert report.scope["entities"] == "not requested"  # entities=False
    assert " ".join(out.split()).count("entities: not requested") == 1
    assert fmt(report.figures["claims.detection.f1"]) in out


@pytest.mark.parametrize("width", WIDTHS)
def test_comparison_whole(reports, width):
    comparison = reports["compare"]
    out = render(comparison, width)
    assert_fits(out, width)
    # spacy+rules predicts no claims (its file has no claims key): claims are not compared, entities are
    assert comparison.a.scope == {"entities": "scored", "claims": "not compared", "sentences": "not compared"}
    for unit, tests in comparison.tests.items():
        assert not [name for name in tests if name.startswith("claims.")]
        for name in ("entities.fine.v1.strict.f1", "entities.fine.v1.strict.recall"):
            t = tests[name]
            cells = [fmt(t.a), fmt(t.b), f"{t.diff:+.3f}", f"[{t.low:+.3f}, {t.high:+.3f}]",
                     format_p(t.p_bootstrap), format_p(t.p_randomisation)]
            assert any(all(c in line for c in cells) for line in out.splitlines()), (unit, name, cells)


def test_detail_only_when_wide_or_verbose(reports):
    report = reports["entities"]
    narrow, wide, verbose = render(report, 80), render(report, 120), render(report, 80, verbose=True)
    for out in (wide, verbose):
        for scheme in SCHEMES:
            assert f"scheme {scheme}" in out
    assert "scheme exact" not in narrow and "spurious" in narrow.split("the four schemes")[1]
    # the detailed per-type counts are whole at 80 columns too (split into a table of their own)
    assert_fits(verbose, 80)
    counts = report.views["fine.v1"].counts.to_dict()["exact"]["per_type"]["PER"]
    line = row(verbose, "PER", "scheme exact: outcome counts")
    assert line.split()[1:6] == [str(counts[f]) for f in ("correct", "incorrect", "partial", "missed", "spurious")]
    line = row(wide, "PER", "scheme exact")
    assert [str(counts[f]) for f in ("correct", "incorrect", "partial", "missed", "spurious")] == line.split()[-5:]


def test_alignment_counts_when_present(reports):
    class WithAlignment:
        def __init__(self, report):
            self._r = report
            self.alignment = {"entities": {"exact": 12, "normalised": 3, "fuzzy": 1, "unaligned": 2}}

        def __getattr__(self, name):
            return getattr(self._r, name)

    out = render(WithAlignment(reports["entities"]), 80)
    assert "alignment of entities: exact 12, normalised 3, fuzzy 1, unaligned 2" in out


def test_format_p():
    assert format_p(0.0004) == "< 0.001"
    assert format_p(0.001) == "0.001"
    assert format_p(0.06249) == "0.062"
    assert format_p(None) == "—"


def test_cli_verbose(rukp, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = rukp("evaluate", "--predictions", PREDICTIONS / "spacy+rules.jsonl", "--no-claims",
                        "--bootstrap", "50", "-v")
    assert code == 0
    assert "scheme ent_type" in out and "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
