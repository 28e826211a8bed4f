"""Scoring: entity spans under the four SemEval-2013 schemes (nervaluate vocabulary), optimally matched."""

from rukp.scoring.bio import bio_to_spans, tags_to_spans
from rukp.scoring.counts import FIELDS, SCHEMES, EntityCounts, LinkingCounts, macro_prf, prf
from rukp.scoring.entities import (
    DocumentEntityResult,
    EntityScores,
    SpanOutcome,
    score_data,
    score_document,
    score_documents,
    score_entity_files,
)
from rukp.scoring.schemes import OUTCOMES
from rukp.scoring.spans import Span
from rukp.scoring.tables import EntityData, SpanTable, build_entity_data, load_entity_files

__all__ = [
    "FIELDS", "OUTCOMES", "SCHEMES", "DocumentEntityResult", "EntityCounts", "EntityData", "EntityScores",
    "LinkingCounts", "Span", "SpanOutcome", "SpanTable", "build_entity_data", "load_entity_files",
    "bio_to_spans", "macro_prf", "prf", "score_data", "score_document", "score_documents", "score_entity_files",
    "tags_to_spans",
]
