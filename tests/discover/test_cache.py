"""The discovery cache: reused when nothing changed, recomputed when anything it depends on did.

Every case compares the cached answer with a discovery that has no cache at all.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import symidx_tasks.discover.packages as packages_module
from symidx_tasks.config import IndexConfig
from symidx_tasks.discover import discover

WORKSPACE = {
    "package.json": {"name": "mono", "private": True, "workspaces": ["packages/*"]},
    "packages/a/package.json": {"name": "@m/a", "version": "1.0.0", "dependencies": {"@m/b": "workspace:*"}},
    "packages/a/index.ts": "export function alpha(): number { return 1 }\n",
    "packages/b/package.json": {"name": "@m/b", "version": "2.0.0"},
    "packages/b/b.ts": "export class Beta {}\n",
    "go.work": "go 1.22\n\nuse ./svc\n",
    "svc/go.mod": "module example.com/svc\n\ngo 1.22\n",
    "svc/main.go": "package main\n\nfunc Main() {}\n",
    "scripts/tool.py": "def run():\n    pass\n",
}


def write(root: Path, rel: str, content: object) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content) if isinstance(content, dict) else str(content), "utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for rel, content in WORKSPACE.items():
        write(root, rel, content)
    return root


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "state" / ".discovery.pickle"


DEFAULT = IndexConfig()


def check(root: Path, cache: Path, config: IndexConfig = DEFAULT) -> None:
    assert discover(root, config, cache=cache) == discover(root, config)


def test_unchanged_repo_reuses_the_cache_without_reading_manifests(repo, cache, monkeypatch) -> None:
    first = discover(repo, IndexConfig(), cache=cache)
    assert cache.is_file()

    def no_parsing(*args, **kwargs):
        raise AssertionError("manifests parsed although nothing changed")

    # discovery imports the manifest readers when it parses: patch them where they live.
    monkeypatch.setattr(packages_module, "find_packages", no_parsing)
    assert discover(repo, IndexConfig(), cache=cache) == first
    with pytest.raises(AssertionError, match="manifests parsed"):
        discover(repo, IndexConfig())  # the patch does bite without the cache


def test_edited_manifest_is_read_again(repo, cache) -> None:
    discover(repo, IndexConfig(), cache=cache)
    write(repo, "packages/b/package.json", {"name": "@m/b", "version": "2.1.0", "dependencies": {"left-pad": "^1"}})
    check(repo, cache)
    units = {u.key: u for u in discover(repo, IndexConfig(), cache=cache).units}
    assert units["packages/b"].package.version == "2.1.0"


def test_edited_workspace_file_is_read_again(repo, cache) -> None:
    discover(repo, IndexConfig(), cache=cache)
    write(repo, "go.work", "go 1.22\n\nuse (\n  ./svc\n  ./tools\n)\n")
    write(repo, "tools/go.mod", "module example.com/tools\n\ngo 1.22\n")
    check(repo, cache)


@pytest.mark.parametrize("change", ["add source", "delete source", "add manifest", "delete manifest"])
def test_changed_listing_rediscovers(repo, cache, change) -> None:
    discover(repo, IndexConfig(), cache=cache)
    if change == "add source":
        write(repo, "packages/b/c.ts", "export const c = 1\n")
    elif change == "delete source":
        (repo / "packages/a/index.ts").unlink()
    elif change == "add manifest":
        write(repo, "scripts/pyproject.toml", '[project]\nname = "scripts"\nversion = "0.1"\n')
    else:
        (repo / "packages/a/package.json").unlink()
    check(repo, cache)


def test_a_workspace_root_added_above_a_member_is_inherited(repo, cache) -> None:
    write(repo, "crates/x/Cargo.toml", '[package]\nname = "x"\nversion.workspace = true\n')
    discover(repo, IndexConfig(), cache=cache)
    write(repo, "crates/Cargo.toml", '[workspace]\nmembers = ["x"]\n[workspace.package]\nversion = "3.1.4"\n')
    check(repo, cache)
    units = {u.key: u for u in discover(repo, IndexConfig(), cache=cache).units}
    assert units["crates/x"].package.version == "3.1.4"


def test_changed_config_rediscovers(repo, cache) -> None:
    discover(repo, IndexConfig(), cache=cache)
    check(repo, cache, IndexConfig(manifests=("npm",), test_patterns=("b.ts",)))


def test_unreadable_cache_is_recomputed(repo, cache) -> None:
    discover(repo, IndexConfig(), cache=cache)
    cache.write_bytes(b"\x80\x04 not a pickle")
    check(repo, cache)


# -- shared by worktrees (the local result cache's discovery/) -----------------


def _worktree(repo: Path, tmp_path: Path, name: str) -> Path:
    """Another checkout of the same files: new stats, same contents."""
    import shutil

    copy = tmp_path / name
    shutil.copytree(repo, copy)
    return copy


def _parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = packages_module.find_packages

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(packages_module, "find_packages", counting)
    return calls


def test_a_new_worktree_reuses_another_worktrees_discovery(repo, tmp_path, monkeypatch) -> None:
    shared = tmp_path / "cache" / "discovery"
    first = discover(repo, DEFAULT, cache=tmp_path / "a" / ".discovery.pickle", shared=shared)
    other = _worktree(repo, tmp_path, "other")
    calls = _parses(monkeypatch)
    found = discover(other, DEFAULT, cache=tmp_path / "b" / ".discovery.pickle", shared=shared)
    assert calls == [] and found == first == discover(other, DEFAULT)
    # ... and then its own cache serves it.
    assert discover(other, DEFAULT, cache=tmp_path / "b" / ".discovery.pickle", shared=shared) == found
    assert calls == [1]  # the last discover() above, without a cache, parsed


def test_a_manifest_that_differs_in_the_new_worktree_is_parsed(repo, tmp_path, monkeypatch) -> None:
    shared = tmp_path / "cache" / "discovery"
    discover(repo, DEFAULT, cache=tmp_path / "a" / ".discovery.pickle", shared=shared)
    other = _worktree(repo, tmp_path, "other")
    write(other, "packages/b/package.json", {"name": "@m/b", "version": "3.0.0"})
    calls = _parses(monkeypatch)
    found = discover(other, DEFAULT, cache=tmp_path / "b" / ".discovery.pickle", shared=shared)
    assert calls == [1]
    assert found == discover(other, DEFAULT)
    assert {u.key: u for u in found.units}["packages/b"].package.version == "3.0.0"


def test_a_damaged_shared_discovery_is_ignored(repo, tmp_path, monkeypatch) -> None:
    shared = tmp_path / "cache" / "discovery"
    discover(repo, DEFAULT, cache=tmp_path / "a" / ".discovery.pickle", shared=shared)
    for entry in shared.iterdir():
        entry.write_bytes(b"not a pickle")
    other = _worktree(repo, tmp_path, "other")
    calls = _parses(monkeypatch)
    assert discover(other, DEFAULT, cache=tmp_path / "b" / ".discovery.pickle", shared=shared) == discover(
        other, DEFAULT)
    assert calls == [1, 1]


def test_shared_discoveries_are_bounded(repo, tmp_path) -> None:
    from symidx_tasks.discover.cache import SHARED_KEEP

    shared = tmp_path / "cache" / "discovery"
    for n in range(SHARED_KEEP + 2):
        write(repo, f"extra/file{n}.txt", "x")  # another listing each time: another entry
        discover(repo, DEFAULT, cache=tmp_path / f"s{n}" / ".discovery.pickle", shared=shared)
    assert len(list(shared.iterdir())) == SHARED_KEEP
