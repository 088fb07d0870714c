"""The plain records that flow from discovery through extraction into the store,
and the typed shapes of what crosses a process boundary (the result file).

The records are dataclasses of strings, ints and tuples so that they pickle
under any multiprocessing start method and serialise to JSON
deterministically. The result file's shapes are TypedDicts: they are JSON as
written and read, checked field by field by ``pipeline.result.decode``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _json_string  # the escaper of JSONEncoder(ensure_ascii=False)
from typing import Any, TypedDict

# The result key of the files that no package owns (they are still indexed;
# their rows have package NULL). Package keys are repo paths, which never start
# with "@" at the top level of a sane monorepo; discovery refuses one there.
UNOWNED_KEY = "@unowned"

# Column order of a symbol row in a result file, which is also the order the
# merge inserts them in: workers do the formatting, the one writer only writes.
SYMBOL_COLUMNS = ("file", "line", "end_line", "name", "kind", "signature", "visibility",
                  "parent", "return_type", "parameters", "words", "doc")

# One symbol as the result file and the merge carry it: a list in SYMBOL_COLUMNS
# order (file, line, end_line, name, kind, signature, visibility: str/int;
# parent, return_type: str or None; parameters: JSON text; words: str; doc: str or None).
SymbolRow = list[Any]

# Column order of a reference row (extract/references.py's Reference.to_row):
# file, line (1-based), column (0-based, in characters), name, kind: str/int;
# receiver, enclosing, module, alias: str or None.
REFERENCE_COLUMNS = ("file", "line", "column", "name", "kind", "receiver", "enclosing", "module", "alias")
ReferenceRow = list[Any]

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def split_words(name: str) -> str:
    """processPayment / process_payment / HTTPServer -> "process payment" / "http server",
    so full-text search finds a symbol by any word of its name."""
    # _WORD matches ASCII letters and digits only, so lowering the joined words
    # equals lowering each word.
    return " ".join(_WORD.findall(name)).lower()


@dataclass(frozen=True)
class Param:
    name: str
    type: str | None = None


def _params_json(parameters: tuple[Param, ...]) -> str:
    """``[{"name":..,"type":..},...]``: exactly what json.JSONEncoder(ensure_ascii=False,
    separators=(",", ":")) writes for those dicts, about three times faster (this runs
    for every symbol with parameters)."""
    return "[" + ",".join(
        '{"name":' + _json_string(p.name) + ',"type":' + ("null" if p.type is None else _json_string(p.type)) + "}"
        for p in parameters
    ) + "]"


@dataclass(frozen=True)
class Symbol:
    """One public symbol, as an extractor reports it (file path is added later)."""

    name: str
    kind: str
    line: int  # 1-based
    end_line: int  # 1-based, inclusive
    signature: str  # one line, as written
    parameters: tuple[Param, ...] = ()
    return_type: str | None = None
    parent: str | None = None  # name of the enclosing symbol (class, impl type, ...)
    visibility: str = "public"  # as the language spells it: public, export, pub, ...
    # The first paragraph of its documentation (docstring, JSDoc, Javadoc,
    # rustdoc, Go doc comment, ...), one line; None when it has none.
    doc: str | None = None

    def to_row(self, file_path: str) -> SymbolRow:
        """The symbol as a result-file row (see SYMBOL_COLUMNS)."""
        params = _params_json(self.parameters) if self.parameters else "[]"
        return [file_path, self.line, self.end_line, self.name, self.kind, self.signature, self.visibility,
                self.parent, self.return_type, params, split_words(self.name), self.doc]

    def to_json(self, file_path: str) -> dict[str, Any]:
        return {
            "file": file_path,
            "name": self.name,
            "kind": self.kind,
            "line": self.line,
            "end_line": self.end_line,
            "signature": self.signature,
            "parameters": [[p.name, p.type] for p in self.parameters],
            "return_type": self.return_type,
            "parent": self.parent,
            "visibility": self.visibility,
            "doc": self.doc,
        }


@dataclass(frozen=True)
class Dependency:
    name: str  # as written in the manifest
    dep_kind: str = "runtime"  # runtime, dev, peer, optional, optional:<extra>, build, test, ...
    version_req: str | None = None
    # Ecosystem-normalised name that another package's ``match_key`` must equal
    # for this dependency to be internal (e.g. "python:my-lib", "go:example.com/x").
    match_key: str = ""
    metadata: tuple[tuple[str, str], ...] = ()  # e.g. (("indirect", "true"),)

    def to_json(self) -> DependencyRecord:
        return {
            "name": self.name,
            "dep_kind": self.dep_kind,
            "version_req": self.version_req,
            "match_key": self.match_key,
            "metadata": dict(self.metadata),
        }


@dataclass
class Package:
    """A package found by a manifest (or a custom discovery rule)."""

    path: str  # posix path relative to the repo root; "." for the root
    name: str
    kind: str  # npm, cargo, go, python, maven, gradle, perl, ruby, custom
    version: str | None = None
    description: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    dependencies: list[Dependency] = field(default_factory=list)
    match_key: str = ""  # see Dependency.match_key
    # Every file the record was read from: its own manifests first, then the
    # workspace files it inherits from. All of them are file_dep of its task.
    manifests: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # None = every language symidx knows; custom rules may narrow it.
    languages: tuple[str, ...] | None = None

    def to_json(self) -> PackageRecord:
        # Field by field, not dataclasses.asdict: every doit load converts every
        # package, and asdict's deep copies are measurably slower (figures in
        # docs/performance.md). metadata is plain JSON data.
        return {
            "path": self.path, "name": self.name, "kind": self.kind, "version": self.version,
            "description": self.description, "metadata": self.metadata,
            "dependencies": sorted(
                (d.to_json() for d in self.dependencies),
                key=lambda d: (d["name"], d["dep_kind"], d["version_req"] or ""),
            ),
            "match_key": self.match_key, "manifests": list(self.manifests), "warnings": list(self.warnings),
            "languages": list(self.languages) if self.languages is not None else None,
        }


# -- the result file: what a package task hands to the merge (pipeline/result.py)


class DependencyRecord(TypedDict):
    name: str
    dep_kind: str
    version_req: str | None
    match_key: str
    metadata: dict[str, str]


class PackageRecord(TypedDict):
    """A Package as JSON (Package.to_json), inside a result file."""

    path: str
    name: str
    kind: str
    version: str | None
    description: str | None
    metadata: dict[str, Any]
    dependencies: list[DependencyRecord]
    match_key: str
    manifests: list[str]
    warnings: list[str]
    languages: list[str] | None


class FileRecord(TypedDict):
    """One row of the files table: ``status`` is parsed, partial, listed,
    skipped or error; ``note`` says why it is not plainly parsed."""

    path: str
    language: str | None
    size: int | None
    sha256: str | None
    status: str
    note: str | None


class WarningRecord(TypedDict):
    file: str | None  # None: about the package (its manifests), not one file
    message: str


class ResultFile(TypedDict):
    """One unit's result file. Deterministic: files sorted by path, symbols in
    file then line order, references by file, line, column, kind and name,
    warnings sorted; no timestamps."""

    format: int
    extractor: str
    key: str
    package: PackageRecord | None  # None for the files outside any package
    files: list[FileRecord]
    symbol_columns: list[str]
    symbols: list[SymbolRow]
    reference_columns: list[str]
    references: list[ReferenceRow]
    warnings: list[WarningRecord]


# -- what a build measured (the merge records it in the meta table)


@dataclass(frozen=True)
class ExtractTiming:
    """The package tasks that ran in one build: the sum of their times, the
    wall time from the first start to the last end, and the slowest ones
    (package key, seconds), slowest first."""

    seconds: float = 0.0
    wall_seconds: float = 0.0
    slowest: tuple[tuple[str, float], ...] = ()


# -- kinds of warnings, for summaries (the full list stays in the warnings table)

WARNING_KINDS = ("manifest", "syntax", "encoding", "too-large", "unreadable", "other")

# The first kind whose phrase a message contains; phrases are those the
# extraction action, discovery and the merge write (pipeline/action.py,
# discover/, store/merge.py).
_KIND_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("unreadable", ("vanished", "cannot stat", "cannot read", "cannot list", "no longer a regular file",
                    "kept changing")),
    ("encoding", ("not UTF-8",)),
    ("too-large", ("larger than max_file_size", "minified", "binary content")),
    ("syntax", ("syntax error", "extraction failed")),
    ("manifest", ("duplicate package name",)),
)


def warning_kind(file: str | None, message: str) -> str:
    """One of WARNING_KINDS, from the message's wording. Any other warning
    about no file in particular comes from reading a package's manifests."""
    for kind, phrases in _KIND_PHRASES:
        if any(p in message for p in phrases):
            return kind
    return "manifest" if file is None else "other"
