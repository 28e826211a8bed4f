"""Markdown renderings of :class:`rukp.docs.figures.Figures`: one function per generated table or block.

Renderers only format; they never read files or recompute counts. Undefined values print as ``n/a``.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from rukp import schema
from rukp.corpus import layout
from rukp.corpus.furniture import RULES
from rukp.docs.figures import CLAIM_FIELDS, Figures
from rukp.errors import RukpError

AGREEMENT_PATH = "annotations/agreement.json"
ADJUDICATION_PATH = "annotations/adjudication.jsonl"
ERRATA_PATH = "annotations/errata.jsonl"
DECISIONS: tuple[str, ...] = ("A", "B", "none", "custom")
_NUMBER = re.compile(r"^(n/a|-?[0-9][0-9,]*(\.[0-9]+)?%?)$")
CLAIM_DIFFERENCES: tuple[str, ...] = ("presence", "span", "claimer", "co_claimers", "polarity", "certainty",
                                      "topic", "quantity")


def cell(value: Any) -> str:
    """A table cell: ``None`` as ``n/a``, floats with three decimals, pipes and newlines escaped."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def code(text: str) -> str:
    """Inline code that survives backticks and no-break spaces in the text (shown as ``⍽``)."""
    shown = text.replace("\u00a0", "⍽")
    fence = "``" if "`" in shown else "`"
    return f"{fence}{shown}{fence}"


def _numeric(value: Any) -> bool:
    return value is None or isinstance(value, int | float) or bool(_NUMBER.match(str(value)))


