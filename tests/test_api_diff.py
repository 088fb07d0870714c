"""symidx api-diff on a git copy of the example monorepo: the exact public API
added, removed and changed per package, that the old side re-extracts only the
packages whose inputs differ, that its worktree is gone afterwards (also after
a failure or Ctrl-C), and the Markdown a pull-request comment gets."""
from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest

from symidx_tasks.errors import SymidxError, UsageError
from symidx_tasks.impact import api_refs, api_render, reuse
from symidx_tasks.impact.api_diff import ApiDiff, api_diff
from symidx_tasks.impact.api_surface import Identity, diff_package, read_surface
from symidx_tasks.impact.worktree import TEMP_PREFIX, leftover_worktrees, resolve_revision, temporary_worktree
from symidx_tasks.pipeline import action
from symidx_tasks.pipeline import build as pipeline_build_module
from symidx_tasks.pipeline.build import build as pipeline_build
from symidx_tasks.query.connection import open_index
from tests.indexing import build
from tests.trees import commit_all, git

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "polyglot"

AUTH_BASE = '''"""Signing, version 1."""


def sign(payload: str) -> str:
    return payload


def verify(token: str) -> bool:
    return bool(token)


class Signer:
    def rotate(self) -> None:
        pass

    def current(self) -> str:
        return ""
'''

AUTH_NEW = '''"""Signing, version 2."""


def sign(payload: str, key: str) -> str:
    return payload + key


def sign_many(payloads: list[str]) -> list[str]:
    return payloads


class Signer:
    def current(self) -> str:
        return ""

    def rekey(self, key: str) -> None:
        pass


def _private_helper() -> None:
    pass
'''

PAYMENTS_BASE = '''"""Charges, version 1."""
from typing import overload


def charge(amount: int) -> str:
    return str(amount)


def refund(charge_id: str) -> None:
    pass


@overload
def parse(x: int) -> int: ...
@overload
def parse(x: str) -> str: ...
def parse(x): return x


def receipt_text(charge_id: str) -> str:
    return charge_id
'''

# charge changes, refund goes, capture comes, parse gains an overload,
# receipt_text moves to another file of the package (no change).
PAYMENTS_NEW = '''"""Charges, version 2."""
from typing import overload


def charge(amount: int, currency: str) -> str:
    return f"{amount} {currency}"


def capture(charge_id: str) -> None:
    pass


@overload
def parse(x: int) -> int: ...
@overload
def parse(x: str) -> str: ...
@overload
def parse(x: bytes) -> bytes: ...
def parse(x): return x
'''

RECEIPTS = '''def receipt_text(charge_id: str) -> str:
    return charge_id
'''

CHECKOUT_MANIFEST = '''[project]
name = "shop-checkout"
version = "0.1.0"
dependencies = ["shop-auth", "shop-payments"]
'''

CHECKOUT = '''from shop_auth.api_v1 import sign, verify
from shop_payments.api_v1 import charge, refund


def checkout(amount: int) -> str:
    token = sign("order")
    if not verify(token):
        refund("none")
    return charge(amount)
'''


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


