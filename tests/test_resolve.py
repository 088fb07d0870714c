"""Reference resolution in the merge (store/resolve.py): each rule on a small
polyglot tree, the references it must leave unresolved, and incremental ==
fresh for the edits that move a resolution from outside its package."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from symidx_tasks.model import FileRecord
from symidx_tasks.store import resolve as resolve_module
from symidx_tasks.store.dump import REF_TARGETS
from symidx_tasks.store.modules import module_candidates, module_files, package_keys
from symidx_tasks.store.resolve import AMBIGUOUS_LIMIT, NAME_LIMIT

from .indexing import build, dump, fresh_dump
from .trees import write_tree

MAIN = "libs/app/acme_app/main.py"


def _shapes(method: str, count: int) -> str:
    return "".join(f"class Shape{n}:\n    def {method}(self):\n        pass\n\n" for n in range(count))


TREE: dict[str, str] = {
    "libs/core/pyproject.toml": '[project]\nname = "acme-core"\n',
    "libs/core/acme_core/__init__.py": "",
    "libs/core/acme_core/money.py": (
        "def convert(x):\n    return x\n\n"
        "class Ledger:\n    def post(self):\n        pass\n\n"
        "class Decimal:\n    pass\n\n"
        "def audit(x):\n    pass\n\n"
        "def shim(x):\n    pass\n\n"
        "def area(x):\n    pass\n"
    ),
    # Same names in another module of core: an import naming money.py resolves to money.py's only.
    "libs/core/acme_core/legacy.py": "def convert(x):\n    pass\n\nclass Journal:\n    def post(self):\n        pass\n",
    "libs/app/pyproject.toml": '[project]\nname = "acme-app"\ndependencies = ["acme-core"]\n',
    MAIN: (
        "from acme_core.money import convert, Ledger as L\n"  # 1
        "import acme_core.money\n"
        "from decimal import Decimal\n"
        "import httpx\n"
        "from acme_compat import shim\n"  # 5
        "def run(x):\n"
        "    convert(x)\n"
        "    L().post()\n"
        "    acme_core.money.convert(x)\n"
        "    Decimal(x)\n"  # 10
        "    httpx.fetch(x)\n"
        "    helper(x)\n"
        "    audit(x)\n"
        "    rare_name(x)\n"
        "    common(x)\n"  # 15
        "    Tally(x)\n"
        "    shim(x)\n"
        "    x.area()\n"
        "    x.perimeter()\n"  # 19
        "def helper(x):\n    pass\n\n"
        "def fetch(x):\n    pass\n"
    ),
    # A second helper in the package: MAIN's own shadows it for MAIN's unqualified use.
    "libs/app/acme_app/extra.py": "def helper(x):\n    pass\n",
    # Relative imports name extra.py: MAIN's helper is not theirs.
    "libs/app/acme_app/report.py": "from .extra import helper\n\ndef report(x):\n    helper(x)\n",
    "libs/app/acme_app/sub/deep.py": "from ..extra import helper\n\ndef deep(x):\n    helper(x)\n",
    # One name defined more than AMBIGUOUS_LIMIT times in app, another in core.
    "libs/app/acme_app/shapes.py": _shapes("area", AMBIGUOUS_LIMIT + 1),
    "libs/core/acme_core/shapes.py": _shapes("perimeter", AMBIGUOUS_LIMIT + 1),
    "libs/other/pyproject.toml": '[project]\nname = "acme-other"\n',
    "libs/other/acme_other/a.py": (
        "def audit(x):\n    pass\n\ndef rare_name(x):\n    pass\n\ndef common(x):\n    pass\n"
    ),
    **{f"libs/other/acme_other/{n}.py": "def common(x):\n    pass\n" for n in "bcd"},
    "services/tally/go.mod": "module example.com/acme/tally\n\ngo 1.22\n",
    "services/tally/tally.go": "package tally\n\nfunc Tally(x int) int { return x }\n\nfunc Charge() {}\n",
    "services/gw/go.mod": "module example.com/acme/gw\n\ngo 1.22\n\nrequire example.com/acme/tally v0.0.0\n",
    "services/gw/main.go": (
        'package main\n\nimport (\n\t"example.com/acme/tally"\n\t"net/http"\n)\n\n'
        'func main() {\n\ttally.Charge()\n\thttp.Get("x")\n}\n'
    ),
    "frontend/ui/package.json": '{"name": "@acme/ui"}\n',
    "frontend/ui/src/button.ts": "export function Button(): string { return ''; }\n",
    "frontend/web/package.json": '{"name": "@acme/web", "dependencies": {"@acme/ui": "*"}}\n',
    "frontend/web/src/app.ts": (
        "import { Button as B } from '@acme/ui';\nimport { local } from './util';\n"
        "export function app(): string { return B() + local(); }\n"
    ),
    "frontend/web/src/util.ts": "export function local(): string { return ''; }\n",
    # Another local in web: app.ts's `./util` names util.ts's.
    "frontend/web/src/legacy.ts": "export function local(): string { return 'old'; }\n",
    # A subpath import names one of ops's many ToLength files; `./index` names a
    # file that only re-exports helper: the package's helper, wherever defined.
    "frontend/web/src/calc.js": (
        "const ToLength = require('@acme/ops/2024/ToLength');\n"
        "export function calc(x) { return ToLength(x); }\n"
    ),
    "frontend/ops/package.json": '{"name": "@acme/ops"}\n',
    **{f"frontend/ops/{year}/ToLength.js": "export function ToLength(x) { return x; }\n" for year in (2015, 2024)},
    "frontend/ops/operations/all.js": "export function ToLength(x) { return x; }\n",
    "frontend/ops/index.ts": "export { helper } from './util';\n",
    "frontend/ops/util.ts": "export function helper(): number { return 1; }\n",
    "frontend/ops/main.ts": "import { helper } from './index';\n\nexport const one = helper();\n",
    "crates/money/Cargo.toml": '[package]\nname = "acme-money"\nversion = "0.1.0"\n',
    "crates/money/src/lib.rs": "pub struct Money { pub cents: i64 }\n",
    "crates/cli/Cargo.toml": '[package]\nname = "acme-cli"\nversion = "0.1.0"\n',
    "crates/cli/src/main.rs": "use acme_money::Money;\n\npub fn total(m: Money) -> i64 { 0 }\n",
    "jvm/inv/pom.xml": (
        "<project><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId>"
        "<artifactId>inv</artifactId><version>1</version></project>\n"
    ),
    "jvm/inv/src/main/java/com/acme/inv/Stock.java": "package com.acme.inv;\n\npublic class Stock {}\n",
    "jvm/ship/pom.xml": (
        "<project><modelVersion>4.0.0</modelVersion><groupId>com.acme</groupId>"
        "<artifactId>ship</artifactId><version>1</version></project>\n"
    ),
    "jvm/ship/src/main/java/com/acme/ship/Ship.java": (
        "package com.acme.ship;\n\nimport com.acme.inv.Stock;\n\n"
        "public class Ship {\n    public Stock stock() { return null; }\n}\n"
    ),
    "tools/rep/cpanfile": "requires 'DBI';\n",
    "tools/rep/lib/Acme/Report.pm": "package Acme::Report;\n\nsub new {\n    return bless {}, shift;\n}\n\n1;\n",
    "tools/rep/bin/run.pl": "use Acme::Report;\n\nmy $r = Acme::Report->new;\n",
}

# (file, line, name) -> [(how, target file, target name)]
Targets = dict[tuple[str, int, str], list[tuple[str, str, str]]]


def targets(db: Path) -> Targets:
    """Every reference with what it resolved to (an empty list: unresolved)."""
    conn = sqlite3.connect(db)
    try:
        out: Targets = {}
        for file, line, name, how, target_file, target_name in conn.execute(
                "SELECT r.file_path, r.line, r.name, t.how, s.file_path, s.name FROM refs r"
                " LEFT JOIN ref_targets t ON t.ref_id = r.id LEFT JOIN symbols s ON s.id = t.symbol_id"):
            hits = out.setdefault((file, line, name), [])
            if how is not None:
                hits.append((how, target_file, target_name))
        return {key: sorted(hits) for key, hits in out.items()}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> Targets:
    root = write_tree(tmp_path_factory.mktemp("resolve") / "repo", TREE)
    db = root.parent / "state" / "index.db"
    build(root, db)
    return targets(db)


CORE = "libs/core/acme_core/money.py"


@pytest.mark.parametrize("ref, expected", [
    # 1. import: by name, through an alias (the target is named as imported), a
    # receiver bound by an alias or by a module's first segment, relative
    # imports, and in every language with module-to-package keys.
    ((MAIN, 7, "convert"), [("import", CORE, "convert")]),
    ((MAIN, 8, "L"), [("import", CORE, "Ledger")]),
    ((MAIN, 8, "post"), [("import", CORE, "post")]),
    ((MAIN, 9, "convert"), [("import", CORE, "convert")]),
    ((MAIN, 1, "Ledger"), [("import", CORE, "Ledger")]),  # the import itself
    ((MAIN, 1, "convert"), [("import", CORE, "convert")]),
    # Narrowed to the file the module names (core's legacy.py defines convert and post too).
    (("libs/app/acme_app/report.py", 4, "helper"), [("import", "libs/app/acme_app/extra.py", "helper")]),
    (("libs/app/acme_app/sub/deep.py", 4, "helper"), [("import", "libs/app/acme_app/extra.py", "helper")]),
    (("frontend/web/src/calc.js", 1, "ToLength"), [("import", "frontend/ops/2024/ToLength.js", "ToLength")]),
    (("frontend/web/src/calc.js", 2, "ToLength"), [("import", "frontend/ops/2024/ToLength.js", "ToLength")]),
    # ... unless that file lacks the name (a re-export): the package's, as if it named no file.
    (("frontend/ops/main.ts", 3, "helper"), [("import", "frontend/ops/util.ts", "helper")]),
    (("frontend/web/src/app.ts", 3, "B"), [("import", "frontend/ui/src/button.ts", "Button")]),
    (("frontend/web/src/app.ts", 3, "local"), [("import", "frontend/web/src/util.ts", "local")]),
    (("services/gw/main.go", 9, "Charge"), [("import", "services/tally/tally.go", "Charge")]),
    (("crates/cli/src/main.rs", 3, "Money"), [("import", "crates/money/src/lib.rs", "Money")]),
    (("jvm/ship/src/main/java/com/acme/ship/Ship.java", 6, "Stock"),
     [("import", "jvm/inv/src/main/java/com/acme/inv/Stock.java", "Stock")]),
    (("tools/rep/bin/run.pl", 3, "Acme::Report"), [("import", "tools/rep/lib/Acme/Report.pm", "Acme::Report")]),
    # 2-4: the package, its dependencies, then a rare name anywhere.
    ((MAIN, 12, "helper"), [("package", MAIN, "helper")]),
    ((MAIN, 13, "audit"), [("dependency", CORE, "audit")]),
    ((MAIN, 14, "rare_name"), [("name", "libs/other/acme_other/a.py", "rare_name")]),
    # Unresolved: bound to an outside module (though core, a dependency, defines
    # Decimal and the package itself defines fetch), a name defined more than
    # NAME_LIMIT times, a name only another language family defines.
    ((MAIN, 10, "Decimal"), []),
    ((MAIN, 11, "fetch"), []),
    ((MAIN, 15, "common"), []),
    ((MAIN, 16, "Tally"), []),
    ((MAIN, 3, "Decimal"), []),
    ((MAIN, 17, "shim"), []),
    # Too many candidates in the package (core's one `area` is not tried), in the dependencies.
    ((MAIN, 18, "area"), []),
    ((MAIN, 19, "perimeter"), []),
])
def test_rules(resolved: Targets, ref: tuple[str, int, str], expected: list[tuple[str, str, str]]) -> None:
    assert resolved[ref] == expected


def test_common_is_defined_once_more_than_the_limit() -> None:
    assert sum(text.count("def common(") for text in TREE.values()) == NAME_LIMIT + 1
    assert TREE["libs/app/acme_app/shapes.py"].count("def area(") == AMBIGUOUS_LIMIT + 1


def _fewer_perimeters(root: Path) -> None:
    # Core defines perimeter AMBIGUOUS_LIMIT times now: app's use resolves to them all.
    write_tree(root, {"libs/core/acme_core/shapes.py": _shapes("perimeter", AMBIGUOUS_LIMIT)})


def _add_common(root: Path) -> None:
    # More definitions of rare_name outside app's dependencies: its reference becomes too ambiguous.
    for n in range(NAME_LIMIT):
        write_tree(root, {f"libs/other/acme_other/extra_{n}.py": "def rare_name(x):\n    pass\n"})


def _edit_core(root: Path) -> None:
    # Core reloads: every symbol id in it changes; the alias L and the dependency audit must follow.
    path = root / CORE
    path.write_text("\n\n" + path.read_text() + "\ndef later():\n    pass\n")


def _edit_core_body(root: Path) -> None:
    # Core's money.py reloads with every name it defines kept (lines move, a body
    # changes): its symbols are new rows, and the references to them keep their
    # targets without being resolved again.
    path = root / CORE
    path.write_text("\n\n" + path.read_text().replace("    return x\n", "    return x + 0\n"))


def _edit_last_body(root: Path) -> None:
    # Report.pm's symbols are the index's last rows (tools/rep loads last): reloaded,
    # they take the same rowids again, and run.pl's uses must point at the new rows.
    path = root / "tools/rep/lib/Acme/Report.pm"
    path.write_text(path.read_text().replace("bless {}, shift", "bless { ok => 1 }, shift"))


def _define_convert_twice(root: Path) -> None:
    # money.py defines convert once more (same file, same name): app's imports of it
    # now resolve to both, though no name appeared or went.
    path = root / CORE
    path.write_text(path.read_text() + "\nclass Rates:\n    def convert(self):\n        pass\n")


def _new_module(root: Path) -> None:
    # A new top-level module of other: a package key changes, so any import may
    # move. app's `from acme_compat import shim` now names a module of the repo,
    # which lacks shim: no longer an outside name, it resolves by the next rules
    # (core defines it), though no package defining shim changed.
    write_tree(root, {"libs/other/acme_compat.py": "def compat_level():\n    pass\n"})


def _unname_convert(root: Path) -> None:
    # money.py, the file app's imports name, no longer defines convert: they
    # fall back to core's other convert, though no file they name changed name.
    path = root / CORE
    path.write_text(path.read_text().replace("def convert(", "def converted("))


def _shadow_money(root: Path) -> None:
    # A package directory acme_core/money/ now wins over money.py for `acme_core.money`
    # (a file added, none edited): it lacks convert, so app's imports fall back to all
    # of core's convert, though neither file that defines convert changed.
    write_tree(root, {"libs/core/acme_core/money/__init__.py": "def ledger_v2():\n    pass\n"})


def _remove_core(root: Path) -> None:
    for rel in [p for p in TREE if p.startswith("libs/core/")]:
        (root / rel).unlink()


def _rename_in_other(root: Path) -> None:
    path = root / "libs/other/acme_other/a.py"
    path.write_text(path.read_text().replace("rare_name", "rarer_name"))


# edit -> whether app's resolutions change (a reload that keeps every name must keep them)
EDITS = {"name crosses the limit": (_add_common, True), "imported package reloads": (_edit_core, False),
         "package keys change": (_new_module, True), "imported package removed": (_remove_core, True),
         "guessed target renamed": (_rename_in_other, True), "named file loses the name": (_unname_convert, True),
         "dependency name no longer ambiguous": (_fewer_perimeters, True),
         "added file becomes the named module": (_shadow_money, True),
         "a body edited, every name kept": (_edit_core_body, False),
         "the last rows reloaded, rowids reused": (_edit_last_body, False),
         "the named file defines a name once more": (_define_convert_twice, True)}


@pytest.mark.parametrize("name", list(EDITS))
def test_incremental_resolution_equals_fresh(name: str, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", TREE)
    db = tmp_path / "state" / "index.db"
    build(root, db)
    before = targets(db)
    edit, changes = EDITS[name]
    edit(root)
    run = build(root, db)
    assert "index:libs/app" not in run.packages_run  # its references moved without it
    assert dump(db) == fresh_dump(root, tmp_path / "scratch")
    assert (targets(db) != before) == changes
    conn = sqlite3.connect(db)
    try:  # no target points at a reference or symbol that is gone
        assert all(None not in row for row in conn.execute(REF_TARGETS))
    finally:
        conn.close()


def test_a_reload_that_keeps_every_name_resolves_only_its_own_references(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path / "repo", TREE)
    db = tmp_path / "state" / "index.db"
    build(root, db)
    scoped: list[set[str]] = []
    real = resolve_module._bind_imports

    def spy(conn: sqlite3.Connection) -> None:
        scoped.append({path for (path,) in conn.execute(
            "SELECT DISTINCT r.file_path FROM temp.scope s JOIN refs r ON r.id = s.id")})
        real(conn)

    monkeypatch.setattr(resolve_module, "_bind_imports", spy)
    report = root / "libs/app/acme_app/report.py"
    report.write_text(report.read_text() + "\n# a comment\n")  # names kept, references kept
    _edit_core_body(root)  # names kept, no references of its own
    build(root, db)
    assert scoped == [{"libs/app/acme_app/report.py"}]
    assert dump(db) == fresh_dump(root, tmp_path / "scratch")
    _define_convert_twice(root)  # a name's count moved: every reference to it is resolved again
    build(root, db)
    assert MAIN in scoped[-1]
    assert dump(db) == fresh_dump(root, tmp_path / "scratch")


def test_what_the_edits_changed(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", TREE)
    db = tmp_path / "state" / "index.db"
    build(root, db)
    _add_common(root)
    build(root, db)
    assert targets(db)[(MAIN, 14, "rare_name")] == []
    _fewer_perimeters(root)
    build(root, db)
    shapes = "libs/core/acme_core/shapes.py"
    assert targets(db)[(MAIN, 19, "perimeter")] == [("dependency", shapes, "perimeter")] * AMBIGUOUS_LIMIT
    _new_module(root)
    build(root, db)
    assert targets(db)[(MAIN, 17, "shim")] == [("dependency", CORE, "shim")]
    _remove_core(root)
    build(root, db)
    after = targets(db)
    # acme_core names no package now: an outside module, so its names stay unresolved.
    assert after[(MAIN, 7, "convert")] == [] and after[(MAIN, 13, "audit")] == [("name", "libs/other/acme_other/a.py",
                                                                                     "audit")]


def test_package_keys() -> None:
    def files(*paths: str, language: str) -> list[FileRecord]:
        return [{"path": p, "language": language, "size": 1, "sha256": None, "status": "parsed", "note": None}
                for p in paths]

    package = {"path": "libs/a", "match_key": "python:a", "name": "a", "kind": "python", "version": None,
               "description": None, "metadata": {}, "dependencies": [], "manifests": [], "warnings": [],
               "languages": None}
    assert package_keys(package, files("libs/a/src/pkg_a/x.py", "libs/a/tool.py", "libs/a/bad-name/y.py",  # type: ignore[arg-type]
                                       language="python")) == ["py:pkg_a", "py:tool", "python:a"]
    assert package_keys(None, files("jvm/x/src/main/kotlin/com/a/B.kt", "src/com/b/C.java", "src/D.java", "E.java",
                                    language="kotlin")) == ["jvm:com.a", "jvm:com.b"]
    assert package_keys(None, files("t/lib/A/B.pm", "t/Top.pm", "t/bin/x.pl", language="perl")) \
        == ["perl:A::B", "perl:t::Top"]


@pytest.mark.parametrize("language, module, expected", [
    ("python", ".sessions", [""]),
    ("python", "shop_auth.tokens", ["py:shop_auth"]),
    ("typescript", "./cart", [""]),
    ("tsx", "@shop/ui/button", ["npm:@shop/ui"]),
    ("javascript", "big.js", ["npm:big.js"]),
    ("go", "example.com/a/b", ["go:example.com/a/b", "go:example.com/a", "go:example.com"]),
    ("rust", "crate::catalog", [""]),
    ("rust", "shop_core::money", ["cargo:shop-core"]),
    ("java", "com.a.Outer", ["jvm:com.a.Outer", "jvm:com.a"]),
    ("perl", "Shop::Util", ["perl:Shop::Util"]),
    ("ruby", "notifier/version", ["ruby:notifier"]),
    ("proto", "google/protobuf/timestamp.proto", []),
])
def test_module_candidates(language: str, module: str, expected: list[str]) -> None:
    assert module_candidates(language, module) == expected


_TS = ("ts", "tsx", "d.ts", "mts", "cts")
_JS = ("js", "mjs", "cjs", "jsx")


@pytest.mark.parametrize("language, module, importer, root, expected", [
    # Python: a module's file or package, source first, top-level or under src/.
    ("python", "a.b", "x/main.py", "libs/a", [
        ("libs/a/a/b/__init__.py", "libs/a/a/b.py", "libs/a/a/b/__init__.pyi", "libs/a/a/b.pyi"),
        ("libs/a/src/a/b/__init__.py", "libs/a/src/a/b.py", "libs/a/src/a/b/__init__.pyi", "libs/a/src/a/b.pyi")]),
    ("python", ".money", "p/shop/cart.py", "p", [
        ("p/shop/money/__init__.py", "p/shop/money.py", "p/shop/money/__init__.pyi", "p/shop/money.pyi")]),
    ("python", "..", "p/shop/sub/x.py", "p", [("p/shop/__init__.py", "p/shop/__init__.pyi")]),
    ("python", "...", "x.py", "", []),  # above the repo
    # JS/TS: one file, as a resolver finds it: TypeScript files first for a TypeScript importer.
    ("javascript", "./util", "w/src/app.js", "w", [
        ("w/src/util", *(f"w/src/util.{e}" for e in _JS + _TS), *(f"w/src/util/index.{e}" for e in _JS + _TS))]),
    ("typescript", "../lib/util.js", "w/src/app.ts", "w", [
        ("w/lib/util.ts", "w/lib/util.tsx", "w/lib/util.d.ts", "w/lib/util.js",
         *(f"w/lib/util.js.{e}" for e in _TS + _JS), *(f"w/lib/util.js/index.{e}" for e in _TS + _JS))]),
    ("tsx", "@acme/ops/2024/ToLength", "w/src/app.tsx", "ops", [
        ("ops/2024/ToLength", *(f"ops/2024/ToLength.{e}" for e in _TS + _JS),
         *(f"ops/2024/ToLength/index.{e}" for e in _TS + _JS))]),
    ("javascript", "@acme/ops", "w/src/app.js", "ops", []),  # a bare package: no file
    ("javascript", "lodash", "w/src/app.js", "ops", []),
    ("rust", "crate::a::b", "c/src/main.rs", "c", [("c/src/a/b.rs", "c/src/a/b/mod.rs")]),
    ("rust", "acme_money", "c/src/main.rs", "m", [("m/src/lib.rs",), ("m/src/main.rs",)]),
    ("rust", "super::x", "c/src/a.rs", "c", []),
    ("go", "example.com/a/b", "g/main.go", "b", []),
])
def test_module_files(language: str, module: str, importer: str, root: str,
                      expected: list[tuple[str, ...]]) -> None:
    assert module_files(language, module, importer, root) == expected


def test_an_edit_reloads_only_the_files_it_changed(tmp_path: Path) -> None:
    """A package whose record is unchanged keeps the rows of its unchanged files
    (same ids); the edited file's rows are new, and resolution follows them."""
    root = write_tree(tmp_path / "repo", TREE)
    db = tmp_path / "state" / "index.db"
    build(root, db)

    def ids(path: str) -> set[int]:
        conn = sqlite3.connect(db)
        try:
            return {row[0] for row in conn.execute(
                "SELECT id FROM symbols WHERE file_path = ? UNION SELECT id FROM refs WHERE file_path = ?",
                (path, path))}
        finally:
            conn.close()

    legacy, money = ids("libs/core/acme_core/legacy.py"), ids(CORE)
    path = root / CORE
    path.write_text(path.read_text() + "\ndef later():\n    pass\n")
    run = build(root, db)
    assert "index:libs/core" in run.packages_run and "index:libs/app" not in run.packages_run
    assert ids("libs/core/acme_core/legacy.py") == legacy
    assert ids(CORE).isdisjoint(money)
    assert dump(db) == fresh_dump(root, tmp_path / "scratch")


def test_new_resolution_rules_re_resolve_an_existing_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An index resolved by older rules is resolved again in full by the next run,
    though no file changed: doit runs the merge, the merge redoes every reference."""
    from symidx_tasks.pipeline import graph
    from symidx_tasks.store import resolve

    root = write_tree(tmp_path / "repo", TREE)
    db = tmp_path / "state" / "index.db"
    build(root, db)
    conn = sqlite3.connect(db)
    try:  # as if the rules had left main.py's uses unresolved
        conn.execute("DELETE FROM ref_targets WHERE ref_id IN (SELECT id FROM refs WHERE file_path = ?)", (MAIN,))
        conn.commit()
    finally:
        conn.close()
    build(root, db)  # the DB changed behind doit's back: the merge runs, but reloads and resolves nothing
    assert build(root, db).executed == []
    fresh = fresh_dump(root, tmp_path / "scratch")
    assert dump(db) != fresh
    monkeypatch.setattr(resolve, "RESOLUTION_VERSION", "next")
    monkeypatch.setattr(graph, "RESOLUTION_VERSION", "next")
    assert build(root, db).executed == ["index:merge"]
    assert dump(db) == fresh
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key = 'resolution_version'").fetchone() == ("next",)
    finally:
        conn.close()
