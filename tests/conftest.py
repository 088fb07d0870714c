"""Fixtures shared by the read-side tests: the example monorepo indexed once per session.

``example_db`` is a real index of a copy of examples/polyglot, built through
doit; tests must treat it (and the copied tree) as read-only. Tests that edit a
tree build their own (``small_tree``).
"""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from symidx_tasks import query as q

from .indexing import build
from .trees import write_tree

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "polyglot"

# A tiny one-package tree for tests that edit files or build with the CLI.
SMALL = {
    "pyproject.toml": '[project]\nname = "small"\nversion = "1.0.0"\n',
    "small/money.py": "def pay(amount: int) -> int:\n    return amount\n",
    "small/deploy.py": "def deploy() -> None:\n    pass\n",
    "small/touched.py": "def same() -> None:\n    pass\n",
}


def build_example(tmp: Path) -> Path:
    """Index a snapshot of examples/polyglot (a copy: the tests must not see it change)."""
    root = tmp / "polyglot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    db = tmp / "index" / "index.db"
    build(root, db, jobs=2)
    return db


@pytest.fixture(scope="session")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example index (read-only for tests)."""
    return build_example(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="session")
def example_root(example_db: Path) -> Path:
    """The indexed copy of examples/polyglot (read-only for tests)."""
    return example_db.parent.parent / "polyglot"


@pytest.fixture(scope="session")
def conn(example_db: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the example index."""
    c = q.open_index(example_db)
    yield c
    c.close()


@pytest.fixture
def small_tree(tmp_path: Path) -> Path:
    """A fresh copy of SMALL (not indexed) under tmp_path/tree."""
    return write_tree(tmp_path / "tree", SMALL)
