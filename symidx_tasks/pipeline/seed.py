"""Index seeds: a local result cache also keeps the last index built for each
set of packages, so a new worktree's first merge starts from a copy of it.

With a warm cache a new worktree's package tasks extract nothing, but its
merge would still load every row into an empty database, which is most of
that build (docs/performance.md). A seed is another checkout's index; the
merge reconciles any index with the result files by their digests
(store/merge.py), so starting from a seed changes only how many packages are
reloaded, never the content: a seed from a slightly different commit reloads
the packages that differ.

Seeds live in ``<cache>/seeds/``, named by a digest of the schema version,
the extraction code's environment and the sorted package keys: a checkout of
the same packages finds the seed; one whose package set differs gets none
(its merge would have to delete and reload too much to gain). A merge that
created its index publishes it as the seed (a consistent SQLite backup,
renamed into place); only the MAX_SEEDS most recently used are kept.
Remote caches (s3://...) keep no seeds: an index is too big to ship per build.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ..store.db import SCHEMA_VERSION
from .cache import environment

SEEDS = "seeds"
SUFFIX = ".db"
MAX_SEEDS = 2  # a few repos or package sets per machine; each seed is a whole index


def seed_path(cache_dir: str, keys: Iterable[str]) -> str:
    """Where the seed for this set of package keys is kept in a local cache."""
    digest = hashlib.sha256(json.dumps([SCHEMA_VERSION, environment(), sorted(keys)]).encode()).hexdigest()
    return os.path.join(cache_dir, SEEDS, digest[:32] + SUFFIX)


def touch(path: str) -> None:
    """Mark a seed as used (the least recently used go first)."""
    try:
        os.utime(path)
    except OSError:
        pass


def publish(db: str, path: str) -> str | None:
    """Store a copy of the index ``db`` as the seed ``path``; the problem, if
    it could not (a seed is an optimisation: the build goes on)."""
    target = Path(path)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(temp)
            try:
                source.backup(copy)  # a consistent snapshot, even while readers use the index
            finally:
                copy.close()
        finally:
            source.close()
        os.replace(temp, target)
    except (OSError, sqlite3.Error) as exc:
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            pass  # the directory itself is the problem
        return f"cannot store the index as a seed in {target.parent} ({exc})"
    _prune(target.parent)
    return None


def _prune(directory: Path) -> None:
    seeds = []
    for entry in os.scandir(directory):
        if entry.name.endswith(SUFFIX) and not entry.name.startswith("."):
            try:
                seeds.append((entry.stat().st_mtime_ns, entry.path))
            except OSError:
                continue
    for _mtime, path in sorted(seeds, reverse=True)[MAX_SEEDS:]:
        try:
            os.unlink(path)
        except OSError:
            pass  # another build pruned it first
