"""The result cache (pipeline/cache.py): a hit is an extraction, byte for byte;
incremental == fresh and parallel == sequential with it; corrupted objects,
concurrent writers, the size bound, an unreachable store; worktrees sharing
the local cache; a real S3-compatible server (moto's, on 127.0.0.1)."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from symidx_tasks import IndexConfig
from symidx_tasks.config import config_from_table
from symidx_tasks.errors import ConfigError
from symidx_tasks.pipeline import action
from symidx_tasks.pipeline import cache as result_cache
from symidx_tasks.pipeline import result as result_file
from symidx_tasks.pipeline import seed as index_seed

from .indexing import build, dump, fresh_dump
from .trees import SAMPLE, git, write_tree

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "polyglot"
SYMIDX = str(Path(sys.executable).with_name("symidx"))


@pytest.fixture(autouse=True)
def no_user_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(result_cache.ENVIRONMENT, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    return write_tree(root, SAMPLE)  # both trees: every ecosystem, nested workspaces


def cached(url: str | Path, max_bytes: int | None = None) -> IndexConfig:
    if max_bytes is None:
        return IndexConfig(cache_url=str(url))
    return IndexConfig(cache_url=str(url), cache_max_bytes=max_bytes)


def results(db: Path) -> dict[str, bytes]:
    out = db.parent / "results"
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix == ".json"}


def objects(directory: Path) -> dict[str, bytes]:
    """The local store's objects (name -> stored bytes)."""
    return {p.name: p.read_bytes() for p in sorted(directory.rglob(f"*{result_cache.OBJECT_SUFFIX}"))}


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The package keys extracted (not taken from the cache) by in-process builds (jobs=0)."""
    done: list[str] = []
    real = action.package_result

    def counting(root: str, key: str, *args: Any, **kwargs: Any) -> tuple[bytes, bool]:
        done.append(key)
        return real(root, key, *args, **kwargs)

    monkeypatch.setattr(action, "package_result", counting)
    return done


# -- a hit is an extraction ---------------------------------------------------


def test_hit_is_byte_identical_to_extraction(repo: Path, tmp_path: Path, extractions: list[str]) -> None:
    store = tmp_path / "cache"
    plain = tmp_path / "plain" / "index.db"
    build(repo, plain)
    extracted = len(extractions)
    assert extracted > 10 and not objects(store)  # no cache unless asked for
    cold, warm = tmp_path / "cold" / "index.db", tmp_path / "warm" / "index.db"
    build(repo, cold, config=cached(store))
    assert len(extractions) == 2 * extracted  # a cold cache extracts everything...
    stored = objects(store)
    assert len(stored) == extracted  # ...and stores every result
    build(repo, warm, config=cached(store))
    assert len(extractions) == 2 * extracted  # a warm one extracts nothing
    assert results(warm) == results(cold) == results(plain)
    assert dump(warm) == dump(plain)
    # Every object holds exactly one result file's bytes.
    assert sorted(result_cache.unwrap(blob) or b"" for blob in stored.values()) == sorted(results(plain).values())


def test_incremental_equals_fresh_with_the_cache(repo: Path, tmp_path: Path) -> None:
    store, db = tmp_path / "cache", tmp_path / "state" / "index.db"
    build(repo, db, jobs=2, config=cached(store))
    auth = repo / "libs" / "auth" / "shop_auth" / "__init__.py"
    original = auth.read_text()
    steps: list[Callable[[], object]] = [
        lambda: auth.write_text(original + "\ndef logout(user: str) -> None:\n    pass\n"),
        lambda: auth.write_text(original),  # back to content the cache holds: a hit
        lambda: (repo / "libs" / "core" / "shop_core" / "money.py").unlink(),
        lambda: write_tree(repo, {"libs/extra/pyproject.toml": '[project]\nname = "extra"\n',
                                  "libs/extra/extra/x.py": "def x() -> int:\n    return 1\n"}),
        lambda: (repo / "frontend" / "packages" / "web" / "package.json").write_text(
            '{"name": "@shop/web", "version": "1.3.0", "dependencies": {"@shop/ui": "workspace:*"}}\n'),
    ]
    for step in steps:
        step()
        build(repo, db, jobs=2, config=cached(store))
        assert dump(db) == fresh_dump(repo, tmp_path / "fresh"), step


def test_parallel_equals_sequential_with_the_cache(repo: Path, tmp_path: Path) -> None:
    store = tmp_path / "cache"
    sequential = tmp_path / "seq" / "index.db"
    build(repo, sequential, jobs=0)
    runs = {name: tmp_path / name / "index.db" for name in ("cold2", "warm2", "warm1")}
    build(repo, runs["cold2"], jobs=2, config=cached(store))
    build(repo, runs["warm2"], jobs=2, config=cached(store))
    build(repo, runs["warm1"], jobs=1, config=cached(store))
    for db in runs.values():
        assert dump(db) == dump(sequential)
        assert results(db) == results(sequential)


# -- safety -------------------------------------------------------------------


def test_corrupted_object_is_ignored_and_replaced(repo: Path, tmp_path: Path, extractions: list[str]) -> None:
    store = tmp_path / "cache"
    plain = tmp_path / "plain" / "index.db"
    build(repo, plain, config=cached(store))
    paths = sorted(store.rglob(f"*{result_cache.OBJECT_SUFFIX}"))
    truncated, flipped = paths[0], paths[1]
    keys = {result_file.read(result_cache.unwrap(p.read_bytes()) or b"").header["key"] for p in (truncated, flipped)}
    truncated.write_bytes(truncated.read_bytes()[:-7])
    data = bytearray(flipped.read_bytes())
    data[-3] ^= 0x01  # same length, one bit off
    flipped.write_bytes(bytes(data))
    extractions.clear()
    again = tmp_path / "again" / "index.db"
    build(repo, again, config=cached(store))
    assert sorted(extractions) == sorted(keys)  # exactly the two damaged objects were re-extracted
    assert results(again) == results(plain) and dump(again) == dump(plain)
    for path in (truncated, flipped):
        assert result_cache.unwrap(path.read_bytes()) in results(plain).values()  # replaced by good objects


def test_a_file_edited_while_hashed_is_extracted_not_taken_from_the_cache(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extractions: list[str]) -> None:
    store = tmp_path / "cache"
    build(repo, tmp_path / "a" / "index.db", config=cached(store))
    target = repo / "libs" / "auth" / "shop_auth" / "__init__.py"
    original = target.read_text()
    real = result_cache._file_digest

    def edited_right_after(path: str) -> Any:
        read = real(path)
        if path == str(target) and target.read_text() == original:
            target.write_text(original + "\ndef late() -> None:\n    pass\n")
        return read

    monkeypatch.setattr(result_cache, "_file_digest", edited_right_after)
    extractions.clear()
    db = tmp_path / "b" / "index.db"
    build(repo, db, config=cached(store))
    assert extractions == ["libs/auth"]  # the key's content is cached, but the file moved since
    assert '"late","function"' in dump(db)
    assert dump(db) == fresh_dump(repo, tmp_path / "fresh")


def test_unwrap_rejects_every_damaged_form() -> None:
    blob = result_cache.wrap(b'{"a":1}\n')
    assert result_cache.unwrap(blob) == b'{"a":1}\n'
    for bad in (b"", blob[:10], blob[:-1], blob + b"x", blob.replace(b"symidx-result", b"symidx-resulx"),
                blob.split(b"\n", 1)[1], blob[:-2] + b"]\n"):  # the last: same length, other bytes
        assert result_cache.unwrap(bad) is None


def _hammer(directory: str, key: str, blob: bytes, seconds: float, bad: Any) -> None:
    """Write ``blob`` under ``key`` over and over while reading it back."""
    store = result_cache.LocalStore(directory)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        store.put(key, blob, replace=True)
        got = store.get(key)
        if got is not None and result_cache.unwrap(got) is None:
            bad.value += 1


def test_concurrent_writers_never_expose_a_partial_object(tmp_path: Path) -> None:
    key = "ab" * 32
    blob = result_cache.wrap(os.urandom(2_000_000))
    ctx = multiprocessing.get_context("fork")
    bad = ctx.Value("i", 0)
    procs = [ctx.Process(target=_hammer, args=(str(tmp_path), key, blob, 1.5, bad)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert bad.value == 0
    assert result_cache.unwrap(result_cache.LocalStore(str(tmp_path)).get(key) or b"") is not None
    assert not list(tmp_path.rglob("*.tmp"))  # every temporary file was renamed or removed


def test_concurrent_builds_share_one_cache(repo: Path, tmp_path: Path) -> None:
    """Two `symidx build -j 2` of two copies at once, writing the same keys."""
    store = tmp_path / "cache"
    copies = [repo, tmp_path / "copy"]
    shutil.copytree(repo, copies[1])
    procs = [subprocess.Popen([SYMIDX, "build", "--root", str(c), "-j", "2", "--cache", str(store)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in copies]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        assert b"result cache" not in err, err.decode()
    expected = fresh_dump(repo, tmp_path / "fresh")
    for c in copies:
        assert dump(c / ".symidx" / "index.db") == expected
    results_bytes = set(results(repo / ".symidx" / "index.db").values())
    assert {result_cache.unwrap(b) for b in objects(store).values()} == results_bytes


def test_lru_eviction_under_the_bound(tmp_path: Path) -> None:
    store = result_cache.LocalStore(str(tmp_path))
    keys = [f"{i:02x}" * 32 for i in range(10)]
    for i, key in enumerate(keys):
        store.put(key, result_cache.wrap(bytes([i]) * 1000), replace=False)
        os.utime(store.path(key), (1_000_000 + i, 1_000_000 + i))  # keys[0] least recently used
    store.touch(keys[0])  # a hit: now the most recently used
    size = os.path.getsize(store.path(keys[0]))
    stale, fresh = tmp_path / "00" / ".dead.tmp", tmp_path / "00" / ".writing.tmp"
    stale.write_bytes(b"x")
    os.utime(stale, (0, 0))
    fresh.write_bytes(b"x")
    assert result_cache.evict(str(tmp_path), 4 * size) == 6
    assert [k for k in keys if os.path.exists(store.path(k))] == [keys[0], *keys[7:]]
    assert not stale.exists() and fresh.exists()  # a live writer's temporary file stays


def test_a_build_bounds_the_local_cache_and_a_hit_touches(repo: Path, tmp_path: Path) -> None:
    store = tmp_path / "cache"
    build(repo, tmp_path / "a" / "index.db", config=cached(store))
    total = sum(len(b) for b in objects(store).values())
    old = time.time() - 3600
    for path in store.rglob(f"*{result_cache.OBJECT_SUFFIX}"):
        os.utime(path, (old, old))
    build(repo, tmp_path / "b" / "index.db", config=cached(store, max_bytes=total // 2))
    left = list(store.rglob(f"*{result_cache.OBJECT_SUFFIX}"))
    assert 0 < sum(p.stat().st_size for p in left) <= total // 2
    assert all(p.stat().st_mtime > old + 60 for p in left)  # the survivors were hits of this build


def test_unreachable_cache_warns_once_and_the_build_completes(repo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    proc = subprocess.run([SYMIDX, "build", "--root", str(repo), "-j", "2", "--cache", str(blocker / "cache")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("result cache") == 1, proc.stderr
    assert "unavailable" in proc.stderr and str(blocker) in proc.stderr
    assert dump(repo / ".symidx" / "index.db") == fresh_dump(repo, tmp_path / "fresh")
    assert not list((repo / ".symidx").glob(f"{result_cache.MARKER_PREFIX}*"))  # the merge took the marker


def test_a_read_only_cache_still_serves_hits(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            extractions: list[str]) -> None:
    store = tmp_path / "cache"
    build(repo, tmp_path / "a" / "index.db", config=cached(store))
    for rel in ("libs/auth/shop_auth/__init__.py", "libs/core/shop_core/money.py"):
        (repo / rel).write_text((repo / rel).read_text() + "\nLATE = 1\n")

    def read_only(self: result_cache.LocalStore, key: str, blob: bytes, replace: bool) -> None:
        raise result_cache.CacheUnavailable(f"cannot write {self.path(key)}: Read-only file system")

    monkeypatch.setattr(result_cache.LocalStore, "put", read_only)
    extractions.clear()
    db = tmp_path / "b" / "index.db"
    run = build(repo, db, config=cached(store))
    assert sorted(extractions) == ["libs/auth", "libs/core"]  # every other package was a hit
    assert run.err.count("result cache") == 1 and "not storing results" in run.err, run.err
    assert dump(db) == fresh_dump(repo, tmp_path / "fresh")


# -- settings -----------------------------------------------------------------


def test_settings_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert result_cache.resolve(None, "/r") is None and result_cache.resolve("off", "/r") is None
    assert result_cache.resolve("local", "/r") == str(tmp_path / "xdg" / "symidx" / "results")
    assert result_cache.resolve("cache", "/r") == "/r/cache"
    assert result_cache.resolve("file:///srv/c", "/r") == "/srv/c"
    assert result_cache.resolve("s3://bucket/team/", "/r") == "s3://bucket/team"
    config = config_from_table({"cache": {"url": "s3://b/p", "max_bytes": 10}}, "symidx.toml")
    assert (config.cache_url, config.cache_max_bytes) == ("s3://b/p", 10)
    assert config == IndexConfig()  # not an input of the index: changes no digest
    for table, message in [({"cache": {"url": 3}}, "key 'cache.url'"), ({"cache": {"max_bytes": 0}},
                           "key 'cache.max_bytes'"), ({"cache": {"size": 1}}, "key 'cache.size': unknown")]:
        with pytest.raises(ConfigError, match=message):
            config_from_table(table, "symidx.toml")


def test_turning_the_cache_on_reruns_nothing(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    run = build(repo, db, config=cached(tmp_path / "cache"))
    assert run.executed == []


def test_the_environment_overrides_the_config(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    configured, personal = tmp_path / "configured", tmp_path / "personal"
    monkeypatch.setenv(result_cache.ENVIRONMENT, "off")
    build(repo, tmp_path / "a" / "index.db", config=cached(configured))
    assert not configured.exists()
    monkeypatch.setenv(result_cache.ENVIRONMENT, str(personal))
    build(repo, tmp_path / "b" / "index.db", config=cached(configured))
    assert not configured.exists() and objects(personal)


# -- worktrees ----------------------------------------------------------------


def test_two_git_worktrees_share_the_local_cache(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                extractions: list[str]) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (repo / "symidx.toml").write_text('[cache]\nurl = "local"\n')  # committed: every worktree has it
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "tree")
    second = tmp_path / "second"
    git(repo, "worktree", "add", "-q", str(second))
    build(repo, repo / ".symidx" / "index.db", config=None)
    first_extracted = len(extractions)
    assert first_extracted > 10 and objects(tmp_path / "xdg" / "symidx" / "results")
    run = build(second, second / ".symidx" / "index.db")
    assert len(extractions) == first_extracted  # the second worktree extracted nothing
    assert "0 of" in run.out and "started from a seed index" in run.out  # ... and its merge loaded nothing
    assert results(second / ".symidx" / "index.db") == results(repo / ".symidx" / "index.db")
    assert dump(second / ".symidx" / "index.db") == fresh_dump(second, tmp_path / "fresh")


# -- index seeds (pipeline/seed.py) ---------------------------------------------


def seeds(store: Path) -> list[Path]:
    directory = store / index_seed.SEEDS
    return sorted(p for p in directory.iterdir() if p.suffix == index_seed.SUFFIX) if directory.exists() else []


def reloaded(run: Any) -> int:
    """How many results the merge reloaded, from its summary line."""
    line = next(line for line in run.out.splitlines() if "results reloaded" in line)
    return int(line.split(" of ")[0].rsplit(" ", 1)[1])


@pytest.fixture
def seeded_store(repo: Path, tmp_path: Path) -> Path:
    """A local cache filled by a first build of repo, which also stored its index as a seed."""
    store = tmp_path / "cache"
    build(repo, tmp_path / "first" / "index.db", config=cached(store))
    assert len(seeds(store)) == 1
    return store


def checkout(repo: Path, tmp_path: Path) -> Path:
    second = tmp_path / "second"
    shutil.copytree(repo, second)
    return second


def test_a_new_checkout_starts_from_the_seed(repo: Path, tmp_path: Path, seeded_store: Path) -> None:
    second = checkout(repo, tmp_path)
    db = tmp_path / "b" / "index.db"
    run = build(second, db, config=cached(seeded_store))
    assert reloaded(run) == 0 and "started from a seed index" in run.out
    assert dump(db) == fresh_dump(second, tmp_path / "scratch")


def test_a_checkout_that_differs_reloads_what_differs(repo: Path, tmp_path: Path, seeded_store: Path) -> None:
    second = checkout(repo, tmp_path)
    tokens = second / "libs/auth/shop_auth/tokens.py"
    tokens.write_text(tokens.read_text() + "\n\ndef rotated_key() -> str:\n    return ''\n")
    db = tmp_path / "b" / "index.db"
    run = build(second, db, config=cached(seeded_store))
    assert reloaded(run) == 1 and "started from a seed index" in run.out
    assert dump(db) == fresh_dump(second, tmp_path / "scratch")
    # It created its index with new content: that is the seed now.
    assert len(seeds(seeded_store)) == 1 and dump(seeds(seeded_store)[0]) == dump(db)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_seed_is_reported_and_replaced(repo: Path, tmp_path: Path, seeded_store: Path, damage: str) -> None:
    (bad,) = seeds(seeded_store)
    data = bad.read_bytes()
    bad.write_bytes(b"not a database" * 100 if damage == "garbage" else data[: len(data) // 3])
    second = checkout(repo, tmp_path)
    db = tmp_path / "b" / "index.db"
    run = build(second, db, config=cached(seeded_store))
    assert f"cannot start from {bad}" in run.err and "from scratch" in run.err
    assert "started from a seed index" not in run.out
    assert dump(db) == fresh_dump(second, tmp_path / "scratch")
    assert dump(bad) == dump(db)  # the build stored a good one in its place


def test_another_package_set_gets_its_own_seed(repo: Path, tmp_path: Path, seeded_store: Path) -> None:
    second = checkout(repo, tmp_path)
    write_tree(second, {"tools/extra/package.json": '{"name": "extra", "version": "1.0.0"}\n',
                        "tools/extra/index.js": "export function extra() {}\n"})
    run = build(second, tmp_path / "b" / "index.db", config=cached(seeded_store))
    assert "started from a seed index" not in run.out
    assert len(seeds(seeded_store)) == 2


def test_only_the_newest_seeds_are_kept(tmp_path: Path) -> None:
    db = tmp_path / "index.db"
    sqlite3.connect(db).close()
    for n in range(index_seed.MAX_SEEDS + 2):
        path = index_seed.seed_path(str(tmp_path / "cache"), [f"pkg-{n}"])
        assert index_seed.publish(str(db), path) is None
        os.utime(path, ns=(n * 10**9, n * 10**9))
    index_seed.publish(str(db), index_seed.seed_path(str(tmp_path / "cache"), ["pkg-0"]))  # used again: newest
    kept = seeds(tmp_path / "cache")
    assert len(kept) == index_seed.MAX_SEEDS
    assert Path(index_seed.seed_path(str(tmp_path / "cache"), ["pkg-0"])) in kept


def test_a_remote_cache_keeps_no_seed(repo: Path, tmp_path: Path, s3: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stored: list[str] = []
    monkeypatch.setattr(index_seed, "publish", lambda db, path: stored.append(path))
    build(repo, tmp_path / "a" / "index.db", config=cached(s3))
    assert stored == []


# -- a real S3-compatible server ----------------------------------------------


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """moto's S3 server on a free port of 127.0.0.1, and a bucket; yields the cache URL."""
    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        boto3.client("s3").create_bucket(Bucket="team")
        try:
            yield "s3://team/symidx"
        finally:
            server.stop()


