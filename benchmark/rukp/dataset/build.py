"""Write the dataset views (``benchmark/rukp/data/*.jsonl``) and the README header; check they are fresh."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.annotations.store import load_annotations
from rukp.corpus.build import load_corpus
from rukp.dataset.card import render_header, replace_header
from rukp.dataset.features import CONFIGS
from rukp.dataset.views import all_views
from rukp.errors import ValidationFailed
from rukp.io.atomic import dumps_jsonl, write_many_atomic


@dataclass(frozen=True)
class DatasetBuild:
    """The rows of each config and the files that differ from what is on disk."""

    views: dict[str, list[dict[str, Any]]]
    stale: list[Path]


def dataset_files(views: dict[str, list[dict[str, Any]]], root: Path) -> dict[Path, str]:
    """Every generated file (views and README) as path → text."""
    data = paths.data_dir(root)
    files = {data / f"{name}.jsonl": dumps_jsonl(views[name]) for name in CONFIGS}
    readme = root / "README.md"
    current = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    sizes = {n: len(files[data / f"{n}.jsonl"].encode("utf-8")) for n in CONFIGS}
    files[readme] = replace_header(current, render_header({n: len(views[n]) for n in CONFIGS}, sizes))
    return files


def build_dataset(root: Path | None = None, *, check: bool = False) -> DatasetBuild:
    """Derive every config from corpus + annotations; write the stale files unless ``check``. The checkout is
    validated first (as ``rukp validate``): invalid annotations are listed, never half-built into views."""
    root = root or paths.repo_root()
    if check:
        return _build(root, check=True)
    from rukp.io.lock import annotations_lock

    with annotations_lock(paths.annotations_dir(root), "`rukp dataset build`"):
        return _build(root, check=False)


def _build(root: Path, *, check: bool) -> DatasetBuild:
    """Validate the checkout, then derive the views and write the stale files unless ``check``."""
    from rukp.annotations.validate import check_repo

    corpus = load_corpus(root)  # a missing or unreadable corpus is one line, before the full validation
    problems = check_repo(root).problems
    if problems:
        raise ValidationFailed(problems, what="dataset build: nothing written; `rukp validate`")
    views = all_views(corpus, load_annotations(paths.annotations_dir(root)))
    files = dataset_files(views, root)
    stale = [p for p, text in files.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if stale and not check:
        write_many_atomic({p: files[p] for p in stale})
    return DatasetBuild(views, stale)
