"""A canonical text dump of an index: equal facts -> byte-identical dumps.

Surrogate ids, timestamps, durations and machine-specific facts (root, git
commit, result-file stat data) are left out; every table's rows are sorted.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from .db import FTS_TABLES

# table -> the columns that are facts about the indexed tree
DUMPED: dict[str, tuple[str, ...]] = {
    "packages": ("path", "name", "kind", "version", "description", "metadata", "match_key", "manifests"),
    "dependencies": ("package", "dependency", "dep_kind", "version_req", "match_key", "metadata",
                     "is_internal", "internal_package"),
    "files": ("path", "package", "extension", "size_bytes", "language", "sha256", "status", "note"),
    "symbols": ("package", "file_path", "line", "end_line", "name", "kind", "signature", "visibility",
                "parent_symbol", "return_type", "parameters", "language", "doc"),
    "refs": ("package", "file_path", "line", "col", "name", "kind", "receiver", "enclosing", "module", "alias"),
    "package_keys": ("package", "key"),
    "warnings": ("package", "file_path", "message", "origin"),
    "package_results": ("key", "digest"),
}
# ref_targets by natural keys: the reference's place, name and kind, how, and
# the symbol's place, name and kind. Outer joins, so a row pointing at a
# reference or symbol that is gone shows up (as nulls) instead of vanishing.
REF_TARGETS = (
    "SELECT r.package, r.file_path, r.line, r.col, r.name, r.kind, t.how,"
    " s.package, s.file_path, s.line, s.name, s.kind"
    " FROM ref_targets t LEFT JOIN refs r ON r.id = t.ref_id LEFT JOIN symbols s ON s.id = t.symbol_id"
)
STABLE_META = ("schema_version", "count_packages", "count_dependencies", "count_files", "count_symbols",
               "count_refs", "count_ref_targets", "count_warnings", "references")


def dump_lines(conn: sqlite3.Connection) -> Iterator[str]:
    for table, columns in DUMPED.items():
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        yield f"# {table} ({len(rows)} rows): {', '.join(columns)}"
        yield from sorted(_line(r) for r in rows)
    rows = conn.execute(REF_TARGETS).fetchall()
    yield f"# ref_targets ({len(rows)} rows): reference (package, file, line, column, name, kind), how," \
          " symbol (package, file, line, name, kind)"
    yield from sorted(_line(r) for r in rows)
    # The full-text indexes are derived from the base tables; their vocabulary
    # (term, documents, occurrences per column) proves they stayed in step
    # through incremental merges without depending on row ids.
    for table in (fts.name for fts in FTS_TABLES):
        vocab = f"temp.{table}_vocab"
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, {table}, 'col')")
        rows = conn.execute(f"SELECT term, col, doc, cnt FROM {vocab}").fetchall()
        yield f"# {table} vocabulary ({len(rows)} rows): term, column, documents, occurrences"
        yield from sorted(_line(r) for r in rows)
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    yield "# meta"
    yield from (_line((k, meta.get(k))) for k in STABLE_META)


def dump_text(conn: sqlite3.Connection) -> str:
    return "".join(line + "\n" for line in dump_lines(conn))


def _line(row: Sequence[Any]) -> str:
    return json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))
