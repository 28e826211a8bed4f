"""The dataset card: a Hub-valid YAML header (checked offline), loadable configs, the template's sections, and a
valid CITATION.cff.

``DatasetCard.validate`` calls the Hub over the network, so the header is parsed with ``DatasetCard.load`` and each
field is checked against the Hub's documented vocabularies, copied below with their sources.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from docs_helpers import ROOT
from huggingface_hub import DatasetCard

import rukp
from rukp.dataset.features import CONFIGS, features
from rukp.docs.citation import load_citation
from rukp.docs.fields import describe, walk
from rukp.docs.markers import read_block

# Licence identifiers accepted by the Hub, from hub-docs `docs/hub/repositories-licenses.md` and the list the Hub
# validator reports ("license" must be one of [...], huggingface/huggingface_hub#4218).
HUB_LICENSES = frozenset({
    "apache-2.0", "mit", "openrail", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m", "afl-3.0", "artistic-2.0", "bsl-1.0", "bsd", "bsd-2-clause", "bsd-3-clause",
    "bsd-3-clause-clear", "c-uda", "cc", "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0",
    "cc-by-sa-3.0", "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0", "cc-by-nd-4.0",
    "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0", "cc-by-nc-sa-4.0",
    "cdla-sharing-1.0", "cdla-permissive-1.0", "cdla-permissive-2.0", "wtfpl", "ecl-2.0", "epl-1.0", "epl-2.0",
    "etalab-2.0", "eupl-1.1", "eupl-1.2", "agpl-3.0", "gfdl", "gpl", "gpl-2.0", "gpl-3.0", "lgpl", "lgpl-2.1",
    "lgpl-3.0", "isc", "h-research", "intel-research", "lppl-1.3c", "ms-pl", "apple-ascl", "apple-amlr", "mpl-2.0",
    "odc-by", "odbl", "openmdw-1.0", "openrail++", "osl-3.0", "postgresql", "ofl-1.1", "ncsa", "unlicense", "zlib",
    "pddl", "lgpl-lr", "deepfloyd-if-license", "fair-noncommercial-research-license", "llama2", "llama3",
    "llama3.1", "llama3.2", "llama3.3", "llama4", "grok2-community", "gemma", "unknown", "other"
})

# task_categories (pipeline types) and their task_ids (subtasks) for NLP, from huggingface.js
# `packages/tasks/src/pipelines.ts` (PIPELINE_DATA), which hub-docs `datasetcard.md` names as the full list.
HUB_TASKS: dict[str, frozenset[str]] = {
    "text-classification": frozenset({
        "acceptability-classification", "entity-linking-classification", "fact-checking", "intent-classification",
        "language-identification", "multi-class-classification", "multi-label-classification",
        "multi-input-text-classification", "natural-language-inference", "semantic-similarity-classification",
        "sentiment-classification", "topic-classification", "semantic-similarity-scoring", "sentiment-scoring",
        "sentiment-analysis", "hate-speech-detection", "text-scoring"}),
    "token-classification": frozenset({
        "named-entity-recognition", "part-of-speech", "parsing", "lemmatization", "word-sense-disambiguation",
        "coreference-resolution"}),
    "table-question-answering": frozenset(),
    "question-answering": frozenset({"extractive-qa", "open-domain-qa", "closed-domain-qa"}),
    "zero-shot-classification": frozenset(),
    "translation": frozenset(),
    "summarization": frozenset({"news-articles-summarization", "news-articles-headline-generation"}),
    "feature-extraction": frozenset(),
    "text-generation": frozenset({"dialogue-modeling", "dialogue-generation", "conversational", "language-modeling"}),
    "text2text-generation": frozenset({
        "text-simplification", "explanation-generation", "abstractive-qa", "open-domain-abstractive-qa",
        "closed-domain-qa", "open-book-qa", "closed-book-qa"}),
    "fill-mask": frozenset({"slot-filling", "masked-language-modeling"}),
    "sentence-similarity": frozenset(),
    "table-to-text": frozenset(),
    "multiple-choice": frozenset({"multiple-choice-qa", "multiple-choice-coreference-resolution"}),
    "text-ranking": frozenset(),
    "text-retrieval": frozenset({"document-retrieval", "utterance-retrieval", "entity-linking-retrieval",
                                 "fact-checking-retrieval"}),
    "other": frozenset(),
}
# hub-docs `datasetcard.md`: license_name is an id "like `my-license-1.0`"; license_link "LICENSE", a repo file or URL.
LICENSE_NAME = re.compile(r"^[a-z0-9][a-z0-9.\-]*[a-z0-9]$")
CFF_SCHEMA = Path(__file__).parent / "fixtures" / "cff" / "schema-1.2.0.json"


def _resource(name: str):
    """A vocabulary shipped with the ``datasets`` package (the ones its metadata validation used)."""
    return json.loads((importlib.resources.files("datasets.utils.resources") / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def card() -> DatasetCard:
    return DatasetCard.load(ROOT / "README.md")


def test_header_fields_use_the_hub_vocabularies(card):
    data = card.data
    assert data.license in HUB_LICENSES
    if data.license == "other":
        assert LICENSE_NAME.match(data.license_name), data.license_name
        link = data.license_link
        assert link.startswith("https://") or (ROOT / link).is_file(), link
    assert data.task_categories and set(data.task_categories) <= set(HUB_TASKS)
    allowed_ids = set().union(*(HUB_TASKS[t] for t in data.task_categories))
    assert data.task_ids and set(data.task_ids) <= allowed_ids, set(data.task_ids) - allowed_ids
    assert set(data.size_categories) <= set(_resource("size_categories.json"))
    assert set(data.language) <= set(_resource("languages.json"))
    creators = _resource("creators.json")
    assert set(data.annotations_creators) <= set(creators["annotations"])
    assert set(data.language_creators) <= set(creators["language"])
    assert set(data.multilinguality) <= set(_resource("multilingualities.json"))
    assert data.pretty_name


def test_size_category_matches_the_largest_config(card):
    largest = max(split["num_examples"] for info in card.data.dataset_info for split in info["splits"])
    bounds = {"n<1K": (0, 1_000), "1K<n<10K": (1_000, 10_000), "10K<n<100K": (10_000, 100_000)}
    low, high = bounds[card.data.size_categories[0]]
    assert low <= largest < high


def test_every_declared_config_loads_with_its_declared_features_and_size(card):
    import datasets

    os.environ["HF_HUB_OFFLINE"] = "1"
    infos = {i["config_name"]: i for i in card.data.dataset_info}
    declared = [c["config_name"] for c in card.data.configs]
    assert sorted(declared) == sorted(CONFIGS)
    for name in declared:
        loaded = datasets.load_dataset(str(ROOT), name)
        assert list(loaded) == [s["name"] for s in infos[name]["splits"]], name
        for split in infos[name]["splits"]:
            assert loaded[split["name"]].num_rows == split["num_examples"], name
        assert loaded["test"].features == datasets.Features.from_dict(
            datasets.DatasetInfo._from_yaml_dict({"features": infos[name]["features"]}).features.to_dict()), name
        assert loaded["test"].features == features(name), name


def test_card_body_has_the_template_sections_and_the_annotation_figures():
    template = (importlib.resources.files("huggingface_hub") / "templates" / "datasetcard_template.md").read_text(
        encoding="utf-8")
    wanted = [re.sub(r"\s*\[optional\]$", "", h) for h in re.findall(r"^#{2,4} (.+)$", template, flags=re.MULTILINE)]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = read_block(readme, "card", path="README.md")
    present = set(re.findall(r"^#{2,4} (.+)$", body, flags=re.MULTILINE))
    assert [h for h in wanted if h not in present] == []
    for extra in ("Data Instances", "Data Fields", "Label Inventories", "Licensing Information",
                  "Citation", "Annotation process", "Bias, Risks, and Limitations"):
        assert extra in present, extra
    agreement = ROOT / "annotations" / "agreement.json"
    if agreement.is_file():
        first = json.loads(agreement.read_text(encoding="utf-8"))
        group = first.get("guidelines", first)
        assert f"{group['entities']['strict_f1']:.3f}" in body
    else:
        assert "not yet computed" in body


def test_card_body_lists_every_class_label_with_its_index():
    body = read_block((ROOT / "README.md").read_text(encoding="utf-8"), "card", path="README.md")
    for config in CONFIGS:
        for path, feature in walk(features(config)):
            names = getattr(getattr(feature, "feature", None), "names", None)
            for i, name in enumerate(names or []):
                assert f"| {i} | {name} |" in body, (path, name)


def test_every_column_of_every_config_is_described():
    missing = [(config, ".".join(path)) for config in CONFIGS for path, _ in walk(features(config))
               if not describe(config, path)]
    assert missing == []


def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_citation_schema_check_rejects_an_invalid_file():
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    del data["authors"]
    data["license"] = "not-a-licence"
    assert len(list(jsonschema.Draft7Validator(schema).iter_errors(data))) >= 2


def test_citation_version_is_the_package_version():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    citation = load_citation(ROOT)
    assert citation.version == rukp.__version__ == pyproject["project"]["version"]
    bibtex = citation.bibtex()
    assert citation.title in bibtex and f"version = {{{citation.version}}}" in bibtex
    assert bibtex in (ROOT / "README.md").read_text(encoding="utf-8")
