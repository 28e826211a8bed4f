"""Atomic writes: all files replaced or none, and a bad target is one clear error before anything is written."""

from __future__ import annotations

import pytest

from rukp.errors import RukpError
from rukp.io.atomic import write_many_atomic


def test_all_or_nothing_when_one_target_is_a_directory(tmp_path):
    good = tmp_path / "a.jsonl"
    good.write_text("old\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    with pytest.raises(RukpError, match="folder: is a directory"):
        write_many_atomic({good: "new\n", tmp_path / "folder": "x"})
    assert good.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "folder"]  # no temp files left


def test_a_file_in_the_way_of_a_folder_is_reported(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(RukpError, match="is a file, not a folder"):
        write_many_atomic({blocker / "report.json": "{}"})


def test_writes_replace_every_file(tmp_path):
    files = {tmp_path / "x" / "a.txt": "A", tmp_path / "b.txt": "B"}
    write_many_atomic(files)
    assert {p.read_text(encoding="utf-8") for p in files} == {"A", "B"}
