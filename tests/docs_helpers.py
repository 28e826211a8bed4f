"""Helpers for the documentation tests: a scratch checkout, and a small synthetic gold built on the real corpus."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from rukp import paths
from rukp.annotations.store import AnnotationSet
from rukp.corpus.build import load_corpus
from rukp.dataset.features import CONFIGS
from rukp.dataset.views import all_views
from rukp.io.atomic import dumps_jsonl

ROOT = paths.repo_root()
#: What `rukp docs build` reads or writes, relative to the root (optional inputs are copied when present).
DOC_FILES = ("DATASHEET.md", "README.md", "CITATION.cff", "corpus/documents.jsonl", "annotations/GUIDELINES.md",
             "annotations/FORMAT.md", "annotations/manifest.json", "seeds/MANIFEST.json", "seeds/metadata.json")


def scratch_checkout(tmp: Path, *, with_optional: bool = False) -> Path:
    """Copy the files the documentation build needs (views, corpus, docs) into ``tmp``; return it as the root."""
    for rel in DOC_FILES:
        if (ROOT / rel).is_file():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, tmp / rel)
    for seed in (ROOT / "seeds").glob("*.txt"):
        shutil.copy2(seed, tmp / "seeds" / seed.name)
    (tmp / "benchmark" / "rukp" / "data").mkdir(parents=True, exist_ok=True)
    for config in CONFIGS:
        shutil.copy2(paths.data_dir(ROOT) / f"{config}.jsonl", paths.data_dir(tmp) / f"{config}.jsonl")
    if with_optional:
        for name in ("agreement.json", "adjudication.jsonl"):
            if (ROOT / "annotations" / name).is_file():
                shutil.copy2(ROOT / "annotations" / name, tmp / "annotations" / name)
    return tmp


def _span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def synthetic_gold(corpus: list[dict[str, Any]]) -> AnnotationSet:
    """A small, valid gold on the first two documents: entities, a kb, claims (with and without quantity,
    co-claimers and claimer mentions), clusters and one cross-document relation. Offsets are found, not typed."""
    t0, t1 = corpus[0]["text"], corpus[1]["text"]
    d0, d1 = corpus[0]["id"], corpus[1]["id"]
    ents = []
    for doc, text, needle, label, eid in [
        (d0, t0, "Vladimir Poutine", "PER", "vladimir_putin"),
        (d0, t0, "Kazan", "GPE", "kazan"),
        (d0, t0, "24 octobre 2024", "DATE", None),
        (d0, t0, "Pentagone", "ORG", "pentagon"),
        (d1, t1, "Vladimir Putin", "PER", "vladimir_putin"),
    ]:
        s, e = _span(text, needle)
        n = sum(1 for x in ents if x["doc_id"] == doc) + 1
        ents.append({"doc_id": doc, "id": f"{doc}-E{n:03d}", "start": s, "end": e, "text": needle, "label": label,
                     "entity_id": eid})
    kb = [{"entity_id": "kazan", "type": "GPE", "name": "Kazan", "aliases": ["Kazan"], "wikidata": None,
           "description": "city"},
          {"entity_id": "pentagon", "type": "ORG", "name": "Pentagon", "aliases": ["Pentagone"], "wikidata": None,
           "description": "US Department of Defense"},
          {"entity_id": "vladimir_putin", "type": "PER", "name": "Vladimir Putin",
           "aliases": ["Vladimir Poutine", "Vladimir Putin"], "wikidata": "Q7747", "description": "President"}]
    c1 = _span(t0, "un total de 10.000 soldats nord-coréens se trouvent déjà en Russie")
    who = _span(t0, "Pentagone")
    c2 = _span(t0, "Vladimir Poutine à Kazan, en Russie, le 24 octobre 2024")
    c3 = _span(t1, "Russian President Vladimir Putin, right, and North Korea")
    claims = [
        {"doc_id": d0, "id": f"{d0}-C001", "start": c2[0], "end": c2[1], "text": t0[c2[0]:c2[1]], "claimer": "AUTHOR",
         "co_claimers": [], "claimer_start": None, "claimer_end": None, "polarity": "affirmed",
         "certainty": "certain", "topic": "diplomatic_visit", "cluster": "K1", "quantity": None},
        {"doc_id": d0, "id": f"{d0}-C002", "start": c1[0], "end": c1[1], "text": t0[c1[0]:c1[1]],
         "claimer": "pentagon", "co_claimers": ["vladimir_putin"], "claimer_start": who[0], "claimer_end": who[1],
         "polarity": "affirmed", "certainty": "probable", "topic": "troop_deployment", "cluster": "K2",
         "quantity": {"value": 10000.0, "unit": "soldiers", "approximator": None}},
        {"doc_id": d1, "id": f"{d1}-C001", "start": c3[0], "end": c3[1], "text": t1[c3[0]:c3[1]],
         "claimer": "UNSPECIFIED", "co_claimers": [], "claimer_start": None, "claimer_end": None,
         "polarity": "denied", "certainty": "possible", "topic": "other", "cluster": "K1",
         "quantity": {"value": 2.5, "unit": "km", "approximator": "environ"}},
    ]
    return AnnotationSet(
        entities=ents, claims=claims, kb=kb,
        relations=[{"id": "R001", "type": "supports", "source": f"{d1}-C001", "target": f"{d0}-C001"}],
        clusters=[{"cluster": "K1", "proposition": "p1"}, {"cluster": "K2", "proposition": "p2"}],
    )


def annotated_checkout(tmp: Path) -> tuple[Path, dict[str, list[dict[str, Any]]]]:
    """A scratch checkout whose dataset views are rebuilt from :func:`synthetic_gold`; returns (root, views)."""
    root = scratch_checkout(tmp)
    views = all_views(load_corpus(root), synthetic_gold(load_corpus(root)))
    for config, rows in views.items():
        (paths.data_dir(root) / f"{config}.jsonl").write_text(dumps_jsonl(rows), encoding="utf-8")
    return root, views
