"""Reuse across the builds of api-diff: a private result cache seeded from the index.

Both sides of an api-diff are built with one private local result cache
(pipeline/cache.py), whose keys are a digest of a package's inputs (file
contents, package record, classification, settings, extractor code) and name
no path: a package whose inputs are the same in two checkouts has the same
key, so the second build takes the first one's result instead of extracting.

Before those builds the cache is seeded with the index's own result files:
right after the index's incremental build each of them is the result of the
working tree's current inputs (doit just checked), so it is stored under the
key of those inputs. A result is seeded only when it provably belongs to the
bytes hashed for the key (the same check the cache applies before storing):
same package key and record, every file's SHA-256 equal, no file that failed
to read or kept changing.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..config import IndexConfig
from ..discover import Unit, discover
from ..errors import ResultError
from ..pipeline import cache as result_cache
from ..pipeline import result as result_file
from ..pipeline import seed as index_seed
from ..pipeline.action import EXTRACTOR_VERSION, UNSTABLE_NOTE
from ..pipeline.result import FORMAT_VERSION, result_name


def unit_key(root: Path, unit: Unit, config: IndexConfig) -> result_cache.InputKey | None:
    """The cache key of ``unit``'s inputs in ``root`` (None: a file cannot be read, not cacheable)."""
    package = unit.package.to_json() if unit.package is not None else None
    files = [(f.path, f.language, f.skip) for f in unit.files]
    return result_cache.input_key(str(root), unit.key, package, files, config.max_file_size, unit.warnings,
                                  EXTRACTOR_VERSION, FORMAT_VERSION)


def seed(store: Path, root: Path, config: IndexConfig, results: Path, index: Path | None = None) -> int:
    """Store in the local cache ``store`` each result file in ``results`` that
    is the result of ``root``'s current inputs; returns how many were stored.
    With ``index`` (the index those results were merged into), also store it
    as the cache's index seed for ``root``'s packages (pipeline/seed.py): a
    side with the same packages then starts its merge from a copy of it and
    reloads only the packages whose results differ, instead of loading every
    row (18 s of a 60k-file side)."""
    local = result_cache.LocalStore(str(store))
    seeded = 0
    units = discover(root, config).units
    if index is not None:
        index_seed.publish(str(index), index_seed.seed_path(str(store), [u.key for u in units]))  # else: a full load
    for unit in units:
        found = unit_key(root, unit, config)
        if found is None:
            continue
        try:
            data = (results / result_name(unit.key)).read_bytes()
            # Records checked, lines only against the header's digest: the merge
            # checked their rows when it loaded them (decoding every row again
            # was most of this step: 8 s at 60k files).
            result = result_file.read(data, unit.key, verify_body=True)
        except (OSError, ResultError):
            continue  # no result (the build failed for it) or a damaged one: extracted if needed
        package = unit.package.to_json() if unit.package is not None else None
        if result.header["package"] != package or any(
                r["status"] == "error" or r["note"] == UNSTABLE_NOTE or r["sha256"] != found.contents.get(r["path"])
                for r in result.files):
            continue
        local.put(found.key, result_cache.wrap(data), replace=True)
        seeded += 1
    return seeded


def missing(store: Path, root: Path, config: IndexConfig) -> list[str]:
    """The keys of the units of ``root`` that a build with the cache ``store``
    will extract: those whose inputs have no object there yet (or cannot be cached)."""
    out = []
    for unit in discover(root, config).units:
        found = unit_key(root, unit, config)
        if found is None or not os.path.exists(store / result_cache.object_name(found.key)):
            out.append(unit.key)
    return sorted(out)
