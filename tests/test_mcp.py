"""`symidx serve`: the MCP server, one test per tool and per prompt (in-process,
through the SDK's server API), and end to end over stdio with the SDK's client."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from symidx_tasks.frontends.commands import TOOLS
from symidx_tasks.frontends.mcp_server import build_server, compact

PROMPTS = {"explore", "explore-package", "explore-area", "onboard", "impact-analysis", "understand-dependency"}

Check = Callable[[Any], None]


def _paths(rows: list[dict[str, Any]]) -> list[str]:
    return [r["path"] for r in rows]


def check_search_packages(res: Any) -> None:
    assert _paths(res["results"])[:2] == ["libs/auth", "libs/auth/plugins/oauth"]


def check_get_package(res: Any) -> None:
    assert res["path"] == "frontend/packages/web" and res["kind"] == "npm"
    assert {d["package"] for d in res["dependencies"] if d["internal"]} == {
        "frontend/packages/ui", "frontend/packages/legacy-js"}
    react = next(d for d in res["dependencies"] if d["name"] == "react")
    assert "package" not in react, "null fields of rows are left out"
    assert any(s["loc"].startswith("frontend/packages/web/src/cart.ts:") for s in res["api"]["symbols"])
    assert res["files"]["next_offset"] is None and res["files"]["limit"] is None, "all_files=True"


def check_list_packages(res: Any) -> None:
    assert len(res["results"]) == 3 and res["next_offset"] == 3 and res["total"] >= 11


def check_package_dependencies(res: Any) -> None:
    assert res["package"] == "services/gateway"
    assert [d["package"] for d in res["dependencies"]] == ["services/billing"]


def check_package_dependents(res: Any) -> None:
    assert [d["package"] for d in res["dependents"]] == ["libs/auth/plugins/oauth", "libs/payments"]


def check_dependency_graph(res: Any) -> None:
    assert res["direction"] == "dependents" and res["max_depth"] == 1
    assert {n["path"]: n["depth"] for n in res["nodes"]}["libs/payments"] == 1


def check_dependency_path(res: Any) -> None:
    assert [p["path"] for p in res["path"]] == ["libs/auth/plugins/oauth", "libs/auth"]
    assert res["relation"] == "a_depends_on_b" and res["length"] == 1


def check_search_symbols(res: Any) -> None:
    assert res["total"] >= 2 and len(res["results"]) == 2
    first = res["results"][0]
    assert first["loc"].startswith("libs/payments/shop_payments/processor.py:")
    assert "file" not in first and "line" not in first, "loc says it"
    assert {s["kind"] for s in res["results"]} == {"function"}


def check_get_package_symbols(res: Any) -> None:
    assert res["results"] and all("parent" not in s for s in res["results"])
    assert "process_payment" in {s["name"] for s in res["results"]}


def check_get_symbol(res: Any) -> None:
    assert {s["parent"] for s in res["results"]} >= {"Catalog", "Money"}
    assert {s["name"] for s in res["results"]} == {"new"}
    assert all(set(s["used"]) == {"places", "packages"} for s in res["results"])


def check_find_references(res: Any) -> None:
    assert res["total"] == 2 and {r["kind"] for r in res["results"]} == {"call"}
    first = res["results"][0]
    assert first["loc"] == "libs/auth/shop_auth/tokens.py:39:17" and "file" not in first, "loc says it"
    assert "receiver" not in first, "nulls are left out"
    assert first["definitions"] == [{"name": "verify_token", "kind": "function", "package": "libs/auth",
                                     "loc": "libs/auth/shop_auth/tokens.py:47", "how": "package"}]


def check_get_callers(res: Any) -> None:
    assert [(c["name"], c["sites"]) for c in res["results"]] == [
        ("refresh", ["libs/auth/shop_auth/tokens.py:40:20"]),
        ("exchange_code", ["libs/auth/plugins/oauth/shop_auth_oauth/provider.py:41:18"])]
    assert [(c["kind"], c["calls"]) for c in res["results"]] == [("method", 1), ("function", 1)]
    assert res["other_references"] == {}, "issue is only called; the key is there all the same"


def check_get_file_symbols(res: Any) -> None:
    assert res["package"] == "services/billing"
    assert res["symbols"] and {s["kind"] for s in res["symbols"]} == {"method"}
    lines = [int(s["loc"].rsplit(":", 1)[1]) for s in res["symbols"]]
    assert lines == sorted(lines)


def check_search_files(res: Any) -> None:
    assert "frontend/packages/web/src/cart.ts" in _paths(res["results"])
    assert all(p.endswith(".ts") for p in _paths(res["results"]))


def check_list_package_files(res: Any) -> None:
    assert len(res["results"]) == 2 and res["next_offset"] == 2
    assert all(p.startswith("services/billing/") and p.endswith(".go") for p in _paths(res["results"]))


def check_index_status(res: Any) -> None:
    assert res["counts"]["packages"] >= 11
    assert res["stale"]["checked"] is True and res["stale"]["changed_files"] == 0


def check_list_warnings(res: Any) -> None:
    assert res == {"total": 0, "offset": 0, "limit": 100, "next_offset": None, "results": []}


def check_affected_packages(res: Any) -> None:
    assert [p["path"] for p in res["packages"]] == ["libs/auth", "libs/auth/plugins/oauth", "libs/payments"]
    assert res["packages"][2]["chain"] == ["libs/auth", "libs/payments"]


def check_repo_map(res: Any) -> None:
    text = res["text"]
    assert text.startswith("# repo map: 16 packages") and len(text) <= 300 * 4
    assert text.splitlines()[1].startswith("services/gateway ")  # the focus comes first


def check_api_diff(res: Any) -> None:
    (auth,) = res["packages"]
    assert (auth["package"], auth["status"]) == ("libs/auth", "changed")
    assert [s["name"] for s in auth["added"]] == ["revoke_token"]
    assert [s["name"] for s in auth["removed"]] == ["TokenIssuer.refresh"]
    (verify,) = auth["changed"]
    assert verify["name"] == "verify_token" and "leeway" in verify["new"][0]
    assert {p["loc"] for p in verify["references"]["places"]} == {
        "libs/payments/shop_payments/authorize.py:6:34", "libs/payments/shop_payments/authorize.py:16:21"}
    assert res["old"]["extracted"] == ["libs/auth"]  # the other 15 packages were reused


TOOL_CASES: dict[str, tuple[dict[str, Any], Check]] = {
    "search_packages": ({"query": "shop-auth"}, check_search_packages),
    "get_package": ({"package": "@shop/web", "all_files": True}, check_get_package),
    "list_packages": ({"limit": 3}, check_list_packages),
    "package_dependencies": ({"package": "services/gateway", "internal_only": True}, check_package_dependencies),
    "package_dependents": ({"package": "shop-auth"}, check_package_dependents),
    "dependency_graph": ({"package": "libs/auth", "direction": "dependents", "max_depth": 1}, check_dependency_graph),
    "dependency_path": ({"from_package": "shop-auth-oauth", "to_package": "libs/auth"}, check_dependency_path),
    "search_symbols": ({"query": "payment", "kind": "function", "limit": 2}, check_search_symbols),
    "get_package_symbols": ({"package": "libs/payments", "top_level_only": True}, check_get_package_symbols),
    "get_symbol": ({"name": "new"}, check_get_symbol),
    "find_references": ({"name": "verify_token", "kind": "call"}, check_find_references),
    "get_callers": ({"symbol": "issue", "package": "shop-auth"}, check_get_callers),
    "get_file_symbols": ({"path": "services/billing/invoice.go", "kind": "method"}, check_get_file_symbols),
    "search_files": ({"query": "cart", "extension": "ts"}, check_search_files),
    "list_package_files": ({"package": "services/billing", "extension": "go", "limit": 2}, check_list_package_files),
    "index_status": ({}, check_index_status),
    "list_warnings": ({}, check_list_warnings),
    "affected_packages": ({"files": ["libs/auth/shop_auth/tokens.py"]}, check_affected_packages),
    "repo_map": ({"tokens": 300, "focus": ["services/gateway"]}, check_repo_map),
    "api_diff": ({"rev_a": "HEAD"}, check_api_diff),
}

PROMPT_CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    "explore": ({"concept": "payment"}, ["process_payment", "shop-payments"]),
    "explore-package": ({"package": "libs/auth"}, ["shop-auth", "verify_token", "libs/payments"]),
    "explore-area": ({"path": "libs"}, ["libs/auth/plugins/oauth", "libs/payments", "process_payment"]),
    "onboard": ({}, ["libs/payments", "services/gateway"]),
    "impact-analysis": ({"package": "libs/auth"}, ["libs/payments", '"direction":"dependents"',
                                                   '"name":"TokenIssuer"', '"package":"libs/auth/plugins/oauth"']),
    "understand-dependency": ({"from_package": "shop-auth-oauth", "to_package": "libs/auth"},
                              ["libs/auth/plugins/oauth", "a_depends_on_b"]),
}


@pytest.fixture(scope="module")
def server(example_db: Path) -> MCPServer:
    return build_server(example_db)


def call(server: MCPServer, tool: str, arguments: dict[str, Any]) -> Any:
    result = anyio.run(server.call_tool, tool, arguments)
    assert not result.is_error, f"{tool}: {result.content}"
    assert len(result.content) == 1
    text = result.content[0].text
    if TOOLS[tool].tool_text is not None:  # answered as the text an agent reads
        return {"text": text}
    assert "\n" not in text, "compact JSON"
    return json.loads(text)


def prompt_text(server: MCPServer, name: str, arguments: dict[str, str]) -> str:
    got = anyio.run(server.get_prompt, name, arguments)
    return str(got.messages[0].content.text)


def test_every_tool_has_a_case():
    assert set(TOOL_CASES) == set(TOOLS)


@pytest.mark.parametrize("tool", sorted(TOOL_CASES))
def test_tool(server, tool, index_for, example_db):
    arguments, check = TOOL_CASES[tool]
    if (db := index_for(TOOLS[tool].name)) != example_db:
        server = build_server(db)
    check(call(server, tool, arguments))


# Tools whose answer changes files: api_diff builds the index and makes git worktrees.
WRITING_TOOLS = {"api_diff"}


def test_tools_are_read_only_but_api_diff_and_described(server):
    tools = {t.name: t for t in anyio.run(server.list_tools)}
    assert set(tools) == set(TOOLS)
    for name, t in tools.items():
        assert t.annotations is not None, name
        assert t.annotations.read_only_hint is (name not in WRITING_TOOLS), name
        assert t.annotations.idempotent_hint is True and t.annotations.open_world_hint is False, name
        assert t.description == TOOLS[name].description
    assert tools["search_symbols"].annotations.read_only_hint is True  # a pure query
    # api_diff writes, but nothing of the user's: a client need not warn of destruction.
    assert tools["api_diff"].annotations.destructive_hint is False


@pytest.mark.parametrize("tool, arguments, message", [
    ("get_package", {"package": "nope"}, "no package with path or name 'nope'"),
    ("dependency_graph", {"package": "nope"}, "no package"),
    ("get_file_symbols", {"path": "nope.py"}, "no file 'nope.py'"),
    ("search_symbols", {"query": "x", "limit": 0}, "limit"),
    ("dependency_graph", {"package": "libs/auth", "direction": "sideways"}, "direction"),
])
def test_tool_errors_are_one_line_messages(server, tool, arguments, message):
    with pytest.raises(ToolError, match=message):
        anyio.run(server.call_tool, tool, arguments)


def test_an_empty_answer_is_not_an_error(server):
    assert call(server, "search_symbols", {"query": "zzqqxx"})["results"] == []
    assert call(server, "search_symbols", {"query": 'foo-bar a"b'})["results"] == []


def test_every_prompt_has_a_case(server):
    assert {p.name for p in anyio.run(server.list_prompts)} == PROMPTS == set(PROMPT_CASES)


@pytest.mark.parametrize("name", sorted(PROMPT_CASES))
def test_prompt_inlines_the_index_answer(server, name):
    arguments, expected = PROMPT_CASES[name]
    text = prompt_text(server, name, arguments)
    for fact in expected:
        assert fact in text, f"{name}: {fact!r} missing"
    assert "not available" not in text


def test_prompt_with_an_unknown_package_says_why(server):
    assert "not available: no package" in prompt_text(server, "impact-analysis", {"package": "nope"})


def test_compact_drops_nulls_of_rows_only():
    value = {"total": 1, "next_offset": None, "results": [
        {"name": "x", "parent": None, "loc": "a.py:1", "file": "a.py", "line": 1, "parameters": []}]}
    assert compact(value) == '{"total":1,"next_offset":null,"results":[{"name":"x","loc":"a.py:1"}]}'


# ------------------------------------------------------------ over stdio


def stdio(db: Path) -> StdioServerParameters:
    # Through the real entry point: `symidx serve --db PATH`.
    return StdioServerParameters(command=sys.executable,
                                 args=["-m", "symidx_tasks.frontends.cli", "serve", "--db", str(db)])


def session_run(db: Path, body: Callable[[ClientSession], Any]) -> None:
    async def main() -> None:
        async with stdio_client(stdio(db), errlog=sys.stderr) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                await body(session)

    anyio.run(main)


def test_over_stdio(example_db):
    async def body(s: ClientSession) -> None:
        tools = {t.name: t for t in (await s.list_tools()).tools}
        assert set(tools) == set(TOOLS)
        # The hints reach the client (readOnlyHint on the wire).
        assert tools["api_diff"].annotations.read_only_hint is False
        assert tools["search_symbols"].annotations.read_only_hint is True
        result = await s.call_tool("search_symbols", {"query": "Cart"})
        assert not result.is_error and json.loads(result.content[0].text)["results"][0]["name"] == "Cart"
        failed = await s.call_tool("get_package", {"package": "nope"})
        assert failed.is_error and "no package with path or name 'nope'" in failed.content[0].text
        got = await s.get_prompt("explore-package", {"package": "libs/auth"})
        assert "shop-auth" in got.messages[0].content.text

    session_run(example_db, body)


def test_server_without_an_index_reports_it_per_call(tmp_path):
    async def body(s: ClientSession) -> None:
        result = await s.call_tool("index_status", {})
        assert result.is_error
        text = result.content[0].text
        assert text.endswith(f"no index at {tmp_path / 'none.db'}: build it with `doit index` or `symidx build`")

    session_run(tmp_path / "none.db", body)
