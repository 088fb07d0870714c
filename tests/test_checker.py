"""StatChecker: stat decides, content decides when the stat moved; and a real
doit run with it keeps incremental == fresh."""
from __future__ import annotations

import io
import os
import sqlite3
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from doit.doit_cmd import DoitMain

from symidx_tasks.pipeline import guard
from symidx_tasks.pipeline.build import task_loader
from symidx_tasks.pipeline.checker import (
    FINE_RACY_WINDOW_NS,
    RACY_WINDOW_NS,
    StatChecker,
    file_digest,
    hand_over,
)

from .indexing import build, dump, fresh_dump
from .trees import SAMPLE, write_tree

OLD_NS = 1_600_000_000 * 10**9  # an mtime long past: states saved for it are not racy


def _aged(path: Path, data: bytes, mtime_ns: int = OLD_NS) -> Path:
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def _saved(checker: StatChecker, path: Path) -> list[Any]:
    state = checker.get_state(str(path), None)
    assert state is not None
    return state


def _modified(checker: StatChecker, path: Path, state: list[Any]) -> bool:
    return checker.check_modified(str(path), os.stat(path), state)


def test_unchanged_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checker = StatChecker()
    path = _aged(tmp_path / "a.py", b"def f(): pass\n")
    state = _saved(checker, path)
    assert state[3] == file_digest(path) and state[4] is False

    def no_read(_: object) -> str:
        raise AssertionError("an unchanged stat must not read the file")

    monkeypatch.setattr("symidx_tasks.pipeline.checker.file_digest", no_read)
    assert not _modified(checker, path, state)
    assert checker.get_state(str(path), state) is None  # nothing to rewrite either


