"""Invariants of the gold, as functions of a checkout root: they hold for the shipped gold and for any gold extended
through the documented workflow (docs/labelstudio.md), so no check may depend on today's counts.

The shipped-gold tests call them on this checkout; ``test_gold_extension.py`` calls every one of them (through
:data:`ALL_CHECKS`) on a temporary copy extended with ``rukp labelstudio export|import`` and the rebuild commands.
Each raises ``AssertionError`` with what to run or fix.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rukp import paths
from rukp.io.jsonl import read_jsonl

#: What a checkout needs for every gold check and every build command (copied by :func:`copy_checkout`).
CHECKOUT_PARTS = ("seeds", "corpus", "annotations", "benchmark/rukp/data", "README.md", "DATASHEET.md",
                  "CITATION.cff", "croissant.json", "pyproject.toml")
#: The five articles the dataset was released with: an extension may add documents, never remove these.
ORIGINAL_DOCS = ("000", "001", "002", "003", "004")
ADJUDICATION_DECISIONS = ("A", "B", "none", "custom", "gold", "CD")


def copy_checkout(dest: Path, root: Path | None = None) -> Path:
    """Copy the data, annotations and generated documents of ``root`` into ``dest``; returns ``dest``."""
    root = root or paths.repo_root()
    for rel in CHECKOUT_PARTS:
        src, out = root / rel, dest / rel
        if src.is_dir():
            shutil.copytree(src, out)
        elif src.is_file():
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out)
    return dest


def corpus_ids(root: Path) -> list[str]:
    return [d["id"] for d in read_jsonl(paths.corpus_dir(root) / "documents.jsonl")]


# ------------------------------------------------------------------------------------------ annotations

def check_gold_is_valid(root: Path) -> None:
    """The project validator finds no problem (offsets, labels, links, furniture, text hashes)."""
    from rukp.annotations.store import load_annotations
    from rukp.annotations.validate import validate
    from rukp.corpus.build import load_corpus

    problems = validate(load_corpus(root), load_annotations(paths.annotations_dir(root)))
    assert problems == [], problems[:10]


def check_gold_rebuilds(root: Path) -> None:
    """Raw passes + decisions + errata + import layers give exactly the committed annotation files."""
    from rukp.annotations.rebuild import rebuild_differences

    assert rebuild_differences(root) == [], "the gold does not rebuild: run `rukp annotations rebuild --write`"


def check_adjudication_decided(root: Path) -> None:
    """Every adjudication item was decided, with a reason, and both readings recorded."""
    ann = paths.annotations_dir(root)
    log = read_jsonl(ann / "adjudication.jsonl")
    items = read_jsonl(ann / "adjudication" / "items.jsonl")
    review = read_jsonl(ann / "adjudication" / "review_items.jsonl")
    assert {i["item"] for i in items} | {i["item"] for i in review} == {row["item"] for row in log}
    for row in log:
        assert row["decision"] in ADJUDICATION_DECISIONS, row["item"]
        assert len(row["reason"]) > 20, row["item"]
        if row["kind"] in ("entity", "claim", "cluster", "relation") and "round" not in row:
            assert "A" in row and "B" in row, row["item"]  # both readings recorded


def check_errata(root: Path) -> None:
    """Each erratum has an id, an operation and a reason."""
    for row in read_jsonl(paths.annotations_dir(root) / "errata.jsonl"):
        assert row["op"] and row["id"].startswith("ERR-") and len(row["reason"]) > 20, row


def check_raw_passes(root: Path) -> None:
    """Passes A–D cover the original articles (documents added later need no raw pass) and are complete."""
    ids = set(corpus_ids(root))
    assert set(ORIGINAL_DOCS) <= ids
    for p in ("A", "B", "C", "D"):
        folder = paths.annotations_dir(root) / "raw" / p
        raw_ids = {f.stem for f in folder.glob("[0-9][0-9][0-9].json")}
        assert set(ORIGINAL_DOCS) <= raw_ids <= ids, p
        for doc in sorted(raw_ids):
            raw = json.loads((folder / f"{doc}.json").read_text(encoding="utf-8"))
            assert raw["doc_id"] == doc and raw["entities"] and raw["claims"], (p, doc)
        assert (folder / "kb.json").is_file() and (folder / "clusters.json").is_file(), p


def check_import_layers(root: Path) -> None:
    """Import layers are numbered 001, 002, … without gaps, and the next import gets the next number."""
    from rukp.annotations.layers import layer_paths, next_layer_path

    ann = paths.annotations_dir(root)
    layers = layer_paths(ann)
    assert [p.name for p in layers] == [f"{n:03d}.json" for n in range(1, len(layers) + 1)]
    assert next_layer_path(ann).name == f"{len(layers) + 1:03d}.json"
    for path in layers:
        layer = json.loads(path.read_text(encoding="utf-8"))
        assert layer.get("changes"), f"{path}: an import layer records at least one change"


# ------------------------------------------------------------------------------------------ generated files

def check_corpus_fresh(root: Path) -> None:
    from rukp.corpus.build import build

    assert build(root, check=True).stale == [], "corpus/ is stale: run `rukp corpus build`"


def check_agreement_fresh(root: Path) -> None:
    from rukp.annotations.agreement import write_agreement

    assert write_agreement(root, check=True)[1] is False, "agreement.json is stale: run `rukp agreement`"


def check_views_fresh(root: Path) -> None:
    from rukp.dataset.build import build_dataset

    stale = build_dataset(root, check=True).stale
    assert stale == [], f"stale: {[str(p) for p in stale]}: run `rukp dataset build`"


def check_docs_fresh(root: Path) -> None:
    from rukp.docs.build import build_docs

    stale = build_docs(root, check=True).stale
    assert stale == [], f"stale: {[str(p) for p in stale]}: run `rukp docs build`"


def check_views_agree(root: Path) -> None:
    """The dataset views count the same things: every entity, claim and kb mention once, in every view."""
    data = paths.data_dir(root)
    docs = read_jsonl(data / "documents.jsonl")
    entities, claims, kb = (read_jsonl(data / f"{c}.jsonl") for c in ("entities", "claims", "kb"))
    assert [d["id"] for d in docs] == corpus_ids(root)
    assert sum(len(d["entities"]) for d in docs) == len(entities) > 0
    assert sum(len(d["claims"]) for d in docs) == len(claims) > 0
    linked = Counter(e["entity_id"] for e in entities if e["entity_id"])
    assert {k["entity_id"]: k["mentions"] for k in kb} == {k["entity_id"]: linked[k["entity_id"]] for k in kb}
    assert set(linked) <= {k["entity_id"] for k in kb}
    texts = {d["id"]: d["text"] for d in docs}
    for row in (*entities, *claims):
        assert texts[row["doc_id"]][row["start"]:row["end"]] == row["text"], row["id"]


def check_card_counts(root: Path) -> None:
    """The card header declares, per config, the number of rows its file has."""
    import yaml

    text = (root / "README.md").read_text(encoding="utf-8")
    card = yaml.safe_load(text[4:text.index("\n---\n", 3)])
    for info in card["dataset_info"]:
        rows = len(read_jsonl(paths.data_dir(root) / f"{info['config_name']}.jsonl"))
        assert info["splits"][0]["num_examples"] == rows, info["config_name"]


#: Every gold check, in the order the documented workflow makes them true.
ALL_CHECKS: tuple[Callable[[Path], None], ...] = (
    check_gold_is_valid, check_gold_rebuilds, check_adjudication_decided, check_errata, check_raw_passes,
    check_import_layers, check_corpus_fresh, check_agreement_fresh, check_views_fresh, check_views_agree,
    check_card_counts, check_docs_fresh,
)
