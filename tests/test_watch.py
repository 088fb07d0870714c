"""`symidx watch`: a real watcher process on a temp copy of the example repo."""
from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from symidx_tasks.errors import ConfigError
from symidx_tasks.freshness.lock import IndexFiles, is_locked, running_watcher
from symidx_tasks.config import DEFAULT_DEBOUNCE_MS
from symidx_tasks.freshness.watch import Scheduler, read_debounce_ms

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "polyglot"
PROCESSOR = "libs/payments/shop_payments/processor.py"
WAIT_S = 60  # the longest any wait here may take: no test can hang


class WatcherProcess:
    """`python -m symidx_tasks.freshness watch ...` with its output in a file."""

    def __init__(self, root: Path, db: Path, debounce_ms: int = 300, log_in_root: bool = False) -> None:
        self.db = db
        self.log = (root if log_in_root else root.parent) / f"watch-{time.monotonic_ns()}.out"
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "symidx_tasks.freshness", "watch", "--root", str(root), "--db", str(db),
                 "--debounce-ms", str(debounce_ms), "--jobs", "1"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def output(self) -> str:
        return self.log.read_text()

    def builds(self) -> list[str]:
        return [line for line in self.output().splitlines() if "symidx: build:" in line]

    def wait_for(self, predicate, what: str, timeout: float = WAIT_S) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert self.proc.poll() is None or "exit" in what, f"watcher died:\n{self.output()}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{self.output()}"
            time.sleep(0.05)

    def wait_builds(self, n: int) -> None:
        self.wait_for(lambda: len(self.builds()) >= n, f"{n} builds")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(WAIT_S)


@pytest.fixture
def tree(tmp_path) -> tuple[Path, Path]:
    root = tmp_path / "polyglot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    return root, root / ".symidx" / "index.db"


@pytest.fixture
def watchers(tree):
    started: list[WatcherProcess] = []

    def start(debounce_ms: int = 300, log_in_root: bool = False) -> WatcherProcess:
        w = WatcherProcess(*tree, debounce_ms=debounce_ms, log_in_root=log_in_root)
        started.append(w)
        return w

    yield start
    for w in started:
        w.kill()
    # A build child outlives a killed watcher: let it finish before the tree goes.
    lock = IndexFiles(tree[1]).build_lock
    deadline = time.monotonic() + WAIT_S
    while is_locked(lock) and time.monotonic() < deadline:
        time.sleep(0.05)


def cli(*args: str, timeout: float = WAIT_S) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "symidx_tasks.freshness", *args], capture_output=True, text=True,
                          timeout=timeout)


def count(db: Path, sql: str, *params: object) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    except sqlite3.OperationalError:  # not built yet
        return -1
    finally:
        conn.close()


def has_symbol(db: Path, name: str) -> bool:
    return count(db, "SELECT count(*) FROM symbols WHERE name = ?", name) > 0


def test_an_edit_reaches_the_db(tree, watchers):
    root, db = tree
    # Its output goes to a file in the watched tree (`symidx watch > watch.out`): each build
    # line must not be a change that asks for another build.
    w = watchers(log_in_root=True)
    w.wait_builds(1)  # the start-up build creates the index
    assert "17 packages re-extracted" in w.builds()[0]
    with open(root / PROCESSOR, "a") as f:
        f.write("\n\ndef watched_function(x: int) -> int:\n    return x\n")
    w.wait_for(lambda: has_symbol(db, "watched_function"), "the edit in the DB")
    w.wait_builds(2)
    # processor.py's package, and the files outside any package: the log is one of them
    assert "2 packages re-extracted" in w.builds()[1] and "0 warnings" in w.builds()[1]
    # Nor do its own writes (.symidx/) and ignored files (*.log per the example's .gitignore).
    (root / "services" / "debug.log").write_text("noise\n")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "x.js").write_text("export function f() {}\n")
    time.sleep(1.5)
    assert len(w.builds()) == 2, w.output()


def test_one_watcher_per_index_and_stop(tree, watchers):
    root, db = tree
    first = watchers()
    first.wait_builds(1)
    second = cli("watch", "--root", str(root), "--db", str(db))
    assert second.returncode == 0
    assert f"already runs for {db} (pid {first.proc.pid})" in second.stdout
    status = cli("watch", "--db", str(db), "--status")
    assert status.returncode == 0 and f"pid {first.proc.pid}" in status.stdout and "last build" in status.stdout
    started = time.monotonic()
    stop = cli("watch", "--db", str(db), "--stop")
    assert stop.returncode == 0 and f"stopped the watcher (pid {first.proc.pid})" in stop.stdout
    assert first.proc.wait(WAIT_S) == 0
    assert time.monotonic() - started < 5
    assert "watcher stopped" in first.output()
    assert "no watcher runs" in cli("watch", "--db", str(db), "--status").stdout
    assert "no watcher runs" in cli("watch", "--db", str(db), "--stop").stdout


def test_detach_starts_it_in_the_background(tree):
    root, db = tree
    started = cli("watch", "--root", str(root), "--db", str(db), "--detach", "--debounce-ms", "300", "-j", "1")
    try:
        assert started.returncode == 0 and "watcher started" in started.stdout
        pid = running_watcher(IndexFiles(db))
        assert pid, started.stdout
        again = cli("watch", "--root", str(root), "--db", str(db), "--detach")
        assert f"already runs for {db} (pid {pid})" in again.stdout
    finally:
        assert cli("watch", "--db", str(db), "--stop").returncode == 0
    assert running_watcher(IndexFiles(db)) is None
    assert "watching" in (db.parent / "watch.log").read_text()


