"""`references = false`: an index of definitions only. Same symbols, no
references; the commands that need them say so instead of answering "unused";
turning it on or off re-runs what it must and converges to a fresh build."""
from __future__ import annotations

import dataclasses
import io
import json
import sqlite3
from pathlib import Path

import pytest

from symidx_tasks import IndexConfig
from symidx_tasks.config import config_from_table
from symidx_tasks.errors import ConfigError
from symidx_tasks.frontends import cli

from .indexing import build, dump, fresh_dump
from .trees import SAMPLE, write_tree

OFF = IndexConfig(references=False)


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _cli(db: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([*argv, "--db", str(db)], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_setting_is_read_and_checked() -> None:
    assert config_from_table({"references": False}).references is False
    assert config_from_table({}).references is True
    with pytest.raises(ConfigError, match="key 'references': expected true or false"):
        config_from_table({"references": "no"})


def test_an_index_without_references_has_the_same_symbols_and_no_references(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    full, defs = tmp_path / "full" / "index.db", tmp_path / "defs" / "index.db"
    build(repo, full)
    build(repo, defs, config=OFF)
    symbols = "SELECT package, file_path, line, name, kind, signature, doc FROM symbols ORDER BY 1, 2, 3, 4"
    assert _rows(defs, symbols) == _rows(full, symbols) and _rows(full, symbols)
    assert _rows(full, "SELECT count(*) FROM refs")[0][0] > 0
    assert _rows(defs, "SELECT count(*) FROM refs")[0][0] == 0
    assert _rows(defs, "SELECT value FROM meta WHERE key = 'references'") == [("off",)]
    assert _rows(full, "SELECT value FROM meta WHERE key = 'references'") == [("on",)]


def test_commands_that_need_references_say_the_index_has_none(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "index.db"
    build(repo, db, config=OFF)
    name = _rows(db, "SELECT name FROM symbols WHERE kind = 'function' ORDER BY name LIMIT 1")[0][0]
    for command in ("refs", "callers"):
        code, out, err = _cli(db, command, str(name))
        assert code == 1 and out == ""
        assert "built without references (`references = false` in its config)" in err
    code, out, err = _cli(db, "symbol", str(name), "--json")
    assert code == 0, err
    assert [row["used"] for row in json.loads(out)["results"]] == [None]  # unknown, not 0
    code, out, _ = _cli(db, "symbol", str(name))
    assert code == 0 and str(name) in out and "not referenced" not in out and "used in" not in out


def test_switching_references_off_and_on_converges_to_fresh_builds(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "state" / "index.db"
    first = build(repo, db)
    off = build(repo, db, config=OFF)
    # Every package is extracted again (its rows differ) and the merge records the setting.
    assert sorted(off.executed) == sorted(first.executed)
    assert dump(db) == fresh_dump(repo, tmp_path / "fresh-off", config=OFF)
    again = build(repo, db, config=OFF)
    assert again.executed == []
    (repo / "libs/auth/shop_auth/__init__.py").write_text("def renamed() -> None:\n    pass\n")
    build(repo, db, config=OFF)
    assert dump(db) == fresh_dump(repo, tmp_path / "fresh-off", config=OFF)
    build(repo, db, config=dataclasses.replace(OFF, references=True))
    assert dump(db) == fresh_dump(repo, tmp_path / "fresh-on")


def test_status_says_whether_the_index_has_references(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    full, defs = tmp_path / "full" / "index.db", tmp_path / "defs" / "index.db"
    build(repo, full)
    build(repo, defs, config=OFF)
    code, out, _ = _cli(full, "status", "--no-check-stale")
    refs = _rows(full, "SELECT count(*) FROM refs")[0][0]
    assert code == 0 and f"references: {refs} uses, " in out
    code, out, _ = _cli(defs, "status", "--no-check-stale")
    assert code == 0 and "references: off (`references = false` in the config)" in out
    code, out, _ = _cli(defs, "status", "--no-check-stale", "--json")
    assert json.loads(out)["references"] is False


def test_mcp_tools_and_the_impact_prompt_say_the_index_has_no_references(tmp_path: Path) -> None:
    import anyio
    from mcp.server.mcpserver.exceptions import ToolError

    from symidx_tasks.frontends.mcp_server import build_server

    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "index.db"
    build(repo, db, config=OFF)
    server = build_server(db)
    for tool, arguments in (("find_references", {"name": "AuthService"}), ("get_callers", {"symbol": "login"})):
        with pytest.raises(ToolError, match="this index was built without references"):
            anyio.run(server.call_tool, tool, arguments)
    prompt = anyio.run(server.get_prompt, "impact-analysis", {"package": "libs/auth"})
    text = str(prompt.messages[0].content.text)
    assert "(not available: this index was built without references" in text
