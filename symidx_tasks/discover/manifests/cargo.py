"""Cargo: Cargo.toml, with workspace roots, inherited fields and inherited deps.

- A Cargo.toml with `[workspace]` and no `[package]` is a virtual workspace
  root: no package (None). Neither table: not a Cargo manifest (ManifestError).
- match_key = "cargo:<name>" with `_` written as `-`: cargo and crates.io treat
  the two spellings as the same crate name.
- Dependency kinds: [dependencies] runtime, [dev-dependencies] dev,
  [build-dependencies] build (and their old `_` spellings); the same tables
  under `[target.<cfg>]` keep their kind and add ("target", <cfg>).
- Dependency metadata: ("package", real name) for a renamed dep (its match_key
  uses the real name), ("path", the dep's directory relative to the repo root),
  ("git", url) with ("branch" | "tag" | "rev", ...), ("registry", name),
  ("optional", "true"), ("workspace", "true") when inherited from the root,
  ("target", cfg).
- Workspace root: the package's own `[workspace]`, else the directory named by
  `package.workspace`, else the nearest ancestor Cargo.toml with `[workspace]`
  that does not `exclude` this directory (an ancestor whose `package.workspace`
  points elsewhere forwards the search there, as cargo does).
  `<field>.workspace = true` and `dep = { workspace = true, ... }` resolve from
  that root's `[workspace.package]` / `[workspace.dependencies]`.
- metadata["workspace"] = the root's directory when this package is a member:
  it is the root itself, names the root with `package.workspace`, matches the
  root's `members` globs (minus `exclude`), is a path dependency of the root
  package, or inherits from the root (cargo allows that only to members).
  Members that join only through another member's path dependency and inherit
  nothing are not detected: that would make every member depend on every
  member's manifest. Other metadata: "workspace_members" (a root package's
  `members` globs), "publish": False (`publish = false` or `[]`).
"""
from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from ...errors import ManifestError
from ...model import Dependency, Package
from .base import ManifestContext, expect, glob_match, join_dir, manifest_package, sorted_deps

KIND = "cargo"
FAMILY = "cargo"

_DEP_TABLES = (
    ("dependencies", "runtime"),
    ("dev-dependencies", "dev"),
    ("dev_dependencies", "dev"),
    ("build-dependencies", "build"),
    ("build_dependencies", "build"),
)
_GIT_REFS = ("branch", "tag", "rev")


def manifests_in(names: frozenset[str]) -> list[str]:
    return ["Cargo.toml"] if "Cargo.toml" in names else []


def normalize(name: str) -> str:
    return name.replace("_", "-")


class _Root:
    """The workspace a package belongs to (or sits in), as found on disk;
    ``explicit``: the package named it (its own [workspace] or package.workspace)."""

    def __init__(self, dir: str, rel: str, data: dict[str, Any], explicit: bool) -> None:
        self.dir, self.rel, self.data, self.explicit = dir, rel, data, explicit
        ws = data.get("workspace")
        self.table: dict[str, Any] = ws if isinstance(ws, dict) else {}

    def section(self, key: str) -> dict[str, Any] | None:
        table: dict[str, Any] | None = expect(self.table.get(key), dict, f"{self.rel}: workspace.{key}")
        return table


def parse(ctx: ManifestContext) -> Package | None:
    where = ctx.rel("Cargo.toml")
    data = ctx.own("toml")
    package = expect(data.get("package"), dict, f"{where}: package")
    if package is None:
        if "workspace" in data:
            expect(data["workspace"], dict, f"{where}: workspace")
            return None
        raise ManifestError(f"{where}: neither a [package] nor a [workspace] table")
    name = expect(package.get("name"), str, f"{where}: package.name")
    if not name:
        raise ManifestError(f"{where}: [package] has no name")

    root = _find_root(ctx, data, package, where)
    inherits = False  # anything taken from the root proves membership

    def field(key: str) -> Any:
        nonlocal inherits
        value = package.get(key)
        if not (isinstance(value, dict) and value.get("workspace") is True):
            return value
        inherits = True
        shared = root.section("package") if root else None
        if shared is None or key not in shared:
            source = f"{root.rel} has no workspace.package.{key}" if root else "no workspace root was found"
            ctx.warn(f"{where}: package.{key}.workspace = true, but {source}")
            return None
        return shared[key]

    version = expect(field("version"), str, f"{where}: package.version")
    description = expect(field("description"), str, f"{where}: package.description")
    metadata: dict[str, Any] = {}
    if field("publish") in (False, []):
        metadata["publish"] = False
    deps = []
    for table, kind, target, spot in _dep_tables(data, where):
        for dep_name, spec in table.items():
            dep = _dependency(ctx, root, dep_name, spec, kind, target, f"{spot}.{dep_name}")
            inherits = inherits or ("workspace", "true") in dep.metadata
            deps.append(dep)
    if root is not None and _is_member(ctx, root, inherits):
        metadata["workspace"] = root.dir
    if root is not None and root.dir == ctx.dir:
        members = expect(root.table.get("members"), list, f"{where}: workspace.members") or []
        if members:
            metadata["workspace_members"] = [m for m in members if isinstance(m, str)]
    return manifest_package(
        ctx, KIND, name, f"{FAMILY}:{normalize(name)}", sorted_deps(deps),
        version=version, description=description, metadata=metadata,
    )


