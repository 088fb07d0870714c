"""The read API over an index: one set of functions shared by the CLI and the MCP server.

Every function takes a read-only connection (``open_index``) and returns plain
dicts and lists with a fixed shape (documented in docs/cli.md): the CLI prints
them as text or JSON, the MCP server returns them as compact JSON. Nothing here
prints.

Packages are named by their path (unique) or their name (may be ambiguous: the
error lists the candidates). Lists that can grow with the repo are pages:
``{"total", "offset", "limit", "next_offset", "results"}``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import subprocess
from collections import deque
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..errors import DatabaseError, InvalidArgument, QueryError
from ..store.db import connect_reader

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
API_LIMIT = 50  # top-level symbols listed in a package's public API summary
STALE_EXAMPLES = 10


# --------------------------------------------------------------------- opening


def open_index(db: str | os.PathLike[str]) -> sqlite3.Connection:
    """A read-only connection; DatabaseError (one line) when missing, foreign or locked."""
    try:
        conn = connect_reader(db)
    except DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseError(_sqlite_message(db, sqlite3.OperationalError("database is locked"))) from None
        raise
    try:
        conn.execute("SELECT 1 FROM packages LIMIT 1").fetchall()
    except sqlite3.OperationalError as exc:
        conn.close()
        raise DatabaseError(_sqlite_message(db, exc)) from None
    return conn


def _sqlite_message(db: str | os.PathLike[str], exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"{db} is locked by another process (a build in progress?): try again when it finishes"
    return f"{db} is not a readable symidx index ({text})"


@contextmanager
def guard(db: str | os.PathLike[str]) -> Iterator[None]:
    """Turn sqlite errors raised mid-query (a lock, a damaged file) into one-line DatabaseErrors."""
    try:
        yield
    except sqlite3.ProgrammingError:
        raise
    except sqlite3.Error as exc:
        raise DatabaseError(_sqlite_message(db, exc)) from None


# -------------------------------------------------------------------- shapes


def _loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def package_summary(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "path": row["path"], "name": row["name"], "kind": row["kind"],
        "version": row["version"], "description": row["description"],
    }


def symbol_dict(row: sqlite3.Row) -> dict[str, Any]:
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
        "parameters": _loads(row["parameters"], []),
        "language": row["language"],
        "package": row["package"],
        "package_name": row["package_name"],
    }


def file_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "path": row["path"], "package": row["package"], "language": row["language"],
        "size": row["size_bytes"], "status": row["status"], "note": row["note"],
    }


def page(results: list[Any], total: int, offset: int, limit: int | None) -> dict[str, Any]:
    """One page of a longer list; ``next_offset`` is None on the last page."""
    more = offset + len(results) < total
    return {"total": total, "offset": offset, "limit": limit, "next_offset": offset + len(results) if more else None,
            "results": results}


def _limits(limit: int | None, offset: int) -> tuple[int, int]:
    """SQL LIMIT/OFFSET values; None means everything (capped only by SQLite)."""
    if offset < 0:
        raise InvalidArgument(f"offset must be >= 0, got {offset}")
    if limit is None:
        return -1, offset
    if limit < 1:
        raise InvalidArgument(f"limit must be >= 1, got {limit}")
    return min(limit, MAX_LIMIT), offset


_SYMBOL_COLUMNS = (
    "s.name, s.kind, s.signature, s.file_path, s.line, s.end_line, s.parent_symbol, s.visibility,"
    " s.return_type, s.parameters, s.language, s.package, p.name AS package_name"
)


# ------------------------------------------------------------------ packages


def _norm_path(ref: str) -> str:
    ref = ref.strip().replace("\\", "/")
    while ref.startswith("./"):
        ref = ref[2:]
    ref = ref.rstrip("/")
    return ref or "."


def resolve_package(conn: sqlite3.Connection, ref: str) -> str:
    """The path of the package named ``ref`` (a package path, or a name if unique)."""
    if not ref or not ref.strip():
        raise QueryError("empty package name")
    path = _norm_path(ref)
    row = conn.execute("SELECT path FROM packages WHERE path = ?", (path,)).fetchone()
    if row:
        return row[0]
    for sql in ("SELECT path FROM packages WHERE name = ? ORDER BY path",
                "SELECT path FROM packages WHERE lower(name) = lower(?) ORDER BY path"):
        paths = [r[0] for r in conn.execute(sql, (ref.strip(),))]
        if len(paths) == 1:
            return paths[0]
        if paths:
            raise QueryError(f"package name {ref.strip()!r} is ambiguous: use one of the paths {', '.join(paths)}")
    like = f"%{_like_escape(ref.strip().lower())}%"
    near = [r[0] for r in conn.execute(
        "SELECT path FROM packages WHERE lower(name) LIKE ? ESCAPE '\\' OR lower(path) LIKE ? ESCAPE '\\'"
        " ORDER BY path LIMIT 5", (like, like))]
    hint = f" (similar: {', '.join(near)})" if near else " (see `symidx packages`)"
    raise QueryError(f"no package with path or name {ref.strip()!r}{hint}")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_packages(conn: sqlite3.Connection, kind: str | None = None, limit: int | None = None,
                  offset: int = 0) -> dict[str, Any]:
    lim, off = _limits(limit, offset)
    where, args = ("WHERE kind = ?", [kind]) if kind else ("", [])
    total = conn.execute(f"SELECT count(*) FROM packages {where}", args).fetchone()[0]
    rows = conn.execute(f"SELECT * FROM packages {where} ORDER BY path LIMIT ? OFFSET ?", [*args, lim, off])
    return page([package_summary(r) for r in rows], total, offset, limit)


def search_packages(conn: sqlite3.Connection, query: str, kind: str | None = None,
                    limit: int | None = DEFAULT_LIMIT, offset: int = 0) -> dict[str, Any]:
    """Packages whose name, description or path match; exact name first, then prefix, then bm25."""
    lim, off = _limits(limit, offset)
    match = fts_query(query)
    if match is None:
        return page([], 0, offset, limit)
    q = query.strip()
    filters, params = ("AND p.kind = :kind", {"kind": kind}) if kind else ("", {})
    base = (
        "WITH hits(id, score) AS ("
        " SELECT rowid, bm25(packages_fts, 10.0, 2.0, 4.0) FROM packages_fts WHERE packages_fts MATCH :match"
        " UNION ALL SELECT id, -1e9 FROM packages WHERE name = :q OR path = :q)"
        " SELECT p.*, min(h.score) AS score,"
        " CASE WHEN lower(p.name) = lower(:q) OR p.path = :q THEN 0"
        " WHEN substr(lower(p.name), 1, length(:q)) = lower(:q) THEN 1 ELSE 2 END AS rank"
        f" FROM hits h JOIN packages p ON p.id = h.id WHERE 1 {filters} GROUP BY p.id"
    )
    params.update(match=match, q=q)
    total = conn.execute(f"SELECT count(*) FROM ({base})", params).fetchone()[0]
    rows = conn.execute(f"{base} ORDER BY rank, score, p.path LIMIT :lim OFFSET :off", {**params, "lim": lim, "off": off})
    return page([package_summary(r) for r in rows], total, offset, limit)


def get_package(conn: sqlite3.Connection, ref: str, files_limit: int | None = 100,
                api_limit: int = API_LIMIT) -> dict[str, Any]:
    """Metadata, manifests, dependencies, dependents, files and a public API summary."""
    path = resolve_package(conn, ref)
    row = conn.execute("SELECT * FROM packages WHERE path = ?", (path,)).fetchone()
    out = package_summary(row)
    out["metadata"] = _loads(row["metadata"], {})
    out["manifests"] = _loads(row["manifests"], [])
    languages = dict(conn.execute(
        "SELECT coalesce(language, 'other'), count(*) FROM files WHERE package = ? GROUP BY 1 ORDER BY 1", (path,)))
    n_files = sum(languages.values())
    n_symbols = conn.execute("SELECT count(*) FROM symbols WHERE package = ?", (path,)).fetchone()[0]
    deps = dependencies(conn, path)
    users = dependents(conn, path)
    out["counts"] = {"files": n_files, "symbols": n_symbols, "dependencies": len(deps), "dependents": len(users)}
    out["languages"] = languages
    out["dependencies"] = deps
    out["dependents"] = users
    out["files"] = package_files(conn, path, limit=files_limit)
    out["api"] = public_api(conn, path, api_limit)
    out["warnings"] = [
        {"file": w[0], "message": w[1]}
        for w in conn.execute("SELECT file_path, message FROM warnings WHERE package = ? ORDER BY file_path, message", (path,))
    ]
    return out


_PUBLIC_SQL = "s.parent_symbol IS NULL AND s.visibility NOT LIKE 'pub(%'"


def public_api(conn: sqlite3.Connection, path: str, limit: int = API_LIMIT) -> dict[str, Any]:
    """Top-level public symbols: counts by kind and the first ``limit`` in file order."""
    by_kind = dict(conn.execute(
        f"SELECT s.kind, count(*) FROM symbols s WHERE s.package = ? AND {_PUBLIC_SQL} GROUP BY 1 ORDER BY 2 DESC, 1",
        (path,)))
    rows = conn.execute(
        f"SELECT {_SYMBOL_COLUMNS} FROM symbols s LEFT JOIN packages p ON p.path = s.package"
        f" WHERE s.package = ? AND {_PUBLIC_SQL} ORDER BY s.file_path, s.line, s.id LIMIT ?", (path, limit))
    symbols = [symbol_dict(r) for r in rows]
    total = sum(by_kind.values())
    return {"total": total, "by_kind": by_kind, "symbols": symbols, "truncated": total > len(symbols)}


def package_files(conn: sqlite3.Connection, ref: str, limit: int | None = None, offset: int = 0) -> dict[str, Any]:
    path = resolve_package(conn, ref)
    lim, off = _limits(limit, offset)
    total = conn.execute("SELECT count(*) FROM files WHERE package = ?", (path,)).fetchone()[0]
    rows = conn.execute("SELECT * FROM files WHERE package = ? ORDER BY path LIMIT ? OFFSET ?", (path, lim, off))
    return page([file_dict(r) for r in rows], total, offset, limit)


def package_symbols(conn: sqlite3.Connection, ref: str, kind: str | None = None, top_level: bool = False,
                    limit: int | None = 100, offset: int = 0) -> dict[str, Any]:
    path = resolve_package(conn, ref)
    lim, off = _limits(limit, offset)
    where, args = ["s.package = ?"], [path]
    if kind:
        where.append("s.kind = ?")
        args.append(kind)
    if top_level:
        where.append("s.parent_symbol IS NULL")
    cond = " AND ".join(where)
    total = conn.execute(f"SELECT count(*) FROM symbols s WHERE {cond}", args).fetchone()[0]
    rows = conn.execute(
        f"SELECT {_SYMBOL_COLUMNS} FROM symbols s LEFT JOIN packages p ON p.path = s.package WHERE {cond}"
        " ORDER BY s.file_path, s.line, s.id LIMIT ? OFFSET ?", [*args, lim, off])
    return page([symbol_dict(r) for r in rows], total, offset, limit)


# -------------------------------------------------------------- dependencies


def dependencies(conn: sqlite3.Connection, ref: str, internal_only: bool = False) -> list[dict[str, Any]]:
    """Direct dependencies as declared, with the repo package each internal one resolves to."""
    path = resolve_package(conn, ref)
    where = " AND d.is_internal" if internal_only else ""
    rows = conn.execute(
        "SELECT d.dependency, d.dep_kind, d.version_req, d.is_internal, d.internal_package, p.name AS pname"
        " FROM dependencies d LEFT JOIN packages p ON p.path = d.internal_package"
        f" WHERE d.package = ?{where} ORDER BY d.is_internal DESC, d.dependency, d.dep_kind", (path,))
    return [
        {"name": r["dependency"], "kind": r["dep_kind"], "version_req": r["version_req"],
         "internal": bool(r["is_internal"]), "package": r["internal_package"], "package_name": r["pname"]}
        for r in rows
    ]


def dependents(conn: sqlite3.Connection, ref: str) -> list[dict[str, Any]]:
    """Repo packages that depend on this one directly."""
    path = resolve_package(conn, ref)
    rows = conn.execute(
        "SELECT d.package, p.name, d.dep_kind, d.version_req FROM dependencies d"
        " JOIN packages p ON p.path = d.package WHERE d.internal_package = ? ORDER BY d.package, d.dep_kind", (path,))
    return [{"package": r[0], "name": r[1], "kind": r[2], "version_req": r[3]} for r in rows]


def _internal_edges(conn: sqlite3.Connection, reverse: bool) -> dict[str, list[tuple[str, list[str]]]]:
    """package -> [(other package, dependency kinds)], sorted; reversed = dependents."""
    grouped: dict[tuple[str, str], list[str]] = {}
    rows = conn.execute(
        "SELECT DISTINCT package, internal_package, dep_kind FROM dependencies"
        " WHERE internal_package IS NOT NULL ORDER BY package, internal_package, dep_kind")
    for src, dst, kind in rows:
        grouped.setdefault((dst, src) if reverse else (src, dst), []).append(kind)
    edges: dict[str, list[tuple[str, list[str]]]] = {}
    for (a, b), kinds in sorted(grouped.items()):
        edges.setdefault(a, []).append((b, kinds))
    return edges


def dependency_graph(conn: sqlite3.Connection, ref: str, reverse: bool = False,
                     depth: int | None = None) -> dict[str, Any]:
    """The transitive internal dependency graph from one package (BFS, cycle-safe).

    ``reverse`` follows dependents instead (who is affected by a change).
    ``depth`` bounds the BFS (1 = direct only); ``None`` walks everything.
    """
    if depth is not None and depth < 1:
        raise InvalidArgument(f"depth must be >= 1, got {depth}")
    root = resolve_package(conn, ref)
    edges_of = _internal_edges(conn, reverse)
    names = dict(conn.execute("SELECT path, name FROM packages"))
    seen = {root: 0}
    via: dict[str, str | None] = {root: None}
    order = [root]
    edges: list[dict[str, Any]] = []
    queue = deque([root])
    truncated = False
    while queue:
        node = queue.popleft()
        level = seen[node]
        for nxt, kinds in edges_of.get(node, ()):
            if depth is not None and level >= depth:
                truncated = True
                break
            edges.append({"from": node, "to": nxt, "kinds": kinds})
            if nxt not in seen:
                seen[nxt] = level + 1
                via[nxt] = node
                order.append(nxt)
                queue.append(nxt)
    nodes = [{"path": p, "name": names.get(p), "depth": seen[p], "via": via[p]} for p in order]
    return {
        "root": root, "direction": "dependents" if reverse else "dependencies", "max_depth": depth,
        "nodes": nodes, "edges": edges, "cycles": _cycles(order, edges), "truncated": truncated,
    }


def _cycles(nodes: list[str], edges: list[dict[str, Any]]) -> list[list[str]]:
    """Strongly connected components with more than one package (or a self-loop),
    each sorted; iterative Tarjan so deep graphs cannot hit the recursion limit."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    loops = set()
    for e in edges:
        succ[e["from"]].append(e["to"])
        if e["from"] == e["to"]:
            loops.add(e["from"])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(succ[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(succ[nxt])))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                if len(comp) > 1 or node in loops:
                    found.append(sorted(comp))
    return sorted(found)


