"""What every manifest reader gets: one directory, its manifest files, and a
recorded view of the rest of the repo.

A manifest module (npm.py, cargo.py, ...) defines:

    KIND = "npm"
    def manifests_in(names: frozenset[str]) -> list[str]
        # the file names in one directory that this kind reads; [] = not a package here
    def parse(ctx: ManifestContext) -> Package | None
        # None = these manifests describe no package (e.g. a Cargo workspace root)

Every file read through the context (the package's own manifests and any
workspace file it inherits from) is recorded, because each one must become a
file_dep of the package's task: editing the workspace root must re-run the
members that inherit from it.
"""
from __future__ import annotations

import fnmatch
import json
import posixpath
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import ManifestError
from ...fileio import Stamp, stamp
from ...model import Dependency, Package

# Real manifests are kilobytes; a file this large is generated data, and
# scanning it (the Gradle and Perl readers are regex scanners) could stall discovery.
MAX_MANIFEST_BYTES = 4 * 1024 * 1024


@dataclass
class ManifestContext:
    root: Path
    dir: str  # posix path relative to root, "." for the root itself
    manifests: list[str]  # names (in dir) that the kind claimed
    dirs: frozenset[str]  # every directory of the listing, for lookups up and down the tree
    files: frozenset[str]  # every file of the listing (root-relative)
    # Parsed files shared by every context of one discovery run, so a workspace
    # root read by 500 members is parsed once.
    cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)
    # Every file any context of the run read (present or not) with its stat
    # from just before the read: what a cached discovery re-checks (discover/cache.py).
    seen: dict[str, Stamp | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def dir_name(self) -> str:
        """The default package name: the directory's own name ("root" for the repo root)."""
        return posixpath.basename(self.dir) if self.dir != "." else "root"

    def rel(self, name: str) -> str:
        """Root-relative path of a file in this package's directory."""
        return name if self.dir == "." else f"{self.dir}/{name}"

    def read_text(self, rel_path: str) -> str:
        """The file's text; ManifestError when it cannot be read, is not UTF-8
        or is larger than any manifest (``MAX_MANIFEST_BYTES``)."""
        if rel_path not in self.read:
            self.read.append(rel_path)
        current = stamp(self.root / rel_path)
        self.seen.setdefault(rel_path, current)
        if current is not None and current[0] > MAX_MANIFEST_BYTES:
            raise ManifestError(f"{rel_path}: {current[0]} bytes, larger than any manifest symidx reads "
                                f"({MAX_MANIFEST_BYTES} bytes); not read")
        try:
            return (self.root / rel_path).read_text("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ManifestError(f"{rel_path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
        except OSError as exc:
            raise ManifestError(f"{rel_path}: cannot read ({exc.strerror})") from None

    def parsed(self, rel_path: str, fmt: str, parse: Callable[[str], Any] | None = None) -> Any:
        """Read and parse a file once per discovery run ("json", "toml" or a custom parser)."""
        key = (rel_path, fmt)
        if rel_path not in self.read:
            self.read.append(rel_path)
        if key not in self.cache:
            text = self.read_text(rel_path)
            try:
                if parse is not None:
                    self.cache[key] = parse(text)
                elif fmt == "json":
                    self.cache[key] = json.loads(text)
                elif fmt == "toml":
                    self.cache[key] = tomllib.loads(text)
                else:
                    raise ValueError(fmt)
            except (ValueError, tomllib.TOMLDecodeError) as exc:
                # Cache the failure too: every member would otherwise re-report it.
                self.cache[key] = ManifestError(f"{rel_path}: invalid {fmt.upper()}: {exc}")
        value = self.cache[key]
        if isinstance(value, ManifestError):
            raise value
        return value

    def own(self, fmt: str, name: str | None = None) -> Any:
        """Parse this directory's (first) manifest."""
        return self.parsed(self.rel(name or self.manifests[0]), fmt)

    def ancestors(self) -> list[str]:
        """Directories above this one, nearest first, ending with "."."""
        out, d = [], self.dir
        while d != ".":
            d = posixpath.dirname(d) or "."
            out.append(d)
        return out

    def find_up(self, name: str) -> list[str]:
        """Root-relative paths of ``name`` in the ancestor directories, nearest first."""
        return [p for d in self.ancestors() if (p := name if d == "." else f"{d}/{name}") in self.files]

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def package(self, **fields: Any) -> Package:
        """A Package for this directory; manifests and warnings filled from the context."""
        return Package(path=self.dir, manifests=list(self.read), warnings=list(self.warnings), **fields)


def expect(value: Any, typ: type | tuple[type, ...], where: str) -> Any:
    """Type-check a manifest field, with a message that names the field."""
    if value is not None and not isinstance(value, typ):
        names = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
        raise ManifestError(f"{where}: expected {names}, got {type(value).__name__}")
    return value


def glob_match(path: str, pattern: str) -> bool:
    """Workspace-member globs (npm workspaces, Cargo members, go.work): `*` stays
    inside one path segment, `**` spans any number of segments."""
    return _match_parts(path.split("/"), posixpath.normpath(pattern.strip("/")).split("/"))


def _match_parts(parts: list[str], pats: list[str]) -> bool:
    if not pats:
        return not parts
    if pats[0] == "**":
        return any(_match_parts(parts[i:], pats[1:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pats[0]) and _match_parts(parts[1:], pats[1:])


def join_dir(base: str, path: str) -> str:
    """A path written relative to directory ``base`` (root-relative, "." for the
    root), as a normalised root-relative posix path ("../x" when it leaves the repo)."""
    return posixpath.normpath(posixpath.join(base, path.replace("\\", "/")))


def sorted_deps(deps: list[Dependency]) -> list[Dependency]:
    """Dependencies in a stable order, whatever order the manifest listed them in."""
    return sorted(deps, key=lambda d: (d.name, d.dep_kind, d.version_req or "", d.metadata))


def unique_deps(deps: Iterable[Dependency]) -> list[Dependency]:
    """``sorted_deps`` with each dependency once: readers that merge several
    sources (two files, two tables naming one requirement) meet the same entry twice."""
    return sorted_deps(list(dict.fromkeys(deps)))


def manifest_package(
    ctx: ManifestContext,
    kind: str,
    name: str,
    match_key: str,
    dependencies: list[Dependency],
    *,
    version: str | None = None,
    description: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Package:
    """The record a reader returns for its directory: what identifies it first,
    what its manifest may leave out last; files read and warnings come from ``ctx``."""
    return ctx.package(
        name=name,
        kind=kind,
        version=version,
        description=description,
        metadata=metadata if metadata is not None else {},
        dependencies=dependencies,
        match_key=match_key,
    )
