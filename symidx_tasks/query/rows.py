"""Row shaping and paging shared by every query: SQL rows -> answer rows, LIMIT/OFFSET
checks, the FTS5 query builder, and the package name resolver all lookups use."""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Any, TypeVar, cast

from ..errors import InvalidArgument, QueryError
from .answers import FileRow, PackageSummary, Page, SymbolParam, SymbolRow
from .suggest import suggest

T = TypeVar("T")

DEFAULT_LIMIT = 20  # search answers
LIST_LIMIT = 100  # listings: packages, a package's symbols and files, definitions, warnings
MAX_LIMIT = 1000

SYMBOL_COLUMNS = (
    "s.name, s.kind, s.signature, s.file_path, s.line, s.end_line, s.parent_symbol, s.visibility,"
    " s.return_type, s.parameters, s.language, s.package, p.name AS package_name, s.doc"
)
# FROM clause that goes with SYMBOL_COLUMNS.
SYMBOLS_FROM = "symbols s LEFT JOIN packages p ON p.path = s.package"


def loads_object(text: str | None) -> dict[str, object]:
    value = _loads(text)
    return value if isinstance(value, dict) else {}


def loads_list(text: str | None) -> list[object]:
    value = _loads(text)
    return value if isinstance(value, list) else []


def _loads(text: str | None) -> object:
    if not text:
        return None
    try:
        loaded: object = json.loads(text)
    except ValueError:
        return None
    return loaded


def package_summary(row: sqlite3.Row) -> PackageSummary:
    return {
        "path": row["path"], "name": row["name"], "kind": row["kind"],
        "version": row["version"], "description": row["description"],
    }


def symbol_row(row: sqlite3.Row) -> SymbolRow:
    # Stored as written by model.Symbol: a JSON list of {"name", "type"}.
    params = cast(list[SymbolParam], loads_list(row["parameters"]))
    return {
        "name": row["name"],
        "kind": row["kind"],
        "signature": row["signature"],
        "loc": f"{row['file_path']}:{row['line']}",
        "file": row["file_path"],
        "line": row["line"],
        "end_line": row["end_line"],
        "parent": row["parent_symbol"],
        "visibility": row["visibility"],
        "return_type": row["return_type"],
        "parameters": params,
        "language": row["language"],
        "package": row["package"],
        "package_name": row["package_name"],
        "doc": row["doc"],
    }


def file_row(row: sqlite3.Row) -> FileRow:
    return {
        "path": row["path"], "package": row["package"], "language": row["language"],
        "size": row["size_bytes"], "status": row["status"], "note": row["note"],
    }


def page(results: list[T], total: int, offset: int, limit: int | None) -> Page[T]:
    """One page of a longer list; ``next_offset`` is None on the last page."""
    more = offset + len(results) < total
    return {"total": total, "offset": offset, "limit": limit,
            "next_offset": offset + len(results) if more else None, "results": results}


def limits(limit: int | None, offset: int) -> tuple[int, int]:
    """SQL LIMIT/OFFSET values; None means everything (capped only by SQLite)."""
    if offset < 0:
        raise InvalidArgument(f"offset must be >= 0, got {offset}")
    if limit is None:
        return -1, offset
    if limit < 1:
        raise InvalidArgument(f"limit must be >= 1, got {limit}")
    return min(limit, MAX_LIMIT), offset


def count(conn: sqlite3.Connection, sql: str, args: Any = ()) -> int:
    """The single integer a ``SELECT count(*) ...`` answers."""
    return int(conn.execute(sql, args).fetchone()[0])


_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """A safe FTS5 MATCH expression: each word of ``text`` quoted, as a prefix, all required.

    Quoting makes FTS5 syntax in user input (``-``, ``"``, ``:``, ``*``, AND/OR/NOT)
    plain text, so no query can raise; None when ``text`` has no word at all.
    """
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return None
    return " ".join(f'"{t}"*' for t in tokens)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def normalize_extension(extension: str) -> str:
    """``go``, ``.go`` and ``.GO`` are one extension: ``.go`` (as the files table stores it)."""
    ext = extension.strip().lower()
    return ext if ext.startswith(".") else "." + ext


def _norm_path(ref: str) -> str:
    ref = ref.strip().replace("\\", "/")
    while ref.startswith("./"):
        ref = ref[2:]
    ref = ref.rstrip("/")
    return ref or "."


def resolve_package(conn: sqlite3.Connection, ref: str) -> str:
    """The path of the package named ``ref``: a package path, else a name (exact,
    then case-insensitive) if unique. QueryError lists the candidates of an
    ambiguous name, or similar packages of an unknown one."""
    if not ref or not ref.strip():
        raise QueryError("empty package name")
    path = _norm_path(ref)
    row = conn.execute("SELECT path FROM packages WHERE path = ?", (path,)).fetchone()
    if row:
        found: str = row[0]
        return found
    for sql in ("SELECT path FROM packages WHERE name = ? ORDER BY path",
                "SELECT path FROM packages WHERE lower(name) = lower(?) ORDER BY path"):
        paths = [r[0] for r in conn.execute(sql, (ref.strip(),))]
        if len(paths) == 1:
            return str(paths[0])
        if paths:
            raise QueryError(f"package name {ref.strip()!r} is ambiguous: use one of the paths {', '.join(paths)}")
    like = f"%{like_escape(ref.strip().lower())}%"
    near = [r[0] for r in conn.execute(
        "SELECT path FROM packages WHERE lower(name) LIKE ? ESCAPE '\\' OR lower(path) LIKE ? ESCAPE '\\'"
        " ORDER BY path LIMIT 5", (like, like))]
    if not near:
        near = suggest(conn, ref, "package")
        hint = f" (did you mean: {', '.join(near)}?)" if near else " (see `symidx packages`)"
    else:
        hint = f" (similar: {', '.join(near)})"
    raise QueryError(f"no package with path or name {ref.strip()!r}{hint}")
