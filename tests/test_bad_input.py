"""Bad input gets a clear message and loses nothing: for every class of bad
input, the run succeeds, the problem is recorded (result file, DB, warning
output) naming the file and the reason, and the rest of the index is intact."""
from __future__ import annotations

import io
import json
import os
import sqlite3
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

from symidx_tasks import IndexConfig, index_tasks
from symidx_tasks.extract import languages
from symidx_tasks.pipeline import result as result_file
from symidx_tasks.pipeline.action import extract_package

from .indexing import Run, build, doit, dump, fresh_dump, recording_config
from .trees import SAMPLE, write_tree


def _index(tmp_path: Path, extra: dict, config: IndexConfig | None = None, jobs: int = 0):
    repo = write_tree(tmp_path / "repo", {**SAMPLE, **extra})
    db = tmp_path / "state" / "index.db"
    run = build(repo, db, config=config, jobs=jobs)
    conn = sqlite3.connect(db)
    return repo, db, run, conn


def _file(conn: sqlite3.Connection, path: str) -> tuple:
    return conn.execute("SELECT status, note FROM files WHERE path = ?", (path,)).fetchone()


def _warnings(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("SELECT package, file_path, message FROM warnings ORDER BY 1, 2, 3").fetchall()


def _intact(conn: sqlite3.Connection) -> None:
    """The rest of the index is there."""
    names = {r[0] for r in conn.execute("SELECT name FROM symbols")}
    assert {"ProcessPayment", "process_payment", "AuthService", "Engine", "checkout"} <= names


@pytest.mark.parametrize(
    "manifest, text, reason",
    [
        ("libs/bad/pyproject.toml", "[project\nname = 'x'\n", "invalid TOML"),
        ("libs/bad/package.json", '{"name": "x",,}', "invalid JSON"),
        ("libs/bad/package.json", '{"name": 42}', "name: expected str, got int"),
        ("libs/bad/package.json", '{"name": "x", "dependencies": ["a"]}', "dependencies: expected dict, got list"),
        ("libs/bad/Cargo.toml", "[package]\nname = \n", "invalid TOML"),
        ("libs/bad/go.mod", "go 1.22\n", "module"),
    ],
)
def test_malformed_manifest(tmp_path: Path, manifest: str, text: str, reason: str) -> None:
    _, _, run, conn = _index(tmp_path, {manifest: text, "libs/bad/src/ok.py": "def still_indexed() -> None:\n    pass\n"})
    # The directory is still a package (named after it), so its files are not
    # claimed by a parent, and its symbols are still extracted.
    assert conn.execute("SELECT name FROM packages WHERE path = 'libs/bad'").fetchone() == ("bad",)
    assert conn.execute("SELECT package FROM symbols WHERE name = 'still_indexed'").fetchone() == ("libs/bad",)
    (package, _, message), = [w for w in _warnings(conn) if w[0] == "libs/bad"]
    assert manifest in message and reason in message
    assert manifest in run.err and reason in run.err
    _intact(conn)


def test_not_utf8_source_is_decoded_with_replacement(tmp_path: Path) -> None:
    _, _, run, conn = _index(tmp_path, {
        "frontend/packages/web/src/latin.js": b"export function caf\xe9(x) {}\nexport function ok() {}\n",
    })
    status, note = _file(conn, "frontend/packages/web/src/latin.js")
    assert status == "parsed" and "not UTF-8 (invalid byte at offset 19)" in note
    names = {r[0] for r in conn.execute("SELECT name FROM symbols WHERE file_path LIKE '%latin.js'")}
    assert names == {"caf\ufffd", "ok"}  # the name is whole, not truncated at the bad byte
    assert "latin.js" in run.err and "not UTF-8" in run.err
    _intact(conn)


def test_bom_crlf_and_empty_files_are_fine(tmp_path: Path) -> None:
    _, _, run, conn = _index(tmp_path, {
        "libs/auth/shop_auth/bom.py": "\ufeffdef with_bom() -> int:\r\n    return 1\r\n\r\ndef second():\r\n    pass\r\n",
        "libs/auth/shop_auth/empty.py": "",
    })
    rows = conn.execute("SELECT name, line, signature FROM symbols WHERE file_path LIKE '%bom.py' ORDER BY line").fetchall()
    assert rows == [("with_bom", 1, "def with_bom() -> int"), ("second", 4, "def second()")]
    assert _file(conn, "libs/auth/shop_auth/bom.py") == ("parsed", None)
    assert _file(conn, "libs/auth/shop_auth/empty.py") == ("parsed", None)
    assert _warnings(conn) == []


def test_binary_file_named_like_source_is_skipped(tmp_path: Path) -> None:
    _, _, run, conn = _index(tmp_path, {"frontend/packages/web/src/logo.js": b"\x89PNG\r\n\x1a\n\0\0\0IHDR" + bytes(range(256))})
    assert _file(conn, "frontend/packages/web/src/logo.js") == ("skipped", "binary content (NUL bytes), not parsed")
    assert "logo.js" in run.err
    _intact(conn)


def test_huge_and_minified_files_are_listed_not_parsed(tmp_path: Path) -> None:
    minified = "var a=1;" + ";".join(f"function f{i}(a,b){{return a+b}}" for i in range(1500)) + "\n"
    _, _, run, conn = _index(
        tmp_path,
        {"frontend/packages/web/src/big.ts": "export const x = 1;\n" * 5000,
         "frontend/packages/web/src/vendor.bundle.js": minified},
        config=IndexConfig(max_file_size=64 * 1024),
    )
    status, note = _file(conn, "frontend/packages/web/src/big.ts")
    assert status == "skipped" and "larger than max_file_size" in note
    assert _file(conn, "frontend/packages/web/src/vendor.bundle.js")[1].startswith("minified")
    size = conn.execute("SELECT size_bytes FROM files WHERE path LIKE '%big.ts'").fetchone()[0]
    assert size == len("export const x = 1;\n" * 5000)
    _intact(conn)


def test_syntax_errors_keep_what_is_recoverable(tmp_path: Path) -> None:
    _, _, run, conn = _index(tmp_path, {"libs/auth/shop_auth/broken.py": (
        "def before(a: int) -> int:\n    return a\n\n"
        "def broken(:\n    pass\n\n"
        "class After:\n    def method(self) -> None:\n        pass\n"
    )})
    status, note = _file(conn, "libs/auth/shop_auth/broken.py")
    assert status == "partial" and "syntax errors" in note
    names = {r[0] for r in conn.execute("SELECT name FROM symbols WHERE file_path LIKE '%broken.py'")}
    assert {"before", "After", "method"} <= names
    _intact(conn)


def test_vanished_file_is_recorded_not_fatal(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"a.py": "def a(): pass\n"})
    out = tmp_path / "r.json"
    values = extract_package(str(repo), "k", None, [("a.py", "python", None), ("gone.py", "python", None)], 10**6, str(out))
    result = result_file.decode(out.read_bytes())
    gone = next(f for f in result["files"] if f["path"] == "gone.py")
    assert gone["status"] == "error" and "vanished" in gone["note"]
    assert [row[result["symbol_columns"].index("name")] for row in result["symbols"]] == ["a"]
    assert {"file": "gone.py", "message": gone["note"]} in result["warnings"]
    assert values["unstable"] is False


