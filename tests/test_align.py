"""Text-anchored items (strings without offsets) land on the gold's own offsets; variants by the documented rule."""

from __future__ import annotations

import doctest
import json
import random
import time
import unicodedata
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rukp import paths
from rukp.errors import RukpError
from rukp.io.align import (
    FUZZY_MIN_CHARS,
    Alignment,
    Occupied,
    align_items,
    count_statuses,
    normalise,
    occurrences,
    word_bounded,
)

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
    got = align_items(TEXT, [{"start": 0, "end": 2}, {"text": "Russie"}, {"text": "Corée du Nordd"},
                             {"text": "zzz"}])
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


# ------------------------------------------------------------------ free occurrences, fuzzy limits, reasons

def _variant(s: str, how: int) -> str:
    """``s`` as an LLM may write it: upper or lower case, accents dropped, other dashes and doubled spaces."""
    if how == 1:
        return s.upper()
    if how == 2:
        return s.lower()
    if how == 3:
        return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    if how == 4:
        return s.replace("-", "\u2013").replace(" ", "  ")
    return s


@pytest.mark.parametrize("doc_id", DOC_IDS)
@pytest.mark.parametrize(("rows_name", "kind"), KINDS)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_variants_of_the_gold_strings_in_any_order_land_on_the_gold_offsets(doc_id, rows_name, kind, data):
    texts, ents, claims = _gold()
    text = texts[doc_id]
    rows = ents[doc_id] if rows_name == "entities" else claims[doc_id]
    items = _items(text, rows, kind)
    for item in items:
        item["text"] = _variant(item["text"], data.draw(st.integers(0, 4)))
    order = data.draw(st.permutations(range(len(rows))))
    got = align_items(text, [items[i] for i in order], kind=kind, exclusive=kind == "entity")
    # items with the same folded text are interchangeable: together they take the gold spans of that text
    assert sorted(_spans(got), key=str) == sorted(((r["start"], r["end"]) for r in rows), key=str)
    for i, a in zip(order, got, strict=True):
        assert normalise(text[a.start:a.end]) == normalise(items[i]["text"])


def test_a_variant_takes_the_free_occurrence_not_the_one_held():
    text = "La Russie et la Russie."
    for exclusive in (True, False):
        got = align_items(text, [{"text": "Russie"}, {"text": "RUSSIE"}], exclusive=exclusive)
        assert _spans(got) == [(3, 9), (16, 22)] and [a.status for a in got] == ["exact", "normalised"]
    # in text order, whichever comes first in the input
    assert _spans(align_items(text, [{"text": "RUSSIE"}, {"text": "Russie"}], exclusive=True)) == [(16, 22), (3, 9)]


def test_a_longer_variant_is_placed_before_a_shorter_name_inside_it():
    text = "Choe Son-hui est venue. Choe a parlé."
    got = align_items(text, [{"text": "Choe"}, {"text": "CHOE SON-HUI"}], exclusive=True)
    assert _spans(got) == [(24, 28), (0, 12)]


def test_exclusive_items_avoid_held_spans_and_items_with_offsets():
    text = "La Russie et la Russie."
    got = align_items(text, [{"start": 3, "end": 9}, {"text": "russie"}], exclusive=True)
    assert _spans(got) == [(3, 9), (16, 22)]
    (a,) = align_items(text, [{"text": "Russie"}], exclusive=True, held=[(0, 12), (14, 23)])
    assert a.status == "unaligned" and "held by another item" in a.note


@pytest.mark.parametrize(("text", "item", "word"), [("La presse russe.", "resse", "presse"),
                                                    ("La presse russe.", "Russee", "russe"),
                                                    ("La Russie avance.", "Rusie", "Russie")])
def test_fuzzy_matching_never_turns_a_short_string_into_another_word(text, item, word):
    assert word in text and len(item) < FUZZY_MIN_CHARS
    for exclusive in (True, False):
        (a,) = align_items(text, [{"text": item}], exclusive=exclusive)
        assert a.status == "unaligned" and a.note.startswith("not found in the text")


def test_an_out_of_range_occurrence_is_unaligned_never_another_occurrence():
    for occurrence in (4, 10**30):
        for exclusive in (True, False):
            (a,) = align_items(TEXT, [{"text": "Russie", "occurrence": occurrence}], exclusive=exclusive)
            assert (a.start, a.status) == (None, "unaligned")
            assert "the text has 3 occurrences of it" in a.note and len(a.note) < 120
    (b,) = align_items(TEXT, [{"text": "Russie", "occurrence": 2, "context": "Selon la Corée"}])
    assert (b.start, b.status) == (67, "exact") and "aligned without it" in b.note


def test_the_reason_of_an_unaligned_item_says_what_happened():
    text = "La Russie et la Corée."
    found = align_items(text, [{"text": "Russie"}, {"text": "RUSSIE"}, {"text": "Pyongyang Tokyo"},
                               {"text": "Corée", "occurrence": 1}], exclusive=True, held=[(16, 21)])
    assert [a.status for a in found] == ["exact", "unaligned", "unaligned", "unaligned"]
    assert "held by another item" in found[1].note  # it is in the text: it lost to the other item
    assert found[2].note == "not found in the text"
    assert "overlaps another item" in found[3].note
    (c,) = align_items(text, [{"text": "Russie", "claimer": "x"}] * 2, kind="claim")[1:]
    assert c.note == "every occurrence is taken by an item with the same text and claimer"


def test_every_projects_an_item_onto_each_free_occurrence_of_its_text():
    text = "La Russie et la RUSSIE. Russie-Unie. La Corée du Nord, la Corée."
    got = align_items(text, [{"text": "russie"}, {"text": "Corée du Nord"}, {"text": "Corée"}], exclusive=True,
                      every=True)
    assert [text[a.start:a.end] for a in got] == ["Russie", "Corée du Nord", "Corée"]
    assert _spans(got) == [(3, 9), (40, 53), (58, 63)]
    # every other free occurrence; never one inside a span another item holds ("Corée" in "Corée du Nord")
    assert got[0].more == ((16, 22), (24, 30)) and got[1].more == () and got[2].more == ()
    assert align_items(text, [{"text": "russie"}], exclusive=True)[0].more == ()  # off by default
    # an item given with occurrence is placed there only
    assert align_items(text, [{"text": "Russie", "occurrence": 1}], every=True)[0].more == ()


@pytest.mark.parametrize("seed", range(5))
def test_occupied_spans_answer_as_a_brute_force_does(seed):
    rng = random.Random(seed)
    held, occupied = [], Occupied()
    for _ in range(300):
        s = rng.randrange(200)
        span = (s, s + rng.randrange(1, 12))
        assert occupied.free(span) == all(e <= span[0] or span[1] <= b for b, e in held)
        if rng.random() < 0.5:
            held.append(span)
            occupied.add(span)


def test_a_hundred_thousand_identical_items_on_one_line_take_linear_time():
    def seconds(n: int) -> float:
        text = " ".join(["Russie"] * n)
        items = [{"text": "Russie", "label": "GPE"}] * n
        t0 = time.perf_counter()
        got = align_items(text, items, exclusive=True)
        elapsed = time.perf_counter() - t0
        assert got[-1] == Alignment(7 * (n - 1), 7 * n - 1, "exact", 1.0)
        return elapsed

    small, large = seconds(10_000), seconds(100_000)
    # quadratic work would take 100 times as long for 10 times the items (the issue measured 93 s)
    assert large < 30 * max(small, 0.05), f"10k: {small:.2f} s, 100k: {large:.2f} s"
