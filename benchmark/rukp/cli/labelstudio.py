"""``rukp labelstudio config|export|import|push|pull``: the Label Studio round trip (see docs/labelstudio.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from rukp import defaults
from rukp.cli._common import check_root

if TYPE_CHECKING:
    from rukp.labelstudio.importer import ImportPlan

labelstudio_app = typer.Typer(help="Label Studio round trip: config, task export, export import, push/pull.",
                              no_args_is_help=True)

_ROOT = typer.Option(None, "--root", help="Repository root (default: this checkout).")
_ANNOTATIONS = typer.Option(None, "--annotations", help="Annotations folder (default: <root>/annotations).")
_PROJECT = typer.Option("rukp-fr", "--project", help="Label Studio project title.")
_URL = typer.Option(..., "--url", help="Label Studio base URL, e.g. http://localhost:8080 "
                                       "(API key from $LABEL_STUDIO_API_KEY).")
_AS = typer.Option(None, "--as", help="Pre-fill tasks as 'annotations' or 'predictions' (default: annotations "
                                      "for the gold, predictions for --predictions).")
_PREDICTIONS = typer.Option(None, "--predictions", exists=True, dir_okay=False,
                            help="Predictions JSONL ({doc_id, entities, claims}) to pre-fill instead of the gold.")
_EXTRACTOR = typer.Option(None, "--extractor", "-e", help="Pre-fill with an extractor's output (a spec as for "
                                                           "`rukp evaluate -e`, e.g. rules-claims).")
_DOCS = typer.Option(None, "--doc", metavar="ID",
                     help="Only this document (repeat for several; default: every document).")
_TIMEOUT = typer.Option(defaults.LS_TIMEOUT_S, "--timeout", help="Seconds to wait to connect and for each answer "
                                                                   "of the server.")
_DEADLINE = typer.Option(defaults.LS_DEADLINE_S, "--deadline", help="Seconds the whole exchange with the server "
                                                                     "may take.")
_DRY_RUN = typer.Option(False, "--dry-run", help="Print the diff and validate; write nothing.")
_SINGLE = typer.Option(False, "--single-pass", help="Accept a new document annotated by one person only (recorded "
                                                     "as single-annotated); by default it waits for a second pass.")
_AGENT = typer.Option("person", "--annotator-kind", metavar="person|ai_agent",
                      help="Who annotated in Label Studio, recorded in the provenance of a newly annotated document "
                           "(the datasheet tells people from AI agents).")
_FORCE = typer.Option(False, "--force", help="Import even an annotation older than the one last imported for its "
                                             "document (annotations/labelstudio-imports.json): revert on purpose.")


@labelstudio_app.command("config")
def config_cmd(out: Path = typer.Option(None, "--out", "-o", help="Write the config here (default: stdout).")
               ) -> None:
    """Write the labeling config generated from the annotation scheme."""
    from rukp.io.labelstudio.config import label_config, write_config

    if out is None:
        typer.echo(label_config(), nl=False)
        return
    typer.echo(f"wrote {write_config(out)}")


@labelstudio_app.command("export")
def export_cmd(out: Path = typer.Option(Path("labelstudio-tasks.json"), "--out", "-o", help="Task file to write."),
               as_: str = _AS, predictions: Path = _PREDICTIONS, extractor: str = _EXTRACTOR,
               docs: list[str] = _DOCS, root: Path = _ROOT, annotations: Path = _ANNOTATIONS) -> None:
    """Write one Label Studio task per document, pre-filled with the gold, predictions or an extractor."""
    from rukp.labelstudio.tasks import export_tasks

    check_root(root)
    tasks = export_tasks(out, predictions=predictions, extractor=extractor, target=as_, docs=docs, root=root,
                         annotations_dir=annotations)
    filled = sum(bool(t.get("annotations") or t.get("predictions")) for t in tasks)
    typer.echo(f"wrote {len(tasks)} task(s) to {out} ({filled} pre-filled)")


def _finish(plan: ImportPlan, dry_run: bool) -> None:
    if plan.held:
        typer.echo(f"held until adjudicated or accepted: doc {', '.join(plan.held)} (see 'skipped' above)")
    if not plan.changed:
        typer.echo("no changes")
    elif dry_run:
        typer.echo("dry run: valid; nothing written")
    else:
        typer.echo("annotations written")


@labelstudio_app.command("import")
def import_cmd(export: Path = typer.Argument(..., exists=True, dir_okay=False,
                                             help="Label Studio JSON export (not JSON_MIN)."),
               dry_run: bool = _DRY_RUN, force: bool = _FORCE, root: Path = _ROOT,
               annotations: Path = _ANNOTATIONS, agent: str = _AGENT, single_pass: bool = _SINGLE) -> None:
    """Import a Label Studio JSON export into annotations/ (diff, validate, atomic write)."""
    from rukp.labelstudio.importer import import_export

    check_root(root)
    plan = import_export(export, dry_run=dry_run, force=force, root=root, annotations_dir=annotations,
                         report=typer.echo, agent=agent, single_pass=single_pass)
    _finish(plan, dry_run)


@labelstudio_app.command("push")
def push_cmd(url: str = _URL, project: str = _PROJECT, as_: str = _AS, predictions: Path = _PREDICTIONS,
             extractor: str = _EXTRACTOR, docs: list[str] = _DOCS, root: Path = _ROOT,
             annotations: Path = _ANNOTATIONS, timeout: float = _TIMEOUT, deadline: float = _DEADLINE) -> None:
    """Create or update a Label Studio project (config + one task per document not there yet)."""
    from rukp.labelstudio.server import push

    check_root(root)
    result = push(url, project=project, predictions=predictions, extractor=extractor, target=as_, docs=docs,
                  root=root, annotations_dir=annotations, timeout=timeout, deadline=deadline)
    verb = "created" if result.created else "updated"
    typer.echo(f"project {project!r} (id {result.project_id}) {verb}: {len(result.added)} task(s) added, "
               f"{len(result.kept)} already there (kept)")
    for note in result.notes:
        typer.echo(note)


@labelstudio_app.command("pull")
def pull_cmd(url: str = _URL, project: str = _PROJECT, dry_run: bool = _DRY_RUN,
             save: Path = typer.Option(None, "--save", help="Also keep the downloaded JSON export here."),
             force: bool = _FORCE, root: Path = _ROOT, annotations: Path = _ANNOTATIONS,
             timeout: float = _TIMEOUT, deadline: float = _DEADLINE, agent: str = _AGENT,
             single_pass: bool = _SINGLE) -> None:
    """Download the project's annotations and import them like `rukp labelstudio import`."""
    from rukp.labelstudio.server import pull

    check_root(root)
    plan = pull(url, project=project, dry_run=dry_run, save=save, force=force, root=root,
                annotations_dir=annotations, report=typer.echo, timeout=timeout, deadline=deadline, agent=agent,
                single_pass=single_pass)
    _finish(plan, dry_run)


def register(app: typer.Typer) -> None:
    app.add_typer(labelstudio_app, name="labelstudio", short_help="Label Studio round trip.")
