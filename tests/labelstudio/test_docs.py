"""docs/labelstudio.md's server steps are copy-paste exact: its ``bash`` blocks run as written in a scratch copy.

The blocks of section 0 (install, headless start on loopback with the user and token from the environment,
push, dry-run pull) and section 6 (stop) run in one ``bash`` with ``set -euo pipefail``; the only change is
a free port instead of 8080. The server's database goes to a temporary folder (``LABEL_STUDIO_BASE_DATA_DIR``)
instead of ``~/.local/share/label-studio``, and nothing else of the environment is Label Studio's.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from rukp import paths
from rukp.corpus.build import load_corpus

DOC = paths.repo_root() / "docs" / "labelstudio.md"
RUN_SECTIONS = ("0. Start Label Studio", "6. Stop Label Studio")
DOC_PORT = "8080"
SCRIPT_TIMEOUT_S = 900


def bash_blocks(markdown: str) -> dict[str, list[str]]:
    """The ```bash blocks of each ``## `` section, by section title."""
    blocks: dict[str, list[str]] = {}
    section = ""
    for match in re.finditer(r"^## ([^\n]+)$|^```bash\n(.*?)^```$", markdown, flags=re.M | re.S):
        if match.group(1) is not None:
            section = match.group(1).strip()
        else:
            blocks.setdefault(section, []).append(match.group(2))
    return blocks


def _scratch_copy(root: Path, dest: Path) -> Path:
    """The repository's tracked files (git), else the folder without its virtual environments and caches."""
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=False)
    if listed.returncode == 0 and listed.stdout:
        for name in listed.stdout.decode().split("\0"):
            if name and (root / name).is_file():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / name, dest / name)
    else:
        shutil.copytree(root, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            ".git", ".venv*", "__pycache__", ".*_cache", ".hypothesis", "artefacts"))
    return dest


def _steps() -> str:
    """Sections 0 and 6's ``bash`` blocks, in order."""
    blocks = bash_blocks(DOC.read_text(encoding="utf-8"))
    missing = [s for s in RUN_SECTIONS if s not in blocks]
    assert not missing, f"docs/labelstudio.md lost its section(s) {missing}; update RUN_SECTIONS"
    return "\n".join(b for s in RUN_SECTIONS for b in blocks[s])


def test_the_documented_steps_start_on_loopback_with_the_key_from_the_environment():
    steps = _steps()
    assert "--internal-host 127.0.0.1" in steps and 'export LABEL_STUDIO_API_KEY="$LABEL_STUDIO_USER_TOKEN"' in steps
    assert "rukp labelstudio push" in steps and "rukp labelstudio pull" in steps and "kill %1" in steps
    assert not re.search(r"--(password|user-token|api-key)\b", steps)  # no secret on a command line
    assert steps.count(DOC_PORT) >= 3


@pytest.mark.labelstudio
@pytest.mark.slow
def test_the_documented_server_steps_run_as_written(ls_template, free_port, sealed_env, tmp_path):
    steps = _steps()
    port = str(free_port)
    script = "set -euo pipefail\n" + steps.replace(DOC_PORT, port)

    scratch = _scratch_copy(paths.repo_root(), tmp_path / "repo")
    (scratch / ".venv-ls").symlink_to(ls_template.executable.parent.parent, target_is_directory=True)
    env = sealed_env(tmp_path / "ls-data")
    del env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"]  # the documented steps must switch it on themselves
    env.update(RUKP_ROOT=str(scratch), PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}")

    proc = subprocess.Popen(["bash", "-c", script], cwd=scratch, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=SCRIPT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        pytest.fail(f"the documented steps did not finish within {SCRIPT_TIMEOUT_S} s:\n{out.decode()[-3000:]}")
    finally:
        with contextlib.suppress(ProcessLookupError):  # the server, should `kill %1` have missed it
            os.killpg(proc.pid, signal.SIGKILL)
    text = out.decode()
    log = (scratch / "label-studio.log").read_text(errors="replace")
    assert proc.returncode == 0, f"exit {proc.returncode}:\n{text[-3000:]}\nlabel-studio.log:\n{log[-3000:]}"
    assert f"project 'rukp-fr' (id 1) created: {len(load_corpus())} task(s) added" in text
    assert text.rstrip().endswith("no changes"), text[-3000:]
    assert f"Starting development server at http://127.0.0.1:{port}/" in log
