"""Package tasks on a real Dask cluster: a `dask scheduler` and two `dask worker`
processes on 127.0.0.1 (no mocks), against the `-n 1` build of the same tree."""
from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")

from distributed import get_task_stream  # noqa: E402
from doit.cmd_base import ModuleTaskLoader  # noqa: E402

from bench.generate import generate  # noqa: E402
from symidx_tasks.errors import UsageError  # noqa: E402
from symidx_tasks.pipeline import cache as result_cache  # noqa: E402
from symidx_tasks.pipeline.build import task_loader  # noqa: E402
from symidx_tasks.pipeline.dask_command import Cluster, DaskSettings, dask_main  # noqa: E402
from symidx_tasks.pipeline.dask_packages import run_doit  # noqa: E402
from symidx_tasks.pipeline.dask_runner import distributed  # noqa: E402

from .indexing import build, dump  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "polyglot"
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 60.0


def _client(address: str) -> Any:
    return distributed().Client(address, timeout=STARTUP_SECONDS, set_as_default=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class DaskProcesses:
    """A scheduler and its workers, each a `dask` CLI process."""

    scratch: Path
    address: str = ""
    scheduler: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.scratch / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        # PYTHONPATH: the workers unpickle this module's task functions by reference.
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        return subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT, env=env,
                                cwd=self.scratch, start_new_session=True)

    def start(self, workers: int = 2) -> None:
        port = _free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        self.scheduler = self._spawn("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                     "--no-dashboard", "--dashboard-address", "127.0.0.1:0")
        for i in range(workers):
            self.workers.append(self._spawn(
                f"worker{i}", "worker", self.address, "--name", f"w{i}", "--nthreads", "1", "--no-nanny",
                "--no-dashboard", "--host", "127.0.0.1", "--local-directory", str(self.scratch / f"w{i}")))
        client = _client(self.address)
        try:
            client.wait_for_workers(workers, timeout=STARTUP_SECONDS)
        finally:
            client.close()

    def stop(self) -> None:
        procs = [*self.workers, *([self.scheduler] if self.scheduler else [])]
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        # A worker still running a task it was told to drop (after Ctrl-C) takes
        # its time to shut down gracefully; nothing here needs it to.
        deadline = time.monotonic() + 3
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _cluster(tmp: Path) -> Iterator[DaskProcesses]:
    tmp.mkdir(parents=True, exist_ok=True)
    procs = DaskProcesses(tmp)
    try:
        procs.start()
        yield procs
    finally:
        procs.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskProcesses]:
    yield from _cluster(tmp_path_factory.mktemp("dask"))


def _copy_example(tmp: Path) -> Path:
    root = tmp / "polyglot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    return root


def _reference(root: Path, tmp: Path) -> str:
    """The dump of doit's own `-n 1` build of root."""
    db = tmp / "reference" / "index.db"
    build(root, db, jobs=1)
    return dump(db)


@dataclass
class DaskBuild:
    code: int
    out: str
    db: Path
    ran: dict[str, str]  # Dask task key prefix (the doit task name) -> worker address


def _dask_build(root: Path, tmp: Path, scheduler: str, worker_root: Path | None = None,
                name: str = "dask", cache: str | None = None) -> DaskBuild:
    db = tmp / name / "index.db"
    out = io.StringIO()
    loader = task_loader(root, db, outfile=out, cache=cache)
    # A second client only watches: the scheduler's task stream says which
    # tasks ran on the cluster, and on which worker.
    with _client(scheduler) as watcher:
        with get_task_stream(client=watcher) as stream:
            code = run_doit(loader, ["run", "index"], scheduler=scheduler,
                            worker_root=None if worker_root is None else str(worker_root))
    ran = {rec["key"].rsplit("-", 1)[0]: rec["worker"] for rec in stream.data}
    return DaskBuild(code, out.getvalue(), db, ran)


def _package_tasks(db: Path) -> set[str]:
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {f"index:{k}" for (k,) in conn.execute("SELECT key FROM package_results")}
    finally:
        conn.close()