def _nbsp_note(texts: Iterable[str]) -> str:
    return "\n\nIn code, `⍽` marks a no-break space (U+00A0)." if any("\u00a0" in t for t in texts) else ""


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; columns holding only numbers are right-aligned, the others left."""
    rows = [list(r) for r in rows]
    align = [":---"] + ["---:" if rows and all(_numeric(r[i]) for r in rows) else ":---"
                        for i in range(1, len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def share(part: int, whole: int) -> str:
    """A percentage with one decimal, or ``n/a`` when the whole is zero."""
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _doc_header(fig: Figures, first: str) -> list[str]:
    return [first, *[d.doc_id for d in fig.documents], "total"]


def composition_table(fig: Figures) -> str:
    """Per document and in total: characters, tokens, sentences, sections, mentions, entities, claims, links."""
    rows = [[d.doc_id, d.characters, d.tokens, d.sentences, d.claim_sentences, sum(d.sections.values()),
             sum(d.mentions.values()), len(d.entity_ids), d.claims, len(d.clusters), sum(d.relations.values())]
            for d in fig.documents]
    rows.append(["**total**", fig.total("characters"), fig.total("tokens"), fig.total("sentences"),
                 fig.total("claim_sentences"), sum(fig.total_counter("sections").values()),
                 sum(fig.total_counter("mentions").values()), len(fig.entity_ids), fig.total("claims"),
                 len(fig.clusters), sum(fig.total_counter("relations").values())])
    return (table(["doc", "characters", "tokens", "sentences", "claim sentences", "sections", "entity mentions",
                   "canonical entities", "claims", "claim clusters", "relations"], rows)
            + "\n\nTokens and sentences are those of the `ner` config (spaCy's French tokenizer, sentences split "
              "inside each line); claim sentences are the sentences a gold claim overlaps (`claim` in the "
              f"`sentences` config: {share(fig.total('claim_sentences'), fig.total('sentences'))} of all). "
              "The totals of canonical entities and clusters count distinct ids across "
              "documents, so they are not the sums of their columns; a relation is counted in the document of "
              "its source claim.")


def sections_table(fig: Figures) -> str:
    """Kept sections per kind and document, and the characters in English sections."""
    total = fig.total_counter("sections")
    rows = [[kind, *[d.sections.get(kind, 0) for d in fig.documents], total.get(kind, 0)]
            for kind in schema.SECTION_KINDS]
    rows.append(["characters in English sections", *[d.english_characters for d in fig.documents],
                 fig.total("english_characters")])
    return table(_doc_header(fig, "section kind"), rows)


def mentions_table(fig: Figures) -> str:
    """Entity mentions per fine type (with its coarse type) per document, in total and as a share."""
    total = fig.total_counter("mentions")
    n = sum(total.values())
    labels = list(schema.ENTITY_LABELS) + sorted(set(total) - set(schema.ENTITY_LABELS))
    rows = [[label, schema.coarse_label(label) or "—", *[d.mentions.get(label, 0) for d in fig.documents],
             total.get(label, 0), share(total.get(label, 0), n)] for label in labels]
    rows.append(["**all types**", "", *[sum(d.mentions.values()) for d in fig.documents], n, share(n, n)])
    return table(["type", "coarse", *[d.doc_id for d in fig.documents], "total", "share"], rows)


def kb_table(fig: Figures) -> str:
    """Canonical entities per type: how many, how many carry a Wikidata QID, how many span documents."""
    by_type: Counter[str] = Counter(k["type"] for k in fig.kb)
    qid: Counter[str] = Counter(k["type"] for k in fig.kb if k.get("wikidata"))
    multi: Counter[str] = Counter(k["type"] for k in fig.kb if len(k.get("documents") or []) > 1)
    types = list(schema.NAMED_LABELS) + sorted(set(by_type) - set(schema.NAMED_LABELS))
    rows = [[t, by_type.get(t, 0), qid.get(t, 0), multi.get(t, 0)] for t in types]
    rows.append(["**all types**", len(fig.kb), sum(qid.values()), sum(multi.values())])
    return table(["type", "canonical entities", "with a Wikidata QID", "mentioned in ≥ 2 documents"], rows)


def claims_table(fig: Figures) -> str:
    """Claims per value of each claim field, per document and in total."""
    total = fig.total_counter("claim_values")
    n = fig.total("claims")
    rows = []
    for name, values in CLAIM_FIELDS:
        seen = sorted({v for (f, v) in total if f == name} - set(values))
        for value in (*values, *seen):
            rows.append([f"{name} = {value}", *[d.claim_values.get((name, value), 0) for d in fig.documents],
                         total.get((name, value), 0), share(total.get((name, value), 0), n)])
    rows.append(["**claims**", *[d.claims for d in fig.documents], n, share(n, n)])
    return table(["field = value", *[d.doc_id for d in fig.documents], "total", "share"], rows)


def clusters_table(fig: Figures) -> str:
    """Claim clusters: how many, their sizes and how many gather claims from several documents."""
    sizes = list(fig.cluster_sizes.values())
    rows = [["clusters", len(sizes)],
            ["clusters with one claim", sum(s == 1 for s in sizes)],
            ["clusters with two claims", sum(s == 2 for s in sizes)],
            ["clusters with three or more claims", sum(s >= 3 for s in sizes)],
            ["largest cluster (claims)", max(sizes) if sizes else None],
            ["clusters spanning ≥ 2 documents", sum(n > 1 for n in fig.cluster_documents.values())],
            ["claims in a cluster of ≥ 2", sum(s for s in sizes if s > 1)]]
    return table(["clusters", "count"], rows)


def relations_table(fig: Figures) -> str:
    """Claim relations per type, counted in the document of their source claim."""
    total = fig.total_counter("relations")
    types = list(schema.CLAIM_RELATIONS) + sorted(set(total) - set(schema.CLAIM_RELATIONS))
    rows = [[t, *[d.relations.get(t, 0) for d in fig.documents], total.get(t, 0)] for t in types]
    return table(_doc_header(fig, "relation"), rows)


def sources_table(fig: Figures) -> str:
    """Provenance of each document: seed file and hash, title, bylines, outlet."""
    rows = [[c["id"], code(c["seed"]), code(c["seed_sha256"][:16]) + "…", c["title"] or "n/a",
             ", ".join(c["authors"]) or "none in the text", c["outlet"] or "not named in the text"]
            for c in fig.corpus]
    return table(["doc", "seed file", "seed SHA-256", "title (verbatim)", "byline", "outlet"], rows)


def dates_table(fig: Figures) -> str:
    """The inferred date of each document with its verbatim evidence and the reasoning."""
    rows = [[c["id"], c["date"] or "n/a", f"« {c['date_evidence']} »" if c["date_evidence"] else "n/a",
             c["date_basis"] or "n/a"] for c in fig.corpus]
    dates = sorted(c["date"] for c in fig.corpus if c["date"])
    window = f"Inferred dates range from {dates[0]} to {dates[-1]}." if dates else "No document has a date."
    return table(["doc", "date (inferred)", "evidence (verbatim from the text)", "basis"], rows) + "\n\n" + window


def rules_table(fig: Figures) -> str:
    """The furniture rules of the corpus build, with how many lines each dropped, and the layout rules."""
    used: Counter[str] = Counter(d["rule"] for c in fig.corpus for d in c["dropped"])
    reasons = {d["rule"]: d["reason"] for c in fig.corpus for d in c["dropped"]}
    rows = [[code(r.name), code(r.pattern.pattern), r.reason, used.get(r.name, 0)] for r in RULES]
    known = {r.name for r in RULES}
    rows += [[code(name), "(build step: same stripped text as the previous kept line)", reasons[name], used[name]]
             for name in sorted(set(used) - known)]
    doc = inspect.getdoc(layout) or ""
    rules = doc.split("\n\n", 1)[1] if "\n\n" in doc else doc
    return (table(["rule", "pattern (on the stripped line)", "reason", "lines dropped"], rows)
            + "\n\nSection kinds (from `rukp/corpus/layout.py`):\n\n"
            + "\n".join(f"> {line}" if line else ">" for line in rules.splitlines()))


def dropped_table(fig: Figures) -> str:
    """Every line the corpus build dropped, per document, verbatim, with its rule and seed offsets."""
    rows = [[c["id"], code(d["rule"]), code(d["text"]), f"{d['seed_start']}–{d['seed_end']}"]
            for c in fig.corpus for d in c["dropped"]]
    per_doc = ", ".join(f"{c['id']}: {len(c['dropped'])}" for c in fig.corpus)
    n = sum(len(c["dropped"]) for c in fig.corpus)
    return (table(["doc", "rule", "dropped line (verbatim)", "seed offsets"], rows)
            + _nbsp_note([d["text"] for c in fig.corpus for d in c["dropped"]])
            + f"\n\n{n} lines dropped in all ({per_doc}).")


def artefacts_table(fig: Figures) -> str:
    """Each known artefact of the source texts with where it occurs (document and character offsets)."""
    places: dict[str, list[str]] = {}
    for occ in fig.artefacts:
        places.setdefault(occ.artefact.text, []).append(f"{occ.doc_id} @ {occ.start}–{occ.end}")
    seen: dict[str, Any] = {}
    for occ in fig.artefacts:
        seen.setdefault(occ.artefact.text, occ.artefact)
    rows = [[code(text), a.kind, "; ".join(places[text]), a.note] for text, a in seen.items()]
    return table(["verbatim text", "kind", "where (doc @ offsets)", "what it is"], rows) + _nbsp_note(seen)


#: Groups of passes an agreement file may hold, in display order, with their column titles.
AGREEMENT_GROUPS: dict[str, str] = {"guidelines": "with the guidelines", "scheme_only": "scheme only"}


def _at(data: dict[str, Any], *keys: str) -> Any:
    node: Any = data
    for i, key in enumerate(keys):
        if not isinstance(node, dict) or key not in node:
            raise RukpError(f"missing field {'.'.join(keys[:i + 1])!r} (rerun `rukp agreement`)",
                            path=AGREEMENT_PATH)
        node = node[key]
    return node


def agreement_groups(agreement: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The compared pairs of passes in an agreement file: ``(group name, figures)``, each with ``passes``.

    Accepts the grouped layout (``guidelines`` and, optionally, ``scheme_only``) and the flat layout of a single
    comparison (``passes``, ``entities`` and ``claims`` at the top level).
    """
    if "entities" in agreement:
        return [("guidelines", agreement)]
    groups = [(name, agreement[name]) for name in AGREEMENT_GROUPS if isinstance(agreement.get(name), dict)]
    if not groups:
        raise RukpError(f"no comparison found (expected one of {', '.join(AGREEMENT_GROUPS)}, or 'entities' "
                        "and 'claims')", path=AGREEMENT_PATH)
    for name, group in groups:
        passes = group.get("passes")
        if not (isinstance(passes, list) and len(passes) == 2):
            raise RukpError(f"missing field '{name}.passes' (two pass names)", path=AGREEMENT_PATH)
    return groups


