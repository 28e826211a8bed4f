"""Fast path for reading entity spans from JSONL: pyarrow's multi-threaded JSON reader, checked with numpy.

:func:`load_arrow` reads only ``id``/``doc_id`` and ``entities`` (other fields are skipped) straight into
columnar arrays, then checks every rule the line-by-line loader enforces (:mod:`rukp.io.entity_files`). It
returns None at the first thing it cannot vouch for (a parse error, a null, an unknown label or document, an
empty span...); the caller then runs the line-by-line loader, which either reports the problem with its
file, line and document, or reads the file itself. So both paths accept exactly the same input.

The strict JSON rules of :mod:`rukp.io.jsonl` hold here too (:func:`read_table`): other fields are parsed,
not skipped, so that pyarrow refuses a repeated key at any level; a non-finite number (``NaN``,
``Infinity``, an overflowing literal) anywhere makes the file go to the line-by-line loader; and a line
nested deeper than :data:`~rukp.io.jsonl.MAX_DEPTH` never reaches pyarrow (a byte pre-scan,
:func:`too_deep`), whose parser would overflow its stack.

:func:`read_table`, :func:`int_values`, :func:`string_codes` and :func:`valid_mask` are shared with the
evaluation loaders' fast path (:mod:`rukp.io.columnar`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rukp.io.jsonl import MAX_DEPTH, nesting_depth
from rukp.scoring.tables import EntityData, SpanTable

try:
    import pyarrow as pa
    import pyarrow.json as pa_json
except ImportError:  # pragma: no cover - pyarrow comes with datasets
    pa = None

#: Largest line the fast path reads (pyarrow parses blocks in parallel; a longer line falls back).
BLOCK_SIZE = 32 << 20


def entity_type() -> pa.DataType:
    """The arrow type of one entity span object (other keys of the object are ignored)."""
    return pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()),
                      ("entity_id", pa.string())])


#: Every byte but the openers of arrays and objects and the line end (for :func:`too_deep`).
_NOT_OPENERS = bytes(b for b in range(256) if b not in b"[{\n")


def too_deep(block: bytes) -> bool:
    """Whether a line of ``block`` nests arrays and objects deeper than :data:`MAX_DEPTH`. Cheap: only a line
    with more openers than that can, and only such a line is parsed for its depth."""
    openers = block.translate(None, _NOT_OPENERS)
    if len(openers) - openers.count(b"\n") <= MAX_DEPTH:
        return False
    runs = openers.split(b"\n")
    if max(map(len, runs)) <= MAX_DEPTH:
        return False
    lines = block.split(b"\n")
    return any(len(run) > MAX_DEPTH and nesting_depth(line.decode("utf-8", "replace")) > MAX_DEPTH
               for run, line in zip(runs, lines, strict=True))


def file_too_deep(path: Path, chunk: int = 8 << 20) -> bool:
    """:func:`too_deep` over a whole file, read in chunks cut at line ends."""
    rest = b""
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut and too_deep(block[:cut]):
                return True
            rest = block[cut:]
    return too_deep(rest)


def _non_finite(array: pa.Array) -> bool:
    """Whether a floating-point value anywhere in ``array`` (structs and lists included) is NaN or infinite."""
    kind = array.type
    if pa.types.is_floating(kind):
        values = array.to_numpy(zero_copy_only=False)
        return not np.isfinite(values[valid_mask(array)] if array.null_count else values).all()
    if pa.types.is_struct(kind):
        return any(_non_finite(child) for child in array.flatten())
    if _is_list(kind):
        return _non_finite(array.flatten())
    return False


def _is_list(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)


def read_table(path: Path, fields: list[tuple[str, pa.DataType]], *, block_size: int = BLOCK_SIZE,
               depth_checked: bool = False) -> pa.Table | None:
    """Every JSON line, with ``fields`` read as these types, or None when pyarrow cannot read the file so (a
    parse error, a value of another type, a line longer than a block...) or the strict JSON rules may not hold
    (a repeated key, a non-finite number, deep nesting: see the module docstring). Other fields are parsed
    too (their types inferred), so that pyarrow sees a repeated key wherever it is. Blocks of ``block_size``
    bytes are parsed in parallel. ``depth_checked``: the caller has run :func:`too_deep` over the file."""
    try:
        if not depth_checked and file_too_deep(path):
            return None
        table = pa_json.read_json(
            path, read_options=pa_json.ReadOptions(block_size=block_size),
            parse_options=pa_json.ParseOptions(explicit_schema=pa.schema(fields),
                                               unexpected_field_behavior="infer"))
    except (pa.ArrowException, UnicodeDecodeError, OSError, ValueError):
        return None
    if any(_non_finite(column.combine_chunks()) for column in table.columns if _has_float(column.type)):
        return None
    return table


def _has_float(kind: pa.DataType) -> bool:
    """Whether a type holds floating-point values (inside structs and lists too)."""
    if pa.types.is_floating(kind):
        return True
    if pa.types.is_struct(kind):
        return any(_has_float(kind.field(i).type) for i in range(kind.num_fields))
    if _is_list(kind):
        return _has_float(kind.value_type)
    return False


def release_memory() -> None:
    """Give the JSON parser's freed buffers back to the system."""
    pa.default_memory_pool().release_unused()


