"""symidx's package tasks on a Dask cluster (the generic runner: dask_runner.py).

A package task's action, ``extract_package``, is ``package_result`` (parse,
return bytes) plus a write of the result file. On Dask the two halves split:

- client, at submit: hash every listed file (size + sha256);
- worker: check the sizes under ``worker_root``, run ``package_result`` there,
  then check the sha256 of every file it parsed (recorded in the result) against
  the client's. A worker whose checkout differs (another commit, local edits, a
  missing file) fails the task and nothing is written for it: a wrong index is
  never produced. Workers write nothing.
- client, on completion: write the bytes atomically as the result file (and
  the timing sidecar) and return the task values ``extract_package`` returns.

With a result cache (``cache=``), the client looks each package up first: a
hit runs the task on the client (``extract_package`` takes the result from the
cache; the files are hashed a second time for that), a miss goes to a worker
and its result is stored in the cache when it comes back.

Every other task (the merge, a user's own) runs on the client.
"""
from __future__ import annotations

import hashlib
import os
import socket
import time
from functools import partial
from pathlib import Path
from typing import Any

from doit.cmd_base import TaskLoader2
from doit.exceptions import TaskFailed

from ..errors import UsageError
from ..fileio import Stamp, stamp
from ..model import PackageRecord
from . import cache as result_cache
from . import result as result_file
from .action import TaskValues, extract_package, extractor_version, finish_package, package_result
from .dask_command import CONNECT_SECONDS, Cluster, DaskSettings, SchedulerUnreachable, dask_main
from .dask_runner import Remote

SHOWN_MISMATCHES = 5

# (path, size, sha256) as the client read it; size and sha256 None when it could not.
Expected = tuple[str, int | None, str | None]
# What a worker sends back: the result file's bytes, unstable, started (epoch s), seconds.
Extracted = tuple[bytes, bool, float, float]


def _digest(path: str) -> tuple[int | None, str | None]:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None, None
    return len(data), hashlib.sha256(data).hexdigest()


class PackageOffload:
    """The offload function (see dask_runner.py) for symidx's index graph:
    package tasks go to the cluster, reading their sources under
    ``worker_root`` (default: the client's root, i.e. a shared or identical
    path on every machine); all other tasks stay on the client."""

    def __init__(self, worker_root: str | os.PathLike[str] | None = None) -> None:
        self.worker_root = None if worker_root is None else str(worker_root)

    def __call__(self, task: Any) -> Remote | None:
        actions = task.actions
        if len(actions) != 1 or getattr(actions[0], "py_callable", None) is not extract_package:
            return None
        kwargs = dict(actions[0].kwargs)
        found = _lookup(kwargs)
        if found is not None and found.data is not None:
            return None  # in the cache: no worker needed (see the module's docstring)
        root = kwargs["root"]
        prefix = f"{root}{os.sep}"
        stats: list[tuple[str, Stamp | None]] = []
        expected: list[Expected] = []
        for path, _language, _skip in kwargs["files"]:
            # Stat before reading: a file edited after this point is caught by the
            # second stat in write_result. A cache miss has just done both for its
            # key (lstat, then the bytes of a regular file): not again.
            if found is not None:
                seen = found.inputs.stamps[path]
                stats.append((prefix + path, seen))
                expected.append((path, seen[0], found.inputs.contents[path]))
            else:
                stats.append((prefix + path, stamp(prefix + path)))
                expected.append((path, *_digest(prefix + path)))
        work = {k: kwargs[k] for k in ("key", "package", "files", "max_file_size")}
        work["warnings"] = list(kwargs.get("warnings", ()))
        work["references"] = kwargs.get("references", True)
        work.update(root=self.worker_root or root, expected=expected)
        finish = partial(write_result, kwargs["out"], kwargs.get("timing"), stats)
        if found is not None:
            finish = partial(_stored, finish, kwargs["cache"], kwargs.get("cache_marker"), found)
        return Remote(fn=remote_package_result, kwargs=work, finish=finish)


def _lookup(kwargs: dict[str, Any]) -> result_cache.Lookup | None:
    """The cache's answer for a package task's arguments; None without a cache."""
    if kwargs.get("cache") is None:
        return None
    return result_cache.lookup(
        kwargs["cache"], kwargs.get("cache_marker"), kwargs["root"], kwargs["key"], kwargs["package"],
        kwargs["files"], kwargs["max_file_size"], kwargs.get("warnings", ()),
        extractor_version(kwargs.get("references", True)), result_file.FORMAT_VERSION)


