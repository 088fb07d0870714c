"""The one doit configuration of an index run, used by dodo.py, `symidx build`,
the watcher and the tests alike."""
from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from ..locations import dep_file
from .checker import StatChecker
from .dask_packages import PackageOffload
from .progress import ProgressReporter


def doit_config(db: str | os.PathLike[str], outfile: TextIO | None = None,
                reporter: Any = ProgressReporter, worker_root: str | None = None) -> dict[str, Any]:
    """DOIT_CONFIG for indexing into ``db``; creates the DB's directory, which
    doit's sqlite3 backend needs for its dep file. ``worker_root``: where the
    checkout is on Dask workers, for ``doit index executor=dask``
    (docs/scale-out.md)."""
    deps = dep_file(db)
    deps.parent.mkdir(parents=True, exist_ok=True)
    return {
        "default_tasks": ["index"],
        "verbosity": 0,
        # One package whose file vanished mid-run must not stop the others.
        "continue": True,
        # sqlite3 rather than the dbm default: on Pythons without gdbm, dbm falls
        # back to dbm.dumb, which is slow and not safe against a killed run.
        "backend": "sqlite3",
        "dep_file": str(deps),
        # (size, mtime_ns, inode) decide, the content's SHA-256 when they moved, and a
        # state saved within the clock's granularity of the file's mtime is "racy":
        # its content is compared until a later save (pipeline/checker.py). doit's
        # md5 checker trusts float mtimes, and misses a same-size edit in one tick.
        "check_file_uptodate": StatChecker,
        # packages done/total, rate, ETA, failures; `--reporter console` for doit's own
        "reporter": reporter,
        # doit's default is the sys.stdout of its import time, not the caller's
        "outfile": outfile or sys.stdout,
        # With executor=dask (pipeline/dask_command.py's `run`), package tasks go
        # to the cluster and every other task stays here; ignored otherwise.
        "dask_offload": PackageOffload(worker_root),
    }
