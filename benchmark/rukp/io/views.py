"""Gold and predicted spans in a view's labels, as scoring tables (:func:`view_tables`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from rukp import schema
from rukp.errors import RukpError, quote
from rukp.io.model import Gold, Predictions, Problems, Skipped, SpanArrays
from rukp.scoring.tables import EntityData, SpanTable
from rukp.views import LabelMap, View, predicted_label


def _entity_codes(columns: SpanArrays, rank: Mapping[str, int]) -> np.ndarray:
    """Each span's entity id as its index in the shared sorted vocabulary (-1: none)."""
    lut = np.asarray([rank[e] for e in columns.entity_ids] + [-1], dtype=np.int64)  # code -1 → the last
    return lut[columns.entity]


def _table(columns: SpanArrays, labels: np.ndarray, entity: np.ndarray) -> SpanTable:
    """The spans with a label in the view (code ≥ 0) as a scoring table."""
    keep = labels >= 0
    if keep.all():  # nothing dropped: no copies
        return SpanTable.build(columns.doc, columns.start, columns.end, labels, entity)
    return SpanTable.build(columns.doc[keep], columns.start[keep], columns.end[keep], labels[keep], entity[keep])


def _gold_lookup(gold: Gold, columns: SpanArrays, view: View) -> np.ndarray:
    """View label index (-1: not in the view) of each gold label code; a label neither fine nor of the view
    is an error naming its first span."""
    index = {label: i for i, label in enumerate(view.labels)}
    lut = np.full(len(columns.labels), -1, dtype=np.int64)
    bad = []
    for code, label in enumerate(columns.labels):
        if label in schema.ENTITY_LABELS:
            target = view.project(label)
        elif label in index:
            target = label
        else:
            bad.append(code)
            continue
        if target is not None:
            lut[code] = index[target]
    if bad:
        k = int(np.flatnonzero(np.isin(columns.label, bad))[0])
        raise RukpError(f"gold entity {columns.item_of(k)}: label {quote(columns.labels[int(columns.label[k])])} is "
                        f"not one of {', '.join(schema.ENTITY_LABELS)}", path=gold.path,
                        line=columns.source_line(k), doc=gold.documents[int(columns.doc[k])].id)
    return lut


def view_tables(gold: Gold, preds: Predictions, view: View, label_map: LabelMap | None, *,
                skip_invalid: bool = False) -> tuple[EntityData, list[Skipped], int]:
    """Gold and predicted spans in ``view``'s labels, as scoring tables; also the predicted spans left out
    for a label outside the view and its map (``skip_invalid``), and how many predicted spans the view or
    the map drops on purpose (types it does not score, such as DATE in the coarse view)."""
    g, p = gold.entities.arrays(), preds.entities.arrays()
    index = {label: i for i, label in enumerate(view.labels)}
    pred_lut = np.full(len(p.labels), -1, dtype=np.int64)
    unknown = []
    for code, label in enumerate(p.labels):
        known, target = predicted_label(label, view, label_map)
        if known and target is not None:
            pred_lut[code] = index[target]
        if not known:
            unknown.append(code)
    report = Problems(skip_invalid, preds.source if preds.kind not in {"rows", "extractor"} else None)
    if unknown:
        mapped = f" or label map {quote(label_map.name)}" if label_map else ""
        hint = "" if label_map else " (give --label-map; spaCy's PER/LOC/ORG/MISC: --label-map spacy)"
        for k in np.flatnonzero(np.isin(p.label, unknown)).tolist():
            report("unknown_label", f"predicted entity {p.item_of(k)}: label {quote(p.labels[int(p.label[k])])} is "
                   f"not in view {view.name} ({', '.join(view.labels)}){mapped}{hint}",
                   line=p.source_line(k), doc=gold.documents[int(p.doc[k])].id)

    g_codes = _gold_lookup(gold, g, view)[g.label]
    p_codes = pred_lut[p.label]
    dropped = int((p_codes < 0).sum()) - len(report.items)
    vocab = sorted(set(g.entity_ids) | set(p.entity_ids))
    rank = {e: i for i, e in enumerate(vocab)}
    data = EntityData(gold.doc_ids, view.labels, tuple(vocab), _table(g, g_codes, _entity_codes(g, rank)),
                      _table(p, p_codes, _entity_codes(p, rank)))
    return data, report.items, dropped


def unaligned_spurious(gold: Gold, preds: Predictions, view: View, label_map: LabelMap | None, *,
                       skip_invalid: bool = False) -> tuple[np.ndarray, list[Skipped]]:
    """Text-anchored predicted entities that matched nowhere, counted per document and view label
    ``(n_docs, len(view.labels))`` (the scorer adds them as spurious); a label outside the view and its map is
    reported as for any predicted entity. Types the view drops on purpose are left out."""
    index = {label: i for i, label in enumerate(view.labels)}
    extra = np.zeros((len(gold.documents), len(view.labels)), dtype=np.int64)
    report = Problems(skip_invalid, preds.source if preds.kind not in {"rows", "extractor"} else None)
    for u in preds.unaligned:
        if u.kind != "entity" or u.label is None:
            continue
        known, target = predicted_label(u.label, view, label_map)
        if not known:
            report("unknown_label", f"predicted entity {quote(u.text, 40)} (unaligned): label {quote(u.label)} is "
                   f"not in view {view.name} ({', '.join(view.labels)})", line=u.line, doc=gold.documents[u.doc].id)
        elif target is not None:
            extra[u.doc, index[target]] += 1
    return extra, report.items
