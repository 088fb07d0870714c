"""The last discovery, reused while nothing it depends on has changed.

Every doit invocation (no-op re-runs included) loads the tasks, so it pays for
discovery. The file listing is cheap to redo and is part of the key; parsing
thousands of manifests and classifying every file is not, and their outcome
is a function of:

- the exact file listing (adds, deletes, renames, .gitignore effects);
- the config (IndexConfig, compared by value);
- symidx's own code (the stat of each of its modules);
- the content of every file a manifest reader read, present or not (its stat
  taken just before the read, so an edit during discovery is seen next time).

If any differs, discovery runs again and the cache is rewritten. A cache that
cannot be read is ignored. Same limit as doit's own checker: an edit that keeps
a file's size and lands in the same timestamp tick is invisible.

A second level, ``shared`` (a directory in the local result cache, which every
worktree and clone of a repo on the machine uses): the last discoveries by
listing, config and code, with the SHA-256 of every file they read instead of
its stat. A new worktree has no cache of its own, and its files' stats differ
from the other worktree's, but its listing and manifest contents are the same:
it reads and hashes its manifests instead of parsing them all. The value is
root-independent (every path in it is relative to the root).
"""
from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar, cast

from ..config import IndexConfig
from ..fileio import Stamp, content_digest, stamp, write_atomic

CACHE_FORMAT = 1
SHARED_KEEP = 4  # shared discoveries kept (least recently used go): a few repos or branches

T = TypeVar("T")


def cached(
    path: Path,
    root: Path,
    files: list[str],
    config: IndexConfig,
    compute: Callable[[dict[str, Stamp | None]], T],
    shared: Path | None = None,
) -> T:
    """``compute(seen)``'s value for this listing and config, from ``path`` when still valid,
    else from ``shared`` when the files it read then have the same contents now.

    ``compute`` must record every file it reads in ``seen`` (path -> stamp before the read).
    """
    key = (CACHE_FORMAT, str(root), config, _code_stamp())
    try:
        with open(path, "rb") as f:
            old_key, old_files, old_seen, old_value = pickle.load(f)
        if old_key == key and old_files == files and all(
            stamp(root / rel) == old for rel, old in old_seen.items()
        ):
            return cast(T, old_value)  # written below by this function, for this key
    except Exception:  # missing, truncated, from another symidx: just recompute
        pass
    found = _shared_value(shared, root, files, config) if shared is not None else None
    if found is not None:
        value, seen = cast(T, found[0]), found[1]  # written by _share, for this listing and config
    else:
        seen = {}
        value = compute(seen)
        if shared is not None:
            _share(shared, root, files, config, seen, value)
    try:
        write_atomic(path, pickle.dumps((key, files, seen, value), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only state dir costs speed, not correctness
    return value


@lru_cache(maxsize=1)
def _code_stamp() -> tuple[tuple[str, Stamp | None], ...]:
    package = Path(__file__).resolve().parent.parent
    return tuple(sorted((str(p.relative_to(package)), stamp(p)) for p in package.rglob("*.py")))


def _shared_entry(shared: Path, files: list[str], config: IndexConfig) -> Path:
    digest = hashlib.sha256(repr((CACHE_FORMAT, config, _code_stamp())).encode())
    for name in files:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
    return shared / f"{digest.hexdigest()}.pickle"


def _shared_value(shared: Path, root: Path, files: list[str], config: IndexConfig,
                  ) -> tuple[object, dict[str, Stamp | None]] | None:
    """A shared discovery of this listing whose files read have the same contents
    here, with their stamps (taken before each read) for the per-index cache."""
    entry = _shared_entry(shared, files, config)
    try:
        with open(entry, "rb") as f:
            contents, value = pickle.load(f)
        seen: dict[str, Stamp | None] = {}
        for rel, digest in contents.items():
            seen[rel] = stamp(root / rel)
            # A digest None (absent or unreadable) matches only the same now: what discovery saw.
            if content_digest(root / rel) != digest:
                return None
        os.utime(entry)  # recently used
    except Exception:  # missing, damaged, from another symidx: discover
        return None
    return value, seen


def _share(shared: Path, root: Path, files: list[str], config: IndexConfig,
           seen: dict[str, Stamp | None], value: object) -> None:
    """Offer a fresh discovery to the other worktrees: the contents of what it read,
    unless one of those files changed since (then it is not offered)."""
    contents = {}
    for rel, before in seen.items():
        contents[rel] = content_digest(root / rel)
        if stamp(root / rel) != before:
            return
    try:
        shared.mkdir(parents=True, exist_ok=True)
        write_atomic(_shared_entry(shared, files, config),
                     pickle.dumps((contents, value), protocol=pickle.HIGHEST_PROTOCOL))
        entries = sorted(shared.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in entries[SHARED_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written costs the next worktree a discovery
