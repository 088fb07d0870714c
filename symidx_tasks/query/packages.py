"""Questions about packages: find, list, describe, and their direct dependencies.

Packages are named by their path (unique) or their name (may be ambiguous: the
error lists the candidates), see ``rows.resolve_package``.
"""
from __future__ import annotations

import sqlite3

from .answers import (
    Dependencies,
    DependencyRow,
    DependentRow,
    Dependents,
    FileRow,
    PackageDetail,
    PackageSummary,
    Page,
    PublicApi,
    SearchPage,
    SymbolRow,
)
from .rows import (
    DEFAULT_LIMIT,
    LIST_LIMIT,
    SYMBOL_COLUMNS,
    SYMBOLS_FROM,
    count,
    file_row,
    fts_query,
    limits,
    loads_list,
    loads_object,
    normalize_extension,
    package_summary,
    page,
    resolve_package,
    symbol_row,
)
from .suggest import with_suggestions

API_LIMIT = 50  # top-level symbols listed in a package's public API summary
FILES_LIMIT = 100  # files listed by get_package unless all are asked for


def list_packages(conn: sqlite3.Connection, kind: str | None = None, limit: int | None = LIST_LIMIT,
                  offset: int = 0) -> Page[PackageSummary]:
    """Packages sorted by path; ``kind`` filters by ecosystem."""
    lim, off = limits(limit, offset)
    where, args = ("WHERE kind = ?", [kind]) if kind else ("", [])
    total = count(conn, f"SELECT count(*) FROM packages {where}", args)
    rows = conn.execute(f"SELECT * FROM packages {where} ORDER BY path LIMIT ? OFFSET ?", [*args, lim, off])
    return page([package_summary(r) for r in rows], total, offset, limit)


def search_packages(conn: sqlite3.Connection, query: str, kind: str | None = None,
                    limit: int | None = DEFAULT_LIMIT, offset: int = 0) -> SearchPage[PackageSummary]:
    """Packages whose name, description or path match; exact name first, then prefix, then bm25."""
    lim, off = limits(limit, offset)
    match = fts_query(query)
    if match is None:
        return with_suggestions(conn, page([], 0, offset, limit), query, "package")
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
    total = count(conn, f"SELECT count(*) FROM ({base})", params)
    rows = conn.execute(f"{base} ORDER BY rank, score, p.path LIMIT :lim OFFSET :off",
                        {**params, "lim": lim, "off": off})
    return with_suggestions(conn, page([package_summary(r) for r in rows], total, offset, limit), query, "package")


def get_package(conn: sqlite3.Connection, package: str, all_files: bool = False, *,
                files_limit: int = FILES_LIMIT, api_limit: int = API_LIMIT) -> PackageDetail:
    """Metadata, manifests, counts, dependencies, dependents, files (the first
    ``files_limit``, or all) and a public API summary (the first ``api_limit``)."""
    path = resolve_package(conn, package)
    row = conn.execute("SELECT * FROM packages WHERE path = ?", (path,)).fetchone()
    languages = {str(k): int(v) for k, v in conn.execute(
        "SELECT coalesce(language, 'other'), count(*) FROM files WHERE package = ? GROUP BY 1 ORDER BY 1", (path,))}
    deps = dependencies(conn, path)
    users = dependents(conn, path)
    return {
        **package_summary(row),
        "metadata": loads_object(row["metadata"]),
        "manifests": [str(m) for m in loads_list(row["manifests"])],
        "counts": {"files": sum(languages.values()),
                   "symbols": count(conn, "SELECT count(*) FROM symbols WHERE package = ?", (path,)),
                   "dependencies": len(deps), "dependents": len(users)},
        "languages": languages,
        "dependencies": deps,
        "dependents": users,
        "files": package_files(conn, path, limit=None if all_files else files_limit),
        "api": public_api(conn, path, api_limit),
        "warnings": [
            {"file": f, "message": m} for f, m in conn.execute(
                "SELECT file_path, message FROM warnings WHERE package = ? ORDER BY file_path, message", (path,))
        ],
    }


# Rust's restricted pub(crate)/pub(super) items are not a package's public API.
_PUBLIC_SQL = "s.parent_symbol IS NULL AND s.visibility NOT LIKE 'pub(%'"


def public_api(conn: sqlite3.Connection, path: str, limit: int = API_LIMIT) -> PublicApi:
    """Top-level public symbols: counts by kind and the first ``limit`` in file order."""
    by_kind = {str(k): int(v) for k, v in conn.execute(
        f"SELECT s.kind, count(*) FROM symbols s WHERE s.package = ? AND {_PUBLIC_SQL} GROUP BY 1 ORDER BY 2 DESC, 1",
        (path,))}
    rows = conn.execute(
        f"SELECT {SYMBOL_COLUMNS} FROM {SYMBOLS_FROM}"
        f" WHERE s.package = ? AND {_PUBLIC_SQL} ORDER BY s.file_path, s.line, s.id LIMIT ?", (path, limit))
    symbols = [symbol_row(r) for r in rows]
    total = sum(by_kind.values())
    return {"total": total, "by_kind": by_kind, "symbols": symbols, "truncated": total > len(symbols)}


