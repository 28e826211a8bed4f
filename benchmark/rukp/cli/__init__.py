"""The ``rukp`` command: a thin typer app; each sub-module parses arguments and calls one library function.

Every command module registers itself on :data:`app` through ``register(app)``. A :class:`RukpError`
raised anywhere is printed as one line (file, line/document, problem) with exit code 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import signal
import sys
import threading
from typing import Any

import typer

from rukp.errors import RukpError, printable

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
    previous = _on_sigterm()
    try:
        app(args=argv, prog_name="rukp")
    except RukpError as e:
        lines = str(e).split("\n")  # a validation's list of problems keeps its lines; each line is escaped
        typer.secho("error: " + "\n".join(printable(line) for line in lines), fg="red", err=True)
        sys.exit(2)
    except SystemExit as e:  # typer turns Ctrl-C into a silent exit 130: say so in one line
        interrupt = _interrupt_of(e)
        if interrupt is None:
            raise
        terminated = isinstance(interrupt, Terminated)
        note = getattr(interrupt, "rukp_note", None)  # what an extractor kept (the llm: cache), in the same line
        what = "terminated (SIGTERM)" if terminated else "interrupted"
        line = f"{printable(note)}; nothing more was written" if note else f"{what}; nothing more was written"
        typer.secho(f"error: {line}", fg="red", err=True)
        sys.exit(143 if terminated else 130)
    except OSError as e:  # the terminal's output went to a full disk or a closed pipe
        if e.errno not in _OUTPUT_ERRNOS:
            raise
        _stdout_failed(e)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    try:
        sys.stdout.flush()
    except OSError as e:
        _stdout_failed(e)


#: OS errors of writing the terminal's output that end the run with one line.
_OUTPUT_ERRNOS = (errno.ENOSPC, errno.EIO, errno.EPIPE, errno.EDQUOT, errno.EFBIG)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every temporary file is removed on the way out."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated()


def _on_sigterm() -> Any:
    """Turn SIGTERM into :class:`Terminated` (main thread only); returns the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_terminated)


def _interrupt_of(error: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt behind an exit, if any (typer chains it under its ``Exit(130)``)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _stdout_failed(error: OSError) -> None:
    """One line when standard output cannot be written (``> /dev/full``), and no second error at exit."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    typer.secho(f"error: cannot write the output: {error.strerror or error}", fg="red", err=True)
    sys.exit(1)
