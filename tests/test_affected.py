"""`symidx affected`: changed files -> packages -> transitive dependents, on a
git copy of examples/polyglot.

The copy gains one package, services/checkout (python, depends on
shop-payments), so a change in libs/auth reaches a package two links away:
libs/auth <- libs/payments <- services/checkout. The copy is the subdirectory
mono/ of the git work tree (the indexed root need not be its top; changes above
it are none of its index's business). The index is built once, at the first
commit, into the root's own .symidx/ (untracked, so git reports it: it must
never count as a change). Each test clones that repo and changes the clone, in
later commits and in the working tree.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from symidx_tasks.errors import UsageError
from symidx_tasks.impact import (
    FILE_CHANGED,
    MANIFEST_CHANGED,
    PACKAGE_ADDED,
    PACKAGE_REMOVED,
    Affected,
    affected_packages,
    render_paths,
    render_text,
)
from symidx_tasks.impact.affected import affected
from symidx_tasks.pipeline.build import build
from symidx_tasks.query import open_index

from .trees import commit_all, git, write_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "polyglot"
CHECKOUT: dict[str, str | bytes] = {
    "services/checkout/pyproject.toml": (
        '[project]\nname = "shop-checkout"\nversion = "0.1.0"\ndependencies = ["shop-payments>=1.2"]\n'
    ),
    "services/checkout/shop_checkout/__init__.py": "def checkout(total: int) -> int:\n    return total\n",
}
AUTH_DEPENDENTS = {
    "libs/auth": ["libs/auth"],
    "libs/auth/plugins/oauth": ["libs/auth", "libs/auth/plugins/oauth"],
    "libs/payments": ["libs/auth", "libs/payments"],
    "services/checkout": ["libs/auth", "libs/payments", "services/checkout"],
}
PAYMENTS_DEPENDENTS = {"libs/payments": ["libs/payments"], "services/checkout": ["libs/payments", "services/checkout"]}


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(indexed root at the first commit, its index built at that commit)."""
    top = tmp_path_factory.mktemp("affected") / "repo"
    root = top / "mono"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    write_tree(root, CHECKOUT)
    write_tree(top, {"TOP.md": "above the indexed root\n"})
    git(top, "init", "-q")
    commit_all(top, "base")
    db = root / ".symidx" / "index.db"
    assert build(root, db, jobs=1) == 0
    return root, db


