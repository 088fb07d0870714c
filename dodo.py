"""This repository's entry point: `doit -n 8 index root=PATH [db=PATH] [strict=1] [cache=URL]`,
or on a Dask cluster: `doit index executor=dask [scheduler=tcp://HOST:8786] [worker_root=PATH]`
(pyproject.toml plugs symidx's `run` command into doit; docs/scale-out.md).

Defaults index the shipped example monorepo into its own index,
examples/polyglot/.symidx/index.db (the one rule of symidx_tasks/locations.py).
doit's own state (the dep file) lives beside the DB, so `db=` alone selects one
self-contained index; `--db-file` still overrides it as usual.
`cache=` selects the result cache: local, off, a directory or an fsspec URL
such as s3://bucket/prefix (default: the indexed repo's `[cache] url`;
docs/cache.md).
"""
import gc
from collections.abc import Iterator
from typing import Any

from doit import get_var

from symidx_tasks import default_db, doit_config, index_tasks

ROOT = get_var("root", "examples/polyglot")
DB = get_var("db", None) or str(default_db(ROOT))

DOIT_CONFIG = doit_config(DB, worker_root=get_var("worker_root", None))

# This process lives for one doit run: without the cyclic collector's passes over
# the task graph a no-op at 60k files is ~0.3 s faster, at the same peak memory
# (`symidx build` does the same for its run: symidx_tasks/pipeline/build.py).
gc.disable()


def task_index() -> Iterator[dict[str, Any]]:
    """index the monorepo at root= into the SQLite DB at db="""
    strict = get_var("strict", None)
    yield from index_tasks(
        root=ROOT, db=DB,
        strict=None if strict is None else strict.lower() in ("1", "true", "yes"),
        cache=get_var("cache", None),
    )
