"""``rukp agreement [--check]``: agreement of raw passes A vs B and C vs D, written to annotations/."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from rukp.cli._common import check_root


def agreement_cmd(
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if agreement.json is stale."),
    root: Path = typer.Option(None, "--root", help="Repository root (default: this checkout)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures and whether the file was (or would "
                                 "be) rewritten as one JSON object instead of sentences."),
) -> None:
    """Recompute inter-annotator agreement before adjudication: A vs B (both given the guidelines) and C vs D
    (given the annotation scheme only), for entities, claims, attributes and clusters."""
    from rukp import paths
    from rukp.annotations.agreement import AGREEMENT_FILE, write_agreement

    check_root(root)
    figures, stale = write_agreement(root, check=check)
    shown = f"annotations/{AGREEMENT_FILE}"
    if as_json:
        typer.echo(json.dumps({"path": str(paths.annotations_dir(root) / AGREEMENT_FILE), "stale": stale,
                               "written": stale and not check, "figures": figures}, ensure_ascii=False))
        if check and stale:
            raise typer.Exit(1)
        return
    for study in ("guidelines", "scheme_only"):
        if study not in figures:
            continue
        e, c = figures[study]["entities"], figures[study]["claims"]
        typer.echo(f"{study} ({' vs '.join(figures[study]['passes'])}): entities strict F1 {e['strict_f1']}, "
                   f"exact F1 {e['exact_f1']}, linking {e['linking']['agreement']}")
        typer.echo(f"  claims: detection F1 {c['detection_f1']}; claimer {c['claimer']['agreement']}, "
                   f"polarity {c['polarity']['agreement']}, certainty {c['certainty']['agreement']}, "
                   f"topic {c['topic']['agreement']}; clusters B³ F1 {c['clusters']['b_cubed']['f1']}")
    if check and stale:
        typer.secho(f"{shown} is stale: run `rukp agreement`", fg="red", err=True)
        raise typer.Exit(1)
    if check:
        typer.echo(f"{shown} is up to date.")
    elif stale:
        typer.echo(f"Wrote {shown}: the agreement figures changed.")
    else:
        typer.echo(f"{shown} is up to date: the figures did not change, nothing was written.")


def register(app: typer.Typer) -> None:
    app.command("agreement", short_help="Inter-annotator agreement of the raw passes.")(agreement_cmd)
