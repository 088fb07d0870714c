"""`symidx` commands, text and --json, on a real index of examples/polyglot."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from symidx_tasks.frontends import cli
from symidx_tasks.store.db import SCHEMA_VERSION


@pytest.fixture
def db(example_db: Path) -> Path:
    return example_db


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def ok(db: Path, *argv: str) -> str:
    code, out, err = run(*argv, "--db", str(db))
    assert code == 0, err
    return out


def js(db: Path, *argv: str):
    return json.loads(ok(db, *argv, "--json"))


# ----------------------------------------------------------------- search


def test_search_text(db):
    out = ok(db, "search", "process_payment")
    first = out.splitlines()[0]
    assert first.startswith("libs/payments/shop_payments/processor.py:")
    assert "  function  def process_payment(amount: Decimal, currency: str) -> Receipt  (shop-payments)" in first


def test_search_json_and_filters(db):
    res = js(db, "search", "payment", "--kind", "function", "--package", "libs/payments", "--language", "python")
    assert set(res) == {"total", "offset", "limit", "next_offset", "results", "suggestions"}
    assert {"process_payment", "refund_payment"} <= {s["name"] for s in res["results"]}
    assert {s["kind"] for s in res["results"]} == {"function"}
    assert res["suggestions"] == []  # only a search that finds nothing suggests


def test_a_misspelled_search_suggests_the_nearest_names(db):
    res = js(db, "search", "proces_paymnt")
    assert res["total"] == 0 and res["suggestions"][0] == "process_payment"
    code, out, err = run("symbol", "proces_paymnt", "--db", str(db))
    assert code == 0 and out == ""
    assert "no symbol named 'proces_paymnt'; did you mean: process_payment" in err


def test_an_unknown_package_suggests_the_nearest(db):
    code, _, err = run("package", "shop-paymnts", "--db", str(db))
    assert code == 1 and "did you mean: " in err and "shop-payments" in err


def test_search_limit_offset_and_more_hint(db):
    code, out, err = run("search", "a", "--limit", "2", "--db", str(db))
    assert code == 0 and len(out.splitlines()) == 2
    assert "showing 1-2 of" in err and "--offset 2" in err
    page2 = js(db, "search", "a", "--limit", "2", "--offset", "2")
    assert page2["offset"] == 2 and len(page2["results"]) == 2


def test_search_empty_result_is_not_an_error(db):
    code, out, err = run("search", "zzqqxx", "--db", str(db))
    assert (code, out) == (0, "") and "no symbol matches 'zzqqxx'" in err
    assert js(db, "search", "zzqqxx")["results"] == []
    code, out, err = run("search", 'a"b-c', "--db", str(db))
    assert code == 0


def test_search_bad_limit(db):
    code, _, err = run("search", "x", "--limit", "0", "--db", str(db))
    assert code == 2 and "limit must be >= 1" in err


# ------------------------------------------------------------- callers


def test_callers_of_a_symbol_used_but_never_called_say_how_it_is_used(db):
    code, out, err = run("callers", "RateTable", "--db", str(db))
    assert (code, out) == (0, "")
    assert err == "symidx: no calls of 'RateTable'; 2 other references (inherit 1, type 1): symidx refs RateTable\n"
    _, _, err = run("callers", "RateTable", "--package", "jvm/shipping", "--db", str(db))
    assert err.endswith(": symidx refs RateTable --package jvm/shipping\n")
    res = js(db, "callers", "RateTable")
    assert list(res) == ["total", "offset", "limit", "next_offset", "results", "suggestions", "other_references"]
    assert res["other_references"] == {"inherit": 1, "type": 1}
    # Nothing at all: the plain note.
    _, _, err = run("callers", "no_such_symbol", "--db", str(db))
    assert err.startswith("symidx: no calls of 'no_such_symbol'") and "other" not in err


# ---------------------------------------------------------- symbol / file


def test_symbol(db):
    out = ok(db, "symbol", "new")
    assert "[in Catalog]" in out and "[in Money]" in out
    res = js(db, "symbol", "new", "--package", "shop-core", "--kind", "method")
    assert res["total"] >= 2 and {s["name"] for s in res["results"]} == {"new"}
    code, out, err = run("symbol", "nothing_named_so", "--db", str(db))
    assert (code, out) == (0, "") and "no symbol named" in err


def test_file(db):
    out = ok(db, "file", "libs/payments/shop_payments/processor.py")
    lines = out.splitlines()
    assert lines[0] == "libs/payments/shop_payments/processor.py  libs/payments (shop-payments)  [python, parsed]"
    numbers = [int(line.split()[0]) for line in lines[1:] if not line.startswith("    ")]
    assert numbers == sorted(numbers) and any("def process_payment" in line for line in lines)
    # A symbol's doc comment on an indented line below it.
    at = next(i for i, line in enumerate(lines) if "def process_payment" in line)
    assert lines[at + 1] == "    Charges ``amount`` in ``currency`` and returns the receipt."
    res = js(db, "file", "libs/payments/shop_payments/processor.py")
    assert res["package"] == "libs/payments" and res["symbols"][0]["loc"].startswith(res["path"] + ":")
    skipped = ok(db, "file", "frontend/packages/web/src/cart.test.ts")
    assert "[typescript, skipped, test]" in skipped


def test_file_unknown(db):
    code, out, err = run("file", "no/such/file.py", "--db", str(db))
    assert code == 1 and out == "" and err.count("\n") == 1 and "no file 'no/such/file.py'" in err


# ------------------------------------------------------------- packages


def test_package_text(db):
    out = ok(db, "package", "@shop/web")
    assert out.startswith("@shop/web  2.3.0  (npm)  frontend/packages/web\n")
    assert "manifests: frontend/packages/web/package.json, frontend/package.json" in out
    assert "-> frontend/packages/ui" in out and "public API (" in out and "files (" in out
    assert "frontend/packages/web/src/cart.ts" in out


def test_package_json(db):
    res = js(db, "package", "frontend/packages/web")
    assert {"path", "name", "kind", "version", "description", "metadata", "manifests", "counts", "languages",
            "dependencies", "dependents", "files", "api", "warnings"} <= set(res)
    assert res["name"] == "@shop/web"


def test_package_unknown(db):
    code, out, err = run("package", "no-such-pkg", "--db", str(db))
    assert code == 1 and out == ""
    assert err == "symidx: no package with path or name 'no-such-pkg' (see `symidx packages`)\n"


def test_packages(db):
    out = ok(db, "packages")
    assert any(line.split()[:4] == ["libs/auth", "shop-auth", "0.5.1", "python"] for line in out.splitlines())
    res = js(db, "packages", "--kind", "go")
    assert [p["path"] for p in res["results"]] == ["services/billing", "services/gateway"]
    code, out, err = run("packages", "--kind", "cobol", "--db", str(db))
    assert (code, out) == (0, "") and "no packages of kind 'cobol'" in err


def test_files(db):
    out = ok(db, "files", "cart")
    assert "frontend/packages/web/src/cart.ts  " in out and "skipped (test)" in out
    res = js(db, "files", "--extension", "go", "--package", "services/billing")
    assert res["results"] and all(f["path"].startswith("services/billing/") and f["path"].endswith(".go")
                                  for f in res["results"])
    assert js(db, "files", "--ext", ".go", "--package", "services/billing") == res, "--ext is a shorthand"
    assert js(db, "files")["limit"] == 20, "search answers default to 20 rows"
    code, out, err = run("files", "zzqqxx", "--db", str(db))
    assert (code, out) == (0, "") and "no file matches" in err


# ---------------------------------------------------------- dependencies


def test_deps_direct(db):
    out = ok(db, "deps", "@shop/web")
    assert any(line.split()[0] == "react" for line in out.splitlines())
    internal = js(db, "deps", "@shop/web", "--internal-only")
    assert internal["package"] == "frontend/packages/web"
    assert {d["package"] for d in internal["dependencies"]} == {"frontend/packages/ui", "frontend/packages/legacy-js"}
    assert js(db, "deps", "@shop/web", "--internal") == internal, "--internal is a shorthand"


def test_dependents(db):
    out = ok(db, "dependents", "libs/auth")
    assert [line.split()[0] for line in out.splitlines()] == ["libs/auth/plugins/oauth", "libs/payments"]
    res = js(db, "dependents", "shop-auth")
    assert [d["package"] for d in res["dependents"]] == ["libs/auth/plugins/oauth", "libs/payments"]
    code, out, err = run("dependents", "services/gateway", "--db", str(db))
    assert (code, out) == (0, "") and "no package depends on services/gateway" in err


def test_tree(db):
    out = ok(db, "tree", "libs/auth", "--direction", "dependents")
    lines = out.splitlines()
    assert lines[0] == "libs/auth (shop-auth)  is used by:"
    assert "  libs/payments (shop-payments)  [runtime]" in lines
    assert ok(db, "tree", "libs/auth", "--reverse") == out, "--reverse is a shorthand for --direction dependents"
    res = js(db, "tree", "frontend/packages/web", "--max-depth", "1")
    assert res["direction"] == "dependencies" and res["max_depth"] == 1
    assert {n["path"] for n in res["nodes"] if n["depth"] == 1} >= {"frontend/packages/ui"}
    assert js(db, "tree", "frontend/packages/web", "--depth", "1") == res
    code, _, err = run("tree", "libs/auth", "--max-depth", "0", "--db", str(db))
    assert code == 2 and "depth must be >= 1" in err
    with pytest.raises(SystemExit) as exc:  # argparse's own usage error
        run("tree", "libs/auth", "--direction", "sideways", "--db", str(db))
    assert exc.value.code == 2


def test_symbols_of_a_package(db):
    res = js(db, "symbols", "libs/payments", "--top-level-only", "--kind", "function")
    assert {s["name"] for s in res["results"]} >= {"process_payment", "refund_payment"}
    assert {(s["kind"], s["parent"]) for s in res["results"]} == {("function", None)}
    out = ok(db, "symbols", "libs/payments", "--limit", "2")
    assert len(out.splitlines()) == 2 and out.startswith("libs/payments/")


def test_search_packages_and_package_files(db):
    assert [p["path"] for p in js(db, "search-packages", "shop", "--kind", "go")["results"]] == [
        "services/billing", "services/gateway"]
    out = ok(db, "package-files", "services/billing", "--extension", "go")
    lines = out.splitlines()
    assert lines and all(line.startswith("services/billing/") and ".go " in line for line in lines)


def test_warnings(db):
    code, out, err = run("warnings", "--db", str(db))
    assert (code, out, err) == (0, "", "symidx: no warnings\n")
    assert js(db, "warnings", "--package", "libs/auth")["total"] == 0


def test_path(db):
    out = ok(db, "path", "shop-auth-oauth", "shop-auth")
    assert out == "libs/auth/plugins/oauth (shop-auth-oauth) -> libs/auth (shop-auth)\n"
    res = js(db, "path", "crates/cli", "libs/auth")
    assert res == {"from": "crates/cli", "to": "libs/auth", "relation": None, "path": None, "length": None}
    code, out, err = run("path", "crates/cli", "libs/auth", "--db", str(db))
    assert (code, out) == (0, "") and "no dependency path" in err
    code, _, err = run("path", "crates/cli", "nope-nope", "--db", str(db))
    assert code == 1 and "nope-nope" in err


# ---------------------------------------------------------------- status


def test_status(db):
    out = ok(db, "status")
    assert f"index:      {db} (schema {SCHEMA_VERSION})" in out
    assert "staleness:  up to date" in out and "last build:" in out
    phases = next(line for line in out.splitlines() if line.startswith("phases:"))
    assert "discover " in phases and "merge " in phases
    res = js(db, "status", "--no-check")
    assert res["stale"] == {"checked": False, "reason": "skipped"}
    assert js(db, "status", "--no-check-stale")["stale"] == res["stale"]
    assert res["counts"]["packages"] >= 11 and res["root"].endswith("polyglot")


def test_dump_still_works(db):
    out = ok(db, "dump")
    assert out.startswith("# packages (") and '"libs/auth","shop-auth"' in out


# ----------------------------------------------------------- error paths


def test_missing_db(tmp_path):
    for argv in (["search", "x"], ["status"], ["packages", "--json"], ["dump"]):
        code, out, err = run(*argv, "--db", str(tmp_path / "none.db"))
        assert code == 2 and out == ""
        assert err == f"symidx: no index at {tmp_path / 'none.db'}: build it with `doit index` or `symidx build`\n"


def test_other_schema_version(db, tmp_path):
    copy = tmp_path / "v0.db"
    shutil.copy(db, copy)
    w = sqlite3.connect(copy)
    w.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    w.commit()
    w.close()
    code, out, err = run("status", "--db", str(copy))
    assert code == 2 and out == "" and err.count("\n") == 1 and "schema version 0" in err


def test_read_commands_do_not_change_the_db(db):
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for argv in (["search", "cart"], ["symbol", "new"], ["package", "libs/auth"], ["packages"], ["files", "go"],
                 ["tree", "libs/auth", "--reverse"], ["path", "libs/payments", "libs/auth"], ["warnings"],
                 ["status"], ["file", "libs/payments/shop_payments/processor.py"], ["dependents", "libs/auth"]):
        ok(db, *argv)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_default_db_from_config(tmp_path, monkeypatch, db):
    (tmp_path / "symidx.toml").write_text('db = "idx/my.db"\n')
    (tmp_path / "idx").mkdir()
    shutil.copy(db, tmp_path / "idx" / "my.db")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("packages", "--kind", "go")
    assert code == 0, err
    assert out.split()[0] == "services/billing"
    (tmp_path / "symidx.toml").write_text('db = 5\n')
    code, out, err = run("packages")
    assert code == 2 and "key 'db'" in err


def test_default_db_without_config(tmp_path, monkeypatch):
    """Without a config, the default is <repo>/.symidx/index.db, the repo being the current
    directory when no directory at or above it has a .symidx directory or a symidx.toml."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code, _, err = run("status")
    expected = work.resolve() / ".symidx" / "index.db"
    assert code == 2
    assert err == f"symidx: no index at {expected}: build it with `doit index` or `symidx build`\n"


