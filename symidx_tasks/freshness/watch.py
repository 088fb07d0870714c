"""``symidx watch``: keep an index fresh while people edit.

The watcher listens to the indexed root with watchfiles (Rust ``notify``),
keeps the changes discovery would see (paths.py), and runs the incremental
build (runner.py: the one doit graph, in a child process) once the tree has
been quiet for the debounce (``[watch] debounce_ms``, default 2,000 ms):
- never two builds at once: one builder thread runs them one after another;
- changes during a build ask for exactly one more build after it, so a burst
  of any size (a checkout, a formatter) gives at most two;
- SIGUSR1 (sent by ``symidx rebuild``) asks for a build without the debounce;
- SIGTERM (``symidx watch --stop``) or Ctrl-C stop it, ending a running build.
One watcher per index: ``watch.pid`` beside the DB is flock'd (lock.py).
It builds once at start, so changes made while no watcher ran are picked up.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from ..config import load_config
from . import runner
from .lock import IndexFiles, claim_watch, read_state, running_watcher, unlock, write_state
from .paths import PathFilter

MAX_DELAY_FACTOR = 10  # a tree that never goes quiet still builds every 10 debounces
STOP_GRACE_S = 2.0  # a build asked to stop gets this long before it is killed
STOP_WAIT_S = 8.0  # `--stop` waits this long for the watcher to go
CONFIG_FILES = frozenset({"symidx.toml", "pyproject.toml"})


def read_debounce_ms(root: Path) -> int:
    """``[watch] debounce_ms`` of the repo's config (symidx.toml or [tool.symidx]), else the default."""
    return load_config(root).watch_debounce_ms