AUTH, PAYMENTS = "libs/auth/shop_auth/api_v1.py", "libs/payments/shop_payments/api_v1.py"
CHANGES = {AUTH: AUTH_NEW, PAYMENTS: PAYMENTS_NEW, "libs/payments/shop_payments/receipts.py": RECEIPTS}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git copy of the example with a base commit holding the v1 modules and
    a third package (services/checkout) that uses them."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    _write(root, {".gitignore": (root / ".gitignore").read_text() + ".symidx/\n", AUTH: AUTH_BASE,
                  PAYMENTS: PAYMENTS_BASE, "services/checkout/pyproject.toml": CHECKOUT_MANIFEST,
                  "services/checkout/checkout/flow.py": CHECKOUT})
    git(root, "init", "-q")
    commit_all(root, "base")
    return root


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of the packages extracted from now on (builds run in this process: jobs=0)."""
    seen: list[str] = []
    real = action.package_result

    def counting(root: str, key: str, *args: Any, **kwargs: Any) -> tuple[bytes, bool]:
        seen.append(key)
        return real(root, key, *args, **kwargs)

    monkeypatch.setattr(action, "package_result", counting)
    return seen


def _diff(root: Path, rev_a: str, rev_b: str | None = None) -> ApiDiff:
    db = root / ".symidx" / "index.db"
    conn = open_index(db)
    try:
        return api_diff(conn, rev_a, rev_b, db=str(db), jobs=0)
    finally:
        conn.close()


def _names(res: ApiDiff) -> dict[str, dict[str, list[str]]]:
    return {p["package"]: {part: sorted(f"{s['kind']} {s['name']}" for s in p[part])
                           for part in ("added", "removed", "changed")} for p in res["packages"]}


EXPECTED = {
    "libs/auth": {"added": ["function sign_many", "method Signer.rekey"],
                  "removed": ["function verify", "method Signer.rotate"],
                  "changed": ["function sign"]},
    "libs/payments": {"added": ["function capture"], "removed": ["function refund"],
                      "changed": ["function parse", "function charge"]},
}
EXPECTED["libs/payments"]["changed"].sort()


def _our_temp_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*")}


def test_working_tree_against_a_revision(repo: Path, extractions: list[str]) -> None:
    _write(repo, CHANGES)
    build(repo, repo / ".symidx" / "index.db")
    extractions.clear()
    before = _our_temp_dirs()
    res = _diff(repo, "HEAD")
    assert _names(res) == EXPECTED
    # Only the two changed packages were extracted for the old side; the index was fresh.
    assert sorted(extractions) == ["libs/auth", "libs/payments"]
    assert res["old"]["extracted"] == ["libs/auth", "libs/payments"]
    assert res["new"] == {"revision": "working tree", "commit": None, "packages": res["old"]["packages"],
                          "extracted": None}
    assert res["summary"] == {"packages": 2, "added": 3, "removed": 3, "changed": 3,
                              "references": res["summary"]["references"]}
    payments = next(p for p in res["packages"] if p["package"] == "libs/payments")
    parse = next(c for c in payments["changed"] if c["name"] == "parse")
    assert parse["old"] == ["def parse(x)", "def parse(x: int) -> int", "def parse(x: str) -> str"]
    assert parse["new"] == [*parse["old"][:1], "def parse(x: bytes) -> bytes", *parse["old"][1:]]
    charge = next(c for c in payments["changed"] if c["name"] == "charge")
    assert (charge["old"], charge["new"]) == (["def charge(amount: int) -> str"],
                                              ["def charge(amount: int, currency: str) -> str"])
    assert leftover_worktrees(repo) == []
    assert len(git(repo, "worktree", "list", "--porcelain").strip().split("\n\n")) == 1
    assert _our_temp_dirs() <= before


def test_the_old_side_starts_from_the_index_and_only_differing_packages_are_compared(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The old side's merge starts from a copy of the index (the private cache's
    seed) and reloads the two packages whose results differ; only those two
    packages' public APIs are read on either side."""
    from symidx_tasks.impact import api_diff as api_diff_module
    from symidx_tasks.store import merge as merge_module

    _write(repo, CHANGES)
    build(repo, repo / ".symidx" / "index.db")
    merges: list[Any] = []
    real_merge = merge_module.merge_results

    def recording_merge(*args: Any, **kwargs: Any) -> Any:
        stats = real_merge(*args, **kwargs)
        merges.append(stats)
        return stats

    surfaces: list[Any] = []
    real_read = api_diff_module.read_surface

    def recording_read(conn: sqlite3.Connection, only: Any = None) -> Any:
        surfaces.append(only)
        return real_read(conn, only)

    monkeypatch.setattr(merge_module, "merge_results", recording_merge)
    monkeypatch.setattr(api_diff_module, "read_surface", recording_read)
    assert _names(_diff(repo, "HEAD")) == EXPECTED
    old_side = merges[-1]
    assert old_side.created and old_side.seeded
    assert sorted(old_side.reloaded) == ["libs/auth", "libs/payments"]
    assert surfaces == [{"libs/auth", "libs/payments"}] * 2


