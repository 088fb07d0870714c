"""The progress reporter: counted package tasks, plain lines vs a live TTY line, failures."""
from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
from doit.exceptions import TaskFailed
from doit.task import Task

from symidx_tasks import doit_config, index_tasks
from symidx_tasks.pipeline.action import extract_package
from symidx_tasks.pipeline.graph import run_merge
from symidx_tasks.pipeline.progress import ProgressReporter, is_interactive, is_package_task

from .trees import write_tree


def _noop() -> None:
    pass


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def graph(n: int) -> tuple[dict[str, Task], list[Task], Task]:
    packages = [Task(f"index:pkg{i:03d}", [(extract_package, [], {})]) for i in range(n)]
    merge = Task("index:merge", [(run_merge, [], {})], task_dep=[p.name for p in packages])
    group = Task("index", None, task_dep=[*(p.name for p in packages), merge.name])
    other = Task("report", [(_noop, [], {})])  # not selected: not counted
    tasks = {t.name: t for t in [*packages, merge, group, other]}
    return tasks, packages, merge


def reporter(interactive: bool, clock: Clock, width: int = 200) -> tuple[ProgressReporter, io.StringIO]:
    out = io.StringIO()
    return ProgressReporter(out, {}, clock=clock, interactive=interactive, width=width), out


def test_counts_only_package_tasks_reachable_from_the_selection():
    tasks, packages, merge = graph(5)
    assert is_package_task(packages[0]) and not is_package_task(merge) and not is_package_task(tasks["index"])
    rep, _ = reporter(False, Clock())
    rep.initialize(tasks, ["index"])
    assert rep.total == 5
    one, _ = reporter(False, Clock())
    one.initialize(tasks, ["index:pkg003"])
    assert one.total == 1
    none, out = reporter(False, Clock())
    none.initialize(tasks, ["report"])
    assert none.total == 0
    none.complete_run()
    assert out.getvalue() == ""


def test_plain_lines_every_5_percent_with_rate_and_eta():
    clock = Clock()
    tasks, packages, merge = graph(40)
    rep, out = reporter(False, clock)
    rep.initialize(tasks, ["index"])
    for p in packages:
        rep.execute_task(p)
        clock.now += 0.5
        rep.add_success(p)
    rep.execute_task(merge)
    rep.add_success(merge)
    rep.complete_run()
    lines = out.getvalue().splitlines()
    assert lines[0] == "symidx: 40 packages to check"
    progress = [line for line in lines if "/40 packages (" in line]
    assert len(progress) == 20  # every 2 packages = 5 %
    assert progress[0] == "symidx: 2/40 packages (5%), 2.0/s, ETA 19s"
    assert progress[9] == "symidx: 20/40 packages (50%), 2.0/s, ETA 10s"
    assert progress[-1] == "symidx: 40/40 packages (100%), 2.0/s"
    assert lines[-2] == ".  index:merge"
    assert lines[-1] == "symidx: 40/40 packages: 40 extracted, 0 up to date, 0 failed, in 20s"


def test_plain_up_to_date_packages_print_only_every_2_seconds():
    clock = Clock()
    tasks, packages, merge = graph(100)
    rep, out = reporter(False, clock)
    rep.initialize(tasks, ["index"])
    for p in packages:
        clock.now += 0.125
        rep.skip_uptodate(p)
    rep.skip_uptodate(merge)
    rep.complete_run()
    lines = out.getvalue().splitlines()
    assert lines[0] == "symidx: 100 packages to check"
    assert lines[1:-2] == [f"symidx: {n}/100 packages ({n}%), {n} up to date" for n in (16, 32, 48, 64, 80, 96)]
    assert lines[-2:] == ["-- index:merge", "symidx: 100/100 packages: 0 extracted, 100 up to date, 0 failed, in 12s"]


def test_failures_show_at_once_and_in_the_line():
    clock = Clock()
    tasks, packages, _ = graph(3)
    rep, out = reporter(False, clock)
    rep.initialize(tasks, ["index"])
    rep.execute_task(packages[0])
    clock.now += 1
    rep.add_success(packages[0])
    rep.execute_task(packages[1])
    rep.add_failure(packages[1], TaskFailed("cannot write the result"))
    text = out.getvalue()
    assert "TaskFailed - taskid:index:pkg001\ncannot write the result" in text
    assert text.splitlines()[-1] == "symidx: 2/3 packages (66%), 2.0/s, ETA 0s, 1 failed (last: pkg001)"
    rep.add_success(packages[2])
    rep.complete_run()
    assert "1 failed, in 1s" in out.getvalue()


