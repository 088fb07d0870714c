"""symidx: a monorepo symbol index (SQLite + FTS5) built as a doit task graph.

Public API::

    from symidx_tasks import index_tasks, doit_config, default_db

    DOIT_CONFIG = doit_config(default_db("."))

    def task_index():
        yield from index_tasks(root=".")
"""
from .config import CustomRule, IndexConfig, load_config
from .errors import ConfigError, SymidxError
from .locations import DEFAULT_DB, default_db
from .pipeline.doit_config import doit_config
from .pipeline.graph import index_tasks

__all__ = [
    "index_tasks", "doit_config", "default_db", "IndexConfig", "CustomRule", "ConfigError", "SymidxError",
    "load_config", "DEFAULT_DB",
]
__version__ = "0.1.0"
