"""The merge: reconcile the database with the current result files.

It does not trust doit's list of changed files: the DB remembers, per package,
the digest of the result file its rows came from. Every merge reloads the
packages whose result differs, deletes the packages that have no result any
more, and recomputes internal dependencies, in one transaction. So a deleted
DB, `doit forget` or a copied DB all converge to the same content.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from ..pipeline import result as result_file
from ..model import UNOWNED_KEY
from .db import connect_writer, remove_db



@dataclass
class MergeStats:
    reloaded: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file or package, message)
    total: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def merge_results(
    db: str, results_dir: str, keys: Iterable[str], root: str = "", discover_seconds: float | None = None,
    quiet: bool = False,
) -> MergeStats:
    """The merge task's action: bring ``db`` in line with the result files of ``keys``."""
    started = time.perf_counter()
    keys = sorted(keys)
    results = Path(results_dir)
    stats = MergeStats(total=len(keys))
    # A first build loads a new private file and renames it into place: with
    # no reader to serve, it needs no WAL, which saves writing every page
    # twice (~2.5 s of commit and checkpoint on 900k symbols).
    target = Path(db)
    private = not target.exists()
    path = target.with_name(f".{target.name}.{os.getpid()}.new") if private else target
    if private:
        _remove_abandoned(target)
    conn = connect_writer(path, private=private)
    try:
        conn.execute("BEGIN IMMEDIATE")
        stored = {k: (d, s, m) for k, d, s, m in conn.execute("SELECT key, digest, size, mtime_ns FROM package_results")}
        # An empty index (first build, deleted or rebuilt DB) gets its
        # full-text indexes built once at the end: ~3 s less on 900k symbols
        # than keeping them up to date package by package.
        fresh = not stored
        for key in keys:
            _merge_one(conn, key, results / result_file.result_name(key), stored.get(key), stats, fresh)
        if fresh:
            for fts in FTS_TABLES:
                conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        for key in sorted(set(stored) - set(keys)):
            _delete_package(conn, key)
            conn.execute("DELETE FROM package_results WHERE key = ?", (key,))
            stats.removed.append(key)
        _resolve_internal(conn)
        stats.warnings += _warn_duplicate_names(conn)
        stats.seconds = time.perf_counter() - started
        _write_meta(conn, root, discover_seconds, stats)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        if private:
            remove_db(path)
        raise
    if private:
        conn.execute("PRAGMA journal_mode=WAL")  # what every later merge and reader expects
        conn.close()
        _sync(path)
        if not _publish(path, target):
            # A concurrent run created the index meanwhile: reconcile with it instead.
            return merge_results(db, results_dir, keys, root, discover_seconds, quiet)
    else:
        # Fold the WAL into the main file so the DB file itself changes exactly
        # when the index does: downstream tasks use it as their file_dep.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    _remove_stale_results(results, {result_file.result_name(k) for k in keys})
    stats.seconds = time.perf_counter() - started  # the report includes the commit; meta cannot
    if not quiet:
        _report(stats, db)
    return stats


def _merge_one(
    conn: sqlite3.Connection, key: str, path: Path, stored: tuple | None, stats: MergeStats, fresh: bool = False,
) -> None:
    try:
        st = path.stat()
    except FileNotFoundError:
        stats.unreadable.append(f"{key}: result file missing ({path})")
        return
    if stored is not None and stored[1:] == (st.st_size, st.st_mtime_ns):
        return
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if stored is None or stored[0] != digest:
        try:
            result = result_file.decode(data, key)
        except result_file.ResultError as exc:
            # Keep the rows we had: a damaged result must not erase a package.
            stats.unreadable.append(f"{key}: {path.name}: {exc}")
            return
        if not fresh:
            _delete_package(conn, key)
        _insert_result(conn, key, result, index_text=not fresh)
        stats.reloaded.append(key)
        stats.warnings += [(w["file"] or key, w["message"]) for w in result["warnings"]]
    conn.execute(
        "INSERT OR REPLACE INTO package_results(key, digest, size, mtime_ns) VALUES (?, ?, ?, ?)",
        (key, digest, st.st_size, st.st_mtime_ns),
    )


