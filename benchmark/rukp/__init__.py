"""rukp-fr: gold-annotated French news (entities, claims) and a harness that scores any extractor against it.

``rukp.load(config)`` returns the dataset offline; ``rukp.evaluate(extractor_or_predictions)`` scores a model.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def load(config: str = "documents") -> Any:
    """Load a dataset config (``documents``, ``entities``, ``claims``, ``kb``, ``ner``) as a ``DatasetDict``."""
    from rukp.dataset.load import load as _load

    return _load(config)


def __getattr__(name: str) -> Any:
    """``rukp.evaluate``/``compare``/``Report``/``Comparison`` are the :mod:`rukp.evaluation` objects themselves
    (signature and docstring for ``help``), imported on first use so that ``import rukp`` stays light."""
    if name in _LAZY:
        from rukp import evaluation

        value = getattr(evaluation, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rukp' has no attribute {name!r}")


_LAZY = ("evaluate", "compare", "Report", "Comparison")

__all__ = ["__version__", "load", *_LAZY]
