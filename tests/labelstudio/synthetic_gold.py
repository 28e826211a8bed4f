"""Generated annotation sets on the real corpus texts, valid under ``rukp.annotations.validate``.

Spans sit on word boundaries (runs of alphanumeric characters) inside one kept section, as the validator
requires. :func:`annotation_sets` is a hypothesis strategy; :func:`small_gold` is one fixed, hand-picked
set used by the live-server test.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from rukp import schema
from rukp.annotations.store import AnnotationSet
from rukp.corpus.build import text_sha256


def words(doc: dict[str, Any]) -> list[list[tuple[int, int]]]:
    """Per kept section, the (start, end) of each run of alphanumeric characters."""
    text, out = doc["text"], []
    for section in doc["sections"]:
        runs, start = [], None
        for i in range(section["start"], section["end"] + 1):
            inside = i < section["end"] and text[i].isalnum()
            if inside and start is None:
                start = i
            elif not inside and start is not None:
                runs.append((start, i))
                start = None
        if runs:
            out.append(runs)
    return out


def _span(draw: st.DrawFn, sections: list[list[tuple[int, int]]], max_words: int) -> tuple[int, int]:
    section = draw(st.sampled_from(sections))
    first = draw(st.integers(0, len(section) - 1))
    last = draw(st.integers(first, min(len(section) - 1, first + max_words - 1)))
    return section[first][0], section[last][1]


def finish(docs: dict[str, dict[str, Any]], entities: list[dict[str, Any]], claims: list[dict[str, Any]],
           relations: list[dict[str, Any]], descriptions: dict[str, tuple[str | None, str]] | None = None
           ) -> AnnotationSet:
    """Complete rows into a valid set: kb from the mentions, clusters from the claims, the manifest."""
    kb: dict[str, dict[str, Any]] = {}
    for e in sorted(entities, key=lambda r: (r["doc_id"], r["start"])):
        if e["entity_id"] is None:
            continue
        row = kb.setdefault(e["entity_id"], {"entity_id": e["entity_id"], "type": e["label"], "name": e["text"],
                                             "aliases": [], "wikidata": None, "description": "generated"})
        if e["text"] not in row["aliases"]:
            row["aliases"].append(e["text"])
    for eid, (wikidata, description) in (descriptions or {}).items():
        if eid in kb:
            kb[eid].update(wikidata=wikidata, description=description)
    clusters = sorted({c["cluster"] for c in claims})
    annotated = sorted({r["doc_id"] for r in [*entities, *claims]})
    return AnnotationSet(
        entities=entities, claims=claims, relations=relations, kb=list(kb.values()),
        clusters=[{"cluster": c, "proposition": f"proposition {c}"} for c in clusters],
        manifest={"scheme": schema.SCHEME_VERSION, "guidelines": "test",
                  "documents": {d: {"text_sha256": text_sha256(docs[d]["text"])} for d in annotated}},
    )


@st.composite
def annotation_sets(draw: st.DrawFn, corpus: list[dict[str, Any]]) -> AnnotationSet:
    """A valid annotation set over some of the corpus documents (every field of the format exercised)."""
    docs = {d["id"]: d for d in corpus}
    chosen = draw(st.lists(st.sampled_from(sorted(docs)), min_size=1, max_size=len(docs), unique=True))
    entities: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    for doc_id in sorted(chosen):
        doc, sections = docs[doc_id], words(docs[doc_id])
        taken: list[tuple[int, int]] = []
        for _ in range(draw(st.integers(0, 8))):
            start, end = _span(draw, sections, 3)
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            label = draw(st.sampled_from(schema.ENTITY_LABELS))
            eid = f"{label.lower()}-{draw(st.integers(0, 2))}" if label in schema.NAMED_LABELS else None
            entities.append({"doc_id": doc_id, "id": "", "start": start, "end": end, "text": doc["text"][start:end],
                             "label": label, "entity_id": eid})
        doc_entities = sorted((e for e in entities if e["doc_id"] == doc_id), key=lambda e: e["start"])
        for n, e in enumerate(doc_entities, start=1):
            e["id"] = f"{doc_id}-E{n:03d}"
        for n in range(1, draw(st.integers(0, 4)) + 1):
            start, end = _span(draw, sections, 8)
            mention = draw(st.one_of(st.none(), st.sampled_from(doc_entities) if doc_entities else st.none(),
                                     st.just("words")))
            if mention == "words":
                cstart, cend = _span(draw, sections, 3)
            elif mention is None:
                cstart = cend = None
            else:
                cstart, cend = mention["start"], mention["end"]
            claims.append({
                "doc_id": doc_id, "id": f"{doc_id}-C{n:03d}", "start": start, "end": end,
                "text": doc["text"][start:end], "claimer": "", "co_claimers": [],
                "claimer_start": cstart, "claimer_end": cend,
                "polarity": draw(st.sampled_from(schema.POLARITIES)),
                "certainty": draw(st.sampled_from(schema.CERTAINTIES)),
                "topic": draw(st.sampled_from(schema.TOPICS)),
                "cluster": draw(st.sampled_from(["K1", "K2", "K3"])),
                "quantity": draw(st.one_of(st.none(), st.fixed_dictionaries({
                    "value": st.one_of(st.integers(0, 10**6), st.floats(0, 1e6, allow_nan=False)),
                    "unit": st.sampled_from(["soldats", "kilomètres carrés"]),
                    "approximator": st.sampled_from([None, "environ", "plus de"])}))),
            })
    kb_ids = sorted({e["entity_id"] for e in entities if e["entity_id"] is not None})
    for c in claims:
        c["claimer"] = draw(st.sampled_from([*schema.SPECIAL_CLAIMERS, *kb_ids]))
        c["co_claimers"] = draw(st.lists(st.sampled_from(kb_ids), unique=True, max_size=2)) if kb_ids else []
        c["co_claimers"] = [k for k in c["co_claimers"] if k != c["claimer"]]
    pairs = draw(st.lists(st.tuples(st.sampled_from(claims), st.sampled_from(claims)), max_size=4)) if claims else []
    seen: set[frozenset[str]] = set()
    for a, b in pairs:
        key = frozenset((a["id"], b["id"]))
        if a["id"] == b["id"] or key in seen:
            continue
        seen.add(key)
        relations.append({"id": f"R{len(relations) + 1:03d}", "type": draw(st.sampled_from(schema.CLAIM_RELATIONS)),
                          "source": a["id"], "target": b["id"]})
    return finish(docs, entities, claims, relations)


def _find(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def small_gold(corpus: list[dict[str, Any]]) -> AnnotationSet:
    """A fixed valid set on document 000: a few entities, two claims (one with a claimer mention), a relation."""
    doc = next(d for d in corpus if d["id"] == "000")
    text = doc["text"]
    spans = [("Vladimir Poutine", "PER", "putin"), ("Kazan", "GPE", "kazan"), ("Pentagone", "ORG", "pentagon"),
             ("10.000", "CARDINAL", None), ("Sergueï Lavrov", "PER", "lavrov"),
             ("Maria Zakharova", "PER", "zakharova")]
    entities = []
    for n, (surface, label, eid) in enumerate(spans, start=1):
        s, e = _find(text, surface)
        entities.append({"doc_id": "000", "id": f"000-E{n:03d}", "start": s, "end": e, "text": surface,
                         "label": label, "entity_id": eid})
    c1 = _find(text, "un total de 10.000 soldats nord-coréens se trouvent déjà en Russie")
    c2 = _find(text, "arrive à Moscou en visite officielle pour des discussions stratégiques")
    pentagon = next(e for e in entities if e["entity_id"] == "pentagon")
    claims = [
        {"doc_id": "000", "id": "000-C001", "start": c1[0], "end": c1[1], "text": text[c1[0]:c1[1]],
         "claimer": "pentagon", "co_claimers": [], "claimer_start": pentagon["start"],
         "claimer_end": pentagon["end"], "polarity": "affirmed", "certainty": "certain",
         "topic": "troop_deployment", "cluster": "troops-in-russia",
         "quantity": {"value": 10000, "unit": "soldats", "approximator": None}},
        {"doc_id": "000", "id": "000-C002", "start": c2[0], "end": c2[1], "text": text[c2[0]:c2[1]],
         "claimer": "zakharova", "co_claimers": [], "claimer_start": None, "claimer_end": None,
         "polarity": "affirmed", "certainty": "future", "topic": "diplomatic_visit", "cluster": "choe-visit",
         "quantity": None},
    ]
    relations = [{"id": "R001", "type": "supports", "source": "000-C002", "target": "000-C001"}]
    return finish({d["id"]: d for d in corpus}, entities, claims, relations,
                  {"putin": ("Q7747", "President of Russia")})


def as_export(tasks: list[dict[str, Any]], *, first_task_id: int = 1) -> list[dict[str, Any]]:
    """What Label Studio's JSON export gives for imported tasks: ids, and annotations with their metadata."""
    out = []
    for n, task in enumerate(tasks, start=first_task_id):
        annotations = [{"id": 100 * n + i, "completed_by": 1, "result": copy.deepcopy(a["result"]),
                        "was_cancelled": False, "ground_truth": a.get("ground_truth", False),
                        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
                        "lead_time": None, "task": n}
                       for i, a in enumerate(task.get("annotations", []))]
        out.append({"id": n, "data": dict(task["data"]), "annotations": annotations, "drafts": [],
                    "predictions": [], "meta": {}})
    return out


def russia_extractor(text: str) -> dict[str, Any]:
    """A toy extractor (``synthetic_gold:russia_extractor``): the first 'Russie' as a GPE."""
    start = text.index("Russie") if "Russie" in text else 0
    return {"entities": [{"start": start, "end": start + 6, "label": "GPE", "entity_id": "russia"}], "claims": []}


def misc_extractor(text: str) -> dict[str, Any]:
    """A toy extractor with a label outside the scheme (spaCy's MISC)."""
    return {"entities": [{"start": 0, "end": 8, "label": "MISC"}], "claims": []}
