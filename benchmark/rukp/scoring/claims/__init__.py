"""Claim scoring: detection (optimal one-to-one matching on token overlap), attribution, attributes, clusters.

Detection pairs each predicted claim with at most one gold claim so that the number of pairs with token
Jaccard ≥ ``threshold`` is maximal (ties: the larger total Jaccard in thousandths, then the most agreements on
claimer, polarity, certainty and topic, in that order), solved with
:func:`scipy.optimize.linear_sum_assignment` per connected component of the overlap graph (found by a
sort-and-sweep over start positions, so no document-sized matrix is ever built). Positions are tokens of
the dataset's tokenisation (:func:`rukp.dataset.tokenize.sentences`) when the gold has text, characters
otherwise. Every per-document figure is an additive count vector (:data:`CLAIM_FIELDS` followed by one
confusion matrix per attribute), so documents and sentences can be summed and resampled; clusters are scored
with :class:`ClusterStat`, which takes unit weights because B³ does not add over documents.
"""

from rukp.defaults import DEFAULT_THRESHOLD
from rukp.scoring.claims.matching import (
    AGREEMENTS,
    agreements,
    claim_key,
    claimer_correct,
    components,
    jaccard,
    match,
    score_document,
    to_positions,
    unit_index,
)
from rukp.scoring.claims.metrics import (
    ClusterStat,
    attribute_metrics,
    attribute_report,
    claim_metrics,
    cluster_stat,
    confusion,
    predicted_figures,
)
from rukp.scoring.claims.model import (
    ATTRIBUTE_LAYOUT,
    ATTRIBUTES,
    CLAIM_FIELDS,
    FIELD_INDEX,
    NONE_LABEL,
    VECTOR_SIZE,
    Claim,
    ClaimOutcome,
    DocumentClaimResult,
)

__all__ = [
    "AGREEMENTS", "ATTRIBUTES", "ATTRIBUTE_LAYOUT", "CLAIM_FIELDS", "DEFAULT_THRESHOLD", "FIELD_INDEX", "NONE_LABEL",
    "VECTOR_SIZE", "Claim", "ClaimOutcome", "ClusterStat", "DocumentClaimResult", "agreements", "attribute_metrics",
    "attribute_report", "claim_key", "claim_metrics", "claimer_correct", "cluster_stat", "components", "confusion",
    "jaccard", "match", "predicted_figures", "score_document", "to_positions", "unit_index",
]
