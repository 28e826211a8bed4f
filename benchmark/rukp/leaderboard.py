"""The leaderboard: run every baseline over the gold, score it with :func:`rukp.evaluate`, write the results.

:func:`run_leaderboard` runs the systems (each model loaded once; throughput measured on extraction alone),
scores them on the fine and coarse views with 95% bootstrap intervals over documents, adds the annotation
passes A–D scored against the adjudicated gold (when their files exist) and returns the leaderboard as a
plain dict. The renderers below take that dict and never re-run anything, so the README table can be checked
against ``leaderboard.json`` alone. :func:`write_outputs` writes every file at once (all or none).

The leaderboard holds only what the code and the data decide (scores, intervals, predictions), so a second
run writes the same bytes and leaves ``git status`` clean. Throughput depends on the machine and the moment:
it is printed in the terminal table and written to ``throughput.json`` beside the leaderboard (not committed).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rukp import paths
from rukp.errors import RukpError, plural
from rukp.io.atomic import dumps_json, dumps_jsonl, write_many_atomic

if TYPE_CHECKING:
    from rukp.progress import Bars

SCHEMA = "rukp.leaderboard.v1"
VIEWS: tuple[str, ...] = ("fine", "coarse")
README_START = "<!-- leaderboard:start -->"
README_END = "<!-- leaderboard:end -->"
HUMAN_PASSES: tuple[str, ...] = ("A", "B", "C", "D")
#: ``kind`` of an annotation pass's rows: an annotator (the passes A–D are AI agents, not people).
ANNOTATOR_KIND = "annotator"
#: How each annotation pass was made (all passes are AI-agent annotators; see DATASHEET.md, labeling).
PASS_CONDITIONS: dict[str, str] = {"A": "guidelines", "B": "guidelines", "C": "scheme only", "D": "scheme only"}


#: Caveats printed under the leaderboard, each only when the rows it is about are in the run.
ANNOTATOR_NOTE = ("Annotator rows are the independent annotation passes scored against the adjudicated gold: AI-agent "
                  "annotators (not people), A and B with the guidelines (which quote most of the corpus's hard cases, "
                  "so they are close to the gold by construction), C and D with the scheme only — the more realistic "
                  "ceiling.")
RULES_SYSTEMS: tuple[str, ...] = ("spacy+rules", "rules-claims")
SENTENCE_NOTE = ("Claim-sentence columns score claim detection per sentence, as check-worthiness work (CheckThat! task "
                 "1) and NewsClaims do: a sentence is a claim sentence when a gold claim overlaps it ({positive} of "
                 "{sentences} here, so marking every sentence scores F1 {all_f1}); claim spans are projected onto the "
                 "sentences they overlap, and AP (average precision) needs per-sentence scores (`claim-cues`: hand-set "
                 "surface cues from the guidelines, not fitted on the gold). NewsClaims's human ceiling for claim "
                 "detection is F1 60.1 (P 52.7, R 70.0) on English news with far fewer claim sentences; the annotator "
                 "rows here are the ceiling of this gold, where most sentences hold a claim, so the two are not "
                 "comparable figures.")
RULES_NOTE = ("`spacy+rules` and `rules-claims` use general French rules and a general demonym list, written without "
              "the gold but by developers who had read the annotation scheme and the five texts: read them as "
              "optimistic baselines.")
INTERVALS_NOTE = "With {n}, intervals are wide and overlapping rows are not distinguishable."


def standing_notes(specs: Sequence[str], *, humans: bool, documents: int) -> list[str]:
    """The caveats about this run: annotator rows when there are some, the rule baselines when they ran."""
    notes = [ANNOTATOR_NOTE] if humans else []
    intervals = INTERVALS_NOTE.format(n="five documents" if documents == 5 else plural(documents, "documents"))
    if any(s in RULES_SYSTEMS for s in specs):
        return [*notes, f"{RULES_NOTE} {intervals}"]
    return [*notes, intervals] if documents < 30 else notes


def pass_documents(path: Path, gold_ids: Sequence[str]) -> list[str]:
    """The gold documents an annotation pass annotated: those with a raw file (``NNN.json``) beside its
    ``predictions.jsonl``, else those with a line in it."""
    from rukp.io.jsonl import read_jsonl

    seen = {p.stem for p in path.parent.glob("[0-9][0-9][0-9].json")}
    seen = seen or {row.get("doc_id") for row in read_jsonl(path) if isinstance(row, dict)}
    return [d for d in gold_ids if d in seen]


def sentence_note(gold: Any) -> str:
    """What the claim-sentence columns mean on this gold, with its share of claim sentences."""
    from rukp.scoring.claims.sentences import project_spans

    positive = sentences = 0
    for d in gold.documents:
        marks = project_spans(d.sentences or [], [(c.start, c.end) for c in d.claims])
        positive, sentences = positive + int(marks.sum()), sentences + len(marks)
    all_f1 = f"{200 * positive / (positive + sentences):.1f}" if sentences else "—"
    return SENTENCE_NOTE.format(positive=positive, sentences=sentences, all_f1=all_f1)


def annotator_label(name: str) -> str:
    """Leaderboard name of an annotation pass: says it is an AI annotator and what it was given."""
    return f"annotator {name} (AI, {PASS_CONDITIONS.get(name, 'unknown condition')})"
WARM_UP_TEXT = "Le 2 mai, le ministre a déclaré à Paris que deux accords seraient signés."


@dataclass(frozen=True)
class System:
    """A system of the leaderboard: its extractor spec, its kind, and the label map used on each view."""

    spec: str
    kind: str = "baseline"
    #: view → built-in map name or a mapping of the system's labels (``None``: labels used as they are).
    label_maps: Mapping[str, str | Mapping[str, str | None] | None] | None = None

    def label_map(self, view: str) -> str | Mapping[str, str | None] | None:
        """The label map of ``view`` (None: the system's labels are scored as they are)."""
        return (self.label_maps or {}).get(view)


def _wikiner_maps() -> dict[str, str | Mapping[str, str | None]]:
    from rukp.extractors.spacy_ner import FINE_MAP

    return {"coarse": "spacy", "fine": dict(FINE_MAP)}


def default_systems() -> list[System]:
    """The lower bound and the baselines, in leaderboard order."""
    wikiner = _wikiner_maps()
    return [
        System("capitalised", "lower bound"),
        System("spacy:fr_core_news_sm", label_maps=wikiner),
        System("spacy:fr_core_news_md", label_maps=wikiner),
        System("spacy+rules"),
        System("rules-claims"),
        System("claim-cues"),
    ]


def systems_from_specs(specs: Sequence[str]) -> list[System]:
    """Systems for user-given specs: known baselines keep their settings, others use their labels as given."""
    known = {s.spec: s for s in default_systems()}
    wikiner = _wikiner_maps()
    out = []
    for spec in specs:
        if spec in known:
            out.append(known[spec])
        elif spec.startswith("spacy:"):
            out.append(System(spec, label_maps=wikiner))
        else:
            out.append(System(spec, "lower bound" if spec in {"empty", "capitalised"} else "baseline"))
    return out


def predictions_filename(spec: str) -> str:
    """File name of a system's predictions (``spacy:fr_core_news_sm`` → ``spacy_fr_core_news_sm.jsonl``)."""
    safe = "".join(c if c.isalnum() or c in "+-_." else "_" for c in spec)
    return f"{safe}.jsonl"


@dataclass
class Run:
    """What running one system produced: prediction rows and timings (timings never enter the leaderboard)."""

    system: System
    rows: list[dict[str, Any]]
    load_seconds: float
    extract_seconds: float
    #: view → the report scoring ``rows`` (filled by :func:`run_leaderboard`; the HTML pages are built from it).
    reports: dict[str, Any] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float | None:
        """Extraction throughput in documents per second (None when too fast to time)."""
        return len(self.rows) / self.extract_seconds if self.extract_seconds > 0 else None


def run_system(system: System, extractor: Any, documents: Sequence[Any], *, load_seconds: float = 0.0,
               advance: Callable[[], None] | None = None) -> Run:
    """Run ``extractor`` over the gold documents; an extractor error names the system and document.

    One short warm-up call comes first, so that the timing (documents/s) measures extraction, not start-up.
    """
    rows = []
    try:
        extractor.extract(WARM_UP_TEXT)
    except Exception as e:
        raise RukpError(f"extractor {system.spec!r} failed on a warm-up sentence: "
                        f"{type(e).__name__}: {e}") from None
    t0 = time.perf_counter()
    for doc in documents:
        try:
            out = extractor.extract(doc.text)
        except RukpError:
            raise
        except Exception as e:  # a broken extractor must be one clear line, not a traceback
            raise RukpError(f"extractor {system.spec!r} failed: {type(e).__name__}: {e}",
                            doc=doc.id) from None
        if not isinstance(out, Mapping):
            raise RukpError(f"extractor {system.spec!r} returned a {type(out).__name__}, expected a dict",
                            doc=doc.id)
        # only the tasks the system predicts: a key it leaves out stays out (scope inference reads the keys)
        rows.append({"doc_id": doc.id, **{k: list(out.get(k) or []) for k in ("entities", "claims", "sentences")
                                          if k in out}})
        if advance is not None:
            advance()
    return Run(system, rows, load_seconds, time.perf_counter() - t0)


def _ci(report: Any, name: str) -> list[float | None] | None:
    iv = report.interval(name, "documents")
    return None if iv is None or iv.low is None else [iv.low, iv.high]


def score_rows(name: str, kind: str, predictions: Any, gold: Any, *, label_maps: Mapping[str, Any],
               bootstrap: int, seed: int, predictions_path: str | None,
               map_files: Mapping[str, str], tmp: Path, keep: dict[str, Any] | None = None,
               docs: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Leaderboard rows (one per view) of one system's predictions, scored with :func:`rukp.evaluate` on
    ``docs`` (default: every gold document); each view's report goes into ``keep`` when given."""
    from rukp import evaluate

    rows = predictions if isinstance(predictions, list) else None
    # rows carry only the keys of the tasks the system predicts: the report infers its scope from them
    has_claims = True if rows is None else any("claims" in r for r in rows)
    has_sentences = True if rows is None else any("claims" in r or "sentences" in r for r in rows)
    out = []
    for view in VIEWS:
        lm = label_maps.get(view)
        lm_arg, lm_name = lm, lm
        if isinstance(lm, Mapping):
            lm_name = map_files[view]
            lm_arg = tmp / Path(lm_name).name
            lm_arg.write_text(json.dumps(dict(lm)), encoding="utf-8")
        report = evaluate(predictions, gold=gold, view=view, label_map=lm_arg, bootstrap=bootstrap, seed=seed,
                          claims=True if rows is None else None, progress=False,
                          entities=None if rows is None or any("entities" in r for r in rows) else False,
                          docs=list(docs) if docs is not None else None)
        if keep is not None:
            keep[view] = report
        vname = report.options.views[0]
        fig = report.figures
        claims_scored = report.claims is not None
        sentences = report.claim_sentences is not None
        out.append({
            "system": name, "kind": kind, "view": view, "label_map": lm_name,
            "documents": len(report.gold.documents),
            "entity_f1_strict": fig.get(f"entities.{vname}.strict.f1"),
            "entity_f1_strict_ci": _ci(report, f"entities.{vname}.strict.f1"),
            "ent_type_f1": fig.get(f"entities.{vname}.ent_type.f1"),
            "claim_f1": fig.get("claims.detection.f1") if claims_scored else None,
            "claim_f1_ci": _ci(report, "claims.detection.f1") if claims_scored else None,
            "claimer_accuracy": fig.get("claims.attribution.accuracy") if claims_scored else None,
            "claims_scored": bool(has_claims),
            "sentence_f1": fig.get("sentences.f1") if sentences else None,
            "sentence_f1_ci": _ci(report, "sentences.f1") if sentences else None,
            "sentence_ap": fig.get("sentences.average_precision") if sentences else None,
            "sentences_scored": bool(has_sentences) and sentences,
            "predictions": predictions_path,
        })
    return out


def gold_summary(gold: Any, path: Path) -> dict[str, Any]:
    """What the leaderboard was scored against."""
    try:
        shown = str(path.resolve().relative_to(paths.repo_root()))
    except ValueError:
        shown = str(path)
    return {"path": shown, "sha256": gold.sha256, "documents": len(gold.documents),
            "entities": len(gold.entities), "claims": sum(len(d.claims) for d in gold.documents)}


def run_leaderboard(systems: Sequence[System] | None = None, *, gold: str | Path | None = None,
                    bootstrap: int = 1000, seed: int = 0, humans: bool = True,
                    root: Path | None = None, progress: Bars | None = None) -> tuple[dict[str, Any], list[Run]]:
    """Run and score every system; returns the leaderboard dict and the runs (with predictions and timings).

    ``progress`` is an optional, not yet started :func:`rukp.progress.bars` display: it is started once every
    spec has resolved (so a bad spec prints only its error) and each system gets a bar advanced per document.
    """
    from rukp.extractors.registry import resolve
    from rukp.io.predictions import load_gold

    systems = list(systems) if systems is not None else default_systems()
    if not systems:
        raise RukpError("no systems to run: give at least one extractor spec")
    gold_path = Path(gold) if gold is not None else paths.BUNDLED_DATA / "documents.jsonl"
    gold_set = load_gold(gold_path)
    missing = [d.id for d in gold_set.documents if d.text is None]
    if missing:
        raise RukpError("the leaderboard runs extractors, so every gold document needs its text",
                        path=gold_path, doc=missing[0])
    root = root or paths.repo_root()
    # resolve every spec first, so that a bad name or a missing model stops before any work (and any write)
    extractors = []
    for system in systems:
        t0 = time.perf_counter()
        extractors.append((resolve(system.spec), time.perf_counter() - t0))
    runs = []
    if progress is not None:
        progress.start()
    try:
        for system, (extractor, load_s) in zip(systems, extractors, strict=True):
            advance = progress.task(system.spec, len(gold_set.documents)) if progress is not None else None
            runs.append(run_system(system, extractor, gold_set.documents, load_seconds=load_s,
                                   advance=advance))
    finally:
        if progress is not None:
            progress.stop()
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    map_files = {"fine": "label_maps/wikiner-fine.json", "coarse": "label_maps/wikiner-coarse.json"}
    with tempfile.TemporaryDirectory(prefix="rukp-leaderboard-") as tmp:
        for run in runs:
            rows += score_rows(run.system.spec, run.system.kind, run.rows, gold_set,
                               label_maps=run.system.label_maps or {}, bootstrap=bootstrap, seed=seed,
                               predictions_path=f"predictions/{predictions_filename(run.system.spec)}",
                               map_files=map_files, tmp=Path(tmp), keep=run.reports)
        if humans:
            for name in HUMAN_PASSES:
                path = paths.annotations_dir(root) / "raw" / name / "predictions.jsonl"
                shown = f"annotations/raw/{name}/predictions.jsonl"
                if not path.is_file():
                    notes.append(f"{annotator_label(name)}: {shown} does not exist yet, so there is no row "
                                 "for this annotator (it appears once the annotation pass is resolved).")
                    continue
                # a pass is scored only on the documents it annotated (its lines), never on later additions
                annotated = pass_documents(path, gold_set.doc_ids)
                if len(annotated) < len(gold_set.documents):
                    notes.append(f"{annotator_label(name)}: scored on the {plural(len(annotated), 'documents')} "
                                 f"it annotated, of the gold's {len(gold_set.documents)}.")
                rows += score_rows(annotator_label(name), ANNOTATOR_KIND, path, gold_set, label_maps={},
                                   bootstrap=bootstrap, seed=seed, docs=annotated,
                                   predictions_path=shown, map_files=map_files, tmp=Path(tmp))
    notes = standing_notes([r.system.spec for r in runs], humans=any(r["kind"] == ANNOTATOR_KIND for r in rows),
                           documents=len(gold_set.documents)) + notes
    if any(r.get("sentences_scored") for r in rows):
        notes.append(sentence_note(gold_set))
    order = {v: i for i, v in enumerate(VIEWS)}
    rows.sort(key=lambda r: order[r["view"]])  # stable: systems keep their order within a view
    board = {
        "schema": SCHEMA,
        "gold": gold_summary(gold_set, gold_path),
        "bootstrap": {"resamples": bootstrap, "seed": seed, "unit": "documents", "alpha": 0.05},
        "systems": [{"system": r.system.spec, "kind": r.system.kind, "documents": len(r.rows),
                     "predictions": f"predictions/{predictions_filename(r.system.spec)}"} for r in runs],
        "label_maps": {map_files[v]: dict(m) for s in systems for v, m in (s.label_maps or {}).items()
                       if isinstance(m, Mapping)},
        "rows": rows,
        "notes": notes,
    }
    return board, runs


# ------------------------------------------------------------------------------------------ renderers

def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}"


def _f1_ci(row: Mapping[str, Any], key: str = "entity_f1_strict") -> str:
    ci = row.get(f"{key}_ci")
    point = _pct(row.get(key))
    if not ci or ci[0] is None:
        return point
    return f"{point} [{_pct(ci[0])}–{_pct(ci[1])}]"


def _rate(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}"


COLUMNS: tuple[str, ...] = ("system", "view", "entity F1 strict [95% CI]", "ent_type F1",
                            "claim detection F1", "claimer accuracy", "claim-sentence F1 [95% CI]", "claim-sentence AP")
#: The first columns with headers short enough for an 80-column terminal (the sentence columns are left out there).
TERMINAL_COLUMNS: tuple[str, ...] = ("system", "view", "strict F1 [95% CI]", "type F1", "claim F1", "claimer acc")
#: Where the throughput of a run goes (beside leaderboard.json; machine-dependent, so never committed).
THROUGHPUT_FILE = "throughput.json"


def table_cells(board: Mapping[str, Any]) -> list[list[str]]:
    """One list of cell strings per row, in :data:`COLUMNS` order (shared by every renderer)."""
    return [[row["system"], row["view"], _f1_ci(row), _pct(row.get("ent_type_f1")), _pct(row.get("claim_f1")),
             _pct(row.get("claimer_accuracy")), _f1_ci(row, "sentence_f1"), _pct(row.get("sentence_ap"))]
            for row in board["rows"]]


def throughput(runs: Sequence[Run]) -> dict[str, Any]:
    """``throughput.json``: load and extraction time and documents/s of each system in this run."""
    return {"schema": "rukp.throughput.v1", "note": "Measured on this machine by the last `rukp benchmark`; "
            "extraction only, model already loaded (after one warm-up sentence). Not committed: it varies run to run.",
            "systems": [{"system": r.system.spec, "documents": len(r.rows), "load_s": round(r.load_seconds, 3),
                         "extract_s": round(r.extract_seconds, 3), "docs_per_s": r.docs_per_second}
                        for r in runs]}


def summary_line(board: Mapping[str, Any]) -> str:
    """One sentence: the gold scored against and how the intervals were computed."""
    g, b = board["gold"], board["bootstrap"]
    return (f"Scored against `{g['path']}` ({plural(g['documents'], 'documents')}, "
            f"{plural(g['entities'], 'entity mentions')}, {plural(g['claims'], 'claims')}; "
            f"sha256 `{g['sha256'][:12]}`). Figures are percentages; 95% intervals are "
            f"percentile bootstraps over documents ({b['resamples']} resamples, seed {b['seed']}); — means not "
            "applicable or undefined (no claims predicted, or no gold to score). Throughput (documents/s) depends "
            f"on the machine, so `rukp benchmark` prints it and writes it to `{THROUGHPUT_FILE}` beside "
            "`leaderboard.json` (not committed), never to this table.")


def render_readme_block(board: Mapping[str, Any]) -> str:
    """The Markdown that goes between the README's leaderboard markers."""
    lines = [summary_line(board), "", "| " + " | ".join(COLUMNS) + " |",
             "|" + "|".join(["---"] * 2 + ["---:"] * (len(COLUMNS) - 2)) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in table_cells(board)]
    maps = board.get("label_maps") or {}
    notes = [*(f"Label map `{name}` (spaCy's WikiNER labels on the fine view): "
               + ", ".join(f"{k} → {v if v is not None else 'dropped'}" for k, v in m.items())
               + "; so on the fine view the spaCy rows can only be right on "
               + ", ".join(dict.fromkeys(v for v in m.values() if v is not None))
               for name, m in maps.items()), *board.get("notes", [])]
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"


def render_markdown(board: Mapping[str, Any]) -> str:
    """``leaderboard.md``: a title, the README block, and how to re-score a system's predictions."""
    return ("# rukp-fr leaderboard\n\nGenerated by `rukp benchmark`; do not edit by hand.\n\n"
            + render_readme_block(board)
            + "\nRe-score any system: `rukp evaluate --predictions "
              "benchmark/results/predictions/<system>.jsonl --view fine` (spaCy systems: add "
              "`--label-map benchmark/results/label_maps/wikiner-fine.json`, or `--view coarse --label-map "
              "spacy`).\n"
            + _pages_line(board))


def _pages_line(board: Mapping[str, Any]) -> str:
    """Links to each system's HTML error-analysis page (``html/<system>.html``, fine view)."""
    from rukp.reports.html import page_filename

    links = [f"[{s['system']}](html/{page_filename(s['system'])})" for s in board.get("systems", [])]
    return ("\nError analysis (fine view; every gold and predicted span in the text, coloured by outcome): "
            + " · ".join(links) + "\n") if links else ""


def render_rich(board: Mapping[str, Any], runs: Sequence[Run] = ()) -> Any:
    """The terminal tables (rich), one per view, with this run's throughput (docs/s) when ``runs`` are given.

    One table per view, short headers and no vertical rules, so that it fits 80 columns with system names whole
    (they wrap only between words) and numbers never wrap; then one table of the claim-sentence columns.
    """
    from rich import box
    from rich.console import Group
    from rich.table import Table

    rates = {r.system.spec: r.docs_per_second for r in runs}
    columns = (*TERMINAL_COLUMNS[:1], *TERMINAL_COLUMNS[2:], *(("docs/s",) if rates else ()))
    longest_word = max((len(w) for row in board["rows"] for w in str(row["system"]).split()), default=6)
    tables = []
    for view in dict.fromkeys(row["view"] for row in board["rows"]):
        table = Table(title=f"rukp-fr leaderboard, {view} view", box=box.SIMPLE_HEAD, pad_edge=False,
                      title_justify="left")
        for i, col in enumerate(columns):
            table.add_column(col, justify="left" if i == 0 else "right", no_wrap=i > 0,
                             min_width=min(longest_word, 24) if i == 0 else None)
        for row, cells in zip(board["rows"], table_cells(board), strict=True):
            if row["view"] == view:
                table.add_row(cells[0], *cells[2:len(TERMINAL_COLUMNS)],
                              *([_rate(rates.get(row["system"]))] if rates else []))
        tables.append(table)
    scored = [(row, cells) for row, cells in zip(board["rows"], table_cells(board), strict=True)
              if row.get("sentences_scored") and row["view"] == board["rows"][0]["view"]]
    if scored:  # claim sentences do not depend on the view: one table
        table = Table(title="claim sentences (a gold claim overlaps the sentence)", box=box.SIMPLE_HEAD,
                      pad_edge=False, title_justify="left")
        for i, col in enumerate(("system", "sentence F1 [95% CI]", "AP")):
            table.add_column(col, justify="left" if i == 0 else "right", no_wrap=i > 0,
                             min_width=min(longest_word, 24) if i == 0 else None)
        for _, cells in scored:
            table.add_row(cells[0], *cells[len(TERMINAL_COLUMNS):])
        tables.append(table)
    caption = (f"{plural(board['gold']['documents'], 'documents')}; F1 in %, 95% CI over documents "
               f"({board['bootstrap']['resamples']} resamples)")
    return Group(*tables, caption)


def render_png(board: Mapping[str, Any]) -> bytes:
    """``leaderboard.png`` (see :mod:`rukp.reports.leaderboard_plot`)."""
    from rukp.reports.leaderboard_plot import render_png as render

    return render(board)


def replace_readme_block(readme: str, block: str, *, path: str | Path = "README.md") -> str:
    """README text with ``block`` between the leaderboard markers (which must appear once each, in order)."""
    start, end = readme.find(README_START), readme.find(README_END)
    once = readme.count(README_START) == 1 and readme.count(README_END) == 1
    if not once or end < start:
        raise RukpError(f"expected the markers {README_START} and {README_END} once each, in that order",
                        path=path)
    head = readme[: start + len(README_START)]
    return head + "\n" + block + readme[end:]


def readme_block(readme: str, *, path: str | Path = "README.md") -> str:
    """What is between the README's leaderboard markers now (without the newline after the start marker)."""
    replace_readme_block(readme, "", path=path)  # validates the markers
    start = readme.find(README_START) + len(README_START)
    return readme[start: readme.find(README_END)].removeprefix("\n")


def _unchanged(path: Path, data: str | bytes) -> bool:
    if not path.is_file():
        return False
    return path.read_bytes() == (data.encode("utf-8") if isinstance(data, str) else data)


def write_outputs(board: Mapping[str, Any], runs: Sequence[Run], out: Path, *,
                  readme: Path | None = None) -> list[Path]:
    """Write leaderboard.json/.md/.png, the predictions and label maps, throughput.json and the README table
    (all or none); returns the files whose content changed (files already up to date are not touched)."""
    from rukp.io.jsonl import read_text

    out = Path(out)
    files: dict[Path, str] = {
        out / "leaderboard.json": dumps_json(board),
        out / "leaderboard.md": render_markdown(board),
        out / THROUGHPUT_FILE: dumps_json(throughput(runs)),
    }
    for run in runs:
        files[out / "predictions" / predictions_filename(run.system.spec)] = dumps_jsonl(run.rows)
    for name, mapping in (board.get("label_maps") or {}).items():
        files[out / name] = dumps_json(mapping)
    from rukp.reports.html import benchmark_pages

    files.update(benchmark_pages({r.system.spec: r.reports["fine"] for r in runs if "fine" in r.reports},
                                 out / "html"))
    if readme is not None:
        files[readme] = replace_readme_block(read_text(readme), render_readme_block(board), path=readme)
    files[out / "leaderboard.png"] = render_png(board)
    files = {path: data for path, data in files.items() if not _unchanged(path, data)}
    out.mkdir(parents=True, exist_ok=True)
    if files:
        write_many_atomic(files)  # all or none, with the umask's permissions
    return list(files)
