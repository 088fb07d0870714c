"""Questions about symbols: full-text search and exact definitions (with how much each is used)."""
from __future__ import annotations

import sqlite3

from .answers import DefinitionRow, SearchPage, SymbolRow
from .refs import has_references, usage_of
from .rows import (
    DEFAULT_LIMIT,
    LIST_LIMIT,
    SYMBOL_COLUMNS,
    SYMBOLS_FROM,
    count,
    fts_query,
    limits,
    page,
    resolve_package,
    symbol_row,
)
from .suggest import with_suggestions


def search_symbols(conn: sqlite3.Connection, query: str, kind: str | None = None, package: str | None = None,
                   language: str | None = None, limit: int | None = DEFAULT_LIMIT,
                   offset: int = 0) -> SearchPage[SymbolRow]:
    """Symbols whose name, split name words, signature, kind, file path or doc
    match ``query``.

    Every word of the query must match, as a prefix, in any of those. Ranked:
    exact name (case-insensitive), then name prefix, then FTS bm25 (name weighs
    most, then its words; a match only in the signature, kind, path or doc
    weighs least), then file and line for a stable order.
    """
    lim, off = limits(limit, offset)
    match = fts_query(query)
    if match is None:
        return with_suggestions(conn, page([], 0, offset, limit), query, "symbol")
    filters, args = symbol_filters(conn, kind, package, language)
    sql = (
        "WITH hits(id, score) AS ("
        # weights per column: name, words, signature, kind, file_path, doc
        " SELECT rowid, bm25(symbols_fts, 10.0, 5.0, 1.0, 0.5, 0.5, 1.0) FROM symbols_fts"
        " WHERE symbols_fts MATCH :match"
        " UNION ALL SELECT id, -1e9 FROM symbols WHERE name = :q)"
        f" SELECT {SYMBOL_COLUMNS}, min(h.score) AS score,"
        " CASE WHEN lower(s.name) = lower(:q) THEN 0"
        " WHEN substr(lower(s.name), 1, length(:q)) = lower(:q) THEN 1 ELSE 2 END AS rank"
        " FROM hits h JOIN symbols s ON s.id = h.id LEFT JOIN packages p ON p.path = s.package"
        f" WHERE 1 {filters} GROUP BY s.id"
    )
    params = {"match": match, "q": query.strip(), **args}
    total = count(conn, f"SELECT count(*) FROM ({sql})", params)
    rows = conn.execute(
        f"{sql} ORDER BY rank, score, s.file_path, s.line, s.name LIMIT :lim OFFSET :off",
        {**params, "lim": lim, "off": off})
    return with_suggestions(conn, page([symbol_row(r) for r in rows], total, offset, limit), query, "symbol")


def symbol_filters(conn: sqlite3.Connection, kind: str | None, package: str | None,
                   language: str | None) -> tuple[str, dict[str, str]]:
    """`` AND ...`` conditions on ``s`` and their named parameters."""
    sql, args = "", {}
    if kind:
        sql += " AND s.kind = :kind"
        args["kind"] = kind
    if package:
        sql += " AND s.package = :package"
        args["package"] = resolve_package(conn, package)
    if language:
        sql += " AND s.language = :language"
        args["language"] = language
    return sql, args


def get_symbol(conn: sqlite3.Connection, name: str, kind: str | None = None, package: str | None = None,
               limit: int | None = LIST_LIMIT, offset: int = 0) -> SearchPage[DefinitionRow]:
    """Every symbol with exactly this name, across packages (case-sensitive; a
    case-insensitive match is used only when the exact one finds nothing), each
    with ``used``: the references resolved to it and the packages they are in."""
    lim, off = limits(limit, offset)
    filters, args = symbol_filters(conn, kind, package, None)
    for cond in ("s.name = :name", "lower(s.name) = lower(:name)"):
        params = {"name": name.strip(), **args}
        base = f"FROM {SYMBOLS_FROM} WHERE {cond}{filters}"
        total = count(conn, f"SELECT count(*) {base}", params)
        if total:
            rows = conn.execute(
                f"SELECT s.id, {SYMBOL_COLUMNS} {base} ORDER BY s.package IS NULL, s.package, s.file_path, s.line"
                " LIMIT :lim OFFSET :off", {**params, "lim": lim, "off": off}).fetchall()
            # None: the index was built without references, so how much is unknown.
            used = usage_of(conn, [r["id"] for r in rows]) if has_references(conn) else {}
            found: list[DefinitionRow] = [{**symbol_row(r), "used": used.get(r["id"])} for r in rows]
            return with_suggestions(conn, page(found, total, offset, limit), name, "symbol")
    return with_suggestions(conn, page([], 0, offset, limit), name, "symbol")
