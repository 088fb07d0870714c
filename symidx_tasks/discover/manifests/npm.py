"""npm / yarn / pnpm: package.json, with root `workspaces` membership."""
from __future__ import annotations

import posixpath
from typing import Any

from ...errors import ManifestError
from ...model import Dependency, Package
from .base import ManifestContext, expect, glob_match, manifest_package

KIND = "npm"
FAMILY = "npm"

_DEP_TABLES = (
    ("dependencies", "runtime"),
    ("devDependencies", "dev"),
    ("peerDependencies", "peer"),
    ("optionalDependencies", "optional"),
)


def manifests_in(names: frozenset[str]) -> list[str]:
    return ["package.json"] if "package.json" in names else []


def parse(ctx: ManifestContext) -> Package | None:
    data = ctx.own("json")
    where = ctx.rel("package.json")
    expect(data, dict, where)
    name = expect(data.get("name"), str, f"{where}: name") or ctx.dir_name
    deps: list[Dependency] = []
    for table, kind in _DEP_TABLES:
        mapping = expect(data.get(table), dict, f"{where}: {table}") or {}
        for dep_name, req in sorted(mapping.items()):
            meta: tuple[tuple[str, str], ...] = ()
            if isinstance(req, str) and req.startswith("workspace:"):
                # workspace:*, workspace:^, workspace:~1.2: the protocol says "this
                # repo's copy"; keep the range part so versions compare across tools.
                req = req[len("workspace:"):] or "*"
                meta = (("protocol", "workspace"),)
            deps.append(Dependency(dep_name, kind, req if isinstance(req, str) else None, f"{FAMILY}:{dep_name}", meta))
    metadata: dict[str, Any] = {}
    if data.get("private") is True:
        metadata["private"] = True
    patterns = _workspace_patterns(data, where)
    if patterns:
        metadata["workspaces"] = patterns
    workspace = _workspace_root(ctx)
    if workspace is not None:
        metadata["workspace"] = workspace
    return manifest_package(
        ctx, KIND, name, f"{FAMILY}:{name}", deps,
        version=expect(data.get("version"), str, f"{where}: version"),
        description=expect(data.get("description"), str, f"{where}: description"),
        metadata=metadata,
    )


def _workspace_patterns(data: dict[str, Any], where: str) -> list[str]:
    ws = data.get("workspaces")
    if isinstance(ws, dict):  # yarn classic: {"packages": [...], "nohoist": [...]}
        ws = ws.get("packages")
    if ws is None:
        return []
    expect(ws, list, f"{where}: workspaces")
    return [p for p in ws if isinstance(p, str)]


def _workspace_root(ctx: ManifestContext) -> str | None:
    """The nearest ancestor package.json whose `workspaces` globs include this directory."""
    for rel in ctx.find_up("package.json"):
        base = posixpath.dirname(rel) or "."
        try:
            patterns = _workspace_patterns(ctx.parsed(rel, "json"), rel)
        except ManifestError:
            continue  # that root reports its own error; membership is just unknown
        sub = ctx.dir if base == "." else ctx.dir[len(base) + 1:]
        if any(glob_match(sub, p) for p in patterns if not p.startswith("!")):
            return base
    return None
