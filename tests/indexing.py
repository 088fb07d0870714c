"""Run the index through doit's public API, in-process, the way tests need it:
with the one doit configuration every entry point uses, and a reporter that
records which tasks ran (doit's reporter interface, not its console text)."""
from __future__ import annotations

import io
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

from symidx_tasks import IndexConfig, doit_config, index_tasks
from symidx_tasks.pipeline.progress import ProgressReporter
from symidx_tasks.store.dump import dump_text


@dataclass
class Run:
    code: int
    executed: list[str] = field(default_factory=list)  # tasks with actions that started, in order
    uptodate: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    out: str = ""
    err: str = ""

    @property
    def packages_run(self) -> list[str]:
        return sorted(t for t in self.executed if t != "index:merge")


class RecordingReporter(ProgressReporter):
    """symidx's reporter (so runs print what users see) that also records, per
    doit's reporter calls, which tasks executed, were up to date or failed.
    doit accepts a reporter instance in DOIT_CONFIG['reporter']; under ``-n``
    the workers report back to this instance in the main process."""

    def __init__(self, outstream: Any, run: Run) -> None:
        super().__init__(outstream, {})
        self.run = run

    def execute_task(self, task: Any) -> None:
        if task.actions:  # a group task (no actions) is not work that ran
            self.run.executed.append(task.name)
        super().execute_task(task)

    def skip_uptodate(self, task: Any) -> None:
        self.run.uptodate.append(task.name)
        super().skip_uptodate(task)

    def add_failure(self, task: Any, fail: Any) -> None:
        self.run.failed.append(task.name)
        super().add_failure(task, fail)


def recording_config(db: Path, outfile: io.StringIO, run: Run) -> dict[str, Any]:
    """The one doit configuration (symidx_tasks.doit_config), recording into ``run``."""
    return doit_config(db, outfile, reporter=RecordingReporter(outfile, run))


def doit(root: Path, db: Path, *args: str, jobs: int = 0, config: IndexConfig | None = None,
         dep_file: Path | None = None) -> Run:
    """`doit -n JOBS index` (or another doit command given in args) on root into db.

    doit's dep file is the configured one (locations.dep_file, beside the DB)
    unless ``dep_file`` names another."""
    def task_index() -> Iterator[dict[str, Any]]:
        yield from index_tasks(root=root, db=db, config=config)

    out, err = io.StringIO(), io.StringIO()
    run = Run(0)
    loader = ModuleTaskLoader({"task_index": task_index, "DOIT_CONFIG": recording_config(db, out, run)})
    # jobs=0 runs doit's sequential runner in this process (monkeypatches
    # apply); jobs=N is `doit -n N`, which forks N workers even for N=1.
    argv = list(args) or (["run", "index"] if jobs == 0 else ["run", "-n", str(jobs), "index"])
    if dep_file is not None and argv[0] in ("run", "list", "forget", "clean", "info"):
        argv[1:1] = ["--db-file", str(dep_file)]
    with redirect_stdout(out), redirect_stderr(err):
        run.code = DoitMain(loader).run(argv)
    run.out, run.err = out.getvalue(), err.getvalue()
    return run


def build(root: Path, db: Path, jobs: int = 0, config: IndexConfig | None = None) -> Run:
    run = doit(root, db, jobs=jobs, config=config)
    assert run.code == 0, f"doit failed ({run.code}):\n{run.out}\n{run.err}"
    return run


def dump(db: Path) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dump_text(conn)
    finally:
        conn.close()


def fresh_dump(root: Path, scratch: Path, config: IndexConfig | None = None) -> str:
    """The dump of a from-scratch build of a copy of root (own dep file, own DB)."""
    copy = scratch / "fresh-tree"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(root, copy, symlinks=True)
    db = scratch / "fresh-index" / "index.db"
    if db.parent.exists():
        shutil.rmtree(db.parent)
    build(copy, db, config=config)
    return dump(db)
