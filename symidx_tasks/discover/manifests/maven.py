"""Maven: pom.xml (with or without the POM XML namespace).

Name and match key
    name = "groupId:artifactId", match_key = "maven:groupId:artifactId". The
    Gradle reader gives its external "g:a:v" dependencies the same family, so
    a Gradle build that uses a Maven module of the same repo resolves to it.

Inheritance
    A missing <groupId> / <version> comes from the <parent> element as written.
    The parent POM file (<relativePath>, default ../pom.xml; an empty
    <relativePath/> means "from the repository only") is read when the listing
    has it, and so on up its own parents: each becomes a file_dep, and their
    <properties> (plus their dependencyManagement versions) resolve ${...}
    placeholders. A file at the relativePath whose coordinates are not the
    declared parent's is not used (Maven ignores it too), with a warning.
    Dependencies declared in parent POMs are not copied into the child: the
    parent package lists them itself.

Placeholders
    ${...} in names, versions and the description are resolved from the
    properties of the POM and its parents and from project.groupId /
    project.artifactId / project.version / project.parent.* (pom.* and bare
    version aliases too); whatever does not resolve stays as written.

Dependencies
    project/dependencies only (not <dependencyManagement>, not profiles).
    dep_kind from <scope>: compile (the default) -> runtime, test -> test,
    provided -> provided, runtime -> runtime, system -> system, import ->
    import; any other scope is kept as written. metadata: scope (always, so
    compile and runtime stay distinguishable), optional ("true"), type (when not
    jar), classifier, managed ("true" when the version came from a
    dependencyManagement section of this POM or a parent). A <dependency>
    without groupId or artifactId is skipped with a warning.

Aggregators
    <modules> -> metadata["modules"] (as written); an explicit <packaging> ->
    metadata["packaging"]; <parent> -> metadata["parent"] = "groupId:artifactId".
    A module's package gets metadata["workspace"] = the directory of the nearest
    ancestor POM whose <modules> lists it (aggregators that are not ancestors,
    e.g. <module>../lib</module>, are not looked for).

Safety
    ElementTree does not fetch external entities; POMs declaring entities at all
    (<!ENTITY) are refused, so entity expansion cannot blow up discovery.
"""
from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...errors import ManifestError
from ...model import Dependency, Package
from .base import ManifestContext, join_dir, manifest_package, unique_deps

KIND = "maven"
FAMILY = "maven"

_SCOPES = {
    "compile": "runtime",
    "test": "test",
    "provided": "provided",
    "runtime": "runtime",
    "system": "system",
    "import": "import",
}
_PLACEHOLDER = re.compile(r"\$\{([^${}]+)\}")
_MAX_PARENTS = 32  # a parent chain longer than this is a cycle in disguise


@dataclass(frozen=True)
class _Parent:
    group: str | None
    artifact: str | None
    version: str | None
    relative_path: str  # "" = do not look in the file system


@dataclass(frozen=True)
class _Pom:
    group: str | None
    artifact: str | None
    version: str | None
    packaging: str | None
    name: str | None
    description: str | None
    parent: _Parent | None
    properties: dict[str, str] = field(default_factory=dict)
    dependencies: tuple[dict[str, str | None], ...] = ()
    managed: tuple[dict[str, str | None], ...] = ()
    modules: tuple[str, ...] = ()

    def effective_group(self) -> str | None:
        return self.group or (self.parent.group if self.parent else None)


def manifests_in(names: frozenset[str]) -> list[str]:
    return ["pom.xml"] if "pom.xml" in names else []


def parse(ctx: ManifestContext) -> Package | None:
    where = ctx.rel("pom.xml")
    pom = _read_pom(ctx, where)
    if not pom.artifact:
        raise ManifestError(f"{where}: <artifactId> is missing")
    group = pom.effective_group()
    if not group:
        raise ManifestError(f"{where}: <groupId> is missing (and no <parent> gives one)")
    chain = _parent_chain(ctx, where, pom)
    props = _properties(pom, chain)

    def resolve(value: str) -> str:
        return _interpolate(value, props)

    name = f"{resolve(group)}:{resolve(pom.artifact)}"
    raw_version = pom.version or (pom.parent.version if pom.parent else None)
    description = pom.description or pom.name
    metadata: dict[str, Any] = {}
    if pom.packaging:
        metadata["packaging"] = pom.packaging
    if pom.modules:
        metadata["modules"] = list(pom.modules)
    if pom.parent is not None and pom.parent.group and pom.parent.artifact:
        metadata["parent"] = f"{resolve(pom.parent.group)}:{resolve(pom.parent.artifact)}"
    workspace = _aggregator(ctx)
    if workspace is not None:
        metadata["workspace"] = workspace
    return manifest_package(
        ctx, KIND, name, f"{FAMILY}:{name}", _dependencies(ctx, where, pom, chain, resolve),
        version=resolve(raw_version) if raw_version else None,
        description=" ".join(resolve(description).split()) if description else None,
        metadata=metadata,
    )


def _dependencies(
    ctx: ManifestContext, where: str, pom: _Pom, chain: list[_Pom], resolve: Callable[[str], str],
) -> list[Dependency]:
    managed: dict[str, str] = {}
    for p in [*reversed(chain), pom]:  # nearer POMs override farther ones
        for d in p.managed:
            if d["groupId"] and d["artifactId"] and d["version"]:
                managed[f"{resolve(d['groupId'])}:{resolve(d['artifactId'])}"] = d["version"]
    out = []
    for d in pom.dependencies:
        if not d["groupId"] or not d["artifactId"]:
            ctx.warn(f"{where}: a <dependency> without groupId or artifactId is skipped")
            continue
        dep_name = f"{resolve(d['groupId'])}:{resolve(d['artifactId'])}"
        scope = d["scope"] or "compile"
        meta = {"scope": scope}
        version = d["version"]
        if version is None and dep_name in managed:
            version = managed[dep_name]
            meta["managed"] = "true"
        if d["optional"] == "true":
            meta["optional"] = "true"
        if d["type"] and d["type"] != "jar":
            meta["type"] = d["type"]
        if d["classifier"]:
            meta["classifier"] = resolve(d["classifier"])
        out.append(Dependency(
            dep_name, _SCOPES.get(scope, scope), resolve(version) if version else None,
            f"{FAMILY}:{dep_name}", tuple(sorted(meta.items())),
        ))
    return unique_deps(out)