def _pair(group: dict[str, Any], *keys: str) -> str:
    value = _at(group, *keys)
    a, b = group["passes"]
    return f"{value.get(a)} / {value.get(b)}"


def _attr(group: dict[str, Any], name: str) -> str:
    return (f"{cell(_at(group, 'claims', name, 'agreement'))} ({_at(group, 'claims', name, 'agree')}/"
            f"{_at(group, 'claims', name, 'n')}; κ = {cell(_at(group, 'claims', name, 'kappa'))})")


def _prf(group: dict[str, Any], *keys: str) -> str:
    v = _at(group, *keys)
    return f"{cell(v.get('precision'))} / {cell(v.get('recall'))} / {cell(v.get('f1'))}"


_MEASURES: tuple[tuple[str, Any], ...] = (
    ("entity mentions (first / second pass)", lambda g: _pair(g, "entities", "mentions")),
    ("entities: strict F1 (same span, same type)", lambda g: cell(_at(g, "entities", "strict_f1"))),
    ("entities: exact F1 (same span, any type)", lambda g: cell(_at(g, "entities", "exact_f1"))),
    ("entities: partial F1", lambda g: cell(_at(g, "entities", "partial_f1"))),
    ("entities: type F1 (overlap, same type)", lambda g: cell(_at(g, "entities", "ent_type_f1"))),
    ("entity linking on strictly matched named mentions (same/matched)",
     lambda g: f"{cell(_at(g, 'entities', 'linking', 'agreement'))} ({_at(g, 'entities', 'linking', 'same_entity')}"
               f"/{_at(g, 'entities', 'linking', 'matched_named')})"),
    ("claims (first / second pass)", lambda g: _pair(g, "claims", "claims")),
    ("claims quoted verbatim in GUIDELINES.md (first / second pass)",
     lambda g: _pair(g, "claims", "quoted_in_guidelines")),
    ("claims matched one-to-one (token Jaccard ≥ threshold)",
     lambda g: f"{_at(g, 'claims', 'matched')} (≥ {cell(_at(g, 'claims', 'threshold_token_jaccard'))})"),
    ("claims: detection F1", lambda g: cell(_at(g, "claims", "detection_f1"))),
    ("matched claims with the same span", lambda g: cell(_at(g, "claims", "exact_span_agreement"))),
    ("matched claims: claimer agreement (agree/n; Cohen's κ)", lambda g: _attr(g, "claimer")),
    ("matched claims: polarity agreement (agree/n; κ)", lambda g: _attr(g, "polarity")),
    ("matched claims: certainty agreement (agree/n; κ)", lambda g: _attr(g, "certainty")),
    ("matched claims: topic agreement (agree/n; κ)", lambda g: _attr(g, "topic")),
    ("matched claims: same quantity value (agree/n)",
     lambda g: f"{_at(g, 'claims', 'quantity', 'agree')}/{_at(g, 'claims', 'quantity', 'n')}"),
    ("clusters over matched claims: B³ P / R / F1", lambda g: _prf(g, "claims", "clusters", "b_cubed")),
    ("clusters over matched claims: pairwise P / R / F1", lambda g: _prf(g, "claims", "clusters", "pairwise")),
    ("relations (first / second pass)", lambda g: _pair(g, "claims", "relations")),
    ("relations: matched; F1",
     lambda g: f"{_at(g, 'claims', 'relations', 'matched')}; {cell(_at(g, 'claims', 'relations', 'f1'))}"),
)


