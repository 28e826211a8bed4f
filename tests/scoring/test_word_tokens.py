"""The claim token rule (rukp.dataset.word_tokens): its shape, its examples, and its agreement with the shipped
spaCy tokens of the bundled gold (same detection and attribute figures for every committed baseline)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rukp
from rukp import paths
from rukp.dataset.word_tokens import token_offsets
from rukp.evaluation import run as run_module

DATA = paths.repo_root() / "benchmark" / "rukp" / "data"
PREDICTIONS = paths.repo_root() / "benchmark" / "results" / "predictions"


def _tokens(text: str) -> list[str]:
    starts, ends = token_offsets(text)
    return [text[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


@pytest.mark.parametrize(("text", "tokens"), [
    ("l'armée nord-coréenne", ["l'", "armée", "nord-coréenne"]),
    ("a-t-il dit : 10.000 soldats, 3,5 %.", ["a", "-t-il", "dit", ":", "10.000", "soldats", ",", "3,5", "%", "."]),
    ("« Les images »", ["«", "Les", "images", "»"]),
    ("d’après eux", ["d’", "après", "eux"]),
    ("", []),
    ("   \n ", []),
    ("😀a", ["😀", "a"]),
])
def test_examples(text: str, tokens: list[str]) -> None:
    assert _tokens(text) == tokens


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é-.,'’ \n«»1😀")), max_size=60))
def test_tokens_are_ordered_disjoint_and_cover_every_non_space_character(text: str) -> None:
    starts, ends = token_offsets(text)
    assert (starts < ends).all() and (starts[1:] >= ends[:-1]).all()
    covered = np.zeros(len(text), dtype=bool)
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        assert not any(ch.isspace() for ch in text[s:e])
        covered[s:e] = True
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())


def _shipped_tokens() -> dict[str, set[tuple[int, int]]]:
    out: dict[str, set[tuple[int, int]]] = {}
    for line in (DATA / "ner.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out.setdefault(row["doc_id"], set()).update(zip(row["token_starts"], row["token_ends"], strict=True))
    return out


def test_rule_agrees_with_the_shipped_spacy_tokens_on_the_bundled_gold() -> None:
    shipped = _shipped_tokens()
    same = total = 0
    for line in (DATA / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        starts, ends = token_offsets(doc["text"])
        rule = set(zip(starts.tolist(), ends.tolist(), strict=True))
        same += len(rule & shipped[doc["id"]])
        total += len(shipped[doc["id"]])
    assert same / total >= 0.985, f"{same} of {total} tokens identical"


def _with_claims() -> list:
    """The committed baseline predictions that predict claims (read from the files, not listed by hand)."""
    return [p for p in sorted(PREDICTIONS.glob("*.jsonl"))
            if any(json.loads(line).get("claims") for line in p.read_text(encoding="utf-8").splitlines())]


@pytest.mark.parametrize("path", _with_claims(), ids=lambda p: p.stem)
def test_rule_gives_the_shipped_tokens_claim_figures(path, monkeypatch) -> None:
    """Detection, attribution and attributes equal; token overlap within 0.003 (hyphenated names differ)."""
    shipped = rukp.evaluate(str(path), entities=False, bootstrap=0).to_dict()["claims"]

    def rule_tokens(gold, _ner_path) -> None:
        for doc in gold.documents:
            if doc.text is not None:
                doc.tokens = token_offsets(doc.text)

    monkeypatch.setattr(run_module, "attach_tokens", rule_tokens)
    rule = rukp.evaluate(str(path), entities=False, bootstrap=0).to_dict()["claims"]
    for key in shipped:
        if key == "token_overlap":
            for figure in ("precision", "recall", "f1"):
                assert abs(shipped[key][figure] - rule[key][figure]) <= 0.003
        elif key != "outcomes":
            assert shipped[key] == rule[key], key
