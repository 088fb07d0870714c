"""``symidx api-diff REV_A [REV_B]``: the public API a change adds, removes and
changes, per package, with the places in other packages that use what it
changes or removes.

The sides:
- The new side is the working tree (no REV_B) or REV_B. For the working tree
  it is the index itself: api-diff first runs its incremental build (under
  the index's build lock, as ``symidx build`` would; a fresh index makes it a
  no-op), so the answer never describes a stale tree.
- The old side (REV_A, and REV_B when given) is built in a temporary
  ``git worktree`` into a temporary index, both removed afterwards.

Only changed packages are extracted on those sides: every build of one
api-diff shares a private result cache (impact/reuse.py) seeded with the
index's result files, so a package whose inputs are the same as in the
working tree, or as on the side built first, is taken from the cache. The
answer lists, per side, the packages that were extracted. The cache also
holds the index itself as its seed (pipeline/seed.py): a side with the same
packages starts its merge from a copy of it and reloads only the packages
whose results differ. And only those packages' public APIs are read and
compared: a package loaded from the same result file on both sides
(``package_results`` digests) has the same API.

What counts as public API and when a symbol changed: impact/api_surface.py.
References: impact/api_refs.py.
"""
from __future__ import annotations

import io
import os
import sqlite3
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Literal

from ..config import load_config
from ..errors import SymidxError
from ..freshness.lock import IndexFiles, holding
from ..locations import results_dir
from ..query.connection import open_index
from . import api_refs
from .answers import ApiChange, ApiDiff, ApiSummary, ApiSymbol, PackageApiDiff, Places, SideInfo
from .api_surface import Definition, Identity, Surface, diff_package, read_surface, shape
from .worktree import Revision, resolve_revision, temporary_worktree

WORKING_TREE = "working tree"
OUTPUT_TAIL = 40  # lines of a failed build's output quoted in the error


def api_diff(conn: sqlite3.Connection, rev_a: str, rev_b: str | None = None, db: str | None = None,
             jobs: int | None = None) -> ApiDiff:
    """The public API difference between ``rev_a`` and ``rev_b`` (default: the
    working tree) of the indexed root of ``conn``'s index (whose DB is ``db``).
    ``jobs``: parallel extraction workers (default: CPUs; 0: in this process)."""
    from . import (
        indexed_root,  # the package's __init__ imports this module's siblings
        reuse,  # discovery and the pipeline: loaded by the command that uses them
    )

    if db is None:
        raise SymidxError("api-diff needs the index's DB path")
    root = Path(indexed_root(conn))
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    old_rev = resolve_revision(root, rev_a)
    new_rev = resolve_revision(root, rev_b) if rev_b is not None else None
    with tempfile.TemporaryDirectory(prefix="symidx-api-diff-") as scratch_dir:
        scratch = Path(scratch_dir)
        store = scratch / "cache"
        _update_index(root, Path(db), jobs)
        reuse.seed(store, root, load_config(root), results_dir(db), index=Path(db))
        if new_rev is None:
            new_db, new_info = Path(db), _side(WORKING_TREE, None, None)
        else:
            new_db, new_info = _build_revision(root, new_rev, scratch / "new", store, jobs)
        old_db, old_info = _build_revision(root, old_rev, scratch / "old", store, jobs)
        new_conn = open_index(new_db)
        try:
            differing = _differing(old_db, new_conn)
            old_surface = _read(old_db, differing)
            new_surface = read_surface(new_conn, differing)
            old_info["packages"], new_info["packages"] = len(old_surface.packages), len(new_surface.packages)
            return _answer(old_surface, new_surface, new_conn, old_info, new_info)
        finally:
            new_conn.close()


def _side(revision: str, commit: str | None, extracted: list[str] | None) -> SideInfo:
    return {"revision": revision, "commit": commit, "packages": 0, "extracted": extracted}


def _update_index(root: Path, db: Path, jobs: int) -> None:
    """The index's incremental build, under the lock every other builder takes."""
    with holding(IndexFiles(db).build_lock):
        _quiet_build(root, db, jobs, f"updating the index {db}")


