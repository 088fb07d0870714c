"""Correctness is equality: sequential == parallel, incremental == fresh."""
from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from symidx_tasks import IndexConfig
from symidx_tasks.pipeline.result import RESULT_SUFFIX

from .indexing import build, doit, dump, fresh_dump
from .trees import SAMPLE, write_tree


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "repo", SAMPLE)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "index.db"


def test_sample_index_has_every_ecosystem(repo: Path, db: Path) -> None:
    build(repo, db)
    text = dump(db)
    for path, kind in [("frontend/packages/web", "npm"), ("libs/auth", "python"), ("services/billing", "go"),
                       ("crates/engine", "cargo")]:
        assert f'["{path}",' in text and f'"{kind}"' in text
    assert '"ProcessPayment","function"' in text
    assert '"process_payment","function"' in text
    assert '"start","method"' in text


def test_parallel_equals_sequential(repo: Path, tmp_path: Path) -> None:
    one, four = tmp_path / "one" / "index.db", tmp_path / "four" / "index.db"
    build(repo, one, jobs=1)
    build(repo, four, jobs=4)
    assert dump(one) == dump(four)
    in_process = tmp_path / "zero" / "index.db"  # doit's sequential runner, no worker at all
    build(repo, in_process, jobs=0)
    assert dump(in_process) == dump(one)
    # Result files are byte-identical too: the merge input does not depend on -n.
    # (Not the .stat files beside them: the stats of this run's reads, for the next run.)
    names = sorted(n for n in os.listdir(one.parent / "results") if n.endswith(RESULT_SUFFIX))
    assert names and names == sorted(n for n in os.listdir(four.parent / "results") if n.endswith(RESULT_SUFFIX))
    for name in names:
        assert (one.parent / "results" / name).read_bytes() == (four.parent / "results" / name).read_bytes()


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "polyglot"


def test_parallel_equals_sequential_on_the_example(tmp_path: Path) -> None:
    repo = tmp_path / "polyglot"
    shutil.copytree(EXAMPLE, repo)
    one, four = tmp_path / "one" / "index.db", tmp_path / "four" / "index.db"
    build(repo, one, jobs=1)
    build(repo, four, jobs=4)
    assert dump(one) == dump(four)


def _doit_status(repo: Path, db: Path) -> dict[str, str]:
    """doit's own view: `doit list --all --status` -> {task: R/U}."""
    run = doit(repo, db, "list", "--all", "--status", "index")
    assert run.code in (0, None), run.err
    rows = (line.split()[:2] for line in run.out.splitlines() if line.strip())
    # the group task `index` is always "R" in doit's listing: only sub-tasks count
    return {task: flag for flag, task in rows if ":" in task}


def test_single_file_edit_makes_exactly_one_package_task_stale(repo: Path, db: Path) -> None:
    build(repo, db)
    assert set(_doit_status(repo, db).values()) == {"U"}
    _append("services/billing/billing.go", "\nfunc Refund(id string) error { return nil }\n")(repo)
    stale = sorted(task for task, flag in _doit_status(repo, db).items() if flag == "R")
    # the merge's own file_dep (the result) has not changed yet, so doit
    # reports only the package; running it then runs the merge
    assert stale == ["index:services/billing"]
    assert build(repo, db).executed == ["index:services/billing", "index:merge"]


def test_noop_rerun_runs_nothing_and_leaves_db_untouched(repo: Path, db: Path) -> None:
    build(repo, db)
    before = (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns)
    again = build(repo, db)
    assert again.executed == []
    assert "index:merge" in again.uptodate
    assert (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns) == before


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        with open(root / rel, "a") as f:
            f.write(text)
    return edit


