"""The body of the dataset card (README.md, between ``<!-- card:start -->`` and ``<!-- card:end -->``).

Sections follow the Hugging Face dataset card template (``huggingface_hub/templates/datasetcard_template.md``);
every figure comes from :class:`rukp.docs.figures.Figures`, and a section that cannot be filled says
"More Information Needed".
"""

from __future__ import annotations

import json
from typing import Any

from rukp import schema
from rukp.dataset.features import CONFIGS, SPLIT, features
from rukp.docs import statements, tables
from rukp.docs.citation import Citation
from rukp.docs.fields import describe, type_name, walk
from rukp.docs.figures import Figures

MORE = "More Information Needed"


def _abbreviate(value: Any, *, text: int = 100, items: int = 2) -> Any:
    """A value cut for display: long strings end with ``… [N characters]``, long lists with ``… N more``."""
    if isinstance(value, str) and len(value) > text:
        return f"{value[:text]}… [{len(value)} characters]"
    if isinstance(value, list):
        shown = [_abbreviate(v, text=text, items=items) for v in value[:items]]
        return shown + ([f"… {len(value) - items} more"] if len(value) > items else [])
    if isinstance(value, dict):
        return {k: _abbreviate(v, text=text, items=items) for k, v in value.items()}
    return value


def _json(row: dict[str, Any]) -> str:
    """A record as JSON, one top-level field per line, each value on one line."""
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in row.items())
    return "```json\n{\n" + body + "\n}\n```"


def instances(views: dict[str, list[dict[str, Any]]]) -> str:
    """One instance of ``documents`` (abbreviated), ``claims``, ``ner`` (with its tag names) and ``sentences``."""
    parts = ["Instances as stored (JSON Lines), abbreviated for display: long strings and lists are cut and the "
             "cut is marked with `…`."]
    docs = views.get("documents") or []
    parts.append("`documents` (first record):\n\n" + (_json(_abbreviate(docs[0])) if docs else MORE))
    claims = views.get("claims") or []
    parts.append("`claims` (first record):\n\n" + (_json(claims[0]) if claims else
                                                     f"{MORE}: this version has no claims yet."))
    ner = views.get("ner") or []
    if ner:
        row = next((r for r in ner if any(r["ner_tags"])), ner[0])
        tagged = " ".join(f"{tok}/{schema.FINE_BIO[t]}" for tok, t in zip(row["tokens"], row["ner_tags"], strict=True))
        parts.append(f"`ner` (sentence {row['sentence']} of document {row['doc_id']}):\n\n"
                     + _json({k: row[k] for k in row}) + f"\n\nTokens with their fine tags: {tables.code(tagged)}")
    else:
        parts.append(f"`ner`: {MORE}")
    sents = views.get("sentences") or []
    if sents:
        row = next((r for r in sents if r["claim"]), sents[0])
        parts.append(f"`sentences` (a sentence with a claim, {row['id']}):\n\n" + _json(row))
    else:
        parts.append(f"`sentences`: {MORE}")
    return "\n\n".join(parts)


def data_fields() -> str:
    """Every column of every config with its type and description."""
    out = []
    for config in CONFIGS:
        rows = [[tables.code(".".join(path)), type_name(feature), describe(config, path) or MORE]
                for path, feature in walk(features(config))]
        out.append(f"`{config}` — {statements.CONFIG_DESCRIPTIONS[config]}\n\n"
                   + tables.table(["column", "type", "description"], rows))
    return "\n\n".join(out)


def label_inventories() -> str:
    """Every label inventory with its indices (the ``class_label`` ids of the ``ner`` config)."""
    inventories = [
        ("Fine entity types (`label`) with their coarse type", [[i, lab, schema.coarse_label(lab) or "—"]
                                                               for i, lab in enumerate(schema.ENTITY_LABELS)],
         ["index", "label", "coarse"]),
        ("`ner_tags` (fine BIO, `class_label`)", list(enumerate(schema.FINE_BIO)), ["id", "tag"]),
        ("`coarse_ner_tags` (coarse BIO, `class_label`)", list(enumerate(schema.COARSE_BIO)), ["id", "tag"]),
    ]
    out = [f"**{title}**\n\n" + tables.table(header, rows) for title, rows, header in inventories]
    small = [("polarity", schema.POLARITIES), ("certainty", schema.CERTAINTIES), ("topic", schema.TOPICS),
             ("claimer (besides canonical entity ids)", schema.SPECIAL_CLAIMERS),
             ("relation `type`", schema.CLAIM_RELATIONS), ("section `kind`", schema.SECTION_KINDS)]
    out.append("**Claim and structure inventories** (string values; index = position in the inventory)\n\n"
               + tables.table(["field", "values (index: value)"],
                              [[name, ", ".join(f"{i}: {tables.code(v)}" for i, v in enumerate(values))]
                               for name, values in small]))
    return "\n\n".join(out)