def _title(name: str, group: dict[str, Any]) -> str:
    return f"{' vs '.join(group['passes'])} ({AGREEMENT_GROUPS[name]})"


def agreement_summary(agreement: dict[str, Any] | None) -> str:
    """One sentence with the headline agreement of the guideline passes, or that it is not yet computed."""
    if agreement is None:
        return f"Inter-annotator agreement: not yet computed (`{AGREEMENT_PATH}` does not exist; run `rukp agreement`)."
    _, g = agreement_groups(agreement)[0]
    a, b = g["passes"]
    return (f"Before adjudication, passes {a} and {b} agreed with entity F1 {cell(_at(g, 'entities', 'strict_f1'))} "
            f"(strict) and {cell(_at(g, 'entities', 'exact_f1'))} (exact span), and claim detection F1 "
            f"{cell(_at(g, 'claims', 'detection_f1'))}; on matched claims, claimer agreement "
            f"{cell(_at(g, 'claims', 'claimer', 'agreement'))}, polarity "
            f"{cell(_at(g, 'claims', 'polarity', 'agreement'))}, certainty "
            f"{cell(_at(g, 'claims', 'certainty', 'agreement'))}, topic "
            f"{cell(_at(g, 'claims', 'topic', 'agreement'))} (source: {AGREEMENT_PATH}).")


