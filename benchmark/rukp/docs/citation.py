"""The citation of the dataset, read once from ``CITATION.cff`` and rendered as BibTeX and APA for the card."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from rukp import paths
from rukp.errors import RukpError
from rukp.io.jsonl import read_text

CITATION_FILE = "CITATION.cff"


@dataclass(frozen=True)
class Citation:
    """The fields of ``CITATION.cff`` the documentation uses."""

    title: str
    authors: tuple[str, ...]
    version: str
    date_released: str | None
    licenses: tuple[str, ...]

    @property
    def year(self) -> str | None:
        """Year of release, or None while unreleased."""
        return self.date_released[:4] if self.date_released else None

    def bibtex(self) -> str:
        """A ``@misc`` BibTeX entry (no year while the dataset has no release date)."""
        fields = [("title", "{" + self.title + "}"), ("author", " and ".join("{" + a + "}" for a in self.authors)),
                  ("version", self.version), ("note", "Dataset and benchmark harness")]
        if self.year:
            fields.insert(2, ("year", self.year))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        return f"@misc{{rukp_fr,\n{body}\n}}"

    def apa(self) -> str:
        """An APA 7 reference for a data set (``n.d.`` while there is no release date)."""
        authors = ", ".join(self.authors)
        return f"{authors}. ({self.year or 'n.d.'}). *{self.title}* (Version {self.version}) [Data set]."


def _author(entry: object) -> str:
    if isinstance(entry, dict):
        if entry.get("name"):
            return str(entry["name"])
        parts = [entry.get("given-names"), entry.get("name-particle"), entry.get("family-names")]
        if any(parts):
            return " ".join(str(p) for p in parts if p)
    raise RukpError(f"author entry {entry!r} has neither name nor family-names", path=CITATION_FILE)


def load_citation(root: Path | None = None) -> Citation:
    """Parse ``CITATION.cff`` of a checkout; a missing file or field is a :class:`RukpError` naming it."""
    path = (root or paths.repo_root()) / CITATION_FILE
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as e:
        raise RukpError(f"not valid YAML ({e})", path=path) from None
    if not isinstance(data, dict):
        raise RukpError("expected a YAML mapping", path=path)
    missing = [k for k in ("title", "authors", "version") if not data.get(k)]
    if missing:
        raise RukpError(f"missing field(s) {', '.join(missing)}", path=path)
    licenses = data.get("license") or []
    released = data.get("date-released")
    return Citation(title=str(data["title"]), authors=tuple(_author(a) for a in data["authors"]),
                    version=str(data["version"]), date_released=str(released) if released else None,
                    licenses=tuple([licenses] if isinstance(licenses, str) else licenses))
