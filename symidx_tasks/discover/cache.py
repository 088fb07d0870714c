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
"""
from __future__ import annotations

import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar, cast

from ..config import IndexConfig
from ..fileio import Stamp, stamp, write_atomic

CACHE_FORMAT = 1

T = TypeVar("T")


def cached(
    path: Path,
    root: Path,
    files: list[str],
    config: IndexConfig,
    compute: Callable[[dict[str, Stamp | None]], T],
) -> T:
    """``compute(seen)``'s value for this listing and config, from ``path`` when still valid.

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
    seen: dict[str, Stamp | None] = {}
    value = compute(seen)
    try:
        write_atomic(path, pickle.dumps((key, files, seen, value), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only state dir costs speed, not correctness
    return value


@lru_cache(maxsize=1)
def _code_stamp() -> tuple[tuple[str, Stamp | None], ...]:
    package = Path(__file__).resolve().parent.parent
    return tuple(sorted((str(p.relative_to(package)), stamp(p)) for p in package.rglob("*.py")))
