"""The read API (symidx_tasks.query) on real indexes built through doit."""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from symidx_tasks import query as q
from symidx_tasks.freshness import index_status, staleness
from symidx_tasks.store.db import SCHEMA_VERSION, DatabaseError

from .indexing import build
from .trees import write_tree

# Edge cases the example does not have: a root package, duplicate names, a cycle.
EXTRA = {
    "package.json": '{"name": "root-pkg", "private": true}\n',
    "README.md": "# extra\n",
    "tools/a/package.json": '{"name": "dup", "version": "1.0.0"}\n',
    "tools/b/package.json": '{"name": "dup", "version": "2.0.0"}\n',
    "cyc/a/package.json": '{"name": "cyc-a", "dependencies": {"cyc-b": "*"}}\n',
    "cyc/b/package.json": '{"name": "cyc-b", "dependencies": {"cyc-c": "*"}}\n',
    "cyc/c/package.json": '{"name": "cyc-c", "dependencies": {"cyc-a": "*", "ui": "*"}}\n',
    "ui/package.json": '{"name": "ui", "version": "1.0.0"}\n',
    "ui/src/index.ts": "export function render(target: string): void {}\n",
    "web/package.json": '{"name": "web", "dependencies": {"ui": "^1.0.0"}}\n',
    "web/src/main.ts": "export const VERSION = 1;\n",
    "broken/package.json": '{"name": "broken", ',  # a warning, not a failed build
}

@pytest.fixture(scope="module")
def extra(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("extra")
    root = write_tree(tmp / "tree", EXTRA)
    db = tmp / "index" / "index.db"
    build(root, db)
    c = q.open_index(db)
    yield root, db, c
    c.close()


def names(page):
    return [r["name"] for r in page["results"]]


# ---------------------------------------------------------------- opening


def test_open_missing_db(tmp_path):
    with pytest.raises(DatabaseError, match="no index at"):
        q.open_index(tmp_path / "nope.db")


def test_open_other_schema_version(example_db, tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(example_db, copy)
    w = sqlite3.connect(copy)
    w.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    w.commit()
    w.close()
    with pytest.raises(DatabaseError, match="schema version 999") as exc:
        q.open_index(copy)
    assert "\n" not in str(exc.value)


def test_open_not_a_database(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="not a readable symidx index"):
        q.open_index(bad)


def test_open_locked(example_db, tmp_path, monkeypatch):
    copy = tmp_path / "locked.db"
    shutil.copy(example_db, copy)
    writer = sqlite3.connect(copy, isolation_level=None)
    writer.execute("PRAGMA locking_mode=EXCLUSIVE")  # the WAL index goes private: readers are shut out
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO meta(key, value) VALUES ('lock', 'held')")
    writer.execute("COMMIT")
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real(*a, **{**k, "timeout": 0.05}))
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseError, match="locked by another process"):
            q.open_index(copy)
        assert time.monotonic() - started < 5
    finally:
        writer.close()


def test_reader_is_read_only(conn):
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")


def test_guard_turns_sqlite_errors_into_one_line(tmp_path):
    with pytest.raises(DatabaseError, match="locked by another process"):
        with q.guard(tmp_path / "x.db"):
            raise sqlite3.OperationalError("database is locked")


# --------------------------------------------------------------- packages


def test_resolve_package_by_path_and_name(conn):
    assert q.resolve_package(conn, "libs/auth") == "libs/auth"
    assert q.resolve_package(conn, "./libs/auth/") == "libs/auth"
    assert q.resolve_package(conn, "shop-auth") == "libs/auth"
    assert q.resolve_package(conn, "SHOP-AUTH") == "libs/auth"
    assert q.resolve_package(conn, "@shop/web") == "frontend/packages/web"


def test_resolve_unknown_package_suggests(conn):
    with pytest.raises(q.QueryError, match="no package with path or name 'auth'.*libs/auth"):
        q.resolve_package(conn, "auth")
    with pytest.raises(q.QueryError, match="see `symidx packages`"):
        q.resolve_package(conn, "zzz-nothing")


