"""Render the generated blocks of DATASHEET.md and the card body of README.md, between their markers.

DATASHEET.md is prose written by hand with generated blocks (``<!-- NAME:start -->`` … ``<!-- NAME:end -->``);
README.md gets one generated block, ``card``. :data:`DATASHEET_BLOCKS` lists every block and its renderer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rukp import __version__, schema
from rukp.docs import tables
from rukp.docs.card import card_body
from rukp.docs.citation import Citation
from rukp.docs.figures import Figures
from rukp.docs.markers import replace_block

DATASHEET_FILE = "DATASHEET.md"
README_FILE = "README.md"
CARD_BLOCK = "card"


def _versions(fig: Figures) -> str:
    return tables.table(["what", "version"], [
        ["dataset and harness (`rukp.__version__`)", __version__],
        ["annotation scheme (`rukp.schema.SCHEME_VERSION`)", schema.SCHEME_VERSION],
        ["annotation guidelines (`annotations/GUIDELINES.md`)", fig.guidelines_version],
        ["guidelines and scheme recorded with the gold (`annotations/manifest.json`)",
         f"{fig.manifest.get('guidelines', 'n/a')} / {fig.manifest.get('scheme', 'n/a')}"
         if fig.manifest else "n/a (no gold annotations yet)"],
    ])


def _figures(fig: Figures) -> str:
    return "\n\n".join([
        "**Per document and in total**\n\n" + tables.composition_table(fig),
        "**Kept sections per kind**\n\n" + tables.sections_table(fig),
        "**Entity mentions per type**\n\n" + tables.mentions_table(fig),
        "**Canonical entities (the `kb` config)**\n\n" + tables.kb_table(fig),
        "**Claims per field value**\n\n" + tables.claims_table(fig),
        "**Claim clusters**\n\n" + tables.clusters_table(fig),
        "**Claim relations**\n\n" + tables.relations_table(fig),
    ])


#: Every generated block of DATASHEET.md, in document order, with its renderer.
DATASHEET_BLOCKS: dict[str, Callable[[Figures], str]] = {
    "versions": _versions,
    "figures": _figures,
    "artefacts": tables.artefacts_table,
    "sources": tables.sources_table,
    "dates": tables.dates_table,
    "rules": tables.rules_table,
    "dropped": tables.dropped_table,
    "provenance": tables.provenance_table,
    "agreement": tables.agreement_block,
    "adjudication": tables.adjudication_block,
    "errata": tables.errata_table,
}


def render_datasheet(text: str, fig: Figures, *, path: str | Path = DATASHEET_FILE) -> str:
    """``text`` (the current DATASHEET.md) with every generated block re-rendered."""
    for name, render in DATASHEET_BLOCKS.items():
        text = replace_block(text, name, render(fig), path=path)
    return text


def render_readme(text: str, fig: Figures, citation: Citation, views: dict[str, list[dict[str, Any]]], *,
                  path: str | Path = README_FILE) -> str:
    """``text`` (the current README.md) with the card body re-rendered between the ``card`` markers."""
    return replace_block(text, CARD_BLOCK, card_body(fig, citation, views), path=path)
