"""`symidx graph`: the internal package dependency graph as Graphviz DOT,
Mermaid or JSON.

An edge ``A -> B`` always means "A depends on B", labelled with the dependency
kinds (runtime, dev, ...). The whole repo is drawn, or the packages around one:
its dependencies (or, reversed, its dependents) up to ``depth`` hops. Edges whose
two ends are in one dependency cycle (a strongly connected component) are red,
and the cycles are listed in the JSON.
"""
from __future__ import annotations

import json
import sqlite3
from typing import Literal, TypedDict

from ..errors import InvalidArgument
from ..query.graph import cycles, dependency_graph, internal_edges

GraphFormat = Literal["dot", "mermaid", "json"]
GRAPH_FORMATS: tuple[GraphFormat, ...] = ("dot", "mermaid", "json")
CYCLE_COLOR = "#d62728"


class Node(TypedDict):
    path: str
    name: str
    kind: str
    depth: int | None  # hops from the chosen package; None for the whole repo


class Edge(TypedDict):
    source: str  # the depending package
    target: str  # the package it depends on
    kinds: list[str]
    in_cycle: bool


class GraphData(TypedDict):
    root: str | None
    direction: Literal["dependencies", "dependents"] | None
    max_depth: int | None
    nodes: list[Node]
    edges: list[Edge]
    cycles: list[list[str]]


def graph_data(conn: sqlite3.Connection, package: str | None = None, depth: int | None = None,
               reverse: bool = False) -> GraphData:
    """The graph as data: nodes sorted by path, edges by (source, target).

    Without ``package`` every package and every internal edge; ``depth`` and
    ``reverse`` need a package (InvalidArgument otherwise). With one, the BFS of
    ``query.graph.dependency_graph``: its dependencies, or its dependents when
    ``reverse``, up to ``depth`` hops (None = all).
    """
    packages = {path: (name, kind) for path, name, kind in conn.execute("SELECT path, name, kind FROM packages")}
    if package is None:
        if depth is not None or reverse:
            raise InvalidArgument("depth and reverse need a package to start from")
        depths: dict[str, int | None] = dict.fromkeys(packages)
        pairs = {(a, b): kinds for a, out in internal_edges(conn, False).items() for b, kinds in out
                 if a in packages and b in packages}
        root = None
    else:
        sub = dependency_graph(conn, package, "dependents" if reverse else "dependencies", depth)
        depths = {n["path"]: n["depth"] for n in sub["nodes"]}
        # dependency_graph follows dependents "forwards" when reversed; draw them as "depends on".
        pairs = {((e["to"], e["from"]) if reverse else (e["from"], e["to"])): list(e["kinds"]) for e in sub["edges"]}
        root = sub["root"]
    order = sorted(depths)
    found = cycles(order, [{"from": a, "to": b, "kinds": kinds} for (a, b), kinds in sorted(pairs.items())])
    component = {member: i for i, cycle in enumerate(found) for member in cycle}
    return {
        "root": root,
        "direction": None if package is None else ("dependents" if reverse else "dependencies"),
        "max_depth": depth,
        "nodes": [{"path": p, "name": packages[p][0], "kind": packages[p][1], "depth": depths[p]} for p in order],
        "edges": [
            {"source": a, "target": b, "kinds": pairs[a, b],
             "in_cycle": a in component and component.get(b) == component[a]}
            for a, b in sorted(pairs)
        ],
        "cycles": found,
    }


def render_graph(conn: sqlite3.Connection, format: GraphFormat = "dot", package: str | None = None,
                 depth: int | None = None, reverse: bool = False) -> str:
    """The graph of ``graph_data`` as text in ``format`` (dot, mermaid or json)."""
    if format not in GRAPH_FORMATS:
        raise InvalidArgument(f"graph format must be one of {', '.join(GRAPH_FORMATS)}, got {format!r}")
    data = graph_data(conn, package, depth, reverse)
    if format == "dot":
        return to_dot(data)
    if format == "mermaid":
        return to_mermaid(data)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node_label(node: Node) -> str:
    """Name and path, or just the path when the package is named after it."""
    return node["path"] if node["name"] == node["path"] else f"{node['name']}\n{node['path']}"


def to_dot(data: GraphData) -> str:
    """Graphviz DOT: nodes named by package path; the chosen package bold; cycle edges red."""
    in_cycle = {m for cycle in data["cycles"] for m in cycle}
    lines = [
        "digraph symidx {",
        "  rankdir=LR;",
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for node in data["nodes"]:
        attrs = [f"label={_dot_string(_node_label(node))}", f"tooltip={_dot_string(node['kind'])}"]
        if node["path"] == data["root"]:
            attrs.append("style=bold")
        if node["path"] in in_cycle:
            attrs.append(f'color="{CYCLE_COLOR}"')
        lines.append(f"  {_dot_string(node['path'])} [{', '.join(attrs)}];")
    for edge in data["edges"]:
        attrs = [f"label={_dot_string(','.join(edge['kinds']))}"]
        if edge["in_cycle"]:
            attrs += [f'color="{CYCLE_COLOR}"', f'fontcolor="{CYCLE_COLOR}"']
        lines.append(f"  {_dot_string(edge['source'])} -> {_dot_string(edge['target'])} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    """Text safe inside Mermaid's ``["..."]`` and ``|...|``: quotes, pipes, angle
    brackets and the like as entity codes (``#34;``); line breaks as ``<br/>``."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("<br/>")
        elif ch.isalnum() or ch in " _-./:@,+()~":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def to_mermaid(data: GraphData) -> str:
    """A Mermaid flowchart: nodes n0, n1, ... in path order (paths are not valid
    ids), edges ``A -->|kinds| B``, cycle nodes in class ``cycle``, cycle edges
    red by ``linkStyle`` (Mermaid numbers edges in the order they are declared)."""
    ids = {node["path"]: f"n{i}" for i, node in enumerate(data["nodes"])}
    lines = ["flowchart LR"]
    for node in data["nodes"]:
        lines.append(f'  {ids[node["path"]]}["{_mermaid_text(_node_label(node))}"]')
    for edge in data["edges"]:
        lines.append(f"  {ids[edge['source']]} -->|{_mermaid_text(','.join(edge['kinds']))}| {ids[edge['target']]}")
    if data["root"] is not None:
        lines += ["  classDef root stroke-width:3px", f"  class {ids[data['root']]} root"]
    cycle_nodes = sorted({ids[m] for cycle in data["cycles"] for m in cycle}, key=lambda n: int(n[1:]))
    if cycle_nodes:
        lines += [f"  classDef cycle stroke:{CYCLE_COLOR},stroke-width:2px", f"  class {','.join(cycle_nodes)} cycle"]
    cycle_edges = [str(i) for i, edge in enumerate(data["edges"]) if edge["in_cycle"]]
    if cycle_edges:
        lines.append(f"  linkStyle {','.join(cycle_edges)} stroke:{CYCLE_COLOR},stroke-width:2px")
    return "\n".join(lines) + "\n"
