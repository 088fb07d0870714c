"""Opening the index database: schema creation, version check, pragmas."""
from __future__ import annotations

import sqlite3
import sys
from importlib.resources import files
from pathlib import Path
from typing import NamedTuple

from ..errors import DatabaseError

# Bump when schema.sql changes: an index of another version is rebuilt from
# the result files by the next merge, and refused by readers with a message.
SCHEMA_VERSION = 6


class FtsTable(NamedTuple):
    """A full-text table of schema.sql (external content: it indexes ``columns``
    of ``table``, whose rows belong to a package by ``key_column``)."""

    name: str
    table: str
    key_column: str
    columns: str  # as listed in its CREATE VIRTUAL TABLE, comma-separated


# Every FTS5 table schema.sql creates; the merge keeps them in step, the dump
# compares their vocabularies.
FTS_TABLES = (
    FtsTable("symbols_fts", "symbols", "package", "name, words, signature, kind, file_path, doc"),
    FtsTable("files_fts", "files", "package", "path"),
    FtsTable("packages_fts", "packages", "path", "name, description, path"),
)


def schema_sql() -> str:
    return files(__package__).joinpath("schema.sql").read_text("utf-8")


def connect_writer(path: str | Path, private: bool = False) -> sqlite3.Connection:
    """A write connection with a current schema (created or rebuilt as needed).

    ``private``: a new file that no other process opens before it is complete
    and renamed into place. It keeps its rollback journal in memory and syncs
    nothing (the caller syncs it once, complete); a failed load deletes it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if private:
        return _create_schema(_open_rw(path, private=True))
    try:
        conn = _open_rw(path)
        version = _schema_version(conn)
        stale = version != SCHEMA_VERSION and (version is not None or _has_tables(conn))
    except sqlite3.DatabaseError as exc:
        # Everything in the DB can be rebuilt from the result files: say so and do it.
        print(f"symidx: warning: {path} is damaged ({exc}); rebuilding it from the result files", file=sys.stderr)
        remove_db(path)
        conn, version, stale = _open_rw(path), None, False
    if version != SCHEMA_VERSION:
        if stale:
            print(f"symidx: {path} has schema version {version}, rebuilding it as version {SCHEMA_VERSION}",
                  file=sys.stderr)
            conn.close()
            remove_db(path)
            conn = _open_rw(path)
        _create_schema(conn)
    return conn


def open_private_copy(path: str | Path) -> sqlite3.Connection:
    """A private write connection (see ``connect_writer``) to a copy of another
    index, which must have this schema version: raises DatabaseError otherwise."""
    conn = None
    try:
        conn = _open_rw(Path(path), private=True)
        version = _schema_version(conn)
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise DatabaseError(f"{path} is not a symidx index ({exc})") from None
    if version != SCHEMA_VERSION:
        conn.close()
        raise DatabaseError(f"{path} has schema version {version}, not {SCHEMA_VERSION}")
    return conn


def _create_schema(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.executescript(schema_sql())
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    conn.commit()
    return conn


def connect_reader(path: str | Path) -> sqlite3.Connection:
    """A read-only connection; a missing DB or another schema version is an error."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(f"no index at {path}: build it with `doit index` or `symidx build`")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        version = _schema_version(conn)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a readable symidx index ({exc})") from None
    if version != SCHEMA_VERSION:
        conn.close()
        raise DatabaseError(
            f"{path} has schema version {version}, this symidx reads {SCHEMA_VERSION}: rebuild it with `doit index`"
        )
    conn.row_factory = sqlite3.Row
    return conn


def _open_rw(path: Path, private: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=60, isolation_level=None)
    # MEMORY still allows ROLLBACK; nothing on disk needs to survive a crash of a private file.
    conn.execute(f"PRAGMA journal_mode={'MEMORY' if private else 'WAL'}")
    conn.execute(f"PRAGMA synchronous={'OFF' if private else 'NORMAL'}")
    conn.execute("PRAGMA cache_size=-65536")  # 64 MB: the default 2 MB slows bulk inserts
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def _schema_version(conn: sqlite3.Connection) -> int | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return int(row[0]) if row and str(row[0]).isdigit() else None


def _has_tables(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0)


def remove_db(path: str | Path) -> None:
    """Delete the DB with its WAL and shared-memory files (also doit's `clean`)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            Path(str(path) + suffix).unlink()
        except FileNotFoundError:
            pass
