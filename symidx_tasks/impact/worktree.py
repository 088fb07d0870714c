"""A revision of the indexed repo checked out beside it, for as long as it is needed.

``temporary_worktree`` adds a detached ``git worktree`` of a commit in a new
temporary directory and removes it (the checkout, git's record of it, the
directory) when the ``with`` block ends: normally, on an exception, on Ctrl-C
(KeyboardInterrupt) and, in the main thread, on SIGTERM, which it turns into
KeyboardInterrupt for the duration. Only ``kill -9`` leaves one behind; git
lists it (``git worktree list``) and ``git worktree prune`` drops it once its
directory is gone.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from ..errors import UsageError
from ..git import git

# A checkout writes every file of the revision: far longer than git.TIMEOUT_S on a large repo.
CHECKOUT_TIMEOUT_S = 600
TEMP_PREFIX = "symidx-api-diff-"


@dataclass(frozen=True)
class Revision:
    """A revision as the user named it and the commit it names."""

    name: str
    commit: str


def resolve_revision(root: Path, rev: str) -> Revision:
    """The commit ``rev`` names in the work tree holding ``root``; UsageError
    when ``root`` is in no work tree or ``rev`` names no commit."""
    if git(root, "rev-parse", "--is-inside-work-tree") != "true":
        raise UsageError(f"{root} is not in a git work tree: api-diff compares git revisions")
    commit = git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if commit is None:
        raise UsageError(f"{rev}: not a commit in {root}")
    return Revision(rev, commit)


@contextmanager
def temporary_worktree(root: Path, revision: Revision) -> Iterator[Path]:
    """Check out ``revision`` in a temporary worktree of the repository holding
    ``root``; yield the directory in it that corresponds to ``root`` (the
    indexed root may lie below the top of the work tree)."""
    top = git(root, "rev-parse", "--show-toplevel")
    if top is None:
        raise UsageError(f"{root} is not in a git work tree: api-diff compares git revisions")
    prefix = git(root, "rev-parse", "--show-prefix") or ""
    scratch = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    tree = scratch / "tree"
    try:
        with _sigterm_as_interrupt():
            _git_checked(Path(top), "worktree", "add", "--detach", "--quiet", str(tree), revision.commit)
            yield tree / prefix
    finally:
        _remove(Path(top), tree, scratch)


def _git_checked(cwd: Path, *args: str) -> None:
    try:
        run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=CHECKOUT_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"git {args[0]} {args[1]}: {exc}") from None
    if run.returncode != 0:
        raise UsageError(f"git {' '.join(args[:2])} failed: {run.stderr.strip() or run.returncode}")


def _remove(top: Path, tree: Path, scratch: Path) -> None:
    """Remove the worktree however far its creation got; never raises (it runs
    while another exception may be on its way out)."""
    # Ctrl-C pressed again while cleaning up must not leave the checkout behind.
    with _signals_deferred():
        if tree.exists():
            git(top, "worktree", "remove", "--force", str(tree))
        shutil.rmtree(scratch, ignore_errors=True)
        # Drops git's record of a worktree whose directory is gone (a failed
        # `worktree add`, or a `remove` that did not finish).
        git(top, "worktree", "prune")


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt meanwhile, so ``finally`` blocks run
    (signal handlers can only be set in the main thread: elsewhere, unchanged)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM ignored meanwhile (main thread only); the cleanup takes a second or two."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def leftover_worktrees(root: Path) -> list[str]:
    """Paths of this module's worktrees that git still lists for the repository of ``root``."""
    listing = git(root, "worktree", "list", "--porcelain") or ""
    paths = [line.removeprefix("worktree ") for line in listing.splitlines() if line.startswith("worktree ")]
    return [p for p in paths if os.path.basename(os.path.dirname(p)).startswith(TEMP_PREFIX)]
