"""bench/real.py without the network: pins, the cache, unpacking, git."""
from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path

import pytest

from bench.real import (
    DEB,
    NPM,
    PYPI,
    SHAPES,
    RealTreeError,
    Source,
    assemble,
    fetch,
    glue,
    sha256_file,
    shape_sources,
)


def _tgz(path: Path, files: dict[str, bytes], top: str = "package") -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size, info.mtime = len(data), 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return path


PKG = {
    "package.json": b'{"name": "tiny", "version": "1.0.0"}\n',
    "index.js": b"export function hello(name) { return name }\n",
    "test/fixtures/a/package.json": b'{"name": "fixture-a"}\n',
    "node_modules/dep/package.json": b'{"name": "dep", "version": "2.0.0"}\n',
    "node_modules/dep/lib.js": b"module.exports = function dep() {}\n",
    "node_modules/@scope/inner/package.json": b'{"name": "@scope/inner"}\n',
    "node_modules/.package-lock.json": b"{}\n",
}


class FakeRegistry:
    """A downloader that copies a locally made archive, counting calls."""

    def __init__(self, archive: Path, corrupt: bool = False) -> None:
        self.archive, self.corrupt, self.calls = archive, corrupt, 0

    def __call__(self, source: Source, where: Path) -> None:
        self.calls += 1
        data = self.archive.read_bytes()
        (where / "downloaded.tgz").write_bytes(data + b"x" if self.corrupt else data)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return _tgz(tmp_path / "tiny-1.0.0.tgz", PKG)


def _source(archive: Path, **kw: object) -> Source:
    fields: dict[str, object] = {"registry": "npm", "name": "tiny", "version": "1.0.0",
                                 "sha256": sha256_file(archive), "dest": "packages/tiny"}
    fields.update(kw)
    return Source(**fields)  # type: ignore[arg-type]


def test_every_pin_is_a_sha256_and_every_shape_has_sources() -> None:
    pins = [sha for _, sha in NPM.values()] + [sha for _, sha in PYPI.values()] + [v[1] for v in DEB.values()]
    assert all(len(sha) == 64 and int(sha, 16) >= 0 for sha in pins)
    for shape in SHAPES:
        sources = shape_sources(shape)
        assert len(sources) >= 10
        dests = [s.dest for s in sources]
        assert len(set(dests)) == len(dests), f"{shape}: two sources share a destination"
    # the npm tarball's ~200 bundled packages become workspace members of their own
    assert [s.name for s in shape_sources("js") if s.bundled] == ["npm"]
    with pytest.raises(RealTreeError):
        shape_sources("cobol")


def test_fetch_verifies_and_caches(tmp_path: Path, archive: Path) -> None:
    registry = FakeRegistry(archive)
    got = fetch(_source(archive), tmp_path / "cache", registry)
    assert got.read_bytes() == archive.read_bytes() and registry.calls == 1
    assert fetch(_source(archive), tmp_path / "cache", registry) == got and registry.calls == 1  # cached
    got.write_bytes(b"damaged")  # a damaged cache entry is fetched again
    assert fetch(_source(archive), tmp_path / "cache", registry).read_bytes() == archive.read_bytes()
    assert registry.calls == 2


def test_fetch_rejects_a_corrupted_download(tmp_path: Path, archive: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(RealTreeError, match="sha256"):
        fetch(_source(archive), cache, FakeRegistry(archive, corrupt=True))
    left = [p for p in cache.rglob("*") if p.is_file()]
    assert left == [], "a download that fails verification must not stay in the cache"


def test_layout_with_bundled_packages(tmp_path: Path, archive: Path) -> None:
    tree = tmp_path / "tree"
    source = _source(archive, bundled="bundled")
    stats = assemble("js", tree, tmp_path / "cache", download=FakeRegistry(archive), sources=[source])
    files = sorted(str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file())
    assert files == [
        "bundled/@scope/inner/package.json", "bundled/dep/lib.js", "bundled/dep/package.json",
        "package.json",
        "packages/tiny/index.js", "packages/tiny/package.json", "packages/tiny/test/fixtures/a/package.json",
    ]
    assert stats == {"sources": 1, "files": len(files)}
    assert json.loads((tree / "package.json").read_text())["workspaces"][0] == "packages/*"
    assert (tree / "packages/tiny/index.js").read_bytes() == PKG["index.js"]
    assert (tree / "packages/tiny/index.js").stat().st_mtime == 1_700_000_000


def test_take_one_directory_makes_it_the_destination(tmp_path: Path) -> None:
    archive = _tgz(tmp_path / "mod.tgz", {"package.json": b"{}", "android/build.gradle": b"apply plugin: 'x'\n",
                                          "android/src/main/java/A.java": b"class A {}\n", "ios/A.swift": b""})
    source = _source(archive, name="mod", dest="modules/mod", take=("android",))
    tree = tmp_path / "tree"
    assemble("jvm", tree, tmp_path / "cache", download=FakeRegistry(archive), sources=[source])
    files = sorted(str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file())
    assert files == ["build.gradle.kts", "modules/mod/build.gradle", "modules/mod/src/main/java/A.java",
                     "settings.gradle.kts"]
    settings = (tree / "settings.gradle.kts").read_text()
    assert 'include(":mod")' in settings and 'project(":mod").projectDir = file("modules/mod")' in settings


def test_nothing_taken_is_an_error(tmp_path: Path, archive: Path) -> None:
    source = _source(archive, take=("android",))
    with pytest.raises(RealTreeError, match="nothing taken"):
        assemble("js", tmp_path / "tree", tmp_path / "cache", download=FakeRegistry(archive), sources=[source])


def test_out_must_be_empty(tmp_path: Path, archive: Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "keep.txt").write_text("mine")
    with pytest.raises(RealTreeError, match="not empty"):
        assemble("js", tmp_path / "tree", tmp_path / "cache", download=FakeRegistry(archive),
                 sources=[_source(archive)])


def test_git_work_tree_option(tmp_path: Path, archive: Path) -> None:
    tree = tmp_path / "tree"
    assemble("js", tree, tmp_path / "cache", git=True, download=FakeRegistry(archive),
             sources=[_source(archive, bundled="bundled")])
    listed = subprocess.run(["git", "ls-files"], cwd=tree, capture_output=True, text=True, check=True).stdout.split()
    on_disk = sorted(str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts)
    assert sorted(listed) == on_disk
    status = subprocess.run(["git", "status", "--porcelain"], cwd=tree, capture_output=True, text=True, check=True)
    assert status.stdout == ""  # everything committed
    # The commit is reproducible: fixed dates and identity.
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tree, capture_output=True, text=True, check=True).stdout
    again = tmp_path / "again"
    assemble("js", again, tmp_path / "cache", git=True, download=FakeRegistry(archive),
             sources=[_source(archive, bundled="bundled")])
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=again, capture_output=True, text=True,
                          check=True).stdout == head


def test_glue_of_the_real_shapes() -> None:
    js = json.loads(glue("js", shape_sources("js"))["package.json"])
    assert "bundled/*" in js["workspaces"]
    settings = glue("jvm", shape_sources("jvm"))["settings.gradle.kts"]
    assert settings.count("include(") == 1 + sum(s.dest.startswith("modules/") for s in shape_sources("jvm"))
    assert glue("mixed", shape_sources("mixed")) == {}
