"""The per-package result file: the only thing a package task hands to the merge.

JSON lines: a header object (the package record, the extractor, the warnings,
how many files follow and the SHA-256 of the lines that follow), then one line
per file, sorted by path: ``[record, symbol rows, reference rows]``. A file's
line depends on that file alone, so when one file of a package of thousands
changes, the package task copies the other lines from its previous result
byte for byte and the merge decodes only the changed files' lines
(pipeline/previous.py, store/merge.py); decoding and encoding whole results
was most of such an edit.

Deterministic (same tree -> byte-identical file: sorted lists, sorted keys, no
timestamps), written to a temporary file and renamed into place so a crash
never leaves half a file, and validated field by field when read: a file that
decodes is a ``ResultFile`` the merge can insert without another check.

How long the task took is not in it: see pipeline/timing.py.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any, cast

from ..errors import ResultError
from ..model import REFERENCE_COLUMNS, SYMBOL_COLUMNS, FileRecord, ReferenceRow, ResultFile, SymbolRow

FORMAT_VERSION = 4
RESULT_SUFFIX = ".json"
# Beside a local result: the stat and digest of every file its run read (pipeline/previous.py).
STATS_SUFFIX = ".stat"

_Types = frozenset[type]
_STR: _Types = frozenset({str})
_INT: _Types = frozenset({int})
_OPT_STR: _Types = frozenset({str, type(None)})
_OPT_INT: _Types = frozenset({int, type(None)})
_LIST: _Types = frozenset({list})
_DICT: _Types = frozenset({dict})

# The JSON types of every field, as model.py's TypedDicts declare them.
_HEADER: dict[str, _Types] = {
    "body": _STR, "extractor": _STR, "files": _INT, "format": _INT, "key": _STR,
    "package": frozenset({dict, type(None)}), "reference_columns": _LIST, "symbol_columns": _LIST,
    "warnings": _LIST,
}
_PACKAGE: dict[str, _Types] = {
    "path": _STR, "name": _STR, "kind": _STR, "version": _OPT_STR, "description": _OPT_STR, "metadata": _DICT,
    "dependencies": _LIST, "match_key": _STR, "manifests": _LIST, "warnings": _LIST,
    "languages": frozenset({list, type(None)}),
}
_DEPENDENCY: dict[str, _Types] = {
    "name": _STR, "dep_kind": _STR, "version_req": _OPT_STR, "match_key": _STR, "metadata": _DICT,
}
_FILE: dict[str, _Types] = {
    "path": _STR, "language": _OPT_STR, "size": _OPT_INT, "sha256": _OPT_STR, "status": _STR, "note": _OPT_STR,
}
_WARNING: dict[str, _Types] = {"file": _OPT_STR, "message": _STR}
_ROW: dict[str, _Types] = {
    "file": _STR, "line": _INT, "end_line": _INT, "name": _STR, "kind": _STR, "signature": _STR,
    "visibility": _STR, "parent": _OPT_STR, "return_type": _OPT_STR, "parameters": _STR, "words": _STR,
    "doc": _OPT_STR,
}
_REF_ROW: dict[str, _Types] = {
    "file": _STR, "line": _INT, "column": _INT, "name": _STR, "kind": _STR, "receiver": _OPT_STR,
    "enclosing": _OPT_STR, "module": _OPT_STR, "alias": _OPT_STR,
}
assert tuple(_ROW) == SYMBOL_COLUMNS, "the row check must follow the row layout"
assert tuple(_REF_ROW) == REFERENCE_COLUMNS, "the row check must follow the row layout"
# The header fields a ResultFile carries as they are (the rest: body, files).
_CARRIED = ("extractor", "format", "key", "package", "reference_columns", "symbol_columns", "warnings")
_DECODER = json.JSONDecoder()


def result_name(key: str) -> str:
    """A readable, collision-free file name for a package key (a repo path)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-.")[:80] or "root"
    return f"{slug}-{hashlib.sha1(key.encode('utf-8', 'surrogateescape')).hexdigest()[:10]}{RESULT_SUFFIX}"


