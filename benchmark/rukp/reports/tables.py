"""The tables shared by the terminal and Markdown renderers: header and rows of formatted cells.

Every number is formatted by :mod:`rukp.reports.formatting`; nothing here re-runs scoring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rukp.errors import plural, quote
from rukp.reports.formatting import fmt, fmt_interval, format_p
from rukp.scoring.claims import ATTRIBUTES
from rukp.scoring.claims.sentences import P_AT
from rukp.scoring.counts import SCHEMES

Table = tuple[list[str], list[list[str]]]

COUNT_FIELDS = ("correct", "incorrect", "partial", "missed", "spurious")
UNIT_SHORT = {"documents": "docs", "sentences": "sents"}

__all__ = ["COUNT_FIELDS", "Table", "alignment_item_lines", "alignment_lines", "claim_figures", "claim_table",
           "comparison_notes",
           "comparison_table", "confusion_table", "counts_table", "entity_table", "not_predicted_line", "fmt",
           "fmt_interval", "format_p",
           "headline_figures", "overall_table", "schemes_table", "sentence_figures", "sentence_table", "sentence_title",
           "summary_lines"]


def _units(report: Any) -> list[str]:
    return [u for u in ("documents", "sentences") if u in report.intervals]


#: What every report (table, HTML page, plot) says of a type with gold spans and no prediction.
NOT_PREDICTED = "not predicted"


def type_name(label: str, row: Mapping[str, Any]) -> str:
    """A type's name in a per-type table, marked ``(not predicted)`` when it has gold but no prediction (its
    precision is undefined, its recall and F1 0), as the plot marks it."""
    return f"{label} ({NOT_PREDICTED})" if row["actual"] == 0 and row["possible"] > 0 else label


def not_predicted_line(report: Any, view: str, scheme: str | None = None) -> str | None:
    """The line under a per-type table naming its types with gold spans and no prediction (the plot marks the
    same types "not predicted"); None when there is none."""
    counts = report.views[view].counts.to_dict()[scheme or report.options.scheme]["per_type"]
    names = [type_name(label, row) for label, row in counts.items()]
    missing = [label for label, name in zip(counts, names, strict=True) if name != label]
    if not missing:
        return None
    return f"{NOT_PREDICTED}: {', '.join(missing)} (P undefined: —; R and F1 0)"


def _rows(report: Any, view: str, scheme: str) -> list[tuple[str, dict[str, Any], str, bool]]:
    """``(name, counts row, figure key, counted)`` for each label that occurs, then macro and overall."""
    counts = report.views[view].counts.to_dict()[scheme]
    key = f"entities.{view}.{scheme}"
    out = [(label, row, f"{key}.{label}", True) for label, row in counts["per_type"].items()
           if row["possible"] + row["actual"] > 0]
    return [*out, ("macro", counts["macro"], f"{key}.macro", False), ("overall", counts["overall"], key, True)]


def overall_table(report: Any, view: str, scheme: str | None = None, *, counts: bool = False,
                  short: bool = False) -> Table:
    """Per type, macro and overall (micro): P, R, F1, its 95% intervals and the support (gold mentions);
    ``counts`` adds correct/incorrect/partial/missed/spurious; ``short`` gives narrow interval headers."""
    scheme = scheme or report.options.scheme
    units = _units(report)
    ci = [f"95% CI {UNIT_SHORT[u]}" if short else f"F1 95% CI {u}" for u in units]
    header = ["type", "P", "R", "F1", *ci, "support", *(COUNT_FIELDS if counts else ())]
    rows = []
    for name, row, key, counted in _rows(report, view, scheme):
        cells = [name, fmt(row["precision"]), fmt(row["recall"]), fmt(row["f1"])]
        cells += [fmt_interval(report.interval(f"{key}.f1", u)) for u in units]
        cells.append(str(row["possible"]) if counted else "")
        if counts:
            cells += [str(row[f]) if counted else "" for f in COUNT_FIELDS]
        rows.append(cells)
    return header, rows


def entity_table(report: Any, view: str, scheme: str | None = None) -> Table:
    """The full per-type table (scores, intervals, support and every count), as Markdown shows it."""
    return overall_table(report, view, scheme, counts=True)


def counts_table(report: Any, view: str, scheme: str | None = None) -> Table:
    """Per type, macro and overall: the outcome counts only (the narrow half of :func:`entity_table`)."""
    scheme = scheme or report.options.scheme
    header = ["type", *COUNT_FIELDS, "support"]
    rows = [[name, *[str(row[f]) if counted else "" for f in COUNT_FIELDS], str(row["possible"]) if counted else ""]
            for name, row, _, counted in _rows(report, view, scheme)]
    return header, rows


def schemes_table(report: Any, view: str) -> Table:
    """The four schemes side by side: overall (micro) P, R, F1 and the outcome counts of each."""
    blocks = report.views[view].counts.to_dict()
    overall = [blocks[s]["overall"] for s in SCHEMES]
    header = ["overall", *SCHEMES]
    rows = [[label, *[fmt(o[m]) for o in overall]]
            for label, m in (("P", "precision"), ("R", "recall"), ("F1", "f1"))]
    rows += [[f, *[str(o[f]) for o in overall]] for f in COUNT_FIELDS]
    return header, rows


def confusion_table(report: Any, view: str, *, short: bool = False) -> Table:
    """Entity-type confusion: gold types (rows) × predicted types (columns) for pairs with the same boundaries,
    plus each gold type's other spans (missed) and each predicted type's other predictions (spurious);
    ``short``: column headers cut to their first four letters (when that keeps them distinct)."""
    c = report.type_confusion(view)
    labels = c["labels"]
    heads = [p[:4] for p in labels] if short and len({p[:4] for p in labels}) == len(labels) else labels
    header = ["gold\\pred", *heads, "missed"]
    rows = [[g, *[str(c["matrix"][g][p]) for p in labels], str(c["missed"][g])] for g in labels]
    rows.append(["spurious", *[str(c["spurious"][p]) for p in labels], ""])
    return header, rows


def claim_figures(report: Any) -> list[tuple[str, str]]:
    """``(figure name, label)`` of the claim figures shown in the tables."""
    out = [("detection.precision", "detection P"), ("detection.recall", "detection R"),
           ("detection.f1", "detection F1"), ("tokens.precision", "token overlap P"),
           ("tokens.recall", "token overlap R"), ("attribution.accuracy", "claimer accuracy (matched)"),
           ("joint.precision", "claim+claimer P"), ("joint.recall", "claim+claimer R"),
           ("joint.f1", "claim+claimer F1")]
    for name in ATTRIBUTES:
        out += [(f"{name}.accuracy", f"{name} accuracy"), (f"{name}.macro_f1", f"{name} macro F1")]
    if report.claims is not None and report.claims.predicted_attributes.get("cluster"):
        out += [("clusters.b3.f1", "clusters B³ F1"), ("clusters.pairwise.f1", "clusters pairwise F1")]
    return [(f"claims.{k}", label) for k, label in out]


def claim_table(report: Any, *, short: bool = False) -> Table:
    """Claim figures with their intervals (``short``: narrow interval headers)."""
    units = _units(report)
    header = ["figure", "value", *[f"95% CI {UNIT_SHORT[u] if short else u}" for u in units]]
    rows = [[label, fmt(report.figures.get(name)), *[fmt_interval(report.interval(name, u)) for u in units]]
            for name, label in claim_figures(report)]
    return header, rows


def sentence_figures(report: Any) -> list[tuple[str, str]]:
    """``(figure name, label)`` of the sentence-level claim figures (ranking figures only when scored, claimer
    figures only when the system names claimers)."""
    sr = getattr(report, "claim_sentences", None)
    if sr is None:
        return []
    out = [("precision", "claim-sentence P"), ("recall", "claim-sentence R"), ("f1", "claim-sentence F1"),
           ("accuracy", "accuracy")]
    if sr.scored:
        out += [("average_precision", "average precision"), ("roc_auc", "ROC-AUC"), ("r_precision", "R-precision"),
                *((f"p_at_{k}", f"P@{k}") for k in P_AT)]
    if sr.claimers:
        out += [("claimer.precision", "sentence claimer P"), ("claimer.recall", "sentence claimer R"),
                ("claimer.f1", "sentence claimer F1")]
    return [(f"sentences.{k}", label) for k, label in out]


def sentence_title(report: Any) -> str:
    """What the sentence table scores: the system's own sentence labels, or its claim spans projected."""
    sr = report.claim_sentences
    labels = sr.labels
    how = ("the system's sentence labels" + (" and scores" if sr.scored else "") if sr.source == "sentences"
           else "claim spans projected onto the sentences they overlap")
    located = (sr.notes.get("located") or {}).get("count")
    return (f"claim sentences ({how}{f', {located} located by similarity' if located else ''}; "
            f"gold {int(labels.gold.sum())} of {len(labels)} positive, predicted {int(labels.pred.sum())})")


