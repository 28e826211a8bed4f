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
    ("no-such-extractor", "unknown extractor 'no-such-extractor'; available: capitalised, claim-cues, empty, hf, "),
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
    missing = [name for name in ("transformers", "torch") if importlib.util.find_spec(name) is None]
    if missing:  # the hf extractor reads the model only with both; without them it says so (tests/extractors)
        pytest.skip(f"the hf extractor needs transformers and torch ({', '.join(missing)} not installed)")
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


def test_doc_id_is_passed_to_extractors_that_take_it_and_not_to_others() -> None:
    import rukp

    seen: list[str] = []

    class WithId:
        def extract(self, text: str, *, doc_id: str | None = None) -> dict:
            seen.append(doc_id)
            return {"entities": []}

    def plain(text: str) -> dict:
        return {"entities": []}

    rukp.evaluate(WithId(), bootstrap=0, progress=False)
    rukp.evaluate(plain, bootstrap=0, progress=False)
    gold_ids = [d["id"] for d in rukp.load("documents")["test"]]
    assert seen == gold_ids


def test_an_extractor_failing_on_every_document_is_an_error_not_a_zero_report() -> None:
    import pytest

    import rukp
    from rukp.errors import RukpError

    def only_errors(text: str) -> dict:
        return {"entities": [], "errors": [{"kind": "bad_json", "message": "not JSON"}]}

    def half(text: str) -> dict:
        return {"entities": [], "errors": ["x"]} if "Poutine" in text else {"entities": []}

    with pytest.raises(RukpError, match="failed on every document"):
        rukp.evaluate(only_errors, bootstrap=0, progress=False)
    with pytest.raises(RukpError, match="failed on every document"):
        rukp.evaluate(lambda text: 1 / 0, bootstrap=0, progress=False, skip_invalid=True)
    report = rukp.evaluate(half, bootstrap=0, progress=False)  # some documents answered: a report
    assert report.metadata["extractor_errors"]["count"] >= 1