def package_files(conn: sqlite3.Connection, package: str, extension: str | None = None,
                  limit: int | None = LIST_LIMIT, offset: int = 0) -> Page[FileRow]:
    """The files a package owns, sorted by path; ``extension`` like ``go`` or ``.ts``."""
    path = resolve_package(conn, package)
    lim, off = limits(limit, offset)
    where, args = "package = ?", [path]
    if extension:
        where += " AND extension = ?"
        args.append(normalize_extension(extension))
    total = count(conn, f"SELECT count(*) FROM files WHERE {where}", args)
    rows = conn.execute(f"SELECT * FROM files WHERE {where} ORDER BY path LIMIT ? OFFSET ?", [*args, lim, off])
    return page([file_row(r) for r in rows], total, offset, limit)


def package_symbols(conn: sqlite3.Connection, package: str, kind: str | None = None, top_level_only: bool = False,
                    limit: int | None = LIST_LIMIT, offset: int = 0) -> Page[SymbolRow]:
    """A package's symbols in file and line order (members carry their parent)."""
    path = resolve_package(conn, package)
    lim, off = limits(limit, offset)
    where, args = ["s.package = ?"], [path]
    if kind:
        where.append("s.kind = ?")
        args.append(kind)
    if top_level_only:
        where.append("s.parent_symbol IS NULL")
    cond = " AND ".join(where)
    total = count(conn, f"SELECT count(*) FROM symbols s WHERE {cond}", args)
    rows = conn.execute(
        f"SELECT {SYMBOL_COLUMNS} FROM {SYMBOLS_FROM} WHERE {cond}"
        " ORDER BY s.file_path, s.line, s.id LIMIT ? OFFSET ?", [*args, lim, off])
    return page([symbol_row(r) for r in rows], total, offset, limit)


# -------------------------------------------------------------- dependencies


def dependencies(conn: sqlite3.Connection, package: str, internal_only: bool = False) -> list[DependencyRow]:
    """Direct dependencies as declared (internal first), with the repo package each internal one resolves to."""
    path = resolve_package(conn, package)
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


def dependents(conn: sqlite3.Connection, package: str) -> list[DependentRow]:
    """Repo packages that depend on this one directly."""
    path = resolve_package(conn, package)
    rows = conn.execute(
        "SELECT d.package, p.name, d.dep_kind, d.version_req FROM dependencies d"
        " JOIN packages p ON p.path = d.package WHERE d.internal_package = ? ORDER BY d.package, d.dep_kind", (path,))
    return [{"package": r[0], "name": r[1], "kind": r[2], "version_req": r[3]} for r in rows]


def package_dependencies(conn: sqlite3.Connection, package: str, internal_only: bool = False) -> Dependencies:
    """The answer of `symidx deps` / package_dependencies: the package's path and its dependencies."""
    path = resolve_package(conn, package)
    return {"package": path, "dependencies": dependencies(conn, path, internal_only)}


def package_dependents(conn: sqlite3.Connection, package: str) -> Dependents:
    """The answer of `symidx dependents` / package_dependents."""
    path = resolve_package(conn, package)
    return {"package": path, "dependents": dependents(conn, path)}



def packages_under(conn: sqlite3.Connection, prefix: str, limit: int | None = LIST_LIMIT) -> Page[PackageSummary]:
    """The packages at or below the directory ``prefix`` (``.`` or empty: all), by path;
    when none is, the nearest package that contains ``prefix``."""
    lim, _ = limits(limit, 0)
    base = prefix.strip().replace("\\", "/").strip("/").removeprefix("./")
    if base in ("", "."):
        return list_packages(conn, limit=limit)
    cond, args = "path = ? OR substr(path, 1, ?) = ?", [base, len(base) + 1, base + "/"]
    total = count(conn, f"SELECT count(*) FROM packages WHERE {cond}", args)
    if total:
        rows = conn.execute(f"SELECT * FROM packages WHERE {cond} ORDER BY path LIMIT ?", [*args, lim])
        return page([package_summary(r) for r in rows], total, 0, limit)
    enclosing = [p for p in (r["path"] for r in conn.execute("SELECT path FROM packages"))
                 if p == "." or base.startswith(p + "/")]
    if not enclosing:
        return page([], 0, 0, limit)
    row = conn.execute("SELECT * FROM packages WHERE path = ?", (max(enclosing, key=len),)).fetchone()
    return page([package_summary(row)], 1, 0, limit)
