"""Gradle: build.gradle / build.gradle.kts, settings.gradle / settings.gradle.kts.

Scripts are programs; this reader pattern-matches the common declarative
forms (Groovy and Kotlin DSL) after removing comments, and ignores the rest.

Which directories are packages
    A directory with a build script, and also one with only a settings script
    (Gradle makes that directory the root project of its build even without a
    build script). When both DSLs are present Gradle uses the Groovy file; so
    does this reader, with a warning.

Which build, which project
    A directory with its own settings script is the root project (gradle path
    ":") of its build. Otherwise the nearest ancestor settings script defines
    the build: `include ':a:b'`, `include 'a', 'b'`, `include(":a:b")` (and
    the implied parents, ':a' for ':a:b') and `project(':x').projectDir =
    file('...')` map gradle paths to directories. (`includeFlat 'x'` is listed
    in subprojects, but ../x lies outside the build's directory, where no
    member is looked for: that directory reads as a build of its own.)
    A directory that the settings do not include is still taken as a member
    with the path its location implies (settings often compute includes), with
    a warning; `buildSrc` and `includeBuild` directories, and directories with no
    settings above them, are builds of their own (path ":").
    The settings script read this way is a file_dep of every member.

Name and match key
    name: the root project's `rootProject.name` (else the directory name, "root"
    for the repo root); a subproject's last path segment. metadata:
    gradle_path, workspace (the build's root directory, for subprojects),
    subprojects (the paths a root's settings include), group.
    match_key = "gradle:" + the build's directory (empty for the build at the
    repo root) + the gradle path: "gradle::a:b" for :a:b of the root build,
    "gradle:java:api" for :api of the build in java/, "gradle:java:" for that
    build's root project. Keys of separate builds in one repo never collide.
    version / group / description: literal `version = '1.0'` (etc.) at the top
    level of the build script, else `version=` / `group=` in the project's
    gradle.properties, else in the build root's.

Dependencies (inside every `dependencies { }` block of the script, also those in
`subprojects { }` / `allprojects { }`; not inside `constraints { }`)
    implementation / api / runtimeOnly / compile / runtime -> runtime,
    compileOnly / compileOnlyApi -> compile-only, annotationProcessor / kapt /
    ksp -> build, developmentOnly -> dev, every configuration of a source set
    whose name contains "test" (testImplementation, androidTestApi, kaptTest,
    testFixturesApi, ...) -> test, other source sets' configurations
    (debugImplementation, ...) -> the kind of their suffix. metadata always
    has the configuration; platform() / enforcedPlatform() / testFixtures()
    wrappers add that name = "true".
    "g:a:v[:classifier][@ext]" and group:/name:/version: maps -> name "g:a",
    version "v" (as written, interpolations included), match_key "maven:g:a".
    kotlin("x") -> org.jetbrains.kotlin:kotlin-x.
    project(':x') (relative paths resolved against this project) and
    type-safe `projects.fooBar` accessors (matched against the settings'
    includes, foo-bar -> fooBar) -> the project's gradle path as name and that
    project's match_key (internal).
    `libs.x.y` version-catalog accessors are resolved through the build's
    gradle/libs.versions.toml when it has the alias (then a file_dep; bundles
    expand to their libraries; metadata catalog = the accessor); otherwise, like
    other references (Deps.guava), they are kept as written with no version and
    no match key. files() / fileTree() / gradleApi() and friends are not packages.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...errors import ManifestError
from ...model import Dependency, Package
from .base import ManifestContext, manifest_package, unique_deps
from .gradle_script import call_args, matching, split_top_level, strings, strip_comments, top_level
from .gradle_settings import BUILD_FILES, SETTINGS_FILES, Build, Settings, locate

KIND = "gradle"
FAMILY = "gradle"

_BASE_CONFIGURATIONS = {
    "implementation": "runtime",
    "api": "runtime",
    "runtimeOnly": "runtime",
    "compile": "runtime",
    "runtime": "runtime",
    "compileOnly": "compile-only",
    "compileOnlyApi": "compile-only",
    "annotationProcessor": "build",
    "kapt": "build",
    "ksp": "build",
    "developmentOnly": "dev",
}
# Longest first, so "CompileOnlyApi" wins over "Api".
_SUFFIXES = sorted(
    ((k[0].upper() + k[1:], v) for k, v in _BASE_CONFIGURATIONS.items() if k not in ("kapt", "ksp", "developmentOnly")),
    key=lambda kv: -len(kv[0]),
)
_NOT_PACKAGES = ("files", "fileTree", "gradleApi", "gradleTestKit", "localGroovy")

_CONF_CALL = re.compile(r"(?<![\w.$])([a-z]\w*)(?=[ \t]*[(\s'\"])")
_DEPENDENCIES_BLOCK = re.compile(r"(?<![\w.$])dependencies\s*\{")
_CONSTRAINTS_BLOCK = re.compile(r"(?<![\w.$])constraints\s*\{")
_LITERAL_PROPERTY = re.compile(r"(?m)^[ \t]*(?:project\.)?(group|version|description)\s*=\s*(['\"])([^'\"$\n]*)\2")
_NAMED_ARG = re.compile(r"(\w+)\s*[:=]\s*(['\"])([^'\"]*)\2")



def manifests_in(names: frozenset[str]) -> list[str]:
    return [n for n in (*BUILD_FILES, *SETTINGS_FILES) if n in names]


def parse(ctx: ManifestContext) -> Package | None:
    names = set(ctx.manifests)
    build_file = next((n for n in BUILD_FILES if n in names), None)
    if build_file and all(n in names for n in BUILD_FILES):
        ctx.warn(f"{ctx.rel('build.gradle.kts')}: ignored, Gradle uses build.gradle when both exist")
    code = strip_comments(ctx.read_text(ctx.rel(build_file))) if build_file else ""
    build = locate(ctx, names)
    key_prefix = f"{FAMILY}:{'' if build.root == '.' else build.root}"

    if build.path == ":":
        name = (build.settings.root_name if build.settings else None) \
            or ctx.dir_name
    else:
        name = build.path.rsplit(":", 1)[1]
    top = _literal_properties(code)
    group, version = top.get("group"), top.get("version")
    if group is None or version is None:
        props = _gradle_properties(ctx, build.root)
        group = group or props.get("group")
        version = version or props.get("version")

    metadata: dict[str, Any] = {"gradle_path": build.path}
    if build.path != ":":
        metadata["workspace"] = build.root
    elif build.settings is not None and build.settings.projects:
        metadata["subprojects"] = sorted(build.settings.projects)
    if group:
        metadata["group"] = group
    deps = _dependencies(ctx, code, build, key_prefix)
    return manifest_package(
        ctx, KIND, name, key_prefix + build.path, unique_deps(deps),
        version=version or None, description=top.get("description") or None, metadata=metadata,
    )


# -- which build and project ------------------------------------------------
def _literal_properties(code: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _LITERAL_PROPERTY.finditer(top_level(code)):
        out.setdefault(m.group(1), m.group(3))
    return out


def _gradle_properties(ctx: ManifestContext, build_root: str) -> dict[str, str]:
    """group / version from the project's gradle.properties, else the build root's."""
    out: dict[str, str] = {}
    for d in dict.fromkeys((ctx.dir, build_root)):
        rel = "gradle.properties" if d == "." else f"{d}/gradle.properties"
        if rel not in ctx.files:
            continue
        for line in ctx.read_text(rel).splitlines():
            line = line.strip()
            if not line or line[0] in "#!":
                continue
            m = re.match(r"([^=:\s]+)\s*[=:\s]\s*(.*)", line)
            if m and m.group(1) in ("group", "version"):
                out.setdefault(m.group(1), m.group(2).strip())
    return out


# -- dependencies --------------------------------------------------------------

def configuration_kind(conf: str) -> str | None:
    """dep_kind of a dependency configuration; None = not a configuration name."""
    if conf in _BASE_CONFIGURATIONS:
        return _BASE_CONFIGURATIONS[conf]
    for processor in ("kapt", "ksp"):
        if conf.startswith(processor) and conf[len(processor):][:1].isupper():
            return "test" if "test" in conf.lower() else "build"
    for suffix, kind in _SUFFIXES:
        if conf.endswith(suffix) and len(conf) > len(suffix):
            return "test" if "test" in conf[:-len(suffix)].lower() else kind
    return None


@dataclass
class _DepScan:
    ctx: ManifestContext
    build: Build
    key_prefix: str
    catalog: dict[str, list[tuple[str, str | None]]] | None = None


def _dependencies(ctx: ManifestContext, code: str, build: Build, key_prefix: str) -> list[Dependency]:
    scan = _DepScan(ctx, build, key_prefix)
    out: list[Dependency] = []
    for block in _dependency_blocks(code):
        pos = 0
        while m := _CONF_CALL.search(block, pos):
            conf = m.group(1)
            kind = configuration_kind(conf)
            if kind is None:
                pos = m.end()
                continue
            args, pos = call_args(block, m.end())
            out.extend(_notation(scan, args.strip(), kind, (("configuration", conf),)))
    return out


def _dependency_blocks(code: str) -> Iterator[str]:
    for m in _DEPENDENCIES_BLOCK.finditer(code):
        start = m.end() - 1
        block = code[start + 1:matching(code, start)]
        # constraints { implementation("g:a:2") } pins versions, it adds no dependency.
        while c := _CONSTRAINTS_BLOCK.search(block):
            block = block[:c.start()] + block[matching(block, c.end() - 1) + 1:]
        yield block


def _notation(scan: _DepScan, arg: str, kind: str, meta: tuple[tuple[str, str], ...]) -> list[Dependency]:
    named = {k: v for k, _, v in _NAMED_ARG.findall(arg)}
    if "name" in named and "group" in named and not re.match(r"\w+\s*\(", arg):
        return [_maven_dep(named["group"], named["name"], named.get("version") or None, kind, meta)]
    pieces = split_top_level(arg)
    if len(pieces) > 1:  # Groovy: implementation 'a:b:1', project(':x')
        return [d for piece in pieces for d in _notation(scan, piece, kind, meta)]
    call = re.match(r"(\w+)\s*\(", arg)
    fn = call.group(1) if call else None
    inner = arg[call.end():matching(arg, call.end() - 1)] if call else ""
    if fn in ("platform", "enforcedPlatform", "testFixtures"):
        return _notation(scan, inner.strip(), kind, tuple(sorted((*meta, (fn, "true")))))
    if fn in _NOT_PACKAGES:
        return []
    if fn == "project":
        named = {k: v for k, _, v in _NAMED_ARG.findall(inner)}
        values = strings(inner)
        target = named.get("path") or (values[0] if values else None)
        if target is None:
            return []
        path = _absolute_path(target, scan.build.path)
        return [Dependency(path, kind, None, scan.key_prefix + path, meta)]
    if fn == "kotlin":
        values = strings(inner)
        if not values:
            return []
        dep_name = f"org.jetbrains.kotlin:kotlin-{values[0]}"
        return [Dependency(dep_name, kind, values[1] if len(values) > 1 else None, f"maven:{dep_name}", meta)]
    if m := re.match(r"projects\.([\w.]+)", arg):
        path = _accessor_project(scan.build.settings, m.group(1))
        return [Dependency(path, kind, None, scan.key_prefix + path, meta)]
    if m := re.match(r"libs\.([\w.]+)", arg):
        return _catalog_deps(scan, m.group(1).removesuffix(".get"), kind, meta)
    deps = [d for s in strings(arg) if (d := _coordinate(s, kind, meta)) is not None]
    if deps or not arg:
        return deps
    if re.fullmatch(r"[A-Za-z_][\w.]*(?:\(\))?", arg):  # Deps.guava, a val, ...: kept as written
        return [Dependency(arg, kind, None, "", meta)]
    return []


def _maven_dep(group: str, artifact: str, version: str | None, kind: str,
               meta: tuple[tuple[str, str], ...]) -> Dependency:
    return Dependency(f"{group}:{artifact}", kind, version, f"maven:{group}:{artifact}", meta)


def _coordinate(s: str, kind: str, meta: tuple[tuple[str, str], ...]) -> Dependency | None:
    coords, _, ext = s.partition("@")
    parts = coords.split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return None
    extra = dict(meta)
    if len(parts) > 3 and parts[3]:
        extra["classifier"] = parts[3]
    if ext:
        extra["ext"] = ext
    return _maven_dep(parts[0], parts[1], parts[2] if len(parts) > 2 and parts[2] else None, kind,
                      tuple(sorted(extra.items())))


def _absolute_path(target: str, current: str) -> str:
    if target.startswith(":"):
        return target
    return (current if current != ":" else "") + ":" + target


def _accessor(segment: str) -> str:
    """Gradle's type-safe accessor for a project or catalog name: foo-bar / foo_bar -> fooBar."""
    first, *rest = re.split(r"[-_]", segment)
    return first + "".join(p[:1].upper() + p[1:] for p in rest)


