"""The ``rukp`` command: a thin typer app; each sub-module parses arguments and calls one library function.

Every command module registers itself on :data:`app` through ``register(app)``. A :class:`RukpError`
raised anywhere is printed as one line (file, line/document, problem) with exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer

from rukp.errors import RukpError

app = typer.Typer(
    name="rukp",
    help="rukp-fr: French news gold data (entities, claims) and the benchmark harness that scores extractors.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: wraps at the terminal's width, never cuts an option or a metavar
)


def _version(value: bool) -> None:
    if value:
        from rukp import __version__

        typer.echo(f"rukp {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                       help="Print the version and exit.")) -> None:
    """rukp-fr: French news gold data (entities, claims) and the benchmark harness that scores extractors."""

#: Command modules under ``rukp.cli``; each defines ``register(app)``.
COMMAND_MODULES: tuple[str, ...] = ("corpus", "validate", "dataset", "evaluate", "benchmark", "labelstudio",
                                    "agreement", "annotations", "docs")


_registered = False


def _register_all() -> None:
    """Add every command to :data:`app` once: ``main`` runs many times in one process (tests, notebooks), and
    registering again would stack duplicate commands that typer re-inspects on every call."""
    global _registered
    if _registered:
        return
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"rukp.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"rukp.cli.{name}":
                continue
            raise
        module.register(app)
    _registered = True


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turning :class:`RukpError` into one clear line and exit 2.

    Typer runs in standalone mode, so usage errors are shown by click with exit 2 and ``typer.Exit(n)``
    exits with ``n``; only our own errors need catching here.
    """
    _register_all()
    try:
        app(args=argv, prog_name="rukp")
    except RukpError as e:
        typer.secho(f"error: {e}", fg="red", err=True)
        sys.exit(2)
