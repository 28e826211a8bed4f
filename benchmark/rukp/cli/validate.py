"""``rukp validate [--root DIR]``: check seeds/, corpus/ and annotations/; exit 1 on any problem."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rukp.cli._common import check_root

RootOption = Annotated[Path | None, typer.Option("--root", help="Repository root (default: this checkout).")]


def validate_cmd(root: RootOption = None) -> None:
    """Check every corpus document and annotation row; each problem names its file, line and what is wrong."""
    from rukp.annotations.validate import check_repo

    check_root(root)
    result = check_repo(root)
    for problem in result.problems:
        typer.echo(problem)
    if result.problems:
        typer.secho(f"{len(result.problems)} problem(s) found", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"valid: {result.summary()}")


def register(app: typer.Typer) -> None:
    app.command("validate", short_help="Check the corpus and every annotation row.")(validate_cmd)
