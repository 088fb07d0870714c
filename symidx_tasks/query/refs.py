"""Questions about references: where a name is used, who calls a symbol, how
much a definition is used, and which of a package's symbols other packages use.

A reference (table ``refs``) is one use of a name in a parsed file; the merge
resolved it to zero or more definitions (``ref_targets``, each saying how). A
reference "to X" is one named X or one resolved to a definition named X (an
aliased import's uses carry the alias, not X).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import cast, get_args

from ..errors import InvalidArgument, QueryError
from .answers import (
    CallerRow,
    CallersPage,
    ExternalUse,
    ExternalUser,
    PackageUsage,
    ReferenceKind,
    ReferenceRow,
    RefTarget,
    Resolution,
    SearchPage,
    Usage,
)
from .rows import LIST_LIMIT, count, limits, page, resolve_package
from .suggest import with_suggestions

# The kinds of use extract/references.py records (a test keeps the two equal).
REF_KINDS: tuple[str, ...] = get_args(ReferenceKind)
# Kinds that run the definition: what makes a caller.
CALL_KINDS = ("call", "member_call", "new")
EXTERNAL_LIMIT = 30  # symbols listed by package_usage


def _targets(conn: sqlite3.Connection, name: str, package: str | None) -> tuple[str, dict[str, str]]:
    """SQL selecting the ids of the definitions named ``name`` (in ``package`` if given)."""
    if package:
        return ("SELECT id FROM symbols WHERE name = :name AND package = :package",
                {"name": name, "package": resolve_package(conn, package)})
    return "SELECT id FROM symbols WHERE name = :name", {"name": name}


def _kind_filter(kind: str | None) -> str:
    if kind is None:
        return ""
    if kind not in REF_KINDS:
        raise InvalidArgument(f"kind must be one of {', '.join(REF_KINDS)}; got {kind!r}")
    return " AND r.kind = :kind"


REFERENCES_OFF = ("this index was built without references (`references = false` in its config): "
                  "remove that setting and rebuild to ask where a symbol is used")


def has_references(conn: sqlite3.Connection) -> bool:
    """False for an index built with ``references = false`` in its config."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'references'").fetchone()
    return row is None or row[0] != "off"


def _require_references(conn: sqlite3.Connection) -> None:
    # An empty answer would read as "nobody uses it".
    if not has_references(conn):
        raise QueryError(REFERENCES_OFF)


def find_references(conn: sqlite3.Connection, name: str, package: str | None = None, kind: str | None = None,
                    limit: int | None = LIST_LIMIT, offset: int = 0) -> SearchPage[ReferenceRow]:
    """Every reference to ``name``, in file, line and column order, each with the
    definitions it resolved to (all of them, however it was filtered).

    Without ``package``: references named ``name`` (resolved or not) and those
    resolved to a definition named ``name``. With ``package``: only those
    resolved to a definition of ``name`` in that package (path or name).
    ``kind`` keeps one kind of use (import, inherit, new, member_call, call,
    type, constant). Suggestions are nearest symbol names when nothing matched.
    """
    lim, off = limits(limit, offset)
    _require_references(conn)
    name = name.strip()
    defs, args = _targets(conn, name, package)
    hits = f"SELECT t.ref_id FROM ref_targets t WHERE t.symbol_id IN ({defs})"
    if not package:
        hits += " UNION SELECT id FROM refs WHERE name = :name"
    base = f"FROM refs r LEFT JOIN packages p ON p.path = r.package WHERE r.id IN ({hits}){_kind_filter(kind)}"
    params = {**args, "kind": kind}
    total = count(conn, f"SELECT count(*) {base}", params)
    rows = conn.execute(
        f"SELECT r.*, p.name AS package_name {base} ORDER BY r.file_path, r.line, r.col, r.kind, r.name"
        " LIMIT :lim OFFSET :off", {**params, "lim": lim, "off": off}).fetchall()
    resolved = _resolved(conn, [r["id"] for r in rows])
    found = [_reference_row(r, resolved.get(r["id"], [])) for r in rows]
    return with_suggestions(conn, page(found, total, offset, limit), name, "symbol")


def _reference_row(r: sqlite3.Row, definitions: list[RefTarget]) -> ReferenceRow:
    return {
        "loc": f"{r['file_path']}:{r['line']}:{r['col']}", "file": r["file_path"], "line": r["line"],
        "col": r["col"], "name": r["name"], "kind": r["kind"], "receiver": r["receiver"],
        "enclosing": r["enclosing"], "module": r["module"], "alias": r["alias"], "package": r["package"],
        "package_name": r["package_name"], "definitions": definitions,
    }


