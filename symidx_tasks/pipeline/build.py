"""Run the index task graph through doit's public API, in this process: what
`symidx build`, the watcher and the agent hook use instead of a dodo.py."""
from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

from ..config import IndexConfig, load_config
from ..errors import UsageError
from ..locations import default_db
from .doit_config import doit_config
from .graph import index_tasks


def task_loader(root: str | os.PathLike[str], db: str | os.PathLike[str] | None = None,
                config: IndexConfig | None = None, strict: bool | None = None,
                outfile: TextIO | None = None, cache: str | None = None) -> ModuleTaskLoader:
    """A doit loader holding the `index` task group for ``root`` and the one doit
    configuration; ``cache``: see ``index_tasks``."""
    root_path = Path(root).resolve()
    if not root_path.is_dir():
        raise UsageError(f"root {root}: not a directory")
    config = config if config is not None else load_config(root_path)
    db_path = Path(db).resolve() if db else default_db(root_path)

    def task_index() -> Iterator[dict[str, Any]]:
        """index the monorepo into the SQLite DB"""
        yield from index_tasks(root=root_path, db=db_path, config=config, strict=strict, cache=cache)

    return ModuleTaskLoader({"task_index": task_index, "DOIT_CONFIG": doit_config(db_path, outfile)})


def build(root: str | os.PathLike[str] = ".", db: str | os.PathLike[str] | None = None, jobs: int = 1,
          strict: bool | None = None, extra_args: list[str] | None = None, out: TextIO | None = None,
          config: IndexConfig | None = None, cache: str | None = None) -> int:
    """`doit run -n JOBS index` on ``root`` into ``db`` (default: the root's own
    index, see locations.py); returns doit's exit code. ``cache``: the result
    cache ("off", "local", a directory or an fsspec URL; default: the
    config's ``[cache] url``; see pipeline/cache.py)."""
    loader = task_loader(root, db, config=config, strict=strict, outfile=out, cache=cache)
    with without_cyclic_gc():
        return int(DoitMain(loader).run(["run", "-n", str(jobs), *(extra_args or []), "index"]))


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (reference counting
    still frees nearly everything; the collector runs again after it).

    Loading the task graph and checking it allocate hundreds of thousands of
    long-lived containers (file_dep lists, doit's decoded file states), and every
    full collection walks all of them: at 60k files / 1,004 packages, four
    full collections were 0.18 s of a 1.3 s no-op. Forked workers inherit the
    setting; builds' peak memory did not move (docs/performance.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
