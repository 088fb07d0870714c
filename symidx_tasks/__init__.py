"""symidx: a monorepo symbol index (SQLite + FTS5) built as a doit task graph.

Public API::

    from symidx_tasks import index_tasks, doit_config, default_db

    DOIT_CONFIG = doit_config(default_db("."))

    def task_index():
        yield from index_tasks(root=".")
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import CustomRule, IndexConfig, load_config
from .errors import ConfigError, SymidxError
from .locations import DEFAULT_DB, default_db

if TYPE_CHECKING:
    from .pipeline.doit_config import doit_config
    from .pipeline.graph import index_tasks

__all__ = [
    "index_tasks", "doit_config", "default_db", "IndexConfig", "CustomRule", "ConfigError", "SymidxError",
    "load_config", "DEFAULT_DB",
]
__version__ = "0.1.0"

# The build's entry points import doit, discovery and the merge: loaded on first use, so a
# query command (`symidx symbol X`, which imports this package) does not pay for them.
_LAZY = {"index_tasks": "pipeline.graph", "doit_config": "pipeline.doit_config"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
