"""Strict JSON reading (``rukp.io.jsonl``), message quoting (``rukp.errors.quote``) and atomic writes.

Any text read as JSON or JSONL gives a value or one :class:`RukpError` naming the file and line, never another
exception; what Python's ``json`` silently accepts but JSON does not (repeated keys, NaN, 1e309) is refused.
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rukp.errors import RukpError, quote
from rukp.io.atomic import dumps_json, dumps_jsonl, write_bytes_atomic, write_many_atomic, write_text_atomic
from rukp.io.jsonl import MAX_DEPTH, iter_jsonl, loads, read_json, read_jsonl

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@pytest.mark.parametrize(("text", "message"), [
    ('{"a": 1, "a": 2}', "duplicate key 'a' in an object"),
    ('[{"x": {"k": 1, "k": 1}}]', "duplicate key 'k'"),
    ('{"v": NaN}', "NaN is not a JSON number"),
    ('{"v": Infinity}', "Infinity is not a JSON number"),
    ('{"v": -Infinity}', "-Infinity is not a JSON number"),
    ('{"v": 1e309}', "number '1e309' is too large"),
    ('{"v": -2.5E+400}', "number '-2.5E+400' is too large"),
    ('{"v": ' + "9" * 5000 + "}", "not accepted: 'Exceeds the limit"),
    ("[" * 100_000 + "]" * 100_000, f"JSON nested deeper than {MAX_DEPTH} levels"),
    ('{"a": ' * 100_000 + "1" + "}" * 100_000, f"JSON nested deeper than {MAX_DEPTH} levels"),
    ('{"a": "unterminated', "not valid JSON (Unterminated string starting at column 7)"),
])
def test_what_json_does_not_allow_is_one_error_naming_file_and_line(text, message):
    with pytest.raises(RukpError) as e:
        loads(text, path="x.jsonl", line=3)
    assert str(e.value).startswith("x.jsonl:3: ") and message in str(e.value), str(e.value)
    assert "at at" not in str(e.value) and len(str(e.value)) < 300


def test_nesting_up_to_the_limit_is_fine_and_brackets_inside_strings_do_not_count():
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads(deep) is not None
    assert loads(json.dumps({"s": "[{" * 10_000})) == {"s": "[{" * 10_000}
    with pytest.raises(RukpError, match="nested deeper"):
        loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_jsonl_splits_on_newline_only(tmp_path: Path):
    path = tmp_path / "x.jsonl"
    rows = [{"t": "a\u2028b\u2029c\x85d\x0be\x0cf\x1cg"}, {"t": "second"}]
    path.write_text("\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert list(iter_jsonl(path)) == [(1, rows[0]), (2, rows[1])]


def test_a_bad_line_is_named_and_a_huge_value_is_cut(tmp_path: Path):
    path = tmp_path / "x.jsonl"
    key = "k" * 1_000_000
    path.write_text('{"a": 1}\n\n{"' + key + '": 1, "' + key + '": 2}\n')
    with pytest.raises(RukpError) as e:
        read_jsonl(path)
    assert str(e.value).startswith(f"{path}:3: not accepted: duplicate key 'kkkk")
    assert "(1000000 chars)" in str(e.value) and len(str(e.value)) < 400


def test_a_whole_file_error_names_the_line_it_stopped_at(tmp_path: Path):
    path = tmp_path / "x.json"
    path.write_text('[\n  {"a": 1},\n  {"a": NaN}\n]\n')
    with pytest.raises(RukpError, match=r"x.json: not accepted: NaN"):
        read_json(path)
    path.write_text('[\n  {"a": 1},\n  {"a": }\n]\n')
    with pytest.raises(RukpError, match=r"x.json:3: not valid JSON \(Expecting value at column 9\)"):
        read_json(path)


@FAST
@given(json_values)
def test_valid_json_reads_as_python_json_does(value):
    text = json.dumps(value)
    if "[" * (MAX_DEPTH + 1) not in text:
        assert loads(text) == json.loads(text)


@FAST
@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_text_gives_a_value_or_one_rukp_error(text):
    try:
        loads(text, path="f.json")
    except RukpError as e:
        assert str(e).startswith("f.json")


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_as_a_jsonl_file_give_rows_or_one_rukp_error(tmp_path: Path, data: bytes):
    path = tmp_path / "any.jsonl"
    path.write_bytes(data)
    try:
        rows = read_jsonl(path)
    except RukpError as e:
        assert str(e).startswith(str(path))
    else:
        assert all(isinstance(r, dict) for r in rows)


@pytest.mark.parametrize(("value", "shown"), [
    ("x" * 50_000_000, "'" + "x" * 80 + "'… (50000000 chars)"),
    ("tab\there\x00\x1b[31m\u2028", r"'tab\there\x00\x1b[31m\u2028'"),
    (None, "None"),
    (3, "3"),
])
def test_quote_escapes_and_cuts(value, shown):
    assert quote(value) == shown


def test_quote_of_a_huge_or_deep_structure_stays_short():
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    assert len(quote(deep)) <= 81 and len(quote([list(range(10**5))] * 100)) <= 81


def test_json_writers_refuse_non_finite_numbers():
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(RukpError, match="NaN or infinite"):
            dumps_json({"value": bad})
        with pytest.raises(RukpError, match="line 2: it holds a number that is NaN or infinite"):
            dumps_jsonl([{"ok": 1}, {"quantity": {"value": bad}}])


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_written_files_get_the_permissions_the_umask_gives(tmp_path: Path, umask: int):
    old = os.umask(umask)
    try:
        write_text_atomic(tmp_path / "a.txt", "text")
        write_bytes_atomic(tmp_path / "b.png", b"\x89PNG")
        write_many_atomic({tmp_path / "sub" / "c.json": "{}\n", tmp_path / "d.bin": b"1"})
        plain = tmp_path / "plain.txt"
        plain.write_text("reference")
    finally:
        os.umask(old)
    expected = stat.S_IMODE(plain.stat().st_mode)
    assert expected == 0o666 & ~umask
    for name in ("a.txt", "b.png", "sub/c.json", "d.bin"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == expected, name
    assert (tmp_path / "b.png").read_bytes() == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.png", "d.bin", "plain.txt", "sub"]
