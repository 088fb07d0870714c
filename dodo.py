"""This repository's entry point: `doit -n 8 index root=PATH db=PATH`.

Defaults index the shipped example monorepo into .symidx/index.db. doit's own
state (the dep file) lives beside the DB, so `db=` alone selects one
self-contained index; `--db-file` still overrides it as usual.
"""
from pathlib import Path

from doit import get_var

from symidx_tasks import DEFAULT_DB, index_tasks
from symidx_tasks.pipeline.progress import ProgressReporter

DB = get_var("db", DEFAULT_DB)
Path(DB).parent.mkdir(parents=True, exist_ok=True)  # doit's sqlite3 backend does not create it

DOIT_CONFIG = {
    "default_tasks": ["index"],
    "verbosity": 0,
    # One package whose file vanished mid-run must not stop the others.
    "continue": True,
    # sqlite3 rather than the dbm default: on Pythons without gdbm, dbm falls back
    # to dbm.dumb, which is slow and not safe against a killed run.
    "backend": "sqlite3",
    "dep_file": str(Path(DB).parent / "doit-deps.sqlite"),
    # packages done/total, rate, ETA, failures; `--reporter console` for doit's own
    "reporter": ProgressReporter,
}


def task_index():
    """index the monorepo at root= into the SQLite DB at db="""
    strict = get_var("strict", None)
    yield from index_tasks(
        root=get_var("root", "examples/polyglot"), db=DB,
        strict=None if strict is None else strict.lower() in ("1", "true", "yes"),
    )
