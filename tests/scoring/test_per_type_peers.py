"""Per-type figures in the field's convention, differentially against the peers on random inputs.

- seqeval 1.2.2's ``classification_report``: random BIO corpora written as a CoNLL file and scored by
  ``rukp.evaluate`` in both ``bio`` modes (``conlleval``: seqeval's default chunking; ``iob2``: its strict
  mode), per type and macro;
- spaCy 3.8's ``Scorer.score_spans`` (``ents_per_type``) on random token span sets;
- nervaluate 1.2.1's per-type counts, all four schemes, where every span overlaps at most one span of the
  other side (there its greedy matching and our optimal one agree).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.training import Example
from spacy.vocab import Vocab

import rukp
from rukp.scoring import FIELDS, SCHEMES, Span, score_documents

TYPES = ("PER", "ORG", "GPE", "NORP")
TAGS = ["O", *[f"{p}-{t}" for t in TYPES for p in "BI"]]


def _token_spans(n_tokens: int, draw: st.DrawFn) -> list[tuple[int, int, str]]:
    """Random non-overlapping token spans ``(start, end, label)`` (end exclusive)."""
    spans, i = [], 0
    while i < n_tokens:
        if draw(st.booleans()):
            length = draw(st.integers(1, min(3, n_tokens - i)))
            spans.append((i, i + length, draw(st.sampled_from(TYPES))))
            i += length + draw(st.integers(0, 1))
        else:
            i += 1
    return spans


def _tags(n_tokens: int, spans: list[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * n_tokens
    for start, end, label in spans:
        tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
    return tags


@st.composite
def bio_corpus(draw: st.DrawFn) -> list[list[tuple[list[str], list[str]]]]:
    """Documents of sentences, each ``(gold tags, predicted tags)``: valid IOB2 gold, any predicted tags
    (stray ``I-X`` included), sometimes the gold with some labels swapped."""
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        sentences = []
        for _ in range(draw(st.integers(1, 3))):
            n = draw(st.integers(1, 12))
            gold = _tags(n, _token_spans(n, draw))
            if draw(st.booleans()):
                pred = draw(st.lists(st.sampled_from(TAGS), min_size=n, max_size=n))
            else:
                swap = dict(zip(TYPES, draw(st.permutations(TYPES)), strict=True))
                pred = [t if t == "O" else f"{t[0]}-{swap[t[2:]]}" for t in gold]
            sentences.append((gold, pred))
        docs.append(sentences)
    return docs


def _write(tmp: Path, corpus: list) -> tuple[Path, Path]:
    """The gold JSONL (text = tokens joined by spaces, one line per sentence) and the CoNLL predictions."""
    from rukp.scoring.bio import tags_to_spans

    gold_lines, conll = [], []
    for d, sentences in enumerate(corpus):
        doc_id, text, entities = f"d{d}", "", []
        conll.append(f"-DOCSTART- {doc_id}")
        for gold_tags, pred_tags in sentences:
            tokens = [f"w{i}" for i in range(len(gold_tags))]
            offsets, pos = [], len(text)
            for tok in tokens:
                offsets.append(pos)
                pos += len(tok) + 1
            for start, end, label in tags_to_spans(gold_tags, mode="iob2"):
                entities.append({"start": offsets[start], "end": offsets[end - 1] + len(tokens[end - 1]),
                                 "label": label})
            text += " ".join(tokens) + "\n"
            conll += [f"{tok} {tag}" for tok, tag in zip(tokens, pred_tags, strict=True)] + [""]
        gold_lines.append(json.dumps({"id": doc_id, "text": text, "entities": entities}))
    gold, pred = tmp / "gold.jsonl", tmp / "pred.conll"
    gold.write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    pred.write_text("\n".join(conll) + "\n", encoding="utf-8")
    return gold, pred


def _close(ours: float | None, theirs: float) -> bool:
    return math.isclose(0.0 if ours is None else ours, theirs, abs_tol=1e-9)


@pytest.mark.parametrize("bio", ["conlleval", "iob2"])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.large_base_example])
@given(corpus=bio_corpus())
def test_per_type_and_macro_equal_seqeval_classification_report(tmp_path: Path, bio: str,
                                                                corpus: list) -> None:
    assume(any(t != "O" for doc in corpus for g, _ in doc for t in g))  # a gold without entities: "no gold"
    gold, pred = _write(tmp_path, corpus)
    report = rukp.evaluate(pred, gold=gold, bio=bio, bootstrap=0)
    y_true = [g for doc in corpus for g, _ in doc]
    y_pred = [p for doc in corpus for _, p in doc]
    kw = {"mode": "strict", "scheme": IOB2} if bio == "iob2" else {}
    theirs = classification_report(y_true, y_pred, output_dict=True, zero_division=0, **kw)
    counts = report.views["fine.v1"].counts
    types = [t for t in theirs if t not in ("micro avg", "macro avg", "weighted avg")]
    assert sorted(types) == sorted(t for t in TYPES if counts.possible("strict", t) + counts.actual("strict", t))
    for t in types:
        assert counts.possible("strict", t) == theirs[t]["support"], t
        for ours, name in ((counts.precision("strict", t), "precision"), (counts.recall("strict", t), "recall"),
                           (counts.f1("strict", t), "f1-score")):
            assert _close(ours, theirs[t][name]), (t, name, ours, theirs[t][name])
    if types:
        macro = counts.macro("strict")
        for ours, name in ((macro["precision"], "precision"), (macro["recall"], "recall"),
                           (macro["f1"], "f1-score")):
            assert _close(ours, theirs["macro avg"][name]), (name, ours, theirs["macro avg"][name])


@st.composite
def span_sets(draw: st.DrawFn) -> list[tuple[int, list, list]]:
    return [(n, _token_spans(n, draw), _token_spans(n, draw))
            for n in draw(st.lists(st.integers(1, 15), min_size=1, max_size=4))]


def _char(spans: list[tuple[int, int, str]]) -> list[Span]:
    """Token spans of ``w0 w1 …`` (every token 3 characters wide with its space) as character spans."""
    return [Span(3 * s, 3 * e - 1, label) for s, e, label in spans]


@settings(max_examples=200, deadline=None)
@given(span_sets())
def test_per_type_equal_spacy_scorer(docs: list) -> None:
    vocab = Vocab()
    examples = []
    for n, gold, pred in docs:
        words = [f"w{i}" for i in range(n)]
        ref, hyp = Doc(vocab, words=words), Doc(vocab, words=words)
        ref.ents = [SpacySpan(ref, s, e, label=lab) for s, e, lab in gold]
        hyp.ents = [SpacySpan(hyp, s, e, label=lab) for s, e, lab in pred]
        examples.append(Example(hyp, ref))
    theirs = Scorer.score_spans(examples, "ents")["ents_per_type"] or {}  # None when there is no span
    counts = sum(r.counts for r in score_documents(
        [(f"d{i}", _char(g), _char(p)) for i, (_, g, p) in enumerate(docs)], labels=TYPES))
    assert sorted(theirs) == sorted(t for t in TYPES if counts.possible("strict", t) + counts.actual("strict", t))
    for t, prf in theirs.items():
        assert _close(counts.precision("strict", t), prf["p"]), t
        assert _close(counts.recall("strict", t), prf["r"]), t
        assert _close(counts.f1("strict", t), prf["f"]), t


@st.composite
def one_to_one(draw: st.DrawFn) -> list[tuple[list, list]]:
    """Documents where each span overlaps at most one span of the other side."""
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        gold, pred, pos = [], [], 0
        for _ in range(draw(st.integers(0, 6))):
            pos += draw(st.integers(0, 3))
            kind = draw(st.sampled_from(["pair", "gold", "pred"]))
            g = (pos, pos + draw(st.integers(1, 4)), draw(st.sampled_from(TYPES)))
            if kind == "pair":
                shift = draw(st.integers(-1, 1)), draw(st.integers(-1, 1))
                p = (max(g[0] + shift[0], pos), max(g[1] + shift[1], g[0] + shift[0] + 1, pos + 1),
                     draw(st.sampled_from(TYPES)))
                gold.append(g)
                pred.append(p)
                pos = max(g[1], p[1])
            else:
                (gold if kind == "gold" else pred).append(g)
                pos = g[1]
            pos += 1
        docs.append((gold, pred))
    return docs


@settings(max_examples=300, deadline=None)
@given(one_to_one())
def test_per_type_counts_equal_nervaluate_when_matching_is_unambiguous(docs: list) -> None:
    if not any(gold for gold, _ in docs):
        return  # nervaluate cannot infer its loader from an all-empty gold list
    counts = sum(r.counts for r in score_documents(
        [(f"d{i}", [Span(*g) for g in gold], [Span(*p) for p in pred]) for i, (gold, pred) in enumerate(docs)],
        labels=TYPES))

    def dicts(spans: list) -> list[dict]:  # nervaluate's ends are inclusive
        return [{"start": s, "end": e - 1, "label": lab} for s, e, lab in spans]

    theirs = Evaluator([dicts(g) for g, _ in docs], [dicts(p) for _, p in docs], list(TYPES),
                       loader="dict").evaluate()["entities"]
    for t in TYPES:
        for scheme in SCHEMES:
            row = [counts.field(scheme, f, t) for f in FIELDS]
            expected = [getattr(theirs[t][scheme], f) for f in FIELDS] if t in theirs else [0] * len(FIELDS)
            assert row == expected, (t, scheme)
