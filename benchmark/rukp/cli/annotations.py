"""``rukp annotations …``: the annotation pipeline (resolve a pass, adjudicate, review, rebuild check)."""

from __future__ import annotations

from pathlib import Path

import typer

annotations_app = typer.Typer(help="Annotation pipeline: resolve raw passes, adjudicate, review, rebuild.",
                              no_args_is_help=True)


@annotations_app.command("resolve")
def resolve_cmd(pass_dir: Path = typer.Argument(..., help="A raw pass folder, e.g. annotations/raw/A.")) -> None:
    """Compute offsets for a raw pass (surface strings) and report what cannot be placed."""
    from rukp.annotations.resolve import main

    raise typer.Exit(main([str(pass_dir)]))


@annotations_app.command("adjudicate")
def adjudicate_cmd(step: str = typer.Argument(..., help="keys, items or build")) -> None:
    """Round 1: align passes A and B, list disagreements, apply decisions (see the module docstring)."""
    from rukp.annotations.adjudicate import main

    raise typer.Exit(main([step]))


@annotations_app.command("review")
def review_cmd(step: str = typer.Argument(..., help="items or apply")) -> None:
    """Round 2: review the gold against the scheme-only passes C and D and the round-1 flags."""
    from rukp.annotations.review import main

    raise typer.Exit(main([step]))


@annotations_app.command("rebuild")
def rebuild_cmd(
    write: bool = typer.Option(False, "--write", help="Replace the gold files with the rebuilt ones."),
    root: Path = typer.Option(None, "--root", help="Repository root (default: this checkout)."),
) -> None:
    """Rebuild the gold from raw passes + decisions + errata + import layers in a scratch copy (hand-curated kb and
    cluster fields are kept); exit 1 if it differs."""
    from rukp.annotations.rebuild import rebuild_differences
    from rukp.cli._common import check_root

    check_root(root)
    diffs = rebuild_differences(root, write=write)
    for d in diffs:
        typer.echo(f"{'rewritten' if write else 'differs'}: {d}")
    if write:
        typer.echo("gold rebuilt from annotations/raw/, the decisions, the errata and the import layers "
                   "(hand-curated kb and cluster fields kept)")
        return
    if diffs:
        typer.secho("the gold does not rebuild from the raw passes and decisions", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo("the gold rebuilds exactly from annotations/raw/ and the recorded decisions")


def register(app: typer.Typer) -> None:
    app.add_typer(annotations_app, name="annotations", short_help="Resolve, adjudicate, review, rebuild the gold.")
