"""Text items through the harness (issue 20 §4, issue 22): free occurrences, the reasons of unaligned items,
--all-occurrences, claimer names with articles and the list of unresolved ones, items whose text contradicts
their offsets."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import jsonschema
import pytest

from rukp import Report, evaluate
from rukp.errors import RukpError
from rukp.paths import BUNDLED_DATA
from rukp.reports import markdown

GOLD = [json.loads(line) for line in (BUNDLED_DATA / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "report-schema.md"


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _schema() -> dict:
    block = re.search(r"```json schema\n(.*?)\n```", SCHEMA_DOC.read_text(encoding="utf-8"), re.S)
    assert block
    return json.loads(block.group(1))


def _russie_gold(tmp_path: Path) -> Path:
    text = "La Russie et la Russie."
    return _write(tmp_path / "gold.jsonl", [{"id": "d", "text": text, "entities": [
        {"start": 3, "end": 9, "label": "GPE"}, {"start": 16, "end": 22, "label": "GPE"}]}])


def test_a_case_variant_of_a_repeated_string_takes_the_free_occurrence(tmp_path: Path) -> None:
    gold = _russie_gold(tmp_path)
    rows = [{"doc_id": "d", "entities": [{"text": "Russie", "label": "GPE"}, {"text": "RUSSIE", "label": "GPE"}]}]
    report = evaluate(rows, gold=gold, bootstrap=0)
    assert report.f1() == 1.0 and report.alignment["unaligned"] == []


def test_variants_of_every_gold_string_score_one_on_the_bundled_gold() -> None:
    rows, variants = [], 0
    for doc in GOLD:
        text = doc["text"]
        ents = []
        for k, e in enumerate(doc["entities"]):
            s = text[e["start"]:e["end"]]
            v = s.upper() if k % 3 == 0 else unicodedata.normalize("NFD", s.lower()) if k % 3 == 1 else s
            variants += v != s
            ents.append({"text": v, "label": e["label"]})
        claims = [{"text": text[c["start"]:c["end"]].upper() if k % 2 else text[c["start"]:c["end"]],
                   "claimer": c["claimer"]} for k, c in enumerate(doc["claims"])]
        # claims in reverse order; entities in text order, since the same string may carry two labels ("Kremlin"
        # FAC, then ORG): items with one folded text take its occurrences in input order
        rows.append({"doc_id": doc["id"], "entities": ents, "claims": claims[::-1]})
    report = evaluate(rows, bootstrap=0)
    assert variants > 100
    assert report.f1() == 1.0 and report.figures["claims.detection.f1"] == 1.0
    assert report.alignment["unaligned"] == [] and report.unresolved_claimers == []


def test_an_item_that_lost_to_an_overlapping_item_says_so_and_is_spurious(tmp_path: Path) -> None:
    gold = _russie_gold(tmp_path)
    rows = [{"doc_id": "d", "entities": [{"start": 3, "end": 9, "label": "GPE"},
                                         {"start": 16, "end": 22, "label": "GPE"},
                                         {"text": "Russie", "label": "GPE"}, {"text": "Moscou", "label": "GPE"}]}]
    report = evaluate(rows, gold=gold, bootstrap=0)
    reasons = {u["text"]: u["reason"] for u in report.alignment["unaligned"]}
    assert "held by another item" in reasons["Russie"] and "not found" not in reasons["Russie"]
    assert reasons["Moscou"].startswith("not found in the text")
    assert report.views["fine.v1"].counts.field("strict", "spurious") == 2
    assert "held by another item" in markdown.render(report)


def test_an_out_of_range_occurrence_is_spurious_never_another_occurrence(tmp_path: Path) -> None:
    gold = _russie_gold(tmp_path)
    rows = [{"doc_id": "d", "entities": [{"text": "Russie", "label": "GPE", "occurrence": 10**30}]}]
    report = evaluate(rows, gold=gold, bootstrap=0)
    (item,) = report.alignment["unaligned"]
    assert "the text has 2 occurrences of it" in item["reason"]
    assert report.views["fine.v1"].counts.field("strict", "correct") == 0


def test_all_occurrences_projects_each_listed_entity_and_the_report_says_so(rukp, tmp_path: Path) -> None:
    rows = []
    for doc in GOLD:  # each (text, label) listed once, as an LLM that deduplicates writes them
        seen = {}
        for e in doc["entities"]:
            seen.setdefault(doc["text"][e["start"]:e["end"]], e["label"])
        rows.append({"doc_id": doc["id"], "entities": [{"text": t, "label": lab} for t, lab in seen.items()]})
    path = _write(tmp_path / "once.jsonl", rows)
    off = rukp_eval(path)
    on = rukp_eval(path, all_occurrences=True)
    n_gold = sum(len(d["entities"]) for d in GOLD)
    assert off.views["fine.v1"].counts.field("strict", "correct") == sum(len(r["entities"]) for r in rows) < n_gold
    assert on.views["fine.v1"].counts.field("strict", "correct") > off.views["fine.v1"].counts.field("strict",
                                                                                                  "correct")
    projected = on.alignment["entities"]["projected"]
    assert projected > 0 and "projected" not in off.alignment["entities"]
    assert on.metadata["options"]["all_occurrences"] is True and off.metadata["options"]["all_occurrences"] is False
    assert any("every free occurrence" in n and f"{projected} more items" in n for n in on.metadata["notes"])
    assert not any("every free occurrence" in n for n in off.metadata["notes"])
    out_json = tmp_path / "r.json"
    code, out, err = rukp("evaluate", "-p", path, "--all-occurrences", "--bootstrap", "0", "--json", out_json)
    assert code == 0, err
    assert "every free occurrence" in " ".join(out.split())
    assert json.loads(out_json.read_text(encoding="utf-8"))["alignment"]["entities"]["projected"] == projected


def rukp_eval(path: Path, **kw: object) -> Report:
    return evaluate(path, bootstrap=0, claims=False, **kw)


def _claims_rows(names: dict[int, str]) -> list[dict]:
    """The gold's claims with offsets, the claimer of claim ``k`` of document 000 replaced by ``names[k]``."""
    rows = []
    for doc in GOLD:
        claims = [dict(c) for c in doc["claims"]]
        if doc["id"] == GOLD[0]["id"]:
            for k, name in names.items():
                claims[k]["claimer"] = name
        rows.append({"doc_id": doc["id"], "claims": [{x: c[x] for x in ("start", "end", "claimer")} for c in claims]})
    return rows


