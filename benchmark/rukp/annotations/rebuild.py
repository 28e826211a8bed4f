"""Rebuild the gold from the raw passes and the recorded decisions: the gold is derived, never hand-edited.

In a scratch copy of the repository: drop the gold files, run round 1 (``adjudicate build``: passes A and B,
``decisions.jsonl``, ``raw/gold/``), recompute the round-2 review items against that gold, check they equal the
recorded ``review_items.jsonl``, apply ``review_decisions.jsonl``, then ``errata.jsonl``; compare every gold file
with the committed one (check) or copy them back atomically (write). Import layers (``annotations/imports/``,
written by Label Studio imports) are replayed next; last, the hand-curated fields of the kb entries and clusters
(:mod:`rukp.annotations.curated`) are taken from the committed files, whose edits are sources, never overwritten.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rukp import paths
from rukp.annotations.store import FILES, MANIFEST
from rukp.errors import RukpError
from rukp.io.atomic import dumps_jsonl

GOLD_FILES = (*FILES.values(), MANIFEST, "adjudication.jsonl")


def rebuild_differences(root: Path | None = None, *, write: bool = False) -> list[str]:
    """Files (and review items) whose rebuilt content differs from the committed one; empty when reproducible.

    With ``write`` the rebuilt gold files replace the committed ones (all at once, under the repository's write
    lock) and the list says which changed.
    """
    root = root or paths.repo_root()
    if not write:
        return _rebuild(root, write=False)
    from rukp.io.lock import annotations_lock

    with annotations_lock(paths.annotations_dir(root), "`rukp annotations rebuild --write`"):
        return _rebuild(root, write=True)


def _rebuild(root: Path, *, write: bool) -> list[str]:
    from rukp.annotations.adjudicate import build
    from rukp.annotations.errata import apply_errata, errata_path
    from rukp.annotations.review import apply_review, review_items
    from rukp.annotations.store import annotation_files, load_annotations
    from rukp.annotations.validate import validate
    from rukp.corpus.build import load_corpus
    from rukp.io.atomic import write_many_atomic

    ann = paths.annotations_dir(root)
    for name in ("seeds", "corpus", "annotations"):
        if not (root / name).is_dir():
            raise RukpError(f"not a checkout of the dataset: the folder {name}/ is missing", path=root)
    with tempfile.TemporaryDirectory(prefix="rukp-rebuild-") as tmp:
        scratch = Path(tmp)
        for name in ("seeds", "corpus", "annotations"):
            shutil.copytree(root / name, scratch / name)
        for name in GOLD_FILES:
            (scratch / "annotations" / name).unlink(missing_ok=True)
        problems = build(scratch)
        if problems:
            raise RukpError("round 1 does not rebuild: " + "; ".join(problems[:5]), path=ann / "adjudication")
        diffs = []
        recorded = ann / "adjudication" / "review_items.jsonl"
        if recorded.is_file():
            if dumps_jsonl(review_items(scratch)) != recorded.read_text(encoding="utf-8"):
                diffs.append(str(recorded))
            problems = apply_review(scratch)
            if problems:
                raise RukpError("round 2 does not rebuild: " + "; ".join(problems[:5]), path=recorded)
        corpus = {d["id"]: d for d in load_corpus(scratch)}
        errata = errata_path(root)
        if errata.is_file():
            fixed = apply_errata(load_annotations(scratch / "annotations"), corpus, errata)
            invalid = [str(p) for p in validate(list(corpus.values()), fixed)]
            if invalid:
                raise RukpError("the gold is invalid after the errata: " + "; ".join(invalid[:5]), path=errata)
            write_many_atomic(annotation_files(fixed, scratch / "annotations"))
        from rukp.annotations.layers import layer_paths, replay

        if layer_paths(ann):
            replayed = replay(load_annotations(scratch / "annotations"), ann)
            write_many_atomic(annotation_files(replayed, scratch / "annotations"))
        from rukp.annotations.curated import keep_curated

        curated = keep_curated(load_annotations(scratch / "annotations"), load_annotations(ann))
        write_many_atomic(annotation_files(curated, scratch / "annotations"))
        from rukp.annotations.review import scheme_pass_predictions

        if all((scratch / "annotations" / "raw" / p / "resolved.json").is_file() for p in ("C", "D")):
            write_many_atomic(scheme_pass_predictions(scratch))
        names = list(GOLD_FILES) + [f"raw/{p}/predictions.jsonl" for p in ("A", "B", "C", "D")
                                    if (scratch / "annotations" / "raw" / p / "predictions.jsonl").is_file()]
        for name in names:
            mine, theirs = scratch / "annotations" / name, ann / name
            if not theirs.is_file() or mine.read_text(encoding="utf-8") != theirs.read_text(encoding="utf-8"):
                diffs.append(str(theirs))
        if write:
            write_many_atomic({ann / name: (scratch / "annotations" / name).read_text(encoding="utf-8")
                               for name in names})
        return diffs
