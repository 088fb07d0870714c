"""Does a changed path matter to the index? Discovery's listing rules, asked
about a few paths at a time instead of listing the whole tree.

A path matters when discovery would list it (or listed it before it was
deleted): inside the root, under no excluded or hidden directory, not of an
excluded extension, not ignored by git (or, outside a work tree, by the
.gitignore files above it, as walk.py reads them). A ``.gitignore`` always
matters: it changes what is listed. The index's own directory never does
(the watcher must not wake up on its own builds).
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from ..config import IndexConfig, load_config
from ..discover.walk import DEFAULT_EXCLUDED_DIRS, Ignore, is_excluded_dir
from ..errors import ConfigError

ALWAYS = frozenset({".gitignore"})  # file names that change the listing itself


class PathFilter:
    """Discovery's ignore rules for ``root``, with the index at ``db``."""

    def __init__(self, root: Path, db: Path, config: IndexConfig | None = None,
                 ignore: Iterable[Path] = ()) -> None:
        self.root = root.resolve()
        self.db_dir = db.resolve().parent
        self.ignore = frozenset(p.resolve() for p in ignore)  # e.g. the watcher's own log file
        if config is None:
            try:
                config = load_config(self.root)
            except ConfigError:
                config = IndexConfig()  # the build reports the bad config; until then, the defaults
        self.excluded = frozenset(DEFAULT_EXCLUDED_DIRS | set(config.exclude_dirs))
        self.exclude_extensions = config.exclude_extensions
        self._in_git: bool | None = None

    def relative(self, path: str | os.PathLike[str]) -> str | None:
        """``path`` relative to the root (posix), when it is inside it and not
        ruled out by its directories, its extension or the index's own directory."""
        p = Path(path)
        if not p.is_absolute():
            p = self.root / p
        p = Path(os.path.normpath(p))
        if p == self.db_dir or self.db_dir in p.parents or p in self.ignore:
            return None
        try:
            rel = p.relative_to(self.root).as_posix()
        except ValueError:
            try:  # the same place through a symlink (an agent's cwd, /tmp on macOS)
                rel = Path(os.path.realpath(p)).relative_to(self.root).as_posix()
            except ValueError:
                return None
        if rel == ".":
            return None
        parts = rel.split("/")
        if any(is_excluded_dir(d, self.excluded) for d in parts[:-1]):
            return None
        name = parts[-1]
        if name in ALWAYS:
            return rel
        if self.exclude_extensions and name.lower().endswith(self.exclude_extensions):
            return None
        return rel

    def wanted(self, path: str | os.PathLike[str]) -> bool:
        """The cheap part alone (no git, no .gitignore reads): for the watcher's event filter."""
        return self.relative(path) is not None

    def relevant(self, paths: Iterable[str | os.PathLike[str]]) -> list[str]:
        """The root-relative paths among ``paths`` that matter to the index, sorted."""
        rels = {r for r in (self.relative(p) for p in paths) if r is not None}
        if not rels:
            return []
        ignored = self._gitignored(sorted(rels - {r for r in rels if r.rpartition("/")[2] in ALWAYS}))
        return sorted(rels - ignored)

    def _gitignored(self, rels: list[str]) -> set[str]:
        if not rels:
            return set()
        if self._in_git is not False:
            found = _git_check_ignore(self.root, rels)
            self._in_git = found is not None
            if found is not None:
                return found
        return _gitignore_files(self.root, rels)


def _git_check_ignore(root: Path, rels: list[str]) -> set[str] | None:
    """The paths git ignores (tracked files never are, as for `git ls-files`), or None outside a work tree."""
    try:
        proc = subprocess.run(["git", "-c", "core.quotepath=off", "check-ignore", "--stdin", "-z"],
                              cwd=root, input="\0".join(rels).encode("utf-8", "surrogateescape"),
                              capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode not in (0, 1):  # 128: not a work tree (or git failed)
        return None
    return {p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p}


def _gitignore_files(root: Path, rels: list[str]) -> set[str]:
    """As walk.py's fallback walk decides: each directory on the way down is
    matched by the .gitignore files above it, then the file by all of them."""
    cache: dict[str, Ignore | None] = {}

    def ignore_in(rel_dir: str) -> Ignore | None:
        if rel_dir not in cache:
            exists = (root / rel_dir / ".gitignore").is_file()
            # Its warnings (unreadable file, invalid pattern) are the build's to report.
            cache[rel_dir] = Ignore.read(root, rel_dir, []) if exists else None
        return cache[rel_dir]

    out = set()
    for rel in rels:
        parts = rel.split("/")
        in_force: list[Ignore] = []
        for depth in range(len(parts)):
            here = "/".join(parts[:depth])
            found = ignore_in(here)
            if found is not None:
                in_force.append(found)
            sub = "/".join(parts[: depth + 1])
            is_dir = depth < len(parts) - 1 or (root / sub).is_dir()
            if any(i.match(sub, is_dir) for i in in_force):
                out.add(rel)
                break
    return out
