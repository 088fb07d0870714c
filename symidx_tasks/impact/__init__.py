"""What a change affects: ``symidx affected`` (MCP ``affected_packages``) and
``symidx api-diff`` (MCP ``api_diff``).

``affected_packages(conn, since, files)`` and ``diff_api(conn, rev_a, ...)``
are the commands' whole answers (the indexed root comes from the index);
``render_*`` print them; ``impact.affected.affected`` works on any root. The
answer types are in ``answers``; the work (git, discovery, the build) loads
when a command runs, not when the command table is imported.
"""
from __future__ import annotations

import sqlite3

from ..errors import DatabaseError
from .answers import (
    FILE_CHANGED,
    MANIFEST_CHANGED,
    PACKAGE_ADDED,
    PACKAGE_REMOVED,
    Affected,
    AffectedPackage,
    ApiDiff,
    ChangedFile,
)
from .api_render import render_markdown as render_api_markdown
from .api_render import render_text as render_api_text
from .render import render_paths, render_text

__all__ = [
    "FILE_CHANGED", "MANIFEST_CHANGED", "PACKAGE_ADDED", "PACKAGE_REMOVED",
    "Affected", "AffectedPackage", "ApiDiff", "render_api_markdown", "render_api_text",
    "ChangedFile", "affected_packages", "diff_api", "indexed_root",
    "render_paths", "render_text",
]


def indexed_root(conn: sqlite3.Connection) -> str:
    """The directory the index was built from (meta ``root``)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'root'").fetchone()
    if row is None or not row[0]:
        raise DatabaseError("the index does not record the root it was built from: rebuild it")
    return str(row[0])


def affected_packages(conn: sqlite3.Connection, since: str | None = None,
                      files: list[str] | None = None) -> Affected:
    """``affected()`` on the indexed root: the CLI's and the MCP tool's entry."""
    from .affected import affected

    return affected(conn, indexed_root(conn), since=since, files=files)


def diff_api(conn: sqlite3.Connection, rev_a: str, rev_b: str | None = None, db: str | None = None,
             jobs: int | None = None) -> ApiDiff:
    """``api_diff.api_diff``: the CLI's and the MCP tool's entry."""
    from .api_diff import api_diff

    return api_diff(conn, rev_a, rev_b, db=db, jobs=jobs)
