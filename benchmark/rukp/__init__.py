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
    """``rukp.evaluate`` is :func:`rukp.evaluation.run.evaluate` itself (signature and docstring for ``help``),
    imported on first use so that ``import rukp`` stays light."""
    if name == "evaluate":
        from rukp.evaluation import evaluate

        globals()["evaluate"] = evaluate
        return evaluate
    raise AttributeError(f"module 'rukp' has no attribute {name!r}")


__all__ = ["__version__", "evaluate", "load"]
