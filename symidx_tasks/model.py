"""The plain records that flow from discovery through extraction into the store.

They are dataclasses of strings, ints and tuples so that they pickle under any
multiprocessing start method and serialise to JSON deterministically.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _json_string  # the escaper of JSONEncoder(ensure_ascii=False)
from typing import Any

# The result key of the files that no package owns (they are still indexed;
# their rows have package NULL). Package keys are repo paths, which never start
# with "@" at the top level of a sane monorepo; discovery refuses one there.
UNOWNED_KEY = "@unowned"

# Column order of a symbol row in a result file, which is also the order the
# merge inserts them in: workers do the formatting, the one writer only writes.
SYMBOL_COLUMNS = ("file", "line", "end_line", "name", "kind", "signature", "visibility",
                  "parent", "return_type", "parameters", "words")

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

    def to_row(self, file_path: str) -> list[Any]:
        """The symbol as a result-file row (see SYMBOL_COLUMNS)."""
        params = _params_json(self.parameters) if self.parameters else "[]"
        return [file_path, self.line, self.end_line, self.name, self.kind, self.signature, self.visibility,
                self.parent, self.return_type, params, split_words(self.name)]

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

    def to_json(self) -> dict[str, Any]:
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

    def to_json(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: its deep copies cost ~0.1 s
        # per 1,000 packages on every doit load. metadata is plain JSON data.
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
