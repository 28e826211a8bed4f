"""A model's answer → text-anchored items: JSON found and checked, each item kept, cleaned or reported.

Models wrap JSON in Markdown fences or a sentence; the object is taken from the first ``{`` to the last ``}``
when the whole answer is not JSON. An answer with no JSON object is :class:`BadAnswer` (an error item for the
document). Items are checked against :mod:`rukp.schema`: an entity without text or with an unknown label is
dropped, a claim attribute outside its allowed values is left out, and each such fix is reported.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rukp.schema import CERTAINTIES, ENTITY_LABELS, POLARITIES, TOPICS

_FENCE = re.compile(r"^\s*```[a-zA-Z]*\s*\n?(.*?)\n?```\s*$", re.S)
ATTRIBUTES: dict[str, tuple[str, ...]] = {"polarity": POLARITIES, "certainty": CERTAINTIES, "topic": TOPICS}


class BadAnswer(Exception):
    """The answer holds no usable JSON object (the message quotes it, truncated)."""


def _shown(content: str, limit: int = 120) -> str:
    flat = " ".join(content.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 3] + "...")


def load_json(content: str) -> Any:
    """The JSON value in a model's answer (fences and surrounding prose tolerated)."""
    text = content.strip()
    m = _FENCE.match(text)
    if m:
        text = m.group(1).strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    except RecursionError:
        raise BadAnswer("the answer nests JSON too deeply to be read") from None
    first, last = text.find("{"), text.rfind("}")
    if first != -1 and last > first:
        try:
            return json.loads(text[first: last + 1])
        except json.JSONDecodeError:
            pass
        except RecursionError:
            raise BadAnswer("the answer nests JSON too deeply to be read") from None
    raise BadAnswer(f"the answer is not JSON: {_shown(content)}" if content.strip() else "the answer is empty")


def _entity(item: Any, k: int, problems: list[str]) -> dict[str, str] | None:
    if not isinstance(item, dict):
        problems.append(f"entity {k}: expected an object, got {type(item).__name__}")
        return None
    text, label = item.get("text"), item.get("label")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"entity {k}: no text")
        return None
    label = label.strip().upper() if isinstance(label, str) else label
    if label not in ENTITY_LABELS:
        problems.append(f"entity {k} ({text[:40]!r}): label {label!r} is not one of {', '.join(ENTITY_LABELS)}")
        return None
    return {"text": text.strip(), "label": label}


def _claim(item: Any, k: int, problems: list[str]) -> dict[str, str] | None:
    if not isinstance(item, dict):
        problems.append(f"claim {k}: expected an object, got {type(item).__name__}")
        return None
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"claim {k}: no text")
        return None
    out = {"text": text.strip()}
    claimer = item.get("claimer")
    if isinstance(claimer, str) and claimer.strip():
        out["claimer"] = claimer.strip()
    for name, allowed in ATTRIBUTES.items():
        value = item.get(name)
        if value is None:
            continue
        value = value.strip().lower() if isinstance(value, str) else value
        if value in allowed:
            out[name] = value
        else:
            problems.append(f"claim {k}: {name} {value!r} is not one of {', '.join(allowed)} (left out)")
    return out


def parse_answer(content: str, task: str) -> tuple[dict[str, list[dict[str, str]]], list[str]]:
    """The items of an answer to a ``task`` prompt, and the problems found (dropped or cleaned items)."""
    value = load_json(content)
    keys = ("entities", "claims") if task == "both" else (task,)
    if isinstance(value, list) and len(keys) == 1:
        value = {keys[0]: value}
    if not isinstance(value, dict):
        raise BadAnswer(f"expected a JSON object with {' and '.join(repr(k) for k in keys)}, "
                        f"got {type(value).__name__}: {_shown(content)}")
    out: dict[str, list[dict[str, str]]] = {}
    problems: list[str] = []
    for key in keys:
        items = value.get(key, [] if task == "both" else None)
        if not isinstance(items, list):
            raise BadAnswer(f"the answer has no list {key!r}: {_shown(content)}")
        check = _entity if key == "entities" else _claim
        out[key] = [x for k, item in enumerate(items) if (x := check(item, k, problems)) is not None]
    return out, problems