def test_resolve_ambiguous_name_lists_paths(extra):
    _, _, c = extra
    with pytest.raises(q.QueryError, match="ambiguous: use one of the paths tools/a, tools/b"):
        q.resolve_package(c, "dup")
    assert q.resolve_package(c, "tools/b") == "tools/b"
    assert q.resolve_package(c, ".") == "."


def test_list_packages(conn):
    res = q.list_packages(conn)
    paths = [p["path"] for p in res["results"]]
    assert paths == sorted(paths)
    assert {"libs/auth", "libs/payments", "frontend/packages/web", "services/gateway", "crates/core"} <= set(paths)
    assert res["total"] == len(paths) and res["next_offset"] is None
    auth = next(p for p in res["results"] if p["path"] == "libs/auth")
    assert auth == {"path": "libs/auth", "name": "shop-auth", "kind": "python", "version": "0.5.1",
                    "description": "Customer authentication: password hashing, tokens, sessions"}
    go = q.list_packages(conn, kind="go")
    assert [p["path"] for p in go["results"]] == ["services/billing", "services/gateway"]
    assert q.list_packages(conn, kind="nope")["results"] == []
    first = q.list_packages(conn, limit=2)
    assert len(first["results"]) == 2 and first["next_offset"] == 2
    second = q.list_packages(conn, limit=2, offset=2)
    assert [p["path"] for p in second["results"]] == paths[2:4]


def test_search_packages_ranks_exact_name_first(conn):
    res = q.search_packages(conn, "shop-auth")
    assert [p["path"] for p in res["results"]][:2] == ["libs/auth", "libs/auth/plugins/oauth"]
    by_description = q.search_packages(conn, "storefront")
    assert "frontend/packages/web" in [p["path"] for p in by_description["results"]]
    assert q.search_packages(conn, "shop", kind="go")["total"] == 2
    assert q.search_packages(conn, "zzzz")["results"] == []
    assert q.search_packages(conn, '"')["results"] == []


def test_get_package(conn):
    pkg = q.get_package(conn, "@shop/web")
    assert pkg["path"] == "frontend/packages/web" and pkg["kind"] == "npm"
    assert pkg["manifests"] == ["frontend/packages/web/package.json", "frontend/package.json"]
    assert pkg["metadata"]["workspace"] == "frontend"
    internal = {d["name"]: d["package"] for d in pkg["dependencies"] if d["internal"]}
    assert internal == {"@shop/ui": "frontend/packages/ui", "@shop/legacy-js": "frontend/packages/legacy-js"}
    react = next(d for d in pkg["dependencies"] if d["name"] == "react")
    assert react == {"name": "react", "kind": "runtime", "version_req": "^18.2.0", "internal": False,
                     "package": None, "package_name": None}
    assert pkg["counts"]["files"] == pkg["files"]["total"] == sum(pkg["languages"].values())
    assert "frontend/packages/web/src/cart.ts" in [f["path"] for f in pkg["files"]["results"]]
    api = pkg["api"]
    assert api["by_kind"]["class"] >= 1 and api["total"] == sum(api["by_kind"].values())
    assert all(s["parent"] is None for s in api["symbols"])
    assert "Cart" in [s["name"] for s in api["symbols"]]


def test_package_dependents_in_get_package(conn):
    pkg = q.get_package(conn, "libs/auth")
    users = [d["package"] for d in pkg["dependents"]]
    assert users == ["libs/auth/plugins/oauth", "libs/payments"]
    assert pkg["counts"]["dependents"] == 2


def test_public_api_leaves_out_restricted_rust_items(conn):
    api = q.public_api(conn, "crates/core", limit=500)
    assert api["symbols"], "crates/core has public items"
    assert all(not s["visibility"].startswith("pub(") for s in api["symbols"])


