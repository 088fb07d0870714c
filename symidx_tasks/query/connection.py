"""Opening an index for reading, and turning SQLite's errors into one-line DatabaseErrors."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import DatabaseError
from ..store.db import connect_reader


def open_index(db: str | os.PathLike[str]) -> sqlite3.Connection:
    """A read-only connection; DatabaseError (one line) when missing, foreign or locked."""
    try:
        conn = connect_reader(Path(db))
    except DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseError(sqlite_message(db, sqlite3.OperationalError("database is locked"))) from None
        raise
    try:
        conn.execute("SELECT 1 FROM packages LIMIT 1").fetchall()
    except sqlite3.OperationalError as exc:
        conn.close()
        raise DatabaseError(sqlite_message(db, exc)) from None
    return conn


def sqlite_message(db: str | os.PathLike[str], exc: sqlite3.Error) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"{db} is locked by another process (a build in progress?): try again when it finishes"
    return f"{db} is not a readable symidx index ({text})"


@contextmanager
def guard(db: str | os.PathLike[str]) -> Iterator[None]:
    """Turn sqlite errors raised mid-query (a lock, a damaged file) into one-line DatabaseErrors."""
    try:
        yield
    except sqlite3.ProgrammingError:  # a bug of ours, not a state of the file
        raise
    except sqlite3.Error as exc:
        raise DatabaseError(sqlite_message(db, exc)) from None
