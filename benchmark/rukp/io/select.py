"""A gold and its predictions restricted to some documents (``--doc``), positions renumbered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from rukp.errors import RukpError, quote
from rukp.io.model import Gold, Predictions, SpanArrays, SpanColumns


def _spans(columns: SpanColumns | SpanArrays, new_pos: np.ndarray) -> SpanArrays:
    """The spans of the kept documents (``new_pos[doc] >= 0``), their documents renumbered."""
    a = columns.arrays()
    keep = new_pos[a.doc] >= 0
    rows = np.flatnonzero(keep)
    item = a.item if a.item is not None else np.asarray([a.item_of(int(r)) for r in range(len(a))], dtype=np.int64)
    return SpanArrays(new_pos[a.doc[rows]], a.start[rows], a.end[rows], a.label[rows], a.labels,
                      a.entity[rows], a.entity_ids, a.line[rows], item[rows])


def check_ids(gold: Gold, ids: Sequence[str] | None) -> None:
    """An error listing the gold's document ids when one of ``ids`` is not among them."""
    unknown = [d for d in ids or () if d not in gold.index]
    if unknown:
        valid = ", ".join(gold.doc_ids[:50]) + (" …" if len(gold.doc_ids) > 50 else "")
        raise RukpError(f"unknown document id {quote(unknown[0])} (docs= / --doc); the gold has: {valid}",
                        path=gold.path)


def select_documents(gold: Gold, preds: Predictions, ids: Sequence[str] | None) -> tuple[Gold, Predictions]:
    """Only documents ``ids`` of the gold and the predictions (in gold order); an unknown id is an error
    listing the valid ones. ``ids`` None: both unchanged."""
    if ids is None:
        return gold, preds
    check_ids(gold, ids)
    wanted = set(ids)
    kept = [i for i, d in enumerate(gold.documents) if d.id in wanted]
    new_pos = np.full(len(gold.documents), -1, dtype=np.int64)
    new_pos[kept] = np.arange(len(kept))
    sub_gold = Gold(gold.path, gold.sha256, [gold.documents[i] for i in kept], _spans(gold.entities, new_pos),
                    gold.has_entities, gold.has_claims, gold.selected_from or len(gold.documents), gold.kb,
                    [s for s in gold.skipped if s.doc is None or s.doc in wanted])
    sub_preds = replace(preds, entities=_spans(preds.entities, new_pos),
                        claims={int(new_pos[i]): c for i, c in preds.claims.items() if new_pos[i] >= 0},
                        covered={int(new_pos[i]) for i in preds.covered if new_pos[i] >= 0},
                        skipped=[s for s in preds.skipped if s.doc is None or s.doc in wanted],
                        failed=[d for d in preds.failed if d in wanted],
                        unaligned=[replace(u, doc=int(new_pos[u.doc])) for u in preds.unaligned
                                   if new_pos[u.doc] >= 0],
                        fuzzy=[replace(f, doc=int(new_pos[f.doc])) for f in preds.fuzzy if new_pos[f.doc] >= 0],
                        unresolved_claimers=[replace(u, doc=int(new_pos[u.doc])) for u in preds.unresolved_claimers
                                             if new_pos[u.doc] >= 0])
    return sub_gold, sub_preds