def _dep_tables(data: dict[str, Any], where: str) -> Iterator[tuple[dict[str, Any], str, str | None, str]]:
    """(table, kind, target cfg, location for messages) for every dependency table."""
    for key, kind in _DEP_TABLES:
        table = expect(data.get(key), dict, f"{where}: {key}")
        if table:
            yield table, kind, None, f"{where}: {key}"
    targets = expect(data.get("target"), dict, f"{where}: target") or {}
    for cfg, tables in targets.items():
        expect(tables, dict, f"{where}: target.{cfg}")
        for key, kind in _DEP_TABLES:
            spot = f"{where}: target.'{cfg}'.{key}"
            table = expect(tables.get(key), dict, spot)
            if table:
                yield table, kind, cfg, spot


def _dependency(
    ctx: ManifestContext, root: _Root | None, name: str, spec: Any, kind: str, target: str | None, spot: str,
) -> Dependency:
    expect(spec, (str, dict), spot)
    meta: dict[str, str] = {}
    if target is not None:
        meta["target"] = target
    if isinstance(spec, str):
        return Dependency(name, kind, spec, f"{FAMILY}:{normalize(name)}", tuple(sorted(meta.items())))
    source, base, where = spec, ctx.dir, spot
    if spec.get("workspace") is True:
        meta["workspace"] = "true"
        shared = root.section("dependencies") if root else None
        inherited = shared.get(name) if shared else None
        if root is None or inherited is None:
            source_name = f"{root.rel} has no workspace.dependencies.{name}" if root else "no workspace root was found"
            ctx.warn(f"{spot}: workspace = true, but {source_name}")
            source = {}
        else:
            where = f"{root.rel}: workspace.dependencies.{name}"
            inherited = expect(inherited, (str, dict), where)
            source = {"version": inherited} if isinstance(inherited, str) else inherited
            # The root's paths are relative to the root, not to this member.
            base = root.dir
        if spec.get("optional") is True:
            meta["optional"] = "true"
    version = expect(source.get("version"), str, f"{where}.version")
    real = expect(source.get("package"), str, f"{where}.package")
    if real:
        meta["package"] = real
    path = expect(source.get("path"), str, f"{where}.path")
    if path is not None:
        meta["path"] = join_dir(base, path)
    for key in ("git", "registry", *_GIT_REFS):
        value = expect(source.get(key), str, f"{where}.{key}")
        if value is not None:
            meta[key] = value
    if source.get("optional") is True:
        meta["optional"] = "true"
    return Dependency(name, kind, version, f"{FAMILY}:{normalize(real or name)}", tuple(sorted(meta.items())))


def _find_root(ctx: ManifestContext, data: dict[str, Any], package: dict[str, Any], where: str) -> _Root | None:
    if "workspace" in data:
        expect(data["workspace"], dict, f"{where}: workspace")
        return _Root(ctx.dir, where, data, explicit=True)
    pointer = expect(package.get("workspace"), str, f"{where}: package.workspace")
    if pointer is not None:
        root = _load_root(ctx, join_dir(ctx.dir, pointer), explicit=True)
        if root is None:
            ctx.warn(f"{where}: package.workspace = {pointer!r}, but no Cargo.toml with [workspace] is there")
        return root
    for rel in ctx.find_up("Cargo.toml"):
        base = posixpath.dirname(rel) or "."
        try:
            ancestor = ctx.parsed(rel, "toml")
        except ManifestError:
            continue  # that manifest reports its own error; keep looking up, as cargo would fail anyway
        ws = ancestor.get("workspace")
        if isinstance(ws, dict):
            if _excluded(ws, _relative(ctx.dir, base)):
                continue
            return _Root(base, rel, ancestor, explicit=False)
        pkg = ancestor.get("package")
        if isinstance(pkg, dict) and isinstance(pkg.get("workspace"), str):
            return _load_root(ctx, join_dir(base, pkg["workspace"]), explicit=False)
    return None


def _load_root(ctx: ManifestContext, root_dir: str, explicit: bool) -> _Root | None:
    rel = "Cargo.toml" if root_dir == "." else f"{root_dir}/Cargo.toml"
    if rel not in ctx.files:
        return None
    data = ctx.parsed(rel, "toml")
    if not isinstance(data.get("workspace"), dict):
        return None
    return _Root(root_dir, rel, data, explicit)


def _relative(path: str, base: str) -> str:
    return posixpath.relpath(path, base) if base != "." else path


def _under(sub: str, prefix: str) -> bool:
    prefix = posixpath.normpath(prefix)
    return prefix == "." or sub == prefix or sub.startswith(prefix + "/")


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _excluded(ws: dict[str, Any], sub: str) -> bool:
    # cargo: `exclude` entries are path prefixes, overridden by a `members` entry
    # that is itself a prefix of the path (taken literally, not as a glob).
    members = _strings(ws.get("members"))
    return any(_under(sub, e) for e in _strings(ws.get("exclude"))) and not any(_under(sub, m) for m in members)


def _is_member(ctx: ManifestContext, root: _Root, inherits: bool) -> bool:
    if root.dir == ctx.dir or root.explicit or inherits:
        return True
    sub = _relative(ctx.dir, root.dir)
    if _excluded(root.table, sub):
        return False
    if any(glob_match(sub, m) for m in _strings(root.table.get("members"))):
        return True
    # The root package's own path dependencies are members too.
    if isinstance(root.data.get("package"), dict):
        try:
            for table, _kind, _target, _spot in _dep_tables(root.data, root.rel):
                for spec in table.values():
                    if isinstance(spec, dict) and isinstance(spec.get("path"), str):
                        if join_dir(root.dir, spec["path"]) == ctx.dir:
                            return True
        except ManifestError:
            pass  # the root package reports its own malformed tables
    return False
