"""`symidx rebuild`: the agent hook, fed with recorded Claude Code PostToolUse JSON."""
from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from symidx_tasks.freshness import rebuild as rebuild_module
from symidx_tasks.freshness import runner
from symidx_tasks.freshness.hook import HookInputError, is_read_only, needs_rebuild, parse_hook_input
from symidx_tasks.freshness.lock import IndexFiles, holding, is_locked
from symidx_tasks.freshness.paths import PathFilter
from symidx_tasks.freshness.rebuild import rebuild
from symidx_tasks.pipeline.build import build

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "polyglot"
PROCESSOR = "libs/payments/shop_payments/processor.py"

# Recorded from Claude Code (PostToolUse), with the repo path replaced by {root}
# and long fields shortened.
SAMPLES: dict[str, dict] = {
    "edit": {
        "session_id": "0b7c9e52-3f1c-4c5e-9a51-d2f0a4a7c1e3",
        "transcript_path": "/home/dev/.claude/projects/-repo/0b7c9e52.jsonl",
        "cwd": "{root}", "permission_mode": "default", "hook_event_name": "PostToolUse",
        "tool_name": "Edit",
        "tool_input": {"file_path": "{root}/" + PROCESSOR, "old_string": "x", "new_string": "y",
                       "replace_all": False},
        "tool_response": {"filePath": "{root}/" + PROCESSOR, "oldString": "x", "newString": "y",
                          "structuredPatch": [], "userModified": False, "replaceAll": False},
    },
    "write": {
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": "{root}", "hook_event_name": "PostToolUse",
        "tool_name": "Write",
        "tool_input": {"file_path": "{root}/libs/payments/shop_payments/refunds.py", "content": "..."},
        "tool_response": {"type": "create", "filePath": "{root}/libs/payments/shop_payments/refunds.py"},
    },
    "multiedit": {
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": "{root}", "hook_event_name": "PostToolUse",
        "tool_name": "MultiEdit",
        "tool_input": {"file_path": "{root}/" + PROCESSOR,
                       "edits": [{"old_string": "a", "new_string": "b", "replace_all": False}]},
        "tool_response": {"filePath": "{root}/" + PROCESSOR, "edits": []},
    },
    "notebook": {
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": "{root}", "hook_event_name": "PostToolUse",
        "tool_name": "NotebookEdit",
        "tool_input": {"notebook_path": "{root}/docs/tour.ipynb", "cell_id": "c1", "new_source": "print(1)",
                       "edit_mode": "replace"},
        "tool_response": {},
    },
    "bash_read_only": {
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": "{root}", "hook_event_name": "PostToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "git status --short && rg -n 'def process' libs | head -20",
                       "description": "Look around"},
        "tool_response": {"stdout": "", "stderr": "", "interrupted": False, "isImage": False},
    },
    "bash_writes": {
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": "{root}", "hook_event_name": "PostToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "git checkout -- libs && ls", "description": "Restore"},
        "tool_response": {"stdout": "", "stderr": "", "interrupted": False, "isImage": False},
    },
    "outside_root": {
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": "{root}", "hook_event_name": "PostToolUse",
        "tool_name": "Write",
        "tool_input": {"file_path": "/tmp/scratch/notes.py", "content": "def f(): pass"},
        "tool_response": {},
    },
    "ignored": {  # the example's .gitignore ignores *.log and generated/
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": "{root}", "hook_event_name": "PostToolUse",
        "tool_name": "Write",
        "tool_input": {"file_path": "{root}/services/generated/api.py", "content": "def f(): pass"},
        "tool_response": {},
    },
    "read": {
        "session_id": "s", "transcript_path": "/t.jsonl", "cwd": "{root}", "hook_event_name": "PostToolUse",
        "tool_name": "Read", "tool_input": {"file_path": "{root}/" + PROCESSOR}, "tool_response": {},
    },
}


def sample(name: str, root: Path) -> str:
    return json.dumps(SAMPLES[name]).replace("{root}", str(root))


# ---------------------------------------------------------------- classification


@pytest.mark.parametrize("command", [
    "ls -la", "cat a.py | head -5", "git status", "git --no-pager log --oneline -5", "git -C libs diff HEAD~1",
    "git show HEAD:README.md", "git blame -L 1,5 a.py", "rg -n foo libs 2>/dev/null | wc -l", "grep -r x . 2>&1",
    "find . -name '*.py' -not -path './node_modules/*'", "fd -e py", "pwd && echo done", "cd libs && ls",
    "wc -l < a.py", "sed -n 1,20p a.py", "FOO=1 ls", "head -c 100 a.py; tail -n 3 a.py",
])
def test_read_only_commands(command):
    assert is_read_only(command)