def dependency_path(conn: sqlite3.Connection, a: str, b: str) -> dict[str, Any]:
    """A shortest chain of internal dependencies from ``a`` to ``b``.

    When ``a`` does not depend on ``b`` the reverse direction is tried, so the
    answer says how the two are related either way; ``path`` is None when not at all.
    """
    src, dst = resolve_package(conn, a), resolve_package(conn, b)
    names = dict(conn.execute("SELECT path, name FROM packages"))
    for direction, (x, y) in (("a_depends_on_b", (src, dst)), ("b_depends_on_a", (dst, src))):
        found = _bfs_path(_internal_edges(conn, False), x, y)
        if found is not None:
            steps = [{"path": p, "name": names.get(p)} for p in found]
            return {"from": src, "to": dst, "relation": direction, "path": steps, "length": len(found) - 1}
    return {"from": src, "to": dst, "relation": None, "path": None, "length": None}


def _bfs_path(edges_of: dict[str, list[tuple[str, list[str]]]], src: str, dst: str) -> list[str] | None:
    prev: dict[str, str | None] = {src: None}
    queue = deque([src])
    while queue:
        node = queue.popleft()
        if node == dst:
            out, cur = [], node
            while cur is not None:
                out.append(cur)
                cur = prev[cur]
            return out[::-1]
        for nxt, _ in edges_of.get(node, ()):
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return None


