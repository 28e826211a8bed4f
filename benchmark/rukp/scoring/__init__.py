"""Scoring: entity spans under the four SemEval-2013 schemes (nervaluate vocabulary), optimally matched.

Pure: arrays and in-memory objects in, counts out; nothing here reads files (:mod:`rukp.io.entity_files`
loads span files into these tables).
"""

from rukp.scoring.bio import bio_to_spans, tags_to_spans
from rukp.scoring.counts import FIELDS, SCHEMES, EntityCounts, LinkingCounts, macro_prf, prf
from rukp.scoring.entities import (
    DocumentEntityResult,
    EntityScores,
    SpanOutcome,
    score_data,
    score_document,
    score_documents,
)
from rukp.scoring.schemes import OUTCOMES
from rukp.scoring.spans import Span
from rukp.scoring.tables import EntityData, SpanTable, build_entity_data

__all__ = [
    "FIELDS", "OUTCOMES", "SCHEMES", "DocumentEntityResult", "EntityCounts", "EntityData", "EntityScores",
    "LinkingCounts", "Span", "SpanOutcome", "SpanTable", "build_entity_data",
    "bio_to_spans", "macro_prf", "prf", "score_data", "score_document", "score_documents",
    "tags_to_spans",
]
