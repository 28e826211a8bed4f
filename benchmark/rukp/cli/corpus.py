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
    authors: list[str] = typer.Option(None, "--author", help="An author (repeat for several; default: the "
                                                              "names of the page's bylines, « Par Claire Dubois »)."),
    outlet: str = typer.Option(None, "--outlet", help="The outlet that published the article (default: null)."),
    title: str = typer.Option(None, "--title", help="The line of the article that is its title (default: the "
                                                     "first kept line that is not a caption or byline)."),
    drop: list[str] = typer.Option(None, "--drop", metavar="LINE",
                                   help="Drop this line of the article as page furniture that no rule knows "
                                        "(repeat for several; logged with rule 'maintainer')."),
    root: Path = typer.Option(None, "--root", help="Repository root (default: this checkout)."),
) -> None:
    """Add a raw article to seeds/ (next free id, manifest, metadata) and rebuild corpus/."""
    from rukp.corpus.add import add_article

    check_root(root)
    added = add_article(file, date=date, date_evidence=date_evidence, authors=authors or (), outlet=outlet,
                        title=title, drop=drop or (), root=root)
    doc = added.document
    typer.echo(f"added seeds/{added.seed_file} as document {doc['id']} "
               f"(title {quote(doc['title'])}); corpus/ rebuilt ({len(added.documents)} documents)")
    typer.echo(f"authors: {', '.join(doc['authors']) or 'none'}; outlet: {doc['outlet'] or 'none'}; "
               f"{len(doc['dropped'])} line(s) dropped as furniture")
    for d in doc["dropped"]:
        typer.echo(f"  dropped ({d['rule']}): {quote(d['text'], 60)}")


def register(app: typer.Typer) -> None:
    app.add_typer(corpus_app, name="corpus", short_help="Build the corpus from seeds/, add articles.")
