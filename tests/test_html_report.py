"""The HTML error-analysis page (``rukp evaluate --html``): structure, escaping, counts, segments, limits.

The gold built here gives every outcome at least once (correct, wrong type, boundary, boundary + type, missed,
spurious), overlapping gold and predicted spans, claims with a wrong claimer and a differing attribute, and a
document whose text holds ``<script>alert(1)</script>``, which must render as text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from rukp.reports.html_marks import OUTCOME_NAMES, segments

SCRIPT = "<script>alert(1)</script>"
TEXT1 = "Vladimir Poutine a reçu Kim Jong-un à Moscou.\nSelon Kiev, des soldats nord-coréens combattent en Russie."
TEXT2 = f"Le Pentagone affirme {SCRIPT} que 10.000 soldats sont en Russie & ailleurs."


def _entity(doc: str, i: int, text: str, start: int, end: int, label: str) -> dict[str, Any]:
    return {"id": f"{doc}-E{i}", "start": start, "end": end, "text": text[start:end], "label": label,
            "coarse_label": None, "entity_id": None}


def _gold_docs() -> list[dict[str, Any]]:
    e1 = [_entity("d1", 1, TEXT1, 0, 16, "PER"),       # correct
          _entity("d1", 2, TEXT1, 24, 35, "PER"),      # wrong type (pred ORG)
          _entity("d1", 3, TEXT1, 38, 44, "GPE"),      # boundary (pred 38-41 GPE)
          _entity("d1", 4, TEXT1, 52, 56, "GPE"),      # missed
          _entity("d1", 5, TEXT1, 70, 82, "NORP"),     # boundary + type (pred 66-82 ORG)
          _entity("d1", 6, TEXT1, 97, 103, "GPE")]     # correct
    claims1 = [{"id": "d1-C1", "start": 58, "end": 103, "text": TEXT1[58:103], "claimer": "ukraine",
                "co_claimers": [], "claimer_start": 52, "claimer_end": 56, "polarity": "affirmed",
                "certainty": "probable", "topic": "troop_deployment", "cluster": None, "quantity": None}]
    p = TEXT2.index("Pentagone")
    r = TEXT2.index("Russie")
    e2 = [_entity("d2", 1, TEXT2, p, p + 9, "ORG"), _entity("d2", 2, TEXT2, r, r + 6, "GPE")]
    return [{"id": "d1", "text": TEXT1, "sentences": [{"start": 0, "end": 45}, {"start": 46, "end": 104}],
             "entities": e1, "claims": claims1, "relations": []},
            {"id": "d2", "text": TEXT2, "sentences": [{"start": 0, "end": len(TEXT2)}], "entities": e2,
             "claims": [], "relations": []}]


def _preds(*, claimer: str = "russia") -> list[dict[str, Any]]:
    r = TEXT2.index("Russie")
    return [{"doc_id": "d1", "entities": [
        {"start": 0, "end": 16, "label": "PER"}, {"start": 24, "end": 35, "label": "ORG"},
        {"start": 38, "end": 41, "label": "GPE"}, {"start": 66, "end": 82, "label": "ORG"},
        {"start": 97, "end": 103, "label": "GPE"}, {"start": 83, "end": 93, "label": "EVENT"}],
        "claims": [{"start": 58, "end": 103, "claimer": claimer, "polarity": "denied", "certainty": "probable"}]},
        {"doc_id": "d2", "entities": [{"start": 3, "end": 6, "label": "PER"}, {"start": r, "end": r + 6,
                                                                                  "label": "GPE"}],
         "claims": [{"start": 0, "end": 12}]}]


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


class _Collector(HTMLParser):
    """Tags with their attributes, and the page's text (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Collector:
    c = _Collector()
    c.feed(page)
    return c


@pytest.fixture
def evaluated(tmp_path: Path, rukp) -> tuple[str, dict[str, Any], Path]:
    gold = _write(tmp_path / "gold.jsonl", _gold_docs())
    preds = _write(tmp_path / "preds.jsonl", _preds())
    out, js = tmp_path / "report.html", tmp_path / "report.json"
    code, _, err = rukp("evaluate", "--gold", gold, "-p", preds, "--bootstrap", "20", "-q", "--html", out,
                        "--json", js)
    assert code == 0, err
    assert f"wrote {out}" in err
    return out.read_text(encoding="utf-8"), json.loads(js.read_text(encoding="utf-8")), tmp_path