def _read_pom(ctx: ManifestContext, rel: str) -> _Pom:
    pom: _Pom = ctx.parsed(rel, "pom", _parse_pom)
    return pom


def _parse_pom(text: str) -> _Pom:
    """XML text -> _Pom; ValueError (cached by the context as a ManifestError) when unusable."""
    if "<!ENTITY" in text:
        raise ValueError("entity declarations (<!ENTITY) are not allowed")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValueError(str(exc)) from None
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
    if root.tag != "project":
        raise ValueError(f"the root element is <{root.tag}>, not <project>")
    parent = None
    parent_el = root.find("parent")
    if parent_el is not None:
        rp = parent_el.find("relativePath")
        parent = _Parent(
            _text(parent_el, "groupId"), _text(parent_el, "artifactId"), _text(parent_el, "version"),
            "../pom.xml" if rp is None else (rp.text or "").strip(),
        )
    props_el = root.find("properties")
    properties = {} if props_el is None else {
        p.tag: (p.text or "").strip() for p in props_el if isinstance(p.tag, str)
    }
    return _Pom(
        group=_text(root, "groupId"),
        artifact=_text(root, "artifactId"),
        version=_text(root, "version"),
        packaging=_text(root, "packaging"),
        name=_text(root, "name"),
        description=_text(root, "description"),
        parent=parent,
        properties=properties,
        dependencies=tuple(_dep_fields(d) for d in root.findall("dependencies/dependency")),
        managed=tuple(_dep_fields(d) for d in root.findall("dependencyManagement/dependencies/dependency")),
        modules=tuple(t for m in root.findall("modules/module") if (t := (m.text or "").strip())),
    )


def _dep_fields(el: ET.Element) -> dict[str, str | None]:
    return {k: _text(el, k) for k in ("groupId", "artifactId", "version", "scope", "optional", "type", "classifier")}


def _text(el: ET.Element, tag: str) -> str | None:
    child = el.find(tag)
    if child is None:
        return None
    return (child.text or "").strip() or None


def _parent_chain(ctx: ManifestContext, where: str, pom: _Pom) -> list[_Pom]:
    """The parent POM files present in the listing, nearest first."""
    chain: list[_Pom] = []
    seen = {where}
    rel, cur = where, pom
    while cur.parent is not None and cur.parent.relative_path and len(chain) < _MAX_PARENTS:
        target = join_dir(posixpath.dirname(rel) or ".", cur.parent.relative_path)
        if target in ctx.dirs:  # relativePath may name the directory
            target = "pom.xml" if target == "." else f"{target}/pom.xml"
        if target.startswith("../") or target not in ctx.files or target in seen:
            break
        seen.add(target)
        try:
            parent = _read_pom(ctx, target)
        except ManifestError:
            ctx.warn(f"{where}: parent POM {target} is unreadable, so its properties are unknown")
            break
        declared = cur.parent
        if (declared.artifact and parent.artifact != declared.artifact) or (
            declared.group and parent.effective_group() != declared.group
        ):
            ctx.warn(
                f"{where}: {target} is {parent.effective_group()}:{parent.artifact}, not the declared parent "
                f"{declared.group}:{declared.artifact}; its properties are not used"
            )
            break
        chain.append(parent)
        rel, cur = target, parent
    return chain


def _properties(pom: _Pom, chain: list[_Pom]) -> dict[str, str]:
    props: dict[str, str] = {}
    for p in [*reversed(chain), pom]:
        props.update(p.properties)
    builtins = {
        "groupId": pom.effective_group(),
        "artifactId": pom.artifact,
        "version": pom.version or (pom.parent.version if pom.parent else None),
        "packaging": pom.packaging or "jar",
        "name": pom.name,
        "description": pom.description,
    }
    for key, value in builtins.items():
        if value is not None:
            props[f"project.{key}"] = props[f"pom.{key}"] = value
    if builtins["version"] is not None:
        props["version"] = builtins["version"]
    if pom.parent is not None:
        for key, value in (("groupId", pom.parent.group), ("artifactId", pom.parent.artifact),
                           ("version", pom.parent.version)):
            if value is not None:
                props[f"project.parent.{key}"] = value
    return props


def _interpolate(value: str, props: dict[str, str]) -> str:
    # Properties may refer to properties; a bounded number of passes also stops cycles.
    for _ in range(10):
        new = _PLACEHOLDER.sub(lambda m: props.get(m.group(1), m.group(0)), value)
        if new == value:
            break
        value = new
    return value


def _aggregator(ctx: ManifestContext) -> str | None:
    """The directory of the nearest ancestor POM whose <modules> lists this directory."""
    for rel in ctx.find_up("pom.xml"):
        base = posixpath.dirname(rel) or "."
        try:
            modules = _read_pom(ctx, rel).modules
        except ManifestError:
            continue  # that POM reports its own error; membership is just unknown
        for module in modules:
            target = join_dir(base, module)
            if target.endswith(".xml"):
                target = posixpath.dirname(target) or "."
            if target == ctx.dir:
                return base
    return None