def _write(rel: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return edit


def _delete(rel: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        target = root / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return edit


def _move(src: str, dst: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        (root / dst).parent.mkdir(parents=True, exist_ok=True)
        os.rename(root / src, root / dst)
    return edit


def _replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
    return edit


# (edit, the package tasks that must run: None = don't check the exact set)
EDITS: dict[str, tuple[Callable[[Path], None], list[str] | None]] = {
    "edit source": (_append("services/billing/billing.go", "\nfunc Refund(id string) error { return nil }\n"),
                    ["index:services/billing"]),
    "add file": (_write("libs/auth/shop_auth/tokens.py", "def issue(user: str) -> str:\n    return user\n"),
                 ["index:libs/auth"]),
    "delete file": (_delete("frontend/packages/ui/src/Button.tsx"), ["index:frontend/packages/ui"]),
    "add package": (_write("libs/cache/pyproject.toml", '[project]\nname = "shop-cache"\ndependencies = ["shop-auth"]\n'),
                    ["index:libs/cache"]),
    "delete package": (_delete("crates/cli"), []),
    "edit manifest deps": (_replace("frontend/packages/web/package.json", '"react": "^18.2.0"', '"react": "^19.0.0", "@shop/auth": "1"'),
                           ["index:frontend/packages/web"]),
    "rename package": (_replace("libs/core/pyproject.toml", 'name = "shop_core"', 'name = "shop-kernel"'),
                       ["index:libs/core"]),
    "rename package dir": (_move("libs/core", "libs/kernel"), ["index:libs/kernel"]),
    "move file between packages": (_move("libs/core/shop_core/money.py", "libs/auth/shop_auth/money.py"),
                                   ["index:libs/auth", "index:libs/core"]),
    "edit workspace root": (_replace("Cargo.toml", 'serde = "1.0"', 'serde = "1.0.200"'), None),
    "file leaves every package": (_move("libs/core/shop_core/money.py", "tools/money.py"),
                                  ["index:@unowned", "index:libs/core"]),
    "edit unowned file": (_append("scripts/deploy.py", "\ndef rollback() -> None:\n    pass\n"), ["index:@unowned"]),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_incremental_equals_fresh(name: str, repo: Path, db: Path, tmp_path: Path) -> None:
    edit, expected_runs = EDITS[name]
    build(repo, db)
    edit(repo)
    run = build(repo, db)
    if expected_runs is not None:
        assert run.packages_run == sorted(expected_runs)
    assert "index:merge" in run.executed
    assert dump(db) == fresh_dump(repo, tmp_path)
    # and it settles: the next run does nothing
    assert build(repo, db).executed == []


def test_workspace_root_edit_reruns_its_members(repo: Path, db: Path) -> None:
    build(repo, db)
    _replace("Cargo.toml", 'serde = "1.0"', 'serde = "1.0.200"')(repo)
    run = build(repo, db)
    assert "index:crates/engine" in run.packages_run
    assert "1.0.200" in dump(db)


def test_config_change_reruns_only_affected_packages(repo: Path, db: Path, tmp_path: Path) -> None:
    write_tree(repo, {"libs/auth/tests/test_login.py": "def test_login():\n    pass\n"})
    build(repo, db, config=IndexConfig())
    config = IndexConfig(skip_tests=False)
    run = build(repo, db, config=config)
    # Only the package holding a test file changes its file classification.
    assert run.packages_run == ["index:libs/auth"]
    assert '"test_login","function"' in dump(db)
    assert dump(db) == fresh_dump(repo, tmp_path, config=config)


def test_deleted_db_is_rebuilt_from_result_files(repo: Path, db: Path) -> None:
    build(repo, db)
    expected = dump(db)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    run = build(repo, db)
    assert run.packages_run == []  # result files were still good
    assert dump(db) == expected


def test_forget_then_run_converges(repo: Path, db: Path) -> None:
    build(repo, db)
    expected = dump(db)
    assert doit(repo, db, "forget", "--all").code in (0, None)
    build(repo, db)
    assert dump(db) == expected


def test_clean_then_run_converges(repo: Path, db: Path) -> None:
    build(repo, db)
    expected = dump(db)
    assert doit(repo, db, "clean", "index").code in (0, None)
    assert not db.exists() and not any((db.parent / "results").glob("*.json"))
    build(repo, db)
    assert dump(db) == expected


def test_result_files_are_deterministic(repo: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "index.db", tmp_path / "b" / "index.db"
    build(repo, a)
    build(repo, b, jobs=2)
    names = [n for n in os.listdir(a.parent / "results") if n.endswith(RESULT_SUFFIX)]
    assert names
    for name in names:
        assert (a.parent / "results" / name).read_bytes() == (b.parent / "results" / name).read_bytes()


@pytest.mark.parametrize("edit_parent", [False, True])
def test_a_nested_package_losing_its_manifest_hands_its_files_to_the_enclosing_one(
        tmp_path: Path, edit_parent: bool) -> None:
    """The enclosing package (sorted first) loads the files while the nested
    package still holds them; it is deleted only after every load. Both the
    whole-package reload (its result changed by an edit elsewhere too) and the
    per-file one must take the files over, not fail on files.path being unique."""
    root = write_tree(tmp_path / "repo", {
        "libs/outer/pyproject.toml": '[project]\nname = "outer"\n',
        "libs/outer/outer/core.py": "def f():\n    pass\n",
        "libs/outer/inner/pyproject.toml": '[project]\nname = "inner"\ndependencies = ["outer"]\n',
        "libs/outer/inner/inner/x.py": "from outer.core import f\n\ndef g():\n    f()\n",
    })
    db = tmp_path / "state" / "index.db"
    build(root, db)
    (root / "libs/outer/inner/pyproject.toml").unlink()
    if edit_parent:  # the package record changes too: the whole-package path
        (root / "libs/outer/pyproject.toml").write_text('[project]\nname = "outer"\nversion = "2"\n')
    build(root, db)
    assert dump(db) == fresh_dump(root, tmp_path / "scratch")
    assert '["libs/outer/inner/inner/x.py","libs/outer"' in dump(db)
