"""The command table: the CLI and the MCP server built from it agree, parameter
by parameter, and every read command answers the same through both."""
from __future__ import annotations

import argparse
import io
import json
from typing import Any

import anyio
import pytest

from symidx_tasks.frontends import cli
from symidx_tasks.frontends.commands import COMMANDS, TOOLS, Command, ask
from symidx_tasks.frontends.mcp_server import build_server
from symidx_tasks.query import open_index

READ = [c for c in COMMANDS if c.is_read]

# Arguments that give every read command a non-empty answer on the example index.
SAMPLES: dict[str, dict[str, Any]] = {
    "search": {"query": "payment"},
    "symbol": {"name": "new"},
    "file": {"path": "services/billing/invoice.go"},
    "symbols": {"package": "libs/payments"},
    "refs": {"name": "verify_token", "kind": "call"},
    "callers": {"symbol": "Money", "package": "crates/core"},
    "package": {"package": "shop-auth"},
    "packages": {},
    "search-packages": {"query": "shop"},
    "files": {"query": "invoice"},
    "package-files": {"package": "services/billing"},
    "deps": {"package": "@shop/web"},
    "dependents": {"package": "shop-auth"},
    "tree": {"package": "shop-auth", "direction": "dependents"},
    "path": {"from_package": "shop-auth-oauth", "to_package": "shop-auth"},
    "status": {"check_stale": False},
    "warnings": {},
    "affected": {"files": ["libs/auth/shop_auth/tokens.py"]},
    "map": {"tokens": 300},
    "api-diff": {"rev_a": "HEAD"},
}


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def cli_parameters(command: Command) -> dict[str, tuple[bool, Any]]:
    """name -> (required, default) of the CLI subcommand, without --db/--json and shorthands."""
    sub = _subparsers(cli.make_parser())[command.name]
    out: dict[str, tuple[bool, Any]] = {}
    for action in sub._actions:
        if action.dest in ("help", "db", "json") or action.dest in out:
            continue  # a shorthand (--reverse, --no-check) shares the dest of its option
        positional_required = not action.option_strings and action.nargs is None
        out[action.dest] = (positional_required, None if positional_required else action.default)
    return out


def mcp_parameters(tool: str) -> dict[str, tuple[bool, Any]]:
    """name -> (required, default) from the tool's JSON input schema."""
    server = build_server("/nonexistent/index.db")
    schema = next(t.input_schema for t in anyio.run(server.list_tools) if t.name == tool)
    required = set(schema.get("required", ()))
    return {name: (name in required, None if name in required else prop.get("default"))
            for name, prop in schema["properties"].items()}


def test_the_mcp_tool_names_are_the_published_ones():
    assert set(TOOLS) == {
        "search_packages", "get_package", "list_packages", "package_dependencies", "package_dependents",
        "dependency_graph", "dependency_path", "search_symbols", "get_package_symbols", "get_symbol",
        "get_file_symbols", "search_files", "list_package_files", "index_status", "list_warnings",
        "affected_packages", "repo_map", "find_references", "get_callers", "api_diff",
    }
    assert all(c.is_read for c in TOOLS.values())


@pytest.mark.parametrize("command", [c for c in READ if c.tool], ids=lambda c: c.name)
def test_cli_and_mcp_expose_the_same_parameters_and_defaults(command):
    on_cli = cli_parameters(command)
    assert list(on_cli) == [p.name for p in command.params]
    # The CLI's presentation options (--paths) are the only parameters the MCP tool does not take.
    presentation = {p.name for p in command.params if p.cli_only}
    assert {k: v for k, v in on_cli.items() if k not in presentation} == mcp_parameters(command.tool)


def test_unified_defaults():
    defaults = {(c.name, p.name): p.default for c in READ for p in c.params}
    for search in ("search", "search-packages", "files"):
        assert defaults[(search, "limit")] == 20, search
    assert defaults[("packages", "limit")] == 100
    assert ("files", "extension") in defaults and ("symbols", "top_level_only") in defaults
    assert defaults[("tree", "direction")] == "dependencies" and defaults[("tree", "max_depth")] is None


def test_every_read_command_has_a_sample():
    assert set(SAMPLES) == {c.name for c in READ}


def _argv(command: Command, values: dict[str, Any]) -> list[str]:
    argv = [command.name]
    for p in command.params:
        if p.name not in values:
            continue
        value = values[p.name]
        if p.required or p.positional:
            argv.append(str(value))
        elif p.type is bool:
            argv.append(("--" if value else "--no-") + p.name.replace("_", "-"))
        elif p.multiple:
            argv += ["--" + p.name.replace("_", "-"), *map(str, value)]
        else:
            argv += ["--" + p.name.replace("_", "-"), str(value)]
    return argv


@pytest.mark.parametrize("command", READ, ids=lambda c: c.name)
def test_cli_json_is_the_query_answer(command, index_for):
    db = index_for(command.name)
    values = SAMPLES[command.name]
    out, err = io.StringIO(), io.StringIO()
    assert cli.main([*_argv(command, values), "--db", str(db), "--json"], out=out, err=err) == 0, err.getvalue()
    params = {p.name: values.get(p.name, p.default) for p in command.params}
    conn = open_index(db)
    try:
        expected = json.loads(json.dumps(ask(command, conn, params, db)))
    finally:
        conn.close()
    got = json.loads(out.getvalue())
    if command.name == "status":
        got.pop("age_seconds"), expected.pop("age_seconds")
    assert got == expected
    if "results" in got and command.name != "warnings":  # the example index has no warnings
        assert got["results"], f"{command.name}: the sample should find something"


@pytest.mark.parametrize("command", READ, ids=lambda c: c.name)
def test_cli_text_output(command, index_for):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([*_argv(command, SAMPLES[command.name]), "--db", str(index_for(command.name))], out=out,
                    err=err)
    assert code == 0, err.getvalue()
    if command.name == "warnings":  # the example index has none
        assert out.getvalue() == "" and err.getvalue() == "symidx: no warnings\n"
    else:
        assert out.getvalue().strip(), f"{command.name} printed nothing"