def test_stale_index_is_brought_up_to_date_first(repo: Path, extractions: list[str]) -> None:
    build(repo, repo / ".symidx" / "index.db")
    _write(repo, CHANGES)  # after the build: the index does not know these yet
    extractions.clear()
    res = _diff(repo, "HEAD")
    assert _names(res) == EXPECTED
    # The incremental build re-extracted the two packages; the old side took
    # the others from the seeded cache and extracted the two again (old inputs).
    assert sorted(extractions) == ["libs/auth", "libs/auth", "libs/payments", "libs/payments"]


def test_two_revisions(repo: Path, extractions: list[str]) -> None:
    _write(repo, CHANGES)
    commit_all(repo, "v2")
    build(repo, repo / ".symidx" / "index.db")
    extractions.clear()
    res = _diff(repo, "HEAD~1", "HEAD")
    assert _names(res) == EXPECTED
    # HEAD is the working tree: everything came from the index's results.
    assert res["new"]["extracted"] == [] and res["old"]["extracted"] == ["libs/auth", "libs/payments"]
    assert sorted(extractions) == ["libs/auth", "libs/payments"]
    assert _names(_diff(repo, "HEAD", "HEAD")) == {}
    assert leftover_worktrees(repo) == []


def test_references_of_changed_and_removed_symbols(repo: Path) -> None:
    _write(repo, CHANGES)
    build(repo, repo / ".symidx" / "index.db")
    res = _diff(repo, "HEAD")
    conn = open_index(repo / ".symidx" / "index.db")
    try:
        indexed = api_refs.has_references(conn)
    finally:
        conn.close()
    assert res["references_indexed"] is indexed
    auth = next(p for p in res["packages"] if p["package"] == "libs/auth")
    verify = next(s for s in auth["removed"] if s["name"] == "verify")
    sign = next(c for c in auth["changed"] if c["name"] == "sign")
    if not indexed:
        assert verify["references"] is None and sign["references"] is None
        assert "references not indexed" in api_render.summary_line(res)
        return
    assert verify["references"] is not None and sign["references"] is not None
    assert {p["package"] for p in verify["references"]["places"]} == {"services/checkout"}
    assert {p["package"] for p in sign["references"]["places"]} == {"services/checkout"}
    assert {p["loc"].split(":")[0] for p in sign["references"]["places"]} == {"services/checkout/checkout/flow.py"}


