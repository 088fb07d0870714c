"""Python: pyproject.toml ([project] = PEP 621, or [tool.poetry]), else setup.cfg.

- A pyproject.toml with neither [project] nor [tool.poetry] describes no
  package (a tool-config-only file); the directory's setup.cfg is then read if
  it has a [metadata] or [options] section. setup.py is never read: it is code.
- Names are matched per PEP 503: match_key = "python:<name lowercased, runs of
  -_. replaced by ->".
- PEP 508 requirement strings: Dependency.name is the name as written without
  extras; version_req is the rest of the string as written, markers included
  (">=1.2; python_version<'3.12'", "@ https://..."), None when empty;
  extras go to metadata ("extras", "a,b"). An unparsable string is skipped with
  a warning.
- Dependency kinds: [project] dependencies / poetry dependencies /
  install_requires: runtime; optional-dependencies and extras_require:
  "optional:<extra>"; a poetry `optional = true` dependency: "optional:<extra>"
  for each [tool.poetry.extras] entry naming it, else "optional";
  [dependency-groups] (PEP 735): "group:<name>", `{include-group = "..."}`
  entries expanded; [tool.poetry.group.<g>.dependencies]: "group:<g>", except
  the "dev" group and [tool.poetry.dev-dependencies]: "dev"; setup.cfg
  tests_require: "test", setup_requires: "build".
- Poetry dependency values: a version string, a table ({version, extras, path,
  git, python, markers, ...}: metadata ("path", dir relative to the repo root),
  ("git", url), ("python", ...), ("markers", ...)) or a list of such tables
  (their versions joined with " || ", metadata only where they agree). The "python" entry is not a dependency:
  it becomes metadata["requires_python"]. [tool.poetry.dependencies] is read
  for a [project] package only when [project] has no `dependencies` (Poetry 2).
- metadata: "dynamic" ([project].dynamic as written; setup.cfg fields given by
  `attr:` / `file:`), "requires_python", "build_backend", "package_mode": False
  (a Poetry non-package project, which may then go without a name).
"""
from __future__ import annotations

import configparser
import re
from collections.abc import Iterator
from typing import Any

from ...errors import ManifestError
from ...model import Dependency, Package
from .base import ManifestContext, expect, join_dir, manifest_package, unique_deps

KIND = "python"
FAMILY = "python"

_REQUIREMENT = re.compile(
    r"\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[(?P<extras>[^\]]*)\])?\s*(?P<rest>.*)",
    re.S,
)
# After the name and extras, PEP 508 allows only a version spec, a URL or markers.
_REST = re.compile(r"$|[<>=!~(@;]")


def manifests_in(names: frozenset[str]) -> list[str]:
    return [n for n in ("pyproject.toml", "setup.cfg") if n in names]


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(ctx: ManifestContext) -> Package | None:
    if "pyproject.toml" in ctx.manifests:
        data = ctx.own("toml", "pyproject.toml")
        where = ctx.rel("pyproject.toml")
        project = expect(data.get("project"), dict, f"{where}: project")
        tool = expect(data.get("tool"), dict, f"{where}: tool") or {}
        poetry = expect(tool.get("poetry"), dict, f"{where}: tool.poetry")
        if project is not None or poetry is not None:
            return _pyproject(ctx, data, project, poetry or {}, where)
    if "setup.cfg" in ctx.manifests:
        return _setup_cfg(ctx)
    return None


def _pyproject(
    ctx: ManifestContext, data: dict[str, Any], project: dict[str, Any] | None, poetry: dict[str, Any], where: str,
) -> Package:
    metadata: dict[str, Any] = {}
    deps: list[Dependency] = []
    build = expect(data.get("build-system"), dict, f"{where}: build-system") or {}
    backend = expect(build.get("build-backend"), str, f"{where}: build-system.build-backend")
    if backend:
        metadata["build_backend"] = backend
    poetry_deps = True
    if project is not None:
        at = f"{where}: project"
        name = expect(project.get("name"), str, f"{at}.name")
        if not name:
            raise ManifestError(f"{where}: [project] has no name")
        version = expect(project.get("version"), str, f"{at}.version")
        description = expect(project.get("description"), str, f"{at}.description")
        dynamic = expect(project.get("dynamic"), list, f"{at}.dynamic") or []
        if dynamic:
            metadata["dynamic"] = [expect(d, str, f"{at}.dynamic") for d in dynamic]
        requires_python = expect(project.get("requires-python"), str, f"{at}.requires-python")
        if requires_python:
            metadata["requires_python"] = requires_python
        deps += _requirements(ctx, project.get("dependencies"), "runtime", f"{at}.dependencies")
        extras = expect(project.get("optional-dependencies"), dict, f"{at}.optional-dependencies") or {}
        for extra, reqs in extras.items():
            deps += _requirements(ctx, reqs, f"optional:{extra}", f"{at}.optional-dependencies.{extra}")
        poetry_deps = "dependencies" not in project
    else:
        at = f"{where}: tool.poetry"
        if poetry.get("package-mode") is False:
            metadata["package_mode"] = False
        name = expect(poetry.get("name"), str, f"{at}.name")
        if not name:
            if metadata.get("package_mode") is not False:
                raise ManifestError(f"{where}: [tool.poetry] has no name")
            name = ctx.dir_name
        version = expect(poetry.get("version"), str, f"{at}.version")
        description = expect(poetry.get("description"), str, f"{at}.description")
    deps += _poetry_dependencies(ctx, poetry, poetry_deps, metadata, where)
    deps += _dependency_groups(ctx, data.get("dependency-groups"), f"{where}: dependency-groups")
    return _package(ctx, name, version, description, metadata, deps)


