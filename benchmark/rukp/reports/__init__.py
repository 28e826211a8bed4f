"""Renderers of a :class:`rukp.evaluation.Report` (or ``Comparison``): terminal, JSON, Markdown, PNG, diff.

Each takes the report object and formats what it already holds; none re-runs scoring.
"""
