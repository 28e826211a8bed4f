"""Commands end with a sentence for people; machine-readable output only with ``--json``."""

from __future__ import annotations

import json

from rukp import paths


def test_agreement_ends_with_a_sentence_and_json_is_opt_in(rukp):
    code, out, err = rukp("agreement", "--check")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "annotations/agreement.json is up to date."
    assert "{" not in out
    code, out, _ = rukp("agreement", "--check", "--json")
    data = json.loads(out)
    assert code == 0 and data["stale"] is False and data["written"] is False
    assert data["path"] == str(paths.annotations_dir() / "agreement.json") and "guidelines" in data["figures"]


def test_agreement_says_whether_it_wrote(rukp, tmp_path):
    import gold_checks

    root = gold_checks.copy_checkout(tmp_path)
    (root / "annotations" / "agreement.json").write_text("{}\n", encoding="utf-8")
    code, out, err = rukp("agreement", "--root", root)
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "Wrote annotations/agreement.json: the agreement figures changed."
    code, out, _ = rukp("agreement", "--root", root)
    assert out.strip().endswith("the figures did not change, nothing was written.")


def test_benchmark_help_describes_the_annotator_rows(rukp, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = rukp("benchmark", "--help")
    text = " ".join(out.replace("│", " ").split())
    assert code == 0 and "annotation passes A–D (AI annotators, scored against the adjudicated gold" in text
    assert "ceiling" not in text and "--quiet" in text
