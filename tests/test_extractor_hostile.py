"""Extractors that misbehave: reused output objects, hostile dict subclasses, hangs, Ctrl-C, ``--doc`` and
options out of range. Each is a clear error or a correct score, never a traceback or a silent wrong result."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from cli_runner import run_rukp

import rukp
from rukp.errors import RukpError

GOLD = Path(__file__).parent / "fixtures" / "eval" / "gold.jsonl"


def _first_word_finder(reuse: bool):
    """An extractor marking every capitalised word as PER; ``reuse``: one dict cleared on every call."""
    shared: dict = {"entities": []}

    def extract(text: str) -> dict:
        out = shared if reuse else {"entities": []}
        out["entities"].clear()
        start = None
        for i, ch in enumerate(text + " "):
            if start is None and ch.isupper():
                start = i
            elif start is not None and not ch.isalpha():
                out["entities"].append({"start": start, "end": i, "label": "PER"})
                start = None
        return out

    return extract


def test_an_extractor_reusing_its_dict_scores_as_one_returning_fresh_ones():
    kw = dict(gold=GOLD, bootstrap=0, claims=False)
    fresh = rukp.evaluate(_first_word_finder(reuse=False), **kw).to_dict()["entities"]
    reused = rukp.evaluate(_first_word_finder(reuse=True), **kw).to_dict()["entities"]
    assert fresh == reused
    assert fresh["fine.v1"]["schemes"]["strict"]["overall"]["actual"] > 1


class _HostileDict(dict):
    def get(self, *args):
        raise RuntimeError("get is not for you")

    def items(self):
        raise RuntimeError("items is not for you")


class _HostileMapping(Mapping):
    """A Mapping whose iteration raises."""

    def __getitem__(self, key):
        raise RuntimeError("no")

    def __iter__(self):
        raise RuntimeError("no iteration")

    def __len__(self):
        return 1


def test_a_dict_subclass_with_hostile_methods_is_read_as_a_dict():
    report = rukp.evaluate(lambda text: _HostileDict(entities=[]), gold=GOLD, bootstrap=0, claims=False)
    assert report.to_dict()["entities"]["fine.v1"]["schemes"]["strict"]["overall"]["actual"] == 0


def test_a_mapping_that_cannot_be_read_names_the_extractor():
    with pytest.raises(RukpError, match=r"extractor 'hostile'.*cannot be read: RuntimeError: no iteration"):
        rukp.evaluate(_named("hostile", lambda text: _HostileMapping()), gold=GOLD, bootstrap=0, claims=False)


def _named(name, fn):
    fn.__name__ = name
    return fn


def test_an_output_holding_itself_is_an_error_not_a_recursion_crash():
    def loop(text):
        out: dict = {"entities": []}
        out["entities"].append(out)
        return out

    with pytest.raises(RukpError, match="nested more than"):
        rukp.evaluate(loop, gold=GOLD, bootstrap=0, claims=False)


def test_a_hanging_extractor_is_stopped_and_the_document_named():
    def hang(text):
        while True:
            time.sleep(0.05)

    started = time.monotonic()
    with pytest.raises(RukpError, match=r"doc d1: extractor 'hang' took more than 0.3 s"):
        rukp.evaluate(hang, gold=GOLD, bootstrap=0, claims=False, extractor_timeout=0.3)
    assert time.monotonic() - started < 10


def test_a_timeout_under_skip_invalid_leaves_the_document_out_and_counts_it():
    def slow_on_first(text, _seen=[]):  # noqa: B006 - state across calls on purpose
        _seen.append(text)
        if len(_seen) == 1:
            while True:
                time.sleep(0.05)
        return {"entities": []}

    report = rukp.evaluate(slow_on_first, gold=GOLD, bootstrap=0, claims=False, extractor_timeout=0.3,
                           skip_invalid=True)
    assert report.metadata["skipped"]["by_reason"] == {"timeout": 1}


@pytest.mark.parametrize("bad", [-1, "5", float("inf"), True])
def test_a_bad_timeout_is_one_error(bad):
    with pytest.raises(RukpError, match="timeout="):
        rukp.evaluate(lambda t: {"entities": []}, gold=GOLD, extractor_timeout=bad)


def test_doc_runs_the_extractor_on_the_selected_documents_only():
    seen: list[str] = []

    def spy(text):
        seen.append(text)
        return {"entities": []}

    rukp.evaluate(spy, gold=GOLD, bootstrap=0, claims=False, docs="d1")
    assert len(seen) == 1


def test_keyboard_interrupt_in_an_extractor_is_one_line_and_exit_130(tmp_path, monkeypatch):
    (tmp_path / "kbi.py").write_text("def extract(text):\n    raise KeyboardInterrupt\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    result = run_rukp("evaluate", "-e", "kbi:extract", "--gold", str(GOLD), "-q")
    assert result.returncode == 130
    assert result.stderr.strip().splitlines() == ["error: interrupted; nothing more was written"]


@pytest.mark.parametrize(("option", "value"), [("--bootstrap", "1000000000"), ("--shuffles", "1000000000")])
def test_absurd_resample_counts_are_refused_at_once(option, value):
    started = time.monotonic()
    args = ["--compare", str(GOLD), str(GOLD)] if option == "--shuffles" else ["-p", str(GOLD)]
    result = run_rukp("evaluate", "--gold", str(GOLD), *args, option, value, "-q")
    assert result.returncode == 2 and "the most accepted" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("kw", "match"), [({"view": None}, "view=None"), ({"skip_invalid": "no"}, "skip_invalid"),
                                           ({"view": [1]}, "view=")])
def test_python_options_of_the_wrong_type_are_rukp_errors(kw, match):
    with pytest.raises(RukpError, match=match):
        rukp.evaluate(str(GOLD), gold=GOLD, **kw)