def test_claimer_names_with_articles_resolve_and_unknown_ones_are_listed_in_every_report(rukp, tmp_path: Path
                                                                                         ) -> None:
    first = GOLD[0]["claims"]
    k_ok = next(k for k, c in enumerate(first) if c["claimer"] not in ("AUTHOR", "UNSPECIFIED"))
    kb = {json.loads(line)["entity_id"]: json.loads(line)
          for line in (BUNDLED_DATA / "kb.jsonl").read_text(encoding="utf-8").splitlines()}
    name = kb[first[k_ok]["claimer"]]["name"]
    k_bad = next(k for k in range(len(first)) if k != k_ok)
    rows = _claims_rows({k_ok: f"le {name}", k_bad: "Zorglub le Magnifique"})
    path = _write(tmp_path / "claims.jsonl", rows)
    exact = evaluate(_write(tmp_path / "gold_claims.jsonl", _claims_rows({})), bootstrap=0)
    report = evaluate(path, bootstrap=0)
    assert report.unresolved_claimers == [{"doc": GOLD[0]["id"], "claimer": "Zorglub le Magnifique", "claims": 1}]
    # the article-prefixed name scores as right as the id: only the unknown name is a wrong claimer
    n = sum(len(d["claims"]) for d in GOLD)
    assert exact.figures["claims.attribution.accuracy"] == 1.0
    assert report.figures["claims.attribution.accuracy"] == pytest.approx(1 - 1 / n)
    outs = {k: tmp_path / f"r.{k}" for k in ("json", "md", "html")}
    code, out, err = rukp("evaluate", "-p", path, "--bootstrap", "0", "--json", outs["json"], "--markdown",
                          outs["md"], "--html", outs["html"])
    assert code == 0, err
    data = json.loads(outs["json"].read_text(encoding="utf-8"))
    jsonschema.validate(data, _schema())
    assert data["unresolved_claimers"] == report.unresolved_claimers
    assert "unresolved claimers" in out and "Zorglub le Magnifique" in out
    for fmt in ("md", "html"):
        page = outs[fmt].read_text(encoding="utf-8")
        assert "Unresolved claimers" in page and "Zorglub le Magnifique" in page, fmt
    assert f"le {name}" not in out  # resolved: not listed