def agreement_block(fig: Figures) -> str:
    """Agreement between independent passes before adjudication, one column per compared pair."""
    if fig.agreement is None:
        return agreement_summary(None)
    groups = agreement_groups(fig.agreement)
    titles = [_title(n, g) for n, g in groups]
    rows = [[label, *[render(g) for _, g in groups]] for label, render in _MEASURES]
    type_rows = []
    for lab in schema.ENTITY_LABELS:
        row: list[Any] = [lab]
        for _, g in groups:
            counts = _at(g, "entities", "per_type_mentions").get(lab) or {}
            row += [" / ".join(str(counts.get(p)) for p in g["passes"]),
                    cell(_at(g, "entities", "per_type_strict_f1").get(lab))]
        type_rows.append(row)
    docs = sorted({d for _, g in groups for d in _at(g, "entities", "per_document_strict_f1")})
    doc_rows = [[d, *[cell(_at(g, "entities", "per_document_strict_f1").get(d)) for _, g in groups]] for d in docs]
    notes = [f"- **{t}**: {g.get('description') or 'More Information Needed'}" for t, (_, g) in zip(titles, groups,
                                                                                               strict=True)]
    return "\n\n".join([
        "Compared passes:\n\n" + "\n".join(notes),
        table(["measure (before adjudication)", *titles], rows),
        "Per entity type (mentions in the first / second pass; strict F1):\n\n"
        + table(["type", *[h for t in titles for h in (f"mentions, {t}", f"strict F1, {t}")]], type_rows),
        "Per document (entity strict F1):\n\n" + table(["doc", *titles], doc_rows),
        f"F1 between two passes is symmetric (the first pass is taken as the reference). Source: `{AGREEMENT_PATH}`, "
        "computed by `rukp agreement` from `annotations/raw/`.",
    ])


#: What each decision of the adjudication log means (values the adjudication tools write).
DECISION_MEANINGS: dict[str, str] = {
    "A": "pass A's reading kept", "B": "pass B's reading kept", "none": "neither reading is gold",
    "custom": "a corrected reading", "gold": "the existing gold reading kept",
    "CD": "the reading of the scheme-only passes C and D adopted",
}
#: What each kind of adjudication item is.
KIND_MEANINGS: dict[str, str] = {
    "entity": "a region where the entity spans, types or links differ", "claim": "a claim that differs in span, "
    "in a field, or in presence", "cluster": "a claim whose cluster differs", "relation": "a relation only one "
    "side has, or with another type", "flag": "a problem raised against the gold during adjudication",
}