def test_package_files_and_symbols(conn):
    files = q.package_files(conn, "libs/payments")
    assert [f["path"] for f in files["results"]] == sorted(f["path"] for f in files["results"])
    assert "libs/payments/shop_payments/processor.py" in [f["path"] for f in files["results"]]
    syms = q.package_symbols(conn, "libs/payments")
    locs = [(s["file"], s["line"]) for s in syms["results"]]
    assert locs == sorted(locs)
    top = q.package_symbols(conn, "libs/payments", top_level_only=True)
    assert all(s["parent"] is None for s in top["results"]) and top["total"] < syms["total"]
    funcs = q.package_symbols(conn, "libs/payments", kind="function")
    assert "process_payment" in names(funcs) and {s["kind"] for s in funcs["results"]} == {"function"}


# ----------------------------------------------------------- dependencies


def test_dependencies_and_dependents(conn):
    deps = q.dependencies(conn, "services/gateway")
    assert [d["name"] for d in deps if d["internal"]] == ["example.com/shop/billing"]
    assert deps[0]["internal"], "internal dependencies come first"
    assert all(d["internal"] for d in q.dependencies(conn, "services/gateway", internal_only=True))
    assert [d["package"] for d in q.dependents(conn, "services/billing")] == ["services/gateway"]
    assert q.dependents(conn, "services/gateway") == []
    with pytest.raises(q.QueryError):
        q.dependencies(conn, "no/such/package")


def test_dependency_graph_bfs(conn):
    g = q.dependency_graph(conn, "libs/auth", direction="dependents")
    assert g["root"] == "libs/auth" and g["direction"] == "dependents"
    depth = {n["path"]: n["depth"] for n in g["nodes"]}
    assert depth["libs/auth"] == 0 and depth["libs/payments"] == 1 and depth["libs/auth/plugins/oauth"] == 1
    assert {(e["from"], e["to"]) for e in g["edges"]} >= {("libs/auth", "libs/payments")}
    assert g["cycles"] == [] and g["truncated"] is False
    fwd = q.dependency_graph(conn, "frontend/packages/web", max_depth=1)
    assert {n["path"] for n in fwd["nodes"]} >= {"frontend/packages/ui", "frontend/packages/legacy-js"}
    with pytest.raises(q.InvalidArgument):
        q.dependency_graph(conn, "libs/auth", max_depth=0)


def test_dependency_graph_is_cycle_safe(extra):
    _, _, c = extra
    g = q.dependency_graph(c, "cyc-a")
    assert [n["path"] for n in g["nodes"]] == ["cyc/a", "cyc/b", "cyc/c", "ui"]
    assert [n["depth"] for n in g["nodes"]] == [0, 1, 2, 3]
    assert g["cycles"] == [["cyc/a", "cyc/b", "cyc/c"]]
    assert len(g["edges"]) == 4  # every edge once, the back edge included
    short = q.dependency_graph(c, "cyc-a", max_depth=1)
    assert [n["path"] for n in short["nodes"]] == ["cyc/a", "cyc/b"] and short["truncated"] is True
    back = q.dependency_graph(c, "ui", direction="dependents")
    assert [n["path"] for n in back["nodes"]] == ["ui", "cyc/c", "web", "cyc/b", "cyc/a"]


def test_dependency_path(conn, extra):
    res = q.dependency_path(conn, "shop-auth-oauth", "libs/auth")
    assert res["relation"] == "a_depends_on_b" and res["length"] == 1
    assert [p["path"] for p in res["path"]] == ["libs/auth/plugins/oauth", "libs/auth"]
    rev = q.dependency_path(conn, "libs/auth", "libs/auth/plugins/oauth")
    assert rev["relation"] == "b_depends_on_a" and [p["path"] for p in rev["path"]][0] == "libs/auth/plugins/oauth"
    none = q.dependency_path(conn, "crates/cli", "libs/auth")
    assert none["path"] is None and none["relation"] is None
    _, _, c = extra
    long = q.dependency_path(c, "cyc-b", "ui")
    assert [p["path"] for p in long["path"]] == ["cyc/b", "cyc/c", "ui"] and long["length"] == 2


# ---------------------------------------------------------------- symbols


