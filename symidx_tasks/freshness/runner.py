"""One incremental build at a time, in a child process: what the watcher, the
agent hook and ``serve --refresh`` share.

A build runs the one doit graph through ``pipeline.build.build()`` in a child
process (``python -m symidx_tasks.freshness _build``), never in the caller:
- the caller can stop waiting (an agent's time budget) while the build goes on,
  and a stopped watcher can end its build at once;
- doit's runner is never re-entered in one process, and the output doit and
  the merge write to the process's stdout is the child's alone (it goes to
  ``build.log`` beside the DB; the caller gets one JSON summary line).

The child holds ``build.lock`` while it builds; see lock.py for how a second
request joins a queued build instead of adding another.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import SymidxError
from ..locations import default_db, find_root
from .lock import IndexFiles, holding, try_lock, unlock, wait_lock

LOG_LIMIT = 1 << 20  # build.log is started afresh past this size


@dataclass
class BuildSummary:
    """What one build did, as the one line per build reports it."""

    code: int  # doit's exit code (0 = every task succeeded); -1 = the build could not run
    seconds: float
    reextracted: int | None = None  # packages the merge reloaded; 0 when the merge had nothing to do
    warnings: int | None = None
    joined: bool = False  # this request was covered by a build another process queued
    error: str | None = None

    def line(self) -> str:
        if self.error is not None:
            return f"symidx: build failed after {self.seconds:.1f}s: {self.error}"
        what = "joined a queued build" if self.joined else f"{self.reextracted} packages re-extracted"
        status = "" if self.code == 0 else f", doit exit code {self.code} (see build.log)"
        return f"symidx: build: {what}, {self.seconds:.1f}s, {self.warnings} warnings{status}"


def resolve(root: str | os.PathLike[str] | None, db: str | os.PathLike[str] | None,
            start: str | os.PathLike[str] | None = None) -> tuple[Path, Path]:
    """The (root, db) a command means: ``--db`` alone finds its root in the DB's
    meta, ``--root`` alone its default DB (locations.py), neither both from ``start``."""
    if db is not None:
        db_path = Path(db).resolve()
        if root is not None:
            return Path(root).resolve(), db_path
        indexed = _meta(db_path).get("root")
        if indexed and Path(indexed).is_dir():
            return Path(indexed).resolve(), db_path
        raise SymidxError(f"{db}: no index with a usable root yet: give --root")
    root_path = Path(root).resolve() if root is not None else find_root(start)
    return root_path, default_db(root_path).resolve()


def _meta(db: Path) -> dict[str, str]:
    from ..store.db import connect_reader

    try:
        conn = connect_reader(db)
    except SymidxError:
        return {}
    try:
        return {k: v for k, v in conn.execute("SELECT key, value FROM meta")}
    except sqlite3.Error:  # a DB being replaced or damaged: no facts, the build will tell
        return {}
    finally:
        conn.close()


def _db_stamp(db: Path) -> tuple[int, int] | None:
    try:
        st = db.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


# ---------------------------------------------------------------- the child


def build_now(root: Path, db: Path, jobs: int) -> BuildSummary:
    """In the child: build unless a queued build will cover this request; wait for it then."""
    files = IndexFiles(db)
    started = time.monotonic()
    queue = try_lock(files.build_queue)
    if queue is None:
        # A build is queued behind the running one and starts after this
        # request: it covers our change. It took build.lock before releasing
        # the queue, so once we get the queue, build.lock waits for its end.
        unlock(_wait(files.build_queue, shared=True))
        unlock(_wait(files.build_lock, shared=True))
        m = _meta(db)
        return BuildSummary(0, time.monotonic() - started, joined=True,
                            warnings=_int(m.get("count_warnings")))
    try:
        with holding(files.build_lock):
            unlock(queue)
            queue = None
            return _build(root, db, jobs, started)
    finally:
        if queue is not None:
            unlock(queue)


def _wait(path: Path, shared: bool) -> int:
    fd = wait_lock(path, shared=shared)
    assert fd is not None
    return fd


def _build(root: Path, db: Path, jobs: int, started: float) -> BuildSummary:
    from ..pipeline.build import build

    before = _db_stamp(db)
    try:
        code = build(root, db, jobs=jobs, out=sys.stdout)
    except SymidxError as exc:  # a bad config, a missing root: the DB is untouched
        return BuildSummary(-1, time.monotonic() - started, error=str(exc))
    m = _meta(db)
    # The merge runs (and rewrites meta) only when a result changed: an
    # unchanged DB file means nothing was reloaded, whatever meta still says.
    changed = _db_stamp(db) != before
    return BuildSummary(code, time.monotonic() - started,
                        reextracted=_int(m.get("last_reloaded")) if changed else 0,
                        warnings=_int(m.get("count_warnings")))


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def child_main(root: str, db: str, jobs: int) -> int:
    """``python -m symidx_tasks.freshness _build``: stdout carries exactly one
    JSON summary line; everything else the build prints goes to build.log."""
    files = IndexFiles(Path(db))
    summary_out = os.fdopen(os.dup(1), "w")
    files.dir.mkdir(parents=True, exist_ok=True)
    try:
        if files.build_log.stat().st_size > LOG_LIMIT:
            files.build_log.unlink()
    except OSError:
        pass
    log = os.open(files.build_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    summary = build_now(Path(root), Path(db), jobs)
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {summary.line()}", flush=True)
    try:
        summary_out.write(json.dumps(asdict(summary)) + "\n")
        summary_out.flush()
    except (BrokenPipeError, OSError):
        pass  # the requester stopped waiting (its time budget): the build is done anyway
    return 0 if summary.code == 0 else 1


# ---------------------------------------------------------------- the requester


class BuildProcess:
    """A running build child, as its requester sees it."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.started = time.monotonic()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def running(self) -> bool:
        return self.proc.poll() is None

    def wait(self, timeout: float | None) -> BuildSummary | None:
        """The child's summary (its seconds: as the requester waited, process start
        included), or None when it still runs after ``timeout`` seconds; call again to go on waiting."""
        try:
            out, _ = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        summary = parse_summary(out, self.proc.returncode)
        summary.seconds = time.monotonic() - self.started
        return summary

    def stop(self, grace_s: float) -> None:
        """End the build (SIGTERM, then SIGKILL after ``grace_s``): results and the merge are atomic.

        The signal goes to the child's process group, which holds doit's worker
        processes too: a worker whose runner died would wait for its next task
        forever, holding the build lock it inherited."""
        if self.running():
            self._signal(signal.SIGTERM)
            try:
                self.proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.proc.wait()

    def _signal(self, sig: int) -> None:
        # Only while the child is unreaped (running, or a zombie): its pid is then
        # still its group's id, never another process's.
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass


def start_build(root: Path, db: Path, jobs: int, detach: bool = False) -> BuildProcess:
    """Start a build child, leading a process group of its own (see ``stop``).
    ``detach``: in a session of its own, so it outlives the requester (and a
    signal to the requester's process group)."""
    return BuildProcess(subprocess.Popen(
        [sys.executable, "-m", "symidx_tasks.freshness", "_build", "--root", str(root), "--db", str(db),
         "--jobs", str(jobs)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=detach, process_group=None if detach else 0,
    ))


def parse_summary(out: str, returncode: int | None) -> BuildSummary:
    lines = out.strip().splitlines()
    try:
        data: dict[str, Any] = json.loads(lines[-1])
        return BuildSummary(**data)
    except (IndexError, ValueError, TypeError):
        return BuildSummary(-1, 0.0, error=f"build process ended with code {returncode} and no summary")


def default_jobs() -> int:
    return os.cpu_count() or 1
