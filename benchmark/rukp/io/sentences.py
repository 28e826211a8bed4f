"""Sentence offsets of a gold document: given in the file, or split from its text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rukp.io.checks import offset_problem


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets of a gold text that gives none (spaCy's French sentences, line by line)."""
    from rukp.dataset.tokenize import sentences

    return [(s.start, s.end) for s in sentences(text)]


def sentence_offsets(obj: Mapping[str, Any], text: str | None, report: Any, *, line: int, doc: str
               ) -> list[tuple[int, int]] | None:
    raw = obj.get("sentences")
    if raw is None:
        return split_sentences(text) if text is not None else None
    if not isinstance(raw, list):
        report("wrong_type", f"'sentences' must be a list, got {type(raw).__name__}", line=line, doc=doc)
    out = []
    for k, s in enumerate(raw):
        bad = offset_problem(s, f"sentence {k}", len(text) if text is not None else None) if isinstance(s, dict) \
            else ("wrong_type", f"sentence {k}: expected an object, got {type(s).__name__}")
        if bad:
            report(*bad, line=line, doc=doc)
        out.append((s["start"], s["end"]))
    return sorted(out)