def test_a_handed_over_digest_is_used_while_the_stat_is_the_one_it_was_read_under(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checker = StatChecker()
    path = _aged(tmp_path / "a.py", b"def f(): pass\n")
    st = os.stat(path)
    reads: list[str] = []
    monkeypatch.setattr("symidx_tasks.pipeline.checker.file_digest",
                        lambda p: reads.append(str(p)) or file_digest(p))
    hand_over({str(path): [st.st_size, st.st_mtime_ns, st.st_ino, "handed"]})
    assert checker.get_state(str(path), None) == [st.st_size, st.st_mtime_ns, st.st_ino, "handed", False]
    assert reads == []
    # Taken once: the next save reads the file.
    assert checker.get_state(str(path), None)[3] == file_digest(path)
    assert reads == [str(path)]
    # A file edited after the task read it (before doit saved its state) is saved as
    # the task read it, not as it is now: the task's result is of the old bytes, so
    # the next run must see a change, not an indexed file.
    hand_over({str(path): [st.st_size, st.st_mtime_ns, st.st_ino, file_digest(path)]})
    _aged(path, b"def g(): pass\n", OLD_NS + 10**9)
    reads.clear()
    saved = checker.get_state(str(path), None)
    assert saved[:3] == [st.st_size, st.st_mtime_ns, st.st_ino] and reads == []
    assert _modified(checker, path, saved)
    # Nor is it stat-ed: what the task read is what gets saved, and an
    # unchanged saved state stays (None).
    def no_stat(*_: object, **__: object) -> os.stat_result:
        raise AssertionError("a handed-over state needs no stat")

    hand_over({str(path): [st.st_size, st.st_mtime_ns, st.st_ino, "handed"]})
    monkeypatch.setattr("symidx_tasks.pipeline.checker.os.stat", no_stat)
    assert checker.get_state(str(path), [st.st_size, st.st_mtime_ns, st.st_ino, "handed", False]) is None


def test_touch_without_content_change_is_not_a_change(tmp_path: Path) -> None:
    checker = StatChecker()
    path = _aged(tmp_path / "a.py", b"def f(): pass\n")
    state = _saved(checker, path)
    os.utime(path, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    assert not _modified(checker, path, state)
    # After the task runs again, the new stat is saved (and trusted from then on).
    new = checker.get_state(str(path), state)
    assert new is not None and new[1] == OLD_NS + 10**9 and new[3] == state[3]


def test_same_size_edit_with_new_mtime_is_a_change(tmp_path: Path) -> None:
    checker = StatChecker()
    path = _aged(tmp_path / "a.py", b"def f(): pass\n")
    state = _saved(checker, path)
    _aged(path, b"def g(): pass\n", OLD_NS + 1)  # same size, mtime one nanosecond later
    assert _modified(checker, path, state)


def test_size_change_is_a_change(tmp_path: Path) -> None:
    checker = StatChecker()
    path = _aged(tmp_path / "a.py", b"x = 1\n")
    state = _saved(checker, path)
    _aged(path, b"x = 12\n")  # even with the saved mtime
    assert _modified(checker, path, state)


def test_replaced_file_with_same_size_and_mtime_is_a_change(tmp_path: Path) -> None:
    checker = StatChecker()
    path = _aged(tmp_path / "a.py", b"def f(): pass\n")
    state = _saved(checker, path)
    other = _aged(tmp_path / "b.py", b"def g(): pass\n")  # same size and mtime, another inode
    os.replace(other, path)
    assert os.stat(path).st_ino != state[2]
    assert _modified(checker, path, state)
    # Replaced by identical bytes: not a change.
    state = _saved(checker, path)
    os.replace(_aged(tmp_path / "c.py", b"def g(): pass\n"), path)
    assert not _modified(checker, path, state)


def test_deleted_file(tmp_path: Path) -> None:
    checker = StatChecker()
    path = _aged(tmp_path / "a.py", b"x = 1\n")
    _saved(checker, path)
    path.unlink()
    # doit stats the file through info() and reports CheckerError as a missing file_dep.
    with pytest.raises(checker.CheckerError):
        checker.info(str(path))
    assert not checker.exists(str(path))


def test_racy_state_compares_content_even_with_the_same_stat(tmp_path: Path) -> None:
    checker = StatChecker()
    path = tmp_path / "a.py"
    path.write_bytes(b"def f(): pass\n")
    state = _saved(checker, path)  # saved right after the write: racy
    assert state[4] is True
    st = os.stat(path)
    # Rewritten within the same clock tick: same size, same mtime, same inode.
    with open(path, "r+b") as f:
        f.write(b"def g(): pass\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert _modified(checker, path, state)
    # A racy state is saved again even when the stat did not move ...
    assert checker.get_state(str(path), state) is not None
    # ... and once the file is older than the window, the stat is trusted.
    old = st.st_mtime_ns - 2 * RACY_WINDOW_NS
    os.utime(path, ns=(old, old))
    settled = _saved(checker, path)
    assert settled[4] is False and checker.get_state(str(path), settled) is None


def test_the_racy_window_follows_the_timestamp_granularity(tmp_path: Path) -> None:
    """Whole-second mtimes (ext3, HFS+, FAT) stay racy for 2 s; nanosecond ones for
    one coarse-clock tick, so a fresh checkout built at once is not all racy."""
    checker = StatChecker()
    now = time.time_ns()
    whole = _aged(tmp_path / "whole.py", b"x = 1\n", now // 10**9 * 10**9 - 10**9)
    assert _saved(checker, whole)[4] is True
    fine = _aged(tmp_path / "fine.py", b"x = 1\n", now - 10 * FINE_RACY_WINDOW_NS + 1)
    assert _saved(checker, fine)[4] is False
    fresh = _aged(tmp_path / "fresh.py", b"x = 1\n", time.time_ns() + 1)
    assert _saved(checker, fresh)[4] is True


def test_a_foreign_state_is_a_change(tmp_path: Path) -> None:
    checker = StatChecker()
    path = _aged(tmp_path / "a.py", b"x = 1\n")
    st = os.stat(path)
    assert _modified(checker, path, [st.st_mtime, st.st_size, "md5"])  # MD5Checker's shape
    assert checker.get_state(str(path), [st.st_mtime, st.st_size, "md5"]) is not None


# --------------------------------------------------------------------------
# A real doit run with the checker plugged in
# --------------------------------------------------------------------------


def _run(root: Path, db: Path, jobs: int = 1) -> list[str]:
    """`doit run -n JOBS index` (doit_config plugs in StatChecker); the names of the tasks that ran."""
    loader = task_loader(root, db, outfile=io.StringIO())
    report = db.parent / "report.txt"
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = DoitMain(loader).run(["run", "-n", str(jobs), "--reporter", "console",
                                     "--output-file", str(report), "index"])
    assert code == 0, f"{out.getvalue()}\n{err.getvalue()}\n{report.read_text()}"
    return sorted(line[3:].strip() for line in report.read_text().splitlines() if line.startswith(".  "))


def _checkers(db: Path) -> set[str]:
    conn = sqlite3.connect(db.parent / "doit-deps.sqlite")
    try:
        rows = conn.execute("SELECT task_data FROM doit").fetchall()
    finally:
        conn.close()
    return {row[0].split('"checker:": "')[1].split('"')[0] for row in rows if '"checker:"' in row[0]}


def test_doit_with_stat_checker_incremental_equals_fresh(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", dict(SAMPLE))
    db = tmp_path / "state" / "index.db"
    first = _run(root, db, jobs=2)
    assert "index:merge" in first and len(first) > 3
    assert _checkers(db) == {"StatChecker"}
    assert _run(root, db) == []  # no-op

    path = root / "libs/core/shop_core/money.py"
    st = os.stat(path)
    later = st.st_mtime_ns + 5 * 10**9
    os.utime(path, ns=(st.st_atime_ns, later))  # touched: same bytes
    assert _run(root, db) == []

    # A same-size edit (a renamed function) under the mtime the touch left:
    # size, mtime and inode as in the state doit compares with; only the content tells.
    text = path.read_bytes()
    edited = text.replace(b"process_payment", b"process_paymenT")
    assert len(edited) == len(text) and edited != text
    with open(path, "r+b") as f:
        f.write(edited)
    os.utime(path, ns=(st.st_atime_ns, later))
    assert _run(root, db) == ["index:libs/core", "index:merge"]
    assert "process_paymenT" in dump(db)
    assert dump(db) == fresh_dump(root, tmp_path / "fresh")

    path.write_text(path.read_text() + "\n\ndef added_by_test(x: int) -> int:\n    return x\n")
    (root / "scripts" / "deploy.py").unlink()
    _run(root, db, jobs=2)
    assert "added_by_test" in dump(db)
    assert dump(db) == fresh_dump(root, tmp_path / "fresh")


def test_a_build_does_not_read_its_sources_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process build: doit's save step takes the digests the package tasks
    computed; it reads only files no task read whole (manifests, result files),
    and the digests are not saved as task values."""
    from .indexing import build

    root = write_tree(tmp_path / "repo", dict(SAMPLE))
    db = tmp_path / "state" / "index.db"
    reads: list[str] = []
    monkeypatch.setattr("symidx_tasks.pipeline.checker.file_digest",
                        lambda p: reads.append(str(p)) or file_digest(p))
    build(root, db)
    sources = [p for p in SAMPLE if Path(p).suffix in (".py", ".ts", ".go", ".rs", ".java", ".rb", ".pm")]
    assert sources and not {str(root / p) for p in sources} & set(reads)
    assert reads  # the manifests and the result files are still read
    conn = sqlite3.connect(db.parent / "doit-deps.sqlite")
    try:
        assert not any('"digests"' in row[0] for row in conn.execute("SELECT task_data FROM doit"))
    finally:
        conn.close()


def test_a_no_op_after_building_a_fresh_checkout_reads_no_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written a moment before the build (a clone, a new worktree) must not
    all be saved racy: every later no-op would read every file again."""
    from .indexing import build

    root = write_tree(tmp_path / "repo", dict(SAMPLE))
    time.sleep(2 * FINE_RACY_WINDOW_NS / 1e9)
    db = tmp_path / "state" / "index.db"
    build(root, db)
    reads: list[str] = []
    monkeypatch.setattr("symidx_tasks.pipeline.checker.file_digest",
                        lambda p: reads.append(str(p)) or file_digest(p))
    assert build(root, db).executed == []
    # (A result file written within a tick of the merge's end may be read: a few, small.)
    assert [r for r in reads if r.startswith(str(root))] == []


# -- fixed costs of a doit run ---------------------------------------------------


def test_uptodate_objects_carry_the_signature_doit_inspects() -> None:
    # doit inspects every uptodate callable of every task on every run to pass
    # task and values; both of ours answer without introspection, and still take them.
    import inspect

    from symidx_tasks.pipeline.graph import ConfigChanged
    from symidx_tasks.pipeline.guard import FileGuard

    for check in (ConfigChanged({"a": 1}), FileGuard("/nowhere")):
        assert list(inspect.signature(check).parameters) == ["task", "values"]
        assert "__signature__" in type(check).__dict__
    assert ConfigChanged({"a": 1})(None, {}) is False  # doit's config_changed behaviour, unchanged
    assert FileGuard("/nowhere")(None, {"result": None, "unstable": False}) is True


def test_a_build_runs_without_the_cyclic_collector_and_restores_it(tmp_path: Path) -> None:
    import gc

    from symidx_tasks.pipeline.build import build, without_cyclic_gc

    seen: list[bool] = []
    with without_cyclic_gc():
        seen.append(gc.isenabled())
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        with without_cyclic_gc():
            pass
        assert not gc.isenabled()  # a caller's choice stays
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), without_cyclic_gc():
        raise RuntimeError("a failing run")
    assert gc.isenabled()
    repo = write_tree(tmp_path / "repo", SAMPLE)
    out = io.StringIO()
    assert build(repo, tmp_path / "index.db", out=out) == 0
    assert gc.isenabled() and dump(tmp_path / "index.db") == fresh_dump(repo, tmp_path / "fresh")


def test_an_edit_after_the_task_read_the_file_is_indexed_by_the_next_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A source saved after its package task read it, before doit recorded the
    task's file states, must not be recorded as indexed."""
    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    money = repo / "libs/core/shop_core/money.py"
    money.write_text(money.read_text() + "\ndef edited_first():\n    pass\n")
    real = guard._hand_over_digests
    edited: list[str] = []

    def edit_then_hand_over(task: Any) -> dict[str, Any]:
        if task.name == "index:libs/core" and not edited:  # the task is done, its state not yet saved
            money.write_text(money.read_text() + "\ndef edited_late():\n    pass\n")
            edited.append(task.name)
        return real(task)

    monkeypatch.setattr(guard, "_hand_over_digests", edit_then_hand_over)
    first = build(repo, db)
    assert edited == ["index:libs/core"] and "index:libs/core" in first.executed
    again = build(repo, db)
    assert "index:libs/core" in again.executed  # the late edit is seen
    assert dump(db) == fresh_dump(repo, tmp_path / "fresh")


def test_a_no_op_stats_each_listed_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a git work tree, doit's check uses the stat the file listing took
    (checker.prefetch): a source is stat-ed once per run, not twice."""
    import shutil
    import subprocess

    from .indexing import build

    if shutil.which("git") is None:
        pytest.skip("git not installed")
    root = write_tree(tmp_path / "repo", dict(SAMPLE))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    db = tmp_path / "state" / "index.db"
    build(root, db)
    sources = {str(root / p) for p in SAMPLE
               if Path(p).suffix in (".py", ".ts", ".tsx", ".go", ".rs", ".java", ".rb", ".pm")}
    stats: list[str] = []
    real_stat, real_lstat = os.stat, os.lstat

    def counted(real: Any) -> Any:
        def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
            stats.append(str(path))
            return real(path, *args, **kwargs)
        return stat

    monkeypatch.setattr(os, "stat", counted(real_stat))
    monkeypatch.setattr(os, "lstat", counted(real_lstat))
    assert build(root, db).executed == []
    # (Manifests are stat-ed again by the discovery cache's check, and by each task sharing one.)
    assert sorted(s for s in stats if s in sources) == sorted(sources)


def test_a_prefetched_stat_is_used_once(tmp_path: Path) -> None:
    from symidx_tasks.pipeline.checker import prefetch

    path = _aged(tmp_path / "a.py", b"x = 1\n")
    old = os.stat(path)
    _aged(path, b"x = 22\n", OLD_NS + 10**9)
    prefetch({str(path): old})
    checker = StatChecker()
    assert checker.info(str(path)) is old  # what the listing saw ...
    assert checker.info(str(path)).st_size == 7  # ... then the file as it is now
    prefetch({})
    with pytest.raises(OSError):
        checker.info(str(tmp_path / "missing.py"))