# ------------------------------------------------------------------- symbols


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


def search_symbols(conn: sqlite3.Connection, query: str, kind: str | None = None, package: str | None = None,
                   language: str | None = None, limit: int | None = DEFAULT_LIMIT, offset: int = 0) -> dict[str, Any]:
    """Symbols whose name, split name words or signature match ``query``.

    Ranked: exact name (case-insensitive), then name prefix, then FTS bm25 (name
    weighs most), then file and line for a stable order.
    """
    lim, off = _limits(limit, offset)
    match = fts_query(query)
    if match is None:
        return page([], 0, offset, limit)
    q = query.strip()
    filters, args = _symbol_filters(conn, kind, package, language)
    sql = (
        "WITH hits(id, score) AS ("
        " SELECT rowid, bm25(symbols_fts, 10.0, 5.0, 1.0) FROM symbols_fts WHERE symbols_fts MATCH :match"
        " UNION ALL SELECT id, -1e9 FROM symbols WHERE name = :q)"
        f" SELECT {_SYMBOL_COLUMNS}, min(h.score) AS score,"
        " CASE WHEN lower(s.name) = lower(:q) THEN 0"
        " WHEN substr(lower(s.name), 1, length(:q)) = lower(:q) THEN 1 ELSE 2 END AS rank"
        " FROM hits h JOIN symbols s ON s.id = h.id LEFT JOIN packages p ON p.path = s.package"
        f" WHERE 1 {filters} GROUP BY s.id"
    )
    params = {"match": match, "q": q, **args}
    total = conn.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
    rows = conn.execute(
        f"{sql} ORDER BY rank, score, s.file_path, s.line, s.name LIMIT :lim OFFSET :off",
        {**params, "lim": lim, "off": off})
    return page([symbol_dict(r) for r in rows], total, offset, limit)


