"""`symidx map`: a package-aware repo map for agents, fitted to a token budget
(aider's repo map is the model; here the unit is the package).

Ranking, documented in docs/interop.md:

- Packages: nearest to the focus first when focus paths are given (hops in the
  dependency graph, either direction, from the packages owning or under the
  paths), then by how many packages depend on them directly or transitively,
  then by direct dependents, then by path.
- Symbols of a package (its public top-level ones but TypeScript's ambient
  ``declare global`` / ``declare module "x"`` blocks): those in a focus file
  first, then by how many packages that depend on this one mention the name as
  a whole word in their own symbols' signatures (the only usage signal the
  index holds until it records references), then types before functions before
  constants, then file and line.
- Budget: text is estimated at ``ceil(len(text) / 4)`` tokens (4 characters a
  token, the usual figure for English and code with BPE tokenizers). Lines are
  added in priority order while they fit: the header of the package ranked r
  has priority r, its k-th symbol r + 2k, so the top packages get more symbols
  and lower ones still get their header. A line that does not fit is skipped
  and shorter later ones may still go in; the text never exceeds the budget.

Deterministic: every ordering ends in a unique key (path, file, line, name).
"""
from __future__ import annotations

import heapq
import json
import math
import re
import sqlite3
from collections import Counter, deque
from collections.abc import Iterable
from pathlib import Path
from typing import TypedDict

from ..errors import InvalidArgument
from ..query.graph import internal_edges
from ..query.packages import public_api
from ..query.status import meta

DEFAULT_TOKENS = 2000
MIN_TOKENS = 64  # room for the title line and a package or two
CHARS_PER_TOKEN = 4
SYMBOL_STEP = 2  # priority distance between a package's consecutive symbols (see the module docstring)
USAGE_CANDIDATES = 50  # symbols per package whose usage is measured (one FTS query each)
SIGNATURE_CHARS = 160
DEPENDS_SHOWN = 5
EVERY_SYMBOL = 2**31 - 1  # public_api's limit, to list a package's whole public API
KIND_PRIORITY = {
    **dict.fromkeys(("interface", "class", "struct", "trait", "record", "type", "enum", "message", "service",
                     "object", "module"), 0),
    **dict.fromkeys(("function", "rpc"), 1),
    **dict.fromkeys(("constant", "variable"), 2),
}
_WORD = re.compile(r"\w", re.UNICODE)
# `declare global { ... }` and `declare module "x" { ... }` (most of @types/node):
# blocks that add to the global scope or to another module, indexed as modules
# named `global` and `x`. Nothing an agent imports from the package, yet as
# modules they would rank with the types, above its real API.
_AMBIENT_BLOCK = re.compile(r"declare\s+(?:global\b|module\s+[\"'])")


class MapSymbol(TypedDict):
    name: str
    kind: str
    signature: str
    file: str
    line: int
    used_by: int  # dependent packages whose signatures mention the name


class MapPackage(TypedDict):
    path: str
    name: str
    kind: str
    public_symbols: int
    dependents: int  # packages depending on it directly or transitively
    direct_dependents: int
    depends_on: list[str]  # direct internal dependencies
    distance: int | None  # hops from the focus; None without focus or when unconnected
    symbols: list[MapSymbol]  # the ones shown, most used first


class RepoMap(TypedDict):
    tokens: int  # the budget
    used_tokens: int  # estimate_tokens of the rendered text
    packages_total: int
    focus: list[str]
    unmatched_focus: list[str]  # focus paths that are no file or directory of the index
    packages: list[MapPackage]  # the ones shown, in rank order


