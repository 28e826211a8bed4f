"""Imports never silently lose newer work: the annotation choice compares numbers and times, a stale export is
refused (unless ``--force``), a hung or dead server is reported within a bounded time."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest
from synthetic_gold import as_export, small_gold

from rukp.annotations.store import load_annotations, save_annotations
from rukp.corpus.build import load_corpus
from rukp.errors import RukpError
from rukp.io.labelstudio.results import choose_annotation
from rukp.labelstudio.ledger import LEDGER_FILE
from rukp.labelstudio.tasks import build_tasks, gold_rows

CORPUS = load_corpus()
DOCS_PAGE = Path(__file__).parents[2] / "docs" / "labelstudio.md"


def test_the_choice_compares_ids_as_numbers_and_times_as_datetimes():
    same = {"created_at": "2026-01-01T10:00:00Z", "updated_at": "2026-01-01T10:00:01Z", "result": []}
    chosen, why = choose_annotation([{**same, "id": 99}, {**same, "id": 100}])
    assert chosen["id"] == 100 and "annotation 100 of 2 (latest completed)" in why
    later = {**same, "id": 7, "updated_at": "2026-01-01T10:00:01.500000Z"}
    assert choose_annotation([later, {**same, "id": 8}])[0]["id"] == 7
    offset = {**same, "id": 9, "updated_at": "2026-01-01T11:00:00.5+01:00"}  # 10:00:00.5 UTC: before 10:00:01Z
    assert choose_annotation([offset, {**same, "id": 8}])[0]["id"] == 8


def _export(annotation_id: int, updated_at: str | None, drop_claim: str | None = None,
            polarity: str | None = None) -> list[dict]:
    """Label Studio's export of the small gold's document 000, as annotation ``annotation_id`` with an edit."""
    gold = small_gold(CORPUS)
    [task] = as_export(build_tasks([CORPUS[0]], gold_rows(gold, ["000"]), target="annotations"))
    [annotation] = task["annotations"]
    annotation["id"] = annotation_id
    for key in ("created_at", "updated_at"):
        if updated_at is None:
            del annotation[key]
        else:
            annotation[key] = updated_at
    result = annotation["result"]
    if drop_claim:
        result[:] = [i for i in result if drop_claim not in (i.get("id"), i.get("from_id"), i.get("to_id"))]
    if polarity:
        for item in result:
            if item.get("id") == "000-C001" and item["from_name"] == "polarity":
                item["value"]["choices"] = [polarity]
    return [task]


def _write(path: Path, export: list[dict]) -> Path:
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return path


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def gold_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "annotations"
    save_annotations(small_gold(CORPUS), directory)
    return directory


def test_an_older_export_is_refused_naming_what_it_would_revert_unless_forced(gold_dir, tmp_path, rukp):
    newer = _write(tmp_path / "newer.json", _export(100, "2026-02-01T10:00:00.250000Z", drop_claim="000-C002"))
    older = _write(tmp_path / "older.json", _export(100, "2026-02-01T10:00:00Z"))
    code, out, err = rukp("labelstudio", "import", newer, "--annotations", gold_dir)
    assert code == 0 and "annotations written" in out, err
    ledger = json.loads((gold_dir / LEDGER_FILE).read_text(encoding="utf-8"))["documents"]["000"]
    assert (ledger["annotation"], ledger["updated_at"], ledger["source"]) == (100, "2026-02-01T10:00:00.250000Z",
                                                                              "newer.json")
    before = _snapshot(gold_dir)
    code, out, err = rukp("labelstudio", "import", older, "--annotations", gold_dir)
    assert code != 0 and _snapshot(gold_dir) == before
    message = err.strip().splitlines()[-1]
    assert "refusing a stale export, nothing written" in message and "--force" in message
    assert "doc 000 (task 1): annotation 100 (updated 2026-02-01T10:00:00Z) is older than annotation 100" in message
    assert "would revert 2 change(s): + claim 000-C002" in message  # the removed claim and its relation return
    code, out, err = rukp("labelstudio", "import", older, "--annotations", gold_dir, "--force")
    assert code == 0 and "annotations written" in out and "--force: doc 000" in out, err
    assert any(c["id"] == "000-C002" for c in load_annotations(gold_dir).claims)


def test_an_annotation_superseded_by_a_later_import_is_refused(gold_dir, tmp_path):
    from rukp.labelstudio.importer import import_export

    first = _write(tmp_path / "first.json", _export(100, None, drop_claim="000-C002"))
    second = _write(tmp_path / "second.json", _export(101, None, drop_claim="000-C002", polarity="denied"))
    assert import_export(first, annotations_dir=gold_dir).written
    assert import_export(second, annotations_dir=gold_dir).written
    before = _snapshot(gold_dir)
    with pytest.raises(RukpError, match=r"annotation 100 was superseded by annotation 101 imported from "
                                        r"'second.json'; it would revert 1 change\(s\): ~ claim 000-C001: "
                                        r"polarity 'denied' → 'affirmed'"):
        import_export(first, annotations_dir=gold_dir)
    assert _snapshot(gold_dir) == before
    ledger = json.loads((gold_dir / LEDGER_FILE).read_text(encoding="utf-8"))["documents"]["000"]
    assert ledger["superseded"] == [100] and ledger["annotation"] == 101


@pytest.fixture
def hung_server():
    """A port that accepts connections (the kernel's backlog) and never answers: a paused server."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.mark.parametrize("command", ["push", "pull"])
def test_a_hung_server_gives_one_error_line_within_the_timeout(hung_server, gold_dir, monkeypatch, rukp, command):
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "not-a-real-key")
    import label_studio_sdk  # noqa: F401  (imported before the clock starts)
    import label_studio_sdk.client  # noqa: F401

    before = _snapshot(gold_dir)
    start = time.monotonic()
    code, out, err = rukp("labelstudio", command, "--url", hung_server, "--annotations", gold_dir,
                          "--timeout", "1.5", "--deadline", "60")
    elapsed = time.monotonic() - start
    assert code != 0 and elapsed < 30, (elapsed, out, err)
    [line] = [ln for ln in err.splitlines() if ln.strip()]
    assert f"Label Studio at {hung_server} did not answer in time while trying to check the API key" in line
    assert "no answer within 1.5 s" in line and "paused or overloaded" in line
    assert _snapshot(gold_dir) == before


