"""CoNLL BIO predictions (``.conll``, ``.bio``, ``.iob``, ``.iob2``, ``.tsv``), entities only.

One token per line, the token in the first column and its tag (``O``, ``B-X``, ``I-X``) in the last,
separated by spaces or tabs; a blank line ends a sentence. A document starts with a line
``-DOCSTART- <doc_id>`` (or ``# doc_id = <doc_id>``). Tokens are aligned to the gold document's text in
order: each token must appear next, with only whitespace skipped before it, which gives its character
offsets. Tags become spans by seqeval's rules (:func:`rukp.scoring.bio.bio_to_spans`): ``bio="conlleval"``
(seqeval's default, lenient: a stray ``I-X`` starts an entity) or ``bio="iob2"`` (strict: an ``I-X`` that does
not continue a ``B-X`` is dropped); an entity never crosses a sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rukp.errors import RukpError, quote
from rukp.io.checks import normalisation_hint
from rukp.io.jsonl import read_text, split_lines
from rukp.io.model import Gold, Predictions, Problems
from rukp.io.readers.rows import Collector

CONLL_SUFFIXES = (".conll", ".bio", ".iob", ".iob2", ".tsv")


def _conll_documents(path: Path, report: Problems) -> Iterator[tuple[str, int, list[list[tuple[int, str, str]]]]]:
    """``(doc_id, line, sentences)`` with sentences as lists of ``(line, token, tag)``."""
    text = read_text(path)
    doc_id: str | None = None
    doc_line = 0
    sents: list[list[tuple[int, str, str]]] = []
    current: list[tuple[int, str, str]] = []
    seen = False
    for number, raw in split_lines(text):  # "\n" only: line numbers as editors count them
        stripped = raw.strip()
        header = None
        if stripped.startswith("-DOCSTART-"):
            header = stripped[len("-DOCSTART-"):].split()
        elif stripped.startswith("#"):
            key, _, value = stripped[1:].partition("=")
            if key.strip() == "doc_id":
                header = value.split()
            else:
                continue
        if header is not None:
            if current:
                sents.append(current)
            if doc_id is not None:
                yield doc_id, doc_line, sents
            sents, current = [], []
            if not header or header[0] in {"-X-", "O"}:
                raise RukpError("document header has no document id (write '-DOCSTART- <doc_id>')",
                                path=path, line=number)
            doc_id, doc_line = header[0], number
            continue
        if not stripped:
            if current:
                sents.append(current)
            current = []
            continue
        seen = True
        cols = stripped.split()
        if doc_id is None:
            raise RukpError("token before the first '-DOCSTART- <doc_id>' line: name the document first",
                            path=path, line=number)
        if len(cols) < 2:
            raise RukpError(f"expected 'TOKEN TAG', got {quote(stripped)}", path=path, line=number)
        current.append((number, cols[0], cols[-1]))
    if current:
        sents.append(current)
    if doc_id is not None:
        yield doc_id, doc_line, sents
    if not seen and doc_id is None:
        raise RukpError("file is empty (no tokens)", path=path)


def _align(tokens: list[tuple[int, str, str]], text: str, cursor: int, path: Path, doc: str
           ) -> tuple[list[tuple[int, int]], int]:
    offsets = []
    for line, token, _ in tokens:
        at = cursor
        while at < len(text) and text[at].isspace():
            at += 1
        if not text.startswith(token, at):
            found = text[at:at + len(token)]
            # the same characters in another Unicode form (NFC token, NFD text) look identical: say so
            same = next((text[at:j] for j in range(at + 1, min(len(text), at + 3 * len(token)) + 1)
                         if normalisation_hint(token, text[at:j])), None)
            raise RukpError(f"token {quote(token)} does not match the gold text at character {at} "
                            f"(the text has {quote(same or found)})"
                            f"{normalisation_hint(token, same) if same else ''}; tokens must follow the text in "
                            "order", path=path, line=line, doc=doc)
        offsets.append((at, at + len(token)))
        cursor = at + len(token)
    return offsets, cursor


def load_conll(path: str | Path, gold: Gold, *, skip_invalid: bool = False, bio: str = "conlleval") -> Predictions:
    """CoNLL BIO predictions (see the module docstring); entities only."""
    from rukp.scoring.bio import bio_to_spans, parse_tag

    if bio not in ("conlleval", "iob2"):
        raise RukpError(f"bio={bio!r} is not one of conlleval, iob2", path=path)
    mode = "default" if bio == "conlleval" else "iob2"

    path = Path(path)
    report = Problems(skip_invalid, path)
    collector = Collector(gold, report, entities=True, claims=False)
    for doc_id, doc_line, sents in _conll_documents(path, report):
        pos = gold.index.get(doc_id)
        if pos is None or gold.documents[pos].text is None:
            if pos is not None:
                raise RukpError("CoNLL predictions need the gold text to recover character offsets; the gold "
                                f"document {quote(doc_id)} has no 'text'", path=path, line=doc_line, doc=doc_id)
            collector.add({"doc_id": doc_id, "entities": []}, doc_line)  # reports the unknown id
            continue
        text, cursor, entities, lines = gold.documents[pos].text, 0, [], []
        for sent in sents:
            for line, _, tag in sent:
                try:
                    parse_tag(tag)
                except ValueError as e:
                    raise RukpError(str(e), path=path, line=line, doc=doc_id) from None
            offsets, cursor = _align(sent, text, cursor, path, doc_id)
            for span in bio_to_spans([tag for _, _, tag in sent], mode=mode):
                entities.append({"start": offsets[span.start][0], "end": offsets[span.end - 1][1],
                                 "label": span.label})
                lines.append(sent[span.start][0])  # messages about the entity name its first tag's line
        collector.add({"doc_id": doc_id, "entities": entities}, doc_line, item_lines=lines)
    return collector.result(str(path), "conll")
