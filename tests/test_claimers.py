"""Claimers given as names resolve to kb ids through the kb's names and aliases; the rest stays as written."""

from __future__ import annotations

import json
from functools import cache

import pytest

from rukp import paths
from rukp.io.align import normalise
from rukp.io.claimers import KbIndex, resolve_claimer, strip_article


@cache
def _index() -> KbIndex:
    rows = [json.loads(line) for line in (paths.BUNDLED_DATA / "kb.jsonl").open(encoding="utf-8")]
    return KbIndex.from_rows(rows)


@pytest.mark.parametrize(("given", "expected"), [
    ("vladimir_putin", "vladimir_putin"),  # a kb id
    ("Vladimir Poutine", "vladimir_putin"),  # an alias as written in French
    ("Vladimir Putin", "vladimir_putin"),  # the kb name
    ("VLADIMIR POUTINE", "vladimir_putin"),  # case
    ("vladimir  poutine", "vladimir_putin"),  # whitespace
    ("Andrei Belousov", "andrei_belousov"),
    ("andréi bélousov", "andrei_belousov"),  # an alias, accents and case
    ("Andrei Belousov ", "andrei_belousov"),
    ("Kim Jong‑un", "kim_jong_un"),  # a non-breaking hyphen
    ("Kremlin", "kremlin"),  # the name of one entry beats the alias of another (moscow_kremlin)
    ("AUTHOR", "AUTHOR"),
    ("unspecified", "UNSPECIFIED"),
])
def test_names_ids_and_special_claimers_resolve(given, expected):
    assert resolve_claimer(given, _index()) == expected
    assert _index().match(given) == expected


@pytest.mark.parametrize("given", ["Emmanuel Macron", "Moscou", "", "vladimir"])
def test_unknown_and_ambiguous_names_stay_unresolved(given):
    # "Moscou" is an alias of both moscow and russia: ambiguous, so not guessed
    assert _index().match(given) is None
    assert resolve_claimer(given, _index()) == given


def test_every_kb_name_and_id_resolves_to_its_own_entry_unless_shared():
    rows = [json.loads(line) for line in (paths.BUNDLED_DATA / "kb.jsonl").open(encoding="utf-8")]
    index = KbIndex.from_rows(rows)
    for row in rows:
        assert index.match(row["entity_id"]) == row["entity_id"]
        if len(index.names[normalise(row["name"])]) == 1:
            assert index.match(row["name"]) == row["entity_id"]


def test_index_from_plain_rows():
    index = KbIndex.from_rows([{"entity_id": "a", "name": "Élysée", "aliases": ["la présidence"]},
                               {"entity_id": "b", "name": "B", "aliases": ["la Présidence"]}])
    assert index.match("elysee") == "a"
    assert index.match("la presidence") is None  # shared alias
    assert index.ids == frozenset({"a", "b"})



@pytest.mark.parametrize(("given", "expected"), [
    ("le Pentagone", "Pentagone"), ("Le Kremlin", "Kremlin"), ("les États-Unis", "États-Unis"),
    ("la Russie", "Russie"), ("l'Ukraine", "Ukraine"), ("l’Ukraine", "Ukraine"), ("L' Ukraine", "Ukraine"),
])
def test_a_leading_article_or_elision_resolves_like_the_bare_name(given, expected):
    assert _index().match(expected) is not None
    assert _index().match(given) == _index().match(expected)


def test_articles_are_stripped_on_both_sides_and_only_as_whole_words():
    index = KbIndex.from_rows([{"entity_id": "elysee", "name": "l'Élysée", "aliases": []},
                               {"entity_id": "lesotho", "name": "Lesotho", "aliases": ["la Lesotho"]}])
    assert index.match("Élysée") == index.match("l’élysée") == index.match("L'ELYSEE") == "elysee"
    assert index.match("lesotho") == "lesotho" and index.match("sotho") is None  # "les" inside a word stays
    assert strip_article("la") == "la" and strip_article("le ") == "le "  # an article alone is not stripped away
