"""Plots name the system, show overall and per-type bars, mark "not predicted", and have a claims panel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rukp.reports import plot
from rukp.reports.leaderboard_plot import figure as leaderboard_figure
from rukp.reports.leaderboard_plot import render_png, restricted_note

PNG = b"\x89PNG\r\n\x1a\n"
RESULTS = Path(__file__).resolve().parents[2] / "benchmark" / "results"


def texts(fig) -> list[str]:
    """Every text of a figure: titles, tick labels, annotations."""
    import matplotlib.text

    return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]


@pytest.fixture(autouse=True)
def _close():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("kind", ["full", "entities", "claims", "compare"])
def test_png_of_every_kind(reports, kind, tmp_path):
    path = tmp_path / "report.png"
    plot.write(reports[kind], path)
    assert path.read_bytes()[:8] == PNG


def test_title_names_system_and_gold(reports):
    all_text = " ".join(texts(plot.figure(reports["full"])))
    assert "rules-claims.jsonl" in all_text and "documents.jsonl" in all_text
    assert "A: spacy+rules.jsonl" in " ".join(texts(plot.figure(reports["compare"])))


def test_overall_and_types_and_not_predicted(reports):
    report = reports["entities"]  # spacy+rules: never predicts FAC or LAW, which are in the gold
    fig = plot.figure(report)
    all_text = texts(fig)
    n = report.views["fine.v1"].counts.possible("strict")
    assert n > 0 and any(t.startswith(f"overall (micro), n={n}") for t in all_text)
    rows = dict(plot.entity_rows([report], "fine.v1"))
    never = [lab for lab in report.views["fine.v1"].view.labels
             if lab not in plot.predicted_labels(report, "fine.v1") and report.views["fine.v1"].counts.possible(
                 "strict", lab)]
    assert never  # the check below must have something to check
    for lab in never:
        (bar,) = rows[f"{lab}, n={report.views['fine.v1'].counts.possible('strict', lab)}"]
        assert bar.value is None and bar.note == plot.NOT_PREDICTED
    assert all_text.count(plot.NOT_PREDICTED) == len(never)
    assert "claims: not requested" in all_text  # claims=False: the panel says why, from report.scope
    # a predicted type scored 0 keeps a value (0.000 is written next to it), never "not predicted"
    assert f"{report.f1('fine', 'strict', 'PER'):.3f}" in all_text


def test_zero_is_not_not_predicted():
    import rukp

    # one LAW prediction on a span that is not a LAW: LAW is predicted and scores 0; FAC is never predicted
    report = rukp.evaluate([{"doc_id": "000", "entities": [{"start": 0, "end": 5, "label": "LAW"}]}],
                           claims=False, bootstrap=0, progress=False)
    counts = report.views["fine.v1"].counts
    rows = dict(plot.entity_rows([report], "fine.v1"))
    (law,) = rows[f"LAW, n={counts.possible('strict', 'LAW')}"]
    (fac,) = rows[f"FAC, n={counts.possible('strict', 'FAC')}"]
    assert law.note is None and law.value == 0.0
    assert fac.note == plot.NOT_PREDICTED and fac.value is None
    assert "0.000" in texts(plot.figure(report))


def test_claims_panel(reports):
    all_text = texts(plot.figure(reports["claims"]))
    assert "entities: not requested" in all_text
    value = reports["claims"].figures["claims.detection.f1"]
    assert "detection F1" in all_text and f"{value:.3f}" in all_text
    # A (spacy+rules) predicts no claims, B does: claims are not compared, and the panel says so for both
    compared = texts(plot.figure(reports["compare"]))
    assert compared.count("claims: not compared") == 2 and "claims: not predicted" not in compared


def test_leaderboard_png_legend_intervals_and_spacy_note():
    board = json.loads((RESULTS / "leaderboard.json").read_text(encoding="utf-8"))
    assert render_png(board)[:8] == PNG
    for row in board["rows"]:  # boards written before claim_f1_ci existed draw no claim whisker
        if row.get("claim_f1") is not None:
            row["claim_f1_ci"] = [row["claim_f1"] - 0.05, min(row["claim_f1"] + 0.05, 1.0)]
    fig = leaderboard_figure(board)
    all_text = texts(fig)
    assert {"fine view", "coarse view"} <= set(all_text)  # the legend of the views
    assert "spacy:fr_core_news_md*" in all_text and any("(fine: PER/ORG only)" in t for t in all_text)
    assert "spacy+rules" in all_text  # no asterisk: its labels are the view's own
    claim_ax = fig.axes[1]
    whiskers = [c for c in claim_ax.containers if getattr(c, "has_xerr", False)]
    assert len(whiskers) == sum(1 for r in board["rows"] if r["view"] == "fine" and r.get("claims_scored"))
    assert restricted_note(board, "spacy:fr_core_news_md", "fine") == "fine: PER/ORG only"
    assert restricted_note(board, "spacy:fr_core_news_md", "coarse") is None
