"""Text-anchored items (strings without offsets) land on the gold's own offsets; variants by the documented rule."""

from __future__ import annotations

import doctest
import json
import random
import time
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rukp import paths
from rukp.errors import RukpError
from rukp.io.align import Alignment, align_items, count_statuses, normalise, occurrences, word_bounded

TEXT = "La Russie et la Corée du Nord. La russie a nié. Selon la Corée, la Russie avance."


@cache
def _gold() -> tuple[dict[str, str], dict[str, list[dict]], dict[str, list[dict]]]:
    rows = {name: [json.loads(line) for line in (paths.BUNDLED_DATA / f"{name}.jsonl").open(encoding="utf-8")]
            for name in ("documents", "entities", "claims")}
    texts = {d["id"]: d["text"] for d in rows["documents"]}
    by_doc: dict[str, dict[str, list[dict]]] = {"entities": {}, "claims": {}}
    for kind in by_doc:
        for r in sorted(rows[kind], key=lambda r: (r["start"], r["end"])):
            by_doc[kind].setdefault(r["doc_id"], []).append(r)
    return texts, by_doc["entities"], by_doc["claims"]


DOC_IDS = sorted(_gold()[0])
KINDS = [("entities", "entity"), ("claims", "claim")]


def _items(text: str, rows: list[dict], kind: str) -> list[dict]:
    items = []
    for r in rows:
        item = {"text": text[r["start"]:r["end"]], "label": r.get("label")}
        if kind == "claim":
            item["claimer"] = r["claimer"]
        items.append(item)
    return items


def _spans(alignments: list[Alignment]) -> list[tuple[int | None, int | None]]:
    return [(a.start, a.end) for a in alignments]


def test_the_gold_has_documents_with_entities_and_claims():
    texts, ents, claims = _gold()
    corpus = [json.loads(line) for line in (paths.corpus_dir() / "documents.jsonl").open(encoding="utf-8")]
    assert set(texts) == {d["id"] for d in corpus}  # one dataset document per corpus document
    assert ents and claims and set(ents) <= set(texts) and set(claims) <= set(texts)


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize(("rows_name", "kind"), KINDS)
def test_gold_strings_in_text_order_align_exactly_to_the_gold(doc_id, rows_name, kind):
    texts, ents, claims = _gold()
    rows = ents[doc_id] if rows_name == "entities" else claims[doc_id]
    got = align_items(texts[doc_id], _items(texts[doc_id], rows, kind), kind=kind)
    assert _spans(got) == [(r["start"], r["end"]) for r in rows]
    assert {a.status for a in got} == {"exact"}


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize(("rows_name", "kind"), KINDS)
@settings(max_examples=15, deadline=None)
@given(seed=st.randoms(use_true_random=False))
def test_shuffled_gold_strings_with_occurrence_align_exactly(doc_id, rows_name, kind, seed):
    texts, ents, claims = _gold()
    text = texts[doc_id]
    rows = ents[doc_id] if rows_name == "entities" else claims[doc_id]
    items = _items(text, rows, kind)
    for item, r in zip(items, rows, strict=True):
        item["occurrence"] = occurrences(text, item["text"]).index(r["start"]) + 1
    order = list(range(len(rows)))
    seed.shuffle(order)
    got = align_items(text, [items[i] for i in order], kind=kind)
    assert _spans(got) == [(rows[i]["start"], rows[i]["end"]) for i in order]
    assert count_statuses(got)["exact"] == len(rows)


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize(("rows_name", "kind"), KINDS)
@settings(max_examples=15, deadline=None)
@given(before=st.integers(0, 40), after=st.integers(0, 40), seed=st.randoms(use_true_random=False))
def test_shuffled_gold_strings_with_context_align_exactly(doc_id, rows_name, kind, before, after, seed):
    texts, ents, claims = _gold()
    text = texts[doc_id]
    rows = ents[doc_id] if rows_name == "entities" else claims[doc_id]
    items = _items(text, rows, kind)
    for item, r in zip(items, rows, strict=True):
        lo, hi = max(0, r["start"] - before), min(len(text), r["end"] + after)
        # the context grows until it is unique in the text, as an annotator (or an LLM told so) would quote it
        while len(occurrences(text, text[lo:hi], bounded=False)) > 1:
            lo, hi = max(0, lo - 10), min(len(text), hi + 10)
        item["context"] = text[lo:hi]
    order = list(range(len(rows)))
    seed.shuffle(order)
    got = align_items(text, [items[i] for i in order], kind=kind)
    assert _spans(got) == [(rows[i]["start"], rows[i]["end"]) for i in order]
    assert {a.status for a in got} == {"exact"}


