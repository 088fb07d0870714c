"""Where an index lives: one rule for every entry point (dodo.py, `symidx build`,
the read commands, the watcher, the tests).

The index of a repo is ``<root>/.symidx/index.db`` unless the repo's config
sets ``db`` (a path relative to the root). doit's dep file and the result
files live beside the DB, so a DB path alone selects one self-contained
index state.
"""
from __future__ import annotations

import os
from pathlib import Path

from .config import load_config

INDEX_DIR = ".symidx"
DEFAULT_DB = f"{INDEX_DIR}/index.db"  # relative to the indexed root
DEP_FILE = "doit-deps.sqlite"


def default_db(root: str | os.PathLike[str]) -> Path:
    """The index DB of the repo at ``root``: its config's ``db`` key, else .symidx/index.db."""
    root = Path(root).resolve()
    return root / (load_config(root).db or DEFAULT_DB)


def find_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The indexed repo a command run from ``start`` (default: the current
    directory) means: the nearest directory at or above it that holds an
    index directory or a symidx config, else ``start`` itself (as git finds
    its work tree)."""
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / INDEX_DIR).is_dir() or (d / "symidx.toml").is_file():
            return d
    return here


def results_dir(db: str | os.PathLike[str]) -> Path:
    return Path(db).parent / "results"


def timings_dir(db: str | os.PathLike[str]) -> Path:
    """Where package tasks record how long they took (pipeline/timing.py)."""
    return Path(db).parent / "timings"


def dep_file(db: str | os.PathLike[str]) -> Path:
    return Path(db).parent / DEP_FILE
