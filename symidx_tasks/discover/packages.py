"""Manifests -> Package records, and which files each package owns."""
from __future__ import annotations

import posixpath
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

from ..config import CustomRule, IndexConfig
from ..model import Package
from . import manifests
from .manifests.base import ManifestContext, ManifestError


def find_packages(
    root: Path, files: list[str], config: IndexConfig, seen: dict[str, tuple | None] | None = None,
) -> list[Package]:
    """One Package per directory that a manifest (or a custom rule) makes a package.

    ``seen`` receives every file a manifest reader read, with its stat before the read."""
    seen = {} if seen is None else seen
    names_by_dir: dict[str, set[str]] = defaultdict(set)
    for f in files:
        d, _, name = f.rpartition("/")
        names_by_dir[d or "."].add(name)
    all_dirs = frozenset(_with_parents(names_by_dir))
    all_files = frozenset(files)
    kinds = [k for k in manifests.KINDS if config.manifests is None or k.KIND in config.manifests]
    cache: dict[tuple[str, str], Any] = {}
    found: list[Package] = []
    for d in sorted(names_by_dir):
        names = frozenset(names_by_dir[d])
        package = None
        for kind in kinds:
            claimed = kind.manifests_in(names)
            if not claimed:
                continue
            ctx = ManifestContext(root, d, claimed, all_dirs, all_files, cache, seen=seen)
            try:
                package = kind.parse(ctx)
            except ManifestError as exc:
                package = _unreadable(ctx, kind.KIND, str(exc))
            except Exception as exc:  # a reader bug must not lose the rest of the repo
                package = _unreadable(ctx, kind.KIND, f"{ctx.rel(claimed[0])}: {type(exc).__name__}: {exc}")
            if package is not None:
                break
        if package is None:
            package = _custom_package(d, names, config.custom)
        if package is not None:
            found.append(package)
    return found


def _unreadable(ctx: ManifestContext, kind: str, message: str) -> Package:
    # The directory still is a package: its files must not fall to the parent
    # package, and the problem must reach the index, not vanish.
    name = ctx.dir_name
    ctx.warn(message)
    return ctx.package(name=name, kind=kind, match_key="")


def _custom_package(d: str, names: frozenset[str], rules: Iterable[CustomRule]) -> Package | None:
    for rule in rules:
        inside = rule.under == "." or d == rule.under or d.startswith(rule.under + "/")
        if inside and rule.marker in names:
            marker = rule.marker if d == "." else f"{d}/{rule.marker}"
            return Package(
                path=d, name=d if d != "." else "root", kind=rule.kind, manifests=[marker],
                match_key=f"{rule.kind}:{d}", languages=rule.languages,
                metadata={"rule": {"marker": rule.marker, "under": rule.under}},
            )
    return None


def _with_parents(dirs: Iterable[str]) -> set[str]:
    out = {"."}
    for d in dirs:
        while d not in out:
            out.add(d)
            d = posixpath.dirname(d) or "."
    return out


def assign_files(package_paths: Iterable[str], files: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Each file goes to the nearest enclosing package directory (nested packages win)."""
    owners = set(package_paths)
    owned: dict[str, list[str]] = {p: [] for p in owners}
    unowned: list[str] = []
    owner_of: dict[str, str | None] = {}  # directory -> owning package (many files share a directory)

    def owner(d: str) -> str | None:
        if d not in owner_of:
            owner_of[d] = d if d in owners else None if d == "." else owner(posixpath.dirname(d) or ".")
        return owner_of[d]

    for f in files:
        found = owner(f.rpartition("/")[0] or ".")
        (owned[found] if found is not None else unowned).append(f)
    return owned, unowned
