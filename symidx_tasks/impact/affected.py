"""Which packages a change affects: changed files -> the packages they change
-> every package that depends on those, transitively, with the chain of
dependencies that makes each one affected.

The index as built is the map: the files table says who owns a file, the
packages table which manifests each package reads, the dependencies table
(internal_package) who depends on whom, across every ecosystem and custom rule.
What the index cannot know is filled in from the disk and git: a file it has
never seen belongs to the nearest enclosing package directory (or to a package
the change adds), and a package it no longer has is read from the base revision
so its dependents are still found.

Being wrong by excess is safe for CI (a package tested for nothing), being
wrong by omission is not; so a file that is neither on disk nor in the index
still counts against its enclosing package (it was probably deleted).
"""
from __future__ import annotations

import json
import posixpath
import sqlite3
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..locations import INDEX_DIR
from ..model import Package
from .answers import (
    FILE_CHANGED,
    MANIFEST_CHANGED,
    PACKAGE_ADDED,
    PACKAGE_REMOVED,
    Affected,
    AffectedPackage,
    ChangedFile,
)
from .changes import Change, git_changes, listed_changes

if TYPE_CHECKING:
    from .removed import Revision

# When one package changes for several reasons, the strongest is reported.
_STRENGTH = {FILE_CHANGED: 0, MANIFEST_CHANGED: 1, PACKAGE_ADDED: 2, PACKAGE_REMOVED: 3}
MISSING_NOTE = "neither on disk nor in the index (deleted?): counted as a change of its package"


@dataclass
class _Seed:
    reason: str
    files: list[str] = field(default_factory=list)

    def add(self, reason: str, path: str) -> None:
        self.raise_to(reason)
        if path not in self.files:
            self.files.append(path)

    def raise_to(self, reason: str) -> None:
        if _STRENGTH[reason] > _STRENGTH[self.reason]:
            self.reason = reason


