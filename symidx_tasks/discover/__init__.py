"""Discovery: the repo's files and packages, computed when doit loads the tasks.

It must stay cheap (a file listing and manifest reads, no parsing of sources):
`doit list` and every no-op re-run pay for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import IndexConfig
from ..model import UNOWNED_KEY, Package
from .cache import cached
from .classify import FileEntry, classify
from .packages import assign_files, find_packages
from .walk import DEFAULT_EXCLUDED_DIRS, list_files



@dataclass
class Unit:
    """One package task's input: a package (or the unowned files) and its files."""

    key: str
    package: Package | None
    files: list[FileEntry]


@dataclass
class Discovery:
    units: list[Unit]
    file_count: int


def discover(root: str | Path, config: IndexConfig, cache: str | Path | None = None) -> Discovery:
    """The repo's units. With ``cache`` (a file path), the last discovery is reused
    while the listing, the config and every manifest read are unchanged."""
    root = Path(root)
    files = list_files(root, DEFAULT_EXCLUDED_DIRS | set(config.exclude_dirs))
    if config.exclude_extensions:
        files = [f for f in files if not f.lower().endswith(config.exclude_extensions)]
    if cache is None:
        return _discover(root, files, config, {})
    return cached(Path(cache), root, files, config, lambda seen: _discover(root, files, config, seen))


def _discover(root: Path, files: list[str], config: IndexConfig, seen: dict[str, tuple | None]) -> Discovery:
    packages = [p for p in find_packages(root, files, config, seen) if p.path != UNOWNED_KEY]
    owned, unowned = assign_files((p.path for p in packages), files)
    units = [Unit(p.path, p, classify(owned[p.path], p, config)) for p in packages]
    if unowned:
        units.append(Unit(UNOWNED_KEY, None, classify(unowned, None, config)))
    return Discovery(units, len(files))
