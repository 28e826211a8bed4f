#!/usr/bin/env bash
# Label Studio server for the live tests (tests/labelstudio/test_live_server.py), in its OWN venv:
# label-studio pins many packages (Django, numpy, pandas, ...) that must not shape the project's venv.
# The project itself only needs the client, label-studio-sdk==2.1.2 (a dependency in pyproject.toml).
# Idempotent: an existing .venv-ls with label-studio 1.23.x is kept. Tests find the executable through
# RUKP_LS_BIN (exported by .ci/run) or at .venv-ls/bin/label-studio.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

LS_VENV=.venv-ls
LS_SPEC='label-studio==1.23.*'
PYTHON=${PYTHON:-python3}

if [ -x "$LS_VENV/bin/label-studio" ] && "$LS_VENV/bin/python" - <<'PY'
import sys
from importlib.metadata import version
sys.exit(0 if version("label-studio").startswith("1.23.") else 1)
PY
then
  echo "labelstudio-setup: $LS_VENV already has label-studio $("$LS_VENV/bin/python" -c 'from importlib.metadata import version; print(version("label-studio"))')"
  exit 0
fi

rm -rf "$LS_VENV"
"$PYTHON" -m venv "$LS_VENV"
"$LS_VENV/bin/python" -m pip install -q --upgrade pip
"$LS_VENV/bin/python" -m pip install -q "$LS_SPEC"
"$LS_VENV/bin/python" -c 'from importlib.metadata import version; print("labelstudio-setup: installed label-studio", version("label-studio"), "with label-studio-sdk", version("label-studio-sdk"))'
