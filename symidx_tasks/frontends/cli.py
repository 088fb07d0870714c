"""`symidx` command line: query an index, build it, serve it over MCP.

Read commands open the DB read-only, print text for people or ``--json`` (the
shapes documented in docs/cli.md) and exit 0 (an empty result is not an
error), 1 when what was asked for does not exist or is ambiguous (unknown
package or file), 2 when the index cannot be used (missing, another schema
version, locked, unreadable) or the arguments are wrong.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, TextIO

from ..config import ConfigError, load_config
from .. import query as q
from ..errors import DatabaseError, UsageError
from ..locations import DEFAULT_DB, default_db, find_root

EXIT_NOT_FOUND = 1
EXIT_UNUSABLE = 2


# ------------------------------------------------------------------ helpers


def _db(args: argparse.Namespace) -> Path:
    """--db, else the index of the repo the current directory is in (locations.py)."""
    if args.db:
        return Path(args.db)
    try:
        return default_db(find_root())
    except ConfigError as exc:
        raise UsageError(f"cannot read the config for the default --db: {exc}") from None


def _emit_json(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _table(rows: list[list[str]], out: TextIO) -> None:
    """Columns separated by two spaces, all but the last padded."""
    if not rows:
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        cells = [c.ljust(w) for c, w in zip(r, widths)] + [r[-1]]
        out.write("  ".join(cells).rstrip() + "\n")


def _symbol_rows(symbols: list[dict[str, Any]], with_package: bool = True) -> list[list[str]]:
    rows = []
    for s in symbols:
        sig = s["signature"] if not s["parent"] else f"{s['signature']}  [in {s['parent']}]"
        row = [s["loc"], s["kind"], sig]
        if with_package:
            row[-1] += f"  ({s['package_name'] or s['package'] or 'no package'})"
        rows.append(row)
    return rows


def _more(result: dict[str, Any], err: TextIO, what: str) -> None:
    shown = len(result["results"])
    if result["next_offset"] is not None:
        err.write(f"symidx: showing {result['offset'] + 1}-{result['offset'] + shown} of {result['total']} {what}"
                  f" (more with --offset {result['next_offset']} or a larger --limit)\n")


def _none(err: TextIO, message: str) -> None:
    err.write(f"symidx: {message}\n")


def _pkg_label(path: str | None, name: str | None) -> str:
    if path is None:
        return "(no package)"
    return f"{path} ({name})" if name and name != path else path


# ----------------------------------------------------------------- commands


def cmd_search(conn, args, out, err) -> Any:
    res = q.search_symbols(conn, args.query, kind=args.kind, package=args.package, language=args.language,
                           limit=args.limit, offset=args.offset)
    if args.json:
        return res
    if not res["results"]:
        _none(err, f"no symbol matches {args.query!r}")
    _table(_symbol_rows(res["results"]), out)
    _more(res, err, "matches")


def cmd_symbol(conn, args, out, err) -> Any:
    res = q.get_symbol(conn, args.name, kind=args.kind, package=args.package, limit=args.limit, offset=args.offset)
    if args.json:
        return res
    if not res["results"]:
        _none(err, f"no symbol named {args.name!r}")
    _table(_symbol_rows(res["results"]), out)
    _more(res, err, "definitions")


def cmd_file(conn, args, out, err) -> Any:
    res = q.file_symbols(conn, args.path)
    if args.json:
        return res
    note = f", {res['note']}" if res["note"] else ""
    out.write(f"{res['path']}  {_pkg_label(res['package'], res['package_name'])}  "
              f"[{res['language'] or '-'}, {res['status']}{note}]\n")
    rows = [[str(s["line"]), s["kind"], ("  " if s["parent"] else "") + s["signature"]] for s in res["symbols"]]
    if not rows:
        _none(err, f"no symbols in {res['path']}")
    _table(rows, out)


def cmd_package(conn, args, out, err) -> Any:
    res = q.get_package(conn, args.package, files_limit=None if args.all_files else 100)
    if args.json:
        return res
    version = f"  {res['version']}" if res["version"] else ""
    out.write(f"{res['name']}{version}  ({res['kind']})  {res['path']}\n")
    if res["description"]:
        out.write(f"  {res['description']}\n")
    out.write(f"manifests: {', '.join(res['manifests'])}\n")
    if res["metadata"]:
        out.write("metadata: " + ", ".join(f"{k}={json.dumps(v) if not isinstance(v, str) else v}"
                                           for k, v in sorted(res["metadata"].items())) + "\n")
    langs = ", ".join(f"{k} {v}" for k, v in res["languages"].items())
    c = res["counts"]
    out.write(f"files: {c['files']} ({langs})  symbols: {c['symbols']}\n")
    out.write(f"\ndependencies ({c['dependencies']}):\n")
    _table([["  " + d["name"], d["version_req"] or "-", d["kind"], f"-> {d['package']}" if d["internal"] else ""]
            for d in res["dependencies"]], out)
    out.write(f"\ndependents ({c['dependents']}):\n")
    _table([["  " + d["package"], d["name"], d["kind"]] for d in res["dependents"]], out)
    api = res["api"]
    kinds = ", ".join(f"{v} {k}" for k, v in api["by_kind"].items())
    out.write(f"\npublic API ({api['total']} top-level{': ' + kinds if kinds else ''}):\n")
    _table([["  " + s["loc"], s["kind"], s["signature"]] for s in api["symbols"]], out)
    if api["truncated"]:
        out.write(f"  ... {api['total'] - len(api['symbols'])} more (symidx search --package {res['path']} ...)\n")
    files = res["files"]
    out.write(f"\nfiles ({files['total']}):\n")
    _table([["  " + f["path"], f["language"] or "-", f["status"] + (f" ({f['note']})" if f["note"] else "")]
            for f in files["results"]], out)
    if files["next_offset"] is not None:
        out.write(f"  ... {files['total'] - len(files['results'])} more (--all-files)\n")
    if res["warnings"]:
        out.write(f"\nwarnings ({len(res['warnings'])}):\n")
        for w in res["warnings"]:
            out.write(f"  {w['file'] or res['path']}: {w['message']}\n")


def cmd_packages(conn, args, out, err) -> Any:
    res = q.list_packages(conn, kind=args.kind, limit=args.limit, offset=args.offset)
    if args.json:
        return res
    if not res["results"]:
        _none(err, "no packages" + (f" of kind {args.kind!r}" if args.kind else ""))
    _table([[p["path"], p["name"], p["version"] or "-", p["kind"]] for p in res["results"]], out)
    _more(res, err, "packages")


def cmd_files(conn, args, out, err) -> Any:
    res = q.search_files(conn, args.query, package=args.package, ext=args.ext, limit=args.limit, offset=args.offset)
    if args.json:
        return res
    if not res["results"]:
        _none(err, f"no file matches {args.query!r}")
    _table([[f["path"], f["language"] or "-", f["status"] + (f" ({f['note']})" if f["note"] else ""),
             f"({f['package'] or 'no package'})"] for f in res["results"]], out)
    _more(res, err, "files")


def cmd_deps(conn, args, out, err) -> Any:
    if args.depth is not None and not args.transitive:
        raise UsageError("--depth needs --transitive")
    if args.transitive:
        res = q.dependency_graph(conn, args.package, reverse=args.reverse, depth=args.depth)
        if args.json:
            return res
        _print_graph(res, out, err)
        return None
    path = q.resolve_package(conn, args.package)
    if args.reverse:
        users = q.dependents(conn, path)
        if args.json:
            return {"package": path, "dependents": users}
        if not users:
            _none(err, f"no package depends on {path}")
        _table([[d["package"], d["name"], d["kind"], d["version_req"] or "-"] for d in users], out)
        return None
    deps = q.dependencies(conn, path, internal_only=args.internal)
    if args.json:
        return {"package": path, "dependencies": deps}
    if not deps:
        _none(err, f"{path} has no {'internal ' if args.internal else ''}dependencies")
    _table([[d["name"], d["version_req"] or "-", d["kind"], f"-> {d['package']}" if d["internal"] else ""]
            for d in deps], out)
    return None


def _print_graph(res: dict[str, Any], out: TextIO, err: TextIO) -> None:
    arrow = "depends on" if res["direction"] == "dependencies" else "is used by"
    nodes = res["nodes"]
    out.write(f"{_pkg_label(nodes[0]['path'], nodes[0]['name'])}  {arrow}:\n")
    if len(nodes) == 1:
        _none(err, f"{res['root']} has no internal {res['direction']}")
    kinds = {(e["from"], e["to"]): e["kinds"] for e in res["edges"]}
    for n in nodes[1:]:
        via = "" if n["via"] == res["root"] else f"  via {n['via']}"
        out.write(f"{'  ' * n['depth']}{_pkg_label(n['path'], n['name'])}  [{', '.join(kinds[(n['via'], n['path'])])}]{via}\n")
    for cycle in res["cycles"]:
        out.write(f"cycle: {' <-> '.join(cycle)}\n")
    if res["truncated"]:
        err.write(f"symidx: stopped at depth {res['max_depth']} (a larger --depth shows more)\n")


def cmd_path(conn, args, out, err) -> Any:
    res = q.dependency_path(conn, args.a, args.b)
    if args.json:
        return res
    if res["path"] is None:
        _none(err, f"no dependency path between {res['from']} and {res['to']} in either direction")
        return None
    out.write(" -> ".join(_pkg_label(p["path"], p["name"]) for p in res["path"]) + "\n")
    if res["relation"] == "b_depends_on_a":
        err.write(f"symidx: {res['from']} does not depend on {res['to']}; the path above is the reverse one\n")
    return None


def cmd_status(conn, args, out, err) -> Any:
    res = q.status(conn, db=str(_db(args)), check_stale=not args.no_check)
    if args.json:
        return res
    age = f" ({_ago(res['age_seconds'])} ago)" if res["age_seconds"] is not None else ""
    commit = res["git_commit"] or "-"
    c = res["counts"]
    lines = [
        f"index:      {res['db']} (schema {res['schema_version']})",
        f"built:      {res['built_at'] or '-'}{age}",
        f"root:       {res['root'] or '-'}",
        f"git commit: {commit}",
        f"contents:   {c.get('packages', 0)} packages, {c.get('files', 0)} files, {c.get('symbols', 0)} symbols, "
        f"{c.get('dependencies', 0)} dependencies, {c.get('warnings', 0)} warnings",
        f"packages:   {_counts(res['packages_by_kind'])}",
        f"files:      {_counts(res['files_by_language'])}",
        f"symbols:    {_counts(res['symbols_by_kind'])}",
        f"last build: {res['last_build']['reloaded']} packages re-extracted, {res['last_build']['removed']} removed; "
        + ", ".join(f"{k.removesuffix('_s')} {v}s" for k, v in res["durations_s"].items() if v is not None),
    ]
    stale = res["stale"]
    if not stale["checked"]:
        lines.append("staleness:  not checked" + ("" if stale["reason"] == "skipped" else f" ({stale['reason']})"))
    elif stale["changed_files"] == 0:
        lines.append("staleness:  up to date (no file changed since the build)")
    else:
        lines.append(f"staleness:  {stale['changed_files']} files changed since the build ({stale['added']} added, "
                     f"{stale['modified']} modified, {stale['removed']} removed), e.g. {', '.join(stale['examples'][:3])}")
    if stale.get("commits_since"):
        lines.append(f"            {stale['commits_since']} commits since the indexed one")
    out.write("\n".join(lines) + "\n")
    return None


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items()) or "-"


def _ago(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def cmd_dump(conn, args, out, err) -> Any:
    from ..store.dump import dump_lines

    for line in dump_lines(conn):
        out.write(line + "\n")


READ_COMMANDS: dict[str, Callable[..., Any]] = {
    "search": cmd_search, "symbol": cmd_symbol, "file": cmd_file, "package": cmd_package,
    "packages": cmd_packages, "files": cmd_files, "deps": cmd_deps, "path": cmd_path, "status": cmd_status,
    "dump": cmd_dump,
}


# ---------------------------------------------------------------------- main


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symidx", description="Query, build and serve a symidx monorepo index.",
        epilog="Exit status: 0 ok (an empty result too), 1 unknown/ambiguous package or file, "
               "2 unusable index or bad arguments.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    db_opt = argparse.ArgumentParser(add_help=False)
    db_opt.add_argument("--db", help=f"index database (default: the `db` key of symidx.toml / [tool.symidx] in "
                                     f"the current directory or above, else {DEFAULT_DB})")
    read = argparse.ArgumentParser(add_help=False, parents=[db_opt])
    read.add_argument("--json", action="store_true", help="print JSON (shapes in docs/cli.md)")

    def paged(p: argparse.ArgumentParser, limit: int | None) -> None:
        p.add_argument("--limit", type=int, default=limit, help=f"rows per page (default {limit or 'all'})")
        p.add_argument("--offset", type=int, default=0, help="rows to skip")

    p = sub.add_parser("search", parents=[read], help="full-text search over symbol names and signatures")
    p.add_argument("query")
    p.add_argument("--kind", help="symbol kind: function, class, method, struct, interface, ...")
    p.add_argument("--package", help="package path or name")
    p.add_argument("--language", help="python, typescript, go, rust, java, ...")
    paged(p, q.DEFAULT_LIMIT)

    p = sub.add_parser("symbol", parents=[read], help="every definition of a symbol name, across packages")
    p.add_argument("name")
    p.add_argument("--kind")
    p.add_argument("--package", help="package path or name")
    paged(p, 100)

    p = sub.add_parser("file", parents=[read], help="the symbols of a file, in source order")
    p.add_argument("path", help="repo-relative path (an absolute path under the indexed root works too)")

    p = sub.add_parser("package", parents=[read], help="one package: metadata, dependencies, files, public API")
    p.add_argument("package", metavar="NAME|PATH")
    p.add_argument("--all-files", action="store_true", help="list every file (default: the first 100)")

    p = sub.add_parser("packages", parents=[read], help="list the packages")
    p.add_argument("--kind", help="npm, cargo, go, python, maven, gradle, ...")
    paged(p, None)

    p = sub.add_parser("files", parents=[read], help="find files by path")
    p.add_argument("query", nargs="?", default="", help="path words or substring (empty: all files)")
    p.add_argument("--package", help="package path or name")
    p.add_argument("--ext", help="extension, e.g. go or .ts")
    paged(p, 50)

    p = sub.add_parser("deps", parents=[read], help="dependencies or dependents of a package")
    p.add_argument("package", metavar="PKG")
    p.add_argument("--internal", action="store_true", help="only dependencies on packages of this repo")
    p.add_argument("--reverse", action="store_true", help="dependents instead of dependencies")
    p.add_argument("--transitive", action="store_true", help="the transitive internal graph (BFS)")
    p.add_argument("--depth", type=int, help="with --transitive: stop after N levels")

    p = sub.add_parser("path", parents=[read], help="a dependency path between two packages")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")

    p = sub.add_parser("status", parents=[read], help="when built, from what, counts, durations, staleness")
    p.add_argument("--no-check", action="store_true", help="skip the staleness check (no file system walk)")

    p = sub.add_parser("dump", parents=[db_opt], help="canonical sorted text dump of the whole index (for diffs and tests)")

    p = sub.add_parser("build", help="build or update the index (the doit graph, run through doit's API)")
    p.add_argument("--root", default=".", help="the monorepo to index (default: the current directory)")
    p.add_argument("--db", help=f"index database (default: <root>/<config db or {DEFAULT_DB}>)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallel workers (default: CPUs)")
    p.add_argument("--strict", action="store_true", default=None, help="fail when the index has warnings")
    p.add_argument("--always", action="store_true", help="re-extract every package")

    p = sub.add_parser("serve", parents=[db_opt], help="serve the index to agents: MCP over stdio (read-only)")
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = make_parser().parse_args(argv)
    try:
        if args.command == "build":
            if args.jobs < 1:
                raise UsageError("--jobs must be >= 1")
            from ..pipeline.build import build

            return build(args.root, args.db, args.jobs, args.strict, ["--always"] if args.always else None, out)
        if args.command == "serve":
            try:
                from .mcp_server import serve
            except ImportError as exc:
                raise UsageError(f"serve needs the MCP SDK ({exc}): pip install 'symidx-tasks[mcp]'") from None
            serve(_db(args))
            return 0
        db = _db(args)
        conn = q.open_index(db)
        try:
            with q.guard(db):
                result = READ_COMMANDS[args.command](conn, args, out, err)
        finally:
            conn.close()
        if getattr(args, "json", False):
            _emit_json(result, out)
    except (DatabaseError, UsageError, ConfigError, q.InvalidArgument) as exc:
        err.write(f"symidx: {exc}\n")
        return EXIT_UNUSABLE
    except q.QueryError as exc:
        err.write(f"symidx: {exc}\n")
        return EXIT_NOT_FOUND
    except BrokenPipeError:  # `symidx search x | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
