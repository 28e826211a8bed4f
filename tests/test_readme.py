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


def test_readme_loading_example_runs_as_written_from_the_repository_root(monkeypatch):
    """The block runs unchanged from the root with the installed ``datasets`` and gives the bundled rows."""
    import datasets

    from rukp.io.jsonl import read_jsonl

    blocks = [b for b in _python_blocks() if "load_dataset" in b]
    assert blocks, "the README lost its loading example"
    monkeypatch.chdir(paths.repo_root())
    monkeypatch.setitem(os.environ, "HF_HUB_OFFLINE", "1")
    scope: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), scope)
    data = paths.data_dir()
    for name in ("ner", "ents", "claims", "kb", "sents"):
        config = {"ents": "entities", "sents": "sentences"}.get(name, name)
        assert scope[name].num_rows == len(read_jsonl(data / f"{config}.jsonl")), (name, datasets.__version__)
    assert scope["docs"]["id"] == [d["id"] for d in read_jsonl(data / "documents.jsonl")]
