"""Cargo.toml discovery: exact Package records for real fixture trees."""
from __future__ import annotations

from pathlib import Path

from symidx_tasks.model import Dependency, Package

from .manifest_helpers import discover

WORKSPACE = {
    "Cargo.toml": """
        [workspace]
        members = ["crates/*"]
        exclude = ["crates/old"]

        [workspace.package]
        version = "1.2.3"
        description = "shared description"
        publish = false

        [workspace.dependencies]
        serde = { version = "1.0", features = ["derive"] }
        core_lib = { path = "crates/core_lib", version = "0.1" }
        tokio = "1.35"
    """,
    "crates/app/Cargo.toml": """
        [package]
        name = "my_app"
        version.workspace = true
        description.workspace = true
        publish.workspace = true
        edition = "2021"

        [dependencies]
        serde = { workspace = true, optional = true, features = ["rc"] }
        core_lib = { workspace = true }
        json = { package = "serde_json", version = "1" }
        rand = { git = "https://github.com/rust-random/rand", branch = "master" }
        util = { path = "../../libs/util" }

        [dev-dependencies]
        tokio = { workspace = true, features = ["full"] }

        [build-dependencies]
        cc = "1.0"

        [target.'cfg(windows)'.dependencies]
        winapi = "0.3"

        [target.'cfg(unix)'.dev-dependencies]
        nix = { version = "0.27" }
    """,
    "crates/core_lib/Cargo.toml": """
        [package]
        name = "core-lib"
        version = "0.1.0"
        description = "the core"
        publish = false
    """,
    "crates/old/Cargo.toml": """
        [package]
        name = "old"
        version = "0.0.1"
    """,
    "libs/util/Cargo.toml": """
        [package]
        name = "util"
    """,
}


def test_virtual_workspace_root_and_members(tmp_path: Path) -> None:
    found = discover(tmp_path, WORKSPACE)
    assert sorted(found) == ["crates/app", "crates/core_lib", "crates/old", "libs/util"]  # no package at "."
    assert found["crates/app"] == Package(
        path="crates/app",
        name="my_app",
        kind="cargo",
        version="1.2.3",
        description="shared description",
        metadata={"workspace": ".", "publish": False},
        dependencies=[
            Dependency("cc", "build", "1.0", "cargo:cc"),
            Dependency("core_lib", "runtime", "0.1", "cargo:core-lib",
                       (("path", "crates/core_lib"), ("workspace", "true"))),
            Dependency("json", "runtime", "1", "cargo:serde-json", (("package", "serde_json"),)),
            Dependency("nix", "dev", "0.27", "cargo:nix", (("target", "cfg(unix)"),)),
            Dependency("rand", "runtime", None, "cargo:rand",
                       (("branch", "master"), ("git", "https://github.com/rust-random/rand"))),
            Dependency("serde", "runtime", "1.0", "cargo:serde", (("optional", "true"), ("workspace", "true"))),
            Dependency("tokio", "dev", "1.35", "cargo:tokio", (("workspace", "true"),)),
            Dependency("util", "runtime", None, "cargo:util", (("path", "libs/util"),)),
            Dependency("winapi", "runtime", "0.3", "cargo:winapi", (("target", "cfg(windows)"),)),
        ],
        match_key="cargo:my-app",
        manifests=["crates/app/Cargo.toml", "Cargo.toml"],
    )
    assert found["crates/core_lib"] == Package(
        path="crates/core_lib", name="core-lib", kind="cargo", version="0.1.0", description="the core",
        metadata={"workspace": ".", "publish": False}, match_key="cargo:core-lib",
        manifests=["crates/core_lib/Cargo.toml", "Cargo.toml"],
    )
    # An excluded directory is not a member, and the search goes on above the root.
    assert found["crates/old"] == Package(
        path="crates/old", name="old", kind="cargo", version="0.0.1", match_key="cargo:old",
        manifests=["crates/old/Cargo.toml", "Cargo.toml"],
    )
    # Inside the root's directory but outside its members: not a member.
    assert found["libs/util"].metadata == {}
    assert found["libs/util"].warnings == []


def test_internal_match_keys_line_up(tmp_path: Path) -> None:
    found = discover(tmp_path, WORKSPACE)
    keys = {p.match_key for p in found.values()}
    internal = sorted(d.name for d in found["crates/app"].dependencies if d.match_key in keys)
    assert internal == ["core_lib", "util"]


def test_root_package_that_is_also_the_workspace(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "Cargo.toml": """
            [package]
            name = "cli"
            version = { workspace = true }

            [workspace]
            members = ["tools/*"]

            [workspace.package]
            version = "2.0.0"

            [workspace.dependencies]
            anyhow = "1"

            [dependencies]
            anyhow = { workspace = true }
            helper = { path = "helper" }
        """,
        "tools/gen/Cargo.toml": """
            [package]
            name = "gen"
            version = "0.1.0"
        """,
        "helper/Cargo.toml": """
            [package]
            name = "helper"
        """,
        "examples/demo/Cargo.toml": """
            [package]
            name = "demo"
        """,
    })
    assert found["."] == Package(
        path=".", name="cli", kind="cargo", version="2.0.0",
        metadata={"workspace": ".", "workspace_members": ["tools/*"]},
        dependencies=[
            Dependency("anyhow", "runtime", "1", "cargo:anyhow", (("workspace", "true"),)),
            Dependency("helper", "runtime", None, "cargo:helper", (("path", "helper"),)),
        ],
        match_key="cargo:cli", manifests=["Cargo.toml"],
    )
    assert found["tools/gen"].metadata == {"workspace": "."}
    assert found["tools/gen"].manifests == ["tools/gen/Cargo.toml", "Cargo.toml"]
    assert found["helper"].metadata == {"workspace": "."}  # the root package's path dependency
    assert found["examples/demo"].metadata == {}


