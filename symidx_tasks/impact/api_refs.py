"""Where other packages use a changed or removed public symbol: the new side's references.

Read from the new side's index (tables ``refs`` and ``ref_targets``; an index
without them has no references, and callers say "references not indexed").

- A changed symbol: the references of other packages (and of files outside
  every package) that the merge resolved to one of its definitions.
- A removed symbol has no definition left to resolve to: the references of
  other packages with its name (a member's own name, as ``obj.m()`` records
  ``m``) that resolved to nothing, or only by name; one the new side resolves
  through an import, its package or a dependency names another definition.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from .answers import Places, RefPlace

PLACES_LIMIT = 20  # places listed per symbol; the count covers all


def has_references(conn: sqlite3.Connection) -> bool:
    """Whether the index on ``conn`` stores references (schema 4 and later)."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"refs", "ref_targets"} <= names


_COLUMNS = "r.file_path, r.line, r.col, r.package, r.kind, r.enclosing"
_ORDER = "ORDER BY r.file_path, r.line, r.col, r.kind"


def resolved_places(conn: sqlite3.Connection, package: str, symbol_ids: Iterable[int]) -> Places:
    """References outside ``package`` resolved to any of ``symbol_ids``."""
    ids = sorted(set(symbol_ids))
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT DISTINCT {_COLUMNS} FROM refs r WHERE r.package IS NOT ? AND r.id IN"
        f" (SELECT ref_id FROM ref_targets WHERE symbol_id IN ({marks})) {_ORDER}", [package, *ids]).fetchall()
    return _places(rows)


def name_places(conn: sqlite3.Connection, package: str, name: str) -> Places:
    """References outside ``package`` named ``name`` that resolved to nothing or only by name."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM refs r WHERE r.name = ? AND r.package IS NOT ? AND NOT EXISTS"
        f" (SELECT 1 FROM ref_targets t WHERE t.ref_id = r.id AND t.how != 'name') {_ORDER}",
        (name, package)).fetchall()
    return _places(rows)


def _places(rows: list[sqlite3.Row] | list[tuple[object, ...]]) -> Places:
    places: list[RefPlace] = [
        {"loc": f"{r[0]}:{r[1]}:{r[2]}", "package": None if r[3] is None else str(r[3]), "kind": str(r[4]),
         "enclosing": None if r[5] is None else str(r[5])}
        for r in rows[:PLACES_LIMIT]
    ]
    return {"count": len(rows), "places": places}
