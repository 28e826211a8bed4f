"""``rukp evaluate``: score an extractor or a predictions file (or compare two) and write the reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from rukp.defaults import DEFAULT_RESAMPLES, DEFAULT_SHUFFLES, DEFAULT_THRESHOLD
from rukp.errors import RukpError, printable
from rukp.io.outputs import check_outputs


def evaluate_cmd(
    extractor: str = typer.Option(None, "--extractor", "-e",
                                  help="Extractor spec: spacy:fr_core_news_md, a registered name, module:attr."),
    predictions: Path = typer.Option(None, "--predictions", "-p",
                                     help="Predictions file: JSONL, CoNLL BIO (.conll/.bio/.iob/.iob2/.tsv) or a Label "
                                          "Studio JSON export."),
    compare: tuple[str, str] | None = typer.Option(None, "--compare", metavar="A B",
                                            help="Compare two systems (predictions files or extractor specs)."),
    gold: Path = typer.Option(None, "--gold", help="Gold documents JSONL (default: the bundled gold)."),
    view: list[str] = typer.Option(["fine"], "--view", metavar="VIEW",
                                   help="Entity view: fine or coarse (repeat for both)."),
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
    no_claims: bool = typer.Option(False, "--no-claims", help="Do not score claims (default: scored when the gold "
                                                              "and the predictions have them)."),
    no_entities: bool = typer.Option(False, "--no-entities", help="Do not score entities (default: scored when "
                                                                  "the gold and the predictions have them)."),
    fmt: str = typer.Option("auto", "--format", help="Predictions format: jsonl, conll, labelstudio or "
                                                     "checkthat (CheckThat! task 1 TSV: <doc>-<index> TAB Yes|No "
                                                     "and/or score); auto: by the file's extension."),
    bio: str = typer.Option("auto", "--bio", help="CoNLL chunking: iob2 (strict) or conlleval (lenient); auto: "
                                                  "iob2 for .iob2 files, conlleval otherwise."),
    doc: list[str] = typer.Option(None, "--doc", metavar="ID", help="Score only this document id (repeatable)."),
    inclusive_ends: bool = typer.Option(False, "--inclusive-ends",
                                        help="Entity ends are inclusive (nervaluate's data: one token has start == "
                                             "end); for the gold and JSONL predictions."),
    all_occurrences: bool = typer.Option(False, "--all-occurrences",
                                         help="Project each item given by its text onto every free occurrence of "
                                              "that text (for systems that list each entity once)."),
    json_out: Path = typer.Option(None, "--json", help="Write the JSON report here."),
    markdown_out: Path = typer.Option(None, "--markdown", help="Write Markdown tables here."),
    plot_out: Path = typer.Option(None, "--plot", help="Write a plot of F1 per type with intervals here "
                                                       "(.png, .svg or .pdf)."),
    diff_out: Path = typer.Option(None, "--diff", help="Write a readable per-document diff here."),
    html_out: Path = typer.Option(None, "--html", help="Write the HTML error-analysis page here (self-contained)."),
    html_docs: int = typer.Option(50, "--html-docs", min=1,
                                  help="Documents on the HTML page at most (the worst by F1 first)."),
    per_document_out: Path = typer.Option(None, "--per-document",
                                          help="Write per-document figures here (JSONL, or Parquet for .parquet)."),
    outcomes_out: Path = typer.Option(None, "--outcomes",
                                      help="Write every span and claim outcome here (JSONL, or Parquet for .parquet)."),
    extractor_timeout: float = typer.Option(0, "--extractor-timeout", metavar="SECONDS",
                                            help="Most seconds an extractor may take on one document "
                                                 "(0: no limit); the document that runs past it is named."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No terminal tables."),
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="Per-type tables of every scheme with all outcome counts (shown anyway "
                                      "from 120 columns)."),
    llm_base_url: str = typer.Option(None, "--llm-base-url", help="llm: extractors: the OpenAI-compatible server "
                                     "(default: $OPENAI_BASE_URL), e.g. http://127.0.0.1:8000/v1."),
    llm_concurrency: int = typer.Option(None, "--llm-concurrency", min=1, help="llm: parallel requests (4)."),
    llm_template: list[str] = typer.Option(None, "--llm-template", metavar="[entities=|claims=]FILE",
                                           help="llm: your prompt template (FILE: one prompt for both tasks)."),
    llm_raw: Path = typer.Option(None, "--llm-raw", help="llm: write the raw responses here (JSONL)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="llm: neither read nor write the response cache."),
    refresh: bool = typer.Option(False, "--refresh", help="llm: send every request again, update the cache."),
) -> None:
    """Score predictions or an extractor against the gold: entities (per view and scheme) and claims."""
    from rukp.evaluation import compare as compare_fn
    from rukp.evaluation import evaluate as evaluate_fn
    from rukp.reports import detail, diff, json_report, markdown, plot, terminal

    given = [x for x in (extractor, predictions, compare) if x is not None]
    if len(given) != 1:
        raise RukpError("give exactly one of --extractor, --predictions or --compare A B")
    if (per_document_out is not None or outcomes_out is not None) and compare is not None:
        raise RukpError("--per-document and --outcomes write one system's detail; use them without --compare")
    if plot_out is not None:
        plot.plot_format(plot_out)  # a suffix we cannot write stops here, before any scoring
    given = {"--json": json_out, "--markdown": markdown_out, "--plot": plot_out, "--diff": diff_out,
             "--html": html_out, "--per-document": per_document_out, "--outcomes": outcomes_out, "--llm-raw": llm_raw}
    outs = check_outputs(  # absolute now: an extractor's os.chdir cannot move them; never onto an input
        given, run_inputs(predictions=predictions, compare=compare, gold=gold, label_map=label_map,
                          templates=llm_template))
    json_out, markdown_out, plot_out, diff_out, html_out, per_document_out, outcomes_out, llm_raw = (
        outs.get(k) for k in ("--json", "--markdown", "--plot", "--diff", "--html", "--per-document", "--outcomes",
                              "--llm-raw"))
    shown = {outs[k]: str(v) for k, v in given.items() if v is not None}  # as the user wrote them
    side_files = {k: p for k, p in (("per_document", per_document_out), ("outcomes", outcomes_out)) if p is not None}
    options = dict(gold=gold, view=view, label_map=label_map, scheme=scheme, min_overlap=min_overlap,
                   claim_threshold=claim_threshold, nervaluate_compatible=nervaluate_compatible,
                   bootstrap=bootstrap, seed=seed, skip_invalid=skip_invalid,
                   entities=False if no_entities else None, claims=False if no_claims else None, format=fmt,
                   bio=bio, docs=doc or None, inclusive_ends=inclusive_ends, all_occurrences=all_occurrences)
    from rukp.extractors.llm.options import llm_environment

    with llm_environment(base_url=llm_base_url, concurrency=llm_concurrency, no_cache=no_cache, refresh=refresh,
                         template=llm_template, raw=llm_raw):
        if compare is not None:
            result = compare_fn(compare[0], compare[1], shuffles=shuffles, progress=False if quiet else None,
                                extractor_timeout=extractor_timeout, **options)
        else:
            result = evaluate_fn(extractor if extractor is not None else predictions,
                                 progress=False if quiet else None, extractor_timeout=extractor_timeout, **options)
    if not quiet:
        terminal.render(result, verbose=verbose)
    else:  # -q hides the tables, never that items were left out
        for line in _skip_summary(result):
            typer.echo(printable(line), err=True)
    for key, path in side_files.items():
        (detail.write_per_document if key == "per_document" else detail.write_outcomes)(result, path)
        typer.echo(f"wrote {printable(shown[path])}", err=True)
    if json_out is not None:
        json_report.write(result, json_out, side_files={k: shown[p] for k, p in side_files.items()})
        typer.echo(f"wrote {printable(shown[json_out])}", err=True)
    for path, renderer in ((markdown_out, markdown), (plot_out, plot), (diff_out, diff)):
        if path is not None:
            renderer.write(result, path)
            typer.echo(f"wrote {printable(shown[path])}", err=True)
    if html_out is not None:
        from rukp.reports import html

        html.write(result, html_out, max_docs=html_docs)
        typer.echo(f"wrote {printable(shown[html_out])}", err=True)


def run_inputs(*, predictions: Path | None, compare: tuple[str, str] | None, gold: Path | None,
               label_map: str | None, templates: list[str] | None) -> list[tuple[str, Path | None]]:
    """Every file an ``evaluate`` run reads, as ``(what, path)``: no output may land on one of them."""
    from rukp.paths import BUNDLED_DATA

    gold_file = gold if gold is not None else BUNDLED_DATA / "documents.jsonl"
    inputs: list[tuple[str, Path | None]] = [("the predictions (--predictions)", predictions),
                                             ("the gold (--gold)" if gold else "the bundled gold", gold_file),
                                             ("the gold's kb.jsonl", gold_file.parent / "kb.jsonl")]
    if gold is None:
        inputs.append(("the bundled tokens", BUNDLED_DATA / "ner.jsonl"))
    for tag, system in zip("AB", compare or (), strict=False):
        inputs.append((f"system {tag} of --compare", Path(system)))
    if label_map and label_map != "spacy":
        inputs.append(("the label map (--label-map)", Path(label_map)))
    for template in templates or ():
        inputs.append(("a prompt template (--llm-template)", Path(template.split("=", 1)[-1])))
    return inputs


def _skip_summary(result: Any) -> list[str]:
    """One line per report that skipped invalid items (``--skip-invalid``): how many and why."""
    reports = [("A: ", result.a), ("B: ", result.b)] if hasattr(result, "tests") else [("", result)]
    lines = []
    for tag, report in reports:
        skipped = report.metadata["skipped"]
        if skipped["total"]:
            reasons = ", ".join(f"{k}: {v}" for k, v in skipped["by_reason"].items())
            lines.append(f"{tag}skipped invalid items: {skipped['total']} ({reasons}); --json lists each")
    return lines


def register(app: typer.Typer) -> None:
    app.command("evaluate", short_help="Score predictions or an extractor against the gold.")(evaluate_cmd)
