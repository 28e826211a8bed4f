"""The Label Studio server environment is pinned as a whole (issue 21 §1): every package, one exact version."""

from __future__ import annotations

import re

from rukp import paths

CI = paths.repo_root() / ".ci"


def _pins() -> dict[str, str]:
    pins = {}
    for line in (CI / "labelstudio-constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-!]+", line), f"not an exact pin: {line!r}"
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    return pins


def test_every_package_is_pinned_exactly_and_the_known_breakage_is_excluded() -> None:
    pins = _pins()
    assert pins["label-studio"].startswith("1.23.")
    assert pins["label-studio-sdk"] == "2.1.2"  # the client the project uses (pyproject.toml) is the server's own
    assert int(pins["sentry-sdk"].split(".")[0]) < 3  # sentry-sdk 3.0 crashes label-studio 1.23 at start
    assert {"django", "numpy", "pandas"} <= set(pins)  # the whole environment, not only the top package
    assert len(pins) > 100


def test_setup_script_installs_with_the_constraints_and_rebuilds_when_they_change() -> None:
    script = (CI / "labelstudio-setup.sh").read_text(encoding="utf-8")
    assert '-c "$CONSTRAINTS"' in script
    assert "sha256sum" in script and "STAMP" in script
    assert "labelstudio-setup.sh" in (CI / "run").read_text(encoding="utf-8")
