"""The HTML error-analysis page in a real browser (Debian's chromium through Playwright, from file://).

Scores the spacy+rules baseline's predictions, opens the page, checks that the counts shown per outcome equal
the JSON report's, that the filters hide and show marks and rows, that nothing is fetched from the network,
and saves a screenshot as a test artefact (``tests/artefacts/``, ignored by git; its path is printed).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from rukp import paths
from rukp.reports.html_marks import OUTCOME_NAMES

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ARTEFACTS = Path(__file__).parent / "artefacts"
PREDICTIONS = paths.repo_root() / "benchmark" / "results" / "predictions" / "spacy+rules.jsonl"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"no system chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def test_page_in_browser_counts_filters_and_screenshot(browser, tmp_path: Path, rukp) -> None:
    out, js = tmp_path / "report.html", tmp_path / "report.json"
    code, _, err = rukp("evaluate", "-p", PREDICTIONS, "--bootstrap", "50", "-q", "--html", out, "--json", js)
    assert code == 0, err
    report = json.loads(js.read_text(encoding="utf-8"))
    expected = Counter(o["outcome"] for o in report["entities"]["fine.v1"]["outcomes"])

    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(out.as_uri())

    # the counts shown per outcome are the JSON report's
    for outcome in OUTCOME_NAMES:
        cell = page.locator(f'[data-view="fine.v1"][data-outcome="{outcome}"]')
        assert int(cell.inner_text()) == expected.get(outcome, 0), outcome
        box = page.locator(f'#filters input[data-filter="outcome"][value="{outcome}"] ~ b')
        assert int(box.inner_text()) == expected.get(outcome, 0), outcome
    assert page.locator(".doc").count() == report["metadata"]["gold"]["documents"]
    shown = page.locator("#shown-note").inner_text()
    assert f"Showing {report['metadata']['gold']['documents']} of" in shown

    # untick "missed": marks of missed spans lose their colour and their rows hide; tick again: back
    only_missed = '.doc .m.o-missed:not(.multi)'
    assert page.locator(only_missed).count() > 0
    first = page.locator(only_missed).first
    coloured = first.evaluate("el => getComputedStyle(el).backgroundColor")
    rows = page.locator('tr[data-k*="missed"]')
    assert rows.first.is_visible()
    page.locator('#filters input[data-filter="outcome"][value="missed"]').uncheck()
    assert page.locator(f"{only_missed}:not(.off)").count() == 0
    assert first.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert not rows.first.is_visible()
    assert page.locator(".doc .m.o-correct:not(.multi):not(.off)").count() > 0  # other outcomes untouched
    page.locator('#filters input[data-filter="outcome"][value="missed"]').check()
    assert first.evaluate("el => getComputedStyle(el).backgroundColor") == coloured
    assert rows.first.is_visible()

    # type filter: "none" switches every mark off, "all" back on
    page.locator('#filters button[data-none="type"]').click()
    assert page.locator(".doc .m:not(.off)").count() == 0
    page.locator('#filters button[data-all="type"]').click()
    assert page.locator(".doc .m.off").count() == 0

    # "errors only" leaves correct spans uncoloured
    page.locator("#filters button[data-errors]").click()
    assert page.locator(".doc .m.o-correct:not(.multi):not(.off)").count() == 0

    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / "html-report.png"
    page.locator("#documents").scroll_into_view_if_needed()
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    assert errors == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
