"""`render_graph`: the package graph as DOT (parsed with pydot), Mermaid (checked
against its grammar) and JSON, on the example and on a tree with a cycle."""
from __future__ import annotations

import html
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pydot
import pytest

from symidx_tasks import query as q
from symidx_tasks.errors import InvalidArgument
from symidx_tasks.interop.graph import GRAPH_FORMATS, graph_data, render_graph
from symidx_tasks.pipeline.build import build

from .trees import write_tree

# pydot's grammar still calls pyparsing's deprecated camelCase API.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pydot.dot_parser")

# a -> b -> c -> a is a cycle; c also depends on ui, web on ui (outside the cycle).
# The odd name puts quotes, a pipe and angle brackets into the labels.
CYCLIC: dict[str, str | bytes] = {
    "cyc/a/package.json": '{"name": "cyc-a", "dependencies": {"cyc-b": "*"}}\n',
    "cyc/b/package.json": '{"name": "cyc-b", "dependencies": {"cyc-c": "*"}}\n',
    "cyc/c/package.json": (
        '{"name": "cyc-c", "dependencies": {"cyc-a": "*", "odd": "*"}, "devDependencies": {"odd": "*"}}\n'),
    "ui/package.json": '{"name": "odd", "description": "x", "version": "1.0.0"}\n',
    "web/package.json": '{"name": "web \\"quoted\\" <b>|pipe", "dependencies": {"odd": "^1.0.0"}}\n',
}


@pytest.fixture(scope="module")
def cyclic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    tmp = tmp_path_factory.mktemp("cyclic")
    root = write_tree(tmp / "tree", CYCLIC)
    assert build(root, tmp / "index.db", jobs=1, out=io.StringIO()) == 0
    conn = q.open_index(tmp / "index.db")
    yield conn
    conn.close()


def parse_dot(text: str) -> pydot.Dot:
    """The one graph in ``text``, as graphviz's grammar (pydot) reads it."""
    graphs = pydot.graph_from_dot_data(text)
    assert graphs is not None and len(graphs) == 1
    assert graphs[0].get_type() == "digraph"
    return graphs[0]