@pytest.mark.parametrize("text, expected", [
    ("payment", '"payment"*'),
    ("foo-bar", '"foo"* "bar"*'),
    ('a"b', '"a"* "b"*'),
    ("NOT OR AND", '"NOT"* "OR"* "AND"*'),
    ("---", None),
    ("", None),
])
def test_fts_query_quotes_every_token(text, expected):
    assert q.fts_query(text) == expected


@pytest.mark.parametrize("text", ['foo-bar', 'a"b', '"', "*", "NOT", "x OR", "(a", "name:foo", "^x", "ü€", "a AND"])
def test_search_never_raises_on_fts_syntax(conn, text):
    """FTS syntax in the query is plain text: it finds what its words alone find
    (the ranking may differ: exact-name and prefix ranks compare the raw text)."""
    res = q.search_symbols(conn, text, limit=1000)
    words = " ".join(re.findall(r"\w+", text))
    plain = q.search_symbols(conn, words, limit=1000)
    assert res["total"] == plain["total"]
    assert sorted(s["loc"] for s in res["results"]) == sorted(s["loc"] for s in plain["results"])
    if not words:
        assert res["total"] == 0 and res["results"] == []


def test_search_ranks_exact_then_prefix_then_bm25(conn):
    res = q.search_symbols(conn, "cart", limit=50)
    ranked = names(res)
    assert ranked[0] == "Cart"  # exact name, case-insensitive
    prefix = [n for n in ranked if n.lower().startswith("cart") and n != "Cart"]
    assert prefix and ranked[1:1 + len(prefix)] == prefix, "prefix matches follow the exact one"
    assert len(ranked) > 1 + len(prefix), "then signature/word matches"


def test_search_finds_split_words(conn):
    res = q.search_symbols(conn, "payment")
    assert {"process_payment", "refund_payment", "PaymentDeclined"} <= set(names(res))
    camel = q.search_symbols(conn, "invoice new")
    assert "NewInvoice" in names(camel)


def test_search_filters(conn):
    assert set(s["kind"] for s in q.search_symbols(conn, "payment", kind="function")["results"]) == {"function"}
    receipts = q.search_symbols(conn, "receipt", package="shop-payments")["results"]
    assert receipts and all(s["package"] == "libs/payments" for s in receipts)
    go = q.search_symbols(conn, "invoice", language="go")
    assert go["results"] and {s["language"] for s in go["results"]} == {"go"}
    assert q.search_symbols(conn, "payment", language="cobol")["results"] == []
    with pytest.raises(q.QueryError):
        q.search_symbols(conn, "payment", package="nope-nope")


def test_search_pagination(conn):
    full = q.search_symbols(conn, "a", limit=1000)
    assert full["total"] == len(full["results"]) > 10
    pages, offset = [], 0
    while offset is not None:
        p = q.search_symbols(conn, "a", limit=7, offset=offset)
        pages += p["results"]
        offset = p["next_offset"]
    assert pages == full["results"]
    with pytest.raises(q.InvalidArgument):
        q.search_symbols(conn, "a", limit=0)
    with pytest.raises(q.InvalidArgument):
        q.search_symbols(conn, "a", offset=-1)


def test_symbol_shape(conn):
    s = q.search_symbols(conn, "process_payment")["results"][0]
    assert s == {
        "name": "process_payment", "kind": "function",
        "signature": "def process_payment(amount: Decimal, currency: str) -> Receipt",
        "loc": f"libs/payments/shop_payments/processor.py:{s['line']}",
        "file": "libs/payments/shop_payments/processor.py", "line": s["line"], "end_line": s["end_line"],
        "parent": None, "visibility": "public", "return_type": "Receipt",
        "parameters": [{"name": "amount", "type": "Decimal"}, {"name": "currency", "type": "str"}],
        "language": "python", "package": "libs/payments", "package_name": "shop-payments",
        "doc": "Charges ``amount`` in ``currency`` and returns the receipt.",
    }


def test_get_symbol_exact_across_packages(conn):
    res = q.get_symbol(conn, "new")
    assert res["total"] >= 2 and set(names(res)) == {"new"}
    assert {s["parent"] for s in res["results"]} >= {"Catalog", "Money"}
    assert q.get_symbol(conn, "NEWINVOICE")["results"][0]["name"] == "NewInvoice"  # case-insensitive fallback
    assert q.get_symbol(conn, "new", package="crates/core")["total"] >= 2
    assert q.get_symbol(conn, "no_such_symbol_anywhere")["results"] == []


