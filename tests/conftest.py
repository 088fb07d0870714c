"""Fixtures shared by the read-side tests: the example monorepo indexed once per session.

``example_db`` is a real index of a copy of examples/polyglot, built through
doit; tests must treat it (and the copied tree) as read-only. Tests that edit a
tree build their own (``small_tree``).
"""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from symidx_tasks import query as q

from .indexing import build
from .trees import commit_all, git, write_tree

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


# The edit api-diff is shown on: a changed signature, an added and a removed function.
API_EDIT = ("libs/auth/shop_auth/tokens.py", [
    ("def verify_token(token: str, secret: str) -> Claims:",
     "def verify_token(token: str, secret: str, *, leeway: int = _LEEWAY_SECONDS) -> Claims:"),
    ("leeway=_LEEWAY_SECONDS)", "leeway=leeway)"),
    ("\n\ndef _now() -> int:", "\n\ndef revoke_token(token: str) -> None:\n"
     "    \"\"\"Refuses ``token`` from now on.\"\"\"\n\n\ndef _now() -> int:"),
    ("    def refresh(self, token: str) -> str:\n        claims = verify_token(token, self._secret)\n"
     "        return self.issue(claims.subject, list(claims.scopes))\n\n", ""),
])


@pytest.fixture(scope="session")
def api_diff_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example as a git repo (one commit) whose working tree has API_EDIT, indexed:
    what ``symidx api-diff HEAD`` is shown on. Read-only for tests."""
    tmp = tmp_path_factory.mktemp("api-diff")
    root = tmp / "polyglot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    git(root, "init", "-q")
    commit_all(root, "example")
    path, edits = API_EDIT
    text = (root / path).read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    (root / path).write_text(text)
    db = tmp / "index" / "index.db"
    build(root, db, jobs=2)
    return db


# Commands answered on an index of their own instead of the example's.
OWN_INDEX = {"api-diff": "api_diff_db"}


@pytest.fixture
def index_for(request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """command name -> the index its samples and documented examples run on."""
    def db(command: str) -> Path:
        path: Path = request.getfixturevalue(OWN_INDEX.get(command, "example_db"))
        return path
    return db


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


@pytest.fixture(autouse=True)
def _no_personal_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own SYMIDX_CACHE must not turn the result cache on for the
    suite: tests that patch extraction would get cached results instead."""
    monkeypatch.delenv("SYMIDX_CACHE", raising=False)
