"""A unit's rows in the index: insert them from its result file, delete them;
whole, or only the files of it listed in ``temp.changed_files`` (the merge's
per-file reload, store/merge.py)."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..model import UNOWNED_KEY, ResultFile
from .db import FTS_TABLES
from .modules import package_keys


def package_column(key: str) -> str | None:
    """The ``package`` column of a unit's rows: its path; NULL for the files outside any package."""
    return None if key == UNOWNED_KEY else stored_path(key)


# The tables whose rows belong to one file, and the column naming it.
_FILE_COLUMN = {"symbols": "file_path", "refs": "file_path", "files": "path"}
_CHANGED = " IN (SELECT path FROM temp.changed_files)"


def delete_unit(conn: sqlite3.Connection, pkg: str | None, changed_files: bool = False) -> None:
    """Delete the rows of the unit whose ``package`` column is ``pkg``; with
    ``changed_files``, only those of its files listed in temp.changed_files
    (symbols, references and their targets, files, and their text)."""

    def which(table: str) -> str:
        column = _FILE_COLUMN.get(table)
        return f" AND {column}{_CHANGED}" if changed_files and column else ""

    # External-content FTS forgets a row only when told its indexed values, so
    # this runs before the base rows go.
    for fts in FTS_TABLES:
        if changed_files and fts.table not in _FILE_COLUMN:
            continue
        conn.execute(
            f"INSERT INTO {fts.name}({fts.name}, rowid, {fts.columns}) SELECT 'delete', id, {fts.columns}"
            f" FROM {fts.table} WHERE {fts.key_column} IS ?{which(fts.table)}",
            (pkg,),
        )
    conn.execute(f"DELETE FROM ref_targets WHERE ref_id IN (SELECT id FROM refs WHERE package IS ?{which('refs')})",
                 (pkg,))
    for table in _FILE_COLUMN:
        conn.execute(f"DELETE FROM {table} WHERE package IS ?{which(table)}", (pkg,))
    if not changed_files:
        delete_unit_wide(conn, pkg)
        conn.execute("DELETE FROM dependencies WHERE package IS ?", (pkg,))
        conn.execute("DELETE FROM packages WHERE path IS ?", (pkg,))


def delete_unit_wide(conn: sqlite3.Connection, pkg: str | None) -> None:
    """Delete the rows a unit derives from all its files at once: its package keys and warnings."""
    for table in ("package_keys", "warnings"):
        conn.execute(f"DELETE FROM {table} WHERE package IS ?", (pkg,))


def _index_text(conn: sqlite3.Connection, pkg: str | None, changed_files: bool = False) -> None:
    for fts in FTS_TABLES:
        column = _FILE_COLUMN.get(fts.table)
        if changed_files and column is None:
            continue
        which = f" AND {column}{_CHANGED}" if changed_files else ""
        conn.execute(
            f"INSERT INTO {fts.name}(rowid, {fts.columns}) SELECT id, {fts.columns}"
            f" FROM {fts.table} WHERE {fts.key_column} IS ?{which}",
            (pkg,),
        )


def insert_result(conn: sqlite3.Connection, key: str, result: ResultFile, index_text: bool = True,
                   only: set[str] | None = None) -> None:
    """Insert a unit's rows; with ``only``, of its files only those paths (as stored),
    and no package or dependency rows (``_reload_files``)."""
    pkg = package_column(key)
    package = result["package"]
    if package is not None and only is None:
        conn.execute(
            "INSERT INTO packages(path, name, kind, version, description, metadata, match_key, manifests)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (stored_path(package["path"]), package["name"], package["kind"], package["version"], package["description"],
             to_json(package["metadata"]), package["match_key"], to_json(package["manifests"])),
        )
        conn.executemany(
            "INSERT INTO dependencies(package, dependency, dep_kind, version_req, match_key, metadata)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(pkg, d["name"], d["dep_kind"], d["version_req"], d["match_key"], to_json(d["metadata"]))
             for d in package["dependencies"]],
        )
    languages = {f["path"]: f["language"] for f in result["files"]}
    clean = {path: stored_path(path) for path in languages}
    files, symbols, references = result["files"], result["symbols"], result["references"]
    if only is not None:
        files = [f for f in files if clean[f["path"]] in only]
        symbols = [r for r in symbols if clean[r[0]] in only]
        references = [r for r in references if clean[r[0]] in only]
    conn.executemany(
        "INSERT INTO files(path, package, extension, size_bytes, language, sha256, status, note)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(clean[f["path"]], pkg, _extension(clean[f["path"]]), f["size"], f["language"], f["sha256"], f["status"],
          f["note"]) for f in files],
    )
    # Rows arrive formatted by the worker, in model.SYMBOL_COLUMNS order (file,
    # line, end_line, name, kind, signature, visibility, parent, return_type,
    # parameters, words, doc) and model.REFERENCE_COLUMNS order (file, line,
    # column, name, kind, receiver, enclosing, module, alias): slices of a row
    # are columns, and the per-row work of this serial step stays one tuple.
    conn.executemany(
        "INSERT INTO symbols(package, file_path, line, end_line, name, kind, signature, visibility,"
        " parent_symbol, return_type, parameters, language, words, doc)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(pkg, clean[r[0]], *r[1:10], languages[r[0]], r[10], r[11]) for r in symbols],
    )
    conn.executemany(
        "INSERT INTO refs(package, file_path, line, col, name, kind, receiver, enclosing, module, alias)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(pkg, clean[r[0]], *r[1:]) for r in references],
    )
    conn.executemany("INSERT INTO package_keys(package, key) VALUES (?, ?)",
                     [(pkg, k) for k in package_keys(package, result["files"])])
    conn.executemany(
        "INSERT INTO warnings(package, file_path, message) VALUES (?, ?, ?)",
        [(pkg, w["file"] and stored_path(w["file"]), w["message"]) for w in result["warnings"]],
    )
    if index_text:
        _index_text(conn, pkg, changed_files=only is not None)


def stored_path(path: str) -> str:
    """File names that are not UTF-8 reach us surrogate-escaped; SQLite text
    must be UTF-8, so show their raw bytes as \\xNN escapes instead."""
    if path.isascii():
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _extension(path: str) -> str:
    base = path.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