def test_file_symbols_in_order(conn, example_db):
    res = q.file_symbols(conn, "libs/payments/shop_payments/processor.py")
    assert res["package"] == "libs/payments" and res["package_name"] == "shop-payments"
    assert res["language"] == "python" and res["status"] == "parsed"
    lines = [s["line"] for s in res["symbols"]]
    assert lines == sorted(lines) and "process_payment" in [s["name"] for s in res["symbols"]]
    assert q.file_symbols(conn, "./libs/payments/shop_payments/processor.py")["path"] == res["path"]
    root = Path(q.meta(conn)["root"])
    assert q.file_symbols(conn, str(root / "libs/payments/shop_payments/processor.py"))["path"] == res["path"]
    skipped = q.file_symbols(conn, "frontend/packages/web/src/cart.test.ts")
    assert skipped["status"] == "skipped" and skipped["note"] == "test" and skipped["symbols"] == []
    with pytest.raises(q.QueryError, match="no file 'libs/payments/nope.py'"):
        q.file_symbols(conn, "libs/payments/nope.py")


# ------------------------------------------------------------------ files


def test_search_files(conn):
    res = q.search_files(conn, "cart")
    paths = [f["path"] for f in res["results"]]
    assert "frontend/packages/web/src/cart.ts" in paths and "frontend/packages/web/src/cart.test.ts" in paths
    go = q.search_files(conn, "", extension="go")
    assert go["results"] and all(f["path"].endswith(".go") for f in go["results"])
    assert [f["path"] for f in go["results"]] == sorted(f["path"] for f in go["results"])
    assert q.search_files(conn, "", extension=".GO")["total"] == go["total"]
    in_pkg = q.search_files(conn, "", package="services/billing")
    assert {f["package"] for f in in_pkg["results"]} == {"services/billing"}
    substring = q.search_files(conn, "shop_payments/proc")
    assert [f["path"] for f in substring["results"]] == ["libs/payments/shop_payments/processor.py"]
    assert q.search_files(conn, "zzzz-nothing")["results"] == []
    assert q.search_files(conn, '"')["results"] == []


# ----------------------------------------------------------------- status


def test_status(conn, example_db):
    st = index_status(conn, db=example_db)
    assert st["db"] == str(example_db) and st["schema_version"] == SCHEMA_VERSION
    assert st["counts"]["packages"] == q.list_packages(conn)["total"]
    assert sum(st["packages_by_kind"].values()) == st["counts"]["packages"]
    assert sum(st["files_by_language"].values()) == st["counts"]["files"]
    assert sum(st["symbols_by_kind"].values()) == st["counts"]["symbols"]
    assert "merge_s" in st["durations_s"] and "discover_s" in st["durations_s"]
    assert st["age_seconds"] is not None and st["age_seconds"] >= 0
    assert st["stale"]["checked"] is True and st["stale"]["changed_files"] == 0
    assert index_status(conn, check_stale=False)["stale"] == {"checked": False, "reason": "skipped"}
    assert q.status(conn)["stale"] == {"checked": False, "reason": "skipped"}, "query/ never looks at the tree"


@pytest.mark.parametrize("use_git", [False, True])
def test_staleness_sees_added_modified_removed_files(tmp_path, small_tree, use_git):
    # In a git work tree the check takes the listing's stats instead of its own.
    root = small_tree
    if use_git:
        if shutil.which("git") is None:
            pytest.skip("git not installed")
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    db = tmp_path / "index" / "index.db"
    build(root, db)
    c = q.open_index(db)
    try:
        assert staleness(c)["changed_files"] == 0
        (root / "small/money.py").write_text("def pay(amount: int) -> int:\n    return amount * 2\n")
        (root / "small/extra.py").write_text("X = 1\n")
        (root / "small/deploy.py").unlink()
        later = time.time() + 5
        os.utime(root / "small/touched.py", (later, later))  # touched, same content: not a change
        st = staleness(c)
        assert (st["added"], st["modified"], st["removed"]) == (1, 1, 1)
        assert st["examples"] == ["small/extra.py", "small/deploy.py", "small/money.py"]
        shutil.rmtree(root)
        gone = staleness(c)
        assert gone["checked"] is False and "not a directory" in gone["reason"]
    finally:
        c.close()