def test_successive_items_take_successive_occurrences_then_the_normalised_one():
    got = align_items(TEXT, [{"text": "Russie"}] * 3 + [{"text": "Russie"}])
    assert _spans(got) == [(3, 9), (67, 73), (34, 40), (None, None)]
    assert [a.status for a in got] == ["exact", "exact", "normalised", "unaligned"]


def test_a_shorter_name_goes_to_its_own_occurrence_not_inside_a_longer_item():
    got = align_items(TEXT, [{"text": "Corée du Nord"}, {"text": "Corée"}])
    assert _spans(got) == [(16, 29), (57, 62)]
    # alone, the shorter name takes its first word-bounded occurrence, even inside the longer name
    assert _spans(align_items(TEXT, [{"text": "Corée"}])) == [(16, 21)]


def test_word_boundaries():
    text = "Irantoto et l'Iran. Corée-du-Sud"
    assert _spans(align_items(text, [{"text": "Iran"}])) == [(14, 18)]
    assert _spans(align_items(text, [{"text": "Corée"}])) == [(20, 25)]
    assert word_bounded(text, 0, 4) is False and word_bounded(text, 14, 18) is True
    assert word_bounded("Jong-un", 4, 7) is True  # the hyphen is the boundary
    assert align_items("Irantoto", [{"text": "Iran"}])[0].status == "unaligned"


@pytest.mark.parametrize("variant", ["vladimir poutine", "VLADIMIR POUTINE", "Vladimir  Poutine", "Vladimir Poutiné",
                                     "Vladimir\u00a0Poutine", "\tvladimir poutine "])
def test_case_accent_and_space_variants_align_normalised_with_original_offsets(variant):
    text = "Hier, Vladimir Poutine a reçu Kim."
    (a,) = align_items(text, [{"text": variant}])
    assert (a.start, a.end, a.status, a.score) == (6, 22, "normalised", 1.0)
    # surrounding whitespace is trimmed before the exact rule
    assert align_items(text, [{"text": " Vladimir Poutine\n"}])[0] == Alignment(6, 22, "exact", 1.0)


def test_quote_dash_and_decomposed_accent_variants_keep_exact_original_offsets():
    text = "Selon le ministère, « l’armée  russe » avance. La Cora\u0301e du Nord\u2011Est."
    items = [{"text": "« L'ARMEE russe »"}, {"text": "\"l'armée russe\""}, {"text": "l'armée russe"},
             {"text": "Coráe du Nord-Est"}]
    a, b, c, d = align_items(text, items)
    assert [x.status for x in (a, b, c, d)] == ["normalised", "fuzzy", "normalised", "normalised"]
    assert text[a.start:a.end] == "« l’armée  russe »"  # quotes, case, accents and spaces fold
    assert text[b.start:b.end] == text[c.start:c.end] == "l’armée  russe"  # the fuzzy window: whole words
    assert text[d.start:d.end] == "Cora\u0301e du Nord\u2011Est"  # the combining accent stays in the span
    assert normalise("« L’Armée  RUSSE »") == '" l\'armee russe "'


def test_a_misspelled_item_aligns_fuzzy_on_the_right_span():
    text = "Le président Vladimir Poutine a reçu le dirigeant nord-coréen Kim Jong-un à Moscou."
    a, b = align_items(text, [{"text": "Vladimir Poutin"}, {"text": "Kim Jong Oun"}])
    assert (a.start, a.end, a.status) == (13, 29, "fuzzy") and 0.85 <= a.score < 1
    assert text[b.start:b.end] == "Kim Jong-un" and b.status == "fuzzy"


def test_a_fuzzy_claim_with_a_dropped_word_finds_its_span():
    texts, _, claims = _gold()
    row = max(claims["000"], key=lambda r: r["end"] - r["start"])
    words = row["text"].split()
    garbled = " ".join(words[:3] + words[4:])  # one word left out
    (a,) = align_items(texts["000"], [{"text": garbled}], kind="claim")
    assert a.status == "fuzzy" and (a.start, a.end) == (row["start"], row["end"])


@pytest.mark.parametrize("garbage", ["zzqx wvut", "Pyongyang Tokyo Berlin", "", "  ", "«»"])
def test_garbage_is_unaligned(garbage):
    (a,) = align_items(TEXT, [{"text": garbage}])
    assert (a.start, a.end, a.status, a.score, a.aligned) == (None, None, "unaligned", None, False)


def test_pre_anchored_items_pass_through_untouched_among_text_items():
    got = align_items(TEXT, [{"start": 0, "end": 2, "label": "X"}, {"text": "Russie"},
                             {"start": 3, "end": 9}, {"text": "Russie"}])
    assert [(a.start, a.end, a.status) for a in got] == [(0, 2, "offsets"), (3, 9, "exact"), (3, 9, "offsets"),
                                                          (67, 73, "exact")]


