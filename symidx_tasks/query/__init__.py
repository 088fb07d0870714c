"""The read API over an index: one set of functions shared by the CLI and the MCP server.

Every function takes a read-only connection (``open_index``) and returns an
answer typed in ``answers.py`` (plain dicts and lists, documented in
docs/cli.md); nothing here prints, and nothing here looks at the indexed tree
(that is ``symidx_tasks.freshness``). Lists that can grow with the repo are
pages: ``{"total", "offset", "limit", "next_offset", "results"}``.

Modules, by what they ask: ``connection`` (opening, SQLite errors), ``rows``
(row shapes, paging, FTS query, package names), ``packages``, ``symbols``,
``files``, ``graph`` (transitive dependencies, cycles, paths), ``refs``
(references, callers, usage counts), ``status``.
Nothing under query/ imports discover/, pipeline/ or frontends/.
"""
from __future__ import annotations

from ..errors import DatabaseError, InvalidArgument, QueryError
from .connection import guard, open_index
from .files import file_symbols, search_files
from .graph import dependency_graph, dependency_path
from .packages import (
    dependencies,
    dependents,
    get_package,
    list_packages,
    package_dependencies,
    package_dependents,
    package_files,
    package_symbols,
    packages_under,
    public_api,
    search_packages,
)
from .refs import REF_KINDS, find_references, get_callers, package_usage, usage
from .rows import DEFAULT_LIMIT, LIST_LIMIT, MAX_LIMIT, fts_query, resolve_package
from .status import list_warnings, meta, status
from .symbols import get_symbol, search_symbols

__all__ = [
    "QueryError", "InvalidArgument", "DatabaseError", "open_index", "guard", "resolve_package", "list_packages",
    "search_packages", "get_package", "public_api", "package_files", "package_symbols", "packages_under",
    "dependencies", "dependents", "package_dependencies", "package_dependents", "dependency_graph",
    "dependency_path", "fts_query", "search_symbols", "get_symbol", "file_symbols", "search_files", "status",
    "list_warnings", "meta", "DEFAULT_LIMIT", "LIST_LIMIT", "MAX_LIMIT", "REF_KINDS", "find_references",
    "get_callers", "usage", "package_usage",
]
