"""Short statements shared by the dataset card and ``croissant.json`` (the datasheet says the same at length).

Statements that contain a figure are functions of :class:`rukp.docs.figures.Figures`; the others are constants.
"""

from __future__ import annotations

from collections import Counter

from rukp import schema
from rukp.annotations.provenance import ORIGINAL_ADJUDICATION, describe, provenances
from rukp.docs.figures import Figures

CONFIG_DESCRIPTIONS: dict[str, str] = {
    "documents": "One record per document: text, provenance, sections, sentences, entities, claims and relations.",
    "entities": "One record per entity mention, with its document and sentence.",
    "claims": "One record per claim, with its document.",
    "kb": "One record per canonical entity (cross-document), with aliases and mention counts.",
    "ner": "One record per sentence: tokens with fine and coarse BIO tags.",
    "sentences": "One record per sentence: its text and whether a gold claim overlaps it (claim detection at "
                 "sentence level, as in check-worthiness work), with those claims' ids, claimers and attributes.",
}

RAW_DATA = ("seeds/: the verbatim pages as received (with their furniture); seeds/MANIFEST.json holds their "
            "sizes and SHA-256; seeds/metadata.json holds the dates decided by a person with their evidence.")
MANIPULATION = ("No text is altered: kept lines are verbatim (typos, machine-translation slips and no-break spaces "
                "included), and every kept section maps to its offsets in the seed page.")
IMPUTATION = "None. Dates are inferred, not imputed, and flagged as inferred."
ANNOTATION_PLATFORM = ("JSON files in the raw annotation format (annotations/raw/README.md), resolved to offsets by "
                       "the project's resolver; a Label Studio configuration is provided to extend the corpus.")
ORIGINAL_PASSES = ("two independent annotation passes with the guidelines (A, B) and two with the scheme only "
                   "(C, D); one adjudicated gold annotation (round 1: A vs B; round 2: gold vs C and D), then "
                   "reviewed errata")
ORIGINAL_ANNOTATORS = ("Every pass, both adjudication rounds and the guidelines themselves were produced by AI "
                       "language-model agents (Claude subagents), not by people; no human annotator re-read every "
                       "span. The guidelines were drafted by an agent that had read the original texts, so they "
                       "decide most of the corpus's hard cases by quoting them; this, and the fact that all "
                       "annotators are instances of one model, is why agreement is near perfect. Demographics do "
                       "not apply.")
MACHINE_TOOLS: tuple[str, ...] = (
    "Claude (Anthropic) language-model subagents: the guidelines draft, annotation passes A-D, both "
    "adjudication rounds.",
    "The project's resolver (rukp.annotations.resolve): offsets of every span, computed from surface strings.",
    "spaCy 3.8 blank French tokenizer and rule sentencizer: tokens and sentences of the ner and sentences configs.",
)
USE_CASES: tuple[str, ...] = (
    "Evaluating French named-entity recognition (fine and coarse types), entity linking to cross-document "
    "canonical entities, and claim detection and attribution (claimer, polarity, certainty, topic, clusters).",
    "A small test set only: report bootstrap confidence intervals, never train or tune on it.",
    "Not suitable for: training; estimating performance on other topics, periods or outlets; fact-checking the "
    "claims themselves (the dataset records who claims what, not whether it is true).",
)
SOCIAL_IMPACT = ("Politically sensitive content (war in Ukraine, North Korean troops, sanctions) about named public "
                 "figures; claims are attributed statements, not verified facts. Presenting the claims as true, or "
                 "the dataset as representative of French news, would mislead.")
MAINTENANCE = ("Semantic versioning (MAJOR: scheme or guideline changes that alter existing labels; MINOR: new "
               "documents or fields; PATCH: errata). New articles are added with `rukp corpus add` and annotated in "
               "Label Studio (docs/labelstudio.md). Errata: open an issue in the repository's tracker; an accepted "
               "erratum is recorded with its reason in annotations/errata.jsonl, applied by code (`rukp annotations "
               "rebuild` checks the gold), and released as a PATCH version. Takedown requests: open an issue in the "
               "repository's tracker titled 'takedown'.")
LICENSING = ("Annotations (everything under annotations/ and the annotation fields of the dataset views): CC BY 4.0. "
             "Code (benchmark/): Apache-2.0. Article texts (seeds/, corpus/ and the `text` fields): third-party news "
             "content under their publishers' terms of use, redistributed for research under the quotation and "
             "text-and-data-mining exceptions where they apply; takedown: open an issue in the repository's tracker "
             "titled 'takedown'.")


def _original(fig: Figures) -> list[str]:
    """The documents of the original gold (annotated by the passes A–D and adjudicated)."""
    return sorted(d for d, p in provenances(fig.manifest).items()
                  if p is not None and p.get("adjudication") == ORIGINAL_ADJUDICATION)


