"""Killed builds, concurrent readers and concurrent writers never corrupt the
index: after any of them, the next run converges to a clean build's dump."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.generate import edit_one_file, generate

from .indexing import build, dump

REPO = Path(__file__).resolve().parent.parent
DODO = REPO / "dodo.py"


def _doit_cmd(root: Path, db: Path, jobs: int = 2) -> list[str]:
    return [sys.executable, "-m", "doit", "-f", str(DODO), "-n", str(jobs), "index", f"root={root}", f"db={db}"]


def _start(root: Path, db: Path, jobs: int = 2) -> subprocess.Popen:
    # Own session: a kill reaches doit and every worker it forked.
    return subprocess.Popen(_doit_cmd(root, db, jobs), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env={**os.environ, "CI": "true"})


def _finish(root: Path, db: Path) -> str:
    proc = subprocess.run(_doit_cmd(root, db), capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CI": "true"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dump(db)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("interrupt") / "repo"
    generate(root, size="small", seed=7, packages=16)
    return root


@pytest.fixture(scope="module")
def clean_dump(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, float]:
    db = tmp_path_factory.mktemp("clean") / "index.db"
    started = time.perf_counter()
    text = _finish(tree, db)
    return text, time.perf_counter() - started


@pytest.mark.parametrize("seed", range(4))
def test_kill_at_a_random_moment_then_rerun_converges(seed: int, tree: Path, clean_dump, tmp_path: Path) -> None:
    expected, full_seconds = clean_dump
    db = tmp_path / "index.db"
    rng = random.Random(seed)
    if seed % 2:  # half the seeds start from a finished index and kill an incremental run
        _finish(tree, db)
    proc = _start(tree, db)
    time.sleep(rng.uniform(0.05, full_seconds))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _finish(tree, db) == expected


@pytest.mark.parametrize("seed", range(3))
def test_kill_during_the_merge_then_rerun_converges(seed: int, tree: Path, clean_dump, tmp_path: Path) -> None:
    expected, _ = clean_dump
    db = tmp_path / "index.db"
    _finish(tree, db)
    for suffix in ("", "-wal", "-shm"):  # results stay; only the merge has work to do
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    _finish(tree, db)
    merge_seconds = time.perf_counter() - started
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    proc = _start(tree, db)
    time.sleep(random.Random(seed).uniform(0.0, merge_seconds))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _finish(tree, db) == expected


def test_damaged_result_file_is_re_extracted(tree: Path, clean_dump, tmp_path: Path) -> None:
    expected, _ = clean_dump
    db = tmp_path / "index.db"
    _finish(tree, db)
    victim = sorted((db.parent / "results").glob("*.json"))[3]
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])  # truncated behind doit's back
    proc = subprocess.run(_doit_cmd(tree, db), capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CI": "true"})
    assert proc.returncode == 0, proc.stderr
    assert dump(db) == expected


def test_readers_see_consistent_snapshots_during_a_merge(tree: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    generate(root, size="small", seed=7, packages=16)
    db = tmp_path / "index.db"
    _finish(root, db)
    for seed in range(8):  # many packages change: a long merge
        edit_one_file(root, seed)
    seen: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        try:
            while not stop.is_set():
                conn.execute("BEGIN")
                symbols = conn.execute("SELECT count(*) FROM symbols").fetchone()[0]
                fts = conn.execute("SELECT count(*) FROM symbols_fts").fetchone()[0]
                meta = int(conn.execute("SELECT value FROM meta WHERE key = 'count_symbols'").fetchone()[0])
                conn.execute("COMMIT")
                # one transaction, one state: never half of a merge
                assert symbols == meta == fts, (symbols, meta, fts)
                seen.append((symbols, meta))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            conn.close()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        _finish(root, db)
    finally:
        stop.set()
        reader.join()
    assert not errors, errors
    assert len(seen) > 10
    assert len({s for s, _ in seen}) >= 1


def test_two_concurrent_runs_on_one_index_do_not_corrupt_it(tree: Path, clean_dump, tmp_path: Path) -> None:
    expected, _ = clean_dump
    db = tmp_path / "index.db"
    first, second = _start(tree, db), _start(tree, db)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    codes = [first.returncode, second.returncode]
    for code, (out, err) in zip(codes, outputs):
        # Either run succeeds, or it fails saying why (never a traceback).
        assert code == 0 or b"Traceback" not in err, err.decode()
    assert 0 in codes
    assert _finish(tree, db) == expected
    # doit's own state survived too: a third run has nothing to do
    proc = subprocess.run(_doit_cmd(tree, db), capture_output=True, text=True, timeout=300,
                          env={**os.environ, "CI": "true"})
    assert ".  index:" not in proc.stdout