class Scheduler:
    """Runs ``build`` in one thread, ``debounce_s`` after the last request.

    A request during a build makes one more build after it; ``request(now=True)``
    skips the debounce. Requests are cheap and safe from a signal handler."""

    def __init__(self, build: Callable[[], None], debounce_s: float) -> None:
        self._build = build
        self.debounce_s = debounce_s
        self._cond = threading.Condition(threading.RLock())  # re-entrant: a signal handler may request
        self._pending = False
        self._first = 0.0  # when the pending request began waiting
        self._due = 0.0
        self._immediate = False  # the pending build was asked for without the debounce
        self._stopping = False
        self.builds = 0
        self._thread = threading.Thread(target=self._loop, name="symidx-build", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request(self, now: bool = False) -> None:
        with self._cond:
            t = time.monotonic()
            if not self._pending:
                self._pending, self._first, self._immediate = True, t, False
            if now:
                self._immediate, self._due = True, t
            elif not self._immediate:
                self._due = min(t + self.debounce_s, self._first + MAX_DELAY_FACTOR * self.debounce_s)
            self._cond.notify()

    def stop(self, timeout: float | None = None) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and (not self._pending or time.monotonic() < self._due):
                    wait = self._due - time.monotonic() if self._pending else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                self._pending = False
            self.builds += 1
            self._build()


class Watcher:
    """One watcher process for the index of ``root`` at ``db``."""

    def __init__(self, root: Path, db: Path, debounce_ms: int, jobs: int, out: TextIO) -> None:
        self.root, self.db, self.jobs, self.out = root, db, jobs, out
        self.files = IndexFiles(db)
        self.own_output = _output_files()
        self.filter = self._filter()
        self.stop_event = threading.Event()
        self.scheduler = Scheduler(self._run_build, debounce_ms / 1000)
        self._child: runner.BuildProcess | None = None
        self._child_lock = threading.Lock()
        self.state: dict[str, Any] = {"pid": os.getpid(), "root": str(root), "db": str(db),
                                      "started_at": _now(), "builds": 0, "debounce_ms": debounce_ms}

    def _filter(self) -> PathFilter:
        return PathFilter(self.root, self.db, ignore=self.own_output)

    def _run_build(self) -> None:
        with self._child_lock:
            if self.stop_event.is_set():
                return
            self._child = runner.start_build(self.root, self.db, self.jobs)
        summary = self._child.wait(None) or runner.BuildSummary(-1, 0.0, error="no summary")
        with self._child_lock:
            self._child = None
        if self.stop_event.is_set():
            return
        # The config may have changed what discovery lists.
        self.filter = self._filter()
        self._say(summary.line())
        self.state.update(builds=self.state["builds"] + 1, last_build_at=_now(), last_build=summary.line())
        write_state(self.files, self.state)

    def _say(self, line: str) -> None:
        try:
            print(f"{time.strftime('%H:%M:%S')} {line}", file=self.out, flush=True)
        except (OSError, ValueError):
            pass  # a closed terminal must not stop the watcher

    def changed(self, paths: list[str]) -> None:
        """Paths reported by the file watcher: ask for a build when one matters."""
        relevant = self.filter.relevant(paths)
        if relevant:
            if any(r in CONFIG_FILES or r.endswith("/.gitignore") or r == ".gitignore" for r in relevant):
                self.filter = self._filter()
            self.scheduler.request()

    def stop(self) -> None:
        """Stop watching and end a running build (the index stays consistent:
        results and merge are atomic, see docs/reliability.md)."""
        self.stop_event.set()
        with self._child_lock:
            child = self._child
        if child is not None:
            child.stop(STOP_GRACE_S)
        self.scheduler.stop(STOP_GRACE_S + 1)

    def run(self) -> None:
        import watchfiles

        write_state(self.files, self.state)
        self.scheduler.start()
        self.scheduler.request(now=True)
        for changes in watchfiles.watch(self.root, watch_filter=lambda _c, p: self.filter.wanted(p),
                                        debounce=200, step=50, stop_event=self.stop_event,
                                        rust_timeout=1000, raise_interrupt=False):
            self.changed([path for _change, path in changes])


def _output_files() -> list[Path]:
    """The files this process's stdout and stderr write to: `symidx watch > watch.log`
    inside the root must not make every build line a change that asks for a build."""
    found = []
    for fd in (1, 2):
        try:
            target = Path(os.readlink(f"/proc/self/fd/{fd}"))  # Linux; elsewhere, no such files
        except OSError:
            continue
        if target.is_absolute() and target.is_file():
            found.append(target)
    return found


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


# ---------------------------------------------------------------- the command


def watch(root: str | None = None, db: str | None = None, *, stop: bool = False, status: bool = False,
          detach: bool = False, debounce_ms: int | None = None, jobs: int | None = None,
          out: TextIO | None = None) -> int:
    """``symidx watch [--db DB] [--root R] [--stop | --status | --detach] [--debounce-ms N] [-j N]``.

    Exit 0 when watching ended normally, a watcher already runs, it was
    stopped, or its status was printed; 2 when the index cannot be resolved or
    the config is invalid (raises SymidxError for the CLI to print)."""
    out = out or sys.stdout
    if (status or stop) and db is not None:  # the DB's directory is all they need
        files = IndexFiles(Path(db).resolve())
        return _status(files, out) if status else stop_watcher(files, out)
    root_path, db_path = runner.resolve(root, db)
    files = IndexFiles(db_path)
    if status:
        return _status(files, out)
    if stop:
        return stop_watcher(files, out)
    debounce = debounce_ms if debounce_ms is not None else read_debounce_ms(root_path)
    if detach:
        return _detach(root_path, db_path, debounce, jobs, out)
    fd = claim_watch(files)
    if fd is None:
        print(f"symidx: a watcher already runs for {db_path} (pid {running_watcher(files)})", file=out)
        return 0
    try:
        watcher = Watcher(root_path, db_path, debounce, jobs or runner.default_jobs(), out)
        print(f"symidx: watching {root_path} -> {db_path} (pid {os.getpid()}, debounce {debounce} ms)",
              file=out, flush=True)
        previous = _install_signals(watcher)
        try:
            watcher.run()
        except KeyboardInterrupt:
            pass
        finally:
            watcher.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        unlock(fd)
    print("symidx: watcher stopped", file=out, flush=True)
    return 0


def _install_signals(watcher: Watcher) -> dict[int, Any]:
    def on_stop(_sig: int, _frame: FrameType | None) -> None:
        watcher.stop_event.set()

    def on_kick(_sig: int, _frame: FrameType | None) -> None:
        watcher.scheduler.request(now=True)

    previous: dict[int, Any] = {}
    for sig, handler in ((signal.SIGTERM, on_stop), (signal.SIGHUP, on_stop), (signal.SIGUSR1, on_kick)):
        previous[sig] = signal.signal(sig, handler)
    return previous


def _status(files: IndexFiles, out: TextIO) -> int:
    pid = running_watcher(files)
    state = read_state(files)
    if pid is None:
        print(f"symidx: no watcher runs for {files.db}", file=out)
        return 0
    last = state.get("last_build_at")
    built = f"last build {last}: {state.get('last_build')}" if last else "no build finished yet"
    print(f"symidx: a watcher runs for {files.db} (pid {pid}, since {state.get('started_at')}); {built}", file=out)
    return 0


def stop_watcher(files: IndexFiles, out: TextIO, wait_s: float = STOP_WAIT_S) -> int:
    """Stop the watcher of this index, if any; returns once it is gone."""
    pid = running_watcher(files)
    if not pid:
        print(f"symidx: no watcher runs for {files.db}", file=out)
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_s
    while running_watcher(files) is not None:
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)  # its lock goes with it; a build it ran is atomic
            break
        time.sleep(0.05)
    print(f"symidx: stopped the watcher (pid {pid})", file=out)
    return 0


def _detach(root: Path, db: Path, debounce_ms: int, jobs: int | None, out: TextIO) -> int:
    """Start a watcher in the background (output in watch.log beside the DB); return once it runs."""
    files = IndexFiles(db)
    pid = running_watcher(files)
    if pid is not None:
        print(f"symidx: a watcher already runs for {db} (pid {pid})", file=out)
        return 0
    files.dir.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "symidx_tasks.freshness", "watch", "--root", str(root), "--db", str(db),
            "--debounce-ms", str(debounce_ms)] + (["--jobs", str(jobs)] if jobs else [])
    with open(files.dir / "watch.log", "a") as log:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 10
    while not running_watcher(files) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    print(f"symidx: watcher started (pid {proc.pid}, log {files.dir / 'watch.log'})", file=out)
    return 0 if proc.poll() in (None, 0) else 1
