"""``rukp dataset build [--check]``: regenerate the dataset views and the README's YAML header."""

from __future__ import annotations

from pathlib import Path

import typer

from rukp.cli._common import check_root, report_build

dataset_app = typer.Typer(help="Build the Hugging Face dataset views from corpus/ and annotations/.",
                          no_args_is_help=True)


@dataset_app.command("build")
def build_cmd(
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if a view or the card is stale."),
    root: Path = typer.Option(None, "--root", help="Repository root (default: this checkout)."),
) -> None:
    """Write benchmark/rukp/data/<config>.jsonl for every config and the README's dataset_info."""
    from rukp.dataset.build import build_dataset

    check_root(root)
    result = build_dataset(root, check=check)
    sizes = ", ".join(f"{k}={len(v)}" for k, v in result.views.items())
    report_build(result.stale, check=check, what="dataset views", command="rukp dataset build",
                 fresh=f"dataset views are up to date ({sizes})",
                 built=f"dataset views built ({sizes}); {len(result.stale)} file(s) written")


def register(app: typer.Typer) -> None:
    app.add_typer(dataset_app, name="dataset", short_help="Build the Hugging Face dataset views.")
