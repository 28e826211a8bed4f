"""What an evaluation scores, inferred: a task (entities, claims) is scored when it is not turned off and both
the gold and the predictions have it; otherwise the report says why (:data:`STATES`)."""

from __future__ import annotations

from collections.abc import Sequence

from rukp.errors import RukpError
from rukp.evaluation.options import Options
from rukp.io.model import Gold, Predictions

#: What can happen to a task: scored, turned off (``claims=False``, ``--no-claims``), absent from the gold,
#: absent from the predictions, or (in a comparison) predicted by one system only.
STATES: tuple[str, ...] = ("scored", "not requested", "no gold", "not predicted", "not compared")
#: ``sentences`` is claim detection at sentence level: predicted by a ``sentences`` key or by claim spans
#: (projected onto sentences), turned off with claims, and needing gold claims and gold sentences.
TASKS: tuple[str, ...] = ("entities", "claims", "sentences")


def _has(p: Predictions, task: str) -> bool:
    return p.has_sentences or p.has_claims if task == "sentences" else getattr(p, f"has_{task}")


def _gold_has(gold: Gold, task: str) -> bool:
    if task == "sentences":
        return gold.has_claims and all(d.sentences is not None for d in gold.documents)
    return getattr(gold, f"has_{task}")


def reader_scope(opts: Options, gold: Gold) -> dict[str, bool | None]:
    """What the prediction readers are asked for: nothing the gold lacks, else the option (None: infer)."""
    return {"entities": False if not gold.has_entities else opts.entities,
            "claims": False if not gold.has_claims else opts.claims}


def infer_scope(opts: Options, gold: Gold, predictions: Sequence[Predictions]) -> dict[str, str]:
    """The state of each task (:data:`STATES`); all of ``predictions`` (a comparison) must have a task for it
    to be scored. Nothing left to score is an error saying why."""
    scope = {}
    for task in TASKS:
        has = [_has(p, task) for p in predictions]
        if getattr(opts, "claims" if task == "sentences" else task) is False:
            scope[task] = "not requested"
        elif task == "sentences" and gold.has_claims and not any(has):  # as for claims, whatever else the gold lacks
            scope[task] = "not predicted"
        elif not _gold_has(gold, task):
            scope[task] = "no gold"
        elif not any(has):
            scope[task] = "not predicted"
        elif not all(has):
            scope[task] = "not compared"
        else:
            scope[task] = "scored"
    if "scored" not in scope.values():
        why = "; ".join(f"{task}: {state}" for task, state in scope.items()
                        if task != "sentences" or state != scope["claims"])  # said once, for claims
        sources = " and ".join(p.source for p in predictions)
        raise RukpError(f"nothing to score ({why}): the gold {gold.path} and the predictions {sources} share no "
                        "task")
    return scope
