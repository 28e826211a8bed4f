"""Atomic file writes: write to a temporary file in the same folder, then rename over the target.

Several files are replaced together through a journal (:func:`write_many_atomic`), so a process killed between
two renames leaves a state that the next writer or reader completes.

Written files get the permissions the umask gives (as ``open(path, "w")`` would), not the 0600 of
:func:`tempfile.mkstemp`. A target that exists and is not a regular file (``/dev/null``, a FIFO, a terminal)
is written directly, never replaced by a regular file. A failed write (a full disk, no permission, a lone
surrogate) is one :class:`RukpError` naming the file, and leaves no temporary file behind (a SIGTERM reaches
the cleanup too: the CLI turns it into an exception). JSON writers refuse non-finite numbers: ``NaN`` and
``Infinity`` are not JSON.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from rukp.errors import RukpError


def write_text_atomic(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so readers see either the old or the new file, never half."""
    write_many_atomic({Path(path): text})


def umask_mode() -> int:
    """The mode a new file gets from ``open()``: 0o666 less the process umask (read without changing it)."""
    try:  # Linux ≥ 4.7 shows the umask here; elsewhere set and restore it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def make_temp(path: Path, *, suffix: str = ".tmp") -> tuple[int, str]:
    """``mkstemp`` next to ``path`` whose file already has the umask's permissions (for a later rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.fchmod(fd, umask_mode())
    return fd, tmp


def is_special(path: Path) -> bool:
    """Whether ``path`` exists and is neither a regular file nor a folder (a device, a FIFO, a socket): such a
    target is written directly, never replaced by a regular file."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def write_error(error: OSError | UnicodeEncodeError, path: Path) -> RukpError:
    """One line for a failed write: the file and the system's reason (``No space left on device``)."""
    if isinstance(error, UnicodeEncodeError):  # only a lone surrogate cannot be written as UTF-8
        bad = error.object[error.start:error.end]
        return RukpError(f"cannot write the file: the text holds {bad!r}, a lone surrogate that UTF-8 cannot "
                         "encode (it came from the input: a JSON escape such as \\ud800 without its pair)", path=path)
    reason = error.strerror or type(error).__name__
    return RukpError(f"cannot write the file: {reason}", path=path)


@contextmanager
def open_output(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """A file object for ``path``: a temporary file renamed over it when the block ends without error, or the
    target itself when it is a device or FIFO. OS errors become one :class:`RukpError` naming the file."""
    path = Path(path)
    text = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
    if is_special(path):
        try:
            with open(path, mode, **text) as fh:  # noqa: SIM115
                yield fh
        except (OSError, UnicodeEncodeError) as e:
            raise write_error(e, path) from None
        return
    check_writable(path)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = make_temp(path)
        with os.fdopen(fd, mode, **text) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except (OSError, UnicodeEncodeError) as e:
        raise write_error(e, path) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def check_writable(path: Path) -> None:
    """Fail with one clear message before writing when ``path`` cannot be a file (a folder, or under a file)."""
    if path.is_dir():
        raise RukpError("is a directory; expected a file path to write", path=path)
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise RukpError(f"cannot write here: {parent} is a file, not a folder", path=path)
            break


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (a PNG …), atomically and with the umask's permissions."""
    write_many_atomic({Path(path): data})


def write_many_atomic(files: Mapping[Path, str | bytes]) -> None:
    """Write several files so that either all are replaced or none is, even if the process dies between renames.

    Values are text (written as UTF-8 with ``\\n`` line ends) or bytes (written as they are). Every file is first
    written to a temporary file next to it; a journal in the files' common folder (``.rukp-journal-*.json``) lists
    them, and is marked committed before the first rename. A journal left by a process that died is finished by
    :func:`finish_pending` (committed: the remaining renames are done; not committed: the temporary files are
    removed), which the next writer or reader of that folder runs.
    """
    for path in files:
        check_writable(Path(path))
    special = {Path(p): v for p, v in files.items() if is_special(Path(p))}
    regular = {Path(p): v for p, v in files.items() if Path(p) not in special}
    if regular:
        try:
            _replace_all(regular)
        except (OSError, UnicodeEncodeError) as e:
            raise write_error(e, next(iter(regular)) if len(regular) == 1 else
                              Path(os.path.commonpath([str(p.parent.absolute()) for p in regular]))) from None
    for path, text in special.items():  # a device or FIFO: written as it is, never replaced
        with open_output(path, "wb" if isinstance(text, bytes) else "w") as fh:
            fh.write(text)


def _replace_all(files: Mapping[Path, str | bytes]) -> None:
    """The temporary files, the journal and the renames of :func:`write_many_atomic` (regular targets)."""
    targets = list(files)
    for path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
    journal: Path | None = None
    if len(targets) > 1:
        folder = Path(os.path.commonpath([str(p.parent.absolute()) for p in targets]))
        finish_pending(folder)
        journal = folder / f"{JOURNAL_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.json"
    staged: list[tuple[str, Path]] = []
    try:
        for path in targets:
            fd, tmp = make_temp(path)
            os.close(fd)
            staged.append((tmp, path))
        if journal is not None:
            _write_journal(journal, "staging", staged)
        for (tmp, _), text in zip(staged, files.values(), strict=True):
            with open(tmp, "wb") as fh:
                fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
        if journal is not None:
            _write_journal(journal, "commit", staged)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        if journal is not None:
            journal.unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
    if journal is not None:
        journal.unlink()


JOURNAL_PREFIX = ".rukp-journal-"


def _write_journal(journal: Path, state: str, staged: list[tuple[str, Path]]) -> None:
    """Record (atomically, durably) the pairs temporary file → target, relative to the journal's folder."""
    folder = journal.parent
    pairs = [[os.path.relpath(tmp, folder), os.path.relpath(path.absolute(), folder)] for tmp, path in staged]
    body = json.dumps({"pid": os.getpid(), "state": state, "files": pairs}, ensure_ascii=False)
    tmp = journal.with_name(journal.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(body)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def finish_pending(folder: Path) -> list[Path]:
    """Finish the multi-file writes of ``folder`` that a dead process left half done; returns the files replaced.

    A committed journal is rolled forward (its remaining renames are done), an uncommitted one rolled back (its
    temporary files are removed). Journals of running processes are left alone.
    """
    done: list[Path] = []
    if not folder.is_dir():
        return done
    for journal in sorted(folder.glob(f"{JOURNAL_PREFIX}*.json")):
        try:
            record = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # another process finished it meanwhile
        if not isinstance(record, dict) or _alive(record.get("pid")):
            continue
        for tmp, target in record.get("files", []):
            tmp_path = folder / tmp
            if not tmp_path.is_file():
                continue
            if record.get("state") == "commit":
                os.replace(tmp_path, folder / target)
                done.append(folder / target)
            else:
                tmp_path.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
    return done


def _non_finite(error: ValueError, where: str) -> RukpError:
    return RukpError(f"refusing to write {where}: it holds a number that is NaN or infinite, which JSON "
                     f"cannot represent ({error})")


def dumps_jsonl(rows: Iterable[Mapping[str, Any]]) -> str:
    """Serialise rows as JSONL: one compact object per line, keys in given order, UTF-8 kept readable."""
    lines = []
    for number, row in enumerate(rows, start=1):
        try:
            lines.append(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
        except ValueError as e:
            raise _non_finite(e, f"line {number}") from None
    return "".join(lines)


def dumps_json(obj: Any) -> str:
    """Serialise an object as indented JSON with a final newline (stable, diff-friendly)."""
    try:
        return json.dumps(obj, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    except ValueError as e:
        raise _non_finite(e, "a JSON file") from None
