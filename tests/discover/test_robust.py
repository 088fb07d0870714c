"""Real trees: one bad input file never stops discovery or the build. Each
problem is left out with a warning that reaches the index (through the unit
owning the directory it is in), and the rest of the tree is indexed."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from symidx_tasks.config import IndexConfig
from symidx_tasks.discover import Discovery, discover
from symidx_tasks.discover.manifests.base import MAX_MANIFEST_BYTES
from symidx_tasks.discover.packages import find_packages

from ..indexing import build
from ..trees import write_tree

BASE = {
    "pyproject.toml": '[project]\nname = "app"\nversion = "1.0"\n',
    "app/__init__.py": "def main() -> None:\n    pass\n",
}


def _repo(tmp_path: Path, extra: dict[str, str | bytes]) -> Path:
    return write_tree(tmp_path / "repo", {**BASE, **extra})


def _git_init(root: Path) -> None:
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _all_warnings(found: Discovery) -> list[str]:
    out = [w for u in found.units for w in u.warnings]
    return out + [w for u in found.units if u.package is not None for w in u.package.warnings]


def _files(found: Discovery) -> set[str]:
    return {f.path for u in found.units for f in u.files}


def _indexed(tmp_path: Path, repo: Path) -> sqlite3.Connection:
    """Build the index (the run must succeed) and open it."""
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name FROM symbols").fetchall() == [("main",)]  # the rest is indexed
    return conn


def _db_warnings(conn: sqlite3.Connection) -> list[tuple[str | None, str]]:
    return conn.execute("SELECT package, message FROM warnings ORDER BY 1, 2").fetchall()


# -- .gitignore ----------------------------------------------------------------

def test_gitignore_with_a_lone_bang_outside_git(tmp_path: Path) -> None:
    # black ships such a file in its test data; git skips the line, so do we.
    repo = _repo(tmp_path, {
        "data/.gitignore": "*.log\n!\nkeep/\n",
        "data/run.log": "x\n",
        "data/keep/a.txt": "kept? no: ignored by keep/\n",
        "data/notes.txt": "listed\n",
    })
    found = discover(repo, IndexConfig())
    assert "data/notes.txt" in _files(found)
    assert "data/run.log" not in _files(found) and "data/keep/a.txt" not in _files(found)  # other lines apply
    expected = "data/.gitignore: line 2: invalid pattern '!' skipped, as git does"
    assert _all_warnings(found) == [expected]
    assert _db_warnings(_indexed(tmp_path, repo)) == [(".", expected)]


def test_gitignore_with_a_lone_bang_in_a_git_work_tree(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"data/.gitignore": "*.log\n!\n", "data/run.log": "x\n", "data/notes.txt": "y\n"})
    _git_init(repo)
    found = discover(repo, IndexConfig())
    assert "data/notes.txt" in _files(found) and "data/run.log" not in _files(found)
    assert _all_warnings(found) == []  # git reads the file itself, and says nothing


def test_gitignore_not_utf8_still_applies(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"data/.gitignore": b"# caf\xe9\n*.log\n", "data/run.log": "x\n", "data/a.txt": "y\n"})
    found = discover(repo, IndexConfig())
    assert "data/a.txt" in _files(found) and "data/run.log" not in _files(found)
    assert _all_warnings(found) == ["data/.gitignore: not UTF-8 (invalid byte at offset 5); read as bytes"]
    assert len(_db_warnings(_indexed(tmp_path, repo))) == 1


def test_gitignore_that_is_a_directory_or_a_link_is_not_read(tmp_path: Path) -> None:
    # As git: only a regular .gitignore file holds patterns.
    repo = _repo(tmp_path, {"data/.gitignore/inner.txt": "*.txt\n", "data/a.txt": "y\n",
                            "other/patterns": "*.txt\n", "other/b.txt": "z\n"})
    (repo / "other" / ".gitignore").symlink_to("patterns")
    found = discover(repo, IndexConfig())
    assert {"data/a.txt", "other/b.txt"} <= _files(found)
    assert "data/.gitignore/inner.txt" not in _files(found)  # a hidden directory, as any other
    assert _all_warnings(found) == []


def test_gitignore_problem_outside_every_package_goes_to_the_unowned_unit(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"loose/.gitignore": "!\n", "loose/a.txt": "y\n"})
    units = {u.key: u for u in discover(repo, IndexConfig()).units}
    assert units["@unowned"].warnings == ["loose/.gitignore: line 1: invalid pattern '!' skipped, as git does"]


# -- directories and names ---------------------------------------------------------

def test_unreadable_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repo(tmp_path, {"app/secret/a.py": "def hidden(): pass\n", "app/open.txt": "x\n"})
    locked = repo / "app" / "secret"
    if os.geteuid() == 0:  # root reads anything: make scandir fail as it would for anyone else
        real_scandir = os.scandir

        def scandir(path: str | os.PathLike[str]) -> object:
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied")
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        locked.chmod(0)
    try:
        found = discover(repo, IndexConfig())
    finally:
        locked.chmod(0o755)
    assert "app/open.txt" in _files(found) and "app/secret/a.py" not in _files(found)
    assert _all_warnings(found) == ["app/secret: cannot list directory (Permission denied); its files are not indexed"]


def test_file_name_not_utf8_is_listed_quietly(tmp_path: Path) -> None:
    # Stored escaped by the result file (test_bad_input.py follows it into the index).
    repo = _repo(tmp_path, {})
    (repo / "app" / os.fsdecode(b"caf\xe9.py")).write_text("def cafe(): pass\n")
    for in_git in (False, True):
        if in_git:
            _git_init(repo)
        found = discover(repo, IndexConfig())
        assert _files(found) == {"pyproject.toml", "app/__init__.py", "app/caf\udce9.py"}
        assert _all_warnings(found) == []


def test_symlink_loop_and_broken_symlink_manifest(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"lib/x.txt": "x\n"})
    (repo / "lib" / "loop").symlink_to("..")
    (repo / "lib" / "package.json").symlink_to("missing.json")
    found = discover(repo, IndexConfig())
    assert _files(found) == {"pyproject.toml", "app/__init__.py", "lib/x.txt"}  # links are never followed
    assert [u.key for u in found.units] == ["."]
    assert _all_warnings(found) == []
    _indexed(tmp_path, repo)


def test_tree_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    deep = "/".join(["d"] * 400)
    repo = _repo(tmp_path, {f"{deep}/package.json": '{"name": "deep"}\n', f"{deep}/x.txt": "x\n"})
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(300)  # a tree deeper than the limit, without a path longer than PATH_MAX
    try:
        units = {u.key: u for u in discover(repo, IndexConfig()).units}
    finally:
        sys.setrecursionlimit(limit)
    assert [f.path for f in units[deep].files] == [f"{deep}/package.json", f"{deep}/x.txt"]


# -- manifests -----------------------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    (b'{"name": "caf\xe9"}', "lib/package.json: not UTF-8 (invalid continuation byte at byte 13)"),
    (b"[" * 100_000 + b"]" * 100_000, "lib/package.json: RecursionError"),
    (b" " * (MAX_MANIFEST_BYTES + 1), f"lib/package.json: {MAX_MANIFEST_BYTES + 1} bytes, larger than any manifest"),
])
def test_bad_manifest_is_a_warned_package(tmp_path: Path, content: bytes, message: str) -> None:
    repo = _repo(tmp_path, {"lib/package.json": content, "lib/index.js": "export function lib() {}\n"})
    units = {u.key: u for u in discover(repo, IndexConfig()).units}
    lib = units["lib"].package  # still a package: its files do not fall to the root package
    assert lib is not None and lib.name == "lib"
    [warning] = lib.warnings
    assert warning.startswith(message)


def test_directory_named_like_a_manifest(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"lib/package.json/inner.txt": "x\n"})
    found = discover(repo, IndexConfig())
    assert "lib/package.json/inner.txt" in _files(found)
    assert [u.key for u in found.units] == ["."] and _all_warnings(found) == []


def test_manifest_replaced_by_a_directory_after_listing(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"lib/package.json/inner.txt": "x\n"})
    # A listing taken just before the file became a directory still names it.
    [lib] = find_packages(repo, ["lib/package.json", "lib/package.json/inner.txt"], IndexConfig())
    assert lib.path == "lib" and lib.warnings == ["lib/package.json: cannot read (Is a directory)"]
