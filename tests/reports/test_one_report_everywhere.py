"""Every format renders the same figures from one Report: a run with text items found nowhere (unaligned),
partial coverage (some gold documents without predictions), an unresolved claimer name and a wrong-type pair,
rendered in the terminal (80 columns), Markdown, JSON and HTML (the system's page and a comparison page), and
each figure checked in each of them; the per-type convention and the coverage note are said everywhere."""

from __future__ import annotations

import html as html_lib
import io
import json
import re

import pytest
from rich.console import Console

import rukp
from rukp.io.jsonl import read_jsonl
from rukp.paths import BUNDLED_DATA
from rukp.reports import html, markdown, terminal
from rukp.reports.formatting import fmt
from rukp.scoring.schemes import PER_TYPE_CONVENTION

COVERED = 2  # the first two gold documents get predictions, the others none
UNALIGNED = 3  # text items per covered document that occur nowhere in the text


def _predictions() -> list[dict]:
    docs = list(read_jsonl(BUNDLED_DATA / "documents.jsonl"))[:COVERED]
    rows = []
    for d in docs:
        entities = [{"start": e["start"], "end": e["end"], "label": e["label"]} for e in d["entities"][::2]]
        entities[0]["label"] = "NORP" if entities[0]["label"] != "NORP" else "GPE"  # one wrong-type pair
        entities += [{"text": f"Zorglub{i}", "label": "PER"} for i in range(UNALIGNED)]
        claims = [{"start": c["start"], "end": c["end"], "claimer": c["claimer"]} for c in d["claims"][::2]]
        claims[0]["claimer"] = "Monsieur Personne"  # resolves to no kb entry: a wrong claimer
        rows.append({"doc_id": d["id"], "entities": entities, "claims": claims})
    return rows


@pytest.fixture(scope="module")
def run() -> dict:
    report = rukp.evaluate(_predictions(), bootstrap=100, progress=False)
    other = [{"doc_id": r["doc_id"], "entities": r["entities"][:-UNALIGNED], "claims": r["claims"]}
             for r in _predictions()]
    comparison = rukp.compare(other, _predictions(), bootstrap=100, shuffles=200, progress=False)
    buf = io.StringIO()
    terminal.render(report, Console(file=buf, width=80, color_system=None))
    page = html.render_report(report)
    return {"report": report, "comparison": comparison, "terminal": buf.getvalue(),
            "markdown": markdown.render(report), "json": json.loads(report.to_json()),
            "html": html_lib.unescape(re.sub(r"<[^>]+>", " ", page)), "page": page,
            "compare_page": html.render(comparison), "compare_markdown": markdown.render(comparison)}


def _words(text: str) -> str:
    return " ".join(text.split())


def _row(text: str, name: str) -> str:
    """The first table line (terminal or Markdown) whose first cell is ``name``."""
    for line in text.splitlines():
        cells = [c for c in re.split(r"\s{2,}|\|", line.strip()) if c.strip()]
        if cells and cells[0].strip() == name:
            return line
    raise AssertionError(f"no row {name!r}")


def test_entity_figures_are_the_same_in_every_format(run: dict) -> None:
    report = run["report"]
    view, scheme = "fine.v1", report.options.scheme
    block = run["json"]["entities"][view]["schemes"][scheme]
    counts = report.views[view].counts
    assert counts.field(scheme, "spurious") >= COVERED * UNALIGNED
    for label, row in [*block["per_type"].items(), ("overall", block["overall"])]:
        if label != "overall" and row["possible"] + row["actual"] == 0:
            continue
        key = f"entities.{view}.{scheme}" + ("" if label == "overall" else f".{label}")
        cells = [fmt(report.figures[f"{key}.{m}"]) for m in ("precision", "recall", "f1")]
        assert cells == [fmt(row[m]) for m in ("precision", "recall", "f1")], label  # JSON = the figures
        for fmt_name in ("terminal", "markdown"):
            line = _row(run[fmt_name], label)
            assert all(c in line for c in cells), (fmt_name, label, line, cells)
            assert str(row["possible"]) in line
    macro = [fmt(report.figures[f"entities.{view}.{scheme}.macro.{m}"]) for m in ("precision", "recall", "f1")]
    for fmt_name in ("terminal", "markdown"):
        assert all(c in _row(run[fmt_name], "macro") for c in macro)
    # the HTML page: the headline F1 of every type, the outcome counts (unaligned items are spurious)
    outcome = run["json"]["entities"][view]["outcome_counts"]
    assert outcome["spurious"] == counts.field(scheme, "spurious")
    for name, n in outcome.items():
        assert f'data-outcome="{name}" data-count="{n}"' in run["page"], name
    for label, row in block["per_type"].items():
        if row["possible"] + row["actual"]:
            assert re.search(rf"{label}(?: \(not predicted\))? \S+ \S+ {re.escape(fmt(row['f1']))}",
                             _words(run["html"])), label