def estimate_tokens(text: str) -> int:
    """The token estimate the budget is counted in: ceil(characters / 4)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


# ----------------------------------------------------------------- rendering


def _title(packages_total: int, focused: bool) -> str:
    order = "nearest to the focus first, then most depended-on" if focused else "most depended-on first"
    return f"# repo map: {packages_total} packages, {order}"


def _header(pkg: MapPackage) -> str:
    who = f"{pkg['kind']}" if pkg["name"] == pkg["path"] else f"{pkg['name']}, {pkg['kind']}"
    used = f"used by {pkg['dependents']}"
    if pkg["direct_dependents"] != pkg["dependents"]:
        used += f" ({pkg['direct_dependents']} direct)"
    text = f"{pkg['path']} ({who}): {pkg['public_symbols']} public symbols; {used}"
    if pkg["depends_on"]:
        more = len(pkg["depends_on"]) - DEPENDS_SHOWN
        text += "; depends on " + ", ".join(pkg["depends_on"][:DEPENDS_SHOWN]) + (f" +{more}" if more > 0 else "")
    return text


def _file_line(path: str) -> str:
    return f"  {path}:"


def _symbol_line(sym: MapSymbol) -> str:
    return f"    {sym['line']}: {sym['signature']}"


def render_repo_map(m: RepoMap) -> str:
    """The map as text: a title, then per package a header line and its shown
    symbols grouped by file (files by path, symbols by line)."""
    lines = [_title(m["packages_total"], bool(m["focus"]))]
    for pkg in m["packages"]:
        lines.append(_header(pkg))
        by_file: dict[str, list[MapSymbol]] = {}
        for sym in pkg["symbols"]:
            by_file.setdefault(sym["file"], []).append(sym)
        for file in sorted(by_file):
            lines.append(_file_line(file))
            lines += [_symbol_line(s) for s in sorted(by_file[file], key=lambda s: (s["line"], s["name"]))]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------- ranking


class _Graph:
    """Internal dependency edges between packages, both ways."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.deps: dict[str, list[str]] = {}
        self.users: dict[str, list[str]] = {}
        known = {str(p) for p, in conn.execute("SELECT path FROM packages")}
        for src, out in internal_edges(conn, False).items():
            for dst, _ in out:
                if src != dst and src in known and dst in known:
                    self.deps.setdefault(src, []).append(dst)
                    self.users.setdefault(dst, []).append(src)

    def dependents(self, path: str) -> set[str]:
        """Packages depending on ``path`` directly or transitively (cycle-safe)."""
        seen: set[str] = set()
        queue = deque(self.users.get(path, ()))
        while queue:
            node = queue.popleft()
            if node not in seen and node != path:
                seen.add(node)
                queue.extend(self.users.get(node, ()))
        return seen

    def distances(self, sources: set[str]) -> dict[str, int]:
        """Hops from the nearest source, following edges either way."""
        dist = dict.fromkeys(sources, 0)
        queue = deque(sorted(sources))
        while queue:
            node = queue.popleft()
            for nxt in (*self.deps.get(node, ()), *self.users.get(node, ())):
                if nxt not in dist:
                    dist[nxt] = dist[node] + 1
                    queue.append(nxt)
        return dist


def _norm(ref: str, root: str | None) -> str | None:
    ref = ref.strip().replace("\\", "/")
    if Path(ref).is_absolute():
        if not root:
            return None
        try:
            ref = Path(ref).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            return None
    while ref.startswith("./"):
        ref = ref[2:]
    return ref.rstrip("/") or "."


def _resolve_focus(conn: sqlite3.Connection, focus: Iterable[str]) -> tuple[set[str], set[str], list[str]]:
    """Focus paths -> (packages owning or under them, focus files, paths not in the index)."""
    root = meta(conn).get("root")
    paths = sorted(p for p, _ in conn.execute("SELECT path, 1 FROM packages"))
    packages: set[str] = set()
    files: set[str] = set()
    unmatched: list[str] = []
    for ref in focus:
        rel = _norm(ref, root)
        if rel is None:
            unmatched.append(ref)
            continue
        is_file = conn.execute("SELECT 1 FROM files WHERE path = ?", (rel,)).fetchone() is not None
        under = [p for p in paths if rel == "." or p == rel or p.startswith(f"{rel}/")]
        is_dir = bool(under) or conn.execute(
            "SELECT 1 FROM files WHERE substr(path, 1, ?) = ? LIMIT 1", (len(rel) + 1, f"{rel}/"),
        ).fetchone() is not None
        if not (is_file or is_dir):
            unmatched.append(ref)
            continue
        if is_file:
            files.add(rel)
        owners = [p for p in paths if p == "." or rel == p or rel.startswith(f"{p}/")]
        packages.update(under)
        if owners:
            packages.add(max(owners, key=len))
    return packages, files, unmatched


def _is_ambient_block(kind: str, signature: str) -> bool:
    """A TypeScript ``declare global`` or ``declare module "x"`` block (see _AMBIENT_BLOCK)."""
    return kind == "module" and _AMBIENT_BLOCK.match(signature) is not None


def _public_counts(conn: sqlite3.Connection) -> Counter[str]:
    """Per package: its public top-level symbols but ambient blocks (what the map can list)."""
    where = "package IS NOT NULL AND parent_symbol IS NULL AND visibility NOT LIKE 'pub(%'"
    counts = Counter(dict(conn.execute(f"SELECT package, count(*) FROM symbols WHERE {where} GROUP BY package")))
    for package, signature in conn.execute(f"SELECT package, signature FROM symbols WHERE {where} AND kind = 'module'"):
        if _is_ambient_block("module", signature):
            counts[package] -= 1
    return counts


