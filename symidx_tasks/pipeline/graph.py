"""The doit graph: one task per package, then one merge task.

    def task_index():
        yield from index_tasks(root=".", db=".symidx/index.db")

Package task ``index:<package path>``: file_dep = its manifests (own and
inherited workspace files) + every file it owns, target = its result file, and
an ``uptodate`` digest over what file_dep cannot see (the package record, the
file list with each file's classification, extractor version, settings).
Merge task ``index:merge``: file_dep = every result file, target = the DB.

With a result cache (pipeline/cache.py), package tasks also get the cache's
URL; it is deliberately not in their uptodate digest: a hit is byte-identical
to an extraction, so turning the cache on, off or elsewhere re-runs nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from doit.exceptions import TaskFailed
from doit.tools import config_changed

from ..config import IndexConfig, load_config
from ..discover import Unit, discover
from ..locations import DEFAULT_DB, results_dir, timings_dir
from ..store.db import SCHEMA_VERSION, connect_reader, remove_db
from ..store.resolve import RESOLUTION_VERSION
from . import cache as result_cache
from . import seed as index_seed
from .action import FileSpec, extract_package, extractor_version
from .checker import prefetch
from .guard import UPTODATE_SIGNATURE, FileGuard, output_stamp
from .report import merge_warnings, strict_failure, summary_line
from .result import FORMAT_VERSION, result_name
from .timing import extraction_timing, remove_stale_timings, timing_path

MERGE = "merge"
STRICT = "strict"
DISCOVERY_CACHE = ".discovery.pickle"  # in the results dir (see discover/cache.py)
SHARED_DISCOVERIES = "discovery"  # in a local result cache: discoveries any worktree may reuse


class ConfigChanged(config_changed):  # type: ignore[misc]  # doit is untyped
    """doit's ``config_changed``, carrying its call signature (guard.UPTODATE_SIGNATURE)."""

    __signature__ = UPTODATE_SIGNATURE


def task_name(key: str) -> str:
    # A package at the top-level directory "merge" must not shadow the merge task.
    return f"./{key}" if key in (MERGE, STRICT) else key


