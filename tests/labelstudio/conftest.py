"""A real Label Studio server for the ``labelstudio`` tests: 127.0.0.1, free port, fresh data, no outbound calls.

The executable comes from ``$RUKP_LS_BIN`` (set by ``.ci/run``) or ``.venv-ls/bin/label-studio`` in the
checkout (made by ``.ci/labelstudio-setup.sh``). Without one the live tests are skipped locally, but fail
in CI (``CI=true``). Migrating a fresh data folder takes ~40 s, so one migrated template (admin user,
legacy API token) is made per session and copied for each test (a start then takes a few seconds).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rukp import paths

ADMIN = "admin@rukp.test"
START_TIMEOUT_S = 120
INIT_TIMEOUT_S = 600


def ls_executable() -> Path | None:
    """``$RUKP_LS_BIN``, else the checkout's ``.venv-ls/bin/label-studio``; None when neither exists."""
    env = os.environ.get("RUKP_LS_BIN")
    if env:
        return Path(env) if Path(env).is_file() else None
    local = paths.repo_root() / ".venv-ls" / "bin" / "label-studio"
    return local if local.is_file() else None


def server_env(data_dir: Path) -> dict[str, str]:
    """Environment for a sealed server: own data folder, legacy tokens on, every outbound call off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABEL_STUDIO_", "DJANGO_"))}
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
        "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
    })
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    return _free_port()


@pytest.fixture
def sealed_env() -> Callable[[Path], dict[str, str]]:
    """:func:`server_env`, for tests that start Label Studio their own way."""
    return server_env


@dataclass(frozen=True)
class Template:
    """A migrated data folder with an admin user (``ADMIN``, ``password``) whose legacy token is ``token``."""

    executable: Path
    data_dir: Path
    token: str
    password: str


@dataclass(frozen=True)
class Server:
    """A running server: its URL, the admin's API token, e-mail and password, the process id and its log file."""

    url: str
    token: str
    user: str
    password: str
    pid: int
    log: Path
    started_in_s: float


@pytest.fixture(scope="session")
def ls_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    executable = ls_executable()
    if executable is None:
        reason = ("no Label Studio executable: set RUKP_LS_BIN or run .ci/labelstudio-setup.sh "
                  "(creates .venv-ls/)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    data_dir = tmp_path_factory.mktemp("ls-template")
    token = secrets.token_hex(20)
    password = secrets.token_hex(12)
    log = data_dir.parent / "ls-init.log"
    with log.open("wb") as out:
        done = subprocess.run(
            [str(executable), "init", "--quiet", "--data-dir", str(data_dir), "--username", ADMIN,
             "--password", password, "--user-token", token, "--enable-legacy-api-token"],
            env=server_env(data_dir), stdout=out, stderr=subprocess.STDOUT, timeout=INIT_TIMEOUT_S, check=False)
    if done.returncode != 0:
        pytest.fail(f"label-studio init failed (exit {done.returncode}):\n{log.read_text()[-3000:]}")
    return Template(executable, data_dir, token, password)


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> float:
    import httpx

    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT_S:
        if proc.poll() is not None:
            pytest.fail(f"Label Studio exited with {proc.returncode} while starting:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    pytest.fail(f"Label Studio did not answer /health within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def ls_server(ls_template: Template, tmp_path: Path) -> Iterator[Server]:
    """A server on a copy of the template; stopped by its PID afterwards."""
    data_dir = tmp_path / "ls-data"
    shutil.copytree(ls_template.data_dir, data_dir)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "ls-server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(ls_template.executable), "start", "--data-dir", str(data_dir), "--internal-host", "127.0.0.1",
             "--port", str(port), "--no-browser", "--enable-legacy-api-token"],
            env=server_env(data_dir), stdout=out, stderr=subprocess.STDOUT)
    try:
        started_in = _wait_healthy(url, proc, log)
        yield Server(url, ls_template.token, ADMIN, ls_template.password, proc.pid, log, started_in)
    finally:
        os.kill(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, 9)
            proc.wait(timeout=30)


