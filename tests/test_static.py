"""Static checks run as part of the test suite, so `.ci/run` (the README's test
command) enforces them: mypy in strict mode on the package, ruff lint, and the
size limits that keep every module and function readable."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "symidx_tasks"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 500


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' installs it")
    return [found]


def test_mypy_strict_is_clean() -> None:
    run = subprocess.run([*_tool("mypy"), "--no-error-summary"], cwd=REPO, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_is_clean() -> None:
    run = subprocess.run([*_tool("ruff"), "check", "--quiet", "symidx_tasks"], cwd=REPO, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_over_the_limit() -> None:
    long = {str(p.relative_to(REPO)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_over_the_limit() -> None:
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(REPO)}:{node.lineno} {node.name}"] = n
    assert long == {}


# docs/architecture.md, "Layering": a module imports only from levels above its
# own (a lower number); the listed exceptions are known and must not grow.
# The shared leaves are ordered among themselves: each imports only the ones before it.
LEVELS = {"errors": 1.0, "model": 1.1, "fileio": 1.2, "git": 1.3, "config": 1.4, "locations": 1.5, "__init__": 7,
          "discover": 2, "extract": 2, "pipeline": 3, "store": 3, "query": 4,
          "freshness": 5, "impact": 5, "interop": 5, "frontends": 6}
KNOWN_EXCEPTIONS = {
    ("config", "discover"), ("config", "extract"), ("discover", "extract"), ("store", "pipeline"),
    ("pipeline", "store"), ("impact", "freshness"),
}


def _imported_units(path: Path) -> set[str]:
    """The top-level units of symidx_tasks that ``path`` imports (relative imports, any depth)."""
    rel = path.relative_to(PACKAGE).with_suffix("").parts
    units = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(rel[:-node.level]) if node.level <= len(rel) else []
            target = [*base, *(node.module.split(".") if node.module else [])]
            names = [] if target else [a.name for a in node.names]
            units.update(target[:1] or names)
    return units


def test_imports_follow_the_layering() -> None:
    crossings = set()
    for path in _modules():
        unit = path.relative_to(PACKAGE).with_suffix("").parts[0]
        for target in _imported_units(path):
            if target == unit or target not in LEVELS:
                continue
            if LEVELS[target] >= LEVELS[unit]:
                crossings.add((unit, target))
    assert crossings - KNOWN_EXCEPTIONS == set(), "an import against docs/architecture.md's layering"
    assert crossings == KNOWN_EXCEPTIONS, "an exception was removed: drop it from KNOWN_EXCEPTIONS and the doc"