def _symbol_filters(conn: sqlite3.Connection, kind: str | None, package: str | None,
                    language: str | None) -> tuple[str, dict[str, Any]]:
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
               limit: int | None = 100, offset: int = 0) -> dict[str, Any]:
    """Every symbol with exactly this name, across packages (case-sensitive; a
    case-insensitive match is used only when the exact one finds nothing)."""
    lim, off = _limits(limit, offset)
    filters, args = _symbol_filters(conn, kind, package, None)
    for cond in ("s.name = :name", "lower(s.name) = lower(:name)"):
        params = {"name": name.strip(), **args}
        base = f"FROM symbols s LEFT JOIN packages p ON p.path = s.package WHERE {cond}{filters}"
        total = conn.execute(f"SELECT count(*) {base}", params).fetchone()[0]
        if total:
            rows = conn.execute(
                f"SELECT {_SYMBOL_COLUMNS} {base} ORDER BY s.package IS NULL, s.package, s.file_path, s.line"
                " LIMIT :lim OFFSET :off", {**params, "lim": lim, "off": off})
            return page([symbol_dict(r) for r in rows], total, offset, limit)
    return page([], 0, offset, limit)


def _norm_file(conn: sqlite3.Connection, path: str) -> str:
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


def file_symbols(conn: sqlite3.Connection, path: str) -> dict[str, Any]:
    """A file's record and its symbols in source order."""
    rel = _norm_file(conn, path)
    row = conn.execute("SELECT * FROM files WHERE path = ?", (rel,)).fetchone()
    if row is None:
        near = [r[0] for r in conn.execute(
            "SELECT path FROM files WHERE path LIKE ? ESCAPE '\\' ORDER BY path LIMIT 5",
            (f"%{_like_escape(rel.rsplit('/', 1)[-1])}%",))]
        hint = f" (similar: {', '.join(near)})" if near else ""
        raise QueryError(f"no file {rel!r} in the index{hint}")
    rows = conn.execute(
        f"SELECT {_SYMBOL_COLUMNS} FROM symbols s LEFT JOIN packages p ON p.path = s.package"
        " WHERE s.package IS ? AND s.file_path = ? ORDER BY s.line, s.id", (row["package"], rel))
    out = file_dict(row)
    pkg = conn.execute("SELECT name FROM packages WHERE path = ?", (row["package"],)).fetchone() if row["package"] else None
    out["package_name"] = pkg[0] if pkg else None
    out["symbols"] = [symbol_dict(r) for r in rows]
    return out


