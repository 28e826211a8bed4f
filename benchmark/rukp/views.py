"""Entity views and label maps: pure functions that put gold and predicted labels into one label space.

A *view* projects a fine gold label (``schema.ENTITY_LABELS``) onto the labels it scores, or to ``None``
when the type is not part of the view. Views have versioned names (``fine.v1``, ``coarse.v1``) so a
changed projection gets a new name. A *label map* renames a system's own labels (``PERSON``, ``MISC`` …)
into a view's labels before scoring; ``null`` in a map means "not an entity of this view" (dropped).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from rukp import schema
from rukp.errors import RukpError, quote


@dataclass(frozen=True)
class View:
    """A named label space and the projection of fine gold labels onto it."""

    name: str
    labels: tuple[str, ...]
    project: Callable[[str], str | None] = field(repr=False)


def _fine_v1(label: str) -> str | None:
    return label if label in schema.ENTITY_LABELS else None


def _coarse_v1(label: str) -> str | None:
    return schema.COARSE_MAP.get(label)


VIEWS: Mapping[str, View] = MappingProxyType({
    "fine.v1": View("fine.v1", schema.ENTITY_LABELS, _fine_v1),
    "coarse.v1": View("coarse.v1", schema.COARSE_LABELS, _coarse_v1),
})

#: Short names accepted on the command line; each points at the current version.
VIEW_ALIASES: Mapping[str, str] = MappingProxyType({"fine": "fine.v1", "coarse": "coarse.v1"})


def get_view(name: str) -> View:
    """The view called ``name`` (``fine``, ``coarse`` or a versioned name); unknown names list the choices."""
    key = VIEW_ALIASES.get(name, name)
    if key not in VIEWS:
        choices = ", ".join([*VIEW_ALIASES, *VIEWS])
        raise RukpError(f"unknown view {quote(name)}; choose one of {choices}")
    return VIEWS[key]


@dataclass(frozen=True)
class LabelMap:
    """A renaming of system labels into a view's labels; a ``None`` target drops the span from the view."""

    name: str
    mapping: Mapping[str, str | None]

    def apply(self, label: str) -> str | None:
        """The mapped label; labels the map does not mention pass through unchanged."""
        return self.mapping.get(label, label)


#: spaCy's label sets (WikiNER PER/LOC/ORG/MISC of the French models, OntoNotes names of others) onto the
#: coarse view. Value types (DATE, CARDINAL …) are not part of the coarse view.
SPACY_COARSE: Mapping[str, str | None] = MappingProxyType({
    "PER": "PER", "PERSON": "PER",
    "ORG": "ORG",
    "LOC": "LOC", "GPE": "LOC", "FAC": "LOC",
    "MISC": "MISC", "NORP": "MISC", "EVENT": "MISC", "LAW": "MISC",
    "PRODUCT": None, "WORK_OF_ART": None, "LANGUAGE": None, "DATE": None, "TIME": None, "PERCENT": None,
    "MONEY": None, "QUANTITY": None, "ORDINAL": None, "CARDINAL": None,
})

#: The same onto the fine view: WikiNER's LOC and MISC each cover several fine types, so they are left out;
#: OntoNotes names map to the fine type of the same name.
SPACY_FINE: Mapping[str, str | None] = MappingProxyType({
    "PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": None, "MISC": None,
    "PRODUCT": None, "WORK_OF_ART": None, "LANGUAGE": None, "TIME": None, "PERCENT": None, "MONEY": None,
})

#: Built-in maps by name, one mapping per view.
BUILTIN_MAPS: Mapping[str, Mapping[str, Mapping[str, str | None]]] = MappingProxyType({
    "spacy": MappingProxyType({"coarse.v1": SPACY_COARSE, "fine.v1": SPACY_FINE}),
})


def _yaml_loader() -> type:
    """PyYAML's safe loader, made to refuse a repeated key (PyYAML keeps the last one silently)."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
            seen: set[object] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, (str, int, float, bool)):
                    continue  # an unhashable key is refused by PyYAML itself
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {quote(key)} (each key may appear once)", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return StrictLoader


def _read_map_file(path: Path) -> object:
    from rukp.io.jsonl import read_json, read_text

    if path.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        try:
            return yaml.load(read_text(path), Loader=_yaml_loader())  # noqa: S506 (a SafeLoader subclass)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            raise RukpError(f"not valid YAML ({getattr(e, 'problem', e)})", path=path,
                            line=mark.line + 1 if mark else None) from None
        except RecursionError:
            raise RukpError("not accepted: YAML nested too deeply", path=path) from None
    return read_json(path)


def load_label_map(spec: str | Path | Mapping[str, str | None], view: View) -> LabelMap:
    """A label map from a built-in name (``spacy``: one mapping per view), a JSON/YAML file
    ``{"PERSON": "PER", "DATE": null}``, or a dict; every target must be a label of ``view`` (or null)."""
    if isinstance(spec, Mapping):
        name, raw, where = "<dict>", spec, None
    elif str(spec) in BUILTIN_MAPS:
        name, raw, where = str(spec), BUILTIN_MAPS[str(spec)][view.name], None
    else:
        where = Path(spec)
        if not where.exists() and where.suffix.lower() not in {".json", ".yaml", ".yml"}:
            raise RukpError(f"unknown label map {quote(str(spec))}: not a built-in map (built-in: "
                            f"{', '.join(BUILTIN_MAPS)}) and no such file")
        name, raw = str(where), _read_map_file(where)
    if not isinstance(raw, Mapping) or not raw:
        raise RukpError("a label map must be a non-empty object {\"SYSTEM_LABEL\": \"VIEW_LABEL\" or null}",
                        path=where)
    for source, target in raw.items():
        if not isinstance(source, str) or not (target is None or isinstance(target, str)):
            raise RukpError(f"label map entry {quote(source)}: {quote(target)} must map a label to a label or null",
                            path=where)
        if target is not None and target not in view.labels:
            hint = " (use --view coarse)" if target in schema.COARSE_LABELS else ""
            raise RukpError(f"label map {quote(name)} maps {quote(source)} to {quote(target)}, which is not a label "
                            f"of view "
                            f"{view.name} ({', '.join(view.labels)}){hint}", path=where)
    return LabelMap(name, MappingProxyType(dict(raw)))


def predicted_label(label: str, view: View, label_map: LabelMap | None) -> tuple[bool, str | None]:
    """Put a predicted label into ``view``: ``(known, label)``. ``known`` is False when the label is neither
    a view label, nor a fine label the view projects, nor handled by the map; ``label`` None means dropped."""
    if label_map is not None and label in label_map.mapping:
        return True, label_map.mapping[label]
    if label in view.labels:
        return True, label
    if label in schema.ENTITY_LABELS:
        return True, view.project(label)
    return False, None