def test_default_db_from_a_subdirectory(tmp_path, monkeypatch, db):
    """The repo is the nearest directory at or above the current one holding .symidx/."""
    (tmp_path / ".symidx").mkdir()
    shutil.copy(db, tmp_path / ".symidx" / "index.db")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    code, out, err = run("packages", "--kind", "go", "--json")
    assert code == 0, err
    assert [p["path"] for p in json.loads(out)["results"]] == ["services/billing", "services/gateway"]


# ----------------------------------------------------------------- build


def test_build_runs_the_doit_graph(tmp_path, capsys, monkeypatch, small_tree):
    monkeypatch.setenv("CI", "1")
    root = small_tree
    assert cli.main(["build", "--root", str(root), "-j", "2"]) == 0
    out = capsys.readouterr().out
    db = root / ".symidx" / "index.db"
    assert db.is_file() and (root / ".symidx" / "doit-deps.sqlite").is_file()
    assert "symidx: 1/1 packages: 1 extracted, 0 up to date, 0 failed" in out
    assert cli.main(["build", "--root", str(root)]) == 0
    assert "0 extracted, 1 up to date" in capsys.readouterr().out
    res = js(db, "search", "pay")
    assert res["results"][0]["name"] == "pay"
    other = tmp_path / "elsewhere" / "x.db"
    assert cli.main(["build", "--root", str(root), "--db", str(other), "-j", "1"]) == 0
    assert other.is_file() and (other.parent / "doit-deps.sqlite").is_file()


