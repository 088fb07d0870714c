"""Manifests (and custom rules) -> Package records, and which files each package owns."""
from __future__ import annotations

import dataclasses
import fnmatch
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..config import IndexConfig
from ..errors import ManifestError
from ..fileio import Stamp
from ..model import Package
from . import manifests
from .classify import in_test_dir
from .manifests.base import ManifestContext
from .owners import owner_lookup
from .rules import rule_packages


def find_packages(
    root: Path, files: list[str], config: IndexConfig, seen: dict[str, Stamp | None] | None = None,
) -> list[Package]:
    """One Package per directory that a manifest (or a custom rule) makes a package.

    A directory inside a test directory (the "dir/" test patterns: tests/,
    testdata/, ...) holds fixtures, not packages, unless the config says
    ``packages_in_test_dirs``. ``seen`` receives every file a manifest reader
    read, with its stat before the read."""
    seen = {} if seen is None else seen
    names_by_dir: dict[str, set[str]] = defaultdict(set)
    for f in files:
        d, _, name = f.rpartition("/")
        names_by_dir[d or "."].add(name)
    in_tests = (lambda d: False) if config.packages_in_test_dirs else in_test_dir(config.test_patterns)
    dirs = {d: frozenset(names) for d, names in names_by_dir.items() if not in_tests(d)}
    all_dirs = frozenset(_with_parents(names_by_dir))
    disabled = _disabled(config.disabled_manifests)
    manifest_files = frozenset(f for f in files if not disabled(f.rpartition("/")[2])) if disabled else frozenset(files)
    kinds = [k for k in manifests.KINDS if config.manifests is None or k.KIND in config.manifests]
    by_rule = rule_packages(dirs, config.custom)
    cache: dict[tuple[str, str], Any] = {}
    found: list[Package] = []
    for d in sorted(dirs):
        names = frozenset(n for n in dirs[d] if not disabled(n)) if disabled else dirs[d]
        package = None
        for kind in kinds:
            claimed = kind.manifests_in(names)
            if not claimed:
                continue
            ctx = ManifestContext(root, d, claimed, all_dirs, manifest_files, cache, seen=seen)
            try:
                package = kind.parse(ctx)
            except ManifestError as exc:
                package = _unreadable(ctx, kind.KIND, str(exc))
            except Exception as exc:  # a reader bug must not lose the rest of the repo
                package = _unreadable(ctx, kind.KIND, f"{ctx.rel(claimed[0])}: {type(exc).__name__}: {exc}")
            if package is not None:
                break
        package = package if package is not None else by_rule.get(d)
        if package is not None:
            found.append(package)
    return found


def _disabled(globs: tuple[str, ...]) -> Callable[[str], bool] | None:
    """Whether a file name is one of the disabled manifests (None: none is)."""
    if not globs:
        return None
    match = re.compile("|".join(fnmatch.translate(g) for g in globs)).match
    return lambda name: match(name) is not None


def _unreadable(ctx: ManifestContext, kind: str, message: str) -> Package:
    # The directory still is a package: its files must not fall to the parent
    # package, and the problem must reach the index, not vanish.
    name = ctx.dir_name
    ctx.warn(message)
    return ctx.package(name=name, kind=kind, match_key="")


def apply_overrides(packages: list[Package], config: IndexConfig) -> tuple[list[Package], list[tuple[str, str]]]:
    """``packages`` with the config's ``[[packages]]`` overrides applied (new
    records, the given ones are left alone), and a (directory, message) warning
    for each override that selects no package."""
    if not config.packages:
        return packages, []
    source = config.source or "config"
    out = list(packages)
    warnings: list[tuple[str, str]] = []
    for i, override in enumerate(config.packages):
        where = f"{source}: packages[{i}]"
        hits = [j for j, p in enumerate(out)
                if (p.path == override.path if override.path is not None else p.name == override.name)]
        if not hits:
            selector = f"path {override.path!r}" if override.path is not None else f"name {override.name!r}"
            warnings.append((".", f"{where}: no package has {selector}; the override is unused"))
        for j in hits:
            changes: dict[str, Any] = {}
            if override.description is not None:
                changes["description"] = override.description
            if override.path is not None and override.name is not None:
                if "rule" in out[j].metadata:  # named after its path only: the override names it
                    changes["name"] = override.name
                else:
                    changes["warnings"] = [*out[j].warnings, f"{where}: name ignored, the {out[j].kind} "
                                                             f"manifest names this package {out[j].name!r}"]
            out[j] = dataclasses.replace(out[j], **changes)
    return out, warnings


def _with_parents(dirs: Iterable[str]) -> set[str]:
    out = {"."}
    for d in dirs:
        while d not in out:
            out.add(d)
            d = posixpath.dirname(d) or "."
    return out


def assign_files(package_paths: Iterable[str], files: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Each file goes to the nearest enclosing package directory (nested packages win)."""
    paths = list(package_paths)
    owned: dict[str, list[str]] = {p: [] for p in paths}
    unowned: list[str] = []
    owner = owner_lookup(paths)
    for f in files:
        found = owner(f.rpartition("/")[0] or ".")
        (owned[found] if found is not None else unowned).append(f)
    return owned, unowned
