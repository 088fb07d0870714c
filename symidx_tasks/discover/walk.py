"""List the files of a repository the way its owners see it.

Fast path: ``git ls-files`` when the root is inside a git work tree (it already
knows .gitignore, .git/info/exclude and the global excludes). Fallback: a
scandir walk that applies every .gitignore it meets with pathspec. Both return
the same sorted, root-relative posix paths, never follow a symlink (so a link
loop or a link out of the tree cannot be walked into) and prune excluded and
hidden directories.
"""
from __future__ import annotations

import os
import re
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
    keep: dict[str, bool] = {}  # per directory: files share them, 60k files ~ 10k dirs
    out = []
    for path in listed:
        d = path.rpartition("/")[0]
        if d not in keep:
            keep[d] = not any(is_excluded_dir(part, excluded) for part in d.split("/")) if d else True
        if keep[d]:
            out.append(path)
    return sorted(out)


def is_excluded_dir(name: str, excluded: frozenset[str]) -> bool:
    # Hidden directories (.git, .venv, .symidx, .idea, ...) are never source.
    return name in excluded or name.startswith(".")


def _git_files(root: Path) -> list[str] | None:
    """Regular files git sees under root (tracked + untracked-not-ignored), or None.

    The three listings run concurrently: two of them stat or walk the whole
    tree, and a no-op re-run pays for this on every doit invocation."""
    commands = {
        "staged": ["--stage"],  # tracked paths with their modes
        "deleted": ["--deleted"],  # tracked but gone from the work tree
        "others": ["--others", "--exclude-standard"],  # untracked, not ignored
    }
    try:
        procs = {
            name: subprocess.Popen(["git", "-c", "core.quotepath=off", "ls-files", "-z", *args],
                                   cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            for name, args in commands.items()
        }
    except OSError:
        return None
    out = {}
    for name, proc in procs.items():
        data, _ = proc.communicate()
        if proc.returncode != 0:
            return None
        out[name] = [p for p in data.decode("utf-8", "surrogateescape").split("\0") if p]
    files: set[str] = set()
    for line in out["staged"]:
        meta, _, path = line.partition("\t")
        # 120000 = symlink, 160000 = submodule: neither is a file we index.
        if meta.startswith("100"):
            files.add(path)
    files.difference_update(out["deleted"])
    for path in out["others"]:
        try:
            if stat.S_ISREG(os.lstat(root / path).st_mode):
                files.add(path)
        except OSError:
            pass
    return list(files)


def _walk_files(root: Path, excluded: frozenset[str]) -> Iterable[str]:
    # scandir's d_type answers "file, directory or link?" without a stat call
    # per file; a stack of (directory, the .gitignore matchers in force there).
    stack: list[tuple[str, tuple[_Ignore, ...]]] = [("", ())]
    while stack:
        rel_dir, ignores = stack.pop()
        try:
            with os.scandir(root / rel_dir if rel_dir else root) as it:
                entries = list(it)
        except OSError:
            continue  # vanished or unreadable directory: nothing to list
        if any(e.name == ".gitignore" for e in entries):
            ignore = _Ignore.read(root, rel_dir)
            if ignore is not None:
                ignores = (*ignores, ignore)
        prefix = rel_dir + "/" if rel_dir else ""
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not is_excluded_dir(entry.name, excluded) and not _ignored(ignores, rel, True):
                        stack.append((rel, ignores))
                elif entry.is_file(follow_symlinks=False) and not _ignored(ignores, rel, False):
                    yield rel
            except OSError:
                continue


def _ignored(ignores: tuple["_Ignore", ...], rel: str, is_dir: bool) -> bool:
    return any(i.match(rel, is_dir) for i in ignores)


class _Ignore:
    """One .gitignore, matching paths relative to its own directory."""

    def __init__(self, base: str, spec: pathspec.PathSpec) -> None:
        self.base = base
        self.spec = spec
        # Without negations a .gitignore is one alternation: one regex call per
        # path instead of one per pattern (pathspec's loop dominated the walk).
        patterns = [p for p in spec.patterns if p.include is not None]
        self.combined = None
        if patterns and all(p.include and getattr(p, "regex", None) is not None for p in patterns):
            self.combined = re.compile("|".join(
                f"(?:{re.sub(r'[(][?]P<[^>]+>', '(?:', p.regex.pattern)})" for p in patterns)).match

    @classmethod
    def read(cls, root: Path, rel_dir: str) -> "_Ignore | None":
        try:
            text = (root / rel_dir / ".gitignore").read_text("utf-8", "replace")
        except OSError:
            return None
        spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
        return cls(rel_dir, spec) if len(spec) else None

    def match(self, rel: str, is_dir: bool) -> bool:
        sub = rel[len(self.base) + 1:] if self.base else rel
        sub = sub + "/" if is_dir else sub
        if self.combined is not None:
            return self.combined(sub) is not None
        return self.spec.match_file(sub)
