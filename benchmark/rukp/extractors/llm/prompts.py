"""Prompt templates: the versioned files shipped in ``prompts/`` or a user's file, and the JSON schemas.

A template file is the system message, a line ``=== user ===``, then the user message, in which ``{{text}}``
stands for the chunk of the document (without the marker the whole file is the user message). Shipped
templates are named ``TASK.VERSION.LANG.txt`` (``entities.v1.fr.txt``); a changed prompt gets a new version.
The template's SHA-256 goes into the cache key and the report, so a reworded prompt never reuses old answers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rukp.errors import RukpError
from rukp.schema import CERTAINTIES, ENTITY_LABELS, POLARITIES, TOPICS

VERSION = "v1"
USER_MARKER = "=== user ==="
PLACEHOLDER = "{{text}}"


@dataclass(frozen=True)
class Template:
    """A prompt for one task (``entities``, ``claims`` or ``both``) with its name and content hash."""

    task: str
    name: str
    system: str
    user: str
    sha256: str

    def messages(self, text: str) -> list[dict[str, str]]:
        """The chat messages asking about ``text``."""
        user = self.user.replace(PLACEHOLDER, text)
        return ([{"role": "system", "content": self.system}] if self.system else []) + [
            {"role": "user", "content": user}]

    @property
    def overhead(self) -> str:
        """The prompt without the document (what a chunk must leave room for)."""
        return self.system + self.user.replace(PLACEHOLDER, "")

    def describe(self) -> dict[str, str]:
        return {"task": self.task, "name": self.name, "sha256": self.sha256}


def parse_template(content: str, *, task: str, name: str, where: str) -> Template:
    """A :class:`Template` from a file's text; a template without ``{{text}}`` is refused."""
    system, sep, user = content.partition(USER_MARKER)
    if not sep:
        system, user = "", content
    if PLACEHOLDER not in user:
        raise RukpError(f"prompt template has no {PLACEHOLDER} placeholder in its user message "
                        f"(after a line {USER_MARKER!r}, or anywhere when there is no such line)", path=where)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    return Template(task, name, system.strip(), user.strip("\n"), digest)


def builtin_template(task: str, lang: str) -> Template:
    """The shipped template of ``task`` (``entities`` or ``claims``) in ``lang`` (``fr`` or ``en``)."""
    name = f"{task}.{VERSION}.{lang}"
    content = resources.files("rukp.extractors.llm").joinpath("prompts", f"{name}.txt").read_text(encoding="utf-8")
    return parse_template(content, task=task, name=name, where=f"rukp/extractors/llm/prompts/{name}.txt")


def load_template(path: Path, task: str) -> Template:
    """A user's template file for ``task`` (``entities``, ``claims`` or ``both``)."""
    try:
        content = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RukpError("prompt template not found", path=path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise RukpError(f"cannot read the prompt template: {e}", path=path) from None
    return parse_template(content, task=task, name=Path(path).name, where=str(path))


def templates(tasks: tuple[str, ...], lang: str, overrides: tuple[tuple[str, Path], ...] = ()) -> list[Template]:
    """The templates a run sends: one per task, or one ``both`` template given by the user."""
    given = dict(overrides)
    if "both" in given:
        if len(given) > 1:
            raise RukpError("give either one template for both tasks (FILE) or one per task "
                            "(entities=FILE, claims=FILE), not both")
        return [load_template(given["both"], "both")]
    return [load_template(given[t], t) if t in given else builtin_template(t, lang) for t in tasks]


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


ENTITY_SCHEMA = _object({"text": {"type": "string"}, "label": {"type": "string", "enum": list(ENTITY_LABELS)}})
CLAIM_SCHEMA = _object({
    "text": {"type": "string"},
    "claimer": {"type": "string"},
    "polarity": {"type": "string", "enum": list(POLARITIES)},
    "certainty": {"type": "string", "enum": list(CERTAINTIES)},
    "topic": {"type": "string", "enum": list(TOPICS)},
})


def schema(task: str) -> dict[str, Any]:
    """JSON schema of the answer to a ``task`` prompt (values from :mod:`rukp.schema`)."""
    keys = ("entities", "claims") if task == "both" else (task,)
    items = {"entities": ENTITY_SCHEMA, "claims": CLAIM_SCHEMA}
    return _object({k: {"type": "array", "items": items[k]} for k in keys})
