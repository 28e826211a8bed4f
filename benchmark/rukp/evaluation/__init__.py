"""``rukp.evaluate``: score an extractor or its predictions against the gold and return a :class:`Report`.

:mod:`~rukp.evaluation.options` checks the options, :mod:`~rukp.evaluation.inputs` turns what was given into
predictions, :mod:`~rukp.evaluation.run` scores once and adds the intervals, :mod:`~rukp.evaluation.report`
holds the result as data, :mod:`~rukp.evaluation.compare` tests two systems against each other.
"""

from rukp.evaluation.compare import Comparison, compare
from rukp.evaluation.inputs import load_input
from rukp.evaluation.options import Options, make_options
from rukp.evaluation.report import REPORT_SCHEMA, UNITS, Report
from rukp.evaluation.results import ClaimsResult, ViewResult
from rukp.evaluation.run import evaluate
from rukp.evaluation.sentences import SentenceIndex

__all__ = ["REPORT_SCHEMA", "UNITS", "ClaimsResult", "Comparison", "Options", "Report", "SentenceIndex",
           "ViewResult", "compare", "evaluate", "load_input", "make_options"]
