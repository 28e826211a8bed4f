"""Inputs of every kind at the readers: lone surrogates, devices, FIFOs, folders; terminal and Markdown
escaping; counts over zero units. Each is one clear error or a correct result."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rukp.errors import RukpError, printable
from rukp.io.atomic import dumps_json, dumps_jsonl, write_text_atomic
from rukp.io.jsonl import check_input, loads, read_bytes, read_text
from rukp.reports.markdown import table
from rukp.scoring import bootstrap as bs


@pytest.mark.parametrize("text", ['"\\ud800"', '{"k\\udfff": 1}', '["a", ["\\uDC00"]]', '"\\ud83d x"'])
def test_a_lone_surrogate_is_refused_with_file_and_line(text):
    with pytest.raises(RukpError, match=r"^f\.jsonl:7: not accepted: a lone surrogate"):
        loads(text, path="f.jsonl", line=7)


@pytest.mark.parametrize("text", ['"\\ud83d\\ude00"', '"\\\\ud800"', '"\\u00e9"'])
def test_pairs_and_escaped_backslashes_are_kept(text):
    assert loads(text) == json.loads(text)


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_any_string_read_back_can_be_written(value):
    """Random JSON strings (``ensure_ascii`` escapes, surrogates included) through the reader and the writers:
    either the reader refuses them, or every writer writes them."""
    encoded = json.dumps({"text": value})
    try:
        obj = loads(encoded, path="x", line=1)
    except RukpError as e:
        assert "lone surrogate" in str(e)
        return
    assert obj == {"text": value}
    dumps_jsonl([obj]).encode("utf-8")
    dumps_json(obj).encode("utf-8")
    printable(value).encode("utf-8")


def test_a_writer_given_a_surrogate_is_one_error(tmp_path):
    with pytest.raises(RukpError, match="lone surrogate"):
        write_text_atomic(tmp_path / "x.json", "a\ud800")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("target", "what"), [("/dev/null", "a character device"), ("/dev/zero", "a character device")])
def test_devices_are_named(target, what):
    if not Path(target).exists():
        pytest.skip(f"no {target}")
    with pytest.raises(RukpError, match=f"{target}: is {what}, not a file"):
        read_text(target)


def test_a_folder_and_a_missing_file_are_named(tmp_path):
    with pytest.raises(RukpError, match="is a directory"):
        check_input(tmp_path)
    with pytest.raises(RukpError, match="gold file not found"):
        check_input(tmp_path / "nope", "gold file")


def test_a_fifo_is_read_once_and_its_bytes_kept(tmp_path):
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b'{"a": 1}\n'))
    writer.start()
    assert read_text(fifo) == '{"a": 1}\n'
    writer.join(10)
    assert read_bytes(fifo) == b'{"a": 1}\n'  # a second read would block: the kept bytes are returned


def test_a_kb_folder_beside_the_gold_is_an_error(tmp_path):
    from rukp.io.claimers import load_kb

    (tmp_path / "kb.jsonl").mkdir()
    with pytest.raises(RukpError, match="is a directory"):
        load_kb(tmp_path / "kb.jsonl")
    assert load_kb(tmp_path / "missing.jsonl") is None


def test_printable_escapes_control_characters_only():
    assert printable("a\x1b[5mb\x07") == "a\\x1b[5mb\\x07"
    assert printable("l\u2028m\u202e") == "l\\u2028m\\u202e"
    assert printable("Corée 😀 ok") == "Corée 😀 ok"


def test_markdown_cells_stay_one_cell():
    text = table(["a", "b"], [["x | y\nz", "1"]])
    body = text.splitlines()[2]
    assert body == "| x \\| y\\x0az | 1 |"


def test_an_additive_statistic_over_zero_units():
    stat = bs.Additive(np.zeros((0, 3)), lambda x: {"n": x.sum(axis=-1)})
    assert stat.n_units == 0