def test_occurrence_and_context_choose_the_occurrence():
    assert _spans(align_items(TEXT, [{"text": "Russie", "occurrence": 2}])) == [(67, 73)]
    (a,) = align_items(TEXT, [{"text": "Russie", "occurrence": 3}])
    assert (a.start, a.end, a.status) == (67, 73, "normalised")  # third counting the case variant
    assert _spans(align_items(TEXT, [{"text": "Russie", "context": "la Russie avance"}])) == [(67, 73)]
    assert _spans(align_items(TEXT, [{"text": "russie", "context": "LA RUSSIE A NIE"}])) == [(34, 40)]
    (b,) = align_items(TEXT, [{"text": "Russie", "context": "not in this text"}])
    assert (b.start, b.status) == (3, "exact") and "context not found" in b.note
    (c,) = align_items(TEXT, [{"text": "Russie", "context": "Selon la Corée"}])
    assert (c.start, c.status) == (3, "exact") and "not found inside its context" in c.note


def test_claims_by_different_claimers_may_share_a_span():
    text = "Moscou dément le déploiement de troupes."
    items = [{"text": "le déploiement de troupes", "claimer": c} for c in ("west", "kremlin", "kremlin")]
    got = align_items(text, items, kind="claim")
    assert [(a.start, a.status) for a in got] == [(14, "exact"), (14, "exact"), (None, "unaligned")]
    # as entities, the same strings take successive occurrences, and there is only one
    assert [a.status for a in align_items(text, items)] == ["exact", "unaligned", "unaligned"]


@pytest.mark.parametrize(("item", "message"), [({"text": 3}, "'text' must be a string"),
                                               ({"text": "a", "occurrence": 0}, "'occurrence' must be an integer"),
                                               ({"text": "a", "occurrence": True}, "'occurrence' must be"),
                                               ({"text": "a", "context": 5}, "'context' must be a string")])
def test_bad_items_raise_one_clear_error(item, message):
    with pytest.raises(RukpError, match=message) as err:
        align_items(TEXT, [{"text": "Russie"}, item])
    assert "item #1" in str(err.value)


def test_count_statuses_lists_every_status():
    got = align_items(TEXT, [{"start": 0, "end": 2}, {"text": "Russie"}, {"text": "Rusie"}, {"text": "zzz"}])
    assert count_statuses(got) == {"offsets": 1, "exact": 1, "normalised": 0, "fuzzy": 1, "unaligned": 1}


def test_a_hundred_items_in_a_five_thousand_character_document_take_milliseconds():
    texts, ents, _ = _gold()
    text = texts["000"] + "\n" + texts["001"]  # ~5,400 characters
    items = [{"text": texts[r["doc_id"]][r["start"]:r["end"]]} for r in ents["000"] + ents["001"]][:90]
    items += [{"text": "Vladimir Poutin"}, {"text": "Core du Nord"}] * 5  # fuzzy ones too
    t0 = time.perf_counter()
    got = align_items(text, items)
    elapsed = time.perf_counter() - t0
    assert {a.status for a in got[:90]} == {"exact"} and count_statuses(got[90:])["fuzzy"] >= 2
    assert elapsed < 0.5, f"{elapsed:.3f} s"


@pytest.mark.slow
def test_twenty_thousand_items_are_not_quadratic():
    texts, ents, _ = _gold()
    copies = 68
    text = "\n".join(texts[d] for d in DOC_IDS) * copies  # ~850,000 characters
    strings = [texts[d][r["start"]:r["end"]] for d in DOC_IDS for r in ents[d]]
    items = [{"text": s} for _ in range(copies) for s in strings]  # ~20,000 items, every one placeable
    misspelled = [{"text": s[:-1] + "\u00f8"} for s in random.Random(0).sample(sorted(set(strings)), 100)]
    t0 = time.perf_counter()
    got = align_items(text, items + misspelled)
    elapsed = time.perf_counter() - t0
    assert len(items) > 20_000 and {a.status for a in got[:len(items)]} == {"exact"}
    assert count_statuses(got[len(items):])["fuzzy"] > 50
    assert elapsed < 60, f"{elapsed:.1f} s"  # about 5 s here: fuzzy costs (unmatched strings) x (text length)


def test_the_worked_example_in_docs_scoring_md_runs_as_shown():
    md = (paths.repo_root() / "docs" / "scoring.md").read_text(encoding="utf-8")
    block = md.split("```python\n>>> from rukp.io.align", 1)[1].split("```", 1)[0]
    test = doctest.DocTestParser().get_doctest(">>> from rukp.io.align" + block, {}, "scoring.md", None, 0)
    assert len(test.examples) == 4
    result = doctest.DocTestRunner().run(test)
    assert result.failed == 0
