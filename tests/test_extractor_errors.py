"""Bad extractor input through the CLI: one clear line, exit code 2, and nothing written."""

from __future__ import annotations

import importlib.util
import json

import pytest

from rukp.cli import main


def run_cli(args, capsys):
    with pytest.raises(SystemExit) as e:
        main(args)
    err = capsys.readouterr().err
    return e.value.code, err


@pytest.mark.parametrize(("spec", "message"), [
    ("no-such-extractor", "unknown extractor 'no-such-extractor'; available: capitalised, empty, hf, "),
    ("spacy:fr_core_news_lg", "spaCy model 'fr_core_news_lg' is not installed: pip install fr-core-news-lg"),
    ("hf:/nonexistent/model", "hf model directory not found"),
    ("hf", "extractor 'hf' needs a local model directory"),
    ("nosuchpkg.mod:thing", "no registered extractor 'nosuchpkg.mod' and could not import module 'nosuchpkg.mod'"),
])
def test_bad_system_is_one_line_and_exit_2(spec, message, tmp_path, capsys):
    code, err = run_cli(["benchmark", "--systems", spec, "--out", str(tmp_path / "out"), "--no-readme",
                         "--bootstrap", "0"], capsys)
    assert code == 2
    assert err.startswith("error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_hf_dir_that_is_not_a_token_classifier(tmp_path, capsys):
    folder = tmp_path / "clf"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "bert",
                                                    "architectures": ["BertForSequenceClassification"]}))
    if importlib.util.find_spec("transformers") is None:
        pytest.skip("transformers not installed")
    code, err = run_cli(["benchmark", "--systems", f"hf:{folder}", "--out", str(tmp_path / "out"),
                         "--no-readme"], capsys)
    assert code == 2 and "is not a token-classification model" in err and str(folder) in err


def test_extractor_that_crashes_names_the_document(tmp_path, capsys):
    from rukp.extractors import register

    class Broken:
        def extract(self, text):
            if len(text) > 200:
                raise ValueError("boom")
            return {"entities": [], "claims": []}

    register("test-broken", Broken)
    code, err = run_cli(["benchmark", "--systems", "test-broken", "--out", str(tmp_path / "out"),
                         "--no-readme"], capsys)
    assert code == 2 and "doc 000" in err and "extractor 'test-broken' failed: ValueError: boom" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("spec", "message"), [
    ("spacy:fr_core_news_lg", "pip install fr-core-news-lg"),
    ("no-such-extractor", "unknown extractor 'no-such-extractor'"),
])
def test_evaluate_extractor_reports_the_same_errors(spec, message, capsys):
    code, err = run_cli(["evaluate", "--extractor", spec, "--bootstrap", "0"], capsys)
    assert code == 2 and err.startswith("error: ") and message in err and "Traceback" not in err
