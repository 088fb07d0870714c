"""The merge: reconcile the database with the current result files.

It does not trust doit's list of changed files: the DB remembers, per package,
the digest of the result file its rows came from. Every merge reloads the
packages whose result differs, deletes the packages that have no result any
more, and recomputes internal dependencies and the references they can move
(store/resolve.py), in one transaction. So a deleted
DB, `doit forget` or a copied DB all converge to the same content.

It prints nothing: the caller (pipeline/graph.py's merge task) reports the
returned MergeStats.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from ..errors import DatabaseError, ResultError
from ..fileio import remove_others, stamp
from ..git import head_commit
from ..model import ExtractTiming, PackageRecord, ResultFile
from ..pipeline.result import RESULT_SUFFIX, STATS_SUFFIX, ResultLines, read, result_name
from .db import FTS_TABLES, connect_writer, open_private_copy, remove_db
from .resolve import Changes, resolve
from .rows import delete_unit, delete_unit_wide, insert_result, package_column, stored_path, to_json

# The tables a first build loads hundreds of thousands of rows into, and the one
# resolution fills after them.
BULK_TABLES = ("symbols", "refs")
RESOLVED_TABLE = "ref_targets"


class LoadedWarning(NamedTuple):
    """A warning as the merge wrote it into the warnings table."""

    package: str  # the unit's key (UNOWNED_KEY for the files outside any package)
    file: str | None
    message: str


@dataclass
class MergeStats:
    reloaded: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # "<key>: <why>", result files left unloaded
    warnings: list[LoadedWarning] = field(default_factory=list)  # of the reloaded units, and cross-package ones
    total: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    created: bool = False  # this merge made the index file (there was none)
    seeded: bool = False  # ... starting from a copy of the ``seed`` index
    seed_problem: str | None = None  # why a seed given could not be used


class StoredResult(NamedTuple):
    """A package_results row: the result file a unit's rows were loaded from."""

    digest: str
    size: int
    mtime_ns: int
    extractor: str  # the result's extractor id: rows of equal bytes are equal only under one extractor
    package_digest: str  # digest of the result's package record (see _package_digest)


@dataclass(frozen=True)
class _Inputs:
    results: Path
    keys: list[str]
    root: str
    started: float  # perf_counter at the start of the merge
    discover_seconds: float | None
    extract: ExtractTiming | None
    references: bool


def merge_results(
    db: str, results_dir: str, keys: Iterable[str], root: str = "", discover_seconds: float | None = None,
    extract: ExtractTiming | None = None, seed: str | None = None, references: bool = True,
) -> MergeStats:
    """The merge task's action: bring ``db`` in line with the result files of
    ``keys``. ``discover_seconds`` and ``extract`` (what the build measured
    before the merge) go into the meta table with the merge's own time.

    ``seed``: when there is no index yet, start from a copy of this one (another
    checkout's index of the same packages) instead of an empty file: the merge
    reconciles any index with the result files by digest, so the copy changes
    only how many packages are reloaded, never the content. A missing seed is
    ignored; an unusable one is reported in ``seed_problem``.

    ``references``: whether the package tasks extracted references (config
    ``references``), recorded in the meta table for the commands that read them."""
    inputs = _Inputs(Path(results_dir), sorted(keys), root, time.perf_counter(), discover_seconds, extract,
                     references)
    target = Path(db)

    def load(conn: sqlite3.Connection) -> MergeStats:
        return _load(conn, inputs)

    stats = _first_build(target, load, seed) if not target.exists() else None
    if stats is None:  # an index exists, or a concurrent run published one meanwhile: update it
        stats = _update(target, load)
    # Result files of packages that no longer exist (renamed, deleted).
    remove_others(inputs.results, {result_name(k) for k in inputs.keys}, RESULT_SUFFIX)
    remove_others(inputs.results, {result_name(k) + STATS_SUFFIX for k in inputs.keys}, STATS_SUFFIX)
    stats.seconds = time.perf_counter() - inputs.started  # the report includes the commit; meta cannot
    return stats