def sentence_table(report: Any, *, short: bool = False) -> Table:
    """Sentence-level claim figures with their intervals (``short``: narrow interval headers)."""
    units = _units(report)
    header = ["figure", "value", *[f"95% CI {UNIT_SHORT[u] if short else u}" for u in units]]
    rows = [[label, fmt(report.figures.get(name)), *[fmt_interval(report.interval(name, u)) for u in units]]
            for name, label in sentence_figures(report)]
    return header, rows


def summary_lines(report: Any) -> list[str]:
    """What was scored against what, documents without predictions, skipped items, notes."""
    meta = report.metadata
    gold, preds, skipped = meta["gold"], meta["predictions"], meta["skipped"]
    lines = [f"gold: {gold['path']} ({plural(gold['documents'], 'documents')}, sha256 {gold['sha256'][:12]})",
             f"predictions: {preds['source']} ({preds['kind']}); documents without predictions "
             f"(scored as predicting nothing): {preds['documents_without_predictions']}"]
    if preds["failed_documents"]:
        lines.append(f"failed documents (extractor error): {', '.join(preds['failed_documents'])}")
    errors = meta.get("extractor_errors")
    if errors and errors["count"]:
        first = errors["first"][0]
        lines.append(f"extractor errors: {errors['count']} in {errors['documents']} document(s), scored with what "
                     f"they returned (first: doc {first['doc']}: {first['message'][:80]}); --json lists them")
    if skipped["total"]:
        reasons = ", ".join(f"{k}: {v}" for k, v in skipped["by_reason"].items())
        lines.append(f"skipped invalid items: {skipped['total']} ({reasons})")
    for view in report.views.values():
        if view.dropped:
            lines.append(f"{view.view.name}: {view.dropped} predicted span(s) of types outside the view left out")
        if view.scores.fallback_components:
            lines.append(f"{view.view.name}: {view.scores.fallback_components} overlap component(s) too large "
                         "for an exact assignment (greedy fallback)")
    return lines + meta["notes"]  # the notes say, once, why a task was not scored (from report.scope)


