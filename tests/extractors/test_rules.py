"""spacy+rules: French value rules, demonyms and fine typing on crafted sentences (no gold involved)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rukp.errors import RukpError
from rukp.extractors import demonyms
from rukp.extractors.rules import Mention, fine_label, resolve_overlaps, value_mentions


@pytest.fixture(scope="module")
def rules():
    from rukp.extractors.rules import SpacyRules

    return SpacyRules()


def found(extractor, text: str) -> set[tuple[str, str]]:
    return {(text[e["start"]:e["end"]], e["label"]) for e in extractor.extract(text)["entities"]}


@pytest.mark.parametrize(("text", "span", "label"), [
    ("La diplomatie russe a annoncé ce mercredi 30 octobre la venue de la ministre.", "ce mercredi 30 octobre",
     "DATE"),
    ("Selon Kiev, environ 10 000 soldats sont arrivés.", "10 000", "CARDINAL"),
    ("Il s'agit de la deuxième visite de la ministre.", "deuxième", "ORDINAL"),
    ("Des soldats nord-coréens sont entrés en Russie.", "nord-coréens", "NORP"),
    ("Les relations russo-nord-coréennes se renforcent.", "russo-nord-coréennes", "NORP"),
    ("Le traité a été signé le 24 octobre 2024 à Kazan.", "24 octobre 2024", "DATE"),
    ("L'armée contrôle plusieurs centaines de kilomètres carrés du territoire.",
     "plusieurs centaines de kilomètres carrés", "QUANTITY"),
    ("Cela dure depuis plus de deux ans.", "plus de deux ans", "DATE"),
    ("Les députés ont voté la semaine passée.", "semaine passée", "DATE"),
    ("Les deux pays ont signé un accord.", "deux", "CARDINAL"),
])
@pytest.mark.slow  # loads the spaCy md model
def test_rules_find_the_expression_with_its_type(rules, text, span, label):
    assert (span, label) in found(rules, text)


@pytest.mark.slow  # loads the spaCy md model
def test_numbers_inside_identifiers_and_articles_are_left_out(rules):
    text = "Le traité prévoit en son article 4 une aide, selon le Pentagone."
    assert not any(label == "CARDINAL" for _, label in found(rules, text))
    # The guidelines make `Pentagone` ORG (N3, metonymic building), but this baseline has no metonymy rule:
    # spaCy's WikiNER model tags `le Pentagone` LOC, and fine_label types a LOC outside the facility and
    # geography word lists as GPE. The gold keeps ORG; here we pin what the baseline does.
    ents = found(rules, text)
    assert ("Pentagone", "GPE") in ents
    assert ("Pentagone", "ORG") not in ents


@pytest.mark.slow  # loads the spaCy md model
def test_spans_never_overlap_and_fall_on_token_boundaries(rules):
    from rukp.dataset.tokenize import sentences

    text = ("Vladimir Poutine à Kazan, en Russie, le 24 octobre 2024.\n"
            "Début novembre, environ 8 000 soldats nord-coréens sont arrivés, a affirmé le président ukrainien.")
    out = rules.extract(text)
    ents = out["entities"]
    assert ents and set(out) == {"entities"}  # entities only: no claims key
    starts = {a for s in sentences(text) for a, _ in s.tokens}
    ends = {b for s in sentences(text) for _, b in s.tokens}
    for a, b in zip(ents, ents[1:], strict=False):
        assert a["end"] <= b["start"]
    for e in ents:
        assert e["start"] in starts and e["end"] in ends
        assert text[e["start"]:e["end"]] == text[e["start"]:e["end"]].strip()


def test_value_rules_prefer_dates_over_their_numbers():
    line = "le 1er novembre 2024"
    kept = resolve_overlaps(value_mentions(line))
    assert [(line[m.start:m.end], m.label) for m in kept] == [("1er novembre 2024", "DATE")]


@pytest.mark.parametrize(("label", "words", "expected"), [
    ("MISC", ["traité", "sur", "le", "partenariat"], "LAW"),
    ("MISC", ["guerre", "de", "corée"], "EVENT"),
    ("LOC", ["sommet", "des", "brics"], "EVENT"),
    ("MISC", ["nord-coréens"], "NORP"),
    ("MISC", ["iphone"], None),
    ("LOC", ["mer", "noire"], "LOC"),
    ("LOC", ["aéroport", "de", "vnoukovo"], "FAC"),
    ("LOC", ["pyongyang"], "GPE"),
    ("PER", ["kim", "jong-un"], "PER"),
])
def test_fine_label_of_wikiner_entities(label, words, expected):
    assert fine_label(label, words) == expected


def test_leading_articles_and_common_nouns_are_trimmed_from_ner_spans():
    import spacy
    from spacy.tokens import Doc, Span

    from rukp.extractors.rules import ner_mentions

    nlp = spacy.blank("fr")
    doc = Doc(nlp.vocab, words=["Selon", "le", "Pentagone", ",", "la", "ministre", "Choe", "Son", "Hui"])
    doc.ents = [Span(doc, 1, 3, "LOC"), Span(doc, 5, 9, "PER")]
    got = [(doc.text[m.start:m.end], m.label) for m in ner_mentions(doc)]
    assert got == [("Pentagone", "GPE"), ("Choe Son Hui", "PER")]


def test_inflect_regular_french_demonyms():
    assert demonyms.inflect("coréen") == ("coréen", "coréenne", "coréens", "coréennes")
    assert demonyms.inflect("français") == ("français", "française", "français", "françaises")
    assert demonyms.inflect("russe") == ("russe", "russe", "russes", "russes")
    assert demonyms.inflect("continental")[2] == "continentaux"


def test_bundled_list_covers_countries_and_derived_forms():
    lst = demonyms.load()
    assert {"Russie", "Corée du Nord", "Ukraine"} <= lst.countries
    for word in ("nord-coréennes", "Russes", "ukrainienne", "américaines", "turques", "russo-ukrainien"):
        assert lst.is_demonym(word), word
    assert not lst.is_demonym("soldats")


def test_malformed_demonym_line_names_file_and_line(tmp_path):
    with pytest.raises(RukpError) as e:
        demonyms.parse("# comment\nRussie\trusse\nFrance français\n", tmp_path / "d.txt")
    assert e.value.line == 3 and "COUNTRY<TAB>DEMONYM" in str(e.value)


mentions = st.builds(lambda s, n, lab, p: Mention(s, s + n, lab, p), st.integers(0, 60), st.integers(1, 12),
                     st.sampled_from(["DATE", "CARDINAL", "NORP", "GPE"]), st.integers(0, 6))


@given(st.lists(mentions, max_size=25), st.randoms())
def test_resolve_overlaps_is_deterministic_and_non_overlapping(ms, rnd):
    kept = resolve_overlaps(ms)
    shuffled = list(ms)
    rnd.shuffle(shuffled)
    assert resolve_overlaps(shuffled) == kept
    for a, b in zip(kept, kept[1:], strict=False):
        assert a.end <= b.start
    # every dropped mention overlaps a kept one at least as long
    for m in set(ms) - set(kept):
        assert any(k.start < m.end and m.start < k.end and k.end - k.start >= m.end - m.start for k in kept)
