"""The ``hf:<dir>`` adapter through the real transformers pipeline, on a tiny model the test builds locally."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from rukp.errors import RukpError

_MISSING = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
if _MISSING and os.environ.get("CI") != "true":
    pytest.skip(f"{' and '.join(_MISSING)} not installed (pip install 'rukp-fr[hf]' torch); required when CI=true",
                allow_module_level=True)

sys.path.insert(0, str(Path(__file__).parent))
import hf_tiny  # noqa: E402

#: Imports transformers and builds a model: slow, run in CI with `pytest -m slow`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return hf_tiny.build(tmp_path_factory.mktemp("tiny-ner"))


@pytest.fixture(scope="module")
def hf(model_dir):
    from rukp.extractors import resolve

    return resolve(f"hf:{model_dir}")


def test_offsets_map_back_to_the_text_and_bio_is_aggregated(hf):
    text = "Vladimir Poutine arrive à Moscou.\n\nSergueï Lavrov et le  Vladimir Poutine a parlé."
    out = hf.extract(text)
    assert set(out) == {"entities"}  # entities only: no claims key
    ents = out["entities"]
    got = [(text[e["start"]:e["end"]], e["label"]) for e in ents]
    # "Moscou" is two word pieces (Mos, ##cou) tagged B-LOC, I-LOC: one LOC span over the whole word
    assert got == [("Vladimir Poutine", "PER"), ("Moscou", "LOC"), ("Sergueï Lavrov", "PER"),
                   ("Vladimir Poutine", "PER")]
    assert [e["start"] for e in ents] == [0, 26, 35, 57]


def test_no_hub_access(hf):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"


def test_missing_model_dir_is_one_clear_error(tmp_path):
    from rukp.extractors import resolve

    with pytest.raises(RukpError, match="hf model directory not found"):
        resolve(f"hf:{tmp_path / 'nope'}")
    with pytest.raises(RukpError, match="no config.json"):
        resolve(f"hf:{tmp_path}")


def test_a_model_that_is_not_token_classification_is_refused(tmp_path):
    from rukp.extractors import resolve

    folder = hf_tiny.build(tmp_path / "seqcls", architecture="sequence")
    with pytest.raises(RukpError, match="BertForSequenceClassification is not a token-classification model"):
        resolve(f"hf:{folder}")
