"""Did you mean: the indexed names nearest to one that found nothing.

Only asked when a search came back empty, so exact, prefix and word matches
(what the searches rank first) have already failed; what is left is spelling.
Similarity is rapidfuzz's normalised Indel ratio of the lower-cased names
(``procesPayment`` vs ``processPayment``: 96 of 100), over every distinct name
of the index, which needs no extra table: the names come off the symbols_name
index.
"""
from __future__ import annotations

import sqlite3
from typing import Literal, TypeVar

from ..errors import InvalidArgument
from .answers import Page, SearchPage

T = TypeVar("T")

# Below this, a "suggestion" is more often noise than the name meant: two
# substitutions in a ten-letter name score 80, an unrelated word of the same
# length about 30-50.
MIN_SCORE = 70.0
MAX_SUGGESTIONS = 20


def suggest(conn: sqlite3.Connection, name: str, what: Literal["symbol", "package"] = "symbol",
            limit: int = 5) -> list[str]:
    """Up to ``limit`` indexed names closest to ``name``, best first (ties by name).

    ``what="symbol"``: symbol names. ``what="package"``: package names and
    paths (either is accepted wherever a package is asked for), each package
    suggested once, as whichever of the two is closer. Never the query itself
    (in any case). [] when nothing is close.
    """
    if what not in ("symbol", "package"):
        raise InvalidArgument(f"suggest: what must be 'symbol' or 'package', got {what!r}")
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise InvalidArgument(f"suggest: limit must be 1..{MAX_SUGGESTIONS}, got {limit}")
    query = name.strip().lower()
    if not query:
        return []
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: a Row per name costs more than the matching
    if what == "symbol":
        names = [r[0] for r in cur.execute("SELECT DISTINCT name FROM symbols")]
        return _nearest(query, names, None, limit)
    strings: list[str] = []
    targets: list[str] = []
    for path, pkg_name in cur.execute("SELECT path, name FROM packages ORDER BY path"):
        strings += [path] if pkg_name == path else [path, pkg_name]
        targets += [path] if pkg_name == path else [path, path]
    return _nearest(query, strings, targets, limit)


def _nearest(query: str, strings: list[str], targets: list[str] | None, limit: int) -> list[str]:
    """The best-scoring strings, ties by string; ``targets[i]`` is what
    ``strings[i]`` names (a package path), so that each is suggested once."""
    # Every match above the cutoff, not rapidfuzz's top ``limit``: ties must
    # be broken by name, not by the order the names came in.
    from rapidfuzz import fuzz, process  # only when a search found nothing: not on every command's start

    hits = process.extract(query, [s.lower() for s in strings], scorer=fuzz.ratio, score_cutoff=MIN_SCORE,
                           limit=None)
    out: list[str] = []
    taken: set[str] = set()
    for _, _, i in sorted(hits, key=lambda h: (-h[1], strings[h[2]])):
        target = targets[i] if targets is not None else strings[i]
        # The query itself is no suggestion: it is only found here when a
        # filter (kind, package) emptied the search, and naming it again helps no one.
        if target in taken or strings[i].lower() == query:
            continue
        taken.add(target)
        out.append(strings[i])
        if len(out) == limit:
            break
    return out


def with_suggestions(conn: sqlite3.Connection, found: Page[T], query: str,
                     what: Literal["symbol", "package"]) -> SearchPage[T]:
    """``found`` with its ``suggestions``: the nearest names when the search
    found nothing at all, else [] (exact > prefix > words already ranked it)."""
    empty = found["total"] == 0 and found["offset"] == 0
    return {**found, "suggestions": suggest(conn, query, what) if empty else []}
