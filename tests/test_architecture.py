"""The package's plan: imports run one way (base ← scoring ← io ← evaluation ← reports ← cli), no circles,
no file access in ``rukp.scoring``, and the command line starts without the scoring stack.

The import graph is read from the source with :mod:`ast`, imports inside functions included (a lazy import
that runs the wrong way is still a knot). ``docs/architecture.md`` explains the layers.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "benchmark" / "rukp"

#: Layers, lowest first: a module may import modules of its own layer or a lower one. Each module belongs to
#: the longest prefix listed; every module must belong to one.
LAYERS: dict[str, tuple[str, ...]] = {
    "base": ("rukp.errors", "rukp.schema", "rukp.paths", "rukp.defaults", "rukp.views", "rukp.progress",
             "rukp.io.jsonl", "rukp.io.atomic", "rukp.dataset.tokenize", "rukp.dataset.word_tokens"),
    "scoring": ("rukp.scoring",),
    "io": ("rukp.io", "rukp.extractors"),
    "evaluation": ("rukp.evaluation", "rukp.corpus", "rukp.annotations", "rukp.dataset", "rukp.docs",
                   "rukp.labelstudio"),
    "reports": ("rukp.reports", "rukp.leaderboard"),
    "cli": ("rukp.cli", "rukp.__main__"),
    "tools": ("rukp.bench", "rukp.bench_bootstrap"),
}
RANK = {name: i for i, name in enumerate(LAYERS)}

#: Packages on one layer that must not import each other: scoring a model and curating the gold.
INDEPENDENT = (("rukp.evaluation",), ("rukp.corpus", "rukp.annotations", "rukp.dataset", "rukp.docs",
                                     "rukp.labelstudio"))

#: The facade: ``rukp`` itself (``__version__``, lazy ``rukp.evaluate`` / ``rukp.load``) may be imported by all.
FACADE = "rukp"

HEAVY = ("numpy", "scipy", "pyarrow", "spacy", "datasets", "sklearn", "pandas", "matplotlib")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str:
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _imports(path: Path) -> set[str]:
    """The rukp modules a file imports, anywhere in it (``from pkg import mod`` counts as ``pkg.mod``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found |= {_resolve(n) for n in names if n == "rukp" or n.startswith("rukp.")}
    return found


GRAPH = {module: _imports(path) - {module} for module, path in MODULES.items()}


def _layer(module: str) -> str:
    best = max(((prefix, name) for name, prefixes in LAYERS.items() for prefix in prefixes
                if module == prefix or module.startswith(prefix + ".")), default=None, key=lambda p: len(p[0]))
    assert best is not None, f"{module} belongs to no layer: add it to LAYERS (and to docs/architecture.md)"
    return best[1]


def _group(module: str) -> int | None:
    for i, prefixes in enumerate(INDEPENDENT):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    return None


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        if module != FACADE:
            _layer(module)


#: The only calls allowed to run upward: ``Report.to_html`` / ``Comparison.to_html`` (issue 17's
#: ``rukp.evaluate(...).to_html(path)``) call the renderer lazily; the renderer never calls back into scoring.
ALLOWED_UPWARD = {("rukp.evaluation.report", "rukp.reports.html"), ("rukp.evaluation.compare", "rukp.reports.html")}


def test_imports_run_downward() -> None:
    upward = []
    for module, targets in GRAPH.items():
        if module == FACADE:
            continue
        for target in targets - {FACADE} - {t for m, t in ALLOWED_UPWARD if m == module}:
            if RANK[_layer(target)] > RANK[_layer(module)]:
                upward.append(f"{module} ({_layer(module)}) imports {target} ({_layer(target)})")
            a, b = _group(module), _group(target)
            if a is not None and b is not None and a != b:
                upward.append(f"{module} imports {target}: scoring a model and curating the gold stay apart")
    assert not upward, "imports that run the wrong way:\n" + "\n".join(sorted(upward))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles() -> None:
    graph = {m: t - {FACADE} for m, t in GRAPH.items() if m != FACADE}
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


#: Calls that touch files: built-in ``open`` and these methods (``Path.read_text``, ``json.load``, ...).
FILE_CALLS = {"read_text", "read_bytes", "write_text", "write_bytes", "open", "is_file", "is_dir", "exists",
              "stat", "iterdir", "glob", "rglob", "mkdir", "unlink", "load", "dump", "read_json", "read_table"}


def test_scoring_reads_no_files() -> None:
    found = []
    for module, path in MODULES.items():
        if not module.startswith("rukp.scoring"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (isinstance(func, ast.Name) and func.id == "open") or (
                    isinstance(func, ast.Attribute) and func.attr in FILE_CALLS):
                found.append(f"{module}:{node.lineno}: {ast.unparse(func)}(...)")
    assert not found, "scoring must not touch files (move the reading to rukp.io):\n" + "\n".join(found)


@pytest.mark.parametrize("argv", [["--help"], ["evaluate", "--help"]])
def test_cli_help_imports_no_heavy_library(argv: list[str]) -> None:
    code = ("import sys\nfrom rukp.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"sys.stderr.write('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, timeout=60)
    assert "Usage" in done.stdout, done.stderr
    heavy = done.stderr.rsplit("HEAVY=", 1)[1].strip()
    assert heavy == "", f"`rukp {' '.join(argv)}` imports {heavy}: import them inside the command function"


def test_import_rukp_cli_is_light() -> None:
    code = f"import sys, rukp, rukp.cli\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
