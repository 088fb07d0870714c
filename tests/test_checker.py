"""StatChecker: stat decides, content decides when the stat moved; and a real
doit run with it keeps incremental == fresh."""
from __future__ import annotations

import io
import os
import sqlite3
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from doit.doit_cmd import DoitMain

from symidx_tasks.pipeline.build import task_loader
from symidx_tasks.pipeline.checker import RACY_WINDOW_NS, StatChecker, file_digest

from .indexing import dump, fresh_dump
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
