"""`serve --refresh`: the cheap staleness check, the bounded build, and an MCP session using them."""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from symidx_tasks.freshness.lock import IndexFiles, holding, is_locked
from symidx_tasks.freshness.refresh import MIN_INTERVAL_S, Refresher, Staleness, quick_staleness
from symidx_tasks.pipeline.build import build

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "polyglot"
PROCESSOR = "libs/payments/shop_payments/processor.py"
WAIT_S = 60

@pytest.fixture
def indexed(tmp_path) -> tuple[Path, Path]:
    root = tmp_path / "polyglot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    # The tree was last edited well before the build (whose time has whole
    # seconds), as in real use: only later edits count as changes.
    past = time.time() - 10
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    db = root / ".symidx" / "index.db"
    assert build(root, db, jobs=1, out=io.StringIO()) == 0
    yield root, db
    deadline = time.monotonic() + WAIT_S  # a background build must end before the tree goes
    while is_locked(IndexFiles(db).build_lock) and time.monotonic() < deadline:
        time.sleep(0.05)


def has_symbol(db: Path, name: str) -> bool:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM symbols WHERE name = ?", (name,)).fetchone()[0] > 0
    finally:
        conn.close()


def append(path: Path, text: str) -> None:
    with open(path, "a") as f:
        f.write(text)


def test_quick_staleness_sees_every_kind_of_change(indexed):
    root, db = indexed
    assert quick_staleness(root, db) == Staleness(0, 0, 0)
    append(root / PROCESSOR, "\n# longer\n")
    (root / "libs" / "auth" / "new_module.py").write_text("def f(): pass\n")
    (root / "scripts" / "deploy.py").unlink()
    assert quick_staleness(root, db) == Staleness(added=1, removed=1, modified=1)
    # Same size, later mtime: a change as far as a stat can tell.
    readme = root / "README.md"
    os.utime(readme, (time.time() + 5, time.time() + 5))
    assert quick_staleness(root, db).modified == 2
    # Discovery's rules: ignored files (*.log) and excluded directories do not count.
    (root / "build.log").write_text("x")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "a.js").write_text("x")
    assert quick_staleness(root, db).changed == 4


def test_fresh_index_is_left_alone(indexed):
    root, db = indexed
    r = Refresher(db, timeout_s=WAIT_S, jobs=1)
    assert r.before_query() is None
    assert r.builds == 0


def test_stale_index_is_rebuilt_before_the_answer(indexed):
    root, db = indexed
    append(root / PROCESSOR, "\n\ndef refreshed_function() -> None:\n    pass\n")
    r = Refresher(db, timeout_s=WAIT_S, min_interval_s=0, jobs=1)
    assert r.before_query() is None
    assert has_symbol(db, "refreshed_function")
    assert r.builds == 1
    assert r.before_query() is None and r.builds == 1, "fresh after its own build"


def test_past_the_timeout_the_answer_says_stale(indexed):
    root, db = indexed
    append(root / PROCESSOR, "\n\ndef slow_to_arrive() -> None:\n    pass\n")
    (root / "libs" / "auth" / "extra.py").write_text("def g(): pass\n")
    r = Refresher(db, timeout_s=0.3, min_interval_s=0, jobs=1)
    with holding(IndexFiles(db).build_lock):  # a build elsewhere keeps ours waiting
        assert r.before_query() == "stale: 2 files changed since the build (a rebuild is running)"
        assert r.before_query() is not None
        assert r.builds == 1, "one build at a time, however many questions"
    deadline = time.monotonic() + WAIT_S
    while r.before_query() is not None:
        assert time.monotonic() < deadline, "the rebuild never finished"
        time.sleep(0.1)
    assert has_symbol(db, "slow_to_arrive") and r.builds == 1


def test_checks_are_throttled(indexed, monkeypatch):
    root, db = indexed
    from symidx_tasks.freshness import refresh

    calls = []
    real = refresh.quick_staleness
    monkeypatch.setattr(refresh, "quick_staleness", lambda *a: calls.append(1) or real(*a))
    r = Refresher(db, min_interval_s=0.5, jobs=1)
    for _ in range(20):
        assert r.before_query() is None
    assert len(calls) == 1
    time.sleep(0.55)
    r.before_query()
    assert len(calls) == 2


def test_a_missing_index_is_a_note_not_an_error(tmp_path):
    note = Refresher(tmp_path / "none" / "index.db").before_query()
    assert note is not None and note.startswith("stale: cannot check the index")


def test_a_missing_index_is_built_when_the_root_is_known(tmp_path):
    root = tmp_path / "polyglot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    db = tmp_path / "index" / "index.db"
    r = Refresher(db, root=root, timeout_s=WAIT_S, jobs=1)
    assert r.before_query() is None
    assert has_symbol(db, "process_payment")


def session(db: Path, timeout: float, body) -> None:
    # The real server: `symidx serve --refresh`.
    params = StdioServerParameters(command=sys.executable, args=[
        "-m", "symidx_tasks.frontends.cli", "serve", "--db", str(db), "--refresh", "--refresh-timeout", str(timeout)])

    async def main() -> None:
        with anyio.fail_after(WAIT_S):
            async with stdio_client(params, errlog=sys.stderr) as (read, write):
                async with ClientSession(read, write) as s:
                    await s.initialize()
                    await body(s)

    anyio.run(main)


async def find(s: ClientSession, name: str) -> dict:
    """The get_symbol tool's answer, reduced to the definitions' places and the stale note if any."""
    result = await s.call_tool("get_symbol", {"name": name})
    assert not result.is_error, result.content
    page = json.loads(result.content[0].text)
    answer = {"results": [r["loc"] for r in page["results"]]}
    if "stale" in page:
        answer["stale"] = page["stale"]
    return answer


def test_mcp_session_answers_from_a_refreshed_index(indexed):
    root, db = indexed

    async def body(s: ClientSession) -> None:
        assert await find(s, "mcp_added") == {"results": []}
        append(root / PROCESSOR, "\n\ndef mcp_added() -> None:\n    pass\n")
        await anyio.sleep(MIN_INTERVAL_S + 0.1)  # checks are throttled: the last one said "fresh"
        answer = await find(s, "mcp_added")
        assert "stale" not in answer
        assert answer["results"] == [f"{PROCESSOR}:{_line(root / PROCESSOR, 'def mcp_added')}"]

    session(db, WAIT_S, body)


def test_mcp_session_is_told_when_the_index_is_stale(indexed):
    root, db = indexed

    async def body(s: ClientSession) -> None:
        append(root / PROCESSOR, "\n\ndef not_yet() -> None:\n    pass\n")
        with holding(IndexFiles(db).build_lock):
            answer = await find(s, "not_yet")
        assert answer == {"results": [], "stale": "stale: 1 files changed since the build (a rebuild is running)"}
        deadline = time.monotonic() + WAIT_S
        while "stale" in (answer := await find(s, "not_yet")):
            assert time.monotonic() < deadline
            await anyio.sleep(0.1)
        assert len(answer["results"]) == 1

    session(db, 0.5, body)


def _line(path: Path, prefix: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(prefix))