@pytest.mark.parametrize("command", [
    "touch a.py", "rm -rf libs", "echo x > a.py", "echo x >> a.py", "cat a | tee b", "ls && rm a",
    "ls | xargs rm", "git checkout main", "git pull", "git stash", "git diff --output=patch.diff",
    "sed -i s/a/b/ a.py", "sed -ni s/a/b/p a.py", "find . -name '*.pyc' -delete", "find . -exec rm {} +",
    "fd -e pyc -x rm", "sort -o out.txt in.txt", "python gen.py", "npm install", "echo $(touch x)",
    "echo `touch x`", "ls\ntouch x", "echo 'unbalanced", "env FOO=1 make", "awk '{print > \"f\"}' a",
    "ls &> listing.txt", "cargo build",
])
def test_writing_commands(command):
    assert not is_read_only(command)


def test_parse_every_sample(tmp_path):
    edit = parse_hook_input(sample("edit", tmp_path))
    assert (edit.tool, edit.paths, edit.cwd) == ("Edit", (f"{tmp_path}/{PROCESSOR}",), str(tmp_path))
    assert parse_hook_input(sample("notebook", tmp_path)).paths == (f"{tmp_path}/docs/tour.ipynb",)
    bash = parse_hook_input(sample("bash_read_only", tmp_path))
    assert bash.paths == () and bash.command is not None and bash.command.startswith("git status")
    decisions = {name: needs_rebuild(parse_hook_input(sample(name, tmp_path)))[0] for name in SAMPLES}
    # outside_root and ignored need a rebuild as far as the tool is concerned: paths.py rules them out.
    assert decisions == {"edit": True, "write": True, "multiedit": True, "notebook": True,
                         "bash_read_only": False, "bash_writes": True, "outside_root": True, "ignored": True,
                         "read": False}
    relative = json.dumps({"tool_name": "Write", "tool_input": {"file_path": "src/a.py"}, "cwd": "/repo"})
    assert parse_hook_input(relative).paths == ("/repo/src/a.py",)


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '{"tool_name": 3}', '{"tool_name": "Edit", "cwd": 1}'])
def test_malformed_input_is_an_error(text):
    with pytest.raises(HookInputError):
        parse_hook_input(text)


@pytest.mark.parametrize("git", [False, True], ids=["walk", "git"])
def test_path_filter_follows_discovery(tmp_path, git):
    root = tmp_path / "repo"
    (root / "src" / "out").mkdir(parents=True)
    (root / ".gitignore").write_text("*.log\nout/\n")
    (root / "src" / ".gitignore").write_text("secret.py\n")
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    f = PathFilter(root, root / ".symidx" / "index.db")
    changed = [root / p for p in ("src/a.py", "src/b.log", "src/out/c.py", "src/secret.py", "src/.gitignore",
                                  "node_modules/x/i.js", ".venv/lib/m.py", ".symidx/index.db", "README.md")]
    changed.append(tmp_path / "elsewhere.py")
    assert f.relevant(changed) == ["README.md", "src/.gitignore", "src/a.py"]


# ---------------------------------------------------------------- the command, end to end


@pytest.fixture
def indexed(tmp_path) -> tuple[Path, Path]:
    root = tmp_path / "polyglot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    db = root / ".symidx" / "index.db"
    assert build(root, db, jobs=1, out=io.StringIO()) == 0
    return root, db


@pytest.fixture
def spawned(monkeypatch) -> list[Path]:
    """The roots of the build children the command started (they still run for real)."""
    started: list[Path] = []
    real = runner.start_build

    def start(root: Path, db: Path, jobs: int, detach: bool = False) -> runner.BuildProcess:
        started.append(root)
        return real(root, db, jobs, detach)

    monkeypatch.setattr(rebuild_module.runner, "start_build", start)
    return started