def test_page_has_every_document_outcome_and_escapes_text(evaluated) -> None:
    page, report, _ = evaluated
    parsed = _parse(page)
    sections = [a["data-doc"] for t, a in parsed.tags if t == "section" and "data-doc" in a]
    assert sorted(sections) == ["d1", "d2"]
    mark_classes = {c for t, a in parsed.tags if t == "span" and "m" in (a.get("class") or "").split()
                    for c in (a.get("class") or "").split()}
    assert {f"o-{o}" for o in OUTCOME_NAMES} <= mark_classes
    # the document's <script> is text: escaped in the source, present in the rendered text, never a tag
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert SCRIPT in "".join(parsed.text)
    assert [t for t, _ in parsed.tags].count("script") == 1  # the page's own filter script
    assert "&amp; ailleurs" in page and "& ailleurs" not in page
    # self-contained: no external resource of any kind
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page


def test_counts_shown_equal_the_json_report(evaluated) -> None:
    page, report, _ = evaluated
    parsed = _parse(page)
    expected = Counter(o["outcome"] for o in report["entities"]["fine.v1"]["outcomes"])
    shown = {a["data-outcome"]: int(a["data-count"]) for t, a in parsed.tags if "data-count" in a
             and a.get("data-view") == "fine.v1"}
    assert shown == {o: expected.get(o, 0) for o in OUTCOME_NAMES}
    assert all(v >= 1 for v in shown.values())
    strict = report["entities"]["fine.v1"]["schemes"]["strict"]["overall"]
    assert f"<td><b>{strict['f1']:.3f}</b></td>" in page


def test_claims_show_claimer_names_and_attribute_differences(evaluated) -> None:
    page, _, _ = evaluated
    text = "".join(_parse(page).text)
    assert "Ukraine «Kiev»" in text    # gold claimer: kb id resolved to its name, with its mention
    assert "Russia" in text            # predicted claimer by name
    assert "polarity: affirmed → denied" in text
    assert "certainty:" not in text    # equal attributes are not listed
    assert "spurious" in text and "matched" in text


def test_overlapping_spans_become_segments_with_every_class() -> None:
    text = "abcdefghijklmnop"
    items = [{"outcome": "partial", "gold": {"start": 0, "end": 10, "label": "PER"},
              "pred": {"start": 5, "end": 15, "label": "PER"}},
             {"outcome": "spurious", "gold": None, "pred": {"start": 8, "end": 12, "label": "ORG"}}]
    pieces = segments(text, items)
    assert "".join(p["text"] for p in pieces if "text" in p) == text
    marks = [(p["text"], set(p["cls"].split())) for p in pieces if p.get("mark")]
    assert marks == [("abcde", {"m", "o-partial", "g"}), ("fgh", {"m", "o-partial", "g", "p"}),
                     ("ij", {"m", "o-spurious", "o-partial", "g", "p", "multi"}),
                     ("kl", {"m", "o-spurious", "o-partial", "p", "multi"}), ("mno", {"m", "o-partial", "p"})]
    chips = [p["chip"] for p in pieces if "chip" in p]
    assert chips == ["+ORG", "~PER"]


def test_html_docs_keeps_the_worst_documents_and_says_so(tmp_path: Path, rukp) -> None:
    gold = _write(tmp_path / "gold.jsonl", _gold_docs())
    preds = _write(tmp_path / "preds.jsonl", _preds())
    out = tmp_path / "one.html"
    code, _, err = rukp("evaluate", "--gold", gold, "-p", preds, "--bootstrap", "0", "-q", "--html", out,
                        "--html-docs", "1")
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert "Showing 1 of 2 documents" in page
    sections = [a["data-doc"] for t, a in _parse(page).tags if t == "section" and "data-doc" in a]
    assert sections == ["d1"]  # d1 (strict F1 1/3) is worse than d2 (1/2)
    code, _, err = rukp("evaluate", "--gold", gold, "-p", preds, "-q", "--html", out, "--html-docs", "0")
    assert code == 2 and "--html-docs" in err


