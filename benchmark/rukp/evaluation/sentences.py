"""Sentences as resampling units: a global sentence index and per-sentence entity counts."""

from __future__ import annotations

import numpy as np

from rukp.evaluation.options import Options
from rukp.io.model import Gold
from rukp.scoring.counts import SPURIOUS
from rukp.scoring.entities import EntityScores, score_data
from rukp.scoring.schemes import O_SPURIOUS, counts_from_histogram, slot_histogram
from rukp.scoring.tables import EntityData, SpanTable


class SentenceIndex:
    """Sentences of all gold documents, numbered globally in document order."""

    def __init__(self, gold: Gold) -> None:
        sizes = np.asarray([len(d.sentences) for d in gold.documents], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.n = int(self.offsets[-1])
        starts = [s for d in gold.documents for s, _ in d.sentences]
        self._width = max([0, *starts, *[len(d.text or "") for d in gold.documents]]) + 1
        doc = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        self._keys = doc * self._width + np.asarray(starts, dtype=np.int64)

    def locate(self, doc: np.ndarray, position: np.ndarray) -> np.ndarray:
        """Global index of the sentence holding each position (the last one starting at or before it)."""
        doc, position = np.asarray(doc, dtype=np.int64), np.asarray(position, dtype=np.int64)
        key = doc * self._width + np.minimum(position, self._width - 1)
        idx = np.searchsorted(self._keys, key, side="right") - 1
        return np.maximum(idx, self.offsets[doc])


def sentence_entity_counts(scores: EntityScores, sents: SentenceIndex, opts: Options,
                           unaligned: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-sentence entity counts and linking counts: each outcome goes to the sentence of its gold start,
    a spurious prediction to the sentence of its own start, and a prediction with no span (``unaligned``,
    per document and label) to its document's first sentence. In nervaluate-compatible mode the sentences are
    scored as documents of their own (counts there are not a function of outcomes)."""
    gold, pred = scores.gold, scores.pred
    g_unit = sents.locate(gold.doc, gold.start)
    spurious = scores.pred_outcome == O_SPURIOUS
    p_unit = sents.locate(pred.doc, pred.start)
    n_labels = len(scores.labels)
    if opts.nervaluate_compatible:
        data = EntityData(tuple(map(str, range(sents.n))), scores.labels, scores.data.entity_ids,
                          SpanTable(g_unit, gold.start, gold.end, gold.label, gold.entity, gold.seq),
                          SpanTable(p_unit, pred.start, pred.end, pred.label, pred.entity, pred.seq))
        counts = score_data(data, min_overlap=opts.min_overlap, nervaluate_compatible=True,
                            inclusive_input=opts.inclusive_ends).doc_counts
    else:
        partner = np.zeros(len(gold), dtype=np.int64)
        matched = scores.gold_match >= 0
        partner[matched] = pred.label[scores.gold_match[matched]]
        hist = slot_histogram(g_unit, scores.gold_outcome, gold.label.astype(np.int64), partner,
                              p_unit[spurious], pred.label[spurious].astype(np.int64), sents.n, n_labels)
        counts = counts_from_histogram(hist)
    if unaligned is not None and unaligned.any():
        counts = counts.copy()
        first = sents.offsets[:-1]
        has = sents.offsets[1:] > first  # documents with at least one sentence
        counts[first[has], :, :-1, SPURIOUS] += unaligned[has][:, None, :]
        counts[first[has], :, -1, SPURIOUS] += unaligned[has].sum(axis=1)[:, None]
    matched = np.flatnonzero(scores.gold_match >= 0)
    linked = matched[gold.entity[matched] >= 0]
    right = linked[pred.entity[scores.gold_match[linked]] == gold.entity[linked]]
    linking = np.column_stack([np.bincount(g_unit[linked], minlength=sents.n),
                               np.bincount(g_unit[right], minlength=sents.n)])
    return counts, linking
