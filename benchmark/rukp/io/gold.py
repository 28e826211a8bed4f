"""The gold loader: a documents JSONL (``text`` optional) read and validated into a :class:`~rukp.io.model.Gold`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rukp.errors import quote
from rukp.io.checks import (
    Presence,
    checked_claims,
    entity_rows,
    exclusive_ends,
    gold_items,
    json_lines,
    list_field,
)
from rukp.io.jsonl import read_bytes, read_text
from rukp.io.model import Gold, GoldDocument, Problems, SpanColumns
from rukp.io.sentences import sentence_offsets
from rukp.scoring.claims.model import Claim


def load_gold(path: str | Path, *, entities: bool | None = None, claims: bool | None = None,
              inclusive_ends: bool = False, skip_invalid: bool = False) -> Gold:
    """Read and validate a gold file in the ``documents`` format (``text`` optional).

    ``entities``/``claims`` None: read when the file has them (every line or none, else an error naming the
    first line that differs; :class:`~rukp.io.checks.Presence`); True demands them, False skips them.
    Documents without ``sentences`` are split by the rule splitter (:mod:`rukp.io.sentences`).

    Checked: JSON, ``id`` present, unique and a string; ``entities`` (when scored) with integer offsets,
    ``0 <= start < end`` (``<= len(text)`` when there is text), a string label, no overlap; ``claims`` (when
    scored) likewise, with attributes from the schema; an item's ``id``, when given, used once in the file,
    and its ``text``, when given, equal to the document's text at its offsets (``skip_invalid``: an item whose
    text differs is left out and listed in :attr:`Gold.skipped`, every other problem is still an error).
    Labels are checked against the view when scoring.
    Large files are read by the columnar fast path (:mod:`rukp.io.columnar`) when it can vouch for them.
    """
    from rukp.io import columnar

    path = Path(path)
    fast = None if inclusive_ends else columnar.load_gold(path, entities=entities, claims=claims)
    if fast is not None:
        return fast
    report, mismatch = Problems(False, path), Problems(skip_invalid, path)
    item_ids: dict[str, dict[str, tuple[int, str]]] = {"entity": {}, "claim": {}}
    has_entities, has_claims = Presence("entities", entities, report), Presence("claims", claims, report)
    documents: list[GoldDocument] = []
    columns = SpanColumns()
    seen: dict[str, int] = {}
    content = read_text(path)
    for line, obj in json_lines(path, report, content):
        doc_id = obj.get("id")
        if "id" not in obj:
            report("missing_field", "missing field 'id'", line=line)
        if not isinstance(doc_id, str) or not doc_id:
            report("wrong_type", f"'id' must be a non-empty string, got {quote(doc_id)}", line=line)
        if doc_id in seen:
            report("duplicate_document", f"duplicate document id {quote(doc_id)} (first on line {seen[doc_id]})",
                   line=line, doc=doc_id)
        seen[doc_id] = line
        text = obj.get("text")
        if text is not None and not isinstance(text, str):
            report("wrong_type", f"'text' must be a string, got {type(text).__name__}", line=line, doc=doc_id)
        n_chars = len(text) if text is not None else None
        pos = len(documents)
        if has_entities(obj, line=line, doc=doc_id):
            ents = list_field(obj, "entities", report, line=line, doc=doc_id)
            if inclusive_ends:
                ents = exclusive_ends(ents)
            ents, index = gold_items(ents, "entity", text, item_ids["entity"], report, mismatch, line=line,
                                     doc=doc_id)
            columns.extend(pos, entity_rows(ents, n_chars, report, line=line, doc=doc_id, side="gold",
                                            index=index), line)
        doc_claims: list[Claim] = []
        if has_claims(obj, line=line, doc=doc_id):
            raw = list_field(obj, "claims", report, line=line, doc=doc_id)
            raw, index = gold_items(raw, "claim", text, item_ids["claim"], report, mismatch, line=line, doc=doc_id)
            doc_claims = checked_claims(raw, n_chars, report, line=line, doc=doc_id, side="gold", index=index)
        sents = sentence_offsets(obj, text, report, line=line, doc=doc_id)
        documents.append(GoldDocument(doc_id, line, text, sents, doc_claims))
    sha256 = hashlib.sha256(read_bytes(path)).hexdigest()  # the file's bytes (a byte-order mark included)
    return Gold(str(path), sha256, documents, columns, has_entities.present, has_claims.present,
                skipped=mismatch.items)


def attach_tokens(gold: Gold, ner_path: str | Path) -> None:
    """Give each gold document the token offsets of a ``ner.jsonl`` written with it (the bundled gold's), so
    that claims are scored in tokens without loading the tokenizer. Only documents whose tokens all lie in
    their text get them."""
    import numpy as np

    ner_path = Path(ner_path)
    if not ner_path.is_file():
        return
    by_doc: dict[str, tuple[list[int], list[int]]] = {}
    for _, row in json_lines(ner_path, Problems(False, ner_path)):
        starts, ends = by_doc.setdefault(str(row.get("doc_id")), ([], []))
        starts.extend(row.get("token_starts") or [])
        ends.extend(row.get("token_ends") or [])
    for doc in gold.documents:
        found = by_doc.get(doc.id)
        if found is None or doc.text is None or not found[0] or len(found[0]) != len(found[1]):
            continue
        starts, ends = np.asarray(found[0], dtype=np.int64), np.asarray(found[1], dtype=np.int64)
        if (starts >= 0).all() and (ends <= len(doc.text)).all() and (starts < ends).all() \
                and (np.diff(starts) > 0).all():
            doc.tokens = (starts, ends)