def test_page_is_deterministic(tmp_path: Path, rukp) -> None:
    gold = _write(tmp_path / "gold.jsonl", _gold_docs())
    preds = _write(tmp_path / "preds.jsonl", _preds())
    pages = []
    for name in ("a.html", "b.html"):
        rukp("evaluate", "--gold", gold, "-p", preds, "--bootstrap", "20", "-q", "--html", tmp_path / name)
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]


def test_compare_page_shows_where_the_systems_differ(tmp_path: Path, rukp) -> None:
    gold = _write(tmp_path / "gold.jsonl", _gold_docs())
    a = _write(tmp_path / "a.jsonl", _preds(claimer="ukraine"))
    rows = _preds()
    rows[0]["entities"][0]["label"] = "ORG"                             # B gets Poutine wrong
    rows[0]["entities"].append({"start": 52, "end": 56, "label": "GPE"})  # B finds Kiev
    b = _write(tmp_path / "b.jsonl", rows)
    out = tmp_path / "cmp.html"
    code, _, err = rukp("evaluate", "--gold", gold, "--compare", a, b, "--bootstrap", "20", "--shuffles", "20",
                        "-q", "--html", out)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    parsed = _parse(page)
    marks = [a_.get("title") or "" for t, a_ in parsed.tags if t == "span" and "m" in (a_.get("class") or "").split()
             and "data-k" in a_]
    assert any("Vladimir Poutine" in m and "A: correct" in m for m in marks)
    assert any("Kiev" in m and "B: correct" in m for m in marks)
    assert 'id="count-a_right">2<' in page and 'id="count-b_right">1<' in page  # Poutine + the claimer; Kiev
    assert "matched, claimer right" in "".join(parsed.text)


def test_benchmark_pages_and_leaderboard_links(tmp_path: Path) -> None:
    import rukp
    from rukp.leaderboard import render_markdown
    from rukp.reports.html import benchmark_pages, page_filename

    gold = _write(tmp_path / "gold.jsonl", _gold_docs())
    report = rukp.evaluate(_preds(), gold=gold, bootstrap=10, progress=False)
    pages = benchmark_pages({"spacy:fr_core_news_sm": report}, tmp_path / "html")
    assert list(pages) == [tmp_path / "html" / "spacy_fr_core_news_sm.html"]
    page = next(iter(pages.values()))
    assert "<title>rukp errors: spacy:fr_core_news_sm</title>" in page
    assert str(tmp_path) not in page  # no machine-specific path on a committed page
    board = {"gold": {"path": "g", "sha256": "0" * 64, "documents": 2, "entities": 8, "claims": 1},
             "bootstrap": {"resamples": 10, "seed": 0}, "rows": [], "notes": [],
             "systems": [{"system": "spacy:fr_core_news_sm"}]}
    assert f"(html/{page_filename('spacy:fr_core_news_sm')})" in render_markdown(board)


def test_report_to_html_writes_the_same_page_as_the_renderer(tmp_path) -> None:
    import rukp
    from rukp.paths import repo_root
    from rukp.reports import html

    predictions = repo_root() / "benchmark" / "results" / "predictions" / "spacy+rules.jsonl"
    report = rukp.evaluate(predictions, bootstrap=0, progress=False)
    out = report.to_html(tmp_path / "page.html")
    assert out.read_text(encoding="utf-8") == html.render(report)


def test_compare_page_prints_tiny_p_values_as_a_bound_not_zero() -> None:
    import re

    import rukp
    from rukp.paths import repo_root
    from rukp.reports import html

    predictions = repo_root() / "benchmark" / "results" / "predictions"
    comparison = rukp.compare(predictions / "spacy+rules.jsonl", predictions / "capitalised.jsonl",
                              bootstrap=200, shuffles=2000, progress=False)
    page = html.render(comparison)
    assert "&lt; 0.001" in page  # sentences: the systems differ far beyond what 2,000 shuffles can resolve
    assert not re.search(r'class="[^"]*\bp\b[^"]*">0\.000<', page)