def _package(
    ctx: ManifestContext, name: str, version: str | None, description: str | None,
    metadata: dict[str, Any], deps: list[Dependency],
) -> Package:
    """pyproject.toml and setup.cfg alike: matched by the PEP 503 name, each requirement once."""
    return manifest_package(
        ctx, KIND, name, f"{FAMILY}:{normalize(name)}", unique_deps(deps),
        version=version, description=description, metadata=metadata,
    )


def requirement(text: str, dep_kind: str) -> Dependency | None:
    """A PEP 508 requirement string as a Dependency; None when it is not one."""
    m = _REQUIREMENT.fullmatch(text)
    if m is None or not _REST.match(m["rest"]):
        return None
    extras = [e.strip() for e in (m["extras"] or "").split(",") if e.strip()]
    meta = (("extras", ",".join(extras)),) if extras else ()
    name = m["name"]
    return Dependency(name, dep_kind, m["rest"].strip() or None, f"{FAMILY}:{normalize(name)}", meta)


def _requirements(ctx: ManifestContext, reqs: Any, dep_kind: str, where: str) -> list[Dependency]:
    out = []
    for text in expect(reqs, list, where) or []:
        expect(text, str, where)
        dep = requirement(text, dep_kind)
        if dep is None:
            ctx.warn(f"{where}: {text!r} is not a PEP 508 requirement; skipped")
        else:
            out.append(dep)
    return out


def _dependency_groups(ctx: ManifestContext, groups: Any, where: str) -> list[Dependency]:
    """PEP 735 groups, each with the requirements of the groups it includes."""
    groups = expect(groups, dict, where) or {}
    by_norm = {normalize(g): g for g in groups}

    def expand(group: str, seen: tuple[str, ...]) -> Iterator[str]:
        for item in expect(groups[group], list, f"{where}.{group}"):
            if isinstance(item, str):
                yield item
                continue
            include = item.get("include-group") if isinstance(item, dict) else None
            if not isinstance(include, str):
                raise ManifestError(f"{where}.{group}: expected a requirement string or {{include-group = \"...\"}}")
            target = by_norm.get(normalize(include))
            if target is None or target in seen:
                problem = "no such group" if target is None else "a cycle"
                message = f"{where}.{group}: include-group {include!r} is {problem}; skipped"
                if message not in ctx.warnings:
                    ctx.warn(message)
                continue
            yield from expand(target, (*seen, target))

    out = []
    for group in groups:
        out += _requirements(ctx, list(expand(group, (group,))), f"group:{group}", f"{where}.{group}")
    return out


def _poetry_dependencies(
    ctx: ManifestContext, poetry: dict[str, Any], main: bool, metadata: dict[str, Any], where: str,
) -> list[Dependency]:
    at = f"{where}: tool.poetry"
    extras = expect(poetry.get("extras"), dict, f"{at}.extras") or {}
    extras_of: dict[str, list[str]] = {}
    for extra, names in extras.items():
        for n in expect(names, list, f"{at}.extras.{extra}"):
            extras_of.setdefault(normalize(expect(n, str, f"{at}.extras.{extra}")), []).append(extra)
    tables: list[tuple[Any, str, str]] = []
    if main:
        tables.append((poetry.get("dependencies"), "runtime", f"{at}.dependencies"))
    tables.append((poetry.get("dev-dependencies"), "dev", f"{at}.dev-dependencies"))
    groups = expect(poetry.get("group"), dict, f"{at}.group") or {}
    for group, table in groups.items():
        expect(table, dict, f"{at}.group.{group}")
        kind = "dev" if group == "dev" else f"group:{group}"
        tables.append((table.get("dependencies"), kind, f"{at}.group.{group}.dependencies"))
    out = []
    for table, kind, spot in tables:
        for name, spec in (expect(table, dict, spot) or {}).items():
            if name.lower() == "python":
                if kind == "runtime" and isinstance(spec, str):
                    metadata["requires_python"] = spec
                continue
            out += _poetry_dependency(ctx, name, spec, kind, extras_of, f"{spot}.{name}")
    return out


