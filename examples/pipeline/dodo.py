"""Compose the symidx index into your own doit pipeline.

    cd examples/pipeline
    doit -n 4            # index the example monorepo, then write api-report.md
    doit                 # nothing changed: every task is up to date

``index`` is symidx's task group (one task per package plus the merge into
SQLite); ``api_report`` is ours. Its only ``file_dep`` is the index database,
so it re-runs exactly when a re-index changed the DB, never otherwise.

Command-line variables: ``root=`` (the monorepo, default ../polyglot),
``db=`` (default .symidx/index.db here) and ``report=`` (default api-report.md
here). Relative values are relative to this directory, where doit runs a
dodo.py unless told otherwise (``--dir``).

``DOIT_CONFIG`` is symidx's one doit configuration for that DB (its dep file
beside the DB, the progress reporter, ...) with this pipeline's default tasks.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from doit import get_var
from doit.tools import config_changed

from symidx_tasks import doit_config, index_tasks

HERE = Path(__file__).resolve().parent

# Bump when the report's layout changes: the report re-runs although the DB did not.
REPORT_FORMAT = 1


def _setting(name: str, default: Path) -> str:
    value = get_var(name)  # None when not given (and when imported outside doit)
    return str(Path(value).expanduser().resolve()) if value else str(default)


def _db() -> str:
    return _setting("db", HERE / ".symidx" / "index.db")


# doit sets the command-line variables before it imports a dodo.py, so db=
# is known here.
DOIT_CONFIG = {**doit_config(_db()), "default_tasks": ["index", "api_report"]}


def task_index() -> Iterator[dict[str, Any]]:
    """index the example monorepo (root=) into the SQLite DB (db=)"""
    yield from index_tasks(root=_setting("root", HERE.parent / "polyglot"), db=_db())


def task_api_report() -> dict[str, Any]:
    """write api-report.md: every package and its public symbols (re-runs only when the index changed)"""
    report = _setting("report", HERE / "api-report.md")
    return {
        "actions": [(write_api_report, [], {"db": _db(), "report": report})],
        "file_dep": [_db()],
        "targets": [report],
        "uptodate": [config_changed({"report_format": REPORT_FORMAT})],
        "clean": True,
    }


# Restricted Rust visibilities (pub(crate), pub(super), pub(in path)) are in the
# index but are not API that other packages can call.
_PUBLIC = "visibility NOT LIKE 'pub(%'"


def write_api_report(db: str, report: str) -> None:
    """Read the index (read-only) and write the Markdown API report atomically."""
    conn = sqlite3.connect(Path(db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        text = render_report(conn)
    finally:
        conn.close()
    out = Path(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Temp file + rename: an interrupted run never leaves half a report behind
    # that doit would then see as an existing target.
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise


def render_report(conn: sqlite3.Connection) -> str:
    """The report as text: deterministic for a given index (no timestamps, sorted)."""
    packages = conn.execute("SELECT path, name, kind, version FROM packages ORDER BY path").fetchall()
    internal: dict[str, list[str]] = {}
    for pkg, dep in conn.execute(
        "SELECT DISTINCT d.package, p.name FROM dependencies d JOIN packages p ON p.path = d.internal_package"
        " WHERE d.is_internal ORDER BY d.package, p.name"
    ):
        internal.setdefault(pkg, []).append(dep)
    symbols: dict[str | None, list[str]] = {}
    total = 0
    for pkg, kind, name, parent, file_path, line in conn.execute(
        f"SELECT package, kind, name, parent_symbol, file_path, line FROM symbols WHERE {_PUBLIC}"
        " ORDER BY file_path, line, kind, name, coalesce(parent_symbol, '')"
    ):
        qualified = f"{parent}.{name}" if parent else name
        # Backticks: names like __init__ would otherwise render as Markdown bold.
        symbols.setdefault(pkg, []).append(f"- {kind} `{qualified}` — {file_path}:{line}")
        total += 1

    lines = [
        "# API report",
        "",
        f"{len(packages)} packages, {total} public symbols. Generated from the symidx index by"
        " `doit api_report`; do not edit.",
    ]
    for path, name, kind, version in packages:
        about = f"{kind} package, version {version or '(none)'}, at `{path}`"
        if path in internal:
            about += "; internal dependencies: " + ", ".join(internal[path])
        lines += ["", f"## {name}", "", about, ""] + (symbols.get(path) or ["(no public symbols)"])
    if None in symbols:
        lines += ["", "## Files outside any package", ""] + symbols[None]
    return "\n".join(lines) + "\n"