def test_file_deleted_after_discovery_then_rerun_converges(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    victim = repo / "libs/core/shop_core/money.py"
    victim.write_text("def changed() -> None:\n    pass\n")

    def task_index():
        tasks = list(index_tasks(repo, db))  # discovery sees the file...
        victim.unlink()  # ...which vanishes before its task runs
        yield from tasks

    out, err = io.StringIO(), io.StringIO()
    run = Run(0)
    loader = ModuleTaskLoader({"task_index": task_index, "DOIT_CONFIG": recording_config(db, out, run)})
    with redirect_stderr(err):
        run.code = code = DoitMain(loader).run(["run", "index"])
    # doit refuses to run a task whose file_dep is missing, naming the file;
    # the configuration continues, so no other package fails (the merge and
    # the group wait on the failed one).
    assert code != 0
    assert run.failed == ["index:libs/core", "index:merge", "index"]
    assert f"Dependent file '{victim}' does not exist" in out.getvalue() + err.getvalue()
    # The next run discovers again and converges to a fresh build.
    build(repo, db)
    assert dump(db) == fresh_dump(repo, tmp_path)
    assert "process_payment" not in dump(db) and '"changed"' not in dump(db)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file; permission errors cannot be produced")
def test_permission_denied(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"a.py": "def a(): pass\n", "b.py": "def b(): pass\n"})
    os.chmod(repo / "b.py", 0)
    out = tmp_path / "r.json"
    extract_package(str(repo), "k", None, [("a.py", "python", None), ("b.py", "python", None)], 10**6, str(out))
    b = next(f for f in json.loads(out.read_text())["files"] if f["path"] == "b.py")
    assert b["status"] == "error" and "Permission denied" in b["note"]