def _resolved(conn: sqlite3.Connection, ref_ids: list[int]) -> dict[int, list[RefTarget]]:
    """The definitions each of ``ref_ids`` resolved to, in file and line order."""
    out: dict[int, list[RefTarget]] = {}
    for chunk in _chunks(ref_ids):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
                "SELECT t.ref_id, t.how, s.name, s.kind, s.file_path, s.line, s.package FROM ref_targets t"
                f" JOIN symbols s ON s.id = t.symbol_id WHERE t.ref_id IN ({marks})"
                " ORDER BY t.ref_id, s.file_path, s.line, s.name", chunk):
            out.setdefault(row["ref_id"], []).append({
                "name": row["name"], "kind": row["kind"], "loc": f"{row['file_path']}:{row['line']}",
                "package": row["package"], "how": cast(Resolution, row["how"])})
    return out


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    # SQLite caps the number of bound parameters (32766 by default, 999 in old builds).
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def get_callers(conn: sqlite3.Connection, symbol: str, package: str | None = None,
                limit: int | None = LIST_LIMIT, offset: int = 0) -> CallersPage[CallerRow]:
    """The symbols whose bodies call ``symbol`` (calls, member calls and
    constructions resolved to a definition of that name, in ``package`` if
    given), each with its call sites; ordered by package, file and line.
    ``other_references`` counts the other references resolved to those
    definitions by kind, so that "no calls" does not read as "unused";
    ``suggestions`` the nearest names only when no definition bears the name.

    A caller is the symbol of the reference's file named as its enclosing
    definition whose lines hold the call (the innermost such). A call at a
    file's top level has the caller None; one inside a definition that is no
    indexed symbol (a closure, a private nested function) keeps the name with
    kind None.
    """
    lim, off = limits(limit, offset)
    _require_references(conn)
    symbol = symbol.strip()
    defs, args = _targets(conn, symbol, package)
    rows = conn.execute(
        "SELECT r.file_path, r.line, r.col, r.enclosing, r.package, p.name AS package_name, d.file_path AS d_file,"
        " d.line AS d_line,"
        " (SELECT c.id FROM symbols c WHERE c.package IS r.package AND c.file_path = r.file_path"
        "  AND c.name = r.enclosing AND r.line BETWEEN c.line AND c.end_line ORDER BY c.line DESC LIMIT 1) AS caller"
        " FROM ref_targets t JOIN refs r ON r.id = t.ref_id JOIN symbols d ON d.id = t.symbol_id"
        " LEFT JOIN packages p ON p.path = r.package"
        f" WHERE t.symbol_id IN ({defs}) AND r.kind IN ({','.join(repr(k) for k in CALL_KINDS)})"
        " ORDER BY r.file_path, r.line, r.col, d.file_path, d.line", args).fetchall()
    groups: dict[tuple[object, ...], CallerRow] = {}
    callers = _symbols(conn, {r["caller"] for r in rows if r["caller"] is not None})
    for r in rows:
        key = (r["caller"],) if r["caller"] is not None else (r["file_path"], r["enclosing"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = _caller_row(r, callers.get(r["caller"]))
        site = f"{r['file_path']}:{r['line']}:{r['col']}"
        if site not in group["sites"]:
            group["sites"].append(site)
            group["calls"] += 1
        callee = f"{r['d_file']}:{r['d_line']}"
        if callee not in group["callees"]:
            group["callees"].append(callee)
    ordered = sorted(groups.values(), key=lambda g: (g["package"] is None, g["package"] or "", g["file"],
                                                     g["line"] or 0, g["name"] or ""))
    shown = ordered[off:] if lim < 0 else ordered[off : off + lim]
    found = page(shown, len(ordered), offset, limit)
    # Nearest names only for a name with no definition here: a defined symbol
    # that nobody calls is found, not misspelled (and its near names are noise).
    defined = conn.execute(f"SELECT EXISTS ({defs})", args).fetchone()[0]
    return {**found, "suggestions": [] if defined else with_suggestions(conn, found, symbol, "symbol")["suggestions"],
            "other_references": _other_references(conn, defs, args)}


def _other_references(conn: sqlite3.Connection, defs: str, args: dict[str, str]) -> dict[str, int]:
    """The references resolved to the definitions ``defs`` selects that are no
    calls, each counted once (it may resolve to several), by kind, most first."""
    rows = conn.execute(
        "SELECT r.kind, count(DISTINCT r.id) AS n FROM ref_targets t JOIN refs r ON r.id = t.ref_id"
        f" WHERE t.symbol_id IN ({defs}) AND r.kind NOT IN ({','.join(repr(k) for k in CALL_KINDS)})"
        " GROUP BY r.kind ORDER BY n DESC, r.kind", args)
    return {str(kind): int(n) for kind, n in rows}


def _symbols(conn: sqlite3.Connection, ids: set[int]) -> dict[int, sqlite3.Row]:
    out: dict[int, sqlite3.Row] = {}
    for chunk in _chunks(sorted(ids)):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
                f"SELECT id, kind, signature, line FROM symbols WHERE id IN ({marks})", chunk):
            out[row["id"]] = row
    return out


def _caller_row(r: sqlite3.Row, caller: sqlite3.Row | None) -> CallerRow:
    line = caller["line"] if caller is not None else None
    return {
        "name": r["enclosing"], "kind": caller["kind"] if caller is not None else None,
        "signature": caller["signature"] if caller is not None else None,
        "loc": f"{r['file_path']}:{line}" if line is not None else r["file_path"], "file": r["file_path"],
        "line": line, "package": r["package"], "package_name": r["package_name"],
        "calls": 0, "sites": [], "callees": [],
    }


def usage_of(conn: sqlite3.Connection, symbol_ids: list[int]) -> dict[int, Usage]:
    """Per definition: the references resolved to it and the packages they are in."""
    out: dict[int, Usage] = {i: {"places": 0, "packages": 0} for i in symbol_ids}
    for chunk in _chunks(symbol_ids):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
                "SELECT t.symbol_id, count(*) AS places, count(DISTINCT coalesce(r.package, char(0))) AS packages"
                f" FROM ref_targets t JOIN refs r ON r.id = t.ref_id WHERE t.symbol_id IN ({marks})"
                " GROUP BY t.symbol_id", chunk):
            out[row["symbol_id"]] = {"places": row["places"], "packages": row["packages"]}
    return out