# ---------------------------------------------------- answers added by the table


def test_package_dependencies_and_dependents_answers(conn):
    deps = q.package_dependencies(conn, "example.com/shop/gateway", internal_only=True)
    assert deps == {"package": "services/gateway", "dependencies": q.dependencies(conn, "services/gateway", True)}
    assert [d["package"] for d in deps["dependencies"]] == ["services/billing"]
    users = q.package_dependents(conn, "shop-auth")
    assert users["package"] == "libs/auth"
    assert [d["package"] for d in users["dependents"]] == ["libs/auth/plugins/oauth", "libs/payments"]


def test_file_symbols_kind_filter(conn):
    path = "services/billing/invoice.go"
    every = q.file_symbols(conn, path)["symbols"]
    methods = q.file_symbols(conn, path, kind="method")["symbols"]
    assert methods == [s for s in every if s["kind"] == "method"] and 0 < len(methods) < len(every)
    assert q.file_symbols(conn, path, kind="no-such-kind")["symbols"] == []


def test_package_files_extension_filter(conn):
    every = q.package_files(conn, "services/billing")
    go = q.package_files(conn, "services/billing", extension="GO")
    assert go["results"] == [f for f in every["results"] if f["path"].endswith(".go")]
    assert 0 < go["total"] < every["total"]
    assert q.package_files(conn, "services/billing", extension=".go") == go


def test_packages_under(conn):
    under = q.packages_under(conn, "libs/")
    assert [p["path"] for p in under["results"]] == ["libs/auth", "libs/auth/plugins/oauth", "libs/payments"]
    inside = q.packages_under(conn, "libs/auth/shop_auth")
    assert [p["path"] for p in inside["results"]] == ["libs/auth"], "the enclosing package"
    assert q.packages_under(conn, "li")["results"] == [], "a prefix of a name is not a directory"
    assert q.packages_under(conn, ".")["total"] == q.list_packages(conn)["total"]


def test_list_warnings(extra):
    _, _, c = extra
    every = q.list_warnings(c)
    assert every["total"] >= 1 and every["total"] == q.status(c)["counts"]["warnings"]
    broken = [w for w in every["results"] if w["package"] == "broken"]
    assert len(broken) == 1 and "invalid JSON" in broken[0]["message"]
    keys = [(w["package"] or "", w["file"] or "", w["message"]) for w in every["results"]]
    assert keys == sorted(keys)
    assert q.list_warnings(c, limit=1)["next_offset"] == 1
    dup = q.list_warnings(c, package="tools/a")["results"]
    assert [w["file"] for w in dup] == ["tools/a/package.json"]
    assert "duplicate package name 'dup'" in dup[0]["message"]
    assert q.list_warnings(c, package="web")["results"] == []


def test_status_shows_phase_durations_and_slowest_packages(example_db, tmp_path):
    copy = tmp_path / "timed.db"
    shutil.copy(example_db, copy)
    w = sqlite3.connect(copy)
    w.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [
        ("duration_extract_s", "1.5"), ("duration_extract_wall_s", "0.8"),
        ("slowest_packages", json.dumps([["libs/auth", 0.5], ["crates/core", 0.25]])),
    ])
    w.commit()
    w.close()
    c = q.open_index(copy)
    try:
        st = q.status(c, copy)
    finally:
        c.close()
    assert st["durations_s"]["extract_s"] == 1.5 and st["durations_s"]["extract_wall_s"] == 0.8
    assert st["slowest_packages"] == [{"package": "libs/auth", "seconds": 0.5},
                                      {"package": "crates/core", "seconds": 0.25}]