def _processes_naming(text: str) -> list[str]:
    """Command lines of the running processes that mention ``text`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if entry.name.isdigit() and text in cmdline:
            found.append(cmdline)
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="lists processes through /proc")
def test_stopping_a_watcher_mid_build_leaves_no_build_process(tree):
    # Stopped during its first build (-j 1: doit runs a worker process), the build's
    # worker used to outlive it, waiting for a task forever and holding the build lock.
    root, db = tree
    for _ in range(4):
        shutil.rmtree(db.parent, ignore_errors=True)  # each time a first build, long enough to interrupt
        assert cli("watch", "--root", str(root), "--db", str(db), "--detach", "--debounce-ms", "300",
                   "-j", "1").returncode == 0
        assert "already runs" in cli("watch", "--root", str(root), "--db", str(db), "--detach").stdout
        assert cli("watch", "--db", str(db), "--stop").returncode == 0
    deadline = time.monotonic() + WAIT_S
    while _processes_naming(f"_build --root {root} ") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_naming(f"_build --root {root} ") == []


def test_kill_9_leaves_nothing_that_blocks(tree, watchers):
    root, db = tree
    first = watchers()
    first.wait_builds(1)
    os.kill(first.proc.pid, signal.SIGKILL)
    first.proc.wait(WAIT_S)
    files = IndexFiles(db)
    assert files.watch_pid.exists() and running_watcher(files) is None
    second = watchers()
    second.wait_builds(1)
    assert running_watcher(files) == second.proc.pid


def test_rebuild_signals_a_running_watcher(tree, watchers):
    root, db = tree
    w = watchers(debounce_ms=30_000)  # only the signal can make it build in time
    w.wait_builds(1)
    with open(root / PROCESSOR, "a") as f:
        f.write("\n\ndef signalled() -> None:\n    pass\n")
    started = time.monotonic()
    proc = cli("rebuild", "--db", str(db), "--file", str(root / PROCESSOR))
    assert proc.returncode == 0 and f"asked the watcher (pid {w.proc.pid})" in proc.stdout
    assert time.monotonic() - started < 5
    w.wait_for(lambda: has_symbol(db, "signalled"), "the signalled build", timeout=20)


def test_a_burst_gives_at_most_two_builds(tree, watchers):
    root, db = tree
    w = watchers(debounce_ms=1000)
    w.wait_builds(1)
    files_before = count(db, "SELECT count(*) FROM files")
    burst = root / "libs" / "payments" / "shop_payments" / "burst"
    burst.mkdir()
    for i in range(1000):
        (burst / f"m{i:04}.py").write_text(f"def burst_{i}(x: int) -> int:\n    return x + {i}\n")
    w.wait_for(lambda: count(db, "SELECT count(*) FROM files") == files_before + 1000, "1,000 new files in the DB")
    assert has_symbol(db, "burst_999")
    time.sleep(2.5)  # past the debounce: a third build would have started by now
    w.wait_for(lambda: not is_locked(IndexFiles(db).build_lock), "the last build to end")
    assert 2 <= len(w.builds()) <= 3, w.output()  # the start-up build, then at most 2 for the burst


def test_scheduler_coalesces_requests():
    """The watcher's rule in isolation: requests during a build give exactly one more."""
    ran: list[float] = []
    gate = threading.Event()

    def build() -> None:
        ran.append(time.monotonic())
        gate.wait(5)

    s = Scheduler(build, debounce_s=0.05)
    s.start()
    try:
        for _ in range(1000):
            s.request()
        deadline = time.monotonic() + 5
        while not ran:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        for _ in range(1000):  # during the first build
            s.request()
        gate.set()
        time.sleep(0.5)
        assert len(ran) == 2
        s.request(now=True)
        time.sleep(0.2)
        assert len(ran) == 3
    finally:
        gate.set()
        s.stop(5)


def test_debounce_config(tmp_path):
    assert read_debounce_ms(tmp_path) == DEFAULT_DEBOUNCE_MS == 2000
    (tmp_path / "symidx.toml").write_text("[watch]\ndebounce_ms = 500\n")
    assert read_debounce_ms(tmp_path) == 500
    (tmp_path / "symidx.toml").write_text('[watch]\ndebounce_ms = "fast"\n')
    with pytest.raises(ConfigError, match=r"symidx.toml: key 'watch.debounce_ms': expected milliseconds"):
        read_debounce_ms(tmp_path)
    (tmp_path / "symidx.toml").write_text("[watch]\ndebounce = 5\n")
    with pytest.raises(ConfigError, match=r"key 'watch.debounce': unknown key"):
        read_debounce_ms(tmp_path)
    (tmp_path / "symidx.toml").unlink()
    (tmp_path / "pyproject.toml").write_text("[tool.symidx.watch]\ndebounce_ms = 750\n")
    assert read_debounce_ms(tmp_path) == 750


def test_watch_without_an_index_or_root_is_a_usage_error(tmp_path):
    proc = cli("watch", "--db", str(tmp_path / "none" / "index.db"))
    assert proc.returncode == 2 and "give --root" in proc.stderr


def test_status_in_process(tree):
    from symidx_tasks.freshness.watch import watch

    root, db = tree
    out = io.StringIO()
    assert watch(str(root), status=True, out=out) == 0
    assert out.getvalue() == f"symidx: no watcher runs for {db}\n"
