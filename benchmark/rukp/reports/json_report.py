"""The JSON report (contract: ``docs/report-schema.md``), written atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rukp.io.atomic import write_text_atomic


def write(obj: Any, path: str | Path) -> None:
    """Write a report's or a comparison's ``to_json()`` to ``path``."""
    write_text_atomic(path, obj.to_json())