def _build_revision(root: Path, revision: Revision, scratch: Path, store: Path,
                    jobs: int) -> tuple[Path, SideInfo]:
    """Index ``revision`` (checked out in a temporary worktree) into ``scratch``
    with the shared cache ``store``; the DB and what was extracted for it."""
    from . import reuse

    db = scratch / "index.db"
    with temporary_worktree(root, revision) as tree:
        config = load_config(tree)
        extracted = reuse.missing(store, tree, config)
        _quiet_build(tree, db, jobs, f"indexing {revision.name}", cache=str(store))
    return db, _side(revision.name, revision.commit, extracted)


def _quiet_build(root: Path, db: Path, jobs: int, what: str, cache: str | None = None) -> None:
    """``build()`` with its output kept (stdout may be JSON or the MCP stream);
    SymidxError with the output's end when it fails. Never strict: warnings
    of an old revision are no reason to refuse the comparison."""
    from ..pipeline.build import build  # doit and the pipeline: loaded by the command that builds

    output = io.StringIO()
    with redirect_stdout(output), redirect_stderr(output):
        code = build(root, db, jobs, strict=False, out=output, cache=cache)
    if code != 0:
        tail = "\n".join(output.getvalue().splitlines()[-OUTPUT_TAIL:])
        raise SymidxError(f"{what} failed (doit exit {code}):\n{tail}")


def _read(db: Path, only: set[str]) -> Surface:
    conn = open_index(db)
    try:
        return read_surface(conn, only)
    finally:
        conn.close()


def _differing(old_db: Path, new_conn: sqlite3.Connection) -> set[str]:
    """The packages whose rows came from different result files on the two
    sides (or that one side lacks): the merge loads a package's rows from its
    result file alone, so the others have the same public API on both."""
    def digests(conn: sqlite3.Connection) -> dict[str, str]:
        return {str(k): str(d) for k, d in conn.execute("SELECT key, digest FROM package_results")}

    old_conn = open_index(old_db)
    try:
        old = digests(old_conn)
    finally:
        old_conn.close()
    new = digests(new_conn)
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def _answer(old: Surface, new: Surface, new_conn: sqlite3.Connection, old_info: SideInfo,
            new_info: SideInfo) -> ApiDiff:
    indexed = api_refs.has_references(new_conn)
    packages: list[PackageApiDiff] = []
    for path in sorted(old.packages.keys() | new.packages.keys()):
        old_api, new_api = old.symbols.get(path, {}), new.symbols.get(path, {})
        change = diff_package(old_api, new_api)
        if not (change.added or change.removed or change.changed):
            continue
        status: Literal["added", "removed", "changed"] = (
            "added" if path not in old.packages else "removed" if path not in new.packages else "changed")
        packages.append({
            "package": path, "name": new.packages.get(path) or old.packages[path], "status": status,
            "added": [_symbol(i, new_api[i], None) for i in change.added],
            "removed": [_symbol(i, old_api[i], api_refs.name_places(new_conn, path, i.name) if indexed else None)
                        for i in change.removed],
            "changed": [_change(i, old_api[i], new_api[i],
                                api_refs.resolved_places(new_conn, path, (d.id for d in new_api[i]))
                                if indexed else None)
                        for i in change.changed],
        })
    return {"old": old_info, "new": new_info, "references_indexed": indexed,
            "summary": _summary(packages), "packages": packages}


def _symbol(identity: Identity, definitions: list[Definition], references: Places | None) -> ApiSymbol:
    return {"name": identity.display, "kind": identity.kind, "signatures": shape(definitions),
            "loc": definitions[0].loc, "references": references}


def _change(identity: Identity, old: list[Definition], new: list[Definition],
            references: Places | None) -> ApiChange:
    return {"name": identity.display, "kind": identity.kind, "old": shape(old), "new": shape(new),
            "loc": new[0].loc, "old_loc": old[0].loc, "references": references}


def _summary(packages: list[PackageApiDiff]) -> ApiSummary:
    refs = sum((s["references"] or {"count": 0})["count"] for p in packages for s in p["removed"])
    refs += sum((c["references"] or {"count": 0})["count"] for p in packages for c in p["changed"])
    return {"packages": len(packages), "added": sum(len(p["added"]) for p in packages),
            "removed": sum(len(p["removed"]) for p in packages),
            "changed": sum(len(p["changed"]) for p in packages), "references": refs}
