"""The README's Python examples run as written (from the repository root)."""

from __future__ import annotations

import os
import re

from rukp import paths


def _python_blocks() -> list[str]:
    text = (paths.repo_root() / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_scoring_example_runs(capsys, monkeypatch):
    blocks = [b for b in _python_blocks() if "rukp.evaluate(" in b]
    assert blocks, "the README lost its scoring example"
    monkeypatch.chdir(paths.repo_root())
    monkeypatch.setitem(os.environ, "HF_HUB_OFFLINE", "1")
    exec(compile(blocks[0], "README.md", "exec"), {})
    printed = capsys.readouterr().out.split()
    assert len(printed) >= 3 and 0.0 < float(printed[0]) <= 1.0


def test_readme_loading_example_runs(monkeypatch):
    blocks = [b for b in _python_blocks() if "load_dataset" in b]
    assert blocks
    code = blocks[0].replace('"path/to/rukp-fr"', repr(str(paths.repo_root())))
    monkeypatch.setitem(os.environ, "HF_HUB_OFFLINE", "1")
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert scope["docs"].num_rows == len(set(scope["ents"]["doc_id"]) | set(scope["docs"]["id"]))
    assert scope["kb"].num_rows > 0 and scope["claims"].num_rows > 0
