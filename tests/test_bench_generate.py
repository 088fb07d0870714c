"""The benchmark's synthetic monorepo generator: deterministic, every manifest
shape present and valid, sources that parse, and a one-file edit that touches
exactly one file and adds a symbol."""
from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bench.generate import MIN_PACKAGES, edit_one_file, edit_target, generate
from symidx_tasks.extract.languages import language_for, parser_for

PACKAGES = MIN_PACKAGES + 3  # every ecosystem and flavour, a few random extras


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("mono")
    return root, generate(root, "small", seed=7, packages=PACKAGES)


def test_same_seed_gives_a_byte_identical_tree(tree: tuple[Path, dict], tmp_path: Path) -> None:
    root, stats = tree
    again = generate(tmp_path, "small", seed=7, packages=PACKAGES)
    first, second = snapshot(root), snapshot(tmp_path)
    assert sorted(first) == sorted(second)
    differing = [p for p in first if first[p] != second[p]]
    assert differing == []
    assert {k: v for k, v in stats.items() if k != "seconds"} == {k: v for k, v in again.items() if k != "seconds"}


def test_another_seed_gives_another_tree(tree: tuple[Path, dict], tmp_path: Path) -> None:
    generate(tmp_path, "small", seed=8, packages=PACKAGES)
    assert snapshot(tree[0]) != snapshot(tmp_path)


def test_stats_match_the_tree(tree: tuple[Path, dict]) -> None:
    root, stats = tree
    files = snapshot(root)
    assert stats["files"] == len(files)
    assert stats["bytes"] == sum(len(b) for b in files.values())
    assert stats["generated_packages"] == PACKAGES
    assert set(stats["packages_by_ecosystem"]) == {"npm", "cargo", "go", "python", "maven", "gradle", "ruby", "perl"}
    assert sum(stats["bytes_by_language"].values()) == stats["bytes"]


def test_every_ecosystem_has_valid_manifests(tree: tuple[Path, dict]) -> None:
    root, _ = tree
    files = snapshot(root)

    def named(name: str) -> list[str]:
        return [p for p in files if p.rsplit("/", 1)[-1] == name and "node_modules" not in p]

    # npm: a workspace root and members that depend on each other via workspace:*
    npm = {p: json.loads(files[p]) for p in named("package.json")}
    assert npm["js/package.json"]["workspaces"] == ["packages/*", "apps/*"]
    members = [m for p, m in npm.items() if p != "js/package.json"]
    assert all(m["name"].startswith("@mono/") and m["version"] for m in members)
    exts = {p.rsplit(".", 1)[-1] for p in files if p.startswith("js/") and ("/src/" in p or "/lib/" in p)}
    assert {"ts", "tsx", "js"} <= exts

    # cargo: a virtual workspace root and members inheriting from it
    cargo = {p: tomllib.loads(files[p].decode()) for p in named("Cargo.toml")}
    assert "package" not in cargo["rust/Cargo.toml"] and cargo["rust/Cargo.toml"]["workspace"]["members"] == ["crates/*"]
    crates = [c for p, c in cargo.items() if p != "rust/Cargo.toml"]
    assert len(crates) >= 2
    assert all(c["package"]["version"] == {"workspace": True} for c in crates)
    assert any(d == {"workspace": True} for c in crates for d in c["dependencies"].values())

    # go: go.work lists every module
    go_mods = named("go.mod")
    assert go_mods
    work = files["go/go.work"].decode()
    for mod in go_mods:
        assert files[mod].decode().startswith("module example.com/mono/")
        assert mod.rsplit("/", 1)[0].removeprefix("go/") in work or "../" in work

    # python: both [project] and [tool.poetry]
    py = [tomllib.loads(files[p].decode()) for p in named("pyproject.toml")]
    assert any("project" in t for t in py) and any("poetry" in t.get("tool", {}) for t in py)

    # maven: a parent pom with modules, modules naming their parent
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    parent = ET.fromstring(files["java/pom.xml"])
    modules = [m.text for m in parent.findall("m:modules/m:module", ns)]
    assert modules and all(f"java/{m}/pom.xml" in files for m in modules)
    child = ET.fromstring(files[f"java/{modules[0]}/pom.xml"])
    assert child.find("m:parent/m:artifactId", ns).text == "mono-parent"

    # gradle: settings include every subproject that has a build file
    settings = files["kotlin/settings.gradle.kts"].decode()
    subprojects = [p.split("/")[1] for p in named("build.gradle.kts") if p.count("/") == 2]
    assert subprojects and all(f'":{s}"' in settings for s in subprojects)

    # ruby and perl
    assert [p for p in files if p.endswith(".gemspec")] and named("Gemfile")
    assert named("cpanfile")

    # Loose, test, generated and ignored files
    assert ".gitignore" in files and any(p.startswith("proto/") for p in files) and any(p.startswith("scripts/") for p in files)
    assert any(p.endswith("_test.go") for p in files) and any("/tests/" in p for p in files)
    assert any(p.endswith((".pb.go", "_pb2.py", ".generated.ts", ".generated.js")) for p in files)


def test_sources_parse_without_syntax_errors(tree: tuple[Path, dict]) -> None:
    root, _ = tree
    broken = []
    for rel, data in snapshot(root).items():
        spec = language_for(rel)
        if spec is not None and parser_for(spec.name).parse(data).root_node.has_error:
            broken.append(rel)
    assert broken == []


def test_sizes_are_mostly_1_to_20_kb(tmp_path: Path) -> None:
    stats = generate(tmp_path, "small", seed=1, packages=25)
    sizes = [p.stat().st_size for p in tmp_path.rglob("*") if p.is_file() and language_for(p.name)]
    in_range = sum(1_000 <= s <= 20_000 for s in sizes)
    assert in_range / len(sizes) > 0.7
    assert max(sizes) > 50_000 or stats["files"] < 1000  # large files are rare, not absent in a real-size tree


@pytest.mark.parametrize("seed", range(3))
def test_edit_one_file_changes_exactly_one_file_and_adds_a_symbol(tmp_path: Path, seed: int) -> None:
    generate(tmp_path, "small", seed=3, packages=MIN_PACKAGES)
    before = snapshot(tmp_path)
    assert edit_target(tmp_path, seed) == edit_target(tmp_path, seed)
    rel = edit_one_file(tmp_path, seed)
    after = snapshot(tmp_path)
    assert sorted(before) == sorted(after)
    assert [p for p in before if before[p] != after[p]] == [rel]
    text = after[rel].decode()
    assert "bench_edit_" in text or "benchEdit" in text or "BenchEdit" in text
    assert not parser_for(language_for(rel).name).parse(after[rel]).root_node.has_error
    # A second edit changes the file again (a new symbol name each time).
    edit_one_file(tmp_path, seed)
    assert (tmp_path / rel).read_bytes() != after[rel]


def test_too_few_packages_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least"):
        generate(tmp_path, "small", packages=MIN_PACKAGES - 1)
