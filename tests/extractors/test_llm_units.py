"""Pieces of the ``llm:`` extractor that need no server: settings, prompts, chunking, answer parsing."""

from __future__ import annotations

import re
import tomllib

import pytest
from llm_server import gold_documents

from rukp import paths
from rukp.errors import RukpError
from rukp.extractors.llm import chunking, prompts
from rukp.extractors.llm.cache import request_key, write_atomic
from rukp.extractors.llm.extractor import progress_bar
from rukp.extractors.llm.parse import BadAnswer, parse_answer
from rukp.extractors.llm.settings import parse_spec, public_url
from rukp.schema import CERTAINTIES, ENTITY_LABELS, POLARITIES, TOPICS

# ------------------------------------------------------------------ settings


def test_spec_parameters_win_over_the_environment():
    env = {"RUKP_LLM_CONCURRENCY": "8", "RUKP_LLM_LANG": "en", "OPENAI_BASE_URL": "http://h:1/v1"}
    s = parse_spec("qwen2.5:7b?lang=fr&context=4096&tasks=entities", env)
    assert (s.model, s.lang, s.concurrency, s.context, s.tasks) == ("qwen2.5:7b", "fr", 8, 4096, ("entities",))
    assert s.base_url == "http://h:1/v1" and s.temperature == 0 and s.seed == 0


@pytest.mark.parametrize("arg, message", [
    ("", "needs the server's model name"),
    ("m?colour=red", "unknown parameter 'colour'; known: lang"),
    ("m?base_url=http://x", "the server comes from OPENAI_BASE_URL"),
    ("m?lang=de", r"lang='de' is not valid \(expected one of fr, en\)"),
    ("m?concurrency=0", "concurrency='0' is not valid"),
    ("m?tasks=relations", "expected a comma-separated subset of entities, claims"),
])
def test_bad_specs_name_the_parameter_and_the_allowed_values(arg, message):
    with pytest.raises(RukpError, match=message):
        parse_spec(arg, {})


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(RukpError, match="environment variable RUKP_LLM_TIMEOUT: timeout='soon'"):
        parse_spec("m", {"RUKP_LLM_TIMEOUT": "soon"})


def test_the_server_url_is_recorded_without_credentials():
    assert public_url("https://user:sk-abc@api.example.org:8443/v1?key=sk-abc#x") == "https://api.example.org:8443/v1"
    assert public_url(None) is None


def test_messages_mask_the_key_and_key_shaped_tokens(monkeypatch):
    from rukp.extractors.llm.client import redact

    monkeypatch.setenv("OPENAI_API_KEY", "local-secret-123")
    got = redact("auth local-secret-123 failed; Incorrect API key provided: sk-proj-****************abcd.")
    assert got == "auth *** failed; Incorrect API key provided: sk-***." and len(redact("x" * 500)) == 300


def test_the_cache_key_covers_model_template_decoding_and_text():
    base = request_key("m", "t", {"temperature": 0.0, "seed": 0}, "texte")
    assert len({base, request_key("m2", "t", {"temperature": 0.0, "seed": 0}, "texte"),
                request_key("m", "t2", {"temperature": 0.0, "seed": 0}, "texte"),
                request_key("m", "t", {"temperature": 0.0, "seed": 1}, "texte"),
                request_key("m", "t", {"temperature": 0.0, "seed": 0}, "texte.")}) == 5
    assert base == request_key("m", "t", {"seed": 0, "temperature": 0.0}, "texte")


def test_cache_files_get_the_umask_permissions(tmp_path):
    import os

    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a" / "b.json", "{}")
    finally:
        os.umask(old)
    assert (tmp_path / "a" / "b.json").stat().st_mode & 0o777 == 0o640
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b.json"]  # no temporary file left


# ------------------------------------------------------------------ prompts


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_shipped_templates_give_every_type_and_value_of_the_scheme(lang):
    ents, claims = prompts.builtin_template("entities", lang), prompts.builtin_template("claims", lang)
    assert all(re.search(rf"\b{label}\b", ents.system) for label in ENTITY_LABELS)
    for value in (*POLARITIES, *CERTAINTIES, *TOPICS, "AUTHOR", "UNSPECIFIED"):
        assert value in claims.system, value
    assert ents.messages("ABC")[-1]["content"].endswith("ABC") and ents.name == f"entities.v1.{lang}"


def test_shipped_templates_never_quote_the_gold():
    docs = gold_documents()
    text = " ".join(prompts.builtin_template(t, lang).overhead for t in ("entities", "claims") for lang in ("fr", "en"))
    words = text.split()
    windows = {" ".join(words[i:i + 6]) for i in range(len(words) - 5)}
    for doc in docs:
        gold_words = doc["text"].split()
        assert not any(" ".join(gold_words[i:i + 6]) in windows for i in range(len(gold_words) - 5)), doc["id"]
        assert not any(len(c["text"]) > 25 and c["text"] in text for c in doc["claims"]), doc["id"]


def test_a_template_without_the_placeholder_is_refused(tmp_path):
    bad = tmp_path / "t.txt"
    bad.write_text("Extrais les entités.\n=== user ===\nrien", encoding="utf-8")
    with pytest.raises(RukpError, match=r"t.txt: prompt template has no \{\{text\}\} placeholder"):
        prompts.load_template(bad, "entities")
    with pytest.raises(RukpError, match="prompt template not found"):
        prompts.load_template(tmp_path / "missing.txt", "entities")


def test_schemas_take_their_values_from_the_scheme():
    s = prompts.schema("both")
    assert s["properties"]["entities"]["items"]["properties"]["label"]["enum"] == list(ENTITY_LABELS)
    assert s["properties"]["claims"]["items"]["properties"]["topic"]["enum"] == list(TOPICS)
    assert list(prompts.schema("claims")["properties"]) == ["claims"]