def test_markdown_shape(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(repo, CHANGES)
    build(repo, repo / ".symidx" / "index.db")
    res = _diff(repo, "HEAD")
    md = api_render.render_markdown(res).splitlines()
    commit = res["old"]["commit"]
    assert commit is not None
    assert md[0] == f"### Public API: `HEAD ({commit[:10]})` → `working tree`"
    assert md[2].startswith("**2 packages with public API changes: 3 added, 3 removed, 3 changed")
    auth = md.index("#### `libs/auth` (shop-auth)")
    assert md[auth + 2: auth + 4] == ["| | symbol | kind | signature | used in other packages |",
                                      "|---|---|---|---|---|"]
    rows = md[auth + 4: auth + 9]
    assert [r.split(" | ")[0:2] for r in rows] == [
        ["| added", "`Signer.rekey`"], ["| added", "`sign_many`"], ["| removed", "`Signer.rotate`"],
        ["| removed", "`verify`"], ["| changed", "`sign`"]]
    assert "`def sign(payload: str) -> str` → `def sign(payload: str, key: str) -> str`" in rows[4]
    assert "<details>" not in "\n".join(md[auth: auth + 9])
    # A long table folds.
    monkeypatch.setattr(api_render, "DETAILS_ROWS", 2)
    folded = api_render.render_markdown(res).splitlines()
    auth = folded.index("#### `libs/auth` (shop-auth)")
    assert folded[auth + 2] == "<details><summary>5 symbols: 2 added, 2 removed, 1 changed</summary>"
    assert folded[auth + 4] == "| | symbol | kind | signature | used in other packages |"
    assert folded[-1].startswith("<sub>HEAD (") and "2 extracted (libs/auth, libs/payments)" in folded[-1]


def test_markdown_escapes_table_cells() -> None:
    assert api_render.code("str | None") == "`str \\| None`"
    assert api_render.code("a`b") == "`` a`b ``"


def test_no_changes(repo: Path) -> None:
    build(repo, repo / ".symidx" / "index.db")
    res = _diff(repo, "HEAD")
    assert res["packages"] == [] and res["summary"]["packages"] == 0
    assert "no public API changes" in api_render.render_markdown(res)
    assert res["old"]["extracted"] == []  # every package came from the index


def test_unknown_revision_is_a_usage_error(repo: Path) -> None:
    build(repo, repo / ".symidx" / "index.db")
    with pytest.raises(UsageError, match="not a commit"):
        _diff(repo, "no-such-rev")


def test_worktree_is_removed_after_a_failed_build(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(repo, repo / ".symidx" / "index.db")
    seen: list[Path] = []

    def failing_on_the_worktree(root: Path, db: Path, *args: Any, **kwargs: Any) -> int:
        if Path(root) != repo:
            seen.append(Path(root))
            assert Path(root).is_dir()
            return 1
        return pipeline_build(root, db, *args, **kwargs)

    # api_diff imports the build when it runs one: patch it where it is defined.
    monkeypatch.setattr(pipeline_build_module, "build", failing_on_the_worktree)
    with pytest.raises(SymidxError, match="indexing HEAD failed"):
        _diff(repo, "HEAD")
    assert seen and not seen[0].exists()
    assert leftover_worktrees(repo) == []


@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError])
def test_worktree_is_removed_on_interrupt(repo: Path, exc: type[BaseException]) -> None:
    rev = resolve_revision(repo, "HEAD")
    with pytest.raises(exc):
        with temporary_worktree(repo, rev) as tree:
            assert (tree / AUTH).read_text() == AUTH_BASE
            assert leftover_worktrees(repo) != []
            raise exc()
    assert not tree.exists() and leftover_worktrees(repo) == []


def test_worktree_of_a_root_below_the_top(repo: Path) -> None:
    """The indexed root may be a subdirectory of the work tree: the worktree yields the same subdirectory."""
    rev = resolve_revision(repo / "libs", "HEAD")
    with temporary_worktree(repo / "libs", rev) as tree:
        assert (tree / "auth" / "shop_auth" / "api_v1.py").is_file()
    assert leftover_worktrees(repo) == []


