"""Run the index through doit's public API, in-process, the way tests need it."""
from __future__ import annotations

import io
import shutil
import sqlite3
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

from symidx_tasks import IndexConfig, index_tasks
from symidx_tasks.store.dump import dump_text


@dataclass
class Run:
    code: int
    executed: list[str] = field(default_factory=list)
    uptodate: list[str] = field(default_factory=list)
    out: str = ""
    err: str = ""

    @property
    def packages_run(self) -> list[str]:
        return sorted(t for t in self.executed if t != "index:merge")


def _creator(root: Path, db: Path, config: IndexConfig | None):
    def task_index():
        yield from index_tasks(root=root, db=db, config=config)

    return task_index


def doit(root: Path, db: Path, *args: str, jobs: int = 0, config: IndexConfig | None = None,
         dep_file: Path | None = None) -> Run:
    """`doit -n JOBS index` (or another doit command given in args) on root into db."""
    dep_file = dep_file or db.parent / "doit-deps.db"
    dep_file.parent.mkdir(parents=True, exist_ok=True)
    loader = ModuleTaskLoader({"task_index": _creator(root, db, config), "DOIT_CONFIG": {"backend": "sqlite3"}})
    # jobs=0 runs doit's sequential runner in this process (so its output is
    # captured here); jobs=N is `doit -n N`, which forks N workers even for N=1.
    argv = list(args) or (["run", "index"] if jobs == 0 else ["run", "-n", str(jobs), "index"])
    if argv[0] in ("run", "list", "forget", "clean", "info"):
        argv[1:1] = ["--db-file", str(dep_file)]
    report = dep_file.parent / "doit-report.txt"
    if argv[0] == "run":  # its reporter writes to the sys.stdout of import time, not ours
        argv[1:1] = ["--output-file", str(report)]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = DoitMain(loader).run(argv)
    text = out.getvalue()
    if argv[0] == "run":
        text += report.read_text()
        report.unlink()
    run = Run(code, out=text, err=err.getvalue())
    for line in run.out.splitlines():
        if line.startswith(".  "):
            run.executed.append(line[3:].strip())
        elif line.startswith("-- "):
            run.uptodate.append(line[3:].strip())
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
