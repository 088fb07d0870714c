"""This repository's entry point: `doit -n 8 index root=PATH db=PATH`.

Defaults index the shipped example monorepo into .symidx/index.db.
"""
from doit import get_var

from symidx_tasks import DEFAULT_DB, index_tasks

DOIT_CONFIG = {"default_tasks": ["index"], "verbosity": 0}


def task_index():
    """index the monorepo at root= into the SQLite DB at db="""
    yield from index_tasks(root=get_var("root", "examples/polyglot"), db=get_var("db", DEFAULT_DB))
