"""`symidx serve`: the MCP server end to end, through the SDK's own stdio client."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import pytest

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from symidx_tasks.frontends.mcp_server import compact

from .test_query import build_example

TOOLS = {
    "search_packages", "get_package", "list_packages", "package_dependencies", "package_dependents",
    "dependency_graph", "dependency_path", "search_symbols", "get_package_symbols", "get_symbol",
    "get_file_symbols", "search_files", "list_package_files", "index_status",
}
PROMPTS = {"explore", "explore-package", "explore-area", "onboard", "impact-analysis", "understand-dependency"}


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build_example(tmp_path_factory.mktemp("mcp"))


def server(db: Path) -> StdioServerParameters:
    # Through the real entry point: `symidx serve --db PATH`.
    return StdioServerParameters(command=sys.executable, args=["-m", "symidx_tasks.frontends.cli", "serve", "--db", str(db)])


def session_run(db: Path, body) -> None:
    async def main() -> None:
        async with stdio_client(server(db), errlog=sys.stderr) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                await body(session)

    anyio.run(main)


async def call(session: ClientSession, tool: str, **arguments):
    result = await session.call_tool(tool, arguments)
    assert not result.is_error, f"{tool}: {result.content}"
    assert len(result.content) == 1
    text = result.content[0].text
    assert "\n" not in text, "compact JSON"
    return json.loads(text)


async def error(session: ClientSession, tool: str, **arguments) -> str:
    result = await session.call_tool(tool, arguments)
    assert result.is_error
    return result.content[0].text


def test_every_tool_and_prompt_over_stdio(db):
    async def body(s: ClientSession) -> None:
        tools = (await s.list_tools()).tools
        assert {t.name for t in tools} == TOOLS
        for t in tools:
            assert t.annotations is not None and t.annotations.read_only_hint is True, t.name
            assert t.description

        # -- packages
        found = await call(s, "search_packages", query="shop-auth")
        assert [p["path"] for p in found["results"]][:2] == ["libs/auth", "libs/auth/plugins/oauth"]
        assert (await call(s, "search_packages", query="shop", kind="go"))["total"] == 2

        pkg = await call(s, "get_package", package="@shop/web")
        assert pkg["path"] == "frontend/packages/web" and pkg["kind"] == "npm"
        assert {d["package"] for d in pkg["dependencies"] if d["internal"]} == {
            "frontend/packages/ui", "frontend/packages/legacy-js"}
        react = next(d for d in pkg["dependencies"] if d["name"] == "react")
        assert "package" not in react, "null fields of rows are left out"
        assert any(sym["loc"].startswith("frontend/packages/web/src/cart.ts:") for sym in pkg["api"]["symbols"])

        listed = await call(s, "list_packages", limit=3)
        assert len(listed["results"]) == 3 and listed["next_offset"] == 3 and listed["total"] >= 11
        rest = await call(s, "list_packages", limit=100, offset=3)
        assert rest["next_offset"] is None and len(rest["results"]) == listed["total"] - 3
        assert [p["path"] for p in (await call(s, "list_packages", kind="go"))["results"]] == [
            "services/billing", "services/gateway"]

        deps = await call(s, "package_dependencies", package="services/gateway", internal_only=True)
        assert deps["package"] == "services/gateway"
        assert [d["package"] for d in deps["dependencies"]] == ["services/billing"]
        users = await call(s, "package_dependents", package="shop-auth")
        assert [d["package"] for d in users["dependents"]] == ["libs/auth/plugins/oauth", "libs/payments"]

        graph = await call(s, "dependency_graph", package="libs/auth", direction="dependents")
        assert graph["direction"] == "dependents"
        assert {n["path"]: n["depth"] for n in graph["nodes"]}["libs/payments"] == 1
        fwd = await call(s, "dependency_graph", package="frontend/packages/web", max_depth=1)
        assert fwd["max_depth"] == 1 and {"frontend/packages/ui"} <= {n["path"] for n in fwd["nodes"]}

        path = await call(s, "dependency_path", from_package="shop-auth-oauth", to_package="libs/auth")
        assert [p["path"] for p in path["path"]] == ["libs/auth/plugins/oauth", "libs/auth"]
        unrelated = await call(s, "dependency_path", from_package="crates/cli", to_package="libs/auth")
        assert unrelated["path"] is None and unrelated["relation"] is None

        # -- symbols
        hits = await call(s, "search_symbols", query="payment", kind="function", limit=2)
        assert hits["total"] >= 2 and len(hits["results"]) == 2
        first = hits["results"][0]
        assert first["loc"].startswith("libs/payments/shop_payments/processor.py:")
        assert "file" not in first and "line" not in first, "loc says it"
        assert (await call(s, "search_symbols", query="Cart"))["results"][0]["name"] == "Cart"
        assert (await call(s, "search_symbols", query='foo-bar a"b'))["results"] == []

        syms = await call(s, "get_package_symbols", package="libs/payments", top_level_only=True)
        assert syms["results"] and all("parent" not in sym for sym in syms["results"])
        assert "process_payment" in {sym["name"] for sym in syms["results"]}

        new = await call(s, "get_symbol", name="new")
        assert {sym["parent"] for sym in new["results"]} >= {"Catalog", "Money"}

        file = await call(s, "get_file_symbols", path="libs/payments/shop_payments/processor.py")
        assert file["package"] == "libs/payments"
        lines = [int(sym["loc"].rsplit(":", 1)[1]) for sym in file["symbols"]]
        assert lines == sorted(lines)

        # -- files
        files = await call(s, "search_files", query="cart", extension="ts")
        assert "frontend/packages/web/src/cart.ts" in [f["path"] for f in files["results"]]
        owned = await call(s, "list_package_files", package="services/billing", limit=2)
        assert len(owned["results"]) == 2 and owned["next_offset"] == 2
        assert all(f["path"].startswith("services/billing/") for f in owned["results"])

        status = await call(s, "index_status")
        assert status["counts"]["packages"] == listed["total"]
        assert status["stale"]["checked"] is True and status["stale"]["changed_files"] == 0
        assert (await call(s, "index_status", check_stale=False))["stale"]["reason"] == "skipped"

        # -- error paths: a one-line message for the model, not a crash
        assert "no package with path or name 'nope'" in await error(s, "get_package", package="nope")
        assert "no package" in await error(s, "dependency_graph", package="nope")
        assert "no file" in await error(s, "get_file_symbols", path="nope.py")
        assert "limit" in await error(s, "search_symbols", query="x", limit=0)
        assert (await call(s, "search_symbols", query="zzqqxx"))["results"] == []

        # -- prompts carry the index's first answer
        prompts = {p.name: p for p in (await s.list_prompts()).prompts}
        assert set(prompts) == PROMPTS
        args = {
            "explore": {"concept": "payment"},
            "explore-package": {"package": "libs/auth"},
            "explore-area": {"path": "services"},
            "onboard": {},
            "impact-analysis": {"package": "libs/auth"},
            "understand-dependency": {"from_package": "shop-auth-oauth", "to_package": "libs/auth"},
        }
        expect = {
            "explore": "process_payment", "explore-package": "shop-auth", "explore-area": "services/billing/",
            "onboard": "libs/payments", "impact-analysis": "libs/payments",
            "understand-dependency": "libs/auth/plugins/oauth",
        }
        for name, arguments in args.items():
            got = await s.get_prompt(name, arguments)
            text = got.messages[0].content.text
            assert expect[name] in text, name
        missing = await s.get_prompt("impact-analysis", {"package": "nope"})
        assert "not available: no package" in missing.messages[0].content.text

    session_run(db, body)


def test_server_without_an_index_reports_it_per_call(tmp_path):
    async def body(s: ClientSession) -> None:
        text = await error(s, "index_status")
        assert text.endswith(f"no index at {tmp_path / 'none.db'}: build it with `doit index` or `symidx build`")

    session_run(tmp_path / "none.db", body)


def test_compact_drops_nulls_of_rows_only():
    value = {"total": 1, "next_offset": None, "results": [
        {"name": "x", "parent": None, "loc": "a.py:1", "file": "a.py", "line": 1, "parameters": []}]}
    assert compact(value) == '{"total":1,"next_offset":null,"results":[{"name":"x","loc":"a.py:1"}]}'