def _read(path: Path, id_key: str) -> dict | None:
    """Document ids, span counts and span columns (numpy) of one file, or None."""
    table = read_table(path, [(id_key, pa.string()), ("entities", pa.list_(entity_type()))])
    if table is None:
        return None
    try:
        return _columns(table, id_key)
    except UnicodeDecodeError:  # pyarrow does not check UTF-8 inside strings
        return None
    finally:
        del table
        release_memory()


def _columns(table: pa.Table, id_key: str) -> dict | None:
    ids, entities = table.column(id_key), table.column("entities").combine_chunks()
    if ids.null_count or entities.null_count:
        return None
    flat = entities.flatten()
    if flat.null_count or any(flat.field(k).null_count for k in ("start", "end", "label")):
        return None
    start = int_values(flat.field("start"), np.int64).copy()
    end = int_values(flat.field("end"), np.int64).copy()
    if ((start < 0) | (end <= start)).any():
        return None
    return {"ids": ids.to_pylist(), "counts": np.diff(int_values(entities.offsets, np.int32)).astype(np.int64),
            "start": start, "end": end, "label": string_codes(flat.field("label")),
            "entity": string_codes(flat.field("entity_id"))}


def int_values(array: pa.Array, dtype: type) -> np.ndarray:
    """An integer arrow array's values as a numpy view, nulls not masked (``to_numpy`` imports pandas)."""
    count = len(array) + array.offset
    if count == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=count)[array.offset:]


def string_codes(array: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Dictionary-encode a string array: indices (nulls → -1) and the distinct values."""
    encoded = array.dictionary_encode()
    indices = encoded.indices
    codes = int_values(indices, np.int32).astype(np.int64)
    if indices.null_count:
        codes[~valid_mask(indices)] = -1
    return codes, encoded.dictionary.to_pylist()


def valid_mask(array: pa.Array) -> np.ndarray:
    """Which rows of an arrow array are not null, from its validity bitmap (one bit per row, least
    significant first; pyarrow.compute is not needed)."""
    if not array.null_count:
        return np.ones(len(array), dtype=bool)
    bits = np.unpackbits(np.frombuffer(array.buffers()[0], dtype=np.uint8), bitorder="little")
    return bits[array.offset:array.offset + len(array)].astype(bool)


def load_arrow(gold_path: Path, pred_path: Path, labels: tuple[str, ...],
               allow_missing: bool) -> EntityData | None:
    """Gold and predicted span tables read with pyarrow, or None when the line-by-line loader must decide."""
    if pa is None:
        return None
    gold = _read(gold_path, "id")
    pred = _read(pred_path, "doc_id") if gold is not None else None
    if gold is None or pred is None:
        return None
    index = {doc_id: i for i, doc_id in enumerate(gold["ids"])}
    if len(index) != len(gold["ids"]) or "" in index:
        return None
    try:
        pred_docs = np.fromiter(map(index.__getitem__, pred["ids"]), np.int64, count=len(pred["ids"]))
    except KeyError:
        return None
    if len(np.unique(pred_docs)) != len(pred_docs) or (not allow_missing and len(pred_docs) < len(index)):
        return None
    gold["docs"], pred["docs"] = np.arange(len(index)), pred_docs

    label_index = {label: i for i, label in enumerate(labels)}
    for side in (gold, pred):
        codes, values = side["label"]
        if any(v not in label_index for v in values):
            return None
        lut = np.asarray([label_index[v] for v in values] + [0], dtype=np.int16)
        side["label"] = lut[codes]
    vocab = sorted(set(gold["entity"][1]) | set(pred["entity"][1]))
    if "" in vocab:
        return None
    rank = {v: i for i, v in enumerate(vocab)}
    tables = []
    for side in (gold, pred):
        codes, values = side["entity"]
        lut = np.asarray([rank[v] for v in values] + [-1], dtype=np.int64)  # code -1 (null) → -1
        tables.append(SpanTable.build(np.repeat(side["docs"], side["counts"]), side["start"], side["end"],
                                      side["label"], lut[codes]))
    return EntityData(tuple(gold["ids"]), labels, tuple(vocab), tables[0], tables[1])