def symbols_named(db: Path, name: str) -> list[tuple[str, int]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT file_path, line FROM symbols WHERE name = ?", (name,)).fetchall()
    finally:
        conn.close()


def hook(name: str, root: Path, **kwargs) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = rebuild(stdin=True, stdin_stream=io.StringIO(sample(name, root)), out=out, err=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def test_edit_rebuilds_and_returns_when_the_db_has_it(indexed, spawned):
    root, db = indexed
    with open(root / PROCESSOR, "a") as f:
        f.write("\n\ndef settle_ledger(batch: int) -> int:\n    return batch\n")
    code, out, _ = hook("edit", root, jobs=1)
    assert code == 0 and spawned == [root]
    assert "1 packages re-extracted" in out
    line = (root / PROCESSOR).read_text().splitlines().index("def settle_ledger(batch: int) -> int:") + 1
    assert symbols_named(db, "settle_ledger") == [(PROCESSOR, line)]


@pytest.mark.parametrize("name", ["bash_read_only", "outside_root", "ignored", "read"])
def test_ignored_calls_build_nothing(indexed, spawned, name):
    root, _ = indexed
    assert hook(name, root) == (0, "", "")
    assert spawned == []


def test_malformed_stdin_exits_0_with_one_line(indexed, spawned):
    root, db = indexed
    out, err = io.StringIO(), io.StringIO()
    assert rebuild(db=str(db), stdin=True, stdin_stream=io.StringIO("{oops"), out=out, err=err) == 0
    assert err.getvalue().count("\n") == 1 and "malformed hook input" in err.getvalue()
    assert spawned == []


def test_time_budget_leaves_the_build_running(indexed, spawned):
    root, db = indexed
    files = IndexFiles(db)
    with open(root / PROCESSOR, "a") as f:
        f.write("\n\ndef late_arrival() -> None:\n    pass\n")
    # Another build holds the lock: ours must wait behind it, past the budget.
    with holding(files.build_lock):
        started = time.monotonic()
        code, out, _ = hook("bash_writes", root, timeout=0.5)
        assert code == 0 and "in the background" in out
        assert time.monotonic() - started < 5
        assert symbols_named(db, "late_arrival") == []
    deadline = time.monotonic() + 60
    while not symbols_named(db, "late_arrival"):
        assert time.monotonic() < deadline, "the background build never finished"
        time.sleep(0.1)
    while is_locked(files.build_lock):  # let it exit before tmp_path goes
        assert time.monotonic() < deadline
        time.sleep(0.05)


def waits_for_a_lock(pid: int) -> bool:
    """Whether ``pid`` is blocked in flock (Linux: a "->" line of /proc/locks)."""
    return any(line.split()[1] == "->" and line.split()[5] == str(pid)
               for line in Path("/proc/locks").read_text().splitlines() if len(line.split()) > 5)


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_a_second_request_joins_the_queued_build(indexed):
    """Builds never race, and requests made while one is queued do not queue more."""
    root, db = indexed
    files = IndexFiles(db)
    with holding(files.build_lock):
        first = runner.start_build(root, db, 1)
        deadline = time.monotonic() + 30
        while not is_locked(files.build_queue):
            assert time.monotonic() < deadline and first.running()
            time.sleep(0.02)
        second = runner.start_build(root, db, 1)
        while not waits_for_a_lock(second.pid):
            assert time.monotonic() < deadline and second.running()
            time.sleep(0.02)
        assert first.running(), "both wait for the held lock"
    one, two = first.wait(60), second.wait(60)
    assert one is not None and two is not None
    assert (one.code, one.joined) == (0, False)
    assert (two.code, two.joined) == (0, True)


def test_cli_entry_point(indexed):
    """`python -m symidx_tasks.freshness rebuild --file F`: the command line a git hook uses."""
    root, db = indexed
    with open(root / PROCESSOR, "a") as f:
        f.write("\n\ndef via_cli() -> None:\n    pass\n")
    proc = subprocess.run([sys.executable, "-m", "symidx_tasks.freshness", "rebuild", "--db", str(db),
                           "--file", str(root / PROCESSOR), "-j", "1"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "1 packages re-extracted" in proc.stdout
    assert symbols_named(db, "via_cli")


def test_no_index_around_the_agent_builds_nothing(tmp_path, spawned):
    """A hook configured for every project keeps indexes fresh but never creates one."""
    root = tmp_path / "unindexed"
    root.mkdir()
    (root / "a.py").write_text("def f(): pass\n")
    code, out, err = hook("write", root)
    assert (code, out) == (0, "") and "no index at" in err and spawned == []
    assert not (root / ".symidx").exists()