def _ranked_packages(conn: sqlite3.Connection, graph: _Graph, focus_packages: set[str] | None) -> list[MapPackage]:
    """Every package, best first (no symbols yet); ``focus_packages`` None = no focus."""
    counts = _public_counts(conn)
    dist = graph.distances(focus_packages) if focus_packages is not None else {}
    out: list[MapPackage] = []
    for path, name, kind in conn.execute("SELECT path, name, kind FROM packages ORDER BY path"):
        out.append({
            "path": path, "name": name, "kind": kind, "public_symbols": counts.get(path, 0),
            "dependents": len(graph.dependents(path)), "direct_dependents": len(set(graph.users.get(path, ()))),
            "depends_on": sorted(set(graph.deps.get(path, ()))), "distance": dist.get(path), "symbols": [],
        })
    unconnected = math.inf if focus_packages is not None else 0
    out.sort(key=lambda p: (unconnected if p["distance"] is None else p["distance"], -p["dependents"],
                            -p["direct_dependents"], p["path"]))
    return out


def _usage(conn: sqlite3.Connection, name: str, users: list[str]) -> int:
    """Packages among ``users`` with a symbol whose signature has ``name`` as a whole word."""
    if not users or not _WORD.search(name):
        return 0
    rows = conn.execute(
        "SELECT DISTINCT s.package, s.signature FROM symbols_fts JOIN symbols s ON s.id = symbols_fts.rowid"
        " WHERE symbols_fts MATCH ? AND s.package IN (SELECT value FROM json_each(?))",
        (f'signature : "{name.replace(chr(34), chr(34) * 2)}"', json.dumps(users)))
    word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    return len({package for package, signature in rows if word.search(signature)})


def _ranked_symbols(conn: sqlite3.Connection, graph: _Graph, path: str, focus_files: set[str]) -> list[MapSymbol]:
    """A package's public top-level symbols, best first, signatures flattened to one short line."""
    api = [s for s in public_api(conn, path, limit=EVERY_SYMBOL)["symbols"]
           if not _is_ambient_block(s["kind"], s["signature"])]
    api.sort(key=lambda s: (KIND_PRIORITY.get(s["kind"], 3), s["file"], s["line"], s["name"]))
    users = sorted(graph.dependents(path))
    out: list[MapSymbol] = []
    for i, s in enumerate(api):
        signature = " ".join(s["signature"].split())
        if len(signature) > SIGNATURE_CHARS:
            signature = signature[:SIGNATURE_CHARS - 3] + "..."
        used = _usage(conn, s["name"], users) if i < USAGE_CANDIDATES else 0
        out.append({"name": s["name"], "kind": s["kind"], "signature": signature, "file": s["file"],
                    "line": s["line"], "used_by": used})
    out.sort(key=lambda s: (s["file"] not in focus_files, -s["used_by"], KIND_PRIORITY.get(s["kind"], 3),
                            s["file"], s["line"], s["name"]))
    return out


# ------------------------------------------------------------------- fitting


def repo_map(conn: sqlite3.Connection, tokens: int = DEFAULT_TOKENS, focus: Iterable[str] | None = ()) -> RepoMap:
    """The ranked packages and symbols that fit in ``tokens`` (see the module docstring).

    ``focus`` holds repo paths (files or directories, relative to the indexed
    root, or absolute under it); those matching nothing are listed in
    ``unmatched_focus`` and otherwise ignored. InvalidArgument below MIN_TOKENS.
    """
    if tokens < MIN_TOKENS:
        raise InvalidArgument(f"tokens must be >= {MIN_TOKENS}, got {tokens}")
    focus = [f for f in focus or () if f.strip()]
    graph = _Graph(conn)
    focus_packages, focus_files, unmatched = _resolve_focus(conn, focus)
    ranked = _ranked_packages(conn, graph, focus_packages if focus else None)
    budget = tokens * CHARS_PER_TOKEN
    used = len(_title(len(ranked), bool(focus))) + 1
    candidates: dict[int, list[MapSymbol]] = {}
    files_shown: dict[int, set[str]] = {}
    heap = [(r, r, 0) for r in range(len(ranked))]  # (priority, package rank, 0 = header / k = k-th symbol)
    while heap:
        _, r, k = heapq.heappop(heap)
        pkg = ranked[r]
        if k == 0:
            cost = len(_header(pkg)) + 1
            if used + cost > budget:
                continue
            candidates[r] = _ranked_symbols(conn, graph, pkg["path"], focus_files)
            files_shown[r] = set()
        else:
            sym = candidates[r][k - 1]
            new_file = sym["file"] not in files_shown[r]
            cost = len(_symbol_line(sym)) + 1 + (len(_file_line(sym["file"])) + 1 if new_file else 0)
            if used + cost <= budget:
                pkg["symbols"].append(sym)
                files_shown[r].add(sym["file"])
            else:
                cost = 0
        used += cost
        if k < len(candidates[r]):
            heapq.heappush(heap, (r + SYMBOL_STEP * (k + 1), r, k + 1))
    m: RepoMap = {
        "tokens": tokens, "used_tokens": 0, "packages_total": len(ranked), "focus": focus,
        "unmatched_focus": unmatched, "packages": [ranked[r] for r in sorted(candidates)],
    }
    m["used_tokens"] = estimate_tokens(render_repo_map(m))
    return m
