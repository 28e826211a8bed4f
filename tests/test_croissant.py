"""croissant.json: valid Croissant 1.0 for ``mlcroissant``, with RAI fields, every file hashed, and records that
equal what ``datasets.load_dataset`` returns, on the shipped data and on a synthetic gold that fills every field.

Normalisations of the comparison, each a documented property of Croissant readers, not of the data:
``sc:Text`` values come back as bytes; ``sc:Date`` as a timestamp; a null struct as a struct of nulls; nested
field ids are paths (``documents/claims/quantity/value``); the ``ner`` doc id is an integer (see croissant.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import datasets
import mlcroissant as mlc
import pandas as pd
import pytest
from docs_helpers import ROOT, annotated_checkout

from rukp import paths
from rukp.dataset.features import CONFIGS, features
from rukp.docs.build import build_docs
from rukp.docs.croissant import CROISSANT_FILE, SOURCE_GLOBS, record_fields
from rukp.errors import RukpError

RAI_FIELDS = ("rai:dataCollection", "rai:dataCollectionType", "rai:dataCollectionRawData",
              "rai:dataCollectionMissingData", "rai:dataPreprocessingProtocol",
              "rai:dataManipulationProtocol", "rai:dataAnnotationProtocol", "rai:dataAnnotationPlatform",
              "rai:dataAnnotationAnalysis", "rai:annotationsPerItem", "rai:annotatorDemographics",
              "rai:machineAnnotationTools", "rai:dataUseCases", "rai:dataBiases", "rai:dataLimitations",
              "rai:dataSocialImpact", "rai:personalSensitiveInformation", "rai:dataReleaseMaintenancePlan")
#: The only warning allowed: no datePublished while CITATION.cff has no date-released (the dataset is unreleased).
ALLOWED_WARNING = 'Property "https://schema.org/datePublished" is recommended'


def _jsonld(root: Path) -> dict[str, Any]:
    return json.loads((root / CROISSANT_FILE).read_text(encoding="utf-8"))


def _from_croissant(value: Any, prefix: str) -> Any:
    """A record of mlcroissant as plain Python, shaped like a ``datasets`` row (see the module docstring)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, list):
        return [_from_croissant(v, prefix) for v in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, v in value.items():
            rel = key[len(prefix) + 1:] if key.startswith(prefix + "/") else key
            *parents, leaf = rel.split("/")
            node = out
            for p in parents:
                node = node.setdefault(p, {})
            node[leaf] = _from_croissant(v, key)
        return {k: None if isinstance(v, dict) and v and all(x is None for x in v.values()) else v
                for k, v in out.items()}
    return value.item() if hasattr(value, "item") else value


def _from_datasets(row: dict[str, Any], config: str) -> dict[str, Any]:
    out = dict(row)
    if config == "documents" and out.get("date"):
        out["date"] = pd.Timestamp(out["date"]).date().isoformat()
    if config == "ner":
        out["doc_id"] = int(out["doc_id"])
    return out


def _compare(root: Path) -> dict[str, int]:
    """Assert that every record set of ``root/croissant.json`` equals the ``datasets`` rows; return the counts."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    dataset = mlc.Dataset(jsonld=str(root / CROISSANT_FILE))
    counts = {}
    for config in CONFIGS:
        records = [_from_croissant(r, config) for r in dataset.records(record_set=config)]
        path = paths.data_dir(root) / f"{config}.jsonl"
        if not path.read_text(encoding="utf-8").strip():
            assert records == [], config  # `datasets` cannot load an empty file; nothing to compare
            counts[config] = 0
            continue
        rows = datasets.load_dataset("json", data_files={"test": str(path)}, features=features(config))["test"]
        assert len(records) == rows.num_rows, config
        for i, (record, row) in enumerate(zip(records, rows, strict=True)):
            assert record == _from_datasets(row, config), f"{config} record {i}"
        counts[config] = len(records)
    return counts


def test_croissant_is_valid_for_mlcroissant(caplog):
    with caplog.at_level(logging.WARNING):
        dataset = mlc.Dataset(jsonld=str(ROOT / CROISSANT_FILE))
    issues = dataset.metadata.ctx.issues
    assert not issues.errors
    assert all(ALLOWED_WARNING in w for w in issues.warnings), issues.warnings
    assert not [r.message for r in caplog.records if "@context" in r.message], "non-standard @context"
    assert _jsonld(ROOT)["conformsTo"] == "http://mlcommons.org/croissant/1.0"


def test_croissant_has_every_rai_field():
    doc = _jsonld(ROOT)
    assert [f for f in RAI_FIELDS if not doc.get(f)] == []
    assert "Claude" in " ".join(doc["rai:machineAnnotationTools"])
    assert "not by people" in doc["rai:annotatorDemographics"][0]


def test_every_file_is_described_with_its_sha256():
    doc = _jsonld(ROOT)
    described = {d["contentUrl"]: d for d in doc["distribution"]}
    expected = {f"benchmark/rukp/data/{c}.jsonl" for c in CONFIGS}
    expected |= {p.relative_to(ROOT).as_posix() for g in SOURCE_GLOBS for p in ROOT.glob(g)}
    assert set(described) == expected
    for rel, entry in described.items():
        data = (ROOT / rel).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), rel
        assert entry["contentSize"] == f"{len(data)} B", rel


def test_every_config_is_a_record_set_with_every_column():
    doc = _jsonld(ROOT)
    assert [r["@id"] for r in doc["recordSet"]] == list(CONFIGS)
    for rs in doc["recordSet"]:
        assert [f["name"] for f in rs["field"]] == list(features(rs["@id"])), rs["@id"]


def test_records_equal_load_dataset_on_the_shipped_data():
    counts = _compare(ROOT)
    assert counts["documents"] == len(paths.data_dir(ROOT).joinpath("documents.jsonl").read_text().splitlines())


def test_records_equal_load_dataset_on_a_synthetic_gold(tmp_path):
    """Entities, claims (quantities, co-claimers, null claimer mentions), kb and relations all round-trip."""
    root, views = annotated_checkout(tmp_path)
    build_docs(root)
    counts = _compare(root)
    assert counts == {c: len(views[c]) for c in CONFIGS}
    assert counts["claims"] > 0 and counts["entities"] > 0 and counts["kb"] > 0


def test_a_column_type_without_a_croissant_type_is_an_error(monkeypatch):
    import rukp.docs.croissant as croissant

    monkeypatch.setattr(croissant, "features", lambda config: datasets.Features({"x": datasets.Value("binary")}))
    with pytest.raises(RukpError, match="no Croissant data type for column documents/x"):
        record_fields("documents")
