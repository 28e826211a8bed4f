"""The JSON report (contract: ``docs/report-schema.md``), written atomically."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rukp.io.atomic import write_text_atomic


def write(obj: Any, path: str | Path, *, side_files: Mapping[str, str] | None = None) -> None:
    """Write a report's or a comparison's ``to_json()`` to ``path``; ``side_files`` names where a report's
    per-document rows and outcomes were written instead (``{"per_document"|"outcomes": path}``)."""
    write_text_atomic(path, obj.to_json(side_files=side_files) if side_files else obj.to_json())