def test_package_workspace_key_points_at_the_root(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "ws/Cargo.toml": """
            [workspace]
            members = []
            [workspace.package]
            version = "3.1.0"
        """,
        "elsewhere/x/Cargo.toml": """
            [package]
            name = "x"
            workspace = "../../ws"
            version.workspace = true
        """,
    })
    assert found["elsewhere/x"] == Package(
        path="elsewhere/x", name="x", kind="cargo", version="3.1.0", metadata={"workspace": "ws"},
        match_key="cargo:x", manifests=["elsewhere/x/Cargo.toml", "ws/Cargo.toml"],
    )


def test_nested_member_glob_and_nearest_root(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["**/crates/*"]\n',
        "a/b/crates/c/Cargo.toml": '[package]\nname = "c"\n',
        "a/b/Cargo.toml": '[package]\nname = "b"\n',  # an ancestor without [workspace] is passed over
    })
    assert found["a/b/crates/c"].metadata == {"workspace": "."}
    assert found["a/b/crates/c"].manifests == ["a/b/crates/c/Cargo.toml", "a/b/Cargo.toml", "Cargo.toml"]
    assert found["a/b"].metadata == {}


def test_inheritance_that_cannot_be_resolved_warns(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["m"]\n',
        "m/Cargo.toml": """
            [package]
            name = "m"
            version.workspace = true
            [dependencies]
            log = { workspace = true }
        """,
        "lone/Cargo.toml": """
            [package]
            name = "lone"
            description.workspace = true
        """,
        "Cargo.lock": "",
    })
    m = found["m"]
    assert (m.version, m.metadata) == (None, {"workspace": "."})
    assert m.dependencies == [Dependency("log", "runtime", None, "cargo:log", (("workspace", "true"),))]
    assert m.warnings == [
        "m/Cargo.toml: package.version.workspace = true, but Cargo.toml has no workspace.package.version",
        "m/Cargo.toml: dependencies.log: workspace = true, but Cargo.toml has no workspace.dependencies.log",
    ]
    # "lone" is not in members, but inheriting is only allowed to members: it is one.
    assert found["lone"].metadata == {"workspace": "."}
    assert found["lone"].warnings == [
        "lone/Cargo.toml: package.description.workspace = true, but Cargo.toml has no workspace.package.description",
    ]


def test_inheritance_without_any_root_warns(tmp_path: Path) -> None:
    found = discover(tmp_path, {"p/Cargo.toml": '[package]\nname = "p"\nversion.workspace = true\n'})
    assert found["p"].version is None
    assert found["p"].metadata == {}
    assert found["p"].warnings == ["p/Cargo.toml: package.version.workspace = true, but no workspace root was found"]


def test_malformed_manifests_become_directory_packages_with_a_warning(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "bad_toml/Cargo.toml": '[package\nname = "x"\n',
        "no_name/Cargo.toml": '[package]\nversion = "1.0.0"\n',
        "neither/Cargo.toml": '[lib]\npath = "src/lib.rs"\n',
        "bad_dep/Cargo.toml": '[package]\nname = "bad"\n[dependencies]\nserde = 5\n',
        "bad_version/Cargo.toml": '[package]\nname = "bv"\nversion = ["1"]\n',
        "bad_target/Cargo.toml": '[package]\nname = "bt"\ntarget = 1\n[target]\nx = 3\n',
    })
    for d in found:
        assert (found[d].name, found[d].kind, found[d].match_key, found[d].dependencies) == (d, "cargo", "", [])
        assert found[d].manifests == [f"{d}/Cargo.toml"]
    assert found["bad_toml"].warnings[0].startswith("bad_toml/Cargo.toml: invalid TOML: ")
    assert found["no_name"].warnings == ["no_name/Cargo.toml: [package] has no name"]
    assert found["neither"].warnings == ["neither/Cargo.toml: neither a [package] nor a [workspace] table"]
    assert found["bad_dep"].warnings == ["bad_dep/Cargo.toml: dependencies.serde: expected str or dict, got int"]
    assert found["bad_version"].warnings == ["bad_version/Cargo.toml: package.version: expected str, got list"]
    assert found["bad_target"].warnings == ["bad_target/Cargo.toml: target.x: expected dict, got int"]


def test_broken_workspace_root_reports_itself_and_members_carry_on(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "Cargo.toml": "[workspace\n",
        "m/Cargo.toml": '[package]\nname = "m"\nversion = "1.0.0"\n',
    })
    assert found["."].warnings[0].startswith("Cargo.toml: invalid TOML: ")
    assert found["m"].version == "1.0.0"
    assert found["m"].manifests == ["m/Cargo.toml", "Cargo.toml"]  # fixing the root must re-read m
    assert found["m"].warnings == []


def test_workspace_table_of_wrong_type(tmp_path: Path) -> None:
    found = discover(tmp_path, {"Cargo.toml": 'workspace = "yes"\n'})
    assert found["."].warnings == ["Cargo.toml: workspace: expected dict, got str"]


def test_workspace_dependency_of_wrong_type_names_the_root(tmp_path: Path) -> None:
    found = discover(tmp_path, {
        "Cargo.toml": '[workspace]\nmembers = ["m"]\n[workspace.dependencies]\nlog = 1\n',
        "m/Cargo.toml": '[package]\nname = "m"\n[dependencies]\nlog = { workspace = true }\n',
    })
    assert found["m"].warnings == ["Cargo.toml: workspace.dependencies.log: expected str or dict, got int"]
