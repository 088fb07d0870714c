"""The internal dependency graph: transitive walks (BFS), cycles (Tarjan) and shortest paths."""
from __future__ import annotations

import sqlite3
from collections import deque

from ..errors import InvalidArgument
from .answers import DependencyPath, Direction, Graph, GraphEdge, GraphNode, PathStep, Relation
from .rows import resolve_package

# package -> [(other package, the dependency kinds of that edge)], sorted.
Adjacency = dict[str, list[tuple[str, list[str]]]]


def internal_edges(conn: sqlite3.Connection, reverse: bool) -> Adjacency:
    """Edges between repo packages; ``reverse`` points from a package to its dependents."""
    grouped: dict[tuple[str, str], list[str]] = {}
    rows = conn.execute(
        "SELECT DISTINCT package, internal_package, dep_kind FROM dependencies"
        " WHERE internal_package IS NOT NULL ORDER BY package, internal_package, dep_kind")
    for src, dst, kind in rows:
        grouped.setdefault((dst, src) if reverse else (src, dst), []).append(kind)
    edges: Adjacency = {}
    for (a, b), kinds in sorted(grouped.items()):
        edges.setdefault(a, []).append((b, kinds))
    return edges


def _names(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(p): str(n) for p, n in conn.execute("SELECT path, name FROM packages")}


def dependency_graph(conn: sqlite3.Connection, package: str, direction: Direction = "dependencies",
                     max_depth: int | None = None) -> Graph:
    """The transitive internal dependency graph from one package (BFS, cycle-safe).

    Each package appears once, at its shortest distance, with the node it was
    reached from (``via``); every edge between reached packages appears once.
    ``direction="dependents"`` follows dependents instead (who is affected by a
    change). ``max_depth`` bounds the BFS (1 = direct only); None walks everything.
    """
    if direction not in ("dependencies", "dependents"):
        raise InvalidArgument(f"direction must be 'dependencies' or 'dependents', got {direction!r}")
    if max_depth is not None and max_depth < 1:
        raise InvalidArgument(f"depth must be >= 1, got {max_depth}")
    root = resolve_package(conn, package)
    edges_of = internal_edges(conn, direction == "dependents")
    names = _names(conn)
    seen = {root: 0}
    via: dict[str, str | None] = {root: None}
    order = [root]
    edges: list[GraphEdge] = []
    queue = deque([root])
    truncated = False
    while queue:
        node = queue.popleft()
        level = seen[node]
        for nxt, kinds in edges_of.get(node, ()):
            if max_depth is not None and level >= max_depth:
                truncated = True
                break
            edges.append({"from": node, "to": nxt, "kinds": kinds})
            if nxt not in seen:
                seen[nxt] = level + 1
                via[nxt] = node
                order.append(nxt)
                queue.append(nxt)
    nodes: list[GraphNode] = [{"path": p, "name": names.get(p), "depth": seen[p], "via": via[p]} for p in order]
    return {
        "root": root, "direction": direction, "max_depth": max_depth,
        "nodes": nodes, "edges": edges, "cycles": cycles(order, edges), "truncated": truncated,
    }


def cycles(nodes: list[str], edges: list[GraphEdge]) -> list[list[str]]:
    """Strongly connected components with more than one package (or a self-loop),
    each sorted; iterative Tarjan so deep graphs cannot hit the recursion limit."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    loops = set()
    for e in edges:
        succ[e["from"]].append(e["to"])
        if e["from"] == e["to"]:
            loops.add(e["from"])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)

    for start in nodes:
        if start in index:
            continue
        visit(start)
        work = [(start, iter(succ[start]))]
        while work:
            node, it = work[-1]
            for nxt in it:
                if nxt not in index:
                    visit(nxt)
                    work.append((nxt, iter(succ[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:  # every successor done: node's component is complete if it is its root
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = _pop_component(stack, on_stack, node)
                    if len(comp) > 1 or node in loops:
                        found.append(sorted(comp))
    return sorted(found)


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> list[str]:
    comp = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        comp.append(member)
        if member == root:
            return comp


def dependency_path(conn: sqlite3.Connection, from_package: str, to_package: str) -> DependencyPath:
    """A shortest chain of internal dependencies from ``from_package`` to ``to_package``.

    When the first does not depend on the second the reverse direction is tried,
    so the answer says how the two are related either way (``relation``);
    ``path`` is None when they are not related at all.
    """
    src, dst = resolve_package(conn, from_package), resolve_package(conn, to_package)
    names = _names(conn)
    edges_of = internal_edges(conn, False)
    tries: tuple[tuple[Relation, str, str], ...] = (("a_depends_on_b", src, dst), ("b_depends_on_a", dst, src))
    for relation, x, y in tries:
        found = _bfs_path(edges_of, x, y)
        if found is not None:
            steps: list[PathStep] = [{"path": p, "name": names.get(p)} for p in found]
            return {"from": src, "to": dst, "relation": relation, "path": steps, "length": len(found) - 1}
    return {"from": src, "to": dst, "relation": None, "path": None, "length": None}


def _bfs_path(edges_of: Adjacency, src: str, dst: str) -> list[str] | None:
    prev: dict[str, str | None] = {src: None}
    queue = deque([src])
    while queue:
        node = queue.popleft()
        if node == dst:
            out: list[str] = []
            cur: str | None = node
            while cur is not None:
                out.append(cur)
                cur = prev[cur]
            return out[::-1]
        for nxt, _ in edges_of.get(node, ()):
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return None
