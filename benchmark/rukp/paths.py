"""Where things live in a checkout of the repository (and the bundled copy inside the package)."""

from __future__ import annotations

import os
from pathlib import Path

#: Package folder (``benchmark/rukp`` in a checkout, ``site-packages/rukp`` when installed).
PACKAGE_DIR = Path(__file__).resolve().parent
#: Dataset views shipped inside the package (also the files the README's configs point to).
BUNDLED_DATA = PACKAGE_DIR / "data"


def repo_root() -> Path:
    """The checkout root: ``$RUKP_ROOT`` if set, else the folder two levels above the package."""
    env = os.environ.get("RUKP_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parent.parent


def seeds_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "seeds"


def corpus_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "corpus"


def annotations_dir(root: Path | None = None) -> Path:
    return (root or repo_root()) / "annotations"


def data_dir(root: Path | None = None) -> Path:
    """Dataset views in a checkout (``benchmark/rukp/data``)."""
    return (root or repo_root()) / "benchmark" / "rukp" / "data"
