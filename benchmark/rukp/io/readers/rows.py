"""Prediction rows ``{"doc_id", "entities", "claims"}`` (in memory, or parsed by a reader) checked against the gold."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rukp.errors import RukpError, quote
from rukp.io.anchor import Anchors, gold_claimers
from rukp.io.checks import Presence, checked_claims, entity_rows, exclusive_ends, list_field
from rukp.io.model import Gold, Predictions, Problems, SpanColumns
from rukp.io.sentence_items import SentencePrediction, checked_sentences
from rukp.scoring.claims.model import Claim


class Collector:
    """Accumulates prediction rows over the gold's documents, refusing unknown and duplicate documents."""

    def __init__(self, gold: Gold, report: Problems, *, entities: bool | None, claims: bool | None,
                 inclusive_ends: bool = False, sentences: bool | None = None, every: bool = False) -> None:
        self.gold, self.report, self.inclusive_ends = gold, report, inclusive_ends
        self.has_entities = Presence("entities", entities, report)
        self.has_claims = Presence("claims", claims, report)
        # sentence-level claims belong to the claims task: read when present, never when claims are turned off
        wanted = sentences if sentences is not None else False if claims is False else None
        self.has_sentences = Presence("sentences", wanted, report)
        self.sentences: dict[int, list[SentencePrediction]] = {}
        self.entities = SpanColumns()
        self.claims: dict[int, list[Claim]] = {}
        self.first_line: dict[str, int | None] = {}
        self.anchors = Anchors(gold.kb, gold_claimers(gold), every=every)

    def add(self, obj: Mapping[str, Any], line: int | None, *, key: str = "doc_id",
            item_lines: Sequence[int] | None = None) -> None:
        """Check one row against the gold and keep it; ``item_lines``: the source line of each of its entities
        (when not ``line``), for messages."""
        report = self.report
        if key not in obj:
            report("missing_field", f"missing field '{key}'", line=line)
            return
        doc_id = obj[key]
        if not isinstance(doc_id, str) or not doc_id:
            report("wrong_type", f"'{key}' must be a non-empty string, got {quote(doc_id)}", line=line)
            return
        pos = self.gold.index.get(doc_id)
        if pos is None:
            report("unknown_doc_id", f"document {quote(doc_id)} is not in the gold file {self.gold.path}",
                   line=line, doc=doc_id)
            return
        if doc_id in self.first_line:
            first = self.first_line[doc_id]
            report("duplicate_document", f"duplicate predictions for document {quote(doc_id)}"
                   + (f" (first on line {first})" if first else ""), line=line, doc=doc_id)
            return
        text = self.gold.documents[pos].text
        n_chars = len(text) if text is not None else None
        want_entities = self.has_entities(obj, line=line, doc=doc_id)
        want_claims = self.has_claims(obj, line=line, doc=doc_id)
        want_sentences = self.has_sentences(obj, line=line, doc=doc_id)
        if want_entities is None or want_claims is None or want_sentences is None:
            return
        ents = list_field(obj, "entities", report, line=line, doc=doc_id) if want_entities else None
        claims = list_field(obj, "claims", report, line=line, doc=doc_id) if want_claims else None
        sents = list_field(obj, "sentences", report, line=line, doc=doc_id) if want_sentences else None
        if (want_entities and ents is None) or (want_claims and claims is None) or (want_sentences and sents is None):
            return
        self.first_line[doc_id] = line
        if ents is not None:
            if self.inclusive_ends:
                ents = exclusive_ends(ents)
            ents, index = self.anchors.place(ents, "entity", text, pos=pos, line=line, doc=doc_id, report=report)
            starts, ends, labels, ids, items = entity_rows(ents, n_chars, report, line=line, doc=doc_id,
                                                           side="predicted")
            items = [index[k] for k in items]
            self.entities.extend(pos, (starts, ends, labels, ids, items), line,
                                 [item_lines[k] for k in items] if item_lines is not None else None)
        if claims is not None:
            claims, _ = self.anchors.place(claims, "claim", text, pos=pos, line=line, doc=doc_id, report=report)
            self.claims[pos] = checked_claims(claims, n_chars, report, line=line, doc=doc_id, side="predicted")
        if sents is not None:
            self.sentences[pos] = checked_sentences(sents, self.gold.documents[pos].sentences, n_chars, report,
                                                    line=line, doc=doc_id)

    def result(self, source: str, kind: str, failed: Sequence[str] = ()) -> Predictions:
        covered = {self.gold.index[d] for d in self.first_line}
        anchors = self.anchors
        return Predictions(source, kind, self.entities, self.claims, covered, self.report.items, list(failed),
                           self.has_entities.present, self.has_claims.present,
                           anchors.counts if anchors.anchored else {}, anchors.unaligned, fuzzy=anchors.fuzzy,
                           sentences=self.sentences, has_sentences=self.has_sentences.present,
                           unresolved_claimers=anchors.unresolved)


def predictions_from_rows(rows: Iterable[Mapping[str, Any]], gold: Gold, *, source: str = "<rows>",
                          kind: str = "rows", entities: bool | None = None, claims: bool | None = None,
                          skip_invalid: bool = False, failed: Sequence[str] = (),
                          inclusive_ends: bool = False, every: bool = False) -> Predictions:
    """Validate in-memory prediction rows ``{"doc_id", "entities", "claims"}`` against ``gold`` (``entities``/
    ``claims`` None: read when the rows have them, see :class:`~rukp.io.checks.Presence`)."""
    # where a problem is: the file, or for an extractor's outputs the extractor itself
    report = Problems(skip_invalid, f"extractor {source!r} output" if kind == "extractor" else
                      None if kind == "rows" else source)
    collector = Collector(gold, report, entities=entities, claims=claims, inclusive_ends=inclusive_ends,
                          every=every)
    n = 0
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            report("wrong_type", f"prediction {n}: expected a dict, got {type(row).__name__}")
            continue
        collector.add(row, None)
    if n == 0 and kind == "rows":
        raise RukpError("no predictions given (an empty list)")
    return collector.result(source, kind, failed)
