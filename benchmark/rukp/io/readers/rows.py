"""Prediction rows ``{"doc_id", "entities", "claims"}`` (in memory, or parsed by a reader) checked against the gold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rukp.errors import RukpError
from rukp.io.checks import checked_claims, entity_rows, list_field
from rukp.io.model import Gold, Predictions, Problems, SpanColumns
from rukp.scoring.claims.model import Claim


class Collector:
    """Accumulates prediction rows over the gold's documents, refusing unknown and duplicate documents."""

    def __init__(self, gold: Gold, report: Problems, *, entities: bool, claims: bool) -> None:
        self.gold, self.report = gold, report
        self.want_entities, self.want_claims = entities, claims
        self.entities = SpanColumns()
        self.claims: dict[int, list[Claim]] = {}
        self.first_line: dict[str, int | None] = {}

    def add(self, obj: Mapping[str, Any], line: int | None, *, key: str = "doc_id") -> None:
        report = self.report
        if key not in obj:
            report("missing_field", f"missing field '{key}'", line=line)
            return
        doc_id = obj[key]
        if not isinstance(doc_id, str) or not doc_id:
            report("wrong_type", f"'{key}' must be a non-empty string, got {doc_id!r}", line=line)
            return
        pos = self.gold.index.get(doc_id)
        if pos is None:
            report("unknown_doc_id", f"document {doc_id!r} is not in the gold file {self.gold.path}",
                   line=line, doc=doc_id)
            return
        if doc_id in self.first_line:
            first = self.first_line[doc_id]
            report("duplicate_document", f"duplicate predictions for document {doc_id!r}"
                   + (f" (first on line {first})" if first else ""), line=line, doc=doc_id)
            return
        n_chars = len(self.gold.documents[pos].text) if self.gold.documents[pos].text is not None else None
        ents = claims = None
        if self.want_entities:
            ents = list_field(obj, "entities", report, line=line, doc=doc_id, hint=" (or use --no-entities)")
        if self.want_claims:
            claims = list_field(obj, "claims", report, line=line, doc=doc_id, hint=" (or use --no-claims)")
        if (self.want_entities and ents is None) or (self.want_claims and claims is None):
            return
        self.first_line[doc_id] = line
        if ents is not None:
            self.entities.extend(pos, entity_rows(ents, n_chars, report, line=line, doc=doc_id,
                                                   side="predicted"), line)
        if claims is not None:
            self.claims[pos] = checked_claims(claims, n_chars, report, line=line, doc=doc_id, side="predicted")

    def result(self, source: str, kind: str, failed: Sequence[str] = ()) -> Predictions:
        covered = {self.gold.index[d] for d in self.first_line}
        return Predictions(source, kind, self.entities, self.claims, covered, self.report.items, list(failed),
                           self.want_entities, self.want_claims)


def predictions_from_rows(rows: Iterable[Mapping[str, Any]], gold: Gold, *, source: str = "<rows>",
                          kind: str = "rows", entities: bool = True, claims: bool = True,
                          skip_invalid: bool = False, failed: Sequence[str] = ()) -> Predictions:
    """Validate in-memory prediction rows ``{"doc_id", "entities", "claims"}`` against ``gold``."""
    report = Problems(skip_invalid, None if kind in {"rows", "extractor"} else source)
    collector = Collector(gold, report, entities=entities, claims=claims)
    n = 0
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            report("wrong_type", f"prediction {n}: expected a dict, got {type(row).__name__}")
            continue
        collector.add(row, None)
    if n == 0 and kind == "rows":
        raise RukpError("no predictions given (an empty list)")
    return collector.result(source, kind, failed)