def _dumps(value: object) -> bytes:
    return (json.dumps(value, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")


def file_line(record: FileRecord, symbols: list[SymbolRow], references: list[ReferenceRow]) -> bytes:
    """One file's line of a result file."""
    return _dumps([record, symbols, references])


def line_rows(line: bytes) -> tuple[list[SymbolRow], list[ReferenceRow]]:
    """The rows of a line this symidx wrote (not checked: see ``read``'s ``verify_body``)."""
    _record, symbols, references = json.loads(line)
    return symbols, references


def assemble(header: dict[str, Any], lines: list[bytes]) -> bytes:
    """A result file from its header fields (``_CARRIED``) and its files' lines, in path order."""
    body = b"".join(lines)
    return _dumps({**header, "body": hashlib.sha256(body).hexdigest(), "files": len(lines)}) + body


def encode(result: ResultFile) -> bytes:
    symbols = _by_file(result["symbols"])
    references = _by_file(result["references"])
    lines = [file_line(f, symbols.get(f["path"], []), references.get(f["path"], [])) for f in result["files"]]
    return assemble({name: result[name] for name in _CARRIED}, lines)  # type: ignore[literal-required]


def _by_file(rows: list[list[Any]]) -> dict[str, list[list[Any]]]:
    # Rows are grouped by file in a result (sorted by file first).
    return {path: list(group) for path, group in groupby(rows, key=itemgetter(0))}


@dataclass(frozen=True, slots=True)
class ResultLines:
    """A result file read up to its file records (all checked); each file's rows
    are decoded, and checked, only when asked for (``result``, ``rows``)."""

    header: dict[str, Any]
    files: list[FileRecord]
    lines: list[str]  # each file's line, in ``files`` order
    ends: list[int]  # where each line's record ends

    def raw(self, index: int) -> bytes:
        """File ``index``'s line as written (to copy it into a new result)."""
        return (self.lines[index] + "\n").encode("ascii")

    def rows(self, index: int) -> tuple[list[SymbolRow], list[ReferenceRow]]:
        """File ``index``'s symbol and reference rows, checked."""
        path = self.files[index]["path"]
        line = self.lines[index]
        try:
            # The record, already read, is not decoded again: "[{...},[rows],[rows]]"
            # -> "[[rows],[rows]]".
            parsed = json.loads("[" + line[self.ends[index] + 1:])
        except ValueError as exc:
            raise ResultError(f"{path}: not a complete line ({exc})") from None
        if type(parsed) is not list or len(parsed) != 2 or line[self.ends[index]] != ",":
            raise ResultError(f"{path}: not a [record, symbols, references] line")
        symbols, references = parsed
        for rows, columns, field in ((symbols, _ROW, "symbols"), (references, _REF_ROW, "references")):
            if type(rows) is not list:
                raise ResultError(f"{path}: {field}: {_type_name(rows)}, expected an array")
            _check_rows(rows, path, columns, f"{path}: {field}")
        return symbols, references

    def result(self, only: Iterable[int] | None = None) -> ResultFile:
        """The ``ResultFile``: every file record, and the rows of every file, or of
        the files at the indexes ``only``."""
        symbols: list[SymbolRow] = []
        references: list[ReferenceRow] = []
        for index in range(len(self.files)) if only is None else sorted(only):
            more, refs = self.rows(index)
            symbols += more
            references += refs
        carried = {name: self.header[name] for name in _CARRIED}
        return cast(ResultFile, {**carried, "files": self.files, "symbols": symbols, "references": references})


def read(data: bytes, key: str | None = None, verify_body: bool = False) -> ResultLines:
    """The result file in ``data`` with its header and file records checked:
    every field present, of its declared type and nothing else, as many files as
    the header announces. ``verify_body``: the lines also hash to the header's
    digest (whose rows a caller copies unread). Raises ResultError with a
    one-line message naming the first problem."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise ResultError(f"not a result file (byte {exc.start} is not ASCII)") from None
    first, _, body = text.partition("\n")
    try:
        header = json.loads(first)
    except ValueError as exc:
        raise ResultError(f"not a complete result file ({exc})") from None
    if not isinstance(header, dict):
        raise ResultError("not a result object")
    if "format" in header and header["format"] != FORMAT_VERSION:
        raise ResultError(f"format {header['format']!r}, expected {FORMAT_VERSION}")
    _check_record(header, _HEADER, "result")
    if header["symbol_columns"] != list(SYMBOL_COLUMNS):
        raise ResultError("symbol columns differ from this symidx's")
    if header["reference_columns"] != list(REFERENCE_COLUMNS):
        raise ResultError("reference columns differ from this symidx's")
    if key is not None and header["key"] != key:
        raise ResultError(f"holds package {header['key']!r}, expected {key!r}")
    if header["package"] is not None:
        _check_package(header["package"], header["key"])
    for i, warning in enumerate(header["warnings"]):
        _check_record(warning, _WARNING, f"warnings[{i}]")
    if body and not body.endswith("\n"):
        raise ResultError("not a complete result file (the last line is cut)")
    lines = body.split("\n")[:-1]
    if len(lines) != header["files"]:
        raise ResultError(f"{len(lines)} file lines, the header announces {header['files']}")
    if verify_body and hashlib.sha256(body.encode("ascii")).hexdigest() != header["body"]:
        raise ResultError("the file lines differ from the header's digest")
    files: list[FileRecord] = []
    ends: list[int] = []
    paths: set[str] = set()
    for i, line in enumerate(lines):
        where = f"files[{i}]"
        if not line.startswith("[{"):
            raise ResultError(f"{where}: not a [record, symbols, references] line")
        try:
            record, end = _DECODER.raw_decode(line, 1)
        except ValueError as exc:
            raise ResultError(f"{where}: not a complete record ({exc})") from None
        _check_record(record, _FILE, where)
        if record["path"] in paths:
            raise ResultError(f"{where}: path {record['path']!r} listed twice")
        paths.add(record["path"])
        files.append(record)
        ends.append(end)
    return ResultLines(header, files, lines, ends)


def decode(data: bytes, key: str | None = None) -> ResultFile:
    """The whole result file in ``data``, checked deeply (``read``, then every
    file's rows: as long as SYMBOL_COLUMNS (REFERENCE_COLUMNS), typed per
    column, of the line's file). Raises ResultError naming the first problem."""
    return read(data, key).result()


def _check_package(package: dict[str, Any], key: str) -> None:
    _check_record(package, _PACKAGE, "package")
    if package["path"] != key:
        raise ResultError(f"package: path {package['path']!r} differs from the key {key!r}")
    for field in ("manifests", "warnings", "languages"):
        items = package[field] or []
        if not all(type(item) is str for item in items):
            raise ResultError(f"package: field {field!r} holds a non-string")
    for i, dependency in enumerate(package["dependencies"]):
        where = f"package.dependencies[{i}]"
        _check_record(dependency, _DEPENDENCY, where)
        if not all(type(v) is str for v in dependency["metadata"].values()):
            raise ResultError(f"{where}: field 'metadata' holds a non-string value")


def _check_record(value: object, fields: dict[str, _Types], where: str) -> None:
    if not isinstance(value, dict):
        raise ResultError(f"{where}: {_type_name(value)}, expected an object")
    missing = fields.keys() - value.keys()
    if missing:
        raise ResultError(f"{where}: field {min(missing)!r} missing")
    unknown = value.keys() - fields.keys()
    if unknown:
        raise ResultError(f"{where}: unknown field {min(unknown)!r}")
    for name, types in fields.items():
        if type(value[name]) not in types:
            raise ResultError(f"{where}: field {name!r} is {_type_name(value[name])}, expected {_names(types)}")


def _check_rows(rows: list[Any], path: str, columns: dict[str, _Types], field: str) -> None:
    """Rows laid out as ``columns`` (name -> JSON types), the first column ``path``."""
    if not rows:
        return
    # Column by column with the loops in C (map, set): a result file can hold
    # hundreds of thousands of rows and the merge decodes them serially. Only
    # when something is wrong does the slow loop find the first bad row.
    width = len(columns)
    ok = set(map(type, rows)) <= _LIST and set(map(len, rows)) <= {width}
    if ok:
        ok = all(set(map(type, map(itemgetter(i), rows))) <= types for i, types in enumerate(columns.values()))
    if ok and set(map(itemgetter(0), rows)) == {path}:
        return
    for i, row in enumerate(rows):
        _check_row(row, path, columns, f"{field}[{i}]")
    raise AssertionError("a row failed the fast check but passed the slow one")  # pragma: no cover


def _check_row(row: object, path: str, columns: dict[str, _Types], where: str) -> None:
    if type(row) is not list:
        raise ResultError(f"{where}: {_type_name(row)}, expected a row (array)")
    if len(row) != len(columns):
        raise ResultError(f"{where}: {len(row)} columns, expected {len(columns)}")
    for value, (column, types) in zip(row, columns.items(), strict=True):
        if type(value) not in types:
            raise ResultError(f"{where}: column {column!r} is {_type_name(value)}, expected {_names(types)}")
    if row[0] != path:
        raise ResultError(f"{where}: file {row[0]!r} is not the line's file")


_JSON_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "an array",
               dict: "an object", type(None): "null"}


def _type_name(value: object) -> str:
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _names(types: _Types) -> str:
    return " or ".join(sorted(_JSON_NAMES[t] for t in types))
