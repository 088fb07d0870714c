"""go.mod discovery: exact Package records for real fixture trees."""
from __future__ import annotations

from pathlib import Path

import pytest

from symidx_tasks.discover.manifests.go import parse_statements
from symidx_tasks.model import Dependency, Package

from .manifest_helpers import discover, packages_in

REPO = {
    "go.work": """
        go 1.22

        use (
            ./services/api   // the public API
            "./libs/common"
        )
        use ./tools/gen/
    """,
    "services/api/go.mod": """
        // Deprecated: use example.com/api/v2
        module example.com/api

        go 1.22.1
        toolchain go1.22.3

        require example.com/libs/common v0.0.0-00010101000000-000000000000
        require (
            github.com/google/uuid v1.6.0
            golang.org/x/sys v0.20.0 // indirect
            "github.com/quoted/mod" v1.0.0 // indirect; needed by uuid
            github.com/pinned/dep v1.2.0
        )

        replace example.com/libs/common => ../../libs/common
        replace (
            github.com/pinned/dep v1.2.0 => github.com/fork/dep v1.2.1
            github.com/pinned/dep => ./never-used-for-v1.2.0
        )

        exclude golang.org/x/sys v0.19.0
        retract [v0.1.0, v0.1.5]
    """,
    "libs/common/go.mod": """
        module example.com/libs/common
        go 1.21
    """,
    "tools/gen/go.mod": "module example.com/tools/gen\n",
    "tools/other/go.mod": "module example.com/tools/other // not in go.work\n",
}


def test_module_with_requires_replaces_and_workspace(tmp_path: Path) -> None:
    found = discover(tmp_path, REPO)
    assert sorted(found) == ["libs/common", "services/api", "tools/gen", "tools/other"]
    assert found["services/api"] == Package(
        path="services/api",
        name="example.com/api",
        kind="go",
        version=None,
        metadata={"go": "1.22.1", "toolchain": "go1.22.3", "workspace": "."},
        dependencies=[
            Dependency("example.com/libs/common", "runtime", "v0.0.0-00010101000000-000000000000",
                       "go:example.com/libs/common", (("replace", "libs/common"),)),
            Dependency("github.com/google/uuid", "runtime", "v1.6.0", "go:github.com/google/uuid"),
            Dependency("github.com/pinned/dep", "runtime", "v1.2.0", "go:github.com/pinned/dep",
                       (("replace", "github.com/fork/dep@v1.2.1"),)),
            Dependency("github.com/quoted/mod", "runtime", "v1.0.0", "go:github.com/quoted/mod",
                       (("indirect", "true"),)),
            Dependency("golang.org/x/sys", "runtime", "v0.20.0", "go:golang.org/x/sys", (("indirect", "true"),)),
        ],
        match_key="go:example.com/api",
        manifests=["services/api/go.mod", "go.work"],
    )
    assert found["libs/common"] == Package(
        path="libs/common", name="example.com/libs/common", kind="go",
        metadata={"go": "1.21", "workspace": "."}, match_key="go:example.com/libs/common",
        manifests=["libs/common/go.mod", "go.work"],
    )
    assert found["tools/gen"].metadata == {"workspace": "."}  # single-line use, trailing slash
    assert found["tools/other"].metadata == {}
    assert found["tools/other"].name == "example.com/tools/other"
    assert found["tools/other"].manifests == ["tools/other/go.mod", "go.work"]


def test_internal_dependency_by_module_path(tmp_path: Path) -> None:
    found = discover(tmp_path, REPO)
    keys = {p.match_key for p in found.values()}
    assert [d.name for d in found["services/api"].dependencies if d.match_key in keys] == ["example.com/libs/common"]


def test_only_the_nearest_go_work_counts(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "go.work": "use ./a/m\n",
        "a/go.work": "go 1.22\nuse ./other\n",
        "a/m/go.mod": "module m\n",
        "b/go.work": "use .\n",
        "b/go.mod": "module b\n",
    })
    assert found["a/m"].metadata == {}
    assert found["a/m"].manifests == ["a/m/go.mod", "a/go.work"]
    # A go.work in the module's own directory is the nearest one.
    assert found["b"].metadata == {"workspace": "b"}
    assert found["b"].manifests == ["b/go.mod", "b/go.work"]


def test_version_less_replace_and_raw_strings(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "svc/go.mod": """
            module `example.com/svc`
            require (
                example.com/x v1.0.0
            )
            replace example.com/x => ..\\x
        """,
    })
    assert found["svc"].name == "example.com/svc"
    assert found["svc"].dependencies == [
        Dependency("example.com/x", "runtime", "v1.0.0", "go:example.com/x", (("replace", "x"),)),
    ]


def test_malformed_lines_are_skipped_with_a_warning(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "m/go.mod": """
            module example.com/m
            require example.com/only-path
            replace example.com/a
            replace example.com/b => example.com/c
            require ()
            godebug default=go1.21
            require example.com/ok v1.0.0
        """,
    })
    m = found["m"]
    assert m.dependencies == [Dependency("example.com/ok", "runtime", "v1.0.0", "go:example.com/ok")]
    assert m.warnings == [
        "m/go.mod: line 2: require expects a module path and a version; skipped",
        "m/go.mod: line 3: replace expects `module [version] => target [version]`; skipped",
        "m/go.mod: line 4: replace expects `module [version] => target [version]`; skipped",
    ]


def test_broken_go_work_is_reported_by_its_modules(tmp_path: Path) -> None:
    found = discover(tmp_path, {"go.work": "use (\n./m\n", "m/go.mod": "module m\n"})
    assert found["m"].name == "m"
    assert found["m"].metadata == {}
    assert found["m"].warnings == ["go.work: invalid GO.WORK: line 1: `use (` block is never closed"]


@pytest.mark.parametrize(("text", "warning"), [
    ("go 1.22\n", "m/go.mod: no module directive"),
    ("", "m/go.mod: no module directive"),
    ("module a\nmodule b\n", "m/go.mod: line 2: repeated module directive"),
    ("module\n", "m/go.mod: line 1: module expects one module path"),
    ('module "example.com/m\n', "m/go.mod: invalid GO.MOD: line 1: unterminated string"),
    ("module m\nrequire (\n  a v1\n", "m/go.mod: invalid GO.MOD: line 2: `require (` block is never closed"),
])
def test_invalid_go_mod_becomes_a_directory_package(tmp_path: Path, text: str, warning: str) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m/go.mod").write_text(text, "utf-8")
    found = packages_in(tmp_path)
    assert found["m"] == Package(path="m", name="m", kind="go", manifests=["m/go.mod"], warnings=[warning])


def test_statement_parser() -> None:
    text = 'module a//c\nrequire(\n\t"x\\u0041" v1 // indirect\n)\nreplace a => b v2 // x\n'
    assert parse_statements(text) == [
        ("module", ("a",), "c", 1),
        ("require", ("xA", "v1"), "indirect", 3),
        ("replace", ("a", "=>", "b", "v2"), "x", 5),
    ]
