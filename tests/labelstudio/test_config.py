"""The labeling config is generated from ``rukp.schema`` and is a config Label Studio's own parser accepts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from label_studio_sdk.label_interface import LabelInterface

from rukp import schema
from rukp.io.labelstudio import config as cfg


@pytest.fixture(scope="module")
def tree() -> ET.Element:
    return ET.fromstring(cfg.label_config())


def _values(tree: ET.Element, tag: str, name: str | None = None) -> list[str]:
    parents = tree.iter(tag) if name is None else [e for e in tree.iter(tag) if e.get("name") == name]
    return [child.get("value") for parent in parents for child in parent]


def test_span_labels_are_the_fine_types_then_claim_and_claimer(tree):
    assert _values(tree, "Labels", cfg.LABEL) == [*schema.ENTITY_LABELS, "CLAIM", "CLAIMER"]


def test_relations_are_claimer_then_the_claim_relations(tree):
    assert _values(tree, "Relations") == ["claimer", *schema.CLAIM_RELATIONS]
    [relations] = tree.iter("Relations")
    assert relations.get("choice") == "single"  # one label per relation: the import refuses several


@pytest.mark.parametrize(("name", "values"), [("polarity", schema.POLARITIES), ("certainty", schema.CERTAINTIES),
                                              ("topic", schema.TOPICS)])
def test_claim_choices_are_per_region_single_and_from_the_schema(tree, name, values):
    [choices] = [e for e in tree.iter("Choices") if e.get("name") == name]
    assert _values(tree, "Choices", name) == list(values)
    assert choices.get("perRegion") == "true" and choices.get("choice") == "single"


def test_every_other_field_has_a_per_region_text_area(tree):
    areas = {e.get("name"): e for e in tree.iter("TextArea")}
    assert set(areas) == {"entity_id", "claimer_id", "co_claimers", "cluster", "quantity_value", "quantity_unit",
                          "quantity_approximator"}
    assert all(a.get("perRegion") == "true" for a in areas.values())
    assert "maxSubmissions" not in areas["co_claimers"].attrib  # several co-claimers
    assert areas["cluster"].get("maxSubmissions") == "1"


def test_claim_fields_show_only_when_a_claim_is_selected(tree):
    views = {v.get("whenLabelValue"): v for v in tree.iter("View") if v.get("visibleWhen") == "region-selected"}
    assert {e.get("name") for e in views["CLAIM"].iter() if e.get("perRegion")} == (
        set(cfg.CLAIM_CHOICES) | set(cfg.CLAIM_FIELDS))
    assert views[",".join(schema.ENTITY_LABELS)].find("TextArea").get("name") == "entity_id"


def test_label_studio_parses_it():
    interface = LabelInterface(cfg.label_config())
    interface.validate()
    assert interface.get_control(cfg.LABEL).labels == list(cfg.SPAN_LABELS)
    assert {c.name for c in interface.controls} == {cfg.LABEL, *cfg.ENTITY_FIELDS, *cfg.CLAIM_CHOICES,
                                                    *cfg.CLAIM_FIELDS}


def test_cli_writes_the_generated_config(tmp_path, rukp):
    out = tmp_path / "config.xml"
    assert rukp("labelstudio", "config", "--out", out)[0] == 0
    assert out.read_text(encoding="utf-8") == cfg.label_config()
    code, stdout, _ = rukp("labelstudio", "config")
    assert code == 0 and stdout == cfg.label_config()