class _Index:
    """What affected() reads from the index: packages, their manifests, the reverse graph."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.names: dict[str, str | None] = {}
        self.manifests: dict[str, list[str]] = {}
        self.readers: dict[str, list[str]] = {}  # manifest path -> packages that read it
        for path, name, read in conn.execute("SELECT path, name, manifests FROM packages ORDER BY path"):
            self.names[path] = name
            self.manifests[path] = _json_list(read)
            for m in self.manifests[path]:
                self.readers.setdefault(m, []).append(path)
        self.dependents: dict[str, list[str]] = {}
        for dep, user in conn.execute("SELECT DISTINCT internal_package, package FROM dependencies"
                                      " WHERE internal_package IS NOT NULL ORDER BY internal_package, package"):
            self.dependents.setdefault(dep, []).append(user)

    def file_owner(self, path: str) -> tuple[bool, str | None]:
        """(the index has this file, its package)."""
        row = self.conn.execute("SELECT package FROM files WHERE path = ?", (path,)).fetchone()
        return (row is not None, row[0] if row else None)

    def dependents_by_key(self, match_key: str, exclude: str) -> list[str]:
        """Packages whose manifests name ``match_key`` (resolved or not: its package may be gone)."""
        if not match_key:
            return []
        rows = self.conn.execute("SELECT DISTINCT package FROM dependencies WHERE match_key = ? AND package != ?"
                                 " ORDER BY package", (match_key, exclude))
        return [r[0] for r in rows]


def affected(conn: sqlite3.Connection, root: str | Path, since: str | None = None,
             files: list[str] | None = None) -> Affected:
    """The packages changed by the changes since ``since`` (see ``git_changes``)
    and/or by the listed ``files`` (root-relative or absolute; needs no git),
    and every package depending on them, transitively. With neither, the
    uncommitted changes (``since="HEAD"``)."""
    root_path = Path(root).resolve()
    if since is None and files is None:
        since = "HEAD"
    base: str | None = None
    changes: list[Change] = []
    outside: list[str] = []
    if since is not None:
        base, changes = git_changes(root_path, since)
    if files is not None:
        listed, outside = listed_changes(root_path, files)
        changes += listed
    changes = _without_index_files(conn, root_path, _by_path(changes))
    # The manifest parsers (discovery's) load here, not when a query command
    # imports the command table: `symidx symbol X` starts faster without them.
    from .removed import Revision

    index = _Index(conn)
    walk = _Walk(index, root_path, Revision(root_path, base) if base else None)
    walk.find_package_dirs(changes)
    changed_files = [walk.attribute(c) for c in changes]
    walk.check_removed_and_added(changes)
    packages = walk.propagate()
    return {
        "root": str(root_path), "since": since, "base": base, "changed_files": changed_files,
        "packages": packages, "unowned": sorted(walk.unowned), "not_in_repo": sorted({*outside, *walk.not_in_repo}),
    }


class _Walk:
    """One affected() computation: seeds (directly changed packages), then the BFS."""

    def __init__(self, index: _Index, root: Path, revision: Revision | None) -> None:
        self.index = index
        self.root = root
        self.revision = revision
        self.seeds: dict[str, _Seed] = {}
        self.added: set[str] = set()  # package directories the change creates (not in the index)
        self.gone: dict[str, Package] = {}  # packages not in the index, read at the base revision
        self.unowned: set[str] = set()
        self.not_in_repo: set[str] = set()

    def _seed(self, package: str, reason: str, path: str) -> None:
        self.seeds.setdefault(package, _Seed(reason)).add(reason, path)

    def find_package_dirs(self, changes: list[Change]) -> None:
        """Directories the index does not know as packages but the change adds
        (a new manifest on disk) or removes (a manifest at the base revision)."""
        from .removed import could_be_manifest

        for c in changes:
            for path, deleted in ((c.path, c.change == "deleted"), (c.old_path, True)):
                if path is None or not could_be_manifest(path):
                    continue
                d = posixpath.dirname(path) or "."
                if d in self.index.names:
                    continue
                if not deleted and (self.root / path).is_file() and _claimed_on_disk(self.root / d):
                    self.added.add(d)
                elif deleted and self.revision is not None and d not in self.gone and d not in self.added:
                    package = self.revision.package_at(d)
                    if package is not None:
                        self.gone[d] = package

    def attribute(self, c: Change) -> ChangedFile:
        """Seed the packages this change changes directly; record what it is."""
        packages: list[str] = []
        note = None
        for path in (c.path, c.old_path):
            if path is None:
                continue
            for reader in self.index.readers.get(path, ()):
                self._seed(reader, MANIFEST_CHANGED, path)
                packages.append(reader)
            known, owner = self.index.file_owner(path)
            on_disk = (self.root / path).exists()
            if not known:
                owner = self._nearest_package(path)
            if owner is not None:
                self._seed(owner, FILE_CHANGED, path)
                packages.append(owner)
                if not known and not on_disk and c.change == "listed":
                    note = MISSING_NOTE
            elif not self.index.readers.get(path):
                if known or on_disk or c.change != "listed":
                    self.unowned.add(path)
                else:
                    self.not_in_repo.add(path)
        return {"path": c.path, "change": c.change, "old_path": c.old_path,
                "packages": sorted(set(packages)), "note": note}

    def _nearest_package(self, path: str) -> str | None:
        """The nearest enclosing package directory: indexed, added or gone
        (a directory given as the path counts as its own)."""
        d = path if (self.root / path).is_dir() else posixpath.dirname(path) or "."
        while True:
            if d in self.index.names or d in self.added or d in self.gone:
                return d
            if d == ".":
                return None
            d = posixpath.dirname(d) or "."

    def check_removed_and_added(self, changes: list[Change]) -> None:
        """A changed package whose own manifests are all gone from the disk was
        removed; one whose own manifest the change adds, or that the index does
        not have yet, was added."""
        new_paths = {c.path for c in changes if c.change in ("added", "renamed")}
        for path, seed in self.seeds.items():
            if path in self.gone:
                seed.raise_to(PACKAGE_REMOVED)
            elif path in self.added:
                seed.raise_to(PACKAGE_ADDED)
            else:
                own = [m for m in self.index.manifests[path] if (posixpath.dirname(m) or ".") == path]
                if own and not any((self.root / m).is_file() for m in own):
                    seed.raise_to(PACKAGE_REMOVED)
                elif any(m in new_paths for m in own):
                    seed.raise_to(PACKAGE_ADDED)

    def propagate(self) -> list[AffectedPackage]:
        """Breadth first from every changed package at once: each package gets
        a shortest chain, from the first changed package in path order."""
        chains: dict[str, list[str]] = {p: [p] for p in sorted(self.seeds)}
        queue = deque(chains)
        while queue:
            node = queue.popleft()
            for user in self._dependents(node):
                if user not in chains:
                    chains[user] = [*chains[node], user]
                    queue.append(user)
        out: list[AffectedPackage] = []
        for path in sorted(chains):
            chain = chains[path]
            seed = self.seeds.get(path)
            first = self.seeds[chain[0]]
            out.append({
                "path": path, "name": self._name(path), "reason": first.reason, "chain": chain,
                "files": sorted(seed.files) if seed else [],
                "removed": seed is not None and seed.reason == PACKAGE_REMOVED,
            })
        return out

    def _dependents(self, package: str) -> list[str]:
        if package in self.gone:
            return self.index.dependents_by_key(self.gone[package].match_key, package)
        return self.index.dependents.get(package, [])

    def _name(self, path: str) -> str | None:
        if path in self.index.names:
            return self.index.names[path]
        return self.gone[path].name if path in self.gone else None


def _claimed_on_disk(directory: Path) -> bool:
    """Whether some manifest kind claims the files now in ``directory``."""
    from ..discover import manifests

    try:
        names = frozenset(p.name for p in directory.iterdir() if p.is_file())
    except OSError:
        return False
    return any(kind.manifests_in(names) for kind in manifests.KINDS)


def _by_path(changes: list[Change]) -> list[Change]:
    """One change per path (git's, when a listed file is also a git change), in path order."""
    first: dict[str, Change] = {}
    for c in changes:
        first.setdefault(c.path, c)
    return [first[p] for p in sorted(first)]


def _without_index_files(conn: sqlite3.Connection, root: Path, changes: list[Change]) -> list[Change]:
    """Drop index files (DBs, result files, doit's state) that live in the tree:
    this index's directory and the default one (.symidx/, maybe of another
    index). They change with every build and are no source of any package."""
    prefixes = {INDEX_DIR + "/"}
    row = next((r for r in conn.execute("PRAGMA database_list") if r[1] == "main"), None)
    if row is not None and row[2]:
        index_dir = Path(row[2]).resolve().parent
        if index_dir.is_relative_to(root) and index_dir != root:
            prefixes.add(index_dir.relative_to(root).as_posix() + "/")
    return [c for c in changes if not c.path.startswith(tuple(prefixes))]


def _json_list(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
