"""Sentence-level claim predictions of one document: ``"sentences": [{"index", "claim"?, "score"?}, ...]``.

An item names a gold sentence by ``index`` (0-based, the order of the document's ``sentences``) or by
``start``/``end`` (character offsets: every sentence the span overlaps). It gives ``claim`` (a boolean) and/or
``score`` (a finite number, higher = more check-worthy); without ``claim`` the label is ``score >=``
:data:`SCORE_THRESHOLD`. Sentences not listed are predicted negative and rank last. A sentence listed twice by
``index`` is an error; one marked by several spans (a system's own sentence split) takes the highest score and is
positive when any item says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rukp.errors import quote
from rukp.io.checks import offset_problem
from rukp.scoring.claims.sentences import project_spans

#: The label of an item that gives a score and no ``claim``: positive when ``score >= SCORE_THRESHOLD``.
SCORE_THRESHOLD = 0.5


@dataclass(frozen=True)
class SentencePrediction:
    """One predicted sentence: its index in the document, its label, and its score (None: not given)."""

    index: int
    claim: bool
    score: float | None
    by_index: bool = True


def _merge(a: SentencePrediction, b: SentencePrediction) -> SentencePrediction:
    """One sentence marked by several items (spans of the system's own sentence split): positive when any says
    so, the highest score."""
    scores = [x for x in (a.score, b.score) if x is not None]
    return SentencePrediction(a.index, a.claim or b.claim, max(scores) if scores else None, a.by_index and b.by_index)


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def checked_sentences(items: list[Any], sentences: Sequence[tuple[int, int]] | None, n_chars: int | None,
                      report: Any, *, line: int | None, doc: str) -> list[SentencePrediction]:
    """The valid sentence items of one document, one per sentence in index order; each problem is reported
    (a sentence listed twice by ``index``, an index out of range, a span no sentence overlaps, a missing label
    and score). A sentence marked by several ``start``/``end`` items is positive when any says so and takes the
    highest score."""
    if sentences is None:
        if items:
            report("no_gold_sentences", "sentence predictions, but the gold document has neither 'sentences' nor "
                   "'text' to split (add either to the gold)", line=line, doc=doc)
        return []
    n = len(sentences)
    out: dict[int, SentencePrediction] = {}
    for k, item in enumerate(items):
        what = f"predicted sentence {k}"
        if not isinstance(item, dict):
            report("wrong_type", f"{what}: expected an object, got {type(item).__name__}", line=line, doc=doc)
            continue
        claim, score = item.get("claim"), item.get("score")
        if claim is not None and not isinstance(claim, bool):
            report("wrong_type", f"{what}: 'claim' must be true or false, got {quote(claim)}", line=line, doc=doc)
            continue
        if score is not None and not _number(score):
            report("wrong_type", f"{what}: 'score' must be a finite number, got {quote(score)}", line=line, doc=doc)
            continue
        if claim is None and score is None:
            report("missing_field", f"{what}: give 'claim' (true/false) and/or 'score'", line=line, doc=doc)
            continue
        if "index" in item:
            index = item["index"]
            if type(index) is not int or not 0 <= index < n:
                report("bad_sentence_index", f"{what}: 'index' must be an integer from 0 to {n - 1} (the document "
                       f"has {n} sentences), got {quote(index)}", line=line, doc=doc)
                continue
            indices = [index]
        else:
            bad = offset_problem(item, what + " (give 'index' or 'start' and 'end')", n_chars)
            if bad:
                report(*bad, line=line, doc=doc)
                continue
            indices = project_spans(sentences, [(item["start"], item["end"])]).nonzero()[0].tolist()
            if not indices:
                report("no_sentence", f"{what}: no gold sentence overlaps {item['start']}-{item['end']}",
                       line=line, doc=doc)
                continue
        label = bool(claim) if claim is not None else float(score) >= SCORE_THRESHOLD
        for i in indices:
            if i in out and "index" in item and out[i].by_index:
                report("duplicate_sentence", f"{what}: sentence {i} is listed more than once", line=line, doc=doc)
                continue
            new = SentencePrediction(i, label, None if score is None else float(score), "index" in item)
            out[i] = new if i not in out else _merge(out[i], new)
    return [out[i] for i in sorted(out)]
