"""Finding an extractor by name: registered factories, the ``rukp.extractors`` entry points, ``module:attr``.

A spec is one of
- ``NAME`` — a registered factory called with no argument (``spacy+rules``);
- ``NAME:ARG`` — a registered factory called with ``ARG`` (``spacy:fr_core_news_md``, ``hf:./my-model``);
- ``package.module:attr`` — an object with ``extract(text)``, a plain function ``f(text)``, or a class
  / factory returning one.
Third-party packages register factories under the entry-point group ``rukp.extractors`` exactly as the
built-in baselines do (see ``pyproject.toml``). An unknown name fails listing what is available.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from rukp.errors import RukpError

ENTRY_POINT_GROUP = "rukp.extractors"

Factory = Callable[..., Any]
_factories: dict[str, Factory] = {}


@runtime_checkable
class Extractor(Protocol):
    """What the harness runs: ``extract(text)`` returns ``{"entities": [...], "claims": [...]}``."""

    def extract(self, text: str) -> dict[str, Any]: ...


class FunctionExtractor:
    """Adapter that gives a plain function ``f(text) -> dict`` the :class:`Extractor` interface."""

    def __init__(self, fn: Callable[[str], dict[str, Any]], name: str | None = None) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "function")

    def extract(self, text: str) -> dict[str, Any]:
        return self.fn(text)


def register(name: str, factory: Factory | None = None) -> Any:
    """Register ``factory(arg=None)`` under ``name``; usable as a decorator."""
    def deco(f: Factory) -> Factory:
        _factories[name] = f
        return f

    return deco(factory) if factory is not None else deco


def _entry_point_factories() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available() -> list[str]:
    """Names of every registered or installed extractor factory, sorted."""
    return sorted(set(_factories) | set(_entry_point_factories()))


def _factory(name: str) -> Factory | None:
    if name in _factories:
        return _factories[name]
    eps = _entry_point_factories()
    if name in eps:
        try:
            factory = eps[name].load()
        except Exception as e:  # a broken plug-in must not crash the harness with a traceback
            raise RukpError(f"extractor {name!r}: entry point {eps[name].value!r} failed to load: {e}") from None
        _factories[name] = factory
        return factory
    return None


def as_extractor(obj: Any, name: str) -> Extractor:
    """Wrap what a spec resolved to: an extractor as is, a function adapted, a class or factory called."""
    if isinstance(obj, Extractor) and not inspect.isclass(obj):
        return obj
    if inspect.isclass(obj):
        return as_extractor(obj(), name)
    if callable(obj):
        return FunctionExtractor(obj, name)
    raise RukpError(f"extractor {name!r} is a {type(obj).__name__}: expected an object with extract(text) "
                    "or a function f(text) -> dict")


def resolve(spec: str) -> Extractor:
    """The extractor a spec names (see the module docstring); unknown names list what is available."""
    if not spec or not isinstance(spec, str):
        raise RukpError(f"extractor spec must be a non-empty string, got {spec!r}")
    name, _, arg = spec.partition(":")
    factory = _factory(name)
    if factory is not None:
        extractor = factory(arg) if arg else factory()
        if not hasattr(extractor, "name"):
            with contextlib.suppress(AttributeError):
                extractor.name = spec
        return as_extractor(extractor, spec)
    if arg:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name and name.startswith(e.name):
                raise RukpError(f"extractor {spec!r}: no registered extractor {name!r} and no module {name!r}; "
                                f"available: {', '.join(available()) or 'none'}") from None
            raise RukpError(f"extractor {spec!r}: importing {name!r} failed: {e}") from None
        obj: Any = module
        for part in arg.split("."):
            if not hasattr(obj, part):
                raise RukpError(f"extractor {spec!r}: module {name!r} has no attribute {arg!r}")
            obj = getattr(obj, part)
        return as_extractor(obj, spec)
    raise RukpError(f"unknown extractor {spec!r}; available: {', '.join(available()) or 'none'} "
                    "(or give package.module:attr)")
