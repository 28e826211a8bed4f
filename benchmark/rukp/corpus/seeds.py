"""The seed articles: a manifest of file name, size and SHA-256, checked before anything reads them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rukp.errors import RukpError
from rukp.io.jsonl import read_json, read_text

MANIFEST_NAME = "MANIFEST.json"
METADATA_NAME = "metadata.json"


@dataclass(frozen=True)
class Seed:
    """One verbatim seed article."""

    file: str
    text: str
    sha256: str


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_entries(seeds_dir: Path) -> list[dict]:
    """Manifest rows computed from the ``.txt`` files now in ``seeds_dir`` (for writing a manifest)."""
    rows = []
    for path in sorted(seeds_dir.glob("*.txt")):
        data = path.read_bytes()
        rows.append({"file": path.name, "size": len(data), "sha256": sha256_bytes(data)})
    return rows


def load_manifest(seeds_dir: Path) -> list[dict]:
    path = seeds_dir / MANIFEST_NAME
    manifest = read_json(path)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("seeds"), list):
        raise RukpError('expected an object with a "seeds" list', path=path)
    for i, row in enumerate(manifest["seeds"]):
        if not isinstance(row, dict) or not {"file", "size", "sha256"} <= row.keys():
            raise RukpError(f"seed entry {i} must have file, size and sha256", path=path)
    return manifest["seeds"]


def load_seeds(seeds_dir: Path) -> list[Seed]:
    """Read every seed listed in the manifest, failing on a missing, changed or non-UTF-8 file."""
    seeds = []
    for row in load_manifest(seeds_dir):
        path = seeds_dir / row["file"]
        if not path.is_file():
            raise RukpError("seed listed in the manifest is missing", path=path)
        data = path.read_bytes()
        digest = sha256_bytes(data)
        if len(data) != row["size"] or digest != row["sha256"]:
            raise RukpError(
                f"seed changed: manifest says {row['size']} bytes, sha256 {row['sha256'][:12]}…; "
                f"file has {len(data)} bytes, sha256 {digest[:12]}…", path=path)
        seeds.append(Seed(file=row["file"], text=read_text(path, keep_bom=True), sha256=digest))
    listed = {row["file"] for row in load_manifest(seeds_dir)}
    for path in sorted(seeds_dir.glob("*.txt")):
        if path.name not in listed:
            raise RukpError(f"seed file is not in {MANIFEST_NAME} (add it with `rukp corpus add`)", path=path)
    return seeds


def load_metadata(seeds_dir: Path) -> dict[str, dict]:
    """Editorial metadata per seed file (date, evidence, basis) decided by a person, keyed by file name."""
    path = seeds_dir / METADATA_NAME
    data = read_json(path)
    if not isinstance(data, dict):
        raise RukpError("expected an object keyed by seed file name", path=path)
    return data