# ------------------------------------------------------------------ chunking

TEXT = ("Le ministre est arrivé lundi. Il a rencontré M. Dupont à Paris ! « Nous signerons », a-t-il dit.\n"
        "Deuxième paragraphe sans point final\n\nTroisième paragraphe. 2024 fut une année chargée.")


def test_sentences_end_at_punctuation_before_a_capital_and_at_line_ends():
    got = [TEXT[s:e] for s, e in chunking.sentence_spans(TEXT)]
    assert got == ["Le ministre est arrivé lundi.", "Il a rencontré M. Dupont à Paris !",
                   "« Nous signerons », a-t-il dit.", "Deuxième paragraphe sans point final",
                   "Troisième paragraphe.", "2024 fut une année chargée."]


@pytest.mark.parametrize("budget, overlap", [(8, 0), (20, 0), (20, 1), (2, 0), (1000, 0)])
def test_chunks_cover_the_text_in_order_and_fit_the_budget(budget, overlap):
    chunks = chunking.chunk_spans(TEXT, budget, overlap)
    own = "".join(TEXT[c.own_start:c.end] for c in chunks)
    assert re.sub(r"\s", "", own) == re.sub(r"\s", "", TEXT)  # every character once, in order
    assert all(c.end - c.start <= budget * chunking.CHARS_PER_TOKEN or " " not in TEXT[c.start:c.end].strip()
               for c in chunks if c.own_start == c.start)
    assert (len(chunks) == 1) == (budget == 1000)


def test_repeated_mentions_are_kept_and_overlap_duplicates_merged():
    text = "Paris est grande. Paris est belle. Lyon aussi."
    a, b = chunking.Chunk(0, 34, 0), chunking.Chunk(18, 46, 35)   # b repeats "Paris est belle."
    key = lambda e: (e["text"], e["label"])  # noqa: E731
    first = [{"text": "Paris", "label": "GPE"}, {"text": "Paris", "label": "GPE"}]
    second = [{"text": "Paris", "label": "GPE"}, {"text": "Lyon", "label": "GPE"}]
    assert [e["text"] for e in chunking.merge(text, [(a, first), (b, second)], key)] == ["Paris", "Paris", "Lyon"]
    no_overlap = [(chunking.Chunk(0, 17, 0), first[:1]), (chunking.Chunk(18, 46, 18), second)]
    assert [e["text"] for e in chunking.merge(text, no_overlap, key)] == ["Paris", "Paris", "Lyon"]


# ------------------------------------------------------------------ answers


def test_answers_in_fences_or_prose_are_read():
    fenced = '```json\n{"entities": [{"text": "Paris", "label": "gpe"}]}\n```'
    assert parse_answer(fenced, "entities") == ({"entities": [{"text": "Paris", "label": "GPE"}]}, [])
    prose = 'Voici : {"claims": [{"text": "x", "polarity": "AFFIRMED"}]} Bonne journée.'
    assert parse_answer(prose, "claims")[0] == {"claims": [{"text": "x", "polarity": "affirmed"}]}
    assert parse_answer('[{"text": "Lyon", "label": "GPE"}]', "entities")[0]["entities"][0]["text"] == "Lyon"


def test_bad_items_are_dropped_or_cleaned_and_reported():
    answer = ('{"entities": [{"text": "Paris", "label": "CITY"}, {"label": "PER"}, {"text": "Lyon", "label": "GPE"}],'
              ' "claims": [{"text": "c", "claimer": "", "certainty": "sure", "topic": "treaty"}]}')
    items, problems = parse_answer(answer, "both")
    assert items == {"entities": [{"text": "Lyon", "label": "GPE"}], "claims": [{"text": "c", "topic": "treaty"}]}
    assert problems[0].startswith("entity 0 ('Paris'): label 'CITY' is not one of PER") and len(problems) == 3


@pytest.mark.parametrize("answer, message", [
    ("", "the answer is empty"),
    ("Je ne sais pas.", "the answer is not JSON: 'Je ne sais pas.'"),
    ('{"entities": [', "not JSON"),
    ('{"claims": []}', "the answer has no list 'entities'"),
    ('"Paris"', "expected a JSON object with 'entities', got str"),
])
def test_unusable_answers_say_why(answer, message):
    with pytest.raises(BadAnswer, match=re.escape(message)):
        parse_answer(answer, "entities")


# ------------------------------------------------------------------ packaging


def test_llm_is_an_entry_point_and_openai_is_in_the_llm_and_test_extras():
    project = tomllib.loads((paths.repo_root() / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["entry-points"]["rukp.extractors"]["llm"] == "rukp.extractors.builtin:llm"
    for extra in ("llm", "test"):
        assert any(d.startswith("openai") for d in project["optional-dependencies"][extra])


def test_the_registry_resolves_llm_specs(monkeypatch, tmp_path):
    from rukp.extractors import builtin, registry

    monkeypatch.setenv("RUKP_CACHE_DIR", str(tmp_path))
    if "llm" not in registry.available():
        monkeypatch.setitem(registry._factories, "llm", builtin.llm)
    ex = registry.resolve("llm:qwen2.5:7b?lang=en")
    assert ex.name == "llm:qwen2.5:7b?lang=en" and ex.settings.model == "qwen2.5:7b"
    assert [t.name for t in ex.templates] == ["entities.v1.en", "claims.v1.en"]
    with pytest.raises(RukpError, match="needs the server's model name"):
        registry.resolve("llm")


def test_the_progress_bar_is_silent_off_a_terminal(capsys):
    with progress_bar(3, "requests") as advance:
        advance()
    assert capsys.readouterr().err == ""
