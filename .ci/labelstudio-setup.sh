#!/usr/bin/env bash
# Label Studio server for the live tests (tests/labelstudio/) and the documented workflow (docs/labelstudio.md),
# in its OWN venv: label-studio pins many packages (Django, numpy, pandas, ...) that must not shape the project's
# venv. The project itself only needs the client, label-studio-sdk==2.1.2 (a dependency in pyproject.toml).
#
# The server's whole environment is pinned by .ci/labelstudio-constraints.txt (every package, generated from a
# known-good install), so a new release of any dependency cannot break the start (sentry-sdk 3.0 did:
# "TypeError: Unknown option 'send_default_pii'"). Idempotent: an existing .venv-ls built from the same
# constraints file (same sha256, stamped inside the venv) is kept; any other one is rebuilt.
# Tests find the executable through RUKP_LS_BIN (exported by .ci/run) or at .venv-ls/bin/label-studio.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1

LS_VENV=${LS_VENV:-.venv-ls}
CONSTRAINTS=.ci/labelstudio-constraints.txt
LS_SPEC=$(grep -E '^label-studio==' "$CONSTRAINTS")
PYTHON=${PYTHON:-python3}
STAMP="$LS_VENV/.rukp-constraints.sha256"
want=$(sha256sum "$CONSTRAINTS" | cut -d' ' -f1)

if [ -x "$LS_VENV/bin/label-studio" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "labelstudio-setup: $LS_VENV already matches $CONSTRAINTS ($LS_SPEC)"
  exit 0
fi

rm -rf "$LS_VENV"
"$PYTHON" -m venv "$LS_VENV"
"$LS_VENV/bin/python" -m pip install -q --upgrade pip
"$LS_VENV/bin/python" -m pip install -q -c "$CONSTRAINTS" "$LS_SPEC"
# every installed package must be the pinned version (a constraints file only limits what gets installed)
"$LS_VENV/bin/python" -m pip check > /dev/null
"$LS_VENV/bin/python" - "$CONSTRAINTS" <<'PY'
import sys
from importlib.metadata import distributions
pins = {}
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if "==" in line:
        name, version = line.split("==", 1)
        pins[name.lower().replace("_", "-")] = version
wrong = []
for dist in distributions():
    name = dist.metadata["Name"].lower().replace("_", "-")
    if name in {"pip", "setuptools", "wheel"}:
        continue
    if name not in pins:
        wrong.append(f"{name} {dist.version} is not in the constraints file")
    elif pins[name] != dist.version:
        wrong.append(f"{name} {dist.version} installed, {pins[name]} pinned")
if wrong:
    sys.exit("labelstudio-setup: the server venv does not match the pins: " + "; ".join(wrong[:5]))
PY
echo "$want" > "$STAMP"
"$LS_VENV/bin/python" -c 'from importlib.metadata import version; print("labelstudio-setup: installed label-studio", version("label-studio"), "with sentry-sdk", version("sentry-sdk"), "(pinned)")'
