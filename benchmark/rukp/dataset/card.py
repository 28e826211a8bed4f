"""The dataset card's YAML header (the Hub manifest), generated from the features and the built views."""

from __future__ import annotations

from typing import Any

import datasets
import yaml

from rukp.dataset.features import CONFIGS, SPLIT, features
from rukp.errors import RukpError

DATA_PATH = "benchmark/rukp/data"

#: Card metadata that is not derived from the data (checked against the Hub's vocabularies in the tests).
CARD_METADATA: dict[str, Any] = {
    "pretty_name": "rukp-fr: Russia–North Korea French news, gold entities and claims",
    "language": ["fr"],
    "license": "other",
    "license_name": "annotations-cc-by-4.0-texts-third-party",
    "license_link": "DATASHEET.md",
    "task_categories": ["token-classification", "text-classification"],
    "task_ids": ["named-entity-recognition", "fact-checking", "entity-linking-classification"],
    "size_categories": ["n<1K"],
    "annotations_creators": ["machine-generated"],
    "language_creators": ["found"],
    "multilinguality": ["monolingual"],
    "source_datasets": ["original"],
    "tags": ["news", "claims", "claim-detection", "attribution", "factuality", "entity-linking",
             "benchmark", "french"],
}


def header(counts: dict[str, int], sizes: dict[str, int]) -> dict[str, Any]:
    """The full YAML header: metadata, one ``configs`` entry and one ``dataset_info`` entry per config."""
    configs = []
    infos = []
    for name in CONFIGS:
        entry: dict[str, Any] = {"config_name": name}
        if name == "documents":
            entry["default"] = True
        entry["data_files"] = [{"split": SPLIT, "path": f"{DATA_PATH}/{name}.jsonl"}]
        configs.append(entry)
        info = datasets.DatasetInfo(features=features(name))._to_yaml_dict()
        infos.append({"config_name": name, "features": info["features"],
                      "splits": [{"name": SPLIT, "num_bytes": sizes[name], "num_examples": counts[name]}],
                      "download_size": sizes[name], "dataset_size": sizes[name]})
    return {**CARD_METADATA, "configs": configs, "dataset_info": infos}


def render_header(counts: dict[str, int], sizes: dict[str, int]) -> str:
    """The header as the text between the README's ``---`` fences."""
    return yaml.safe_dump(header(counts, sizes), sort_keys=False, allow_unicode=True, width=110)


def replace_header(readme: str, header_text: str) -> str:
    """``readme`` with its YAML front matter replaced by ``header_text`` (added when missing)."""
    if readme.startswith("---\n"):
        end = readme.find("\n---\n", 3)
        if end < 0:
            raise RukpError("YAML front matter has no closing '---' line", path="README.md")
        body = readme[end + len("\n---\n"):]
    else:
        body = readme
    return f"---\n{header_text}---\n{body}"