def test_example_on_the_cluster_equals_a_one_process_build(cluster: DaskProcesses, tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    expected = _reference(root, tmp_path)
    run = _dask_build(root, tmp_path, cluster.address)
    assert run.code == 0, run.out
    assert dump(run.db) == expected
    # Every package was extracted on a worker, the merge on the client.
    assert set(run.ran) == _package_tasks(run.db)
    assert "index:merge" not in run.ran
    assert "17/17 packages: 17 extracted" in run.out  # the progress reporter, unchanged
    # A second run is decided by doit on the client: nothing to do, nothing submitted.
    again = _dask_build(root, tmp_path, cluster.address)
    assert again.code == 0 and again.ran == {}
    assert "0 extracted, 17 up to date" in again.out


def test_a_result_cache_is_filled_by_the_cluster_and_serves_the_next_build(
        cluster: DaskProcesses, tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    expected = _reference(root, tmp_path)
    store = tmp_path / "cache"
    first = _dask_build(root, tmp_path, cluster.address, name="first", cache=str(store))
    assert first.code == 0, first.out
    assert dump(first.db) == expected and set(first.ran) == _package_tasks(first.db)
    # What the workers extracted was stored: one object per package.
    assert len(list(store.rglob(f"*{result_cache.OBJECT_SUFFIX}"))) == len(_package_tasks(first.db))
    # Another checkout's first build (its own index and doit state) takes every package from there.
    second = _dask_build(root, tmp_path, cluster.address, name="second", cache=str(store))
    assert second.code == 0, second.out
    assert second.ran == {}  # nothing sent to the cluster
    assert dump(second.db) == expected
    results = sorted((first.db.parent / "results").glob("*.json"))
    assert results and all(p.read_bytes() == (second.db.parent / "results" / p.name).read_bytes() for p in results)


@pytest.fixture(scope="module")
def bench_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("bench")
    root = tmp / "tree"
    generate(root, size="small", seed=7, packages=14)
    return root, _reference(root, tmp)


def test_bench_tree_on_the_cluster_equals_a_one_process_build(
        cluster: DaskProcesses, bench_tree: tuple[Path, str], tmp_path: Path) -> None:
    root, expected = bench_tree
    run = _dask_build(root, tmp_path, cluster.address)
    assert run.code == 0, run.out
    assert dump(run.db) == expected
    assert set(run.ran) == _package_tasks(run.db)
    assert len(set(run.ran.values())) == 2, "both workers took packages"


def test_a_worker_with_another_checkout_fails_those_packages_clearly(cluster: DaskProcesses, tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    other = tmp_path / "worker-checkout"
    shutil.copytree(root, other)
    grown = other / "services/billing/invoice.go"
    grown.write_text(grown.read_text() + "\nfunc Extra() {}\n")
    same_size = other / "libs/payments/shop_payments/processor.py"
    text = same_size.read_text()
    same_size.write_text(text.replace("def process_payment", "def process_paymenx", 1))
    assert len(same_size.read_text()) == len(text) and same_size.read_text() != text
    run = _dask_build(root, tmp_path, cluster.address, worker_root=other)
    # 2, as with doit's own runners: two tasks failed, so the merge's
    # dependencies are unmet (an error, not a failure).
    assert run.code == 2, run.out
    assert "UnmetDependency - taskid:index:merge" in run.out
    assert "services/billing/invoice.go" in run.out and "on the client" in run.out
    assert "libs/payments/shop_payments/processor.py (content differs)" in run.out
    assert "differs from the client's" in run.out and str(other) in run.out
    assert "2 failed" in run.out
    # The failed packages wrote nothing; the merge did not run on an incomplete set.
    assert not run.db.exists()
    results = {p.name for p in (run.db.parent / "results").glob("*.json")}
    assert not any(n.startswith(("services-billing-", "libs-payments-")) for n in results)
    assert len(results) == 15, "the other packages went on"


def test_an_unreachable_scheduler_fails_before_anything_is_written(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    db = tmp_path / "index" / "index.db"
    loader = task_loader(root, db, outfile=io.StringIO())
    started = time.monotonic()
    with pytest.raises(UsageError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:\d+"):
        run_doit(loader, ["run", "index"], scheduler=f"tcp://127.0.0.1:{_free_port()}", connect_seconds=2)
    assert time.monotonic() - started < 30
    assert not db.exists() and not (db.parent / "results").exists()
    assert not (db.parent / "doit-deps.sqlite").exists()


# -- the runner is generic: any doit task, shipped whole to a worker


def _produce(target: str) -> dict[str, Any]:
    Path(target).write_text(f"{os.getpid()}\n")
    print("produced on a worker")
    return {"pid": os.getpid(), "count": 3}


def _consume(count: int, target: str) -> dict[str, Any]:
    Path(target).write_text(f"{count * 2}\n")
    return {"pid": os.getpid()}


def _broken() -> None:
    raise RuntimeError("this action fails on the worker")


def test_any_doit_task_runs_on_the_cluster(cluster: DaskProcesses, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    made, doubled = tmp_path / "made.txt", tmp_path / "doubled.txt"

    def task_produce() -> dict[str, Any]:
        return {"actions": [(_produce, [str(made)])], "targets": [str(made)]}

    def task_consume() -> dict[str, Any]:
        return {"actions": [(_consume, [], {"target": str(doubled)})], "file_dep": [str(made)],
                "getargs": {"count": ("produce", "count")}, "targets": [str(doubled)]}

    def task_broken() -> dict[str, Any]:
        return {"actions": [_broken]}

    loader = ModuleTaskLoader({"task_produce": task_produce, "task_consume": task_consume,
                               "task_broken": task_broken, "DOIT_CONFIG": {"backend": "sqlite3", "continue": True}})
    machine = Cluster(DaskSettings(scheduler=cluster.address))
    report = tmp_path / "report.txt"
    try:
        code = dask_main(loader, machine).run(
            ["run", "--db-file", str(tmp_path / "deps.sqlite"), "--output-file", str(report), "-v", "2"])
    finally:
        machine.close()
    out = report.read_text()
    assert code == 2, out  # a task error, reported by doit like any other
    assert "this action fails on the worker" in out and "broken" in out
    # -v 2: the worker's output, replayed by the client as the task's own
    assert "produced on a worker" in capsys.readouterr().out
    assert int(made.read_text()) in {w.pid for w in cluster.workers}  # ran in a `dask worker` process
    assert doubled.read_text() == "6\n"  # getargs from the producer's values, consumed after it


def test_executor_dask_from_the_doit_command_line_starts_a_local_cluster(tmp_path: Path) -> None:
    """`doit -n 2 index executor=dask`, the run command registered as a plugin
    in pyproject.toml: the embedded default cluster."""
    root = _copy_example(tmp_path)
    expected = _reference(root, tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.doit.plugins.command]\nrun = "symidx_tasks.pipeline.dask_command:DaskRun"\n')
    (project / "dodo.py").write_text(DODO)
    db = tmp_path / "local" / "index.db"
    proc = subprocess.run([str(BIN / "doit"), "-n", "2", "index", "executor=dask", f"root={root}", f"db={db}"],
                          cwd=project, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert dump(db) == expected
    assert "17 extracted" in proc.stdout


DODO = '''\
from doit import get_var

from symidx_tasks import default_db, doit_config, index_tasks

ROOT = get_var("root", ".")
DB = get_var("db", None) or str(default_db(ROOT))
DOIT_CONFIG = doit_config(DB, worker_root=get_var("worker_root", None))


def task_index():
    yield from index_tasks(root=ROOT, db=DB)
'''


# -- faults


@pytest.mark.slow
def test_a_worker_killed_mid_build_still_gives_the_same_index(
        bench_tree: tuple[Path, str], tmp_path: Path) -> None:
    root, expected = bench_tree
    procs = DaskProcesses(tmp_path / "cluster")
    procs.scratch.mkdir()
    outcome: dict[str, DaskBuild] = {}

    def build_on_the_cluster() -> None:
        outcome["run"] = _dask_build(root, tmp_path, procs.address)

    try:
        procs.start()
        builder = threading.Thread(target=build_on_the_cluster)
        with _client(procs.address) as watcher:
            builder.start()
            victim = _kill_a_busy_worker(watcher, procs, deadline=time.monotonic() + 60)
            builder.join(timeout=300)
    finally:
        procs.stop()
    assert not builder.is_alive()
    assert victim.poll() is not None
    run = outcome["run"]
    assert run.code == 0, run.out
    assert dump(run.db) == expected


def _kill_a_busy_worker(watcher: Any, procs: DaskProcesses, deadline: float) -> subprocess.Popen[bytes]:
    """SIGKILL the first worker seen executing a package task after some result was written."""
    by_name = {f"w{i}": p for i, p in enumerate(procs.workers)}
    while time.monotonic() < deadline:
        info = watcher.scheduler_info()["workers"]
        processing = watcher.processing()
        finished = watcher.run_on_scheduler(
            lambda dask_scheduler: sum(1 for t in dask_scheduler.tasks.values() if t.state == "memory"))
        for address, keys in processing.items():
            if keys and finished:
                victim = by_name[info[address]["name"]]
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait(timeout=10)
                return victim
        time.sleep(0.01)
    raise AssertionError("no worker was seen busy mid-build")


def _scheduler_tasks(dask_scheduler: Any) -> int:
    return len(dask_scheduler.tasks)


def test_ctrl_c_cancels_what_was_submitted(cluster: DaskProcesses, tmp_path: Path) -> None:
    """SIGINT to a `doit index scheduler=...` run mid-build: doit stops, and
    nothing it submitted is left running or queued on the cluster."""
    root = tmp_path / "big"
    body = "".join(f"def function_{i}(a: int, b: str) -> int:\n    return a\n\n\n" for i in range(60))
    for p in range(8):  # 8 packages of 300 files: long enough to interrupt
        pkg = root / f"pkg{p}"
        (pkg / "src").mkdir(parents=True)
        (pkg / "pyproject.toml").write_text(f'[project]\nname = "pkg{p}"\nversion = "1.0"\n')
        for f in range(300):
            (pkg / "src" / f"m{f}.py").write_text(body)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.doit.plugins.command]\nrun = "symidx_tasks.pipeline.dask_command:DaskRun"\n')
    (project / "dodo.py").write_text(DODO)
    db = tmp_path / "interrupted" / "index.db"
    proc = subprocess.Popen([str(BIN / "doit"), "index", f"scheduler={cluster.address}", f"root={root}", f"db={db}"],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    with _client(cluster.address) as watcher:
        try:
            deadline = time.monotonic() + 120
            while not watcher.run_on_scheduler(_scheduler_tasks):
                assert proc.poll() is None, "the build ended before anything was submitted"
                assert time.monotonic() < deadline, "nothing was submitted"
                time.sleep(0.05)
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
        assert proc.returncode != 0, out
        deadline = time.monotonic() + 30
        while (left := watcher.run_on_scheduler(_scheduler_tasks)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert left == 0, f"{left} tasks still on the scheduler after Ctrl-C"
    assert not db.exists(), "the merge must not run after an interrupted build"