def _ids(ids: list[str]) -> str:
    return f"{ids[0]}–{ids[-1]}" if len(ids) > 2 else " and ".join(ids)


def annotations_per_item(fig: Figures) -> str:
    """How many annotations each document had, from the provenance the manifest records per document."""
    original = _original(fig)
    detail = f" Documents {_ids(original)}: {ORIGINAL_PASSES}." if original else ""
    sentence = describe(fig.manifest)
    return f"{sentence[0].upper()}{sentence[1:]}.{detail}"


def annotators(fig: Figures) -> str:
    """Who annotated: the AI agents of the original gold, and whoever annotated the documents added since."""
    original = _original(fig)
    text = f"Documents {_ids(original)}: {ORIGINAL_ANNOTATORS}" if original else ""
    later = {d: p for d, p in provenances(fig.manifest).items() if d not in original}
    if later:
        added = describe({"documents": {d: {"provenance": p} for d, p in later.items()}})
        text += (" " if text else "") + f"Documents {_ids(sorted(later))}: {added}."
    return text or "No document annotated yet."


def annotation_protocol(fig: Figures) -> str:
    """How the gold was annotated (guidelines version from annotations/GUIDELINES.md)."""
    return (f"Written guidelines (annotations/GUIDELINES.md, {fig.guidelines_version}) expand the annotation scheme "
            f"{schema.SCHEME_VERSION}. Two independent passes (A and B) annotated every document of the original "
            "gold blind to each other, from the guidelines and the corpus text alone, writing surface strings; "
            "offsets were computed by code. Every disagreement was adjudicated with a decision and a reason citing "
            "the guidelines (annotations/adjudication.jsonl); agreed annotations passed through unchanged; the gold "
            "was checked by the project validator (offsets, labels, links, no annotation inside page furniture). "
            f"Per document (annotations/manifest.json, provenance): {describe(fig.manifest)}.")


def _window(fig: Figures) -> str:
    dates = sorted(c["date"] for c in fig.corpus if c.get("date"))
    return f"{dates[0]} to {dates[-1]}" if dates else "unknown dates"


def data_collection(fig: Figures) -> str:
    """Where the texts come from, as far as they show it."""
    return (f"{len(fig.documents)} French news articles on the Russia–North Korea rapprochement (North Korean "
            "troops near Kursk, the mutual-defence treaty, ministerial visits), dated by inference from "
            f"{_window(fig)}. The seeds are plain-text copies of the articles' web pages, kept byte for byte with "
            "a SHA-256 manifest; the page furniture they contain (comment widgets, captchas, teasers, aggregator "
            "links) shows that they were copied from news web pages. How the pages were chosen and copied is not "
            "recorded.")


def missing_data(fig: Figures) -> str:
    """What the pages do not give (dates, outlets, bylines), counted."""
    n = len(fig.corpus)
    named = sum(1 for c in fig.corpus if c.get("outlet"))
    bylined = sum(1 for c in fig.corpus if c.get("authors"))
    return ("Dates come from seeds/metadata.json, where each was inferred from the text by a person (verbatim "
            "evidence and reasoning in every record's date_evidence and date_basis). "
            f"Outlets named in the text: {named} of {n} (null otherwise). Documents with a byline: {bylined} of {n}.")


def biases(fig: Figures) -> list[str]:
    """Known biases of the sample and of the annotation process."""
    return [
        f"Single topic and time window (Russia–North Korea, {_window(fig)}), {len(fig.documents)} documents from "
        "outlets that are not named; the articles relay statements of Western, South Korean, Ukrainian, Russian "
        "and North Korean officials, and their claims reflect whom these outlets chose to quote.",
        "Some texts show signs of machine translation (garbled names, calques) and "
        f"{sum(1 for d in fig.documents if d.english_characters)} keep English photo captions, so their language "
        "is not representative of edited French news.",
        "The annotations were produced by language-model agents; tendencies they share make the agreement between "
        "the two passes an upper bound on the reliability of the gold against expert human annotation.",
    ]


def limitations(fig: Figures) -> list[str]:
    """Known limitations, with the size computed from the data."""
    return [
        f"{len(fig.documents)} documents ({fig.total('characters'):,} characters): confidence intervals are wide and "
        "differences between systems are often not significant.",
        "Source-text artefacts are kept verbatim (garbled names such as 'Chloé Son Hui' and 'Nom Kwang Chol', a "
        "garbled headline, typos such as 'CC’est'); systems that normalise text must map offsets back.",
        "Dates are inferred, not given by the pages" + _outside(fig) + "; outlets are unknown.",
    ]


def _outside(fig: Figures) -> str:
    ids = [c["id"] for c in fig.corpus if "outside the text" in (c.get("date_basis") or "")]
    return f" (for {', '.join(ids)} only with knowledge from outside the text)" if ids else ""