@pytest.fixture
def repo(origin: tuple[Path, Path], tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    git(origin[0], "clone", "-q", str(origin[0].parent), str(clone))
    return clone / "mono"


@pytest.fixture(scope="module")
def conn(origin: tuple[Path, Path]) -> sqlite3.Connection:
    return open_index(origin[1])


def chains(res: Affected) -> dict[str, list[str]]:
    return {p["path"]: p["chain"] for p in res["packages"]}


def reasons(res: Affected) -> dict[str, str]:
    return {p["path"]: p["reason"] for p in res["packages"]}


def test_the_index_has_the_chain(conn: sqlite3.Connection) -> None:
    """The assertions below rely on these internal dependencies of the example."""
    edges = {tuple(r) for r in conn.execute(
        "SELECT package, internal_package FROM dependencies WHERE internal_package IS NOT NULL")}
    assert {("libs/payments", "libs/auth"), ("services/checkout", "libs/payments"),
            ("libs/auth/plugins/oauth", "libs/auth"), ("crates/cli", "crates/core")} <= edges


def test_change_in_libs_auth_reaches_its_dependents_transitively(conn: sqlite3.Connection, repo: Path) -> None:
    (repo / "libs/auth/shop_auth/__init__.py").write_text("def renamed() -> None:\n    pass\n")
    commit_all(repo, "auth changed")
    res = affected(conn, repo, since="HEAD~1")
    assert chains(res) == AUTH_DEPENDENTS
    assert set(reasons(res).values()) == {FILE_CHANGED}
    by_path = {p["path"]: p for p in res["packages"]}
    assert by_path["libs/auth"]["files"] == ["libs/auth/shop_auth/__init__.py"]
    assert by_path["services/checkout"]["files"] == []  # affected, not changed
    assert by_path["libs/payments"]["name"] == "shop-payments"
    assert res["changed_files"] == [{"path": "libs/auth/shop_auth/__init__.py", "change": "modified",
                                     "old_path": None, "packages": ["libs/auth"], "note": None}]
    assert render_paths(res) == "libs/auth\nlibs/auth/plugins/oauth\nlibs/payments\nservices/checkout\n"
    text = render_text(res)
    assert "1 changed file since HEAD~1" in text and ": 1 package changed, 4 affected" in text
    assert "services/checkout        via libs/auth -> libs/payments -> services/checkout  (libs/auth: file changed)" \
        in text
    assert json.loads(json.dumps(res)) == res
    both = affected(conn, repo, since="HEAD~1", files=["libs/auth/shop_auth/__init__.py", "scripts/deploy.py"])
    assert [(f["path"], f["change"]) for f in both["changed_files"]] == [
        ("libs/auth/shop_auth/__init__.py", "modified"), ("scripts/deploy.py", "listed")]
    assert chains(both) == AUTH_DEPENDENTS


def test_working_tree_staged_unstaged_and_untracked(conn: sqlite3.Connection, repo: Path) -> None:
    (repo / "crates/core/src/lib.rs").write_text("pub fn changed() {}\n")  # unstaged
    (repo / "services/billing/tax.go").write_text("package billing\n")
    git(repo, "add", "services/billing/tax.go")  # staged
    (repo / "frontend/packages/ui/src/Badge.tsx").write_text("export const Badge = 1;\n")  # untracked
    (repo / "libs/auth/debug.log").write_text("ignored by .gitignore\n")  # ignored: no change
    (repo.parent / "TOP.md").write_text("changed, above the root\n")  # not under the root: no change
    write_tree(repo, {".symidx/index.db": "another index of this tree: no change"})
    res = affected(conn, repo, since="HEAD")
    assert chains(res) == {
        "crates/cli": ["crates/core", "crates/cli"],
        "crates/core": ["crates/core"],
        "frontend/packages/ui": ["frontend/packages/ui"],
        "frontend/packages/web": ["frontend/packages/ui", "frontend/packages/web"],
        "services/billing": ["services/billing"],
        "services/gateway": ["services/billing", "services/gateway"],
    }
    assert {f["path"]: f["change"] for f in res["changed_files"]} == {
        "crates/core/src/lib.rs": "modified", "services/billing/tax.go": "modified",
        "frontend/packages/ui/src/Badge.tsx": "added",
    }


def test_nothing_changed_and_the_index_dir_is_not_a_change(conn: sqlite3.Connection, origin: tuple[Path, Path]) -> None:
    root = origin[0]
    assert git(root, "status", "--porcelain") == "?? mono/.symidx/"  # git does report it
    res = affected_packages(conn)  # the indexed root, uncommitted changes
    assert (res["changed_files"], res["packages"], res["unowned"]) == ([], [], [])
    assert render_paths(res) == ""
    assert render_text(res).startswith("0 changed files since HEAD")


def test_own_manifest_change(conn: sqlite3.Connection, repo: Path) -> None:
    manifest = repo / "libs/payments/pyproject.toml"
    manifest.write_text(manifest.read_text().replace('version = "1.2.0"', 'version = "1.3.0"'))
    commit_all(repo, "bump")
    res = affected(conn, repo, since="HEAD~1")
    assert chains(res) == PAYMENTS_DEPENDENTS
    assert reasons(res) == {"libs/payments": MANIFEST_CHANGED, "services/checkout": MANIFEST_CHANGED}


def test_inherited_manifest_change_outside_every_package(conn: sqlite3.Connection, repo: Path) -> None:
    """go.work is in no package, but both Go modules read it: it changes them, it is not 'unowned'."""
    (repo / "go.work").write_text("go 1.23\n\nuse (\n\t./services/billing\n\t./services/gateway\n)\n")
    res = affected(conn, repo, since="HEAD")
    assert reasons(res) == {"services/billing": MANIFEST_CHANGED, "services/gateway": MANIFEST_CHANGED}
    assert all(len(c) == 1 for c in chains(res).values())
    assert res["unowned"] == []
    assert res["changed_files"][0]["packages"] == ["services/billing", "services/gateway"]


def test_deleted_package_still_affects_its_dependents(conn: sqlite3.Connection, repo: Path) -> None:
    git(repo, "rm", "-r", "-q", "libs/payments")
    commit_all(repo, "payments gone")
    res = affected(conn, repo, since="HEAD~1")
    assert chains(res) == PAYMENTS_DEPENDENTS
    assert reasons(res) == {"libs/payments": PACKAGE_REMOVED, "services/checkout": PACKAGE_REMOVED}
    assert [p["removed"] for p in res["packages"]] == [True, False]
    assert {f["change"] for f in res["changed_files"]} == {"deleted"}
    assert render_paths(res) == "services/checkout\n"  # nothing left to test in a removed package
    assert "libs/payments      package removed: libs/payments/pyproject.toml" in render_text(res)


def test_deleted_package_with_the_index_built_after_the_deletion(repo: Path, tmp_path: Path) -> None:
    """The usual CI case: the index is of the new tree, which no longer has the
    package; its old manifest, read at the base revision, names its dependents."""
    shutil.rmtree(repo / "libs/payments")
    commit_all(repo, "payments gone")
    db = tmp_path / "after" / "index.db"
    assert build(repo, db, jobs=1) == 0
    after = open_index(db)
    try:
        assert after.execute("SELECT count(*) FROM packages WHERE path = 'libs/payments'").fetchone()[0] == 0
        res = affected(after, repo, since="HEAD~1")
    finally:
        after.close()
    assert chains(res) == PAYMENTS_DEPENDENTS
    payments = res["packages"][0]
    assert (payments["name"], payments["reason"], payments["removed"]) == ("shop-payments", PACKAGE_REMOVED, True)
    assert res["unowned"] == []  # the deleted files belonged to the removed package


def test_renamed_package(conn: sqlite3.Connection, repo: Path) -> None:
    git(repo, "mv", "libs/payments", "libs/pay")
    commit_all(repo, "payments moved")
    res = affected(conn, repo, since="HEAD~1")
    assert reasons(res) == {"libs/pay": PACKAGE_ADDED, "libs/payments": PACKAGE_REMOVED,
                            "services/checkout": PACKAGE_REMOVED}
    assert chains(res)["services/checkout"] == ["libs/payments", "services/checkout"]
    moved = {f["old_path"]: f for f in res["changed_files"]}["libs/payments/pyproject.toml"]
    assert (moved["path"], moved["change"], moved["packages"]) == (
        "libs/pay/pyproject.toml", "renamed", ["libs/pay", "libs/payments"])
    assert render_paths(res) == "libs/pay\nservices/checkout\n"


def test_new_package_added(conn: sqlite3.Connection, repo: Path) -> None:
    write_tree(repo, {"libs/fraud/pyproject.toml": '[project]\nname = "shop-fraud"\nversion = "0.1.0"\n',
                      "libs/fraud/shop_fraud/__init__.py": "def score() -> int:\n    return 0\n"})
    res = affected(conn, repo, since="HEAD")
    assert chains(res) == {"libs/fraud": ["libs/fraud"]}
    assert reasons(res) == {"libs/fraud": PACKAGE_ADDED}
    assert res["packages"][0]["files"] == ["libs/fraud/pyproject.toml", "libs/fraud/shop_fraud/__init__.py"]


def test_unowned_file_affects_nothing(conn: sqlite3.Connection, repo: Path) -> None:
    (repo / "scripts/deploy.py").write_text("print('deploy')\n")
    (repo / "docs/NEW.md").write_text("# new\n")
    res = affected(conn, repo, since="HEAD")
    assert res["packages"] == []
    assert res["unowned"] == ["docs/NEW.md", "scripts/deploy.py"]
    assert [f["packages"] for f in res["changed_files"]] == [[], []]
    text = render_text(res)
    assert "0 packages changed, 0 affected" in text
    assert "in no package (affects nothing): docs/NEW.md, scripts/deploy.py" in text


def test_files_form_needs_no_git(conn: sqlite3.Connection, origin: tuple[Path, Path], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "plain"  # the same tree, not a git work tree, and no git on PATH
    shutil.copytree(origin[0], plain, ignore=shutil.ignore_patterns(".git", ".symidx"))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    res = affected(conn, plain, files=[
        "libs/auth/shop_auth/__init__.py", str(plain / "scripts/deploy.py"), "./services/billing//tax.go",
        "../elsewhere.py", "/etc/hosts", "nowhere/typo.py", "libs/auth/shop_auth/gone.py",
    ])
    assert (res["since"], res["base"]) == (None, None)
    assert chains(res) == {**AUTH_DEPENDENTS, "services/billing": ["services/billing"],
                           "services/gateway": ["services/billing", "services/gateway"]}
    assert res["unowned"] == ["scripts/deploy.py"]
    assert res["not_in_repo"] == ["../elsewhere.py", "/etc/hosts", "nowhere/typo.py"]
    notes = {f["path"]: f["note"] for f in res["changed_files"]}
    assert notes["libs/auth/shop_auth/gone.py"] and "deleted?" in notes["libs/auth/shop_auth/gone.py"]
    assert {f["change"] for f in res["changed_files"]} == {"listed"}
    assert "not in the repository (ignored): ../elsewhere.py, /etc/hosts, nowhere/typo.py" in render_text(res)
    with pytest.raises(UsageError, match="not in a git work tree"):
        affected(conn, plain, since="HEAD")


def test_bad_revision(conn: sqlite3.Connection, repo: Path) -> None:
    with pytest.raises(UsageError, match="not a commit"):
        affected(conn, repo, since="no-such-branch")