def _plain(obj: Any) -> Any:
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def alignment_lines(report: Any) -> list[str]:
    """Counts per alignment status of text-anchored predictions (exact, normalised, fuzzy, unaligned), when the
    report carries them (``report.alignment`` or ``metadata["alignment"]``); empty otherwise."""
    data = _plain(getattr(report, "alignment", None))
    if data is None:
        meta = getattr(report, "metadata", None)
        data = _plain(meta.get("alignment")) if isinstance(meta, Mapping) else None
    if not isinstance(data, Mapping) or not data:
        return []

    def counts(block: Mapping[str, Any]) -> str:
        parts = []
        for status, n in block.items():
            if isinstance(n, bool):
                continue
            if isinstance(n, int):
                parts.append(f"{status} {n}")
            elif isinstance(n, list | tuple):
                parts.append(f"{status} {len(n)}")
        return ", ".join(parts)

    nested = {k: _plain(v) for k, v in data.items() if isinstance(_plain(v), Mapping)}
    if nested:
        return [f"alignment of {kind}: {text}" for kind, block in nested.items() if (text := counts(block))]
    text = counts(data)
    return [f"alignment: {text}"] if text else []


#: Items of each alignment list the terminal shows before "… and N more (see --json)".
ITEMS_SHOWN = 10


def _who(item: Mapping[str, Any]) -> str:
    who = item.get("label") if item["kind"] == "entity" else item.get("claimer")
    return f" {who}" if who else ""


def _cut_text(item: Mapping[str, Any], limit: int) -> str:
    """An item's text, quoted and cut, with its real length when the report kept only the start of it."""
    text = str(item.get("text", ""))
    chars = item.get("chars")
    shown = repr(text) if len(text) <= limit else repr(text[:limit]) + "…"
    return shown + (f" ({chars:,} chars)" if isinstance(chars, int) and chars > limit else "")


def _with_reason(line: str, reason: str | None) -> str:
    """An unaligned item's line with why (its first clause), on the same line when it fits in 80 columns, else
    on the next one."""
    if not reason:
        return line
    short = reason.split(" (")[0].split("; ")[-1]
    if len(line) + len(short) + 2 <= 80:
        return f"{line}: {short}"
    return f"{line}\n      {short if len(short) <= 74 else short[:73] + '…'}"