def personal_information(fig: Figures) -> str:
    """Who is named in the data, counted from bylines and credits."""
    bylines = sum(len(c.get("authors") or []) for c in fig.corpus)
    credits = sum(d.sections.get("credit", 0) for d in fig.documents)
    return (f"Names of public figures (heads of state, ministers, officials), of {bylines} journalists in bylines "
            f"and of the photographers and agencies in {credits} photo credit(s), as published; no private "
            "individuals and no contact data. Political opinions are those the articles attribute to public "
            "figures.")


def summary(fig: Figures) -> str:
    """The dataset's one-paragraph description, with its size computed from the data."""
    mentions = sum(fig.total_counter("mentions").values())
    relations = sum(fig.total_counter("relations").values())
    return (f"rukp-fr: {len(fig.documents)} French news articles ({fig.total('characters'):,} characters, "
            f"{fig.total('tokens'):,} tokens) on the Russia–North Korea rapprochement, dated {_window(fig)}, "
            f"cleaned of page furniture with a provenance map to the verbatim pages ({describe(fig.manifest)}): "
            f"{mentions} entity mentions of {len(schema.ENTITY_LABELS)} "
            f"OntoNotes-like types linked to {len(fig.entity_ids)} cross-document canonical entities, and "
            f"{fig.total('claims')} claims with claimer, polarity, certainty and topic, in {len(fig.clusters)} "
            f"clusters, with {relations} supports/contradicts relations. A test set for French NER, entity "
            "linking and claim extraction: report confidence intervals, never train on it.")


def preprocessing(dropped: int) -> str:
    """The preprocessing statement with the number of dropped furniture lines."""
    return ("Line-level furniture removal with named rules (benchmark/rukp/corpus/furniture.py: comment widgets, "
            "captchas, navigation, teasers, recommendation and social widgets) and removal of a line repeating the "
            f"previous kept line: {dropped} lines dropped, each listed with its rule and seed offsets in the record's "
            "`dropped` field. Kept lines are classified into sections (title, lead, caption, byline, credit, "
            "heading, paragraph) by positional rules (benchmark/rukp/corpus/layout.py).")


def adjudication_summary(fig: Figures) -> str:
    """The adjudication log in one sentence (counts by kind and decision), or that it is not yet produced."""
    if fig.adjudication is None:
        return "Adjudication log: not yet produced (annotations/adjudication.jsonl does not exist)."
    by = Counter((r["kind"], r["decision"]) for r in fig.adjudication)
    parts = ", ".join(f"{kind} {decision}: {n}" for (kind, decision), n in sorted(by.items()))
    return f"{len(fig.adjudication)} disagreements adjudicated ({parts}); see annotations/adjudication.jsonl."


def source_file_description(rel: str) -> str:
    """What a source-layer file is, from its path."""
    if rel.startswith("seeds/") and rel.endswith(".txt"):
        return "A seed page, verbatim as received (page furniture included)."
    if rel.startswith("annotations/raw/gold/"):
        return "Adjudicated inputs of the gold build (canonical entities, clusters or relations)."
    if rel.startswith("annotations/raw/") and rel.count("/") == 3:
        name = rel.split("/")[2]
        return (f"Raw annotation pass {name}, as its annotator wrote it (surface strings) or as resolved to offsets "
                "by code (resolved.json, predictions.jsonl).")
    if rel.startswith("annotations/adjudication/"):
        return "Adjudication working file: items, decisions, review items and decisions, flags or key maps."
    return {
        "seeds/MANIFEST.json": "Size and SHA-256 of every seed page.",
        "seeds/metadata.json": "Per seed: inferred date, its verbatim evidence and reasoning, outlet.",
        "corpus/documents.jsonl": "The corpus: editorial text of each seed, sections, provenance, dropped lines.",
        "annotations/GUIDELINES.md": "Annotation guidelines (v1).",
        "annotations/FORMAT.md": "Format of the annotation files.",
        "annotations/entities.jsonl": "Gold entity mentions.",
        "annotations/claims.jsonl": "Gold claims.",
        "annotations/relations.jsonl": "Gold claim relations.",
        "annotations/kb.jsonl": "Gold canonical entities.",
        "annotations/clusters.jsonl": "Gold claim clusters with their propositions.",
        "annotations/manifest.json": "Scheme and guideline versions and the corpus text hashes annotated.",
        "annotations/adjudication.jsonl": "Adjudication log: both readings, the decision and its reason.",
        "annotations/agreement.json": "Inter-annotator agreement of independent passes before adjudication.",
        "annotations/errata.jsonl": "Errata applied to the gold after adjudication, each with its reason.",
        "annotations/raw/README.md": "Format of the raw annotation passes.",
    }.get(rel, "A file of the annotation layer.")