def test_odd_file_names(tmp_path: Path) -> None:
    odd = {
        "libs/auth/shop_auth/with space.py": "def spaced(): pass\n",
        "libs/auth/shop_auth/quo'te\"s.py": "def quoted(): pass\n",
        "libs/auth/shop_auth/new\nline.py": "def newline(): pass\n",
        "libs/auth/shop_auth/ünï😀.py": "def unicode(): pass\n",
    }
    repo, db, run, conn = _index(tmp_path, odd)
    rows = dict(conn.execute("SELECT name, file_path FROM symbols WHERE name IN ('spaced','quoted','newline','unicode')"))
    assert rows == {"spaced": "libs/auth/shop_auth/with space.py", "quoted": "libs/auth/shop_auth/quo'te\"s.py",
                    "newline": "libs/auth/shop_auth/new\nline.py", "unicode": "libs/auth/shop_auth/ünï😀.py"}
    parallel = tmp_path / "p" / "index.db"
    build(repo, parallel, jobs=2)
    assert dump(parallel) == dump(db)
    assert build(repo, db).executed == []


def test_non_utf8_file_name(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    os.makedirs(repo / "libs/auth/shop_auth", exist_ok=True)
    with open(os.path.join(os.fsencode(repo / "libs/auth/shop_auth"), b"caf\xe9.py"), "w") as f:
        f.write("def latin_name(): pass\n")
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT file_path FROM symbols WHERE name = 'latin_name'").fetchone() == (
        "libs/auth/shop_auth/caf\\xe9.py",)
    assert build(repo, db).executed == []


def test_symlink_loops_and_dangling_links(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    os.symlink(repo / "libs", repo / "libs" / "auth" / "loop")
    os.symlink(repo / "nowhere.py", repo / "libs" / "auth" / "dangling.py")
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM files WHERE path LIKE '%loop%' OR path LIKE '%dangling%'").fetchone() == (0,)
    _intact(conn)


def test_duplicate_package_names_are_warned(tmp_path: Path) -> None:
    _, _, run, conn = _index(tmp_path, {"libs/auth-copy/pyproject.toml": '[project]\nname = "Shop_Auth"\n'})
    dup = [w for w in _warnings(conn) if "duplicate package name" in w[2]]
    assert [(w[0], w[1]) for w in dup] == [("libs/auth", "libs/auth/pyproject.toml"),
                                           ("libs/auth-copy", "libs/auth-copy/pyproject.toml")]
    assert "libs/auth, libs/auth-copy" in dup[0][2]
    assert "duplicate package name" in run.err


def test_grammar_that_fails_to_load_skips_only_that_language(tmp_path: Path, monkeypatch) -> None:
    broken = languages.LanguageSpec("go", "no-such-grammar", (".go",), "go")
    monkeypatch.setitem(languages._BY_NAME, "go", broken)
    languages.parser_for.cache_clear()
    try:
        _, _, run, conn = _index(tmp_path, {})  # jobs=0: runs in this process, sees the patch
    finally:
        languages.parser_for.cache_clear()
    status, note = _file(conn, "services/billing/billing.go")
    assert status == "error" and "go grammar failed to load" in note
    assert conn.execute("SELECT count(*) FROM symbols WHERE language = 'go'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM symbols WHERE language = 'python'").fetchone()[0] > 0
    # one line for the problem, naming the files, not one line per file
    assert sum("go grammar failed to load" in line for line in run.err.splitlines()) == 1


def test_strict_mode_fails_the_run_but_writes_the_index(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {**SAMPLE, "libs/bad/package.json": "{"})
    db = tmp_path / "state" / "index.db"
    run = doit(repo, db, config=IndexConfig(strict=True))
    assert run.code != 0
    assert "strict mode: the index has 1 warning(s)" in run.out + run.err
    assert "libs/bad/package.json" in run.out + run.err
    assert db.exists()
    again = doit(repo, db, config=IndexConfig(strict=True))
    assert again.code != 0  # a no-op re-run still fails while the warning remains
    assert build(repo, db).code == 0  # not strict: warnings do not fail
