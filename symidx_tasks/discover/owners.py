"""Which package owns a directory: the nearest enclosing package directory.

Its own module: discovery needs it on every run (a cached discovery still hands
its warnings to their owners), the manifest readers only on a cache miss.
"""
from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable


def owner_lookup(package_paths: Iterable[str]) -> Callable[[str], str | None]:
    """directory -> the nearest enclosing package directory (None: no package);
    memoised, since many files share a directory."""
    owners = set(package_paths)
    owner_of: dict[str, str | None] = {}

    def owner(d: str) -> str | None:
        # A loop, not recursion: a tree may nest deeper than Python's recursion limit.
        below: list[str] = []
        while d not in owner_of:
            if d in owners or d == ".":
                owner_of[d] = d if d in owners else None
                break
            below.append(d)
            d = posixpath.dirname(d) or "."
        found = owner_of[d]
        for b in below:
            owner_of[b] = found
        return found

    return owner
