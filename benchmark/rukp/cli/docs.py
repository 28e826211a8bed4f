"""``rukp docs build [--check]``: regenerate DATASHEET.md's figures, the README card body and croissant.json."""

from __future__ import annotations

from pathlib import Path

import typer

from rukp.cli._common import check_root, report_build

docs_app = typer.Typer(help="Generate the documentation (datasheet figures, dataset card body, Croissant).",
                       no_args_is_help=True)


@docs_app.command("build")
def build_cmd(
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if a generated file is stale."),
    root: Path = typer.Option(None, "--root", help="Repository root (default: this checkout)."),
) -> None:
    """Recompute every figure from the data and write DATASHEET.md, README.md (card body) and croissant.json."""
    from rukp.docs.build import build_docs

    check_root(root)
    result = build_docs(root, check=check)
    report_build(result.stale, check=check, what="documentation", command="rukp docs build",
                 fresh=f"documentation is up to date ({len(result.files)} files)",
                 built=f"documentation built; {len(result.stale)} of {len(result.files)} file(s) written")


def register(app: typer.Typer) -> None:
    app.add_typer(docs_app, name="docs", short_help="Generate the documentation.")
