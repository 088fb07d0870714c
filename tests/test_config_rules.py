"""The configuration shire's users have: package overrides, rich custom rules,
manifests switched off by file name, [symbols] exclude_extensions, and
manifests inside test directories. Each is validated, reaches discovery, and
is part of IndexConfig (so the discovery cache and the task digests see it)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from symidx_tasks.config import (
    ConfigError,
    CustomRule,
    IndexConfig,
    PackageOverride,
    config_from_table,
    load_config,
)
from symidx_tasks.discover import Unit, discover
from symidx_tasks.discover.classify import EXTENSION_NOT_ENABLED, SYMBOLS_EXCLUDED, TEST

from .indexing import build
from .trees import write_tree


def _units(root: Path, config: IndexConfig) -> dict[str, Unit]:
    return {u.key: u for u in discover(root, config).units}


def _skips(unit: Unit) -> dict[str, str | None]:
    return {f.path: f.skip for f in unit.files}


# -- validation ----------------------------------------------------------------

def test_every_new_key_is_read_from_symidx_toml(tmp_path: Path) -> None:
    write_tree(tmp_path, {"symidx.toml": (
        'disabled_manifests = ["go.work", "build.gradle.kts"]\n'
        "packages_in_test_dirs = true\n"
        "[symbols]\nexclude_extensions = [\"JS\", \".mjs\"]\n"
        "[[packages]]\npath = \"services/api/\"\nname = \"api\"\ndescription = \"The API\"\n"
        "[[packages]]\nname = \"shop-auth\"\ndescription = \"Sign-in\"\n"
        "[[custom]]\nrequires = [\"BUILD\", \"*.proto\"]\npaths = [\"proto\", \"./idl/\"]\n"
        "exclude = [\"legacy\", \"idl/old/**\"]\nmax_depth = 2\nname_prefix = \"//\"\n"
        "extensions = [\"proto\"]\nkind = \"bazel\"\n"
    )})
    config = load_config(tmp_path)
    assert config.disabled_manifests == ("go.work", "build.gradle.kts")
    assert config.packages_in_test_dirs is True
    assert config.symbols_exclude_extensions == (".js", ".mjs")
    assert config.packages == (
        PackageOverride(path="services/api", name="api", description="The API"),
        PackageOverride(path=None, name="shop-auth", description="Sign-in"),
    )
    assert config.custom == (CustomRule(
        requires=("BUILD", "*.proto"), paths=("proto", "idl"), exclude=("legacy", "idl/old/**"), max_depth=2,
        kind="bazel", name_prefix="//", extensions=(".proto",),
    ),)


def test_pyproject_tool_table_holds_the_same_keys(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": (
        "[tool.symidx.symbols]\nexclude_extensions = [\"map\"]\n"
        "[[tool.symidx.packages]]\npath = \".\"\ndescription = \"root\"\n"
    )})
    config = load_config(tmp_path)
    assert config.symbols_exclude_extensions == (".map",)
    assert config.packages == (PackageOverride(path=".", description="root"),)


@pytest.mark.parametrize(
    "table, message",
    [
        ({"packages": {"path": "x"}}, r"key 'packages': expected an array of tables \(\[\[packages\]\]\)"),
        ({"packages": [{"description": "d"}]}, r"key 'packages'\[0\]: expected 'path' or 'name'"),
        ({"packages": [{"name": "x"}]}, r"key 'packages'\[0\]: nothing to override"),
        ({"packages": [{"path": "x", "version": "1"}]}, r"key 'packages'\[0\]: unknown key\(s\) version"),
        ({"packages": [{"path": "../x", "description": "d"}]}, r"packages'\[0\]\.path: expected a directory inside"),
        ({"packages": [{"path": "x", "description": 3}]}, r"packages'\[0\]\.description: expected a non-empty string"),
        ({"custom": [{"requires": []}]}, r"custom'\[0\]\.requires: expected file names or globs"),
        ({"custom": [{"requires": ["a/BUILD"]}]}, r"custom'\[0\]\.requires: expected file names or globs"),
        ({"custom": [{"requires": ["BUILD"], "marker": "BUILD"}]}, r"custom'\[0\]: give 'requires' or .* not both"),
        ({"custom": [{"requires": ["BUILD"], "paths": "src"}]}, r"custom'\[0\]\.paths: expected a list of strings"),
        ({"custom": [{"requires": ["BUILD"], "paths": []}]}, r"custom'\[0\]\.paths: expected at least one"),
        ({"custom": [{"requires": ["BUILD"], "paths": ["/abs"]}]}, r"custom'\[0\]\.paths: expected a directory"),
        ({"custom": [{"requires": ["BUILD"], "under": "a", "paths": ["b"]}]}, r"'paths' or its shorthand 'under'"),
        ({"custom": [{"requires": ["BUILD"], "max_depth": -1}]}, r"custom'\[0\]\.max_depth: expected a non-negative"),
        ({"custom": [{"requires": ["BUILD"], "max_depth": True}]}, r"custom'\[0\]\.max_depth: expected a non-negative"),
        ({"custom": [{"requires": ["BUILD"], "name_prefix": 1}]}, r"custom'\[0\]\.name_prefix: expected a string"),
        ({"custom": [{"requires": ["BUILD"], "exclude": "x"}]}, r"custom'\[0\]\.exclude: expected a list of strings"),
        ({"custom": [{"requires": ["BUILD"], "extensions": [""]}]}, r"custom'\[0\]\.extensions: expected extensions"),
        ({"disabled_manifests": ["a/go.work"]}, r"key 'disabled_manifests': expected file names"),
        ({"disabled_manifests": "go.work"}, r"key 'disabled_manifests': expected a list of strings"),
        ({"symbols": ["js"]}, r"key 'symbols': expected a table"),
        ({"symbols": {"exclude": ["js"]}}, r"key 'symbols': unknown key\(s\) exclude"),
        ({"symbols": {"exclude_extensions": "js"}}, r"key 'symbols'\.exclude_extensions: expected a list of strings"),
        ({"packages_in_test_dirs": "yes"}, r"key 'packages_in_test_dirs': expected true or false"),
    ],
)
def test_bad_values_name_the_file_and_the_key(table: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        config_from_table(table, "symidx.toml")
    assert str(info.value).startswith("symidx.toml: ")


# -- [[packages]] overrides ------------------------------------------------------

OVERRIDE_TREE = {
    "libs/auth/pyproject.toml": '[project]\nname = "shop-auth"\nversion = "1.0"\ndescription = "auth"\n',
    "libs/auth/shop_auth/__init__.py": "def login(): pass\n",
    "proto/BUILD": "",
    "proto/api.proto": 'syntax = "proto3";\nmessage Ping {}\n',
}


def test_overrides_by_name_and_by_path(tmp_path: Path) -> None:
    write_tree(tmp_path, OVERRIDE_TREE)
    config = IndexConfig(
        custom=(CustomRule(("BUILD",)),),
        packages=(
            PackageOverride(name="shop-auth", description="Sign-in and sessions"),
            PackageOverride(path="proto", name="shop-protos", description="wire formats"),
        ),
    )
    units = _units(tmp_path, config)
    auth, proto = units["libs/auth"].package, units["proto"].package
    assert auth is not None and proto is not None
    assert (auth.name, auth.description) == ("shop-auth", "Sign-in and sessions")
    assert (proto.name, proto.description) == ("shop-protos", "wire formats")
    assert auth.warnings == [] and proto.warnings == []


def test_a_manifest_name_is_not_overridden_and_an_unused_override_warns(tmp_path: Path) -> None:
    write_tree(tmp_path, OVERRIDE_TREE)
    config = IndexConfig(packages=(
        PackageOverride(path="libs/auth", name="other"),
        PackageOverride(path="nowhere", description="x"),
    ), source="symidx.toml")
    found = discover(tmp_path, config)
    auth = {u.key: u for u in found.units}["libs/auth"].package
    assert auth is not None and auth.name == "shop-auth"
    assert auth.warnings == ["symidx.toml: packages[0]: name ignored, the python manifest names this package "
                             "'shop-auth'"]
    assert (".", "symidx.toml: packages[1]: no package has path 'nowhere'; the override is unused") in found.warnings


def test_an_override_reaches_the_index_and_reruns_only_its_package(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", OVERRIDE_TREE)
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    config = IndexConfig(packages=(PackageOverride(name="shop-auth", description="Sign-in"),))
    run = build(repo, db, config=config)
    assert run.packages_run == ["index:libs/auth"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT description FROM packages WHERE path = 'libs/auth'").fetchone() == ("Sign-in",)


# -- custom rules ----------------------------------------------------------------

RULE_TREE = {
    "proto/BUILD": "",
    "proto/api.proto": 'syntax = "proto3";\nmessage Ping {}\n',
    "proto/api_pb.py": "class Ping: pass\n",
    "proto/nested/BUILD": "",  # below a match: not matched again
    "proto/nested/inner.proto": 'syntax = "proto3";\nmessage Inner {}\n',
    "proto/legacy/v1/BUILD": "",  # excluded by name
    "proto/legacy/v1/old.proto": 'syntax = "proto3";\n',
    "idl/a/BUILD": "",
    "idl/a/a.proto": 'syntax = "proto3";\n',
    "idl/a/b/c/BUILD": "",  # deeper than max_depth... but nested under idl/a anyway
    "idl/x/y/z/BUILD": "",  # deeper than max_depth
    "idl/x/y/z/z.proto": 'syntax = "proto3";\n',
    "idl/onlybuild/BUILD": "",  # lacks a *.proto: requires are all needed
    "elsewhere/BUILD": "",  # outside every path
    "elsewhere/e.proto": 'syntax = "proto3";\n',
}


def _rule(**kwargs: object) -> CustomRule:
    base: dict[str, object] = {
        "requires": ("BUILD", "*.proto"), "paths": ("proto", "idl"), "exclude": ("legacy",), "max_depth": 2,
        "kind": "bazel", "name_prefix": "//", "extensions": (".proto",),
    }
    return CustomRule(**{**base, **kwargs})  # type: ignore[arg-type]


def test_rich_custom_rule(tmp_path: Path) -> None:
    write_tree(tmp_path, RULE_TREE)
    units = _units(tmp_path, IndexConfig(custom=(_rule(),)))
    rule_packages = sorted(k for k, u in units.items() if u.package is not None and u.package.kind == "bazel")
    assert rule_packages == ["idl/a", "proto"]
    proto = units["proto"].package
    assert proto is not None
    assert proto.name == "//proto" and proto.match_key == "bazel:proto"
    assert proto.manifests == ["proto/BUILD", "proto/api.proto"]
    assert proto.metadata == {"rule": {"requires": ["BUILD", "*.proto"], "paths": ["proto", "idl"],
                                       "extensions": [".proto"]}}
    skips = _skips(units["proto"])
    assert skips["proto/api.proto"] is None
    assert skips["proto/api_pb.py"] == EXTENSION_NOT_ENABLED
    assert "proto/nested/inner.proto" in skips  # owned by the match above it
    assert "proto/legacy/v1/old.proto" in skips


def test_path_globs_in_exclude_and_depth_zero(tmp_path: Path) -> None:
    write_tree(tmp_path, RULE_TREE)
    rules = (_rule(paths=("idl",), exclude=("a",)), _rule(paths=("proto",), exclude=(), max_depth=0, kind="root"))
    units = _units(tmp_path, IndexConfig(custom=rules))
    kinds = {k: u.package.kind for k, u in units.items() if u.package is not None}
    # "a" excludes idl/a and everything below it; idl/x/y/z is 3 deep: still too deep.
    assert kinds == {"proto": "root"}
    units = _units(tmp_path, IndexConfig(custom=(_rule(exclude=("idl/x/**",), max_depth=None),)))
    kinds = {k: u.package.kind for k, u in units.items() if u.package is not None}
    assert sorted(kinds) == ["idl/a", "proto"]  # proto/legacy/v1 lies below the match at proto


def test_a_manifest_wins_over_a_rule(tmp_path: Path) -> None:
    write_tree(tmp_path, {"svc/BUILD": "", "svc/package.json": '{"name": "svc"}\n', "svc/x.ts": "export const a = 1;"})
    units = _units(tmp_path, IndexConfig(custom=(CustomRule(("BUILD",)),)))
    svc = units["svc"].package
    assert svc is not None and svc.kind == "npm"


# -- manifests switched off by file name -------------------------------------------

def test_disabled_manifest_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "go.work": "go 1.22\nuse ./a\n",
        "a/go.mod": "module example.com/a\n",
        "a/a.go": "package a\n",
        "kts/build.gradle.kts": "version = \"1\"\n",
        "kts/Main.kt": "fun main() {}\n",
        "groovy/build.gradle": "version = '2'\n",
    })
    on = _units(tmp_path, IndexConfig())
    assert on["a"].package is not None and "go.work" in on["a"].package.manifests
    assert on["kts"].package is not None
    off = _units(tmp_path, IndexConfig(disabled_manifests=("go.work", "*.kts")))
    a = off["a"].package
    assert a is not None and a.manifests == ["a/go.mod"]  # go.work is neither read nor a file_dep
    assert "kts" not in off and "kts/Main.kt" in _skips(off["@unowned"])  # still listed
    assert off["groovy"].package is not None


# -- [symbols] exclude_extensions --------------------------------------------------

def test_symbols_exclude_extensions_lists_but_does_not_parse(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {
        "web/package.json": '{"name": "web"}\n',
        "web/app.ts": "export function start(): void {}\n",
        "web/bundle.js": "export function bundled() {}\n",
    })
    config = IndexConfig(symbols_exclude_extensions=(".js",))
    assert _skips(_units(repo, config)["web"]) == {
        "web/app.ts": None, "web/bundle.js": SYMBOLS_EXCLUDED, "web/package.json": None,
    }
    db = tmp_path / "state" / "index.db"
    build(repo, db, config=config)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status, note FROM files WHERE path = 'web/bundle.js'").fetchone() == (
        "skipped", SYMBOLS_EXCLUDED)
    assert {r[0] for r in conn.execute("SELECT name FROM symbols")} == {"start"}
    assert conn.execute("SELECT count(*) FROM warnings").fetchone() == (0,)


# -- manifests in test directories ---------------------------------------------------

FIXTURES_TREE = {
    "pyproject.toml": '[project]\nname = "formatter"\nversion = "1.0"\n',
    "formatter/__init__.py": "def format_str(src: str) -> str:\n    return src\n",
    "tests/test_format.py": "def test_it(): pass\n",
    "tests/fixtures/project/package.json": '{"name": "fixture-app", "dependencies": {"left-pad": "1"}}\n',
    "tests/fixtures/project/index.js": "export function fixture() {}\n",
    "tests/fixtures/crate/Cargo.toml": '[package]\nname = "fixture-crate"\nversion = "0.1.0"\n',
    "tests/fixtures/crate/src/lib.rs": "pub fn fixture() {}\n",
    "tests/data/broken/package.json": "{ not json",
    "examples/demo/package.json": '{"name": "demo"}\n',
}


def test_manifests_under_test_dirs_are_not_packages(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", FIXTURES_TREE)
    units = _units(repo, IndexConfig())
    assert sorted(units) == [".", "examples/demo"]  # examples are packages: people look them up
    root_files = _skips(units["."])
    assert root_files["tests/fixtures/project/index.js"] == TEST
    assert root_files["tests/fixtures/crate/src/lib.rs"] == TEST
    assert "tests/data/broken/package.json" in root_files
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM warnings").fetchone() == (0,)  # the broken fixture is quiet
    assert conn.execute("SELECT package FROM files WHERE path = 'tests/fixtures/crate/Cargo.toml'").fetchone() == (".",)


def test_packages_in_test_dirs_restores_them(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", FIXTURES_TREE)
    units = _units(repo, IndexConfig(packages_in_test_dirs=True))
    assert sorted(units) == [".", "examples/demo", "tests/data/broken", "tests/fixtures/crate",
                             "tests/fixtures/project"]


def test_test_dirs_follow_the_test_patterns(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {
        **FIXTURES_TREE,
        "src/intTest/projects/app/build.gradle": "version = '1'\n",
        "docs/snippets/package.json": '{"name": "snippet"}\n',
    })
    config = IndexConfig(test_patterns=("tests/", "src/intTest/", "docs/"))
    assert sorted(_units(repo, config)) == [".", "examples/demo"]
    assert "src/intTest/projects/app" in _units(repo, IndexConfig())


# -- part of the config's identity ------------------------------------------------

def test_every_new_setting_changes_the_discovery_cache(tmp_path: Path) -> None:
    write_tree(tmp_path / "repo", {**OVERRIDE_TREE, **FIXTURES_TREE})
    cache = tmp_path / "state" / "discovery.pickle"
    variants = [
        IndexConfig(),
        IndexConfig(packages=(PackageOverride(name="shop-auth", description="x"),)),
        IndexConfig(custom=(CustomRule(("BUILD",)),)),
        IndexConfig(custom=(CustomRule(("BUILD",), name_prefix="//"),)),
        IndexConfig(disabled_manifests=("pyproject.toml",)),
        IndexConfig(symbols_exclude_extensions=(".py",)),
        IndexConfig(packages_in_test_dirs=True),
    ]
    seen = []
    for config in variants:
        found = discover(tmp_path / "repo", config, cache=cache)
        assert found == discover(tmp_path / "repo", config)  # the cache gives what a fresh discovery gives
        seen.append(found)
    assert all(a != b for i, a in enumerate(seen) for b in seen[i + 1:])