# --------------------------------------------------------------------- files


def search_files(conn: sqlite3.Connection, query: str, package: str | None = None, ext: str | None = None,
                 limit: int | None = DEFAULT_LIMIT, offset: int = 0) -> dict[str, Any]:
    """Files whose path matches ``query`` (FTS over path words, or a path substring)."""
    lim, off = _limits(limit, offset)
    where, args = [], []
    if package:
        where.append("f.package = ?")
        args.append(resolve_package(conn, package))
    if ext:
        where.append("f.extension = ?")
        args.append(ext.lower() if ext.startswith(".") else "." + ext.lower())
    q = (query or "").strip()
    match = fts_query(q)
    extra = "".join(f" AND {w}" for w in where)
    if not q:
        base = f"SELECT f.*, 0 AS score, 2 AS rank FROM files f WHERE 1{extra}"
        params: list[Any] = list(args)
    else:
        fts = "SELECT rowid, bm25(files_fts) FROM files_fts WHERE files_fts MATCH ?" if match else "SELECT NULL, 0 WHERE 0"
        base = (
            f"WITH hits(id, score) AS ({fts}"
            " UNION ALL SELECT id, 0.0 FROM files WHERE instr(lower(path), lower(?)) > 0)"
            " SELECT f.*, min(h.score) AS score,"
            " CASE WHEN lower(f.path) = lower(?) THEN 0"
            " WHEN instr(lower(f.path), lower(?)) > 0 THEN 1 ELSE 2 END AS rank"
            f" FROM hits h JOIN files f ON f.id = h.id WHERE 1{extra} GROUP BY f.id"
        )
        params = [*([match] if match else []), q, q, q, *args]
    total = conn.execute(f"SELECT count(*) FROM ({base})", params).fetchone()[0]
    order = "rank, score, length(f.path), f.path" if q else "f.path"
    rows = conn.execute(f"{base} ORDER BY {order} LIMIT ? OFFSET ?", [*params, lim, off])
    return page([file_dict(r) for r in rows], total, offset, limit)