def _first_build(target: Path, load: Callable[[sqlite3.Connection], MergeStats],
                 seed: str | None) -> MergeStats | None:
    """Load a new private file (empty, or a copy of ``seed``) and rename it into
    place: with no reader to serve, it needs no WAL, which saves writing every
    page twice (what that saves: docs/performance.md). None when another run
    created the index meanwhile: this build's file is discarded and the caller
    updates theirs."""
    path = target.with_name(f".{target.name}.{os.getpid()}.new")
    _remove_abandoned(target)
    stats, problem = None, None
    if seed is not None:
        try:
            stats = _load_private(path, load, _seed_copy(seed, path))
            stats.seeded = True
        except FileNotFoundError:
            pass  # no seed yet
        except (OSError, sqlite3.DatabaseError, DatabaseError) as exc:
            remove_db(path)
            problem = f"cannot start from {seed} ({exc}); building the index from scratch"
    if stats is None:
        stats = _load_private(path, load, connect_writer(path, private=True))
    stats.created, stats.seed_problem = True, problem
    return stats if _publish(path, target) else None


def _seed_copy(seed: str, path: Path) -> sqlite3.Connection:
    remove_db(path)
    shutil.copyfile(seed, path)
    return open_private_copy(path)


def _load_private(path: Path, load: Callable[[sqlite3.Connection], MergeStats],
                  conn: sqlite3.Connection) -> MergeStats:
    try:
        stats = _transaction(conn, load)
    except BaseException:
        conn.close()
        remove_db(path)
        raise
    conn.execute("PRAGMA journal_mode=WAL")  # what every later merge and reader expects
    conn.close()
    _sync(path)
    return stats


def _update(target: Path, load: Callable[[sqlite3.Connection], MergeStats]) -> MergeStats:
    conn = connect_writer(target)
    try:
        stats = _transaction(conn, load)
        # Fold the WAL into the main file so the DB file itself changes exactly
        # when the index does: downstream tasks use it as their file_dep.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return stats