def usage(conn: sqlite3.Connection, name: str, package: str | None = None) -> Usage:
    """References resolved to any definition named ``name`` (in ``package`` if
    given), each counted once, and the packages they are in."""
    defs, args = _targets(conn, name.strip(), package)
    row = conn.execute(
        "SELECT count(*), count(DISTINCT coalesce(r.package, char(0))) FROM refs r"
        f" WHERE r.id IN (SELECT ref_id FROM ref_targets WHERE symbol_id IN ({defs}))", args).fetchone()
    return {"places": int(row[0]), "packages": int(row[1])}


def package_usage(conn: sqlite3.Connection, package: str, limit: int = EXTERNAL_LIMIT) -> PackageUsage:
    """The symbols of ``package`` that other packages reference, most referenced
    first, each with the referencing packages (most places first). What an
    impact analysis starts from: the API a change of this package can break."""
    _require_references(conn)
    path = resolve_package(conn, package)
    rows = conn.execute(
        "SELECT s.id, s.name, s.kind, s.file_path, s.line, s.signature, r.package AS user, count(*) AS places"
        " FROM symbols s JOIN ref_targets t ON t.symbol_id = s.id JOIN refs r ON r.id = t.ref_id"
        " WHERE s.package = :path AND r.package IS NOT :path"
        " GROUP BY s.id, r.package", {"path": path}).fetchall()
    found: dict[int, ExternalUse] = {}
    for r in rows:
        use = found.get(r["id"])
        if use is None:
            use = found[r["id"]] = {"name": r["name"], "kind": r["kind"], "loc": f"{r['file_path']}:{r['line']}",
                                    "signature": r["signature"], "places": 0, "used_by": []}
        user: ExternalUser = {"package": r["user"] if r["user"] is not None else "(no package)",
                              "places": r["places"]}
        use["used_by"].append(user)
        use["places"] += r["places"]
    for use in found.values():
        use["used_by"].sort(key=lambda u: (-u["places"], u["package"]))
    ordered = sorted(found.values(), key=lambda u: (-u["places"], u["loc"], u["name"]))
    return {"package": path, "total": len(ordered), "symbols": ordered[:limit], "truncated": len(ordered) > limit}