def _accessor_project(settings: Settings | None, accessor: str) -> str:
    if settings is not None:
        for path in sorted(settings.projects):
            if ".".join(_accessor(s) for s in path.split(":")[1:]) == accessor:
                return path
    return ":" + accessor.replace(".", ":")


def _catalog_deps(scan: _DepScan, accessor: str, kind: str, meta: tuple[tuple[str, str], ...]) -> list[Dependency]:
    if scan.catalog is None:
        scan.catalog = _read_catalog(scan.ctx, scan.build.root)
    entries = scan.catalog.get(accessor)
    if not entries:
        return [Dependency(f"libs.{accessor}", kind, None, "", meta)]
    with_catalog = tuple(sorted((*meta, ("catalog", f"libs.{accessor}"))))
    out = []
    for module, version in entries:
        group, _, artifact = module.partition(":")
        out.append(_maven_dep(group, artifact, version, kind, with_catalog))
    return out


def _read_catalog(ctx: ManifestContext, build_root: str) -> dict[str, list[tuple[str, str | None]]]:
    """accessor ("foo.bar", "bundles.x") -> [(group:artifact, version)] from gradle/libs.versions.toml."""
    rel = "gradle/libs.versions.toml" if build_root == "." else f"{build_root}/gradle/libs.versions.toml"
    if rel not in ctx.files:
        return {}
    try:
        data = ctx.parsed(rel, "toml")
    except ManifestError as exc:
        ctx.warn(f"{exc}; libs.* dependencies are kept unresolved")
        return {}
    if not isinstance(data, dict):
        return {}
    versions, libraries = _table(data, "versions"), _table(data, "libraries")
    resolved: dict[str, tuple[str, str | None]] = {}
    for alias, spec in libraries.items():
        entry = _catalog_library(spec, versions)
        if entry is not None:
            resolved[alias] = entry
    # Aliases' -, _ and . separators all become accessor dots: foo-bar -> libs.foo.bar.
    out = {".".join(re.split(r"[-_.]", alias)): [entry] for alias, entry in resolved.items()}
    for bundle, aliases in _table(data, "bundles").items():
        if isinstance(aliases, list):
            members = [resolved[a] for a in aliases if isinstance(a, str) and a in resolved]
            out["bundles." + ".".join(re.split(r"[-_.]", bundle))] = members
    return out


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _catalog_library(spec: Any, versions: dict[str, Any]) -> tuple[str, str | None] | None:
    if isinstance(spec, str):
        parts = spec.split(":")
        if len(parts) >= 2 and parts[0] and parts[1]:
            return f"{parts[0]}:{parts[1]}", (parts[2] or None) if len(parts) > 2 else None
        return None
    if not isinstance(spec, dict):
        return None
    module = spec.get("module")
    if not isinstance(module, str):
        group, name = spec.get("group"), spec.get("name")
        if not (isinstance(group, str) and isinstance(name, str)):
            return None
        module = f"{group}:{name}"
    if ":" not in module:
        return None
    version = spec.get("version")
    if isinstance(version, dict) and isinstance(version.get("ref"), str):
        version = versions.get(version["ref"])
    return module, _catalog_version(version)


def _catalog_version(version: Any) -> str | None:
    if isinstance(version, str):
        return version
    if isinstance(version, dict):  # rich version: { require, strictly, prefer }
        for key in ("require", "strictly", "prefer"):
            if isinstance(found := version.get(key), str):
                return found
    return None
