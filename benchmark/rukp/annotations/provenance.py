"""How each document's gold was made, recorded in ``annotations/manifest.json`` and told in one sentence.

A document's manifest entry holds ``provenance``: its independent annotation ``passes`` (name, annotator, whether
the annotator is a ``person`` or an ``ai_agent``, the tool), how they were adjudicated (``null`` for a single
pass), and the ``date``. The datasheet, the card and ``croissant.json`` describe the corpus from these records
(:func:`describe`), so a new document annotated differently never makes a blanket sentence false.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from rukp.errors import plural

AGENTS: tuple[str, ...] = ("ai_agent", "person")
#: How the adjudication of passes that agree on everything is recorded (nothing was adjudicated).
NO_DISAGREEMENT = "no disagreement"
LABEL_STUDIO = "label-studio"

#: The original gold (documents 000–004): passes A–D written by AI agents, adjudicated in two rounds.
ORIGINAL_DATE = "2026-11-22"
ORIGINAL_ADJUDICATION = ("annotations/adjudication.jsonl: round 1, A vs B; round 2, the gold vs C and D; then "
                         "reviewed errata")
_ORIGINAL_PASSES = (("A", "guidelines"), ("B", "guidelines"), ("C", "scheme only"), ("D", "scheme only"))


def original_provenance() -> dict[str, Any]:
    """The provenance of a document of the original gold (built by ``rukp annotations adjudicate``)."""
    return {"passes": [{"name": name, "annotator": f"Claude subagent ({condition})", "agent": "ai_agent",
                        "tool": "raw JSON files"} for name, condition in _ORIGINAL_PASSES],
            "adjudication": ORIGINAL_ADJUDICATION, "date": ORIGINAL_DATE}


def label_studio_annotator(completed_by: Any) -> str:
    """Label Studio's ``completed_by`` (a user id, or an object with an e-mail) as an annotator name."""
    if isinstance(completed_by, Mapping):
        completed_by = completed_by.get("email") or completed_by.get("id")
    return f"Label Studio user {completed_by}" if isinstance(completed_by, int) else str(completed_by or "unknown")


def label_studio_provenance(annotations: list[Mapping[str, Any]], *, agent: str, adjudication: str | None
                            ) -> dict[str, Any]:
    """Provenance of a document imported from Label Studio: one pass per completed annotation used."""
    dates = sorted(str(a.get("updated_at") or a.get("created_at") or "")[:10] for a in annotations)
    return {"passes": [{"name": f"annotation {a.get('id')}", "annotator": label_studio_annotator(a.get("completed_by")),
                        "agent": agent, "tool": LABEL_STUDIO} for a in annotations],
            "adjudication": adjudication, "date": dates[-1] if dates and dates[-1] else None}


_TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times"}


def _who(passes: list[Mapping[str, Any]]) -> str:
    agents = {p.get("agent") for p in passes}
    if len(passes) == 1:
        return "an AI agent" if agents == {"ai_agent"} else "one person"
    if agents == {"ai_agent"}:
        return "AI agents"
    return "people" if agents == {"person"} else "people and AI agents"


def _how(provenance: Mapping[str, Any] | None) -> str:
    if not provenance or not provenance.get("passes"):
        return "with no recorded provenance"
    passes = provenance["passes"]
    tools = {p.get("tool") for p in passes}
    where = " in Label Studio" if tools == {LABEL_STUDIO} else ""
    if len(passes) == 1:
        return f"annotated once, by {_who(passes)}{where} (single-annotated)"
    times = _TIMES.get(len(passes), f"{len(passes)} times")
    how = provenance.get("adjudication") or ""
    adjudicated = ("agreeing on everything" if how.startswith(NO_DISAGREEMENT) else "adjudicated" if how
                   else "not adjudicated")
    return f"annotated {times} independently by {_who(passes)}{where} and {adjudicated}"


def provenances(manifest: Mapping[str, Any]) -> dict[str, Mapping[str, Any] | None]:
    """Each annotated document's provenance record (None where the manifest records none)."""
    documents = manifest.get("documents") if isinstance(manifest, Mapping) else None
    return {d: (e.get("provenance") if isinstance(e, Mapping) else None)
            for d, e in sorted((documents or {}).items())}


def describe(manifest: Mapping[str, Any]) -> str:
    """The corpus's annotation in one sentence, grouped by how documents were made, e.g. "5 documents annotated
    four times independently by AI agents and adjudicated; 1 document annotated once, by one person in Label
    Studio (single-annotated)"."""
    groups = Counter(_how(p) for p in provenances(manifest).values())
    if not groups:
        return "no document annotated yet"
    return "; ".join(f"{plural(n, 'documents')} {how}" for how, n in groups.most_common())


def all_ai_agents(manifest: Mapping[str, Any]) -> bool:
    """True when every recorded pass of every document was made by an AI agent."""
    passes = [p for prov in provenances(manifest).values() for p in (prov or {}).get("passes", [])]
    return bool(passes) and all(p.get("agent") == "ai_agent" for p in passes)
