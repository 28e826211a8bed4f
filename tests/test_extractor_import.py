"""``--extractor module:attr``: found in the current directory first; whatever fails before ``extract()`` runs
(import, SyntaxError, constructor, factory) is one error naming the extractor, never a traceback."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest

from rukp.errors import RukpError
from rukp.extractors.registry import register, resolve

EXTRACTOR = '''
class Capitals:
    def extract(self, text):
        import re
        return {"entities": [{"start": m.start(), "end": m.end(), "label": "PER"}
                             for m in re.finditer(r"Vladimir Poutine", text)], "claims": []}
'''


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory, and a fresh module name per test (no cached import)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _module(folder: Path, source: str) -> str:
    name = f"user_ext_{uuid.uuid4().hex[:8]}"
    (folder / f"{name}.py").write_text(source)
    return name


def test_a_module_in_the_current_directory_is_found_without_pythonpath(module_dir, rukp):
    name = _module(module_dir, EXTRACTOR)
    path_before = list(sys.path)
    code, _, err = rukp("evaluate", "-e", f"{name}:Capitals", "--bootstrap", "0", "--no-claims", "-q",
                        "--json", module_dir / "r.json")
    assert code == 0, err
    assert sys.path == path_before  # the current directory was added for that import only
    report = json.loads((module_dir / "r.json").read_text())
    assert report["entities"]["fine.v1"]["schemes"]["strict"]["per_type"]["PER"]["correct"] >= 1


def test_a_missing_module_says_where_it_looked(module_dir):
    with pytest.raises(RukpError) as e:
        resolve("not_here_at_all:thing")
    assert ("could not import module 'not_here_at_all' (searched the current directory "
            f"{module_dir} and sys.path; set PYTHONPATH if it lives elsewhere)") in str(e.value)


@pytest.mark.parametrize(("source", "attr", "message"), [
    ("def extract(text):\n    return {\n", "extract", r"importing module '{m}' failed: SyntaxError at .*{m}\.py:2: "),
    ("raise RuntimeError('no GPU here')\n", "extract", r"importing module '{m}' failed: RuntimeError: no GPU here"),
    ("import sys\nsys.exit(3)\n", "extract", r"importing module '{m}' failed: it called sys.exit\(3\)"),
    ("import not_installed_dep_xyz\n", "extract",
     r"importing module '{m}' failed: ModuleNotFoundError: No module named 'not_installed_dep_xyz'"),
    ("class E:\n    def __init__(self):\n        raise ValueError('needs a key')\n    def extract(self, t):\n"
     "        return {}\n", "E", r"extractor '{m}:E': creating E\(\) failed: ValueError: needs a key"),
    ("x = 1\n", "missing", r"module '{m}' has no attribute 'missing'"),
])
def test_failures_before_extract_are_one_error(source, attr, message, module_dir, rukp):
    name = _module(module_dir, source)
    code, out, err = rukp("evaluate", "-e", f"{name}:{attr}", "--bootstrap", "0", "-q")
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    import re
    assert re.search(message.format(m=name), err), err


def test_a_factory_that_raises_names_the_spec():
    def factory(arg=None):
        raise OSError(f"cannot load {arg}")

    register("test-broken-factory", factory)
    with pytest.raises(RukpError, match=r"extractor 'test-broken-factory:x': creating extractor "
                                        r"'test-broken-factory' failed: OSError: cannot load x"):
        resolve("test-broken-factory:x")


def test_an_unknown_label_map_name_mentions_the_built_in_one(tmp_path, monkeypatch, rukp):
    monkeypatch.chdir(tmp_path)
    code, _, err = rukp("evaluate", "-e", "capitalised", "--label-map", "wikiner", "--bootstrap", "0", "-q")
    assert code == 2
    assert "unknown label map 'wikiner': not a built-in map (built-in: spacy) and no such file" in err


def test_quiet_still_says_what_was_skipped(tmp_path, rukp):
    rows = [json.loads(line) for line in
            (Path(__file__).parents[1] / "benchmark/results/predictions/rules-claims.jsonl").read_text().splitlines()]
    rows[0]["entities"].append({"start": 0, "end": 5, "label": "BOGUS"})
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    code, out, err = rukp("evaluate", "-p", path, "-q", "--skip-invalid", "--bootstrap", "0")
    assert code == 0 and out == ""
    assert "skipped invalid items: " in err and "unknown_label: 1" in err
