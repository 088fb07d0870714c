"""A package's public API as an index records it, and the difference between two.

What counts as public API: the symbols of a package (files outside every
package have no API) whose visibility is not restricted, at the top level,
and the members (methods, fields, variants, ...) of those, at any depth, that
are not restricted either. Restricted: Rust's ``pub(crate)``/``pub(super)``/
``pub(in ...)`` and ``private``, ``protected``, ``internal`` where an extractor
records them (most extractors record public symbols only).

A symbol's identity is (package, parent, name, kind): its file and line are
not, so moving it to another file of the package is no change. Its shape is
the list of the signatures of every definition with that identity (overloads,
or a name defined once per build variant), whitespace-normalised and sorted:
the symbol changed when that list differs. A changed kind (class -> interface)
is a removal and an addition.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

RESTRICTED = frozenset({"private", "protected", "internal"})


class Identity(NamedTuple):
    parent: str | None
    name: str
    kind: str

    @property
    def display(self) -> str:
        """``Parent.name`` for a member, ``name`` for a top-level symbol."""
        return f"{self.parent}.{self.name}" if self.parent else self.name


class Definition(NamedTuple):
    signature: str  # whitespace-normalised
    loc: str  # file:line
    id: int  # symbols.id in its index


@dataclass
class Surface:
    """One index's packages (path -> name) and, per package, its public symbols."""

    packages: dict[str, str] = field(default_factory=dict)
    symbols: dict[str, dict[Identity, list[Definition]]] = field(default_factory=dict)


def is_public_visibility(visibility: str) -> bool:
    return visibility not in RESTRICTED and not visibility.startswith("pub(")


def normalize(signature: str) -> str:
    """The signature with runs of whitespace made one space: reformatting is no change."""
    return " ".join(signature.split())


class _Row(NamedTuple):
    id: int
    package: str
    parent: str | None
    name: str
    kind: str
    signature: str
    file_path: str
    line: int
    visibility: str


def read_surface(conn: sqlite3.Connection, only: Collection[str] | None = None) -> Surface:
    """The public API of every package of the index on ``conn`` (every package
    is in ``packages``; with ``only``, ``symbols`` holds only those packages')."""
    surface = Surface(packages={str(p): str(n) for p, n in conn.execute("SELECT path, name FROM packages")})
    sql = ("SELECT id, package, parent_symbol, name, kind, signature, file_path, line, visibility FROM symbols"
           " WHERE {} ORDER BY package, file_path, line, id")
    if only is None:
        rows = conn.execute(sql.format("package IS NOT NULL"))
    else:  # one JSON array parameter: the list may pass SQLite's limit on parameters
        rows = conn.execute(sql.format("package IN (SELECT value FROM json_each(?))"), (json.dumps(sorted(only)),))
    by_package: dict[str, list[_Row]] = {}
    for row in rows:
        by_package.setdefault(row[1], []).append(_Row(*row))
    for package, members in by_package.items():
        surface.symbols[package] = _public(members)
    return surface


def _public(rows: list[_Row]) -> dict[Identity, list[Definition]]:
    """The public symbols among one package's rows."""
    visible = [r for r in rows if is_public_visibility(r.visibility)]
    # Public parents, found level by level: a member of a restricted type is not API.
    parents = {r.name for r in visible if r.parent is None}
    while more := {r.name for r in visible if r.parent is not None and r.parent in parents} - parents:
        parents |= more
    out: dict[Identity, list[Definition]] = {}
    for r in visible:
        if r.parent is None or r.parent in parents:
            identity = Identity(r.parent, r.name, r.kind)
            out.setdefault(identity, []).append(Definition(normalize(r.signature), f"{r.file_path}:{r.line}", r.id))
    return out


def shape(definitions: list[Definition]) -> list[str]:
    return sorted(d.signature for d in definitions)


class PackageChange(NamedTuple):
    """How one package's public API differs between two surfaces (identities sorted by display name, kind)."""

    added: list[Identity]
    removed: list[Identity]
    changed: list[Identity]


def diff_package(old: dict[Identity, list[Definition]], new: dict[Identity, list[Definition]]) -> PackageChange:
    def order(ids: set[Identity]) -> list[Identity]:
        return sorted(ids, key=lambda i: (i.display, i.kind))

    both = old.keys() & new.keys()
    return PackageChange(
        order(set(new.keys() - old.keys())),
        order(set(old.keys() - new.keys())),
        order({i for i in both if shape(old[i]) != shape(new[i])}),
    )
