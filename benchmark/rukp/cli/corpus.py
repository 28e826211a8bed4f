"""``rukp corpus build [--check]`` and ``rukp corpus add FILE``."""

from __future__ import annotations

from pathlib import Path

import typer

from rukp.cli._common import check_root, report_build
from rukp.errors import quote

corpus_app = typer.Typer(help="Build the corpus from seeds/, check it is fresh, add new articles.",
                         no_args_is_help=True)


@corpus_app.command("build")
def build_cmd(
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if corpus/ is stale."),
    root: Path = typer.Option(None, "--root", help="Repository root (default: this checkout)."),
) -> None:
    """Turn each seed into one corpus document (editorial text, sections with provenance, metadata)."""
    from rukp.corpus.build import build

    check_root(root)
    result = build(root, check=check)
    n = len(result.documents)
    report_build(result.stale, check=check, what="corpus/", command="rukp corpus build",
                 fresh=f"corpus/ is up to date ({n} documents)",
                 built=f"built {n} documents; {len(result.stale)} file(s) written")


@corpus_app.command("add")
def add_cmd(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Raw article (UTF-8 text) to add."),
    date: str = typer.Option(None, "--date", help="Publication date YYYY-MM-DD (default: null)."),
    date_evidence: str = typer.Option(None, "--date-evidence", help="Verbatim passage of the text that dates it."),
    root: Path = typer.Option(None, "--root", help="Repository root (default: this checkout)."),
) -> None:
    """Add a raw article to seeds/ (next free id, manifest, metadata) and rebuild corpus/."""
    from rukp.corpus.add import add_article

    check_root(root)
    added = add_article(file, date=date, date_evidence=date_evidence, root=root)
    typer.echo(f"added seeds/{added.seed_file} as document {added.document['id']} "
               f"(title {quote(added.document['title'])}); corpus/ rebuilt ({len(added.documents)} documents)")


def register(app: typer.Typer) -> None:
    app.add_typer(corpus_app, name="corpus")
