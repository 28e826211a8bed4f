"""Pieces every build command shares: the ``--root`` check and the ``--check`` freshness report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer

from rukp.errors import RukpError


def check_root(root: Path | None) -> None:
    """Fail with one line when ``--root`` was given but is not a folder (before any file in it is looked for)."""
    if root is None or root.is_dir():
        return
    if not root.exists():
        raise RukpError(f"root folder {root} does not exist (--root)")
    raise RukpError(f"--root {root} is a file, not the repository's root folder")


def report_build(stale: Sequence[Path], *, check: bool, what: str, command: str, fresh: str, built: str) -> None:
    """Print a build's outcome; with ``--check`` list the stale files and exit 1 when there are any."""
    if not check:
        typer.echo(built)
        return
    if stale:
        for p in stale:
            typer.echo(f"stale: {p}")
        typer.secho(f"{what} is stale: run `{command}`", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(fresh)
