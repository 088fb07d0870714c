"""A doit file checker that trusts the stat and reads a file only when its stat moved.

``doit_config`` plugs it in (``DOIT_CONFIG["check_file_uptodate"]``) for every entry point.

Saved state of one file_dep: ``[size, mtime_ns, inode, sha256 hex, racy]``.

``check_modified`` (every run, every file_dep; gets doit's ``os.stat``):
    - size, mtime_ns and inode as saved, and the state not racy: unchanged,
      without reading the file;
    - another size: changed;
    - otherwise the content decides: changed iff its SHA-256 differs. So a
      touch, a ``cp -p`` or a rename of identical bytes over the file is not a
      change, as with doit's default ``md5`` checker (and, as there, the state
      is not rewritten then, so such a file is read again on every run until
      its task runs).

``get_state`` (after a task succeeded, every file_dep): what the task read,
when it handed its digests over (``hand_over``, called by FileGuard), without
a stat: even when the file changed since, its result is of those bytes, so the
next run must see the file as changed (its stat differs from the one saved),
not as indexed. Else ``None`` (keep the saved state) when the stat is still
the saved one and the state is not racy, else the file read now.

Racy state (git's "racily clean" index entries): file timestamps come from a
coarse clock, so a file rewritten with the same size within the same clock
tick keeps its mtime. A state saved within one tick of the file's mtime is
marked racy and its content is compared on every check, until a later save
finds the file older than that. The tick: ``RACY_WINDOW_NS`` (2 s) for an
mtime with no sub-second part (a file system keeping whole seconds: ext3,
HFS+, FAT), else ``FINE_RACY_WINDOW_NS`` (the kernel's coarse clock ticks in
milliseconds). Not 2 s for every file: a fresh checkout built at once would
save every state racy, and each no-op would then read every file again.

Differences from doit's ``MD5Checker``: nanosecond mtimes instead of float
seconds, the inode is compared too (a file replaced by another with the same
size and mtime is caught), one ``stat`` instead of two per saved file, SHA-256
(several times faster than MD5 where the CPU has SHA instructions) read in one
call for small files, and racy states.
"""
from __future__ import annotations

import os
import time
from typing import Any

from doit.dependency import FileChangedChecker

from ..fileio import file_digest

# Longer than the timestamp granularity of file systems that keep whole seconds
# (FAT: 2 s) and than the clock skew of a sane network file system.
RACY_WINDOW_NS = 2_000_000_000
# Nanosecond timestamps advance with the kernel's coarse clock (1-10 ms a tick).
FINE_RACY_WINDOW_NS = 50_000_000

State = list[Any]  # [size, mtime_ns, inode, sha256 hex, racy]; JSON in doit's DB

# Per process, like the parser caches: by file_dep path, the (size, mtime_ns,
# inode) a package task read a file under and the SHA-256 of what it read
# (``hand_over``). doit gives ``get_state`` no task to ask, and without these
# it reads every source again right after the worker did. Taken once each.
_HANDED: dict[str, tuple[tuple[int, int, int], str]] = {}


# Per process, replaced by each task load: by file_dep path, the lstat the file
# listing took (``prefetch``), used by ``info`` once instead of a second stat.
_PREFETCHED: dict[str, os.stat_result] = {}


def prefetch(stats: dict[str, os.stat_result]) -> None:
    """Offer ``info`` the stats the file listing took (by file_dep path);
    replaces any earlier offer. They are at most a task load old: an edit
    after the listing is seen by the next run, as one after doit's check is."""
    _PREFETCHED.clear()
    _PREFETCHED.update(stats)


def hand_over(digests: dict[str, list[Any]]) -> None:
    """Offer ``get_state`` the digests a task computed: path -> [size, mtime_ns, inode, sha256]."""
    for path, (size, mtime_ns, inode, digest) in digests.items():
        _HANDED[path] = ((size, mtime_ns, inode), digest)


def is_racy(mtime_ns: int, now_ns: int) -> bool:
    """Whether a file with this mtime may still be rewritten within its timestamp's tick."""
    window = RACY_WINDOW_NS if mtime_ns % 1_000_000_000 == 0 else FINE_RACY_WINDOW_NS
    return mtime_ns >= now_ns - window


def _valid(state: Any) -> bool:
    """A state this checker wrote (doit drops a task's states when the checker
    changes, but a hand-edited or foreign dep file must not crash the run)."""
    return isinstance(state, list) and len(state) == 5


class StatChecker(FileChangedChecker):  # type: ignore[misc]  # doit is untyped
    """(size, mtime_ns, inode) decide, the content's SHA-256 when they do not."""

    def info(self, file_path: str) -> os.stat_result:
        st = _PREFETCHED.pop(file_path, None)
        return st if st is not None else os.stat(file_path)

    def check_modified(self, file_path: str, file_stat: os.stat_result, state: Any) -> bool:
        if not _valid(state):
            return True
        size, mtime_ns, inode, digest, racy = state
        if file_stat.st_size != size:
            return True
        if not racy and file_stat.st_mtime_ns == mtime_ns and file_stat.st_ino == inode:
            return False
        try:
            return bool(file_digest(file_path) != digest)
        except OSError:
            return True

    def get_state(self, dep: str, current_state: Any) -> State | None:
        handed = _HANDED.pop(dep, None)
        if handed is not None:
            # What the task read, whether or not the file changed since (then the
            # next run sees another stat and re-runs); no stat needed. Racy when
            # read within its timestamp's tick: an edit in that tick keeps the stat.
            (size, mtime_ns, inode), digest = handed
            racy = is_racy(mtime_ns, time.time_ns())
            if _valid(current_state) and not racy and current_state == [size, mtime_ns, inode, digest, False]:
                return None
            return [size, mtime_ns, inode, digest, racy]
        st = os.stat(dep)
        racy = is_racy(st.st_mtime_ns, time.time_ns())
        if (_valid(current_state) and not current_state[4] and not racy
                and current_state[:3] == [st.st_size, st.st_mtime_ns, st.st_ino]):
            return None
        digest = file_digest(dep)
        # The file may have been rewritten between the stat and the read: a
        # stat taken after the read that differs marks the state racy, so the
        # next check compares contents instead of trusting this stat.
        after = os.stat(dep)
        if (after.st_size, after.st_mtime_ns, after.st_ino) != (st.st_size, st.st_mtime_ns, st.st_ino):
            racy = True
        return [st.st_size, st.st_mtime_ns, st.st_ino, digest, racy]


__all__ = ["StatChecker", "file_digest", "hand_over", "prefetch", "is_racy", "RACY_WINDOW_NS", "FINE_RACY_WINDOW_NS"]
