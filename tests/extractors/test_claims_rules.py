"""rules-claims on crafted French sentences: speakers, reported clauses, polarity, certainty, topic."""

from __future__ import annotations

import pytest

from rukp.extractors.claims_rules import topic_of

#: The rules run on the spaCy md model (a load of several seconds): run in CI with `pytest -m slow`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rc():
    from rukp.extractors import resolve

    return resolve("rules-claims")


def claims(rc, text):
    out = []
    for c in rc.extract(text)["claims"]:
        speaker = text[c["claimer_start"]:c["claimer_end"]] if c.get("claimer_start") is not None else None
        out.append({**c, "span": text[c["start"]:c["end"]], "speaker": speaker})
    return out


def test_speaker_after_the_verb_in_a_quote_sentence(rc):
    text = ("“Nous n'avons pas encore vu ces troupes se déployer dans des combats”, a déclaré le chef de la "
            "diplomatie américaine, Antony Blinken.")
    [c] = claims(rc, text)
    assert c["speaker"] == "Antony Blinken"
    assert c["span"].startswith("Nous n'avons pas encore vu ces troupes")
    assert "claimer" not in c  # a span, not an id: the baseline cannot know canonical ids


def test_negating_verb_marks_the_claim_denied(rc):
    text = "La Corée du Nord a nié fournir à la Russie des forces pour les combats en Ukraine."
    [c] = claims(rc, text)
    assert c["polarity"] == "denied"
    assert c["speaker"] == "Corée du Nord"
    assert c["span"] == "fournir à la Russie des forces pour les combats en Ukraine"


def test_conditional_mood_is_probable(rc):
    text = "Le président ukrainien a affirmé que des soldats nord-coréens seraient bientôt sur le sol russe."
    [c] = claims(rc, text)
    assert c["certainty"] == "probable"
    assert c["span"] == "des soldats nord-coréens seraient bientôt sur le sol russe"
    assert c["topic"] == "troop_deployment"


def test_pourrait_is_possible_and_future_tense_is_future(rc):
    [c] = claims(rc, "Le ministre a indiqué que la Russie pourrait offrir de la technologie en retour.")
    assert c["certainty"] == "possible"
    [c] = claims(rc, "Le Kremlin a annoncé que la Russie signera un nouvel accord avec Pyongyang.")
    assert c["certainty"] == "future"


def test_selon_frames_the_rest_of_the_sentence(rc):
    text = "Selon le Pentagone, un total de 10.000 soldats nord-coréens se trouvent déjà en Russie."
    [c] = claims(rc, text)
    assert c["span"] == "un total de 10.000 soldats nord-coréens se trouvent déjà en Russie"
    assert c["speaker"] == "Pentagone"


def test_a_fact_without_speech_frame_is_the_authors_claim(rc):
    text = "La semaine passée, les députés russes ont voté la ratification du traité avec la Corée du Nord."
    [c] = claims(rc, text)
    assert c["claimer"] == "AUTHOR"
    assert c.get("claimer_start") is None
    assert c["topic"] == "treaty" and c["polarity"] == "affirmed" and c["certainty"] == "certain"


def test_headings_do_not_merge_into_the_next_sentence(rc):
    text = "Ce sont nos affaires\nLes troupes nord-coréennes sont entrées en Russie en octobre."
    out = claims(rc, text)
    assert out and all("\n" not in c["span"] for c in out)
    assert any(c["span"].startswith("Les troupes") for c in out)


def test_pronoun_speaker_takes_the_last_person_before_it(rc):
    text = "Vladimir Poutine a évité de répondre. Il a ajouté que les troupes pourraient être déployées."
    out = [c for c in claims(rc, text) if c["span"].startswith("les troupes")]
    assert out and out[0]["speaker"] == "Vladimir Poutine"


def test_claims_are_valid_predictions_with_schema_values(rc):
    from rukp import schema

    text = "Selon Séoul, Pyongyang a tiré des missiles balistiques mardi. Moscou a démenti."
    for c in rc.extract(text)["claims"]:
        assert 0 <= c["start"] < c["end"] <= len(text)
        assert c["polarity"] in schema.POLARITIES and c["certainty"] in schema.CERTAINTIES
        assert c["topic"] in schema.TOPICS


@pytest.mark.parametrize(("text", "topic"), [
    ("la Corée du Nord a tiré un missile balistique", "missile_test"),
    ("de nouvelles sanctions contre Moscou", "sanctions"),
    ("la ministre arrive à Moscou en visite officielle", "diplomatic_visit"),
    ("le temps sera beau demain", "other"),
])
def test_topic_keywords(text, topic):
    assert topic_of(text) == topic