def _package_column(key: str) -> str | None:
    return None if key == UNOWNED_KEY else _path(key)


# full-text table -> (base table, its key column, the indexed columns)
FTS_TABLES = {
    "symbols_fts": ("symbols", "package", "name, words, signature"),
    "files_fts": ("files", "package", "path"),
    "packages_fts": ("packages", "path", "name, description, path"),
}


def _delete_package(conn: sqlite3.Connection, key: str) -> None:
    pkg = _package_column(key)
    # External-content FTS forgets a row only when told its indexed values, so
    # this runs before the base rows go.
    for fts, (table, column, columns) in FTS_TABLES.items():
        conn.execute(
            f"INSERT INTO {fts}({fts}, rowid, {columns}) SELECT 'delete', id, {columns} FROM {table} WHERE {column} IS ?",
            (pkg,),
        )
    for table, column in (("symbols", "package"), ("files", "package"), ("dependencies", "package"),
                          ("warnings", "package"), ("packages", "path")):
        conn.execute(f"DELETE FROM {table} WHERE {column} IS ?", (pkg,))


def _index_text(conn: sqlite3.Connection, pkg: str | None) -> None:
    for fts, (table, column, columns) in FTS_TABLES.items():
        conn.execute(f"INSERT INTO {fts}(rowid, {columns}) SELECT id, {columns} FROM {table} WHERE {column} IS ?", (pkg,))


def _insert_result(conn: sqlite3.Connection, key: str, result: dict[str, Any], index_text: bool = True) -> None:
    pkg = _package_column(key)
    package = result.get("package")
    if package is not None:
        conn.execute(
            "INSERT INTO packages(path, name, kind, version, description, metadata, match_key, manifests)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_path(package["path"]), package["name"], package["kind"], package.get("version"), package.get("description"),
             _json(package.get("metadata") or {}), package.get("match_key") or "", _json(package.get("manifests") or [])),
        )
        conn.executemany(
            "INSERT INTO dependencies(package, dependency, dep_kind, version_req, match_key, metadata)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(pkg, d["name"], d["dep_kind"], d.get("version_req"), d.get("match_key") or "", _json(d.get("metadata") or {}))
             for d in package.get("dependencies", [])],
        )
    languages = {f["path"]: f["language"] for f in result["files"]}
    clean = {path: _path(path) for path in languages}
    conn.executemany(
        "INSERT INTO files(path, package, extension, size_bytes, language, sha256, status, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(clean[f["path"]], pkg, _extension(clean[f["path"]]), f["size"], f["language"], f["sha256"], f["status"],
          f["note"]) for f in result["files"]],
    )
    # Rows arrive formatted by the worker (records.SYMBOL_COLUMNS order).
    conn.executemany(
        "INSERT INTO symbols(package, file_path, line, end_line, name, kind, signature, visibility,"
        " parent_symbol, return_type, parameters, language, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(pkg, clean[r[0]], *r[1:10], languages[r[0]], r[10]) for r in result["symbols"]],
    )
    conn.executemany(
        "INSERT INTO warnings(package, file_path, message) VALUES (?, ?, ?)",
        [(pkg, w["file"] and _path(w["file"]), w["message"]) for w in result["warnings"]],
    )
    if index_text:
        _index_text(conn, pkg)


