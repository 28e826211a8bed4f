"""Side files of a report's detail: per-document rows (``--per-document``) and span outcomes (``--outcomes``).

Both are flat tables with the same columns in either format: JSON Lines (one object per row, written as a
stream) or Parquet (via pyarrow) when the file name ends in ``.parquet``. Columns are described in
``docs/report-schema.md``. The rows come from the report's columnar tables; nothing is scored again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rukp.evaluation.detail import OUTCOME_COLUMNS
from rukp.io.atomic import open_output
from rukp.scoring.schemes import OUTCOMES

#: Rows formatted (JSON Lines) or converted (Parquet) at a time: memory stays flat however many rows there are.
BATCH = 50_000

def _parquet(path: str | Path) -> bool:
    return str(path).lower().endswith(".parquet")


def _write(blocks: Iterable[dict[str, list]], names: Sequence[str], types: dict[str, str],
           path: str | Path) -> None:
    """Write column blocks (each ``{name: values}``, every name present) as JSON Lines or Parquet."""
    if _parquet(path):
        import pyarrow as pa
        import pyarrow.parquet as pq

        kinds = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
        schema = pa.schema([(k, kinds[types[k]]) for k in names])
        with open_output(path, "wb") as fh, pq.ParquetWriter(fh, schema) as writer:
            for block in blocks:
                writer.write_table(pa.table({k: pa.array(block[k], type=schema.field(k).type) for k in names},
                                            schema=schema))
        return
    encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    with open_output(path, "w") as fh:
        for block in blocks:
            fh.write("".join(encode(dict(zip(names, row, strict=True))) + "\n"
                             for row in zip(*(block[k] for k in names), strict=True)))


def write_per_document(report: Any, path: str | Path) -> None:
    """One row per gold document: ``doc_id`` and its figures (:meth:`Report.per_document_columns`)."""
    columns = report.per_document_columns()
    names = list(columns)
    types = {k: "string" if k == "doc_id" else "float" if k.rsplit(".", 1)[-1] in ("precision", "recall", "f1")
             else "int" for k in names}
    n = len(columns["doc_id"])
    blocks = ({k: v[lo:lo + BATCH] for k, v in columns.items()} for lo in range(0, n, BATCH))
    _write(blocks, names, types, path)


def _entity_block(table: Any, view: str) -> dict[str, list]:
    """Outcome rows of one slice of an entity outcome table, as columns."""
    scores = table.scores
    labels = np.asarray([*scores.labels, None], dtype=object)
    ids = np.asarray([*scores.data.entity_ids, None], dtype=object)
    n = len(table)
    cols: dict[str, list] = {"kind": ["entity"] * n, "view": [view] * n,
                             "doc_id": np.asarray(scores.doc_ids, dtype=object)[table.doc].tolist(),
                             "outcome": np.asarray(OUTCOMES, dtype=object)[table.outcome].tolist()}
    for which in ("gold", "pred"):
        side = table.side(which)
        absent = ~side["present"]
        for key in ("start", "end"):
            values = side[key].astype(object)
            values[absent] = None
            cols[f"{which}_{key}"] = values.tolist()
        cols[f"{which}_label"] = labels[side["label"]].tolist()  # -1 picks the trailing None
        cols[f"{which}_entity_id"] = ids[side["entity"]].tolist()
        cols[f"{which}_text"] = table.text(which)
    for key in ("jaccard", "claimer_correct", "gold_claim", "pred_claim"):
        cols[key] = [None] * n
    return cols


def _claim_block(report: Any, outcomes: Sequence[Any]) -> dict[str, list]:
    cols: dict[str, list] = {k: [None] * len(outcomes) for k in OUTCOME_COLUMNS}
    cols["kind"] = ["claim"] * len(outcomes)
    for i, o in enumerate(outcomes):
        row = report.claim_outcome_row(o)
        cols["doc_id"][i], cols["outcome"][i] = row["doc_id"], row["outcome"]
        cols["jaccard"][i], cols["claimer_correct"][i] = row["jaccard"], row["claimer_correct"]
        for which in ("gold", "pred"):
            claim = row[which]
            if claim is not None:
                cols[f"{which}_start"][i], cols[f"{which}_end"][i] = claim["start"], claim["end"]
                cols[f"{which}_text"][i] = claim.get("text")
                cols[f"{which}_claim"][i] = json.dumps(claim, ensure_ascii=False)
    return cols


def outcome_blocks(report: Any, batch: int = BATCH) -> Iterator[dict[str, list]]:
    """The outcome rows of every view, then of the claims, in blocks of at most ``batch`` rows
    (columns :data:`OUTCOME_COLUMNS`)."""
    for name in report.views:
        table = report.outcomes_table(name)
        for lo in range(0, len(table), batch):
            yield _entity_block(table.slice(lo, lo + batch), name)
    outcomes = report.claims.outcomes if report.claims is not None else []
    for lo in range(0, len(outcomes), batch):
        yield _claim_block(report, outcomes[lo:lo + batch])


def write_outcomes(report: Any, path: str | Path) -> None:
    """One row per span outcome (every view), then per claim outcome (:data:`OUTCOME_COLUMNS`)."""
    types = {k: "int" if k.endswith(("_start", "_end")) else "float" if k == "jaccard" else
             "bool" if k == "claimer_correct" else "string" for k in OUTCOME_COLUMNS}
    _write(outcome_blocks(report), OUTCOME_COLUMNS, types, path)
