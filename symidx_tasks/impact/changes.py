"""Which files changed: from git (a base revision plus the working tree) or from a list.

Paths come out relative to the indexed root, posix style. A path that is not
under the root is kept (as written) so the caller can say it is not in the
repository rather than silently drop it.
"""
from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..git import git

# git's one-letter status -> our word. Copies (C) count as additions of the
# new path: the source is unchanged.
_GIT_STATUS = {"A": "added", "C": "added", "M": "modified", "T": "modified", "D": "deleted", "R": "renamed"}


@dataclass(frozen=True)
class Change:
    """One changed path. ``change`` is added, modified, deleted, renamed (then
    ``old_path`` is the path before) or, for a listed file, "listed" (unknown kind)."""

    path: str
    change: str
    old_path: str | None = None


def git_changes(root: Path, since: str) -> tuple[str, list[Change]]:
    """(base commit, changes): ``git diff`` from the merge base of ``since`` and
    HEAD to the working tree (committed, staged and unstaged changes, renames
    detected), plus untracked files that are not ignored.

    Diffing the merge base against the working tree gives the net change, so a
    file added in one commit and deleted in the next is no change at all.
    UsageError when ``root`` is not in a git work tree or ``since`` is no commit.
    """
    if git(root, "rev-parse", "--is-inside-work-tree") != "true":
        raise UsageError(f"{root} is not in a git work tree: name the changed files with --files")
    if git(root, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}") is None:
        raise UsageError(f"--since {since}: not a commit in {root}")
    base = git(root, "merge-base", since, "HEAD")
    if base is None:
        raise UsageError(f"--since {since}: no common ancestor with HEAD")
    # --relative: paths relative to the indexed root (which may be below the
    # top of the work tree), and only changes under it.
    diff = git(root, "diff", "--name-status", "-z", "-M", "--relative", "--no-color", "--no-ext-diff",
                base) or ""
    changes = _parse_name_status(diff)
    untracked = git(root, "ls-files", "-z", "--others", "--exclude-standard") or ""
    changes += [Change(p, "added") for p in untracked.split("\0") if p]
    return base, changes


def _parse_name_status(text: str) -> list[Change]:
    """``git diff --name-status -z``: STATUS NUL PATH NUL, or for renames and
    copies STATUS NUL OLD NUL NEW NUL."""
    fields = text.split("\0")
    out: list[Change] = []
    i = 0
    while i < len(fields) and fields[i]:
        letter = fields[i][0]
        if letter in "RC":
            old, new = fields[i + 1], fields[i + 2]
            out.append(Change(new, "renamed", old) if letter == "R" else Change(new, "added"))
            i += 3
        else:
            out.append(Change(fields[i + 1], _GIT_STATUS.get(letter, "modified")))
            i += 2
    return out


def listed_changes(root: Path, files: list[str]) -> tuple[list[Change], list[str]]:
    """(changes, paths outside the root): relative paths are relative to the
    root, absolute ones are made relative to it when they are under it."""
    changes: list[Change] = []
    outside: list[str] = []
    for f in files:
        rel = relative_to_root(root, f)
        if rel is None:
            outside.append(f)
        else:
            changes.append(Change(rel, "listed"))
    return changes, outside


def relative_to_root(root: Path, path: str) -> str | None:
    """``path`` as a normalised root-relative posix path; None when it is not
    under the root (or is the root itself)."""
    text = path.strip().replace("\\", "/")
    if os.path.isabs(text):
        # As written first; resolved when the root was reached through a symlink.
        for absolute in (Path(os.path.abspath(text)), Path(text).resolve()):
            if absolute.is_relative_to(root):
                text = absolute.relative_to(root).as_posix()
                break
        else:
            return None
    norm = posixpath.normpath(text) if text else "."
    return None if norm in (".", "..") or norm.startswith("../") else norm