def _stored(finish: Any, url: str, marker: str | None, found: result_cache.Lookup,
            returned: Extracted | TaskFailed) -> TaskValues | TaskFailed:
    """``finish`` (write_result), then the worker's result into the cache, under
    the key of the files the client hashed (``remember`` checks they are the ones parsed)."""
    values = finish(returned)
    if not isinstance(returned, TaskFailed) and not isinstance(values, TaskFailed):
        data, unstable, _started, _seconds = returned
        result_cache.remember(url, marker, found, data, unstable or bool(values.get("unstable")))
    return values


def remote_package_result(root: str, key: str, package: PackageRecord | None,
                          files: list[tuple[str, str | None, str | None]], max_file_size: int,
                          expected: list[Expected], warnings: list[str] | None = None,
                          references: bool = True) -> Extracted | TaskFailed:
    """On a worker: ``package_result`` under ``root``, provided the files it
    reads are the client's (by size before parsing, by sha256 of the very bytes
    parsed after); otherwise a TaskFailed naming the files that differ."""
    differ = []
    for path, size, _sha in expected:
        try:
            here: int | None = os.stat(os.path.join(root, path)).st_size
        except OSError:
            here = None
        if here != size:
            differ.append(f"{path} ({_size(here)} here, {_size(size)} on the client)")
    if differ:
        return _mismatch(root, key, differ)
    started, clock = time.time(), time.perf_counter()
    # The digests stay here: stamps of this machine's files mean nothing to the client's checker.
    data, unstable, _ = package_result(root, key, package, files, max_file_size, warnings=warnings or (),
                                       references=references)
    seconds = time.perf_counter() - clock
    parsed = {record["path"]: record["sha256"] for record in result_file.read(data).files}
    differ = [f"{path} (content differs)" for path, _size_, sha in expected if parsed.get(path) != sha]
    if differ:
        return _mismatch(root, key, differ)
    return data, unstable, started, seconds


def _size(size: int | None) -> str:
    return "missing" if size is None else f"{size} bytes"


def _mismatch(root: str, key: str, differ: list[str]) -> TaskFailed:
    shown = "; ".join(differ[:SHOWN_MISMATCHES])
    more = f"; and {len(differ) - SHOWN_MISMATCHES} more" if len(differ) > SHOWN_MISMATCHES else ""
    return TaskFailed(
        f"package {key or '(root)'}: the checkout at {root} on Dask worker {socket.gethostname()} differs from "
        f"the client's in {len(differ)} file(s): {shown}{more}. Workers must have the client's commit at "
        "worker_root=; nothing was written for this package.")


def write_result(out: str, timing: str | None, stats: list[tuple[str, Stamp | None]],
                 returned: Extracted | TaskFailed) -> TaskValues | TaskFailed:
    """On the client: what ``extract_package`` does after ``package_result``,
    with a worker's result: write ``out`` (and the ``timing`` sidecar); return
    the same task values."""
    if isinstance(returned, TaskFailed):
        return returned
    data, unstable, started, seconds = returned
    # A source edited on the client since it was hashed: doit would record the
    # new content as indexed, so the task must run again next time.
    moved = any(stamp(path) != seen for path, seen in stats)
    return finish_package(out, data, unstable or moved, timing, started, seconds)


def run_doit(loader: TaskLoader2, argv: list[str], scheduler: str | None = None,
             worker_root: str | os.PathLike[str] | None = None, workers: int | None = None,
             connect_seconds: float = CONNECT_SECONDS) -> int:
    """``doit`` with ``argv`` (e.g. ``["run", "index"]``), package tasks on the
    Dask cluster at ``scheduler`` (None: a LocalCluster of ``workers`` processes,
    default one per CPU). An unreachable scheduler raises UsageError before
    anything is loaded or written."""
    if worker_root is not None and not Path(worker_root).is_absolute():
        raise UsageError(f"worker_root {worker_root}: must be an absolute path (it is a path on the workers)")
    try:
        cluster = Cluster(DaskSettings(scheduler=scheduler, workers=workers, connect_seconds=connect_seconds))
    except SchedulerUnreachable as exc:
        raise UsageError(str(exc)) from None
    try:
        return int(dask_main(loader, cluster, PackageOffload(worker_root)).run(argv))
    finally:
        cluster.close()


__all__ = ["PackageOffload", "remote_package_result", "run_doit", "write_result"]
