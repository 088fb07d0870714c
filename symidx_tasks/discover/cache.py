"""The last discovery, reused while nothing it depends on has changed.

Every doit invocation (no-op re-runs included) loads the tasks, so it pays for
discovery. The file listing is cheap to redo and is part of the key; parsing
~2,000 manifests and classifying ~60,000 files is not (~0.45 s of a 1.5 s no-op
at 1,000 packages), and their outcome is a function of:

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
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from ..config import IndexConfig
from ..fileio import write_atomic
from .manifests.base import file_stamp

CACHE_FORMAT = 1


def cached(
    path: Path,
    root: Path,
    files: list[str],
    config: IndexConfig,
    compute: Callable[[dict[str, tuple | None]], Any],
) -> Any:
    """``compute(seen)``'s value for this listing and config, from ``path`` when still valid.

    ``compute`` must record every file it reads in ``seen`` (path -> stamp before the read).
    """
    key = (CACHE_FORMAT, str(root), config, _code_stamp())
    try:
        with open(path, "rb") as f:
            old_key, old_files, seen, value = pickle.load(f)
        if old_key == key and old_files == files and all(
            file_stamp(root / rel) == stamp for rel, stamp in seen.items()
        ):
            return value
    except Exception:  # missing, truncated, from another symidx: just recompute
        pass
    seen = {}
    value = compute(seen)
    try:
        write_atomic(path, pickle.dumps((key, files, seen, value), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only state dir costs speed, not correctness
    return value


@lru_cache(maxsize=1)
def _code_stamp() -> tuple:
    package = Path(__file__).resolve().parent.parent
    return tuple(sorted((str(p.relative_to(package)), file_stamp(p)) for p in package.rglob("*.py")))
