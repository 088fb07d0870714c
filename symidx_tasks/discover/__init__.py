"""Discovery: the repo's files and packages, computed when doit loads the tasks.

It must stay cheap (a file listing and manifest reads, no parsing of sources):
`doit list` and every no-op re-run pay for it. No input file stops it: what
cannot be read or understood becomes a warning of the unit that owns the
directory it concerns (in the package record for a package; ``Unit.warnings``
for the files outside every package).
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import IndexConfig
from ..fileio import Stamp
from ..model import UNOWNED_KEY, Package
from .cache import cached
from .classify import FileEntry, classify
from .owners import owner_lookup
from .walk import DEFAULT_EXCLUDED_DIRS, Listing, list_tree


@dataclass
class Unit:
    """One package task's input: a package (or the unowned files) and its files."""

    key: str
    package: Package | None
    files: list[FileEntry]
    # Discovery's warnings for the @unowned unit, which has no package record to
    # hold them (a package's are in ``package.warnings``).
    warnings: list[str] = field(default_factory=list)


@dataclass
class Discovery:
    units: list[Unit]
    file_count: int
    # Every warning discovery made, as (directory it concerns, message); each is
    # also in the warnings of the unit owning that directory.
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # The listing's stats of the files (see walk.Listing): for the file checker
    # of this run, never cached.
    stats: dict[str, os.stat_result] = field(default_factory=dict, repr=False, compare=False)


def list_repo(root: str | Path, config: IndexConfig) -> Listing:
    """The files discovery indexes: the listing (walk.py) without the config's
    excluded directories and extensions."""
    listing = list_tree(root, DEFAULT_EXCLUDED_DIRS | set(config.exclude_dirs))
    if config.exclude_extensions:
        listing.files = [f for f in listing.files if not f.lower().endswith(config.exclude_extensions)]
    return listing


def discover(root: str | Path, config: IndexConfig, cache: str | Path | None = None,
             shared: str | Path | None = None) -> Discovery:
    """The repo's units. With ``cache`` (a file path), the last discovery is reused
    while the listing, the config and every manifest read are unchanged; with
    ``shared`` too (a directory), another worktree's discovery of the same listing
    while the contents of every manifest read are the same (discover/cache.py)."""
    root = Path(root)
    listing = list_repo(root, config)
    files = listing.files
    if cache is None:
        found = _discover(root, files, config, {})
    else:
        found = cached(Path(cache), root, files, config, lambda seen: _discover(root, files, config, seen),
                       shared=Path(shared) if shared is not None else None)
    return dataclasses.replace(_with_warnings(found, listing.warnings), stats=listing.stats)


def _discover(root: Path, files: list[str], config: IndexConfig, seen: dict[str, Stamp | None]) -> Discovery:
    # The manifest readers load here: a no-op re-run reuses the cached discovery.
    from .packages import apply_overrides, assign_files, find_packages

    found = [p for p in find_packages(root, files, config, seen) if p.path != UNOWNED_KEY]
    packages, warnings = apply_overrides(found, config)
    owned, unowned = assign_files((p.path for p in packages), files)
    units = [Unit(p.path, p, classify(owned[p.path], p, config)) for p in packages]
    if unowned:
        units.append(Unit(UNOWNED_KEY, None, classify(unowned, None, config)))
    return Discovery(units, len(files), warnings)


def _with_warnings(found: Discovery, more: list[tuple[str, str]]) -> Discovery:
    """``found`` with every warning handed to the unit owning its directory: a
    new Discovery, so a cached value is never changed in place."""
    warnings = sorted(set(found.warnings + more))
    if not warnings:
        return found
    owner = owner_lookup(u.key for u in found.units if u.package is not None)
    by_unit: dict[str, list[str]] = {}
    for d, message in warnings:
        by_unit.setdefault(owner(d) or UNOWNED_KEY, []).append(message)
    units = []
    for unit in found.units:
        extra = by_unit.pop(unit.key, [])
        if extra and unit.package is not None:
            unit = dataclasses.replace(unit, package=dataclasses.replace(
                unit.package, warnings=[*unit.package.warnings, *extra]))
        elif extra:
            unit = dataclasses.replace(unit, warnings=[*unit.warnings, *extra])
        units.append(unit)
    if by_unit:  # problems outside every package, and no file there: a unit of their own
        units.append(Unit(UNOWNED_KEY, None, [], by_unit.pop(UNOWNED_KEY)))
    return Discovery(units, found.file_count, warnings)