def test_build_same_state_as_doit_index(tmp_path, capsys, monkeypatch, small_tree):
    """`symidx build` after `doit index` (same db, same dep file) finds everything up to date."""
    from .indexing import doit

    monkeypatch.setenv("CI", "1")
    root = small_tree
    db = root / ".symidx" / "index.db"
    run_ = doit(root, db, dep_file=db.parent / "doit-deps.sqlite")
    assert run_.code == 0
    capsys.readouterr()
    assert cli.main(["build", "--root", str(root)]) == 0
    assert "0 extracted, 1 up to date" in capsys.readouterr().out


def test_build_bad_arguments(tmp_path):
    code, _, err = run("build", "--root", str(tmp_path), "-j", "0")
    assert code == 2 and "--jobs" in err
    code, _, err = run("build", "--root", str(tmp_path / "missing"))
    assert code == 2 and "not a directory" in err
    assert not (tmp_path / "missing").exists()


# What a query command must not load when it starts: the build's machinery
# (doit, discovery, the merge, tree-sitter) and the fuzzy matcher (only needed
# when a search finds nothing). Loading them made every `symidx symbol X` take
# 0.19 s instead of 0.11 s (docs/performance.md).
BUILD_ONLY_MODULES = ("doit", "pathspec", "rapidfuzz", "tree_sitter", "symidx_tasks.discover",
                      "symidx_tasks.store.merge", "symidx_tasks.pipeline.graph")


def test_a_query_command_starts_without_the_build_machinery(db: Path) -> None:
    code = ("import sys\n"
            "from symidx_tasks.frontends import cli\n"
            f"assert cli.main(['symbol', 'QuoteService', '--db', {str(db)!r}]) == 0\n"
            f"print(sorted(m for m in {BUILD_ONLY_MODULES!r} if m in sys.modules))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "QuoteService" in run.stdout
    assert run.stdout.splitlines()[-1] == "[]"


def test_the_build_entry_points_still_load_from_the_package() -> None:
    import symidx_tasks

    assert callable(symidx_tasks.index_tasks) and callable(symidx_tasks.doit_config)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = symidx_tasks.nothing  # type: ignore[attr-defined]