def s3_objects() -> dict[str, bytes]:
    import boto3

    client = boto3.client("s3")
    listed = client.list_objects_v2(Bucket="team", Prefix="symidx/").get("Contents", [])
    return {o["Key"]: client.get_object(Bucket="team", Key=o["Key"])["Body"].read() for o in listed}


def test_s3_cache_shares_results_and_replaces_a_corrupted_object(
        s3: str, repo: Path, tmp_path: Path, extractions: list[str]) -> None:
    import boto3

    plain = tmp_path / "plain" / "index.db"
    build(repo, plain)
    packages = len(extractions)
    build(repo, tmp_path / "ci" / "index.db", jobs=2, config=cached(s3))  # CI fills the bucket
    stored = s3_objects()
    assert len(stored) == packages
    assert {result_cache.unwrap(b) for b in stored.values()} == set(results(plain).values())
    dev = tmp_path / "dev" / "index.db"
    build(repo, dev, config=cached(s3))  # a developer's fresh checkout
    assert len(extractions) == packages  # nothing extracted
    assert results(dev) == results(plain) and dump(dev) == dump(plain)
    damaged = sorted(stored)[0]
    boto3.client("s3").put_object(Bucket="team", Key=damaged, Body=stored[damaged][:-5])
    again = tmp_path / "again" / "index.db"
    build(repo, again, config=cached(s3))
    assert len(extractions) == packages + 1 and dump(again) == dump(plain)
    assert s3_objects()[damaged] == stored[damaged]  # replaced by the good object


def _put(url: str, key: str, blob: bytes) -> None:
    result_cache.RemoteStore(url).put(key, blob, replace=False)


def test_s3_concurrent_writers_put_if_absent(s3: str) -> None:
    key, blob = "cd" * 32, result_cache.wrap(os.urandom(300_000))
    ctx = multiprocessing.get_context("spawn")  # fresh processes: no event loop inherited from this one
    procs = [ctx.Process(target=_put, args=(s3, key, blob)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert result_cache.unwrap(result_cache.RemoteStore(s3).get(key) or b"") == result_cache.unwrap(blob)


def test_unreachable_s3_warns_once_and_the_build_completes(repo: Path, tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
    started = time.monotonic()
    proc = subprocess.run([SYMIDX, "build", "--root", str(repo), "-j", "2", "--cache", "s3://team/symidx"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("result cache") == 1, proc.stderr
    assert time.monotonic() - started < 30  # fails fast, not once per package
    assert dump(repo / ".symidx" / "index.db") == fresh_dump(repo, tmp_path / "fresh")