def _path(path: str) -> str:
    """File names that are not UTF-8 reach us surrogate-escaped; SQLite text
    must be UTF-8, so show their raw bytes as \\xNN escapes instead."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _extension(path: str) -> str:
    base = path.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _resolve_internal(conn: sqlite3.Connection) -> None:
    # Duplicate names resolve to the smallest path, so the answer is stable.
    conn.execute(
        "UPDATE dependencies SET internal_package = ("
        " SELECT min(p.path) FROM packages p"
        " WHERE p.match_key = dependencies.match_key AND p.match_key != '' AND p.path != dependencies.package)"
    )
    conn.execute("UPDATE dependencies SET is_internal = (internal_package IS NOT NULL)")


def _warn_duplicate_names(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Two packages of one ecosystem with the same name: dependencies on that
    name resolve to the first path, which is probably not what the owner meant."""
    conn.execute("DELETE FROM warnings WHERE origin = 'merge'")
    rows = conn.execute(
        "SELECT p.path, p.name, p.manifests, d.others FROM packages p JOIN ("
        "  SELECT match_key, group_concat(path, ', ') AS others FROM ("
        "    SELECT match_key, path FROM packages WHERE match_key != '' ORDER BY path)"
        "  GROUP BY match_key HAVING count(*) > 1) d ON d.match_key = p.match_key ORDER BY p.path"
    ).fetchall()
    messages = []
    for path, name, manifests, others in rows:
        manifest = (json.loads(manifests) or [None])[0]
        message = f"duplicate package name {name!r}: declared in {others}; internal dependencies resolve to the first"
        conn.execute(
            "INSERT INTO warnings(package, file_path, message, origin) VALUES (?, ?, ?, 'merge')",
            (path, manifest, message),
        )
        messages.append((manifest or path, message))
    return messages


def _write_meta(conn: sqlite3.Connection, root: str, discover_seconds: float | None, stats: MergeStats) -> None:
    counts = stats.counts = {
        f"count_{table}": conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("packages", "dependencies", "files", "symbols", "warnings")
    }
    meta = {
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "root": root,
        "git_commit": _git_commit(root),
        "last_reloaded": len(stats.reloaded),
        "last_removed": len(stats.removed),
        "duration_discover_s": None if discover_seconds is None else round(discover_seconds, 3),
        "duration_merge_s": round(stats.seconds, 3),
        **counts,
    }
    conn.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        [(k, None if v is None else str(v)) for k, v in meta.items()],
    )


def _git_commit(root: str) -> str | None:
    if not root:
        return None
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _publish(path: Path, target: Path) -> bool:
    """Move a private build into place, unless ``target`` appeared meanwhile (then discard it)."""
    try:
        os.link(path, target)  # unlike a rename, fails if the target exists
    except FileExistsError:
        remove_db(path)
        return False
    except OSError:  # a file system without hard links
        if target.exists():
            remove_db(path)
            return False
        os.replace(path, target)
        return True
    os.unlink(path)
    return True


def _sync(path: Path) -> None:
    # As durable as the WAL path, whose checkpoint syncs the DB file.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_abandoned(target: Path) -> None:
    """Private builds a killed merge left behind (their process is gone)."""
    prefix, suffix = f".{target.name}.", ".new"
    for name in os.listdir(target.parent):
        pid = name[len(prefix) : -len(suffix)]
        if name.startswith(prefix) and name.endswith(suffix) and pid.isdigit() and not _alive(int(pid)):
            remove_db(target.parent / name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    return True


def _remove_stale_results(results: Path, current: set[str]) -> None:
    """Result files of packages that no longer exist (renamed, deleted)."""
    try:
        names = os.listdir(results)
    except FileNotFoundError:
        return
    for name in names:
        if name.endswith(".json") and name not in current:
            try:
                (results / name).unlink()
            except OSError:
                pass


def _report(stats: MergeStats, db: str) -> None:
    # One line per distinct problem: a missing grammar must not print 10,000 lines.
    grouped: dict[str, list[str]] = {}
    for where, message in stats.warnings:
        grouped.setdefault(message, []).append(where)
    for message, places in grouped.items():
        more = f" (and {len(places) - 3} more files)" if len(places) > 3 else ""
        print(f"symidx: warning: {', '.join(places[:3])}{more}: {message}", file=sys.stderr)
    for u in stats.unreadable:
        print(f"symidx: warning: {u}", file=sys.stderr)
    c = stats.counts
    print(
        f"symidx: {c.get('count_packages', 0)} packages, {c.get('count_symbols', 0)} symbols, "
        f"{c.get('count_files', 0)} files, {c.get('count_warnings', 0)} warnings; "
        f"{len(stats.reloaded)} of {stats.total} results reloaded, {len(stats.removed)} removed; "
        f"merge {stats.seconds:.2f}s -> {db}"
    )
