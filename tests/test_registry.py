"""Extractor specs resolve to registered factories, entry points or module:attr; unknown ones list what exists."""

from __future__ import annotations

import pytest

from rukp.errors import RukpError
from rukp.extractors import registry


def upper_words(text: str) -> dict:
    return {"entities": [{"start": 0, "end": 1, "label": "PER"}], "claims": []}


class Ext:
    name = "ext"

    def extract(self, text: str) -> dict:
        return {"entities": [], "claims": []}


def test_module_attr_function_is_adapted():
    ext = registry.resolve("tests.test_registry:upper_words")
    assert ext.extract("A b")["entities"][0]["label"] == "PER"


def test_module_attr_class_is_instantiated():
    ext = registry.resolve("tests.test_registry:Ext")
    assert type(ext).__name__ == "Ext" and ext.extract("x") == {"entities": [], "claims": []}


def test_registered_factory_receives_its_argument():
    seen = []

    @registry.register("test-echo")
    def factory(arg=None):
        seen.append(arg)
        return Ext()

    registry.resolve("test-echo:some/model")
    registry.resolve("test-echo")
    assert seen == ["some/model", None]
    assert "test-echo" in registry.available()


@pytest.mark.parametrize("spec, message", [
    ("no-such-extractor", "unknown extractor 'no-such-extractor'; available: "),
    ("no_such_module_xyz:thing", "no registered extractor 'no_such_module_xyz' and could not import module"),
    ("tests.test_registry:missing", "module 'tests.test_registry' has no attribute 'missing'"),
    ("", "must be a non-empty string"),
])
def test_bad_specs_give_one_clear_message(spec, message):
    with pytest.raises(RukpError) as e:
        registry.resolve(spec)
    assert message in str(e.value)


def test_object_without_extract_is_rejected():
    with pytest.raises(RukpError, match="expected an object with extract"):
        registry.as_extractor(42, "x")


def test_builtin_table_matches_the_entry_points_of_pyproject():
    """The registry's fallback table of built-ins names exactly the factories pyproject.toml registers."""
    import tomllib

    from rukp import paths
    from rukp.extractors.builtin import BUILTINS

    project = tomllib.loads((paths.repo_root() / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"]["rukp.extractors"]
    assert {name: f"rukp.extractors.builtin:{f.__name__}" for name, f in BUILTINS.items()} == declared
    assert "claim-cues" in registry.available()
    assert registry.resolve("claim-cues").extract("Selon le Pentagone, 10.000 soldats sont en Russie.")["sentences"]
