"""A person labels an entity in Label Studio's web UI (Debian chromium via Playwright); the pull brings back exactly it.

The server is the live test's (``conftest.ls_server``); the task is pushed by ``rukp labelstudio push`` from a
temporary copy of the gold and pulled back into that copy. The browser is the system chromium (``$RUKP_CHROMIUM``,
default ``/usr/bin/chromium``): nothing is downloaded. Without it (or without Playwright) the test is skipped
locally and fails in CI (``CI=true``). A screenshot of the labelling view is saved to ``$RUKP_ARTEFACTS``
(default ``tests/artefacts/``, ignored by git).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from rukp import paths
from rukp.annotations.store import load_annotations
from rukp.labelstudio.server import API_KEY_ENV

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]

PROJECT = "rukp-browser-test"
DOC = "000"
#: The span the annotator draws: "traité" in "sur ce traité bilatéral", not yet annotated in the gold.
CONTEXT, WORD, LABEL = "sur ce traité bilatéral", "traité", "LAW"
ENTITY_ID = "russia_north_korea_strategic_partnership_treaty"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
UI_TIMEOUT_MS = 60_000

#: Bounding box of ``word`` inside the first text node of the labelling view that contains ``context``.
_WORD_BOX = """([context, word]) => {
  const root = document.querySelector('.lsf-htx-richtext');
  if (!root) return null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(context);
    if (at < 0) continue;
    const start = at + context.indexOf(word);
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + word.length);
    const box = range.getBoundingClientRect();
    return {x: box.left, y: box.top, width: box.width, height: box.height};
  }
  return null;
}"""


def _fail_or_skip(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Path:
    """The system chromium; Playwright must be importable too."""
    path = Path(os.environ.get("RUKP_CHROMIUM", "/usr/bin/chromium"))
    if not path.is_file():
        _fail_or_skip(f"no chromium at {path} (apt-get install chromium, or set RUKP_CHROMIUM)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _fail_or_skip("playwright is not installed (pip install -e '.[test]')")
    return path


def _artefact_dir() -> Path:
    directory = Path(os.environ.get("RUKP_ARTEFACTS") or paths.repo_root() / "tests" / "artefacts")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _annotate_in_browser(chromium: Path, url: str, user: str, password: str, project_id: int, task_id: int
                         ) -> Path:
    """Log in, open the task, draw the span, pick the label, fill the entity id, press Update; the screenshot."""
    from playwright.sync_api import expect, sync_playwright

    shot = _artefact_dir() / "labelstudio-labelling.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(f"{url}/user/login/")
            page.fill("#email", user)
            page.fill("#password", password)
            page.click("button.login-button")
            page.wait_for_url(lambda u: "/user/login" not in u)

            page.goto(f"{url}/projects/{project_id}/data?task={task_id}")
            page.wait_for_function(f"({_WORD_BOX})({json.dumps([CONTEXT, WORD])}) !== null", timeout=UI_TIMEOUT_MS)
            page.wait_for_load_state("networkidle")
            page.locator(".lsf-label", has_text=LABEL).first.click()
            box = page.evaluate(_WORD_BOX, [CONTEXT, WORD])
            y = box["y"] + box["height"] / 2
            page.mouse.move(box["x"] + 1, y)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] / 2, y, steps=5)
            page.mouse.move(box["x"] + box["width"] - 1, y, steps=5)
            page.mouse.up()

            # the new region is selected by a click on it; its entity id field shows only for entity labels
            page.mouse.click(box["x"] + box["width"] / 2, y)
            field = page.locator('input[name="entity_id"]:visible')
            expect(field).to_have_count(1)
            field.fill(ENTITY_ID)
            field.press("Enter")
            expect(page.get_by_text(ENTITY_ID, exact=False).first).to_be_visible()
            page.screenshot(path=str(shot))

            with page.expect_response(lambda r: "/api/annotations/" in r.url and r.request.method == "PATCH"
                                      and r.ok):
                page.click("[data-testid=bottombar-update-button]")
        finally:
            browser.close()
    return shot


def test_an_entity_labelled_in_the_browser_comes_back_as_exactly_that_diff(
        chromium, ls_server, tmp_path, monkeypatch, rukp, capsys):
    from label_studio_sdk import LabelStudio

    directory = tmp_path / "annotations"
    shutil.copytree(paths.annotations_dir(), directory)
    before = load_annotations(directory)
    untouched = {name: (directory / name).read_bytes()
                 for name in ("claims.jsonl", "relations.jsonl", "clusters.jsonl")}
    monkeypatch.setenv(API_KEY_ENV, ls_server.token)
    code, out, _ = rukp("labelstudio", "push", "--url", ls_server.url, "--project", PROJECT, "--doc", DOC,
                        "--annotations", directory)
    assert code == 0 and "1 task(s) added" in out

    client = LabelStudio(base_url=ls_server.url, api_key=ls_server.token)
    [project] = [p for p in client.projects.list(title=PROJECT) if p.title == PROJECT]
    [task] = list(client.tasks.list(project=project.id))
    text = task.data["text"]
    start = text.index(CONTEXT) + CONTEXT.index(WORD)

    began = time.monotonic()
    shot = _annotate_in_browser(chromium, ls_server.url, ls_server.user, ls_server.password, project.id, task.id)
    with capsys.disabled():
        print(f"\nbrowser session {time.monotonic() - began:.1f} s; screenshot of the labelling view: {shot}")

    code, out, _ = rukp("labelstudio", "pull", "--url", ls_server.url, "--project", PROJECT,
                        "--annotations", directory)
    assert code == 0, out
    assert f"doc {DOC} [task {task.id}" in out and "1 added, 0 removed, 0 changed" in out
    after = load_annotations(directory)
    old_ids = {e["id"] for e in before.entities}
    [added] = [e for e in after.entities if e["id"] not in old_ids]
    assert added == {"doc_id": DOC, "id": added["id"], "start": start, "end": start + len(WORD), "text": WORD,
                     "label": LABEL, "entity_id": ENTITY_ID}
    assert added["id"] == f"{DOC}-E{1 + sum(e['doc_id'] == DOC for e in before.entities):03d}"
    assert [e for e in after.entities if e["id"] in old_ids] == before.entities
    assert after.claims == before.claims and after.relations == before.relations
    assert {name: (directory / name).read_bytes() for name in untouched} == untouched
    kb_before = {k["entity_id"]: k for k in before.kb}
    changed_kb = [k for k in after.kb if kb_before.get(k["entity_id"]) != k]
    assert [k["entity_id"] for k in changed_kb] == [ENTITY_ID]  # the new alias only
    assert set(changed_kb[0]["aliases"]) == {*kb_before[ENTITY_ID]["aliases"], WORD}
