"""The files beside an index DB that coordinate the processes keeping it fresh.

- ``watch.pid``: held with ``flock`` by the running watcher for its whole life
  and holding its pid. The kernel drops the lock when the process dies (even
  by ``kill -9``), so a stale file never blocks the next watcher: "running"
  means "locked", never "the file exists".
- ``watch.json``: what ``symidx watch --status`` reports (start, last build).
- ``build.lock``: held by whoever runs an incremental build (a watcher's
  build, ``symidx rebuild``, ``serve --refresh``), so two never race.
- ``build.queue``: held by the one build waiting for ``build.lock``; a second
  requester finds it taken and waits for that build instead of queueing one
  more (the queued build starts after both requests, so it covers both).
- ``build.log``: the output of builds run in the background.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fileio import write_atomic

POLL_S = 0.05


@dataclass(frozen=True)
class IndexFiles:
    """The coordination files of the index whose DB is ``db``."""

    db: Path

    @property
    def dir(self) -> Path:
        return self.db.parent

    @property
    def watch_pid(self) -> Path:
        return self.dir / "watch.pid"

    @property
    def watch_state(self) -> Path:
        return self.dir / "watch.json"

    @property
    def build_lock(self) -> Path:
        return self.dir / "build.lock"

    @property
    def build_queue(self) -> Path:
        return self.dir / "build.queue"

    @property
    def build_log(self) -> Path:
        return self.dir / "build.log"


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


def try_lock(path: Path, shared: bool = False) -> int | None:
    """An fd holding ``flock`` on ``path`` (created if missing), or None when another process holds it."""
    fd = _open(path)
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def wait_lock(path: Path, shared: bool = False, deadline: float | None = None) -> int | None:
    """Like try_lock, but waits for the lock until ``deadline`` (time.monotonic(); None = forever)."""
    if deadline is None:
        fd = _open(path)
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        return fd
    while True:
        held = try_lock(path, shared)
        if held is not None or time.monotonic() >= deadline:
            return held
        time.sleep(POLL_S)


def unlock(fd: int) -> None:
    os.close(fd)  # closing the only descriptor of the open file drops its flock


@contextmanager
def holding(path: Path) -> Iterator[None]:
    """Hold the exclusive lock on ``path`` for the block, waiting for it as long as it takes."""
    fd = wait_lock(path)
    assert fd is not None
    try:
        yield
    finally:
        unlock(fd)


def is_locked(path: Path) -> bool:
    if not path.exists():
        return False
    fd = try_lock(path, shared=True)
    if fd is None:
        return True
    unlock(fd)
    return False


# ---------------------------------------------------------------- the watcher's pid file


def claim_watch(files: IndexFiles) -> int | None:
    """Become the watcher of this index: the held fd, or None when one already runs."""
    fd = try_lock(files.watch_pid)
    if fd is None:
        return None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def running_watcher(files: IndexFiles) -> int | None:
    """The pid of the watcher running for this index, or None (0 while it is still starting)."""
    if not is_locked(files.watch_pid):
        return None
    try:
        text = files.watch_pid.read_text().strip()
    except OSError:
        return 0
    return int(text) if text.isdigit() else 0


def write_state(files: IndexFiles, state: dict[str, Any]) -> None:
    write_atomic(files.watch_state, json.dumps(state, sort_keys=True).encode())


def read_state(files: IndexFiles) -> dict[str, Any]:
    try:
        value = json.loads(files.watch_state.read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