# -------------------------------------------------------------------- status


def meta(conn: sqlite3.Connection) -> dict[str, str | None]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def _num(value: str | None) -> int | float | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return None


def status(conn: sqlite3.Connection, db: str | os.PathLike[str] | None = None, check_stale: bool = True,
           now: datetime | None = None) -> dict[str, Any]:
    """When and from what the index was built, what it holds, and how stale it is."""
    m = meta(conn)
    built_at = m.get("built_at")
    age = None
    if built_at:
        try:
            age = round(((now or datetime.now(timezone.utc)) - datetime.fromisoformat(built_at)).total_seconds())
        except ValueError:
            age = None
    counts = {k[len("count_"):]: _num(v) for k, v in sorted(m.items()) if k.startswith("count_")}
    durations = {k[len("duration_"):]: _num(v) for k, v in sorted(m.items()) if k.startswith("duration_")}

    def grouped(sql: str) -> dict[str, int]:
        return {k if k is not None else "other": v for k, v in conn.execute(sql)}

    out: dict[str, Any] = {
        "db": str(db) if db is not None else None,
        "schema_version": _num(m.get("schema_version")),
        "built_at": built_at,
        "age_seconds": age,
        "root": m.get("root"),
        "git_commit": m.get("git_commit"),
        "counts": counts,
        "packages_by_kind": grouped("SELECT kind, count(*) FROM packages GROUP BY 1 ORDER BY 2 DESC, 1"),
        "files_by_language": grouped("SELECT language, count(*) FROM files GROUP BY 1 ORDER BY 2 DESC, 1"),
        "symbols_by_language": grouped("SELECT language, count(*) FROM symbols GROUP BY 1 ORDER BY 2 DESC, 1"),
        "symbols_by_kind": grouped("SELECT kind, count(*) FROM symbols GROUP BY 1 ORDER BY 2 DESC, 1"),
        "files_by_status": grouped("SELECT status, count(*) FROM files GROUP BY 1 ORDER BY 2 DESC, 1"),
        "durations_s": durations,
        "last_build": {"reloaded": _num(m.get("last_reloaded")), "removed": _num(m.get("last_removed"))},
    }
    out["stale"] = staleness(conn, m) if check_stale else {"checked": False, "reason": "skipped"}
    return out