def test_claim_figures_are_the_same_in_every_format(run: dict) -> None:
    report, j = run["report"], run["json"]["claims"]
    pairs = [("detection", "f1", "detection F1"), ("joint", "f1", "claim+claimer F1"),
             ("attribution", "accuracy", "claimer accuracy (matched)")]
    for key, metric, label in pairs:
        value = fmt(report.figures[f"claims.{key}.{metric}"])
        assert fmt(j[key][metric]) == value
        for fmt_name in ("terminal", "markdown"):
            assert value in _row(run[fmt_name], label), fmt_name
    assert report.figures["claims.attribution.accuracy"] < 1.0  # the unresolved name is a wrong claimer
    det = j["detection"]
    assert f"gold {det['gold']} · predicted {det['predicted']} · matched {det['matched']}" in run["html"]


def test_coverage_and_convention_are_said_everywhere(run: dict) -> None:
    report = run["report"]
    without = report.metadata["predictions"]["documents_without_predictions_ids"]
    assert len(without) == len(report.gold.documents) - COVERED
    note = report.coverage_note
    assert note is not None and all(d in note for d in without) and "--doc" in note
    assert "scored as predicting nothing" in note
    convention = f"per type: {PER_TYPE_CONVENTION}"
    assert run["json"]["metadata"]["per_type_convention"] == PER_TYPE_CONVENTION
    for name in ("terminal", "markdown", "html"):
        text = _words(run[name])
        assert _words(note) in text, name
        assert convention in text, name
    assert _words(note) in _words(repr(report))
    assert note in run["json"]["metadata"]["notes"]


def test_comparison_page_counts_unaligned_items_and_states_conclusions(run: dict) -> None:
    comparison = run["comparison"]
    page = html_lib.unescape(run["compare_page"])
    b = comparison.b.to_dict()["entities"]["fine.v1"]["outcome_counts"]
    a = comparison.a.to_dict()["entities"]["fine.v1"]["outcome_counts"]
    assert b["spurious"] == a["spurious"] + COVERED * UNALIGNED
    for tag, counts in (("a", a), ("b", b)):
        for name, n in counts.items():
            assert f'id="count-{tag}-fine.v1-{name}" data-count="{n}"' in page, (tag, name)
    text = _words(re.sub(r"<[^>]+>", " ", page))
    lines = comparison.conclusions()
    names = [label for _, label in comparison.headline()]
    assert len(lines) == len(names) and all(n in line for n, line in zip(names, lines, strict=True))
    test = comparison.tests["documents"]["entities.fine.v1.strict.f1"]
    assert f"{test.diff:+.3f}" in lines[0] and "randomisation p = " in lines[0] and "5 documents" in lines[0]
    assert ("not significant" in lines[0]) == (test.p_randomisation >= 0.05)
    for rendered in (text, _words(run["compare_markdown"]), _words(repr(comparison))):
        assert all(_words(line) in rendered for line in lines)
    buf = io.StringIO()
    terminal.render(comparison, Console(file=buf, width=80, color_system=None))
    out = buf.getvalue()
    assert all(_words(line) in _words(out) for line in lines)
    assert all(len(line) <= 80 for line in out.splitlines())
