"""Finding an extractor by name: registered factories, the ``rukp.extractors`` entry points, ``module:attr``.

A spec is one of
- ``NAME`` — a registered factory called with no argument (``spacy+rules``);
- ``NAME:ARG`` — a registered factory called with ``ARG`` (``spacy:fr_core_news_md``, ``hf:./my-model``);
- ``package.module:attr`` — an object with ``extract(text)``, a plain function ``f(text)``, or a class
  / factory returning one.
Third-party packages register factories under the entry-point group ``rukp.extractors`` exactly as the
built-in baselines do (see ``pyproject.toml``). An unknown name fails listing what is available.

``module:attr`` is imported from the current directory first, then ``sys.path`` (as ``python -m`` would).
Whatever goes wrong before ``extract()`` runs (the import, a ``SyntaxError``, the constructor or factory)
is one :class:`RukpError` naming the spec, never a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import sys
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from rukp.errors import RukpError, quote

ENTRY_POINT_GROUP = "rukp.extractors"

Factory = Callable[..., Any]
_factories: dict[str, Factory] = {}


@runtime_checkable
class Extractor(Protocol):
    """What the harness runs: ``extract(text)`` returns ``{"entities": [...], "claims": [...]}`` (only the
    keys of the tasks it predicts)."""

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
    from rukp.extractors.builtin import BUILTINS

    return sorted(set(_factories) | set(_entry_point_factories()) | set(BUILTINS))


def _factory(name: str) -> Factory | None:
    if name in _factories:
        return _factories[name]
    eps = _entry_point_factories()
    if name in eps:
        try:
            factory = eps[name].load()
        except (Exception, SystemExit) as e:  # a broken plug-in must not crash the harness with a traceback
            raise RukpError(f"extractor {quote(name)}: entry point {quote(eps[name].value)} failed to load: "
                            f"{_describe(e)}") from None
        _factories[name] = factory
        return factory
    from rukp.extractors.builtin import BUILTINS

    return BUILTINS.get(name)  # a built-in the installed metadata predates (an older editable install)


def _describe(error: BaseException) -> str:
    """One line for an exception raised by user code: ``file:line: message`` for a SyntaxError."""
    if isinstance(error, SyntaxError):
        return f"SyntaxError at {error.filename}:{error.lineno}: {quote(error.msg or '')}"
    if isinstance(error, SystemExit):
        return f"it called sys.exit({quote(error.code)})"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {quote(text, 200)[1:-1]}" if text else type(error).__name__


def _call(make: Callable[..., Any], spec: str, what: str, *args: Any) -> Any:
    """``make(*args)`` (a constructor or factory); anything it raises becomes one error naming the spec."""
    try:
        return make(*args)
    except RukpError:
        raise
    except (Exception, SystemExit) as e:
        raise RukpError(f"extractor {quote(spec)}: {what} failed: {_describe(e)}") from None


def as_extractor(obj: Any, name: str) -> Extractor:
    """Wrap what a spec resolved to: an extractor as is, a function adapted, a class or factory called."""
    if isinstance(obj, Extractor) and not inspect.isclass(obj):
        return obj
    if inspect.isclass(obj):
        return as_extractor(_call(obj, name, f"creating {obj.__name__}()"), name)
    if callable(obj):
        return FunctionExtractor(obj, name)
    raise RukpError(f"extractor {quote(name)} is a {type(obj).__name__}: expected an object with extract(text) "
                    "or a function f(text) -> dict")


def _import(name: str, spec: str) -> Any:
    """Import ``name`` with the current directory first on ``sys.path`` (for this import only)."""
    here = os.getcwd()
    sys.path.insert(0, here)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name and (name == e.name or name.startswith(e.name + ".")):
            raise RukpError(f"extractor {quote(spec)}: no registered extractor {quote(name)} and could not "
                            f"import module {quote(name)} (searched the current directory {here} and sys.path; "
                            "set PYTHONPATH if it lives elsewhere); registered: "
                            f"{', '.join(available()) or 'none'}") from None
        raise RukpError(f"extractor {quote(spec)}: importing module {quote(name)} failed: {_describe(e)}") from None
    except (Exception, SystemExit) as e:
        raise RukpError(f"extractor {quote(spec)}: importing module {quote(name)} failed: {_describe(e)}") from None
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(here)


def resolve(spec: str) -> Extractor:
    """The extractor a spec names (see the module docstring); unknown names list what is available."""
    if not spec or not isinstance(spec, str):
        raise RukpError(f"extractor spec must be a non-empty string, got {quote(spec)}")
    name, _, arg = spec.partition(":")
    factory = _factory(name)
    if factory is not None:
        extractor = _call(factory, spec, f"creating extractor {quote(name)}", *([arg] if arg else []))
        if not hasattr(extractor, "name"):
            with contextlib.suppress(AttributeError):
                extractor.name = spec
        return as_extractor(extractor, spec)
    if arg:
        obj: Any = _import(name, spec)
        for part in arg.split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise RukpError(f"extractor {quote(spec)}: module {quote(name)} has no attribute {quote(arg)}"
                                ) from None
            except (Exception, SystemExit) as e:
                raise RukpError(f"extractor {quote(spec)}: reading {quote(arg)} failed: {_describe(e)}") from None
        return as_extractor(obj, spec)
    raise RukpError(f"unknown extractor {quote(spec)}; available: {', '.join(available()) or 'none'} "
                    "(or give package.module:attr)")
