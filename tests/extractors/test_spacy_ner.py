"""spaCy NER baselines through the extractor interface and the ``rukp.extractors`` entry points."""

from __future__ import annotations

import pytest

from rukp.errors import RukpError
from rukp.extractors import available, resolve
from rukp.extractors.spacy_ner import FINE_MAP, load_model, pip_name


@pytest.fixture(scope="module")
def sm():
    return resolve("spacy:fr_core_news_sm")


def test_builtin_baselines_are_registered_as_entry_points():
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="rukp.extractors")}
    assert {"spacy", "spacy+rules", "rules-claims", "hf", "empty", "capitalised"} <= names
    assert names <= set(available())


@pytest.mark.slow  # loads fr_core_news_sm
def test_spacy_spec_resolves_to_the_named_model(sm):
    assert sm.name == "spacy:fr_core_news_sm"
    assert sm.nlp.meta["name"] == "core_news_sm"


@pytest.mark.slow  # loads fr_core_news_sm
def test_entities_use_wikiner_labels_and_document_offsets(sm):
    text = "Vladimir Poutine est arrivé à Moscou.\n\nLe président Emmanuel Macron a parlé à Paris."
    out = sm.extract(text)
    assert set(out) == {"entities"}  # entities only: no claims key, so claims are "not predicted"
    ents = out["entities"]
    spans = {(text[e["start"]:e["end"]], e["label"]) for e in ents}
    assert ("Vladimir Poutine", "PER") in spans and ("Emmanuel Macron", "PER") in spans
    assert {e["label"] for e in ents} <= {"PER", "LOC", "ORG", "MISC"}
    assert all("\n" not in text[e["start"]:e["end"]] for e in ents)


@pytest.mark.slow  # loads fr_core_news_sm
def test_lines_are_parsed_separately(sm):
    nlp = load_model("fr_core_news_sm")
    from rukp.extractors.spacy_ner import parse_lines

    text = "Un titre sans point\nVladimir Poutine parle."
    parsed = list(parse_lines(nlp, text))
    assert [(off, doc.text) for off, doc in parsed] == [(0, "Un titre sans point"), (20, "Vladimir Poutine parle.")]


def test_missing_spacy_model_names_the_package_to_install():
    with pytest.raises(RukpError, match=r"'fr_core_news_lg' is not installed: pip install fr-core-news-lg"):
        load_model("fr_core_news_lg")
    assert pip_name("fr_core_news_lg") == "fr-core-news-lg"


def test_fine_map_keeps_only_unambiguous_wikiner_labels():
    from rukp.schema import ENTITY_LABELS

    assert {k: v for k, v in FINE_MAP.items() if v} == {"PER": "PER", "ORG": "ORG"}
    assert all(v is None or v in ENTITY_LABELS for v in FINE_MAP.values())