def dot_edges(text: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(source, target) -> attributes."""
    return {(str(e.get_source()).strip('"'), str(e.get_destination()).strip('"')): e.get_attributes()
            for e in parse_dot(text).get_edges()}


def dot_nodes(text: str) -> dict[str, dict[str, Any]]:
    return {n.get_name().strip('"'): n.get_attributes() for n in parse_dot(text).get_nodes()
            if n.get_name() not in ("node", "edge")}


@dataclass
class Mermaid:
    labels: dict[str, str] = field(default_factory=dict)  # node id -> label (entities decoded)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    classes: dict[str, set[str]] = field(default_factory=dict)
    class_defs: set[str] = field(default_factory=set)
    styled_links: set[int] = field(default_factory=set)


_ID = r"[A-Za-z][A-Za-z0-9_]*"
_STYLE = r"[\w:#,.%-]+"


def parse_mermaid(text: str) -> Mermaid:
    """A flowchart by Mermaid's rules: valid ids declared once before use, edges
    ``A -->|label| B`` with no raw quote or pipe in labels, classes and link
    styles naming declared nodes and existing edge numbers."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    m = Mermaid()
    for line in lines[1:]:
        if node := re.fullmatch(rf'  ({_ID})\["([^"]*)"\]', line):
            assert node[1] not in m.labels and not m.edges, line
            assert not re.search(r"<(?!br/>)", node[2]), line
            m.labels[node[1]] = html.unescape(re.sub(r"#(\d+);", r"&#\1;", node[2])).replace("<br/>", "\n")
        elif edge := re.fullmatch(rf"  ({_ID}) -->\|([^|\"]+)\| ({_ID})", line):
            assert edge[1] in m.labels and edge[3] in m.labels, line
            m.edges.append((edge[1], edge[2], edge[3]))
        elif class_def := re.fullmatch(rf"  classDef ({_ID}) {_STYLE}", line):
            m.class_defs.add(class_def[1])
        elif cls := re.fullmatch(rf"  class ({_ID}(?:,{_ID})*) ({_ID})", line):
            assert cls[2] in m.class_defs and set(cls[1].split(",")) <= m.labels.keys(), line
            m.classes.setdefault(cls[2], set()).update(cls[1].split(","))
        elif link := re.fullmatch(rf"  linkStyle (\d+(?:,\d+)*) {_STYLE}", line):
            m.styled_links.update(int(i) for i in link[1].split(","))
            assert max(m.styled_links) < len(m.edges), line
        else:
            raise AssertionError(f"not a Mermaid flowchart statement: {line!r}")
    return m


def path_of(m: Mermaid, node_id: str) -> str:
    return m.labels[node_id].split("\n")[-1]


def test_dot_has_every_internal_edge_of_the_example(conn: sqlite3.Connection) -> None:
    text = render_graph(conn, "dot")
    edges = dot_edges(text)
    assert edges[("frontend/packages/web", "frontend/packages/ui")]["label"] == '"runtime"'
    expected = {(a, b) for a, b in conn.execute(
        "SELECT package, internal_package FROM dependencies WHERE internal_package IS NOT NULL")}
    assert set(edges) == expected
    nodes = dot_nodes(text)
    assert set(nodes) == {p for p, in conn.execute("SELECT path FROM packages")}
    assert nodes["libs/auth"]["label"] == '"shop-auth\\nlibs/auth"'
    assert not any("color" in attrs for attrs in edges.values())  # the example has no cycle


def test_around_one_package_with_depth_and_reverse(conn: sqlite3.Connection) -> None:
    web = dot_edges(render_graph(conn, "dot", package="@shop/web", depth=1))
    assert set(web) == {("frontend/packages/web", "frontend/packages/ui"),
                        ("frontend/packages/web", "frontend/packages/legacy-js")}
    # Dependents of libs/auth: arrows still mean "depends on".
    users = dot_edges(render_graph(conn, "dot", package="libs/auth", reverse=True))
    assert set(users) == {("libs/payments", "libs/auth"), ("libs/auth/plugins/oauth", "libs/auth")}
    nodes = dot_nodes(render_graph(conn, "dot", package="libs/auth", reverse=True))
    assert nodes["libs/auth"]["style"] == "bold"
    data = graph_data(conn, package="services/gateway")
    assert [n["path"] for n in data["nodes"]] == ["services/billing", "services/gateway"]
    assert [(n["path"], n["depth"]) for n in data["nodes"]] == [("services/billing", 1), ("services/gateway", 0)]


def test_bad_arguments(conn: sqlite3.Connection) -> None:
    with pytest.raises(InvalidArgument):
        render_graph(conn, "dot", depth=2)
    with pytest.raises(InvalidArgument):
        render_graph(conn, "dot", reverse=True)
    with pytest.raises(InvalidArgument):
        render_graph(conn, "svg")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        render_graph(conn, "dot", package="libs/auth", depth=0)
    with pytest.raises(q.QueryError):
        render_graph(conn, "dot", package="no/such/package")


def test_mermaid_follows_the_grammar_and_matches_the_data(conn: sqlite3.Connection) -> None:
    m = parse_mermaid(render_graph(conn, "mermaid"))
    assert len(m.labels) == conn.execute("SELECT count(*) FROM packages").fetchone()[0]
    edges = {(path_of(m, a), label, path_of(m, b)) for a, label, b in m.edges}
    assert ("frontend/packages/web", "runtime", "frontend/packages/ui") in edges
    assert len(edges) == len(m.edges) == 7
    assert not m.styled_links and "cycle" not in m.classes
    sub = parse_mermaid(render_graph(conn, "mermaid", package="libs/auth", reverse=True))
    assert {path_of(sub, n) for n in sub.classes["root"]} == {"libs/auth"}


def test_cycles_are_marked_in_every_format(cyclic: sqlite3.Connection) -> None:
    data = json.loads(render_graph(cyclic, "json"))
    assert data["cycles"] == [["cyc/a", "cyc/b", "cyc/c"]]
    by_pair = {(e["source"], e["target"]): e for e in data["edges"]}
    assert by_pair["cyc/c", "ui"]["kinds"] == ["dev", "runtime"]
    assert {pair for pair, e in by_pair.items() if e["in_cycle"]} == {
        ("cyc/a", "cyc/b"), ("cyc/b", "cyc/c"), ("cyc/c", "cyc/a")}

    dot = dot_edges(render_graph(cyclic, "dot"))
    assert {pair for pair, attrs in dot.items() if "color" in attrs} == {
        ("cyc/a", "cyc/b"), ("cyc/b", "cyc/c"), ("cyc/c", "cyc/a")}
    assert dot[("cyc/c", "ui")]["label"] == '"dev,runtime"'

    m = parse_mermaid(render_graph(cyclic, "mermaid"))
    red = {(path_of(m, m.edges[i][0]), path_of(m, m.edges[i][2])) for i in m.styled_links}
    assert red == {("cyc/a", "cyc/b"), ("cyc/b", "cyc/c"), ("cyc/c", "cyc/a")}
    assert {path_of(m, n) for n in m.classes["cycle"]} == {"cyc/a", "cyc/b", "cyc/c"}


def test_labels_with_quotes_pipes_and_brackets_stay_intact(cyclic: sqlite3.Connection) -> None:
    odd = 'web "quoted" <b>|pipe'
    nodes = dot_nodes(render_graph(cyclic, "dot"))
    assert nodes["web"]["label"] == '"web \\"quoted\\" <b>|pipe\\nweb"'
    m = parse_mermaid(render_graph(cyclic, "mermaid"))
    assert f"{odd}\nweb" in m.labels.values()
    data = json.loads(render_graph(cyclic, "json"))
    assert {n["path"]: n["name"] for n in data["nodes"]}["web"] == odd


def test_json_shape(conn: sqlite3.Connection) -> None:
    data = json.loads(render_graph(conn, "json", package="frontend/packages/web"))
    assert data["root"] == "frontend/packages/web" and data["direction"] == "dependencies"
    assert [n["path"] for n in data["nodes"]] == sorted(n["path"] for n in data["nodes"])
    assert {"path", "name", "kind", "depth"} == set(data["nodes"][0])
    assert {"source", "target", "kinds", "in_cycle"} == set(data["edges"][0])
    assert data["cycles"] == []


def test_output_is_deterministic(conn: sqlite3.Connection) -> None:
    for fmt in GRAPH_FORMATS:
        assert render_graph(conn, fmt) == render_graph(conn, fmt)

