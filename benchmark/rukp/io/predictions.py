"""Former home of the gold loader and the prediction readers, kept so old imports keep working.

New code imports from where each name lives: :mod:`rukp.io.model` (Gold, Predictions, ...),
:mod:`rukp.io.gold` (:func:`load_gold`), :mod:`rukp.io.readers` (:func:`load_predictions` and one module per
format), :mod:`rukp.io.views` (:func:`view_tables`).
"""

from rukp.io.gold import load_gold
from rukp.io.model import Gold, GoldDocument, Predictions, Problems, Skipped, SpanArrays, SpanColumns
from rukp.io.readers import (
    CONLL_SUFFIXES,
    LABELSTUDIO_SUFFIXES,
    load_conll,
    load_jsonl,
    load_labelstudio,
    load_predictions,
    predictions_from_rows,
)
from rukp.io.sentences import split_sentences
from rukp.io.views import view_tables

__all__ = ["CONLL_SUFFIXES", "LABELSTUDIO_SUFFIXES", "Gold", "GoldDocument", "Predictions", "Problems", "Skipped",
           "SpanArrays", "SpanColumns", "load_conll", "load_gold", "load_jsonl", "load_labelstudio",
           "load_predictions", "predictions_from_rows", "split_sentences", "view_tables"]
