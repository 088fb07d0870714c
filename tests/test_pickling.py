"""Tasks cross process boundaries: they must pickle under every start method."""
from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from symidx_tasks import index_tasks

from .indexing import build, dump
from .trees import SAMPLE, write_tree


def test_every_task_pickles_with_plain_pickle(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    for task in index_tasks(repo, tmp_path / "db" / "index.db"):
        clone = pickle.loads(pickle.dumps(task))
        assert clone["name"] == task["name"]
        action, args, kwargs = clone["actions"][0]
        assert action.__module__.startswith("symidx_tasks.")
        assert kwargs == task["actions"][0][2]


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_graph_runs_under_start_method(method: str, tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / method / "index.db"
    dodo = tmp_path / f"dodo_{method}.py"
    dodo.write_text(
        "import multiprocessing\n"
        f"multiprocessing.set_start_method({method!r}, force=True)\n"
        "from symidx_tasks import doit_config, index_tasks\n"
        f"DOIT_CONFIG = doit_config({str(db)!r})  # its reporter class crosses to the workers too\n"
        "def task_index():\n"
        f"    yield from index_tasks(root={str(repo)!r}, db={str(db)!r})\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "doit", "-f", str(dodo), "-n", "2", "index"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reference = tmp_path / "fork" / "index.db"
    build(repo, reference, jobs=2)
    assert dump(db) == dump(reference)
