"""List the files of a repository the way its owners see it.

Fast path: ``git ls-files`` when the root is inside a git work tree (it already
knows .gitignore, .git/info/exclude and the global excludes). Fallback: an
``os.walk`` that applies every .gitignore it meets with pathspec. Both return
the same sorted, root-relative posix paths, never follow a symlink (so a link
loop or a link out of the tree cannot be walked into) and prune excluded and
hidden directories.
"""
from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path
from typing import Iterable

import pathspec

DEFAULT_EXCLUDED_DIRS: frozenset[str] = frozenset(
    {
        "node_modules", "bower_components", "vendor", "third_party", "target", "dist",
        "build", "venv", "__pycache__",
    }
)


def list_files(root: str | os.PathLike[str], excluded_dirs: Iterable[str] = DEFAULT_EXCLUDED_DIRS) -> list[str]:
    root = Path(root)
    excluded = frozenset(excluded_dirs)
    listed = _git_files(root)
    if listed is None:
        return sorted(_walk_files(root, excluded))
    return sorted(p for p in listed if _keep(p, excluded))


def is_excluded_dir(name: str, excluded: frozenset[str]) -> bool:
    # Hidden directories (.git, .venv, .symidx, .idea, ...) are never source.
    return name in excluded or name.startswith(".")


def _keep(path: str, excluded: frozenset[str]) -> bool:
    parts = path.split("/")
    return not any(is_excluded_dir(d, excluded) for d in parts[:-1])


def _git(root: Path, *args: str) -> list[str] | None:
    try:
        out = subprocess.run(
            ["git", "-c", "core.quotepath=off", "ls-files", "-z", *args],
            cwd=root, capture_output=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def _git_files(root: Path) -> list[str] | None:
    """Regular files git sees under root (tracked + untracked-not-ignored), or None."""
    staged = _git(root, "--stage")
    if staged is None:
        return None
    files: set[str] = set()
    for line in staged:
        meta, _, path = line.partition("\t")
        mode = meta.split(" ", 1)[0]
        # 120000 = symlink, 160000 = submodule: neither is a file we index.
        if mode.startswith("100"):
            files.add(path)
    files.difference_update(_git(root, "--deleted") or ())
    for path in _git(root, "--others", "--exclude-standard") or ():
        try:
            if stat.S_ISREG(os.lstat(root / path).st_mode):
                files.add(path)
        except OSError:
            pass
    return list(files)


def _walk_files(root: Path, excluded: frozenset[str]) -> Iterable[str]:
    # Each entry: (directory relative to root, the gitignore spec defined there).
    specs: list[tuple[str, pathspec.PathSpec]] = []

    def ignored(rel: str, is_dir: bool) -> bool:
        for base, spec in specs:
            if base and not rel.startswith(base + "/"):
                continue
            sub = rel[len(base) + 1 :] if base else rel
            if spec.match_file(sub + "/" if is_dir else sub):
                return True
        return False

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        specs = [(b, s) for b, s in specs if not b or rel_dir == b or rel_dir.startswith(b + "/")]
        if ".gitignore" in filenames:
            try:
                lines = (Path(dirpath) / ".gitignore").read_text("utf-8", "replace").splitlines()
                specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass
        prefix = rel_dir + "/" if rel_dir else ""
        dirnames[:] = sorted(
            d for d in dirnames
            if not is_excluded_dir(d, excluded)
            and not os.path.islink(os.path.join(dirpath, d))
            and not ignored(prefix + d, True)
        )
        for name in filenames:
            rel = prefix + name
            try:
                if not stat.S_ISREG(os.lstat(os.path.join(dirpath, name)).st_mode):
                    continue
            except OSError:
                continue
            if not ignored(rel, False):
                yield rel
