"""``rukp docs build``: regenerate DATASHEET.md's blocks, README.md's card body and croissant.json; check freshness.

Everything is rendered in memory first; files that differ are then written together, atomically (all or none).
With ``check`` nothing is written and the stale files are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.dataset.features import CONFIGS
from rukp.docs.citation import load_citation
from rukp.docs.croissant import CROISSANT_FILE, croissant
from rukp.docs.datasheet import DATASHEET_FILE, README_FILE, render_datasheet, render_readme
from rukp.docs.figures import Figures, compute_figures, load_inputs
from rukp.io.atomic import dumps_json, write_many_atomic
from rukp.io.jsonl import read_jsonl, read_text


@dataclass(frozen=True)
class DocsBuild:
    """The rendered files (path → text), the figures they were rendered from, and the stale paths."""

    files: dict[Path, str]
    figures: Figures
    stale: list[Path]


def load_views(root: Path) -> dict[str, list[dict[str, Any]]]:
    """Rows of every bundled dataset view of a checkout."""
    return {c: read_jsonl(paths.data_dir(root) / f"{c}.jsonl") for c in CONFIGS}


def render_docs(root: Path | None = None) -> tuple[dict[Path, str], Figures]:
    """Every generated documentation file of a checkout, rendered in memory, and the figures used."""
    root = root or paths.repo_root()
    fig = compute_figures(load_inputs(root))
    citation = load_citation(root)
    views = load_views(root)
    datasheet, readme = root / DATASHEET_FILE, root / README_FILE
    files = {
        datasheet: render_datasheet(read_text(datasheet), fig, path=datasheet),
        readme: render_readme(read_text(readme), fig, citation, views, path=readme),
        root / CROISSANT_FILE: dumps_json(croissant(fig, citation, {c: len(v) for c, v in views.items()}, root)),
    }
    return files, fig


def build_docs(root: Path | None = None, *, check: bool = False) -> DocsBuild:
    """Render the documentation; write the stale files unless ``check``."""
    files, fig = render_docs(root)
    stale = [p for p, text in files.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if stale and not check:
        write_many_atomic({p: files[p] for p in stale})
    return DocsBuild(files, fig, stale)
