"""The index about itself: build facts from the meta table, contents by kind, and warnings.

How current the index is (files changed since the build) needs the file system
and the repo's config, so it lives in ``symidx_tasks.freshness``, which
completes this answer's ``stale`` part.
"""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime

from .answers import LastBuild, Page, SlowPackage, Staleness, Status, WarningRow
from .rows import LIST_LIMIT, count, limits, page, resolve_package

SKIPPED: Staleness = {"checked": False, "reason": "skipped"}


def meta(conn: sqlite3.Connection) -> dict[str, str | None]:
    return {str(k): v for k, v in conn.execute("SELECT key, value FROM meta")}


def number(value: str | None) -> int | float | None:
    """A meta value as a number (int when it is one); None when absent or not a number."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return None


def status(conn: sqlite3.Connection, db: str | os.PathLike[str] | None = None, stale: Staleness = SKIPPED,
           now: datetime | None = None) -> Status:
    """When and from what the index was built, what it holds, the last build's
    durations and slowest packages; ``stale`` is the caller's staleness verdict
    (freshness.staleness), "skipped" by default."""
    m = meta(conn)
    built_at = m.get("built_at")
    age = None
    if built_at:
        try:
            age = round(((now or datetime.now(UTC)) - datetime.fromisoformat(built_at)).total_seconds())
        except ValueError:
            age = None

    def grouped(column: str, table: str) -> dict[str, int]:
        rows = conn.execute(f"SELECT {column}, count(*) FROM {table} GROUP BY 1 ORDER BY 2 DESC, 1")
        return {str(k) if k is not None else "other": int(v) for k, v in rows}

    last: LastBuild = {"reloaded": number(m.get("last_reloaded")), "removed": number(m.get("last_removed"))}
    return {
        "db": str(db) if db is not None else None,
        "schema_version": number(m.get("schema_version")),
        "built_at": built_at,
        "age_seconds": age,
        "root": m.get("root"),
        "git_commit": m.get("git_commit"),
        "counts": {k[len("count_"):]: number(v) for k, v in sorted(m.items()) if k.startswith("count_")},
        "references": m.get("references") != "off",
        "packages_by_kind": grouped("kind", "packages"),
        "files_by_language": grouped("language", "files"),
        "symbols_by_language": grouped("language", "symbols"),
        "symbols_by_kind": grouped("kind", "symbols"),
        "files_by_status": grouped("status", "files"),
        "durations_s": {k[len("duration_"):]: number(v) for k, v in sorted(m.items()) if k.startswith("duration_")},
        "slowest_packages": slowest_packages(m.get("slowest_packages")),
        "last_build": last,
        "stale": stale,
    }


def slowest_packages(text: str | None) -> list[SlowPackage]:
    """The meta value ``[[package key, seconds], ...]`` as rows; [] when absent or malformed."""
    try:
        pairs = json.loads(text) if text else []
    except ValueError:
        return []
    if not isinstance(pairs, list):
        return []
    return [{"package": str(p[0]), "seconds": float(p[1])}
            for p in pairs if isinstance(p, list) and len(p) == 2 and isinstance(p[1], int | float)]


def list_warnings(conn: sqlite3.Connection, package: str | None = None, limit: int | None = LIST_LIMIT,
                  offset: int = 0) -> Page[WarningRow]:
    """The warnings the build recorded (bad manifests, unparsable files, ...), by package and file."""
    lim, off = limits(limit, offset)
    where, args = ("WHERE package = ?", [resolve_package(conn, package)]) if package else ("", [])
    total = count(conn, f"SELECT count(*) FROM warnings {where}", args)
    rows = conn.execute(
        f"SELECT package, file_path, message FROM warnings {where}"
        " ORDER BY package, file_path, message, id LIMIT ? OFFSET ?", [*args, lim, off])
    return page([{"package": p, "file": f, "message": msg} for p, f, msg in rows], total, offset, limit)