def test_every_claimer_of_the_gold_resolves_from_its_kb_name_with_or_without_article() -> None:
    kb = {json.loads(line)["entity_id"]: json.loads(line)
          for line in (BUNDLED_DATA / "kb.jsonl").read_text(encoding="utf-8").splitlines()}
    rows = []
    for doc in GOLD:
        claims = []
        for k, c in enumerate(doc["claims"]):
            name = c["claimer"].lower()  # AUTHOR, UNSPECIFIED in any case
            if c["claimer"] in kb:
                name = ("le " if k % 2 else "") + kb[c["claimer"]]["name"]
            claims.append({"start": c["start"], "end": c["end"], "claimer": name})
        rows.append({"doc_id": doc["id"], "claims": claims})
    report = evaluate(rows, bootstrap=0)
    assert report.unresolved_claimers == [] and report.figures["claims.attribution.accuracy"] == 1.0


@pytest.mark.parametrize("kind", ["entities", "claims"])
def test_an_item_whose_text_contradicts_its_offsets_is_refused_like_a_gold_item(tmp_path: Path, kind: str) -> None:
    doc = GOLD[0]
    item = dict(doc[kind][0])
    item["text"] = "pas du tout ça"
    rows = [{"doc_id": doc["id"], kind: [item]}]
    path = _write(tmp_path / "p.jsonl", rows)
    with pytest.raises(RukpError, match=r"'text' 'pas du tout ça' does not match the document's text") as err:
        evaluate(path, bootstrap=0)
    assert f"{path}:1" in str(err.value) and "--skip-invalid" in str(err.value)
    report = evaluate(path, bootstrap=0, skip_invalid=True)
    assert report.metadata["skipped"]["by_reason"] == {"text_mismatch": 1}
    agreeing = dict(doc[kind][0], text=doc["text"][doc[kind][0]["start"]:doc[kind][0]["end"]])
    assert evaluate([{"doc_id": doc["id"], kind: [agreeing]}], bootstrap=0) is not None  # agreeing: fine


def test_a_large_file_with_a_contradicting_text_is_refused_on_the_fast_path_too(tmp_path: Path) -> None:
    doc = GOLD[0]
    ents = [dict(e, text=doc["text"][e["start"]:e["end"]]) for e in doc["entities"]]
    rows = [{"doc_id": doc["id"], "entities": ents}]
    line = json.dumps(rows[0], ensure_ascii=False)
    padding = " " * max(0, (1 << 20) - len(line))  # over the columnar reader's size threshold
    ents[-1]["text"] = "faux"
    bad = json.dumps({"doc_id": doc["id"], "entities": ents}, ensure_ascii=False)
    path = tmp_path / "big.jsonl"
    path.write_text(bad + padding + "\n", encoding="utf-8")
    assert path.stat().st_size > 1 << 20
    with pytest.raises(RukpError, match="'text' 'faux' does not match"):
        evaluate(path, bootstrap=0, claims=False)
    good = tmp_path / "good.jsonl"
    good.write_text(line + padding + "\n", encoding="utf-8")
    ok = evaluate(good, bootstrap=0, claims=False)
    assert ok.views["fine.v1"].counts.field("strict", "correct") == len(ents)


def test_an_nfc_text_against_an_nfd_gold_names_the_normalisation(tmp_path: Path) -> None:
    text = unicodedata.normalize("NFD", "La Corée du Nord et la Russie.")
    start = text.index("Cor")
    end = start + len(unicodedata.normalize("NFD", "Corée du Nord"))
    gold = _write(tmp_path / "gold.jsonl", [{"id": "d", "text": text,
                                              "entities": [{"start": start, "end": end, "label": "GPE"}]}])
    rows = [{"doc_id": "d", "entities": [{"start": start, "end": end, "label": "GPE", "text": "Corée du Nord"}]}]
    with pytest.raises(RukpError, match="Unicode normalisation: the document's text is NFD"):
        evaluate(rows, gold=gold, bootstrap=0)
    # given by its text alone, the NFC string is placed on the NFD text
    report = evaluate([{"doc_id": "d", "entities": [{"text": "Corée du Nord", "label": "GPE"}]}], gold=gold,
                           bootstrap=0)
    assert report.f1() == 1.0


def test_a_conll_token_against_an_nfd_gold_names_the_normalisation(tmp_path: Path) -> None:
    text = unicodedata.normalize("NFD", "La Corée du Nord.")
    gold = _write(tmp_path / "gold.jsonl", [{"id": "d", "text": text, "entities": []}])
    conll = tmp_path / "p.conll"
    conll.write_text("-DOCSTART- d\nLa O\nCorée B-GPE\ndu I-GPE\nNord I-GPE\n. O\n", encoding="utf-8")
    with pytest.raises(RukpError, match="Unicode normalisation: the document's text is NFD") as err:
        evaluate(conll, gold=gold, bootstrap=0)
    assert f"{conll}:3" in str(err.value)
