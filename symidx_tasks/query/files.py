"""Questions about files: find them by path, and one file's symbols."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from ..errors import QueryError
from .answers import FileRow, FileSymbols, Page
from .rows import (
    DEFAULT_LIMIT,
    SYMBOL_COLUMNS,
    SYMBOLS_FROM,
    count,
    file_row,
    fts_query,
    like_escape,
    limits,
    normalize_extension,
    page,
    resolve_package,
    symbol_row,
)
from .status import meta


def search_files(conn: sqlite3.Connection, query: str = "", package: str | None = None,
                 extension: str | None = None, limit: int | None = DEFAULT_LIMIT, offset: int = 0) -> Page[FileRow]:
    """Files whose path matches ``query`` (FTS over path words, or a path substring);
    an empty query lists every file, sorted by path. ``extension`` like ``go`` or ``.ts``."""
    lim, off = limits(limit, offset)
    where, args = [], []
    if package:
        where.append("f.package = ?")
        args.append(resolve_package(conn, package))
    if extension:
        where.append("f.extension = ?")
        args.append(normalize_extension(extension))
    q = (query or "").strip()
    match = fts_query(q)
    extra = "".join(f" AND {w}" for w in where)
    if not q:
        base = f"SELECT f.*, 0 AS score, 2 AS rank FROM files f WHERE 1{extra}"
        params: list[Any] = list(args)
    else:
        fts = ("SELECT rowid, bm25(files_fts) FROM files_fts WHERE files_fts MATCH ?" if match
               else "SELECT NULL, 0 WHERE 0")
        base = (
            f"WITH hits(id, score) AS ({fts}"
            " UNION ALL SELECT id, 0.0 FROM files WHERE instr(lower(path), lower(?)) > 0)"
            " SELECT f.*, min(h.score) AS score,"
            " CASE WHEN lower(f.path) = lower(?) THEN 0"
            " WHEN instr(lower(f.path), lower(?)) > 0 THEN 1 ELSE 2 END AS rank"
            f" FROM hits h JOIN files f ON f.id = h.id WHERE 1{extra} GROUP BY f.id"
        )
        params = [*([match] if match else []), q, q, q, *args]
    total = count(conn, f"SELECT count(*) FROM ({base})", params)
    order = "rank, score, length(f.path), f.path" if q else "f.path"
    rows = conn.execute(f"{base} ORDER BY {order} LIMIT ? OFFSET ?", [*params, lim, off])
    return page([file_row(r) for r in rows], total, offset, limit)


def _norm_file(conn: sqlite3.Connection, path: str) -> str:
    """Repo-relative posix path; an absolute path under the indexed root is made relative."""
    path = path.strip().replace("\\", "/")
    p = Path(path)
    if p.is_absolute():
        root = meta(conn).get("root")
        try:
            path = p.resolve().relative_to(Path(root).resolve()).as_posix() if root else path
        except ValueError:
            pass
    while path.startswith("./"):
        path = path[2:]
    return path


def file_symbols(conn: sqlite3.Connection, path: str, kind: str | None = None) -> FileSymbols:
    """A file's record and its symbols in source order; ``kind`` keeps one kind of symbol.
    QueryError (with similar paths) when the index has no such file."""
    rel = _norm_file(conn, path)
    row = conn.execute("SELECT * FROM files WHERE path = ?", (rel,)).fetchone()
    if row is None:
        near = [r[0] for r in conn.execute(
            "SELECT path FROM files WHERE path LIKE ? ESCAPE '\\' ORDER BY path LIMIT 5",
            (f"%{like_escape(rel.rsplit('/', 1)[-1])}%",))]
        hint = f" (similar: {', '.join(near)})" if near else ""
        raise QueryError(f"no file {rel!r} in the index{hint}")
    kind_sql, args = (" AND s.kind = ?", [kind]) if kind else ("", [])
    rows = conn.execute(
        f"SELECT {SYMBOL_COLUMNS} FROM {SYMBOLS_FROM}"
        f" WHERE s.package IS ? AND s.file_path = ?{kind_sql} ORDER BY s.line, s.id", (row["package"], rel, *args))
    name = conn.execute("SELECT name FROM packages WHERE path = ?", (row["package"],)).fetchone()
    return {**file_row(row), "package_name": name[0] if name else None, "symbols": [symbol_row(r) for r in rows]}