def _surface_db(rows: list[tuple[str | None, str, str, str, str, str]]) -> sqlite3.Connection:
    """An index holding only package crates/core with ``rows`` (parent, name, kind, signature, file, visibility)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE packages (path TEXT, name TEXT)")
    conn.execute("CREATE TABLE symbols (id INTEGER PRIMARY KEY, package TEXT, parent_symbol TEXT, name TEXT,"
                 " kind TEXT, signature TEXT, file_path TEXT, line INTEGER, visibility TEXT)")
    conn.execute("INSERT INTO packages VALUES ('crates/core', 'core')")
    conn.executemany("INSERT INTO symbols (package, parent_symbol, name, kind, signature, file_path, line, visibility)"
                     " VALUES ('crates/core', ?, ?, ?, ?, ?, 1, ?)", rows)
    return conn


def test_public_surface_rules() -> None:
    """Restricted symbols and the members of restricted types are no API; members
    of public ones are; the file is not part of a symbol's identity; whitespace
    in a signature is no change."""
    old = read_surface(_surface_db([
        (None, "Engine", "struct", "pub struct Engine", "src/a.rs", "pub"),
        ("Engine", "start", "method", "pub fn start(&self)", "src/a.rs", "pub"),
        (None, "Hidden", "struct", "pub(crate) struct Hidden", "src/a.rs", "pub(crate)"),
        ("Hidden", "poke", "method", "pub fn poke(&self)", "src/a.rs", "pub"),
        (None, "helper", "function", "pub(super) fn helper()", "src/a.rs", "pub(super)"),
        (None, "secret", "function", "private fun secret()", "src/a.rs", "private"),
    ]))
    assert set(old.symbols["crates/core"]) == {Identity(None, "Engine", "struct"),
                                               Identity("Engine", "start", "method")}
    new = read_surface(_surface_db([
        (None, "Engine", "struct", "pub struct  Engine", "src/b.rs", "pub"),
        ("Engine", "start", "method", "pub fn start(&self, fast: bool)", "src/b.rs", "pub"),
    ]))
    change = diff_package(old.symbols["crates/core"], new.symbols["crates/core"])
    assert change == ([], [], [Identity("Engine", "start", "method")])


def test_reference_places_from_the_tables() -> None:
    """resolved_places and name_places on refs/ref_targets as the store defines them."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE refs (id INTEGER PRIMARY KEY, package TEXT, file_path TEXT, line INTEGER,"
                 " col INTEGER, name TEXT, kind TEXT, receiver TEXT, enclosing TEXT, module TEXT, alias TEXT)")
    conn.execute("CREATE TABLE ref_targets (ref_id INTEGER, symbol_id INTEGER, how TEXT)")
    conn.executemany("INSERT INTO refs (id, package, file_path, line, col, name, kind, enclosing) VALUES"
                     " (?, ?, ?, ?, 1, ?, 'call', ?)", [
                         (1, "svc", "svc/a.py", 3, "charge", "run"),  # resolved to symbol 7
                         (2, "pay", "pay/b.py", 4, "charge", None),  # inside the package itself
                         (3, None, "tool.py", 5, "refund", None),  # unresolved, outside every package
                         (4, "svc", "svc/a.py", 9, "refund", "run"),  # resolved by import elsewhere
                         (5, "svc", "svc/c.py", 1, "refund", None),  # resolved by name only
                     ])
    conn.executemany("INSERT INTO ref_targets VALUES (?, ?, ?)",
                     [(1, 7, "import"), (2, 7, "package"), (4, 9, "import"), (5, 9, "name")])
    assert api_refs.has_references(conn)
    assert api_refs.resolved_places(conn, "pay", [7]) == {
        "count": 1, "places": [{"loc": "svc/a.py:3:1", "package": "svc", "kind": "call", "enclosing": "run"}]}
    assert [p["loc"] for p in api_refs.name_places(conn, "pay", "refund")["places"]] == [
        "svc/c.py:1:1", "tool.py:5:1"]
    assert not api_refs.has_references(sqlite3.connect(":memory:"))


def test_seed_needs_matching_contents(repo: Path, tmp_path: Path) -> None:
    """A result file is seeded only when its recorded file digests are the tree's."""
    from symidx_tasks.config import load_config
    from symidx_tasks.locations import results_dir

    db = repo / ".symidx" / "index.db"
    build(repo, db)
    store = tmp_path / "store"
    config = load_config(repo)
    units = reuse.missing(store, repo, config)
    assert reuse.seed(store, repo, config, results_dir(db)) == len(units)
    assert reuse.missing(store, repo, config) == []
    (repo / AUTH).write_text(AUTH_NEW)  # the index's result for libs/auth is stale now
    fresh = tmp_path / "fresh"
    assert reuse.seed(fresh, repo, config, results_dir(db)) == len(units) - 1
    assert reuse.missing(fresh, repo, config) == ["libs/auth"]
