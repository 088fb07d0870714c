"""The file listing: gitignore-aware, symlink-safe, same with or without git."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from symidx_tasks.discover.walk import list_files, list_tree

from ..trees import write_tree

TREE = {
    ".gitignore": "*.log\n/generated/\nsecret.py\n",
    "src/app.py": "x = 1\n",
    "src/app.log": "noise\n",
    "src/sub/.gitignore": "local_only.ts\n!keep.log\n",
    "src/sub/local_only.ts": "export const a = 1;\n",
    "src/sub/mod.ts": "export const b = 1;\n",
    "generated/out.py": "y = 2\n",
    "lib/generated/kept.py": "z = 3\n",  # "/generated/" is anchored to the root
    "lib/secret.py": "s = 1\n",
    "node_modules/dep/index.js": "module.exports = 1;\n",
    "pkg/target/debug.rs": "fn main() {}\n",
    ".hidden/tool.py": "h = 1\n",
    ".eslintrc.js": "module.exports = {};\n",
    "name with spaces.py": "w = 1\n",
    "ünïcode/modül.py": "u = 1\n",
}
EXPECTED = [
    ".eslintrc.js",
    ".gitignore",
    "lib/generated/kept.py",
    "name with spaces.py",
    "src/app.py",
    "src/sub/.gitignore",
    "src/sub/mod.ts",
    "ünïcode/modül.py",
]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "repo", TREE)


def test_plain_walk_applies_gitignore_and_exclusions(tree: Path) -> None:
    assert list_files(tree) == EXPECTED


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_listing_equals_plain_walk(tree: Path) -> None:
    _git(tree, "init", "-q")
    _git(tree, "add", "src/app.py", ".gitignore")
    _git(tree, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    # tracked + untracked-not-ignored, minus ignored: the same set as the walk
    assert list_files(tree) == EXPECTED


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_listing_drops_deleted_tracked_files(tree: Path) -> None:
    _git(tree, "init", "-q")
    _git(tree, "add", "-A")
    (tree / "src" / "app.py").unlink()
    assert "src/app.py" not in list_files(tree)


@pytest.mark.parametrize("use_git", [False, True])
def test_symlinks_are_never_followed(tmp_path: Path, use_git: bool) -> None:
    outside = write_tree(tmp_path / "outside", {"leak.py": "x = 1\n"})
    tree = write_tree(tmp_path / "repo", {"a/real.py": "r = 1\n"})
    os.symlink(tree / "a", tree / "a" / "loop")  # a/loop -> a: a cycle
    os.symlink(outside, tree / "out")  # a directory outside the tree
    os.symlink(tree / "a" / "real.py", tree / "alias.py")  # a file link: the target is indexed once
    os.symlink(tree / "missing.py", tree / "dangling.py")
    if use_git:
        _git(tree, "init", "-q")
        _git(tree, "add", "-A")
    assert list_files(tree) == ["a/real.py"]


def test_extra_excluded_dirs(tree: Path) -> None:
    assert "src/app.py" not in list_files(tree, excluded_dirs={"src"})


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_a_tracked_file_replaced_by_a_link_is_not_listed(tmp_path: Path) -> None:
    # As the plain walk: a link is never followed, whatever git's index says the path was.
    tree = write_tree(tmp_path / "repo", {"a/real.py": "r = 1\n", "b.py": "b = 1\n"})
    _git(tree, "init", "-q")
    _git(tree, "add", "-A")
    (tree / "b.py").unlink()
    os.symlink(tree / "a" / "real.py", tree / "b.py")
    assert list_files(tree) == ["a/real.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_a_git_listing_hands_each_file_stat_to_the_checker(tree: Path) -> None:
    # Keyed as a package task's file_dep spells the file (root + os.sep + path).
    _git(tree, "init", "-q")
    _git(tree, "add", "src/app.py", ".gitignore")
    listing = list_tree(tree)
    assert set(listing.stats) == {f"{tree}{os.sep}{p}" for p in EXPECTED}
    for full, st in listing.stats.items():
        now = os.stat(full)
        assert (st.st_size, st.st_mtime_ns, st.st_ino) == (now.st_size, now.st_mtime_ns, now.st_ino)


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_a_failed_read_of_gits_untracked_listing_falls_back_to_the_walk(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _git(tree, "init", "-q")
    _git(tree, "add", "src/app.py", ".gitignore")
    real = subprocess.Popen.communicate

    def failing(self: subprocess.Popen[bytes], *args: object, **kwargs: object) -> tuple[bytes, bytes]:
        if "--others" in self.args:
            raise OSError("read failed")
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(subprocess.Popen, "communicate", failing)
    listing = list_tree(tree)
    assert listing.files == EXPECTED and listing.stats == {}  # the scandir walk: no stats