def index_tasks(
    root: str | os.PathLike[str] = ".",
    db: str | os.PathLike[str] | None = None,
    config: IndexConfig | None = None,
    strict: bool | None = None,
    cache: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield the index's doit sub-tasks (use inside a ``task_*`` generator).

    ``db`` defaults to the repo's own index (``<root>/.symidx/index.db``, or the
    config's ``db`` key); ``config`` defaults to the indexed repo's own (symidx.toml / [tool.symidx]);
    ``strict`` (default: the config's) adds ``index:strict``, which fails the
    run while the index holds any warning. ``cache``: the result cache to use
    ("off", "local", a directory relative to the current directory, or an
    fsspec URL; see cache.resolve); default: the environment's
    ``SYMIDX_CACHE``, else the config's ``[cache] url`` (a directory there is
    relative to the root), else none (docs/cache.md says why).
    """
    # The build starts here, when doit loads the tasks: the merge counts the
    # package tasks that started since as this build's extraction.
    build_started = time.time()
    root = Path(root).resolve()
    config = config if config is not None else load_config(root)
    db = Path(db).resolve() if db is not None else root / (config.db or DEFAULT_DB)
    strict = config.strict if strict is None else strict
    out_dir, timings = results_dir(db), timings_dir(db)
    cache = cache if cache is not None else os.environ.get(result_cache.ENVIRONMENT)
    store = (result_cache.resolve(cache, os.getcwd()) if cache is not None
             else result_cache.resolve(config.cache_url, root))
    # Where this build's package tasks record a cache failure, for the merge
    # to print once (a name of its own per build: see cache.unavailable).
    marker = result_cache.marker_path(db.parent, f"{os.getpid()}-{time.time_ns()}") if store else None
    started = time.perf_counter()
    # A local result cache also shares discoveries between the worktrees using it.
    shared = Path(store) / SHARED_DISCOVERIES if store is not None and result_cache.is_local(store) else None
    found = discover(root, config, cache=out_dir / DISCOVERY_CACHE, shared=shared)
    discover_seconds = time.perf_counter() - started
    prefetch(found.stats)
    result_paths = []
    # doit dispatches tasks in the order they are yielded: largest first keeps
    # every worker busy to the end instead of leaving one big package for last.
    for unit in sorted(found.units, key=lambda u: (-sum(f.language is not None for f in u.files), u.key)):
        out = out_dir / result_name(unit.key)
        result_paths.append(str(out))
        yield package_task(root, unit, config, out, timing_path(timings, unit.key), store, marker)
    merge_settings: dict[str, Any] = {"schema": SCHEMA_VERSION, "resolution": RESOLUTION_VERSION,
                                      "keys": sorted(u.key for u in found.units)}
    if not config.references:  # the meta table says whether the index has references
        merge_settings["references"] = False
    yield {
        "name": MERGE,
        "doc": "merge the per-package result files into the SQLite index",
        "actions": [(run_merge, [], {
            "db": str(db), "results_dir": str(out_dir), "keys": [u.key for u in found.units],
            "root": str(root), "discover_seconds": discover_seconds,
            "timings_dir": str(timings), "build_started": build_started,
            "cache": store, "cache_max_bytes": config.cache_max_bytes, "cache_marker": marker,
            "references": config.references,
        })],
        "file_dep": result_paths,
        "targets": [str(db)],
        "uptodate": [ConfigChanged(merge_settings), FileGuard(str(db))],
        "clean": [(remove_db, [str(db)])],
        "verbosity": 2,  # the merge prints its summary and the warnings of what it loaded
    }
    if strict:
        # A task of its own that always runs: a no-op re-run must fail too
        # while warnings remain, without rewriting the DB.
        yield {
            "name": STRICT,
            "doc": "fail if the index holds any warning (strict mode)",
            "actions": [(check_no_warnings, [str(db)])],
            "file_dep": [str(db)],
            "uptodate": [False],
            "verbosity": 2,
        }


def package_task(root: Path, unit: Unit, config: IndexConfig, out: Path, timing: Path,
                 cache: str | None = None, cache_marker: str | None = None) -> dict[str, Any]:
    package = unit.package.to_json() if unit.package is not None else None
    files: list[FileSpec] = [(f.path, f.language, f.skip) for f in unit.files]
    manifests = unit.package.manifests if unit.package is not None else []
    # Plain string joins, not pathlib: this runs for every file on every doit
    # load, where pathlib's cost shows (docs/performance.md).
    prefix = f"{root}{os.sep}"
    file_dep = list(dict.fromkeys(prefix + p for p in [*manifests, *(f[0] for f in files)]))
    # What the result depends on beyond file contents; a change re-runs exactly
    # the packages whose digest it changes.
    settings = {
        # EXTRACTOR_VERSION itself with references: the digests of existing indexes stay
        "extractor": extractor_version(config.references), "format": FORMAT_VERSION,
        "max_file_size": config.max_file_size, "out": str(out), "package": package, "files": files,
    }
    if unit.warnings:  # only then: the digest of every other unit stays as it was
        settings["warnings"] = unit.warnings
    digest = hashlib.sha256(
        json.dumps(settings, sort_keys=True, separators=(",", ":")).encode("ascii")
    ).hexdigest()
    label = "files outside any package" if unit.package is None else f"{unit.package.kind} package {unit.package.name}"
    return {
        "name": task_name(unit.key),
        "doc": f"extract {label} ({len(files)} files)",
        "actions": [(extract_package, [], {
            "root": str(root), "key": unit.key, "package": package, "files": files,
            "max_file_size": config.max_file_size, "out": str(out), "timing": str(timing),
            "warnings": list(unit.warnings), "cache": cache, "cache_marker": cache_marker,
            "references": config.references,
        })],
        "file_dep": file_dep,
        "targets": [str(out)],
        "uptodate": [ConfigChanged(digest), FileGuard(str(out))],
        "clean": True,
    }


def run_merge(db: str, results_dir: str, keys: list[str], root: str, discover_seconds: float | None,
              timings_dir: str, build_started: float, cache: str | None = None,
              cache_max_bytes: int = result_cache.DEFAULT_MAX_BYTES, cache_marker: str | None = None,
              references: bool = True) -> dict[str, Any]:
    """The merge task's action: merge (with what the build measured), print
    the summary, return the DB's stamp as task values (FileGuard checks the
    DB against it). With a cache: print the build's cache warning (one per
    kind of failure: reading, writing), if any, and bound a local cache to ``cache_max_bytes`` (package tasks wrote
    to it when any ran, and then the merge runs). A local cache also keeps
    index seeds (pipeline/seed.py): a merge with no index yet starts from one,
    and a merge that created its index stores it as one."""
    from ..store.merge import merge_results  # loaded by the merge task only, not on every doit start

    extract = extraction_timing(timings_dir, keys, since=build_started)
    local = cache if cache is not None and result_cache.is_local(cache) else None
    seed = index_seed.seed_path(local, keys) if local is not None else None
    stats = merge_results(db, results_dir, keys, root=root, discover_seconds=discover_seconds, extract=extract,
                          seed=seed, references=references)
    remove_stale_timings(timings_dir, keys)
    for line in merge_warnings(stats):
        print(line, file=sys.stderr)
    cache_problems = result_cache.take_warnings(cache_marker) if cache_marker is not None else []
    for problem in cache_problems:
        print(f"symidx: warning: {problem}", file=sys.stderr)
    if seed is not None and not cache_problems:  # an unusable cache has said so once
        seed_problem = stats.seed_problem
        if stats.seeded:
            index_seed.touch(seed)
        if stats.created and stats.reloaded:  # new content: the next worktree starts from it
            seed_problem = index_seed.publish(db, seed) or seed_problem
        if seed_problem:
            print(f"symidx: warning: {seed_problem}", file=sys.stderr)
    if local is not None:
        result_cache.evict(local, cache_max_bytes)
    print(summary_line(stats, db, discover_seconds, extract))
    return {"result": output_stamp(db)}


def check_no_warnings(db: str) -> TaskFailed | None:
    """Strict mode: fail the run while the index holds any warning."""
    from ..store.merge import LoadedWarning

    conn = connect_reader(db)
    try:
        rows = conn.execute(
            "SELECT package, file_path, message FROM warnings ORDER BY coalesce(file_path, package), message"
        ).fetchall()
    finally:
        conn.close()
    if not rows:
        return None
    return TaskFailed(strict_failure([LoadedWarning(package or "", file, message) for package, file, message in rows]))


__all__ = ["index_tasks", "task_name", "FileGuard"]
