"""How current an index is: the files added, removed or modified in the indexed
tree since the build, and the commits since the indexed one.

This is the only read-side code that looks at the tree itself: it lists files
with discovery's rules (so it may import discover/; query/ may not).
"""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from ..config import load_config
from ..errors import ConfigError
from ..fileio import content_digest, stamp_of
from ..git import git, head_commit
from ..query.answers import StaleChecked, Staleness, Status
from ..query.status import SKIPPED, meta, status

STALE_EXAMPLES = 10
# An mtime this close to the build time may belong to a write the build did
# not see (coarse file system clocks): such files are compared by content.
MTIME_SLACK_S = 1


def index_status(conn: sqlite3.Connection, check_stale: bool = True,
                 db: str | os.PathLike[str] | None = None) -> Status:
    """``query.status`` with its ``stale`` part checked against the tree (unless ``check_stale`` is False)."""
    return status(conn, db, staleness(conn) if check_stale else SKIPPED)


def staleness(conn: sqlite3.Connection, m: dict[str, str | None] | None = None) -> Staleness:
    """Files added, removed or modified in the indexed tree since the build.

    Same listing rules as discovery (gitignore, excluded dirs and extensions).
    A file counts as modified when its size differs, or when it was touched
    after the build and its content hash differs (so a mere touch is not a change).
    Unchecked, with the reason, when the root or its config cannot be read.
    """
    # Discovery's listing loads here, not when a query command imports the command table.
    from ..discover import list_repo

    m = m if m is not None else meta(conn)
    root_s = m.get("root")
    if not root_s or not Path(root_s).is_dir():
        return {"checked": False, "reason": f"indexed root {root_s!r} is not a directory here"}
    root = Path(root_s)
    try:
        config = load_config(root)
    except ConfigError as exc:
        return {"checked": False, "reason": f"config: {exc}"}
    try:
        listing = list_repo(root, config)
    except OSError as exc:
        return {"checked": False, "reason": f"cannot list {root}: {exc}"}
    current, prefix = listing.files, f"{root}{os.sep}"
    indexed = {p: (size, sha) for p, size, sha in conn.execute("SELECT path, size_bytes, sha256 FROM files")}
    built = _timestamp(m.get("built_at"))
    now_set = set(current)
    added = sorted(now_set - indexed.keys())
    removed = sorted(indexed.keys() - now_set)
    modified = []
    for rel in sorted(now_set & indexed.keys()):
        size, sha = indexed[rel]
        try:
            now_size, mtime_ns, _ = stamp_of(listing.stat(prefix + rel))
        except OSError:
            removed.append(rel)
            continue
        if size is not None and now_size != size:
            modified.append(rel)
        elif built is None or mtime_ns / 1e9 >= built - MTIME_SLACK_S:
            if sha and content_digest(prefix + rel) != sha:
                modified.append(rel)
    out: StaleChecked = {
        "checked": True, "changed_files": len(added) + len(removed) + len(modified), "added": len(added),
        "removed": len(removed), "modified": len(modified),
        "examples": (added + removed + modified)[:STALE_EXAMPLES],
    }
    head = head_commit(root)
    if head is not None:
        out["git_head"] = head
        out["commits_since"] = _commits_between(root, m.get("git_commit"), head)
    return out


def _timestamp(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return None


def _commits_between(root: Path, old: str | None, head: str) -> int | None:
    if not old:
        return None
    if old == head:
        return 0
    n = git(root, "rev-list", "--count", f"{old}..{head}")
    return int(n) if n and n.isdigit() else None
