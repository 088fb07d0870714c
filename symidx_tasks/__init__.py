"""symidx: a monorepo symbol index (SQLite + FTS5) built as a doit task graph.

Public API::

    from symidx_tasks import index_tasks, IndexConfig

    def task_index():
        yield from index_tasks(root=".", db=".symidx/index.db")
"""
from .config import ConfigError, CustomRule, IndexConfig, load_config
from .pipeline.graph import DEFAULT_DB, index_tasks

__all__ = ["index_tasks", "IndexConfig", "CustomRule", "ConfigError", "load_config", "DEFAULT_DB"]
__version__ = "0.1.0"