def card_body(fig: Figures, citation: Citation, views: dict[str, list[dict[str, Any]]]) -> str:
    """The whole generated card body (Markdown)."""
    english = fig.total("english_characters")
    dropped = sum(len(c["dropped"]) for c in fig.corpus)
    split_rows = [[c, len(views.get(c) or [])] for c in CONFIGS]
    sections = [
        "<!-- Generated by `rukp docs build` from the data; edit benchmark/rukp/docs/, not this text. -->",
        "## Dataset Details",
        "### Dataset Description",
        statements.summary(fig),
        "\n".join([
            "- **Curated by:** " + ", ".join(citation.authors),
            f"- **Funded by:** {MORE}",
            "- **Shared by:** " + ", ".join(citation.authors),
            f"- **Language(s) (NLP):** French (`fr`); {english:,} characters are English photo captions.",
            "- **License:** annotations CC BY 4.0; code Apache-2.0; article texts under their publishers' terms "
            "(see Licensing Information).",
        ]),
        "### Dataset Sources",
        f"- **Repository:** {MORE}\n- **Paper:** {MORE}\n- **Demo:** {MORE}",
        "## Uses",
        "### Direct Use",
        statements.USE_CASES[0] + " " + statements.USE_CASES[1]
        + " `rukp evaluate` and `rukp benchmark` compute paired bootstrap intervals over documents.",
        "### Out-of-Scope Use",
        statements.USE_CASES[2],
        "## Dataset Structure",
        f"One split, `{SPLIT}`, in {len(CONFIGS)} configs that are views of the same annotations (offsets are Python "
        "character offsets into the document `text`, end exclusive):\n\n"
        + tables.table(["config", f"records in `{SPLIT}`"], split_rows),
        "### Data Instances",
        instances(views),
        "### Data Fields",
        data_fields(),
        "### Label Inventories",
        label_inventories(),
        "### Composition",
        tables.composition_table(fig),
        "Entity mentions per type:\n\n" + tables.mentions_table(fig),
        "Claims per field value:\n\n" + tables.claims_table(fig),
        "More figures (sections, canonical entities, clusters, relations, dropped lines): "
        "[DATASHEET.md](DATASHEET.md).",
        "## Dataset Creation",
        "### Curation Rationale",
        "French has few gold datasets that annotate, in the same news text, entities with cross-document "
        "identities and claims with who makes them and how firmly; rukp-fr provides a small, fully documented, "
        "reproducible test set of this kind and the harness to score extractors on it with confidence intervals.",
        "### Source Data",
        "#### Data Collection and Processing",
        statements.data_collection(fig) + "\n\n" + statements.preprocessing(dropped)
        + "\n\nDates (inferred; the pages give none):\n\n" + tables.dates_table(fig),
        "#### Who are the source data producers?",
        "Journalists of French-language news outlets that the pages do not name; bylines: "
        + (", ".join(a for c in fig.corpus for a in c["authors"]) or "none")
        + ". The articles quote officials and agencies; some texts show signs of machine translation.",
        "### Annotations",
        "#### Annotation process",
        statements.annotation_protocol(fig),
        "How each document's gold was made (annotations/manifest.json):\n\n" + tables.provenance_table(fig),
        "Agreement between independent passes, before adjudication:\n\n" + tables.agreement_block(fig),
        "Adjudication:\n\n" + tables.adjudication_block(fig),
        "#### Who are the annotators?",
        statements.annotators(fig),
        "#### Personal and Sensitive Information",
        statements.personal_information(fig),
        "## Bias, Risks, and Limitations",
        "\n".join(f"- {s}" for s in [*statements.biases(fig), *statements.limitations(fig),
                                      statements.SOCIAL_IMPACT]),
        "### Recommendations",
        "Report bootstrap confidence intervals and paired tests, never train or tune on these documents, do not "
        "generalise beyond the topic and period, keep the verbatim text when mapping offsets, and treat claims as "
        "attributed statements, not facts.",
        "## Licensing Information",
        statements.LICENSING,
        "## Citation",
        "**BibTeX:**\n\n```bibtex\n" + citation.bibtex() + "\n```\n\n**APA:**\n\n" + citation.apa(),
        "## Glossary",
        "\n".join([
            "- **claim**: a checkable proposition the text asserts, reports, denies or predicts.",
            "- **claimer**: who asserts it (a canonical entity, `AUTHOR` for the article's own voice, "
            "`UNSPECIFIED` for vague sources).",
            "- **cluster**: claims, in any document, that state the same proposition.",
            "- **canonical entity**: one real-world referent across documents (the `kb` config).",
            "- **furniture**: page elements that are not editorial content (comment widgets, teasers…).",
        ]),
        "## More Information",
        "[DATASHEET.md](DATASHEET.md) (datasheet for datasets), [annotations/GUIDELINES.md]"
        "(annotations/GUIDELINES.md), [croissant.json](croissant.json) (Croissant 1.0 with RAI fields).",
        "## Dataset Card Authors",
        ", ".join(citation.authors),
        "## Dataset Card Contact",
        "Open an issue in the repository's tracker (takedown requests: titled 'takedown').",
    ]
    return "\n\n".join(sections)
