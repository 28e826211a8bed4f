"""``rukp evaluate``: score an extractor or a predictions file (or compare two) and write the reports."""

from __future__ import annotations

from pathlib import Path

import typer

from rukp.defaults import DEFAULT_RESAMPLES, DEFAULT_SHUFFLES, DEFAULT_THRESHOLD
from rukp.errors import RukpError


def evaluate_cmd(
    extractor: str = typer.Option(None, "--extractor", "-e",
                                  help="Extractor spec: spacy:fr_core_news_md, a registered name, module:attr."),
    predictions: Path = typer.Option(None, "--predictions", "-p",
                                     help="Predictions file: JSONL, CoNLL BIO (.conll/.bio/.iob/.tsv) or a Label "
                                          "Studio JSON export."),
    compare: tuple[str, str] | None = typer.Option(None, "--compare", metavar="A B",
                                            help="Compare two systems (predictions files or extractor specs)."),
    gold: Path = typer.Option(None, "--gold", help="Gold documents JSONL (default: the bundled gold)."),
    view: list[str] = typer.Option(["fine"], "--view", help="Entity view: fine or coarse (repeat for both)."),
    label_map: str = typer.Option(None, "--label-map",
                                  help="'spacy' or a JSON/YAML file mapping system labels to view labels."),
    scheme: str = typer.Option("strict", "--scheme", help="Headline scheme: strict, exact, partial, ent_type."),
    min_overlap: float = typer.Option(0.0, "--min-overlap", help="Minimum character Jaccard of an entity match."),
    claim_threshold: float = typer.Option(DEFAULT_THRESHOLD, "--claim-threshold",
                                          help="Minimum token Jaccard of a claim match."),
    nervaluate_compatible: bool = typer.Option(False, "--nervaluate-compatible",
                                               help="Entity counts exactly as nervaluate 1.2.1 computes them."),
    bootstrap: int = typer.Option(DEFAULT_RESAMPLES, "--bootstrap", help="Bootstrap resamples (0: no intervals)."),
    shuffles: int = typer.Option(DEFAULT_SHUFFLES, "--shuffles", help="Approximate-randomisation shuffles."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap and the shuffles."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid",
                                      help="Leave out invalid items, count and report them, instead of stopping."),
    no_claims: bool = typer.Option(False, "--no-claims", help="Do not score claims."),
    no_entities: bool = typer.Option(False, "--no-entities", help="Do not score entities."),
    json_out: Path = typer.Option(None, "--json", help="Write the JSON report here."),
    markdown_out: Path = typer.Option(None, "--markdown", help="Write Markdown tables here."),
    plot_out: Path = typer.Option(None, "--plot", help="Write a PNG of per-type F1 with intervals here."),
    diff_out: Path = typer.Option(None, "--diff", help="Write a readable per-document diff here."),
    per_document_out: Path = typer.Option(None, "--per-document",
                                          help="Write per-document figures here (JSONL, or Parquet for .parquet)."),
    outcomes_out: Path = typer.Option(None, "--outcomes",
                                      help="Write every span and claim outcome here (JSONL, or Parquet for .parquet)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No terminal tables."),
) -> None:
    """Score predictions or an extractor against the gold: entities (per view and scheme) and claims."""
    from rukp.evaluation import compare as compare_fn
    from rukp.evaluation import evaluate as evaluate_fn
    from rukp.reports import detail, diff, json_report, markdown, plot, terminal

    given = [x for x in (extractor, predictions, compare) if x is not None]
    if len(given) != 1:
        raise RukpError("give exactly one of --extractor, --predictions or --compare A B")
    options = dict(gold=gold, view=view, label_map=label_map, scheme=scheme, min_overlap=min_overlap,
                   claim_threshold=claim_threshold, nervaluate_compatible=nervaluate_compatible,
                   bootstrap=bootstrap, seed=seed, skip_invalid=skip_invalid, entities=not no_entities,
                   claims=not no_claims, progress=not quiet)
    if compare is not None:
        result = compare_fn(compare[0], compare[1], shuffles=shuffles, **options)
    else:
        result = evaluate_fn(extractor if extractor is not None else predictions, **options)
    side_files = {k: p for k, p in (("per_document", per_document_out), ("outcomes", outcomes_out)) if p is not None}
    if side_files and compare is not None:
        raise RukpError("--per-document and --outcomes write one system's detail; use them without --compare")
    if not quiet:
        terminal.render(result)
    for key, path in side_files.items():
        (detail.write_per_document if key == "per_document" else detail.write_outcomes)(result, path)
        typer.echo(f"wrote {path}", err=True)
    if json_out is not None:
        json_report.write(result, json_out, side_files={k: str(p) for k, p in side_files.items()})
        typer.echo(f"wrote {json_out}", err=True)
    for path, renderer in ((markdown_out, markdown), (plot_out, plot), (diff_out, diff)):
        if path is not None:
            renderer.write(result, path)
            typer.echo(f"wrote {path}", err=True)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_cmd)