def staleness(conn: sqlite3.Connection, m: dict[str, str | None] | None = None) -> dict[str, Any]:
    """Files added, removed or modified in the indexed tree since the build.

    Same listing rules as discovery (gitignore, excluded dirs and extensions).
    A file counts as modified when its size differs, or when it was touched
    after the build and its content hash differs (so a mere touch is not a change).
    """
    from ..config import ConfigError, load_config
    from ..discover.walk import DEFAULT_EXCLUDED_DIRS, list_files

    m = m if m is not None else meta(conn)
    root_s = m.get("root")
    if not root_s or not Path(root_s).is_dir():
        return {"checked": False, "reason": f"indexed root {root_s!r} is not a directory here"}
    root = Path(root_s)
    try:
        config = load_config(root)
    except ConfigError as exc:
        return {"checked": False, "reason": f"config: {exc}"}
    try:
        current = list_files(root, DEFAULT_EXCLUDED_DIRS | set(config.exclude_dirs))
    except OSError as exc:
        return {"checked": False, "reason": f"cannot list {root}: {exc}"}
    if config.exclude_extensions:
        current = [f for f in current if not f.lower().endswith(config.exclude_extensions)]
    indexed = {p: (size, sha) for p, size, sha in conn.execute("SELECT path, size_bytes, sha256 FROM files")}
    built = _timestamp(m.get("built_at"))
    now_set = set(current)
    added = sorted(now_set - indexed.keys())
    removed = sorted(indexed.keys() - now_set)
    modified = []
    for rel in sorted(now_set & indexed.keys()):
        size, sha = indexed[rel]
        try:
            st = (root / rel).stat()
        except OSError:
            removed.append(rel)
            continue
        if size is not None and st.st_size != size:
            modified.append(rel)
        elif built is None or st.st_mtime >= built - 1:
            if sha and _sha256(root / rel) != sha:
                modified.append(rel)
    changed = len(added) + len(removed) + len(modified)
    out: dict[str, Any] = {
        "checked": True, "changed_files": changed, "added": len(added), "removed": len(removed),
        "modified": len(modified),
        "examples": (added + removed + modified)[:STALE_EXAMPLES],
    }
    head = _git_head(root)
    if head is not None:
        out["git_head"] = head
        out["commits_since"] = _commits_between(root, m.get("git_commit"), head)
    return out


def _timestamp(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return None


def _sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _git_head(root: Path) -> str | None:
    return _git(root, "rev-parse", "HEAD")


def _commits_between(root: Path, old: str | None, head: str) -> int | None:
    if not old:
        return None
    if old == head:
        return 0
    count = _git(root, "rev-list", "--count", f"{old}..{head}")
    return int(count) if count and count.isdigit() else None


__all__ = [
    "QueryError", "InvalidArgument", "DatabaseError", "open_index", "guard", "resolve_package", "list_packages", "search_packages",
    "get_package", "public_api", "package_files", "package_symbols", "dependencies", "dependents",
    "dependency_graph", "dependency_path", "fts_query", "search_symbols", "get_symbol", "file_symbols",
    "search_files", "status", "staleness", "meta", "DEFAULT_LIMIT",
]

