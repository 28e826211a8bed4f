"""Load a config of the dataset from the files shipped inside the package (no checkout needed)."""

from __future__ import annotations

import datasets

from rukp import paths
from rukp.dataset.features import CONFIGS, SPLIT, features
from rukp.errors import RukpError


def load(config: str = "documents") -> datasets.DatasetDict:
    """The ``DatasetDict`` (split ``test``) of ``config``, read offline from the bundled JSONL views."""
    if config not in CONFIGS:
        raise RukpError(f"unknown config {config!r}; available: {', '.join(CONFIGS)}")
    path = paths.BUNDLED_DATA / f"{config}.jsonl"
    if not path.is_file():
        raise RukpError("bundled dataset view is missing (run `rukp dataset build`)", path=path)
    return datasets.load_dataset("json", data_files={SPLIT: str(path)}, features=features(config))
