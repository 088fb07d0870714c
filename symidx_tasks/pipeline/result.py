"""The per-package result file: the only thing a package task hands to the merge.

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
from operator import itemgetter
from typing import Any, cast

from ..errors import ResultError
from ..model import REFERENCE_COLUMNS, SYMBOL_COLUMNS, ResultFile

FORMAT_VERSION = 3
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
_RESULT: dict[str, _Types] = {
    "format": _INT, "extractor": _STR, "key": _STR, "package": frozenset({dict, type(None)}), "files": _LIST,
    "symbol_columns": _LIST, "symbols": _LIST, "reference_columns": _LIST, "references": _LIST, "warnings": _LIST,
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


def result_name(key: str) -> str:
    """A readable, collision-free file name for a package key (a repo path)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-.")[:80] or "root"
    return f"{slug}-{hashlib.sha1(key.encode('utf-8', 'surrogateescape')).hexdigest()[:10]}{RESULT_SUFFIX}"


def encode(result: ResultFile) -> bytes:
    return (json.dumps(result, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")


def decode(data: bytes, key: str | None = None) -> ResultFile:
    """The result file in ``data``, checked deeply: every field of every record
    present, of its declared type and nothing else; every symbol (reference)
    row as long as SYMBOL_COLUMNS (REFERENCE_COLUMNS), typed per column and in
    a listed file. Raises ResultError
    with a one-line message naming the first problem."""
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ResultError(f"not a complete result file ({exc})") from None
    if not isinstance(raw, dict):
        raise ResultError("not a result object")
    if "format" in raw and raw["format"] != FORMAT_VERSION:
        raise ResultError(f"format {raw['format']!r}, expected {FORMAT_VERSION}")
    _check_record(raw, _RESULT, "result")
    if raw["symbol_columns"] != list(SYMBOL_COLUMNS):
        raise ResultError("symbol columns differ from this symidx's")
    if raw["reference_columns"] != list(REFERENCE_COLUMNS):
        raise ResultError("reference columns differ from this symidx's")
    if key is not None and raw["key"] != key:
        raise ResultError(f"holds package {raw['key']!r}, expected {key!r}")
    if raw["package"] is not None:
        _check_package(raw["package"], raw["key"])
    paths: set[str] = set()
    for i, record in enumerate(raw["files"]):
        _check_record(record, _FILE, f"files[{i}]")
        if record["path"] in paths:
            raise ResultError(f"files[{i}]: path {record['path']!r} listed twice")
        paths.add(record["path"])
    for i, warning in enumerate(raw["warnings"]):
        _check_record(warning, _WARNING, f"warnings[{i}]")
    _check_rows(raw["symbols"], paths, _ROW, "symbols")
    _check_rows(raw["references"], paths, _REF_ROW, "references")
    return cast(ResultFile, raw)


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


def _check_rows(rows: list[Any], paths: set[str], columns: dict[str, _Types], field: str) -> None:
    """Rows laid out as ``columns`` (name -> JSON types), the first column a listed file."""
    # Column by column with the loops in C (map, set): a result file can hold
    # hundreds of thousands of rows and the merge decodes them serially. Only
    # when something is wrong does the slow loop find the first bad row.
    width = len(columns)
    ok = set(map(type, rows)) <= _LIST and set(map(len, rows)) <= {width}
    if ok:
        ok = all(set(map(type, map(itemgetter(i), rows))) <= types for i, types in enumerate(columns.values()))
    if ok and set(map(itemgetter(0), rows)) <= paths:
        return
    for i, row in enumerate(rows):
        _check_row(row, paths, columns, f"{field}[{i}]")
    raise AssertionError("a row failed the fast check but passed the slow one")  # pragma: no cover


def _check_row(row: object, paths: set[str], columns: dict[str, _Types], where: str) -> None:
    if type(row) is not list:
        raise ResultError(f"{where}: {_type_name(row)}, expected a row (array)")
    if len(row) != len(columns):
        raise ResultError(f"{where}: {len(row)} columns, expected {len(columns)}")
    for value, (column, types) in zip(row, columns.items(), strict=True):
        if type(value) not in types:
            raise ResultError(f"{where}: column {column!r} is {_type_name(value)}, expected {_names(types)}")
    if row[0] not in paths:
        raise ResultError(f"{where}: file {row[0]!r} is not among the result's files")


_JSON_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "a boolean", list: "an array",
               dict: "an object", type(None): "null"}


def _type_name(value: object) -> str:
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _names(types: _Types) -> str:
    return " or ".join(sorted(_JSON_NAMES[t] for t in types))
