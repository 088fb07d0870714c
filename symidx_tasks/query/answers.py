"""The shapes of every answer the read side gives: what `--json` prints and what
an MCP tool returns (compacted). Keys are declared in the order they appear.

These TypedDicts are the contract: docs/cli.md documents them and a test
checks every JSON example there against them (tests/test_docs_shapes.py).
``null`` in an answer is ``None`` here: a fact that is unknown or does not apply.
"""
from __future__ import annotations

from typing import Generic, Literal, TypedDict, TypeVar

T = TypeVar("T")


class Page(TypedDict, Generic[T]):
    """One page of a longer list; ``limit`` None means all, ``next_offset`` None the last page."""

    total: int
    offset: int
    limit: int | None
    next_offset: int | None
    results: list[T]


class SearchPage(Page[T], Generic[T]):
    """A page of search hits; ``suggestions`` (nearest indexed names, best
    first) is filled only when nothing matched at all."""

    suggestions: list[str]


# ------------------------------------------------------------------ rows


class SymbolParam(TypedDict):
    name: str
    type: str | None


class SymbolRow(TypedDict):
    name: str
    kind: str
    signature: str
    loc: str  # "file:line"
    file: str
    line: int
    end_line: int
    parent: str | None  # name of the enclosing symbol
    visibility: str
    return_type: str | None
    parameters: list[SymbolParam]
    language: str | None
    package: str | None  # path; None outside any package
    package_name: str | None
    doc: str | None  # the first paragraph of its doc comment, one line


class Usage(TypedDict):
    """How often a definition is referenced (references resolved to it)."""

    places: int  # references, imports included
    packages: int  # distinct packages they are in (files outside any package count as one)


class DefinitionRow(SymbolRow):
    """A definition as ``symbol`` answers it: the symbol and where it is used."""

    used: Usage | None  # None: the index was built without references


class FileRow(TypedDict):
    path: str
    package: str | None
    language: str | None
    size: int | None
    status: str  # parsed, partial, listed, skipped, error
    note: str | None


class PackageSummary(TypedDict):
    path: str
    name: str
    kind: str
    version: str | None
    description: str | None


class DependencyRow(TypedDict):
    name: str  # as written in the manifest
    kind: str
    version_req: str | None
    internal: bool
    package: str | None  # the repo package an internal dependency resolves to
    package_name: str | None


class DependentRow(TypedDict):
    package: str
    name: str
    kind: str
    version_req: str | None


class WarningRow(TypedDict):
    package: str | None
    file: str | None
    message: str


class PackageWarning(TypedDict):
    file: str | None
    message: str


# --------------------------------------------------------------- answers


class PackageCounts(TypedDict):
    files: int
    symbols: int
    dependencies: int
    dependents: int


class PublicApi(TypedDict):
    total: int
    by_kind: dict[str, int]
    symbols: list[SymbolRow]
    truncated: bool


class PackageDetail(TypedDict):
    path: str
    name: str
    kind: str
    version: str | None
    description: str | None
    metadata: dict[str, object]
    manifests: list[str]
    counts: PackageCounts
    languages: dict[str, int]  # files per language; "other" = no language
    dependencies: list[DependencyRow]
    dependents: list[DependentRow]
    files: Page[FileRow]
    api: PublicApi
    warnings: list[PackageWarning]


class Dependencies(TypedDict):
    package: str
    dependencies: list[DependencyRow]


class Dependents(TypedDict):
    package: str
    dependents: list[DependentRow]


class FileSymbols(TypedDict):
    path: str
    package: str | None
    language: str | None
    size: int | None
    status: str
    note: str | None
    package_name: str | None
    symbols: list[SymbolRow]


class GraphNode(TypedDict):
    path: str
    name: str | None
    depth: int
    via: str | None  # the node it was reached from; None for the root


GraphEdge = TypedDict("GraphEdge", {"from": str, "to": str, "kinds": list[str]})

Direction = Literal["dependencies", "dependents"]


class Graph(TypedDict):
    root: str
    direction: Direction
    max_depth: int | None
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    cycles: list[list[str]]
    truncated: bool  # True when max_depth cut edges off


class PathStep(TypedDict):
    path: str
    name: str | None


Relation = Literal["a_depends_on_b", "b_depends_on_a"]

DependencyPath = TypedDict("DependencyPath", {
    "from": str,
    "to": str,
    "relation": Relation | None,
    "path": list[PathStep] | None,
    "length": int | None,
})


# --------------------------------------------------------------- references


