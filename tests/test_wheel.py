"""The data ships in the wheel: ``rukp.load`` works from an installed copy with no checkout around it."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from rukp import paths

pytestmark = pytest.mark.slow


def test_wheel_contains_the_views_and_loads_them(tmp_path):
    root = paths.repo_root()
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(wheels), str(root)], check=True)
    wheel = next(wheels.glob("rukp_fr-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for config in ("documents", "entities", "claims", "kb", "ner", "sentences"):
        assert f"rukp/data/{config}.jsonl" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True)
    code = ("import rukp, rukp.paths as p; d = rukp.load('documents')['test']; "
            f"print(p.BUNDLED_DATA.is_relative_to({str(target)!r}), d.num_rows, "
            "sum(len(x['entities']) for x in d))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         cwd=tmp_path, env={"PYTHONPATH": str(target), "HF_HUB_OFFLINE": "1",
                                            "PATH": "/usr/bin:/bin"}).stdout.split()
    expected = sum(1 for line in (root / "benchmark/rukp/data/entities.jsonl").open() if line.strip())
    assert out == ["True", "5", str(expected)]
