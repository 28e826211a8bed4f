"""Output paths of ``rukp evaluate``: never an input of the run, never two reports on one file, devices and
FIFOs written as they are (not replaced), a full device one line, and an extractor's ``os.chdir`` cannot move
them."""

from __future__ import annotations

import os
import shutil
import stat
import threading
from pathlib import Path

import pytest
from cli_runner import run_rukp

from rukp.errors import RukpError
from rukp.io.atomic import open_output, write_many_atomic

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    gold, preds = tmp_path / "gold.jsonl", tmp_path / "preds.jsonl"
    shutil.copy(FIXTURES / "gold.jsonl", gold)
    shutil.copy(FIXTURES / "preds.jsonl", preds)
    return gold, preds


def _evaluate(gold: Path, *args: str):
    return run_rukp("evaluate", "--gold", str(gold), "--bootstrap", "0", "-q", *args)


@pytest.mark.parametrize("option", ["--json", "--markdown", "--diff", "--html", "--per-document", "--outcomes",
                                    "--llm-raw"])
@pytest.mark.parametrize("onto", ["preds", "gold"])
def test_an_output_onto_an_input_is_refused_and_the_input_kept(files, option, onto):
    gold, preds = files
    target = preds if onto == "preds" else gold
    before = target.read_bytes()
    result = _evaluate(gold, "-p", str(preds), option, str(target))
    assert result.returncode == 2
    assert "an input of this run" in result.stderr and option in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert target.read_bytes() == before


def test_links_to_an_input_are_the_input(files, tmp_path):
    gold, preds = files
    os.link(preds, tmp_path / "hard.jsonl")
    (tmp_path / "soft.jsonl").symlink_to(gold)
    for link in ("hard.jsonl", "soft.jsonl"):
        result = _evaluate(gold, "-p", str(preds), "--json", str(tmp_path / link))
        assert result.returncode == 2 and "an input of this run" in result.stderr
    assert (tmp_path / "soft.jsonl").is_symlink()
    assert preds.read_bytes() == (FIXTURES / "preds.jsonl").read_bytes()


def test_compare_inputs_are_protected(files):
    gold, preds = files
    result = run_rukp("evaluate", "--gold", str(gold), "--compare", str(preds), str(gold), "--bootstrap", "0",
                      "--shuffles", "10", "-q", "--html", str(preds))
    assert result.returncode == 2 and "system A of --compare" in result.stderr


def test_two_outputs_on_one_file_are_refused(files, tmp_path):
    gold, preds = files
    result = _evaluate(gold, "-p", str(preds), "--json", str(tmp_path / "r"), "--markdown", str(tmp_path / "r"))
    assert result.returncode == 2 and "both write" in result.stderr
    assert not (tmp_path / "r").exists()


def test_devices_are_written_directly_and_a_full_one_is_one_line(files):
    gold, preds = files
    result = _evaluate(gold, "-p", str(preds), "--json", "/dev/null", "--markdown", "/dev/null")
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    result = _evaluate(gold, "-p", str(preds), "--json", "/dev/full")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: /dev/full: cannot write the file: No space left on device"


def test_a_fifo_output_is_written_not_replaced(tmp_path):
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_many_atomic({fifo: "hello\n"})
    reader.join(10)
    assert got == [b"hello\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_an_error_inside_open_output_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), open_output(target) as fh:
        fh.write("half")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_write_error_is_a_rukp_error(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(RukpError, match="No space left on device"):
        write_many_atomic({tmp_path / "a.txt": "x"})
    assert list(tmp_path.iterdir()) == []


def test_an_extractor_changing_folder_does_not_move_the_outputs(files, tmp_path, monkeypatch):
    gold, _ = files
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "wander.py").write_text(
        "import os\n"
        f"def extract(text):\n    os.chdir({str(elsewhere)!r})\n    return {{'entities': []}}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    result = _evaluate(gold, "-e", "wander:extract", "--json", "report.json")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.json").is_file() and not (elsewhere / "report.json").exists()