ReferenceKind = Literal["import", "inherit", "new", "member_call", "call", "type", "constant"]
Resolution = Literal["import", "package", "dependency", "name"]


class RefTarget(TypedDict):
    """A definition a reference resolved to, and how (``import``: through the file's
    import; ``package``: same package; ``dependency``: an internal dependency;
    ``name``: by name alone)."""

    name: str
    kind: str
    loc: str  # "file:line" of the definition
    package: str | None
    how: Resolution


class ReferenceRow(TypedDict):
    loc: str  # "file:line:col"; col is 0-based, in characters
    file: str
    line: int
    col: int
    name: str
    kind: ReferenceKind
    receiver: str | None  # `obj` in obj.m(), `pkg` in pkg.F(): as written
    enclosing: str | None  # the innermost definition around it; None at top level
    module: str | None  # imports: the module imported from, as written
    alias: str | None  # imports: the local name when it differs
    package: str | None  # the package the reference is in
    package_name: str | None
    definitions: list[RefTarget]  # [] when unresolved


class CallerRow(TypedDict):
    """One symbol whose body calls the asked one, with its call sites."""

    name: str | None  # the enclosing definition's name; None: the file's top level
    kind: str | None  # None when the enclosing definition is not an indexed symbol
    signature: str | None
    loc: str  # the caller's "file:line" (just "file" at top level)
    file: str
    line: int | None
    package: str | None
    package_name: str | None
    calls: int
    sites: list[str]  # "file:line:col" of each call, in source order
    callees: list[str]  # "file:line" of the definitions called


class CallersPage(SearchPage[T], Generic[T]):
    """The callers' page, and the references to the symbol that are no calls
    (``other_references``: imports, type uses, inheritance, constants, counted
    by kind, most first): a symbol nothing calls may still be used."""

    other_references: dict[str, int]


class ExternalUser(TypedDict):
    package: str
    places: int


class ExternalUse(TypedDict):
    """A public symbol of a package and the other packages referencing it."""

    name: str
    kind: str
    loc: str
    signature: str
    places: int
    used_by: list[ExternalUser]  # most places first


class PackageUsage(TypedDict):
    package: str
    total: int  # symbols of the package referenced from other packages
    symbols: list[ExternalUse]  # most places first
    truncated: bool


class LastBuild(TypedDict):
    reloaded: int | float | None
    removed: int | float | None


class SlowPackage(TypedDict):
    package: str
    seconds: float


class StaleUnchecked(TypedDict):
    checked: Literal[False]
    reason: str


class _StaleCounts(TypedDict):
    checked: Literal[True]
    changed_files: int
    added: int
    removed: int
    modified: int
    examples: list[str]


# total=False rather than NotRequired: under `from __future__ import annotations`
# Python 3.11 cannot see NotRequired in __required_keys__.
class StaleChecked(_StaleCounts, total=False):
    git_head: str  # in a git work tree
    commits_since: int | None


Staleness = StaleUnchecked | StaleChecked


class Status(TypedDict):
    db: str | None
    schema_version: int | float | None
    built_at: str | None  # UTC ISO 8601
    age_seconds: int | None
    root: str | None
    git_commit: str | None
    counts: dict[str, int | float | None]
    references: bool  # False: built with `references = false` (no refs, no targets)
    packages_by_kind: dict[str, int]
    files_by_language: dict[str, int]
    symbols_by_language: dict[str, int]
    symbols_by_kind: dict[str, int]
    files_by_status: dict[str, int]
    durations_s: dict[str, int | float | None]  # every duration_* the build recorded, e.g. discover_s
    slowest_packages: list[SlowPackage]  # the build's slowest package tasks, slowest first
    last_build: LastBuild
    stale: Staleness


__all__ = [
    "Page", "SearchPage", "SymbolParam", "SymbolRow", "Usage", "DefinitionRow", "FileRow", "PackageSummary",
    "DependencyRow", "DependentRow", "WarningRow",
    "PackageWarning", "PackageCounts", "PublicApi", "PackageDetail", "Dependencies", "Dependents", "FileSymbols",
    "GraphNode", "GraphEdge", "Direction", "Graph", "PathStep", "Relation", "DependencyPath", "LastBuild",
    "SlowPackage", "StaleUnchecked", "StaleChecked", "Staleness", "Status", "ReferenceKind", "Resolution",
    "RefTarget", "ReferenceRow", "CallerRow", "CallersPage", "ExternalUser", "ExternalUse", "PackageUsage",
]