def test_the_deadline_bounds_the_whole_exchange(hung_server, monkeypatch):
    from rukp.labelstudio.server import connect

    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "not-a-real-key")
    with pytest.raises(RukpError, match=r"no answer before the deadline of 0\.5 s in all"):
        connect(hung_server, timeout=5, deadline=0.5)  # the deadline is shorter than one answer's timeout
    with pytest.raises(RukpError, match="must be positive"):
        connect(hung_server, timeout=0)


def _start_lines() -> str:
    """Section 0's start-up lines of docs/labelstudio.md: from ``label-studio start`` to the check after the wait."""
    text = DOCS_PAGE.read_text(encoding="utf-8")
    block = re.search(r"^(\.venv-ls/bin/label-studio start .*?\n)(?:.*\n)*?(\[ \"\$ls_up\" = yes \].*\n)", text,
                      flags=re.M)
    assert block, "docs/labelstudio.md: the start-up block (start … wait … check) is not where the test expects"
    return block.group(0)


def _run_start(tmp_path: Path, fake_script: str, tail: str = "") -> tuple[subprocess.CompletedProcess, float]:
    """Run the documented start-up lines with ``fake_script`` as ``.venv-ls/bin/label-studio``; (result, seconds)."""
    fake = tmp_path / ".venv-ls" / "bin" / "label-studio"
    fake.parent.mkdir(parents=True)
    fake.write_text(fake_script, encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    with socket.socket() as s:  # a free port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    script = "set -euo pipefail\n" + _start_lines().replace("8080", str(port)) + tail
    start = time.monotonic()
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    return done, time.monotonic() - start


def test_the_documented_start_waits_until_the_server_answers(tmp_path):
    """A stand-in server that answers ``/health`` (a static file server, after a short start-up)."""
    fake = '#!/bin/sh\ncd "$(dirname "$0")" && touch health && sleep 3 && exec python3 -m http.server "$5" ' \
           '--bind 127.0.0.1\n'
    done, elapsed = _run_start(tmp_path, fake, tail='echo "up=$ls_up"; kill "$ls_pid"\n')
    assert done.returncode == 0, done.stderr
    assert "up=yes" in done.stdout and "not up" not in done.stdout
    assert elapsed < 60


def test_the_documented_start_notices_a_dead_server_at_once(tmp_path):
    """A server that crashes at start (as with an incompatible sentry-sdk) is reported in seconds, with its log."""
    fake = ("#!/bin/sh\necho 'Traceback (most recent call last):'\n"
            "echo \"TypeError: Unknown option 'send_default_pii'\"\nexit 1\n")
    done, elapsed = _run_start(tmp_path, fake)
    assert done.returncode == 0, done.stderr
    assert elapsed < 20, f"the wait went on for {elapsed:.0f} s after the server had died"
    assert "Label Studio is not up; the end of label-studio.log:" in done.stdout
    assert "TypeError: Unknown option 'send_default_pii'" in done.stdout