def test_tty_keeps_one_live_line():
    clock = Clock()
    tasks, packages, merge = graph(4)
    rep, out = reporter(True, clock, width=60)
    rep.initialize(tasks, ["index"])
    for p in packages:
        rep.execute_task(p)
        clock.now += 1
        rep.add_success(p)
    rep.execute_task(merge)
    rep.complete_run()
    text = out.getvalue()
    assert "\n" not in text.split(".  index:merge")[0][:-1], "progress redraws in place until other output"
    assert text.count("\r") == 4
    live = text.split("\r")[-1].split("\n")[0]
    assert live.startswith("symidx: 4/4 packages (100%), 1.0/s")
    assert all(len(chunk.split("\n")[0]) <= 59 for chunk in text.split("\r")[1:])
    assert text.endswith(".  index:merge\nsymidx: 4/4 packages: 4 extracted, 0 up to date, 0 failed, in 4s\n")


def test_tty_failure_breaks_the_line_then_redraws():
    clock = Clock()
    tasks, packages, _ = graph(2)
    rep, out = reporter(True, clock)
    rep.initialize(tasks, ["index"])
    rep.execute_task(packages[0])
    clock.now += 1
    rep.add_success(packages[0])
    rep.add_failure(packages[1], TaskFailed("boom"))
    text = out.getvalue()
    assert text.startswith("\rsymidx: 1/2 packages (50%), 1.0/s, ETA 1s\nTaskFailed - taskid:index:pkg001\nboom")
    assert text.endswith("\rsymidx: 2/2 packages (100%), 2.0/s, 1 failed (last: pkg001)")


def test_tty_redraws_are_throttled():
    clock = Clock()
    tasks, packages, _ = graph(50)
    rep, out = reporter(True, clock)
    rep.initialize(tasks, ["index"])
    for p in packages:
        clock.now += 0.01
        rep.skip_uptodate(p)
    assert out.getvalue().count("\r") < 10


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("ci, tty, expected", [
    (None, True, True), ("true", True, False), ("1", True, False), ("0", True, True), ("false", True, True),
    ("", True, True), (None, False, False),
])
def test_is_interactive(ci, tty, expected):
    env = {} if ci is None else {"CI": ci}
    assert is_interactive(FakeTTY() if tty else io.StringIO(), env) is expected


def run_doit(root: Path, db: Path, *argv: str) -> tuple[int, str]:
    def task_index():
        yield from index_tasks(root=root, db=db)

    out, err = io.StringIO(), io.StringIO()
    config = doit_config(db, out)  # the one configuration, which selects ProgressReporter
    assert config["reporter"] is ProgressReporter
    with redirect_stdout(out), redirect_stderr(err):
        code = DoitMain(ModuleTaskLoader({"task_index": task_index, "DOIT_CONFIG": config})).run(
            ["run", *argv, "index"])
    return code, out.getvalue()


TREE = {
    "pyproject.toml": '[project]\nname = "top"\nversion = "1.0.0"\n',
    **{f"pkgs/p{i}/package.json": f'{{"name": "p{i}", "version": "1.0.{i}"}}\n' for i in range(6)},
    **{f"pkgs/p{i}/index.js": f"export function f{i}() {{}}\n" for i in range(6)},
}


def test_selected_through_doit_config_in_parallel(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    root = write_tree(tmp_path / "repo", TREE)
    db = tmp_path / "idx" / "index.db"
    code, out = run_doit(root, db, "-n", "2")
    assert code == 0, out
    assert out.startswith("symidx: 7 packages to check\n")
    assert "symidx: 7/7 packages (100%)" in out
    assert out.rstrip().endswith("symidx: 7/7 packages: 7 extracted, 0 up to date, 0 failed, in 0s")
    assert ".  index:pkgs/p0" not in out
    code, out = run_doit(root, db, "--reporter", "console")  # doit's own stays selectable
    assert code == 0 and "-- index:pkgs/p0" in out


def test_a_failing_package_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("CI", "true")
    root = write_tree(tmp_path / "repo", TREE)
    db = tmp_path / "idx" / "index.db"
    db.parent.mkdir(parents=True)
    (db.parent / "results").write_text("a file where the results directory should be\n")
    code, out = run_doit(root, db, "--continue")
    assert code != 0
    assert "taskid:index:pkgs/p0" in out
    assert "symidx: 7/7 packages: 0 extracted, 0 up to date, 7 failed" in out