def _transaction(conn: sqlite3.Connection, load: Callable[[sqlite3.Connection], MergeStats]) -> MergeStats:
    try:
        conn.execute("BEGIN IMMEDIATE")
        stats = load(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return stats


def _load(conn: sqlite3.Connection, inputs: _Inputs) -> MergeStats:
    stats = MergeStats(total=len(inputs.keys))
    stored = {row[0]: StoredResult(*row[1:]) for row in conn.execute(
        "SELECT key, digest, size, mtime_ns, extractor, package_digest FROM package_results")}
    # An empty index (first build, deleted or rebuilt DB) gets its full-text
    # indexes built once at the end, which is much faster than keeping them up
    # to date package by package (docs/performance.md).
    fresh = not stored
    # Likewise the indexes of the big tables: built once after the load, they cost
    # less than kept sorted row by row (docs/performance.md).
    deferred = _drop_indexes(conn, BULK_TABLES) if fresh else []
    resolved = _drop_indexes(conn, (RESOLVED_TABLE,)) if fresh else []
    changes = Changes(conn, full=fresh)
    for key in inputs.keys:
        _merge_one(conn, key, inputs.results / result_name(key), stored.get(key), stats, changes)
    for sql in deferred:
        conn.execute(sql)
    if fresh:
        for fts in FTS_TABLES:
            conn.execute(f"INSERT INTO {fts.name}({fts.name}) VALUES ('rebuild')")
    for key in sorted(set(stored) - set(inputs.keys)):
        changes.touch(package_column(key), loaded=False)
        delete_unit(conn, package_column(key))
        conn.execute("DELETE FROM package_results WHERE key = ?", (key,))
        stats.removed.append(key)
    _resolve_internal(conn)
    resolve(conn, changes)
    for sql in resolved:
        conn.execute(sql)
    changes.close()
    stats.warnings += _warn_duplicate_names(conn)
    stats.seconds = time.perf_counter() - inputs.started
    _write_meta(conn, inputs, stats)
    return stats


def _drop_indexes(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes of ``tables``; return the statements that recreate them."""
    marks = ", ".join("?" for _ in tables)
    rows = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                        f" AND tbl_name IN ({marks}) ORDER BY name", tables).fetchall()
    for name, _ in rows:
        conn.execute(f"DROP INDEX {name}")
    return [sql for _, sql in rows]


def _merge_one(
    conn: sqlite3.Connection, key: str, path: Path, stored: StoredResult | None, stats: MergeStats,
    changes: Changes,
) -> None:
    fingerprint = stamp(path)
    if fingerprint is None:
        stats.unreadable.append(f"{key}: result file missing ({path})")
        return
    # package_results keeps size and mtime only (no inode column): a cheap
    # pre-check; the digest decides.
    size, mtime_ns = fingerprint[0], fingerprint[1]
    if stored is not None and (stored.size, stored.mtime_ns) == (size, mtime_ns):
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        stats.unreadable.append(f"{key}: {path.name}: cannot read ({exc.strerror})")
        return
    digest = hashlib.sha256(data).hexdigest()
    extractor, package_digest = (stored.extractor, stored.package_digest) if stored is not None else ("", "")
    if stored is None or stored.digest != digest:
        pkg = package_column(key)
        try:
            lines = read(data, key)
            loaded_from = (extractor, package_digest)
            extractor, package_digest = lines.header["extractor"], _package_digest(lines.header["package"])
            per_file = stored is not None and loaded_from == (extractor, package_digest)
            # Only the changed files' rows are decoded when the rest of the package's
            # rows came from the same extractor and package record.
            changed = _files_to_reload(conn, pkg, lines) if per_file else None
            result = lines.result(only=None if changed is None else changed.indexes)
        except ResultError as exc:
            # Keep the rows we had: a damaged result must not erase a package.
            stats.unreadable.append(f"{key}: {path.name}: {exc}")
            return
        if changed is not None:
            _reload_files(conn, pkg, key, result, changed, changes)
        else:
            if not changes.full:
                _evict(conn, pkg, [stored_path(f["path"]) for f in result["files"]], changes)
                changes.touch(pkg, loaded=False)
                delete_unit(conn, pkg)
            insert_result(conn, key, result, index_text=not changes.full)
            changes.touch(pkg, loaded=True)
        stats.reloaded.append(key)
        stats.warnings += [LoadedWarning(key, w["file"], w["message"]) for w in result["warnings"]]
    conn.execute(
        "INSERT OR REPLACE INTO package_results(key, digest, size, mtime_ns, extractor, package_digest)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (key, digest, size, mtime_ns, extractor, package_digest),
    )


def _package_digest(package: PackageRecord | None) -> str:
    """What a package's own rows (packages, dependencies) come from: its record."""
    return hashlib.sha256(to_json(package).encode()).hexdigest()


class _Changed(NamedTuple):
    paths: list[str]  # as stored: the files whose record differs from the files table's, or that went
    indexes: list[int]  # of those in the result (ResultLines.files)
    every_name: bool  # the package's set of files changed


def _files_to_reload(conn: sqlite3.Connection, pkg: str | None, lines: ResultLines) -> _Changed:
    """The files of a package whose record (content digest, status, note) differs
    from the one its rows were loaded with."""
    old = {row[0]: row[1:] for row in conn.execute(
        "SELECT path, language, size_bytes, sha256, status, note FROM files WHERE package IS ?", (pkg,))}
    new = {stored_path(f["path"]): (i, (f["language"], f["size"], f["sha256"], f["status"], f["note"]))
           for i, f in enumerate(lines.files)}
    changed = sorted(path for path in old.keys() | new.keys() if path not in new or old.get(path) != new[path][1])
    return _Changed(changed, [new[path][0] for path in changed if path in new], old.keys() != new.keys())


def _reload_files(conn: sqlite3.Connection, pkg: str | None, key: str, result: ResultFile, changed: _Changed,
                  changes: Changes) -> None:
    """Reload only the files of a package whose record changed, when its package
    record and the extractor are the ones its rows came from: a file's symbols and
    references depend on its bytes alone (as pipeline/previous.py relies on too),
    so one edited file in a package of thousands reloads one file. ``result``
    holds the rows of the changed files only."""
    loaded = {stored_path(result["files"][i]["path"]) for i in changed.indexes}
    _evict(conn, pkg, sorted(loaded), changes)
    with _changed_files_table(conn, changed.paths):
        changes.touch_files(pkg, loaded=False, every_name=changed.every_name)
        delete_unit(conn, pkg, changed_files=True)
        delete_unit_wide(conn, pkg)
        insert_result(conn, key, result, only=loaded)
        changes.touch_files(pkg, loaded=True, every_name=changed.every_name)


def _evict(conn: sqlite3.Connection, pkg: str | None, paths: list[str], changes: Changes) -> None:
    """Take ``paths``, about to be loaded into unit ``pkg``, away from any other
    unit that still holds them (files.path is unique): deleting a nested
    package's manifest moves its files to the enclosing package, which sorts
    first, while the nested one is deleted only after every load."""
    held: dict[str | None, list[str]] = {}
    with _changed_files_table(conn, paths):
        # CROSS JOIN: from the package's paths through files' unique index, not a scan of every file.
        for holder, path in conn.execute("SELECT f.package, f.path FROM temp.changed_files c"
                                         " CROSS JOIN files f ON f.path = c.path WHERE f.package IS NOT ?", (pkg,)):
            held.setdefault(holder, []).append(path)
    for holder, moved in held.items():
        with _changed_files_table(conn, moved):
            changes.touch_files(holder, loaded=False, every_name=True)
            delete_unit(conn, holder, changed_files=True)


@contextmanager
def _changed_files_table(conn: sqlite3.Connection, paths: Iterable[str]) -> Iterator[None]:
    """``temp.changed_files`` holding ``paths`` (what delete_unit, insert_result and
    Changes.touch_files read) for the duration of the block."""
    conn.execute("CREATE TEMP TABLE changed_files(path TEXT PRIMARY KEY) WITHOUT ROWID")
    try:
        conn.executemany("INSERT OR IGNORE INTO temp.changed_files VALUES (?)", [(path,) for path in paths])
        yield
    finally:
        conn.execute("DROP TABLE temp.changed_files")


def _resolve_internal(conn: sqlite3.Connection) -> None:
    # Duplicate names resolve to the smallest path, so the answer is stable.
    conn.execute(
        "UPDATE dependencies SET internal_package = ("
        " SELECT min(p.path) FROM packages p"
        " WHERE p.match_key = dependencies.match_key AND p.match_key != '' AND p.path != dependencies.package)"
    )
    conn.execute("UPDATE dependencies SET is_internal = (internal_package IS NOT NULL)")


def _warn_duplicate_names(conn: sqlite3.Connection) -> list[LoadedWarning]:
    """Two packages of one ecosystem with the same name: dependencies on that
    name resolve to the first path, which is probably not what the owner meant."""
    conn.execute("DELETE FROM warnings WHERE origin = 'merge'")
    rows = conn.execute(
        "SELECT p.path, p.name, p.manifests, d.others FROM packages p JOIN ("
        "  SELECT match_key, group_concat(path, ', ') AS others FROM ("
        "    SELECT match_key, path FROM packages WHERE match_key != '' ORDER BY path)"
        "  GROUP BY match_key HAVING count(*) > 1) d ON d.match_key = p.match_key ORDER BY p.path"
    ).fetchall()
    warnings = []
    for path, name, manifests, others in rows:
        manifest = (json.loads(manifests) or [None])[0]
        message = f"duplicate package name {name!r}: declared in {others}; internal dependencies resolve to the first"
        conn.execute(
            "INSERT INTO warnings(package, file_path, message, origin) VALUES (?, ?, ?, 'merge')",
            (path, manifest, message),
        )
        warnings.append(LoadedWarning(path, manifest, message))
    return warnings


def _write_meta(conn: sqlite3.Connection, inputs: _Inputs, stats: MergeStats) -> None:
    counts = stats.counts = {
        f"count_{table}": conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("packages", "dependencies", "files", "symbols", "refs", "ref_targets", "warnings")
    }
    extract = inputs.extract
    meta = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "root": inputs.root,
        "git_commit": head_commit(inputs.root) if inputs.root else None,
        "last_reloaded": len(stats.reloaded),
        "last_removed": len(stats.removed),
        "duration_discover_s": _seconds(inputs.discover_seconds),
        "duration_extract_s": None if extract is None else _seconds(extract.seconds),
        "duration_extract_wall_s": None if extract is None else _seconds(extract.wall_seconds),
        "duration_merge_s": _seconds(stats.seconds),
        # JSON list of [package key, seconds], slowest first
        "slowest_packages": None if extract is None else to_json([list(p) for p in extract.slowest]),
        "references": "on" if inputs.references else "off",
        **counts,
    }
    conn.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        [(k, None if v is None else str(v)) for k, v in meta.items()],
    )


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


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
