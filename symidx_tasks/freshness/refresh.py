"""``symidx serve --refresh``: an agent never reads a stale index without being told.

Before answering a tool call the MCP server calls ``Refresher.before_query()``:
1. a cheap staleness check: list the files as discovery does and compare them
   with the files table (added, removed, size changed) and each file's mtime
   with the build time; no file is read or hashed;
2. when stale, the incremental build (runner.py, in a child process), waited
   for at most ``timeout_s``;
3. past that, the answer gets a note ("stale: N files changed since the
   build"); the build goes on in the background and a later call finds it done.
Checks are throttled (one per ``min_interval_s``; calls in between get the
last answer), so a burst of tool calls costs one listing.

A touched but unchanged file counts as changed until a build has run since
(doit's checksums then make that build a cheap no-op).
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..config import load_config
from ..discover import list_repo
from ..errors import SymidxError
from ..store.db import connect_reader
from . import runner
from .lock import IndexFiles

DEFAULT_TIMEOUT_S = 5.0
MIN_INTERVAL_S = 1.0


@dataclass(frozen=True)
class Staleness:
    added: int
    removed: int
    modified: int

    @property
    def changed(self) -> int:
        return self.added + self.removed + self.modified


def quick_staleness(root: Path, db: Path, since: float | None = None) -> Staleness:
    """How the tree differs from the index at ``db``: no re-hash, only a listing
    and a stat per file. A file counts as modified when its size differs, or
    its mtime is after the build (meta ``built_at``, or ``since`` when later:
    the start of a build the caller ran). Raises SymidxError when the index or
    the config cannot be read."""
    conn = connect_reader(db)
    try:
        indexed = {path: size for path, size in conn.execute("SELECT path, size_bytes FROM files")}
        row = conn.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
    finally:
        conn.close()
    built = _timestamp(row[0] if row else None)
    reference = max(t for t in (built, since, 0.0) if t is not None)
    config = load_config(root)
    listing = list_repo(root, config)
    current, prefix = set(listing.files), f"{root}{os.sep}"
    added = len(current - indexed.keys())
    removed = len(indexed.keys() - current)
    modified = 0
    for rel in current & indexed.keys():
        try:
            st = listing.stat(prefix + rel)
        except OSError:
            removed += 1
            continue
        size = indexed[rel]
        if (size is not None and st.st_size != size) or st.st_mtime > reference:
            modified += 1
    return Staleness(added, removed, modified)


def _timestamp(iso: str | None) -> float | None:
    # built_at has whole seconds: a file touched in the build's second counts as
    # after it (a needless no-op build at worst, never a missed change).
    try:
        return datetime.fromisoformat(iso).timestamp() if iso else None
    except ValueError:
        return None


class Refresher:
    """What the MCP server asks before each tool call; thread-safe."""

    def __init__(self, db: str | os.PathLike[str], root: str | os.PathLike[str] | None = None,
                 timeout_s: float = DEFAULT_TIMEOUT_S, min_interval_s: float = MIN_INTERVAL_S,
                 jobs: int | None = None) -> None:
        self.db = Path(db).resolve()
        self._root = Path(root).resolve() if root is not None else None
        self.timeout_s = timeout_s
        self.min_interval_s = min_interval_s
        self.jobs = jobs or runner.default_jobs()
        self._lock = threading.Lock()
        self._checked_at = -1e9
        self._answer: str | None = None
        self._since: float | None = None  # wall-clock start of the last build this refresher saw finish
        self._build: runner.BuildProcess | None = None
        self._build_started = 0.0
        self.builds = 0  # builds started (for tests and logs)

    def before_query(self) -> str | None:
        """None when the index is fresh (or made fresh within the timeout), else
        a one-line note for the answer. Never raises."""
        if not self._lock.acquire(timeout=self.timeout_s + 1):
            return self._answer  # another call is refreshing: its last answer
        try:
            if time.monotonic() - self._checked_at >= self.min_interval_s:
                self._answer = self._refresh()
                self._checked_at = time.monotonic()
            return self._answer
        finally:
            self._lock.release()

    def _refresh(self) -> str | None:
        try:
            root = self._root or runner.resolve(None, self.db)[0]
            if self.db.exists():
                stale = quick_staleness(root, self.db, self._since)
                if not stale.changed:
                    return None
                what = f"{stale.changed} files changed since the build"
            else:
                what = "no index yet"  # a server started before the first build, given its root
        except (SymidxError, OSError) as exc:
            return f"stale: cannot check the index ({exc})"
        if self._build is None:
            self._build_started = time.time()
            self._build = runner.start_build(root, self.db, self.jobs, detach=True)
            self.builds += 1
        summary = self._build.wait(self.timeout_s)
        if summary is None:
            return f"stale: {what} (a rebuild is running)"
        self._build = None
        if summary.error is not None or summary.code != 0:
            return f"stale: {what} (the rebuild failed: see {IndexFiles(self.db).build_log})"
        self._since = self._build_started
        return None
