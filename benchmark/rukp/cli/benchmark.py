"""``rukp benchmark``: the main job. Run every baseline, score it, write the leaderboard and README table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rukp import paths
from rukp.defaults import MAX_RESAMPLES
from rukp.errors import RukpError


def benchmark_cmd(
    systems: Annotated[str | None, typer.Option(
        "--systems", help="Comma-separated extractor specs (default: the lower bound and every built-in "
        "baseline), e.g. 'spacy+rules,hf:./my-model'.")] = None,
    gold: Annotated[Path | None, typer.Option(
        "--gold", exists=True, dir_okay=False,
        help="Gold JSONL in the documents format (default: the bundled gold).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", file_okay=False,
        help="Folder for leaderboard.json/.md/.png and predictions/ (default: benchmark/results).")] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, max=MAX_RESAMPLES,
                                           help="Bootstrap resamples for the 95% CI.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the bootstrap.")] = 0,
    readme: Annotated[bool | None, typer.Option(
        "--readme/--no-readme", help="Rewrite the README table between the leaderboard markers (default: "
        "only for the bundled gold and the default --out).")] = None,
    humans: Annotated[bool, typer.Option(
        "--humans/--no-humans", help="Add the rows of the annotation passes A–D (AI annotators, scored against "
        "the adjudicated gold; A and B had the guidelines, C and D the scheme only) when their predictions "
        "exist.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars (there are none either "
                                        "when stderr is not a terminal).")] = False,
    llm_base_url: Annotated[str | None, typer.Option(
        "--llm-base-url", help="llm: systems: the OpenAI-compatible server (default: $OPENAI_BASE_URL).")] = None,
    llm_concurrency: Annotated[int | None, typer.Option("--llm-concurrency", min=1,
                                                        help="llm: parallel requests (4).")] = None,
    llm_template: Annotated[list[str] | None, typer.Option(
        "--llm-template", metavar="[entities=|claims=]FILE", help="llm: your prompt template.")] = None,
    llm_raw: Annotated[Path | None, typer.Option("--llm-raw", help="llm: write the raw responses here.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="llm: do not use the response cache.")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="llm: resend every request.")] = False,
) -> None:
    """Run every baseline over the corpus, score it with 95% CIs, and write the leaderboard.

    Files are rewritten only when their content changes; throughput (docs/s) is printed and written to
    throughput.json beside the leaderboard (not committed), so a second run leaves `git status` clean.
    """
    from rich.console import Console

    from rukp.leaderboard import THROUGHPUT_FILE, render_rich, run_leaderboard, systems_from_specs, write_outputs
    from rukp.progress import bars

    chosen = None
    if systems is not None and out is None and gold is None:
        raise RukpError("--systems without --out would replace the committed leaderboard (benchmark/results/ and "
                        "the README table) with these systems alone; give --out DIR for a leaderboard of your own")
    if systems is not None:
        chosen = systems_from_specs([s.strip() for s in systems.split(",") if s.strip()])
    from rukp.extractors.llm.options import llm_environment

    with llm_environment(base_url=llm_base_url, concurrency=llm_concurrency, no_cache=no_cache, refresh=refresh,
                         template=llm_template, raw=llm_raw):
        board, runs = run_leaderboard(chosen, gold=gold, bootstrap=bootstrap, seed=seed, humans=humans,
                                      progress=bars(enabled=False if quiet else None))
    if readme is None:
        readme = gold is None and out is None
    out = out if out is not None else paths.repo_root() / "benchmark" / "results"
    readme_path = paths.repo_root() / "README.md" if readme else None
    changed = write_outputs(board, runs, out, readme=readme_path)
    console = Console()  # the terminal's width (80 when piped): notes and sentences wrap, never run on
    console.print(render_rich(board, runs))
    for note in board["notes"]:
        console.print(f"note: {note}", markup=False, highlight=False)
    scores = [p for p in changed if p.name != THROUGHPUT_FILE]
    systems_run = f"Scored {len(runs)} system(s) on {board['gold']['documents']} documents"
    where, rates = _shown(out), _shown(out / THROUGHPUT_FILE)
    if scores:
        readme_said = " (including the README table)" if readme_path in scores else ""
        said = f"{systems_run}; {len(scores)} result file(s) changed under {where}{readme_said}; throughput in {rates}."
    else:
        said = (f"{systems_run}; the results under {where} are unchanged"
                f"{' and so is the README table' if readme_path else ''}; throughput in {rates}.")
    # wrapped by the terminal, never inside a path (so that it can be copied)
    console.print(said, markup=False, highlight=False, soft_wrap=True)


def _shown(path: Path) -> str:
    """A path as the closing sentence shows it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def register(app: typer.Typer) -> None:
    app.command("benchmark", short_help="Run the baselines, write the leaderboard.")(benchmark_cmd)
