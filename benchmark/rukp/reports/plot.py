"""PNG plot of per-type F1 (headline scheme) with 95% bootstrap intervals over documents, one panel per view."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np


def _series(report: Any, view: str, labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """F1 per label (NaN where undefined) and the asymmetric error bars of the document interval."""
    scheme = report.options.scheme
    f1 = np.array([np.nan if (v := report.f1(view, scheme, lab)) is None else v for lab in labels])
    err = np.zeros((2, len(labels)))
    for i, lab in enumerate(labels):
        iv = report.interval(f"entities.{view}.{scheme}.{lab}.f1", "documents")
        if iv is not None and iv.low is not None and not np.isnan(f1[i]):
            err[:, i] = [max(f1[i] - iv.low, 0.0), max(iv.high - f1[i], 0.0)]
    return f1, err


def render(obj: Any) -> bytes:
    """The PNG bytes: grouped bars when ``obj`` is a comparison (A and B)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    reports = [("A", obj.a), ("B", obj.b)] if hasattr(obj, "tests") else [("", obj)]
    first = reports[0][1]
    views = list(first.views)
    fig, axes = plt.subplots(len(views), 1, figsize=(10, 3.6 * max(len(views), 1)), squeeze=False)
    for ax, view in zip(axes[:, 0], views, strict=True):
        labels = [lab for lab in first.views[view].view.labels
                  if any(r.views[view].counts.possible(r.options.scheme, lab) for _, r in reports)]
        x = np.arange(len(labels))
        width = 0.8 / len(reports)
        for k, (tag, report) in enumerate(reports):
            f1, err = _series(report, view, labels)
            name = tag or report.predictions.source
            ax.bar(x + (k - (len(reports) - 1) / 2) * width, np.nan_to_num(f1), width, yerr=err, capsize=3,
                   label=name if tag else None)
        support = [first.views[view].counts.possible(first.options.scheme, lab) for lab in labels]
        ax.set_xticks(x, [f"{lab}\n(n={n})" for lab, n in zip(labels, support, strict=True)])
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(f"F1 ({first.options.scheme})")
        ax.set_title(f"view {view}: per-type F1, 95% bootstrap interval over documents")
        if len(reports) > 1:
            ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def write(obj: Any, path: str | Path) -> None:
    """Write the PNG atomically (temporary file, then rename)."""
    from rukp.io.atomic import check_writable, make_temp

    path = Path(path)
    check_writable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = render(obj)
    fd, tmp = make_temp(path)  # the umask's permissions, not mkstemp's 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