def adjudication_block(fig: Figures) -> str:
    """Counts of the adjudication log: items by kind and decision (and round), claim items by differing field."""
    log = fig.adjudication
    if log is None:
        return f"Adjudication log: not yet produced (`{ADJUDICATION_PATH}` does not exist)."
    kinds = sorted({r["kind"] for r in log})
    by = Counter((r["kind"], r["decision"]) for r in log)
    decisions = [d for d in DECISIONS if any(r["decision"] == d for r in log)] + sorted(
        {r["decision"] for r in log} - set(DECISIONS))
    rows = [[k, *[by.get((k, d), 0) for d in decisions], sum(by.get((k, d), 0) for d in decisions)] for k in kinds]
    rows.append(["**all**", *[sum(by.get((k, d), 0) for k in kinds) for d in decisions], len(log)])
    legend = "; ".join(f"`{d}`: {DECISION_MEANINGS.get(d, 'see the reason of each item')}" for d in decisions)
    kinds_legend = "; ".join(f"`{k}`: {KIND_MEANINGS.get(k, 'see the log')}" for k in kinds)
    parts = [
        f"{len(log)} items were adjudicated (`{ADJUDICATION_PATH}`: one line per item with the readings, the "
        f"decision and its reason). Kinds: {kinds_legend}. Decisions: {legend}.",
        table(["item kind", *decisions, "total"], rows),
    ]
    rounds = Counter(str(r["round"]) for r in log if r.get("round") is not None)
    if rounds:
        unrecorded = len(log) - sum(rounds.values())
        parts.append("Items per adjudication round: " + ", ".join(f"round {k}: {n}" for k, n in sorted(rounds.items()))
                     + (f"; no round recorded: {unrecorded}" if unrecorded else "") + ".")
    differs: Counter[str] = Counter(f for r in log if r["kind"] == "claim" for f in r.get("differs") or [])
    differs.update(r["field"] for r in log if r["kind"] == "claim" and isinstance(r.get("field"), str))
    if differs:
        fields = list(CLAIM_DIFFERENCES) + sorted(set(differs) - set(CLAIM_DIFFERENCES))
        parts.append("Claim items by what differed (an item can differ in several fields; `presence`: only one "
                     "side had the claim):\n\n" + table(["field", "claim items"],
                                                          [[f, differs.get(f, 0)] for f in fields if differs.get(f)]))
    return "\n\n".join(parts)


def _erratum_docs(row: dict[str, Any]) -> str:
    refs = [row.get(k) for k in ("claim", "source", "target")]
    return ", ".join(sorted({r["doc_id"] for r in refs if isinstance(r, dict) and "doc_id" in r})) or "n/a"


def errata_table(fig: Figures) -> str:
    """Every erratum applied to the gold after adjudication: id, operation, documents, reason."""
    if not fig.errata:
        return f"No erratum recorded (`{ERRATA_PATH}` is absent or empty)."
    rows = [[r["id"], code(r["op"]), _erratum_docs(r), r["reason"]] for r in fig.errata]
    return (f"{len(fig.errata)} errata recorded in `{ERRATA_PATH}` and applied by code after adjudication:\n\n"
            + table(["id", "operation", "documents", "reason"], rows))


def provenance_table(fig: Figures) -> str:
    """How each document's gold was made (``annotations/manifest.json``, ``provenance``): one row per way, with
    the documents made that way."""
    import json

    from rukp.annotations.provenance import describe, provenances

    groups: dict[str, list[str]] = {}
    for doc_id, prov in provenances(fig.manifest).items():
        groups.setdefault(json.dumps(prov, sort_keys=True), []).append(doc_id)
    rows = []
    for key, docs in groups.items():
        prov = json.loads(key)
        shown = f"{docs[0]}–{docs[-1]}" if len(docs) > 2 else ", ".join(docs)
        if prov is None:
            rows.append([shown, "not recorded", "—", "—", "—", "—"])
            continue
        passes = prov.get("passes") or []
        kinds = {"ai_agent": "AI agent", "person": "person"}
        who = "; ".join(f"{p.get('name')}: {p.get('annotator')}, {kinds.get(p.get('agent'), p.get('agent'))}"
                        for p in passes)
        tools = ", ".join(sorted({str(p.get("tool")) for p in passes}))
        rows.append([shown, str(len(passes)), who, tools, prov.get("adjudication") or "none (single pass)",
                     prov.get("date") or "—"])
    table_text = table(["documents", "passes", "annotators", "tool", "adjudication", "date"], rows)
    return f"{table_text}\n\nIn all: {describe(fig.manifest)}."