def _poetry_dependency(
    ctx: ManifestContext, name: str, spec: Any, kind: str, extras_of: dict[str, list[str]], where: str,
) -> list[Dependency]:
    specs = spec if isinstance(spec, list) else [spec]
    versions: list[str] = []
    metas: list[dict[str, str]] = []
    optional = False
    for one in specs:
        expect(one, (str, dict), where)
        if isinstance(one, str):
            versions.append(one)
            metas.append({})
            continue
        version = expect(one.get("version"), str, f"{where}.version")
        if version is not None:
            versions.append(version)
        meta = {}
        for key in ("git", "url", "python", "markers", "branch", "tag", "rev"):
            value = expect(one.get(key), str, f"{where}.{key}")
            if value is not None:
                meta[key] = value
        path = expect(one.get("path"), str, f"{where}.path")
        if path is not None:
            meta["path"] = join_dir(ctx.dir, path)
        dep_extras = expect(one.get("extras"), list, f"{where}.extras")
        if dep_extras:
            meta["extras"] = ",".join(str(e) for e in dep_extras)
        metas.append(meta)
        optional = optional or one.get("optional") is True
    # Alternatives (a list of tables) differ in python/markers by design: keep
    # only what holds for all of them.
    meta = {k: v for k, v in metas[0].items() if all(m.get(k) == v for m in metas)} if metas else {}
    version_req = " || ".join(dict.fromkeys(versions)) or None
    match_key = f"{FAMILY}:{normalize(name)}"
    kinds = [kind]
    if optional and kind == "runtime":
        kinds = [f"optional:{e}" for e in extras_of.get(normalize(name), [])] or ["optional"]
    return [Dependency(name, k, version_req, match_key, tuple(sorted(meta.items()))) for k in kinds]


def _parse_cfg(text: str) -> dict[str, dict[str, str]]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # setuptools keeps key case
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise ValueError(str(exc).replace("\n", " ")) from None
    return {s: dict(parser.items(s, raw=True)) for s in parser.sections()}


def _cfg_list(value: str) -> list[str]:
    # setuptools' rule: one entry per line, or `;`-separated on a single line.
    chunks = value.splitlines() if "\n" in value else value.split(";")
    return [c.strip() for c in chunks if c.strip() and not c.strip().startswith("#")]


def _setup_cfg(ctx: ManifestContext) -> Package | None:
    where = ctx.rel("setup.cfg")
    cfg = ctx.parsed(where, "ini", parse=_parse_cfg)
    if "metadata" not in cfg and "options" not in cfg:
        return None  # tool configuration only (flake8, pytest, ...)
    meta_section = cfg.get("metadata", {})
    options = cfg.get("options", {})
    metadata: dict[str, Any] = {}
    dynamic: list[str] = []

    def value(section: dict[str, str], key: str, field: str) -> str | None:
        text = section.get(key)
        if text is not None and text.strip().startswith(("attr:", "file:")):
            dynamic.append(field)
            return None
        return text.strip() if text is not None and text.strip() else None

    name = value(meta_section, "name", "name")
    if name is None:
        name = ctx.dir_name
        ctx.warn(f"{where}: [metadata] has no name (set in setup.py?); named after its directory")
    version = value(meta_section, "version", "version")
    description = value(meta_section, "description", "description")
    if description is None and "description" not in dynamic:
        description = value(meta_section, "summary", "description")
    requires_python = value(options, "python_requires", "requires-python")
    if requires_python:
        metadata["requires_python"] = requires_python
    deps: list[Dependency] = []
    for key, kind, field in (
        ("install_requires", "runtime", "dependencies"),
        ("tests_require", "test", "tests_require"),
        ("setup_requires", "build", "setup_requires"),
    ):
        text = value(options, key, field)
        if text:
            deps += _requirements(ctx, _cfg_list(text), kind, f"{where}: options.{key}")
    for extra, text in cfg.get("options.extras_require", {}).items():
        text = value({extra: text}, extra, "optional-dependencies")
        if text:
            deps += _requirements(ctx, _cfg_list(text), f"optional:{extra}", f"{where}: options.extras_require.{extra}")
    if dynamic:
        metadata["dynamic"] = sorted(set(dynamic))
    return _package(ctx, name, version, description, metadata, deps)
