"""Rows of every dataset config, derived from ``corpus/`` and ``annotations/`` by pure functions."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from rukp import schema
from rukp.annotations.store import AnnotationSet
from rukp.dataset.tokenize import Sentence, sentences
from rukp.errors import RukpError

_ENTITY_KEYS = ("id", "start", "end", "text", "label")
_CLAIM_KEYS = ("id", "start", "end", "text", "claimer", "co_claimers", "claimer_start", "claimer_end",
               "polarity", "certainty", "topic", "cluster", "quantity")
_DOC_KEYS = ("id", "seed", "seed_sha256", "title", "language", "date", "date_evidence", "date_basis",
             "authors", "outlet", "text", "text_sha256", "sections", "dropped")


def _entity(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in _ENTITY_KEYS}
    out["coarse_label"] = schema.coarse_label(row["label"])
    out["entity_id"] = row.get("entity_id")
    return out


def _claim(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in _CLAIM_KEYS}
    out["co_claimers"] = list(row.get("co_claimers") or [])
    return out


def _sentence_index(sents: list[Sentence], start: int) -> int:
    for i, s in enumerate(sents):
        if s.start <= start < s.end:
            return i
    return -1


def document_rows(corpus: list[dict[str, Any]], ann: AnnotationSet) -> list[dict[str, Any]]:
    """The ``documents`` config: corpus metadata and text with sentences, entities, claims and relations."""
    claim_doc = {c["id"]: c["doc_id"] for c in ann.claims}
    relations: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in ann.relations:
        relations[claim_doc.get(r["source"], "")].append(dict(r))
    rows = []
    for doc in corpus:
        sents = sentences(doc["text"])
        rows.append({
            **{k: doc[k] for k in _DOC_KEYS},
            "sentences": [{"start": s.start, "end": s.end} for s in sents],
            "entities": [_entity(e) for e in ann.for_doc("entities", doc["id"])],
            "claims": [_claim(c) for c in ann.for_doc("claims", doc["id"])],
            "relations": sorted(relations.get(doc["id"], []), key=lambda r: r["id"]),
        })
    return rows


def entity_rows(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``entities`` config: one row per mention with its document and sentence index."""
    rows = []
    for doc in documents:
        sents = sentences(doc["text"])
        for e in doc["entities"]:
            rows.append({"doc_id": doc["id"], **e, "sentence": _sentence_index(sents, e["start"])})
    return rows


def claim_rows(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``claims`` config: one row per claim with its document."""
    return [{"doc_id": doc["id"], **c} for doc in documents for c in doc["claims"]]


def kb_rows(documents: list[dict[str, Any]], ann: AnnotationSet) -> list[dict[str, Any]]:
    """The ``kb`` config: one row per canonical entity, with its mention count and documents."""
    counts: Counter[str] = Counter()
    docs: dict[str, set[str]] = defaultdict(set)
    for doc in documents:
        for e in doc["entities"]:
            if e["entity_id"]:
                counts[e["entity_id"]] += 1
                docs[e["entity_id"]].add(doc["id"])
    return [{"entity_id": k["entity_id"], "type": k["type"], "name": k["name"], "aliases": list(k["aliases"]),
             "wikidata": k.get("wikidata"), "description": k.get("description"),
             "mentions": counts[k["entity_id"]], "documents": sorted(docs[k["entity_id"]])}
            for k in sorted(ann.kb, key=lambda r: r["entity_id"])]


def bio_tags(sent: Sentence, spans: list[tuple[int, int, str]], doc_id: str) -> list[str]:
    """BIO tags of a sentence's tokens for non-overlapping ``spans``; a boundary inside a token is an error."""
    tags = ["O"] * len(sent.tokens)
    starts = {s: i for i, (s, _) in enumerate(sent.tokens)}
    ends = {e: i for i, (_, e) in enumerate(sent.tokens)}
    for start, end, label in spans:
        if end <= sent.start or start >= sent.end:
            continue
        if start not in starts or end not in ends:
            raise RukpError(f"entity {start}-{end} ({label}) does not fall on token boundaries of the spaCy "
                            "French tokenizer (or crosses a sentence boundary)", doc=doc_id)
        first, last = starts[start], ends[end]
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tags


def ner_rows(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``ner`` config: one row per sentence with tokens and fine and coarse BIO tags (as label ids)."""
    fine_ids = {n: i for i, n in enumerate(schema.FINE_BIO)}
    coarse_ids = {n: i for i, n in enumerate(schema.COARSE_BIO)}
    rows = []
    for doc in documents:
        text = doc["text"]
        fine = [(e["start"], e["end"], e["label"]) for e in doc["entities"]]
        coarse = [(e["start"], e["end"], e["coarse_label"]) for e in doc["entities"] if e["coarse_label"]]
        covered = set()
        for i, sent in enumerate(sentences(text)):
            inside = [s for s in fine if s[0] < sent.end and s[1] > sent.start]
            for s in inside:
                if s[0] < sent.start or s[1] > sent.end:
                    raise RukpError(f"entity {s[0]}-{s[1]} ({s[2]}) crosses a sentence boundary", doc=doc["id"])
                covered.add(s)
            rows.append({
                "doc_id": doc["id"], "sentence": i, "start": sent.start, "end": sent.end,
                "tokens": [text[a:b] for a, b in sent.tokens],
                "token_starts": [a for a, _ in sent.tokens], "token_ends": [b for _, b in sent.tokens],
                "ner_tags": [fine_ids[t] for t in bio_tags(sent, fine, doc["id"])],
                "coarse_ner_tags": [coarse_ids[t] for t in bio_tags(sent, coarse, doc["id"])],
            })
        missing = [s for s in fine if s not in covered]
        if missing:
            raise RukpError(f"entity {missing[0][0]}-{missing[0][1]} lies outside every sentence", doc=doc["id"])
    return rows


def sentence_id(doc_id: str, index: int) -> str:
    """The id of a sentence, ``<doc_id>-<index>`` (``000-3``): the CheckThat! task 1 sentence id."""
    return f"{doc_id}-{index}"


def sentence_rows(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``sentences`` config: one row per gold sentence, ``claim`` when a gold claim span overlaps it
    (``claim.start < end and claim.end > start``), with those claims' ids, claimers and attributes in text order."""
    rows = []
    for doc in documents:
        claims = sorted(doc["claims"], key=lambda c: (c["start"], c["end"], c["id"]))
        for i, s in enumerate(doc["sentences"]):
            inside = [c for c in claims if c["start"] < s["end"] and c["end"] > s["start"]]
            rows.append({
                "id": sentence_id(doc["id"], i), "doc_id": doc["id"], "index": i, "start": s["start"],
                "end": s["end"], "text": doc["text"][s["start"]:s["end"]], "claim": bool(inside),
                "claim_ids": [c["id"] for c in inside], "claimers": [c["claimer"] for c in inside],
                "polarities": [c["polarity"] for c in inside], "certainties": [c["certainty"] for c in inside],
                "topics": [c["topic"] for c in inside],
            })
    return rows


def all_views(corpus: list[dict[str, Any]], ann: AnnotationSet) -> dict[str, list[dict[str, Any]]]:
    """Rows of every config, keyed by config name."""
    documents = document_rows(corpus, ann)
    return {"documents": documents, "entities": entity_rows(documents), "claims": claim_rows(documents),
            "kb": kb_rows(documents, ann), "ner": ner_rows(documents),
            "sentences": sentence_rows(documents)}