def alignment_item_lines(report: Any, *, limit: int | None = ITEMS_SHOWN) -> list[str]:
    """The unaligned items (counted as spurious) and the fuzzily placed ones with their similarity, one short
    line each (doc, kind, text cut by :func:`rukp.errors.quote`, label or claimer); at most ``limit`` per list,
    then how many more the JSON report lists."""
    data = _plain(getattr(report, "alignment", None))
    if not isinstance(data, Mapping):
        return []
    lines: list[str] = []
    lists = (("unaligned", "unaligned (counted as spurious)",
              lambda u: _with_reason(f"  {u['doc']} {u['kind']} {_cut_text(u, 40)}{_who(u)}", u.get("reason"))),
             ("fuzzy", "fuzzy (placed on a similar text; similarity)",
              lambda u: f"  {u['doc']} {u['kind']} {quote(u['text'], 24)} → {quote(u['matched'], 24)} "
                        f"{u['score']:.2f}{_who(u)}"))
    for key, title, line in lists:
        items = data.get(key) or []
        if not items:
            continue
        lines.append(f"{title}: {len(items)}")
        shown = items if limit is None else items[:limit]
        lines += [part for u in shown for part in line(u).split("\n")]
        if len(items) > len(shown):
            lines.append(f"  … and {len(items) - len(shown)} more (see --json)")
    return lines


def unresolved_claimer_lines(report: Any, *, limit: int | None = ITEMS_SHOWN) -> list[str]:
    """The predicted claimer names that resolved to nothing known (scored as wrong claimers), one line each
    (doc, name, how many claims), at most ``limit``; empty when there are none."""
    items = getattr(report, "unresolved_claimers", None)
    if items is None:
        meta = report.to_dict() if hasattr(report, "to_dict") else report
        items = meta.get("unresolved_claimers") if isinstance(meta, Mapping) else None
    if not items:
        return []
    lines = [f"unresolved claimers (no kb id, name or alias; scored as wrong claimers): {len(items)}"]
    shown = items if limit is None else items[:limit]
    lines += [f"  {u['doc']} {quote(u['claimer'], 40)}" + (f" ({u['claims']} claims)" if u["claims"] > 1 else "")
              for u in shown]
    if len(items) > len(shown):
        lines.append(f"  … and {len(items) - len(shown)} more (see --json)")
    return lines


def headline_figures(report: Any, *, short: bool = False) -> list[tuple[str, str]]:
    """``(figure name, label)`` compared between two systems (``short``: labels for narrow tables)."""
    out = []
    for view in report.views:
        scheme = report.options.scheme
        shown = view.split(".")[0] if short else view
        for m, s in (("precision", "P"), ("recall", "R"), ("f1", "F1")):
            out.append((f"entities.{view}.{scheme}.{m}", f"{shown} {scheme} {s if short else m}"))
        out.append((f"entities.{view}.{scheme}.macro.f1", f"{shown} {scheme} macro F1"))
    if report.claims is not None:
        out += [(name, label.removesuffix(" (matched)") if short else label) for name, label in claim_figures(report)]
    out += [(name, label) for name, label in sentence_figures(report)
            if name.rsplit(".", 1)[-1] in ("precision", "recall", "f1", "average_precision")
            and ".claimer." not in name]
    return out


def comparison_table(comparison: Any, unit: str, *, short: bool = False) -> Table:
    """A, B, the difference, its paired-bootstrap interval and both p-values, per headline figure."""
    header = ["figure", "A", "B", "A − B", "95% CI",
              *(("p boot", "p rand") if short else ("p (bootstrap)", "p (randomisation)"))]
    tests = comparison.tests.get(unit, {})
    rows = []
    for name, label in headline_figures(comparison.a, short=short):
        t = tests.get(name)
        if t is None:
            continue
        ci = "—" if t.low is None else f"[{t.low:+.3f}, {t.high:+.3f}]"
        rows.append([label, fmt(t.a), fmt(t.b), "—" if t.diff is None else f"{t.diff:+.3f}", ci,
                     format_p(t.p_bootstrap), format_p(t.p_randomisation)])
    return header, rows


def comparison_notes(comparison: Any) -> list[str]:
    """How far the p-values can go with this many units (only ``2**n`` distinct swaps of ``n`` units)."""
    notes = []
    for unit in comparison.tests:
        n = len(comparison.a.gold.documents) if unit == "documents" else comparison.a.sentences.n
        if n < 20:
            notes.append(f"over {unit}: {plural(n, 'units')} allow{'s' if n == 1 else ''} only 2^{n} = {2 ** n} "
                         "distinct swaps, so no randomisation "
                         f"p-value can fall below about {2 / 2 ** n:.3f}; the bootstrap p-value has no such floor "
                         "and is optimistic with so few units: trust the randomisation one")
    return notes
