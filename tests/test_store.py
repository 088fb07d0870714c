"""The store heals itself: old schema, damaged or replaced DB files converge."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from symidx_tasks.store.db import SCHEMA_VERSION, DatabaseError, connect_reader

from .indexing import build, doit, dump, fresh_dump
from .trees import SAMPLE, write_tree


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, str]:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    return repo, db, dump(db)


def test_old_schema_version_is_rebuilt(built) -> None:
    repo, db, expected = built
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    conn.execute("DROP TABLE symbols_fts")  # an old layout, not just an old number
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match=f"schema version 0, this symidx reads {SCHEMA_VERSION}"):
        connect_reader(db)
    run = build(repo, db)  # the DB changed behind the merge task: it runs and rebuilds
    assert run.executed == ["index:merge"]
    assert f"rebuilding it as version {SCHEMA_VERSION}" in run.err
    assert dump(db) == expected


def test_damaged_db_is_rebuilt_on_the_next_run(built) -> None:
    repo, db, expected = built
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="is not a readable symidx index"):
        connect_reader(db)
    run = build(repo, db)
    assert run.executed == ["index:merge"]
    assert "is damaged" in run.err and "rebuilding it from the result files" in run.err
    assert dump(db) == expected


def test_copied_db_converges(built, tmp_path: Path) -> None:
    repo, db, expected = built
    stale = tmp_path / "stale.db"
    shutil.copy(db, stale)
    (repo / "libs/core/shop_core/money.py").write_text("def refund(amount: int) -> None:\n    pass\n")
    build(repo, db)
    changed = dump(db)
    shutil.copy(stale, db)  # an old copy put back in place of the current index
    build(repo, db)
    assert dump(db) == changed != expected


def test_missing_db_reads_fail_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match=r"no index at .*: build it with"):
        connect_reader(tmp_path / "nope.db")


def _private_files(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name.startswith(f".{db.name}."))


def test_first_build_is_written_aside_then_renamed_into_wal_mode(built) -> None:
    _repo, db, _expected = built
    assert _private_files(db) == []
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_failed_first_merge_leaves_no_db_and_no_private_file(tmp_path: Path, monkeypatch) -> None:
    from symidx_tasks.store import merge

    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "state" / "index.db"

    def broken(conn):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(merge, "_resolve_internal", broken)
    run = doit(repo, db)
    assert run.code != 0 and "disk on fire" in run.out + run.err
    assert not db.exists() and _private_files(db) == []
    monkeypatch.undo()
    build(repo, db)
    assert dump(db) == fresh_dump(repo, tmp_path / "scratch")


def test_abandoned_private_build_is_removed_but_a_running_one_is_kept(built) -> None:
    repo, db, expected = built
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = db.parent / f".{db.name}.{int(gone.stdout)}.new"
    running = db.parent / f".{db.name}.{os.getppid()}.new"
    dead.write_bytes(b"half a database")
    running.write_bytes(b"another merge's work in progress")
    db.unlink()
    build(repo, db)
    assert not dead.exists() and running.exists()
    assert dump(db) == expected


def test_index_created_by_another_run_during_a_first_build_is_reconciled(built, tmp_path: Path, monkeypatch) -> None:
    from symidx_tasks.store import merge

    repo, db, _expected = built
    other = tmp_path / "other.db"
    shutil.copy(db, other)  # what a concurrent run publishes: an index of the tree before the edit
    (repo / "libs/core/shop_core/money.py").write_text("def refund(amount: int) -> None:\n    pass\n")
    db.unlink()
    sync = merge._sync

    published = []

    def concurrent_publish(path: Path) -> None:
        sync(path)
        shutil.copy(other, db)
        published.append(db.stat().st_ino)

    monkeypatch.setattr(merge, "_sync", concurrent_publish)
    build(repo, db)
    assert _private_files(db) == []
    assert db.stat().st_ino == published[0]  # updated in place: its readers were not cut off
    assert dump(db) == fresh_dump(repo, tmp_path / "scratch")
