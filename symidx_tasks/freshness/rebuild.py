"""``symidx rebuild``: bring the index up to date after an edit, for agent hooks
and git hooks.

- With ``--stdin`` (an agent's PostToolUse hook) or ``--file``, only a change
  that matters to the index rebuilds (hook.py decides about the tool call,
  paths.py about the files); without either, it always rebuilds (git hooks).
- When a watcher runs for the index, it is signalled (SIGUSR1: build now) and
  the command returns at once.
- Otherwise the incremental build runs in a child process (runner.py) and the
  command returns when the DB holds the change, or after ``--timeout``
  seconds (default 10), leaving the build to finish in the background.
  ``build.lock`` keeps two builds from racing.

Exit codes: with ``--stdin`` always 0 — a hook must never fail the agent's
tool call — problems (malformed JSON, no index found) are one line on stderr.
Without it: 0 done or left running, 1 the build failed, 2 bad usage.
"""
from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from typing import TextIO

from ..errors import SymidxError
from . import runner
from .hook import HookInputError, needs_rebuild, parse_hook_input
from .lock import IndexFiles, running_watcher
from .paths import PathFilter

DEFAULT_TIMEOUT_S = 10.0


def rebuild(root: str | None = None, db: str | None = None, *, files: Sequence[str] = (), stdin: bool = False,
            timeout: float | None = None, jobs: int | None = None, stdin_stream: TextIO | None = None,
            out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``symidx rebuild [--db DB] [--root R] [--file F ...] [--stdin] [--timeout S] [-j N]``."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        return _rebuild(root, db, files, stdin, timeout, jobs, stdin_stream or sys.stdin, out, err)
    except (SymidxError, OSError) as exc:
        if not stdin:
            raise SymidxError(str(exc)) from None
        err.write(f"symidx rebuild: {exc}\n")
        return 0


def _rebuild(root: str | None, db: str | None, files: Sequence[str], stdin: bool, timeout: float | None,
             jobs: int | None, stdin_stream: TextIO, out: TextIO, err: TextIO) -> int:
    paths = list(files)
    reason = f"changed: {', '.join(paths)}" if paths else "asked to rebuild"
    cwd = None
    if stdin:
        try:
            call = parse_hook_input(stdin_stream.read())
        except HookInputError as exc:
            err.write(f"symidx rebuild: ignored malformed hook input: {exc}\n")
            return 0
        needed, reason = needs_rebuild(call)
        if not needed:
            return 0
        paths += call.paths
        cwd = call.cwd
        if call.command is not None and not call.paths:
            paths = []  # a command that may have written anywhere: rebuild, whatever the files
    root_path, db_path = runner.resolve(root, db, cwd)
    if stdin and root is None and db is None and not db_path.exists():
        # A hook configured for every project keeps existing indexes fresh; it does not create one.
        err.write(f"symidx rebuild: no index at {db_path}; build one with `symidx build` first\n")
        return 0
    if paths and not PathFilter(root_path, db_path).relevant(paths):
        return 0  # outside the root or ignored by discovery
    pid = running_watcher(IndexFiles(db_path))
    if pid:
        os.kill(pid, signal.SIGUSR1)
        print(f"symidx: asked the watcher (pid {pid}) to rebuild ({reason})", file=out)
        return 0
    proc = runner.start_build(root_path, db_path, jobs or runner.default_jobs(), detach=True)
    summary = proc.wait(DEFAULT_TIMEOUT_S if timeout is None else timeout)
    if summary is None:
        print(f"symidx: the build goes on in the background (pid {proc.pid}; log: "
              f"{IndexFiles(db_path).build_log})", file=out)
        return 0
    print(summary.line(), file=out)
    return 0 if stdin or summary.code == 0 else 1
