"""The gold loader: a documents JSONL (``text`` optional) read and validated into a :class:`~rukp.io.model.Gold`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rukp.io.checks import checked_claims, entity_rows, json_lines, list_field
from rukp.io.jsonl import read_text
from rukp.io.model import Gold, GoldDocument, Problems, SpanColumns
from rukp.io.sentences import sentence_offsets
from rukp.scoring.claims.model import Claim


def load_gold(path: str | Path, *, entities: bool = True, claims: bool = True) -> Gold:
    """Read and validate a gold file in the ``documents`` format (``text`` optional).

    Checked: JSON, ``id`` present, unique and a string; ``entities`` (when scored) with integer offsets,
    ``0 <= start < end`` (``<= len(text)`` when there is text), a string label, no overlap; ``claims`` (when
    scored) likewise, with attributes from the schema. Labels are checked against the view when scoring.
    Large files are read by the columnar fast path (:mod:`rukp.io.columnar`) when it can vouch for them.
    """
    from rukp.io import columnar

    path = Path(path)
    fast = columnar.load_gold(path, entities=entities, claims=claims)
    if fast is not None:
        return fast
    report = Problems(False, path)
    documents: list[GoldDocument] = []
    columns = SpanColumns()
    seen: dict[str, int] = {}
    content = read_text(path)
    for line, obj in json_lines(path, report, content):
        doc_id = obj.get("id")
        if "id" not in obj:
            report("missing_field", "missing field 'id'", line=line)
        if not isinstance(doc_id, str) or not doc_id:
            report("wrong_type", f"'id' must be a non-empty string, got {doc_id!r}", line=line)
        if doc_id in seen:
            report("duplicate_document", f"duplicate document id {doc_id!r} (first on line {seen[doc_id]})",
                   line=line, doc=doc_id)
        seen[doc_id] = line
        text = obj.get("text")
        if text is not None and not isinstance(text, str):
            report("wrong_type", f"'text' must be a string, got {type(text).__name__}", line=line, doc=doc_id)
        n_chars = len(text) if text is not None else None
        pos = len(documents)
        if entities:
            ents = list_field(obj, "entities", report, line=line, doc=doc_id, hint=" (or score with --no-entities)")
            columns.extend(pos, entity_rows(ents, n_chars, report, line=line, doc=doc_id, side="gold"), line)
        doc_claims: list[Claim] = []
        if claims:
            raw = list_field(obj, "claims", report, line=line, doc=doc_id, hint=" (or score with --no-claims)")
            doc_claims = checked_claims(raw, n_chars, report, line=line, doc=doc_id, side="gold")
        sents = sentence_offsets(obj, text, report, line=line, doc=doc_id)
        documents.append(GoldDocument(doc_id, line, text, sents, doc_claims))
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()  # the file's bytes (a byte-order mark included)
    return Gold(str(path), sha256, documents, columns, entities, claims)
