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


def evaluate(extractor_or_predictions: Any, **kwargs: Any) -> Any:
    """Score an extractor (object, function, spec string) or predictions against the gold; returns a report."""
    from rukp.evaluation import evaluate as _evaluate

    return _evaluate(extractor_or_predictions, **kwargs)


__all__ = ["__version__", "evaluate", "load"]
