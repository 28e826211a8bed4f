"""Two writers never lose work (a lock on the repository's annotations) and a multi-file write is all or nothing,
even when the process is killed between two renames (a journal finished by the next reader or writer)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import gold_checks
import pytest

from rukp.annotations.store import annotation_files, load_annotations, save_annotations
from rukp.errors import RukpError
from rukp.io.atomic import JOURNAL_PREFIX
from rukp.io.jsonl import read_json, read_jsonl
from rukp.io.lock import annotations_lock

BENCHMARK = str(Path(__file__).parents[1] / "benchmark")


def _python(code: str, **env: str) -> subprocess.Popen[str]:
    """``python -c code`` with this checkout's package, its output piped."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": BENCHMARK, **env})


def _rukp(*args: object, **env: str) -> subprocess.Popen[str]:
    return _python(f"from rukp.cli import main; main({[str(a) for a in args]!r})", **env)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------------------------ the lock

def test_a_second_writer_waits_then_refuses_with_one_message(tmp_path):
    ann = tmp_path / "annotations"
    ann.mkdir()
    holder = _python(f"""
        import time
        from pathlib import Path
        from rukp.io.lock import annotations_lock
        with annotations_lock(Path({str(ann)!r}), "the holder"):
            print("locked", flush=True)
            time.sleep(60)
        """)
    try:
        assert holder.stdout.readline().strip() == "locked"
        refused = pytest.raises(RukpError, match=r"another rukp command is writing these annotations "
                                                 r"\(waited 0\.3 s\); nothing written: run the second writer again")
        with refused, annotations_lock(ann, "the second writer", wait=0.3):
            pytest.fail("the lock was taken twice")
    finally:
        holder.kill()  # the process this test started; its lock goes with it
        holder.wait()
    with annotations_lock(ann, "after the holder", wait=5), annotations_lock(ann, "re-entrant", wait=0):
        pass


def _export_for(doc_index: int, tmp_path: Path) -> Path:
    """A Label Studio export that adds one GPE mention to a document of the corpus (task per document)."""
    from rukp.corpus.build import load_corpus

    doc = load_corpus()[doc_index]
    start = doc["text"].index("Russie")
    span = {"start": start, "end": start + 6}
    result = [{"id": f"new-{doc_index}", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {**span, "text": "Russie", "labels": ["GPE"]}},
              {"id": f"new-{doc_index}", "from_name": "entity_id", "to_name": "text", "type": "textarea",
               "value": {**span, "text": ["russia"]}}]
    task = {"id": doc_index + 1, "data": {"doc_id": doc["id"], "text": doc["text"]},
            "annotations": [{"id": 10 + doc_index, "result": result, "was_cancelled": False, "ground_truth": False,
                             "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}]}
    path = tmp_path / f"export-{doc['id']}.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    return path


def test_two_concurrent_imports_both_land(tmp_path):
    """Today's failure: both said "annotations written" and one change was lost."""
    from rukp.annotations.store import AnnotationSet

    ann = tmp_path / "annotations"
    save_annotations(AnnotationSet(), ann)
    exports = [_export_for(i, tmp_path) for i in (0, 1)]
    # each document is new and annotated once: accepted as single-annotated (--single-pass)
    procs = [_rukp("labelstudio", "import", e, "--annotations", ann, "--single-pass", RUKP_LOCK_WAIT="120")
             for e in exports]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert all("annotations written" in out for out, _ in outputs)
    docs = {e["doc_id"] for e in load_annotations(ann).entities}
    assert len(docs) == 2, f"one import's change was lost: only {docs} annotated"
    assert sorted(p.name for p in (ann / "imports").iterdir()) == ["001.json", "002.json"]


ARTICLE = "Un titre d'essai numéro {n}\n\nLe texte de l'article d'essai numéro {n} parle de Moscou et de Séoul.\n"


def test_two_concurrent_corpus_adds_get_two_ids(tmp_path):
    """Today's failure: two seeds with one id."""
    root = gold_checks.copy_checkout(tmp_path / "repo")
    before = len(read_json(root / "seeds" / "MANIFEST.json")["seeds"])
    articles = []
    for n in (1, 2):
        articles.append(tmp_path / f"article{n}.txt")
        articles[-1].write_text(ARTICLE.format(n=n), encoding="utf-8")
    procs = [_rukp("corpus", "add", a, "--root", root, RUKP_LOCK_WAIT="120") for a in articles]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    seeds = read_json(root / "seeds" / "MANIFEST.json")["seeds"]
    ids = [s["file"][:3] for s in seeds]
    assert len(seeds) == before + 2 and len(set(ids)) == len(ids), ids
    assert len(read_jsonl(root / "corpus" / "documents.jsonl")) == before + 2


# ---------------------------------------------------------------------------------------------- the journal

KILL_AT = """
    import os, signal, sys
    from pathlib import Path
    import rukp.io.atomic as atomic
    from rukp.annotations.store import load_annotations, save_annotations
    real = os.replace
    def replace(src, dst):
        if Path(dst).name == {target!r}:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(src, dst)
    atomic.os.replace = replace
    ann = load_annotations(Path({directory!r}))
    {edit}
    save_annotations(ann, Path({directory!r}))
    """


def _killed_write(directory: Path, target: str, edit: str) -> None:
    proc = _python(KILL_AT.format(target=target, directory=str(directory), edit=edit))
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture
def gold_copy(tmp_path) -> Path:
    ann = tmp_path / "annotations"
    save_annotations(load_annotations(), ann)
    return ann


def test_a_write_killed_between_two_renames_is_finished_by_the_next_reader(gold_copy):
    edit = "ann.entities[0]['label'] = 'LOC' if ann.entities[0]['label'] != 'LOC' else 'GPE'; ann.kb = ann.kb[1:]"
    _killed_write(gold_copy, "kb.jsonl", edit)
    # killed after entities.jsonl was replaced and before kb.jsonl was: a journal says what is left to do
    [journal] = gold_copy.glob(f"{JOURNAL_PREFIX}*.json")
    assert json.loads(journal.read_text(encoding="utf-8"))["state"] == "commit"
    fresh = load_annotations()
    ann = load_annotations(gold_copy)  # the next reader finishes the write: both files are the new ones
    assert ann.entities[0]["label"] != fresh.entities[0]["label"] and len(ann.kb) == len(fresh.kb) - 1
    assert [p.name for p in gold_copy.iterdir() if p.name.startswith(".")] == []  # no journal, no temp file left
    assert _snapshot(gold_copy) == {str(p.relative_to(gold_copy)): t.encode("utf-8")
                                    for p, t in annotation_files(ann, gold_copy).items()}


def test_a_write_killed_before_its_journal_is_committed_leaves_the_old_files(gold_copy):
    before = _snapshot(gold_copy)
    proc = _python(f"""
        import os, signal
        from pathlib import Path
        import rukp.io.atomic as atomic
        from rukp.annotations.store import load_annotations, save_annotations
        real = atomic._write_journal
        def journal(path, state, staged):
            if state == "commit":
                os.kill(os.getpid(), signal.SIGKILL)
            return real(path, state, staged)
        atomic._write_journal = journal
        ann = load_annotations(Path({str(gold_copy)!r}))
        ann.kb = ann.kb[1:]
        save_annotations(ann, Path({str(gold_copy)!r}))
        """)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert any(p.name.endswith(".tmp") for p in gold_copy.iterdir())  # staged temp files, journal not committed
    load_annotations(gold_copy)  # the next reader rolls it back
    assert _snapshot(gold_copy) == before
    assert [p.name for p in gold_copy.iterdir() if p.name.startswith(".")] == []
