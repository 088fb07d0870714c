"""The answers of ``affected`` and ``api-diff`` (JSON and MCP shapes), and the
reasons a package is affected: types only, so the command table can name them
without loading git, discovery or the build.
"""
from __future__ import annotations

from typing import Literal, TypedDict

FILE_CHANGED = "file changed"
MANIFEST_CHANGED = "manifest changed"
PACKAGE_ADDED = "package added"
PACKAGE_REMOVED = "package removed"


class ChangedFile(TypedDict):
    path: str
    change: str  # added, modified, deleted, renamed (old_path set), listed (given by --files)
    old_path: str | None
    packages: list[str]  # the packages it changes directly: owner(s) and packages reading it as a manifest
    note: str | None


class AffectedPackage(TypedDict):
    path: str
    name: str | None
    reason: str  # why chain[0] changed: file changed, manifest changed, package added, package removed
    chain: list[str]  # chain[0] changed; each next one depends on the one before; the last is this package
    files: list[str]  # the changed files that change this package directly ([] for a dependent only)
    removed: bool  # the package itself no longer exists (not something to test)


class Affected(TypedDict):
    root: str
    since: str | None
    base: str | None  # the merge base of ``since`` and HEAD that the working tree was compared with
    changed_files: list[ChangedFile]
    packages: list[AffectedPackage]  # by path
    unowned: list[str]  # changed files in no package and no package's manifest: they affect nothing
    not_in_repo: list[str]  # given paths outside the root, or neither on disk nor in the index nor in a package


class RefPlace(TypedDict):
    loc: str  # file:line:col
    package: str | None  # the referencing package's path; None outside every package
    kind: str  # call, member_call, import, type, inherit, new, constant
    enclosing: str | None  # the definition the reference is in; None at a file's top level


class Places(TypedDict):
    count: int
    places: list[RefPlace]  # the first PLACES_LIMIT, in file, line, column order


class ApiSymbol(TypedDict):
    """An added or removed public symbol."""

    name: str  # Parent.name for a member
    kind: str
    signatures: list[str]  # one per definition (overloads), sorted
    loc: str  # file:line of its first definition, on the side it exists on
    references: Places | None  # removed symbols: uses by name in other packages; None for added ones


class ApiChange(TypedDict):
    """A public symbol whose signatures differ."""

    name: str
    kind: str
    old: list[str]
    new: list[str]
    loc: str  # file:line on the new side
    old_loc: str
    references: Places | None  # uses in other packages resolved to it; None when not indexed


class PackageApiDiff(TypedDict):
    package: str  # path
    name: str
    status: Literal["added", "removed", "changed"]  # the package itself is new, gone, or on both sides
    added: list[ApiSymbol]
    removed: list[ApiSymbol]
    changed: list[ApiChange]


class SideInfo(TypedDict):
    revision: str  # as given, or "working tree"
    commit: str | None  # None for the working tree
    packages: int
    extracted: list[str] | None  # package keys extracted for this side; None: the index, updated in place


class ApiSummary(TypedDict):
    packages: int  # packages whose public API differs
    added: int
    removed: int
    changed: int
    references: int  # places in other packages using a removed or changed symbol


class ApiDiff(TypedDict):
    old: SideInfo
    new: SideInfo
    references_indexed: bool  # False: the new side's index has no references (places are absent)
    summary: ApiSummary
    packages: list[PackageApiDiff]
