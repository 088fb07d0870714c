"""Every `symidx` command, declared once: the CLI (cli.py) and the MCP server
(mcp_server.py) are built from this table, so both expose the same parameter
names, defaults, paging and answer shapes.

A **read command** is a ``Command`` with ``ask`` (a query function called as
``ask(conn, **params)`` on a read-only connection), ``answer`` (its TypedDict
in query/answers.py), ``text`` (its renderer in text.py) and, when agents
should have it, ``tool`` (the MCP tool name; agents and prompts rely on these
names, never rename one). The CLI gives it ``--db`` and ``--json``.

Any **other command** (build, serve, watch, export...) is a ``Command`` with
``run(args, out, err) -> exit status`` instead of ``ask``; it gets ``--db``
unless it declares ``db_option=False``.

To add a command: write its function (a query function in query/, or a
``run`` function in its own module), add one ``Command(...)`` to ``COMMANDS``
below with its ``Param``s, and, for a read command, a renderer in text.py and
its JSON shape in docs/cli.md (tests/test_docs_shapes.py checks it). Nothing
else changes: tests/test_commands.py checks CLI/MCP parity for every entry.

Parameter rules: a ``Param`` without a default is required (a CLI positional);
``multiple=True`` takes a list (CLI: ``--name A B ...``; MCP: a list);
``cli_only=True`` is a presentation option of the CLI (``--paths``), not
passed to ``ask`` and not an MCP parameter;
``positional=True`` makes an optional one positional too; a bool that defaults
to False is a CLI ``--flag``, one that defaults to True a ``--flag/--no-flag``
pair; ``aliases`` are extra CLI spellings, ``shorthands`` CLI options that store
a fixed value (``--reverse`` = ``--direction dependents``).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO

from .. import impact, interop
from .. import query as q
from ..errors import ConfigError, UsageError
from ..freshness import index_status
from ..locations import default_db, find_root
from ..query import answers as a
from . import text


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Final = _Required()

Renderer = Callable[[Any, dict[str, Any], TextIO, TextIO], None]
Runner = Callable[[argparse.Namespace, TextIO, TextIO], int]


@dataclass(frozen=True)
class Param:
    """One parameter, with the same name and default in the CLI and the MCP tool."""

    name: str
    type: type[str] | type[int] | type[float] | type[bool]
    default: object = REQUIRED
    help: str = ""
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    positional: bool = False
    metavar: str | None = None
    aliases: tuple[str, ...] = ()
    shorthands: tuple[tuple[str, object, str], ...] = ()  # (CLI flag, value stored, help)
    multiple: bool = False
    cli_only: bool = False

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class Command:
    name: str  # `symidx NAME`
    help: str  # one line
    params: tuple[Param, ...] = ()
    ask: Callable[..., Any] | None = None
    answer: object = None
    text: Renderer | None = None
    tool: str | None = None
    description: str = ""  # the MCP tool's description (default: help)
    wants_db: bool = False  # ask() also gets db=<the DB path>
    run: Runner | None = None
    db_option: bool = True
    # The MCP answer as text instead of compact JSON (the repo map: its token
    # budget is counted on the text an agent reads).
    tool_text: Callable[[Any], str] | None = None
    # False when answering changes files (api-diff builds the index and makes
    # temporary git worktrees): the MCP tool must not be advertised read-only,
    # or a client skips the confirmation its user asked for writes.
    read_only: bool = True

    @property
    def is_read(self) -> bool:
        return self.ask is not None

    @property
    def tool_params(self) -> tuple[Param, ...]:
        """The parameters of the query (and the MCP tool): all but the CLI's presentation options."""
        return tuple(p for p in self.params if not p.cli_only)


# ---------------------------------------------------------------- parameters


def _limit(default: int) -> Param:
    return Param("limit", int, default, "rows per page", minimum=1, maximum=q.MAX_LIMIT)


OFFSET = Param("offset", int, 0, "rows to skip (next_offset of the previous page)", minimum=0)
PACKAGE = Param("package", str, help="package path (e.g. libs/auth) or package name if unique", metavar="PKG")
PACKAGE_FILTER = Param("package", str, None, "only this package (path or name)")
SYMBOL_KIND = Param("kind", str, None, "symbol kind: function, class, method, struct, interface, ...")
PACKAGE_KIND = Param("kind", str, None, "package kind (ecosystem): npm, cargo, go, python, maven, gradle, ...")
EXTENSION = Param("extension", str, None, "file extension, e.g. go or .ts", aliases=("--ext",))


# ------------------------------------------------------------ run commands


def resolve_db(args: argparse.Namespace) -> Path:
    """--db, else the index of the repo the current directory is in (locations.py)."""
    if getattr(args, "db", None):
        return Path(args.db)
    try:
        return default_db(find_root())
    except ConfigError as exc:
        raise UsageError(f"cannot read the config for the default --db: {exc}") from None


def _reading(args: argparse.Namespace, fn: Callable[[sqlite3.Connection], object]) -> int:
    """``fn(conn)`` on a read-only connection to the command's index; exit 0."""
    db = resolve_db(args)
    conn = q.open_index(db)
    try:
        with q.guard(db):
            fn(conn)
    finally:
        conn.close()
    return 0


def _dump(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..store.dump import dump_lines

    return _reading(args, lambda conn: out.writelines(line + "\n" for line in dump_lines(conn)))


def _graph(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..interop import render_graph

    return _reading(args, lambda conn: out.write(render_graph(
        conn, args.format, args.package, args.max_depth, args.direction == "dependents")))


def _export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..interop import export_ctags

    def write(conn: sqlite3.Connection) -> None:
        if args.output == "-":
            stats = export_ctags(conn, out, Path.cwd(), args.absolute)
        else:
            target = Path(args.output)
            # Written beside the target and renamed: an editor reading the old file never sees half a new one.
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            try:
                with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                    stats = export_ctags(conn, f, target.resolve().parent, args.absolute)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
        skipped = f" ({stats.skipped} skipped: a tab or line break in the file path)" if stats.skipped else ""
        err.write(f"symidx: {stats.tags} tags -> {args.output}{skipped}\n")

    return _reading(args, write)


def _build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be >= 1")
    from ..freshness.lock import IndexFiles, holding
    from ..locations import default_db
    from ..pipeline.build import build, task_loader

    if not Path(args.root).is_dir():
        raise UsageError(f"root {args.root}: not a directory")
    db = Path(args.db).resolve() if args.db else default_db(args.root)
    extra = ["--always"] if args.always else []
    # The lock the watcher and the agent hook take: a manual build never races theirs.
    db.parent.mkdir(parents=True, exist_ok=True)
    with holding(IndexFiles(db).build_lock):
        if args.scheduler is None and args.worker_root is None:
            return build(args.root, db, args.jobs, args.strict or None, extra, out, cache=args.cache)
        from ..pipeline.dask_packages import run_doit

        # Package tasks on Dask do not use the cache (pipeline/dask_packages.py).
        loader = task_loader(args.root, db, strict=args.strict or None, outfile=out, cache=args.cache)
        return run_doit(loader, ["run", *extra, "index"], scheduler=args.scheduler, worker_root=args.worker_root,
                        workers=args.jobs)


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from .mcp_server import serve
    except ImportError as exc:
        raise UsageError(f"serve needs the MCP SDK ({exc}): pip install 'symidx-tasks[mcp]'") from None
    serve(resolve_db(args), refresh=args.refresh, refresh_timeout_s=args.refresh_timeout, root=args.root)
    return 0


def _watch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..freshness.watch import watch

    if sum((args.stop, args.status, args.detach)) > 1:
        raise UsageError("--stop, --status and --detach exclude each other")
    return watch(args.root, args.db, stop=args.stop, status=args.status, detach=args.detach,
                 debounce_ms=args.debounce_ms, jobs=args.jobs, out=out)


def _rebuild(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..freshness.rebuild import rebuild

    return rebuild(args.root, args.db, files=args.file or (), stdin=args.stdin, timeout=args.timeout,
                   jobs=args.jobs, out=out, err=err)


# ------------------------------------------------------------------- table


COMMANDS: tuple[Command, ...] = (
    # -- symbols
    Command(
        "search", "full-text search over symbol names, signatures and doc comments",
        (Param("query", str, help="words (prefixes) of the name, signature, doc comment, kind or file path"),
         SYMBOL_KIND, PACKAGE_FILTER, Param("language", str, None, "python, typescript, go, rust, java, ..."),
         _limit(q.DEFAULT_LIMIT), OFFSET),
        q.search_symbols, a.SearchPage[a.SymbolRow], text.search_hits, "search_symbols",
        "Full-text search over symbol names (camelCase/snake_case words too), signatures and doc comments "
        "('retry with backoff' finds the function whose docs say so). Ranked: exact name, then name prefix, "
        "then relevance (name words weigh most). Filters: kind (function, class, method, struct, interface, "
        "...), package (path or name), language."),
    Command(
        "symbol", "every definition of a symbol name, across packages",
        (Param("name", str, help="the exact symbol name"), SYMBOL_KIND, PACKAGE_FILTER, _limit(q.LIST_LIMIT), OFFSET),
        q.get_symbol, a.SearchPage[a.DefinitionRow], text.definitions, "get_symbol",
        "Every definition of exactly this symbol name across all packages (case-insensitive only if there is "
        "no exact match), each with how often it is used (references resolved to it, and in how many packages)."),
    Command(
        "file", "the symbols of a file, in source order",
        (Param("path", str, help="repo-relative path (an absolute path under the indexed root works too)"),
         SYMBOL_KIND),
        q.file_symbols, a.FileSymbols, text.file_symbols, "get_file_symbols",
        "A file's record (package, language, parse status) and its symbols in source order; kind keeps one "
        "kind of symbol."),
    Command(
        "symbols", "the symbols of a package, in file and line order",
        (PACKAGE, SYMBOL_KIND, Param("top_level_only", bool, False, "leave out members (methods, fields, ...)"),
         _limit(q.LIST_LIMIT), OFFSET),
        q.package_symbols, a.Page[a.SymbolRow], text.package_symbols, "get_package_symbols",
        "The symbols of one package in file and line order (members carry their parent)."),
    # -- references
    Command(
        "refs", "where a name is used: every reference, with the definitions it resolves to",
        (Param("name", str, help="the symbol name"),
         Param("package", str, None, "only references to the definitions in this package (path or name)"),
         Param("kind", str, None, "one kind of use", choices=q.REF_KINDS), _limit(q.LIST_LIMIT), OFFSET),
        q.find_references, a.SearchPage[a.ReferenceRow], text.references, "find_references",
        "Every place a symbol name is used (imports, calls, member calls, constructions, type uses, "
        "inheritance, constants) as file:line:col, with its package, enclosing symbol, receiver, and the "
        "definitions it resolved to and how (import, package, dependency, name). package keeps references to "
        "that package's definitions; kind keeps one kind of use."),
    Command(
        "callers", "the symbols that call a symbol, with their call sites",
        (Param("symbol", str, help="the called symbol's name"),
         Param("package", str, None, "only calls of the definition in this package (path or name)"),
         _limit(q.LIST_LIMIT), OFFSET),
        q.get_callers, a.CallersPage[a.CallerRow], text.callers, "get_callers",
        "The symbols whose bodies call, construct or member-call a symbol (calls resolved to a definition of "
        "that name; package narrows to one package's definition), each with its call sites (file:line:col) "
        "and the definitions called. A caller named null is a file's top level. other_references counts the "
        "uses that are no calls (import, inherit, type, constant) by kind: find_references lists them."),
    # -- packages
    Command(
        "package", "one package: metadata, dependencies, files, public API",
        (PACKAGE, Param("all_files", bool, False, "list every file (default: the first 100)")),
        q.get_package, a.PackageDetail, text.package, "get_package",
        "One package: metadata, manifests, counts, languages, dependencies (internal ones resolved to package "
        "paths), dependents, files (the first 100 unless all_files) and its public API summary."),
    Command(
        "packages", "list the packages, sorted by path",
        (PACKAGE_KIND, _limit(q.LIST_LIMIT), OFFSET),
        q.list_packages, a.Page[a.PackageSummary], text.package_list, "list_packages",
        "All packages (path, name, kind, version, description), sorted by path."),
    Command(
        "search-packages", "find packages by name, description or path words",
        (Param("query", str, help="words of the name, description or path"), PACKAGE_KIND,
         _limit(q.DEFAULT_LIMIT), OFFSET),
        q.search_packages, a.SearchPage[a.PackageSummary], text.package_list, "search_packages",
        "Find packages by name, description or path words (exact name first). kind filters by ecosystem (npm, "
        "cargo, go, python, maven, gradle, ...)."),
    # -- files
    Command(
        "files", "find files by path",
        (Param("query", str, "", "path words or substring (empty: all files)", positional=True), PACKAGE_FILTER,
         EXTENSION, _limit(q.DEFAULT_LIMIT), OFFSET),
        q.search_files, a.Page[a.FileRow], text.file_list, "search_files",
        "Files whose path contains the query or its words (empty query: all files, sorted by path). "
        "extension like 'go' or '.ts'."),
    Command(
        "package-files", "the files a package owns",
        (PACKAGE, EXTENSION, _limit(q.LIST_LIMIT), OFFSET),
        q.package_files, a.Page[a.FileRow], text.file_list, "list_package_files",
        "The files a package owns, sorted by path, with language and parse status; extension like 'go' or '.ts'."),
    # -- dependencies
    Command(
        "deps", "the direct dependencies of a package, as declared",
        (PACKAGE, Param("internal_only", bool, False, "only dependencies on packages of this repo",
                        aliases=("--internal",))),
        q.package_dependencies, a.Dependencies, text.dependencies, "package_dependencies",
        "Direct dependencies of a package as declared in its manifests; internal ones carry the path of the "
        "repo package they resolve to."),
    Command(
        "dependents", "the repo packages that depend on a package directly",
        (PACKAGE,),
        q.package_dependents, a.Dependents, text.dependents, "package_dependents",
        "Repo packages that depend directly on this package."),
    Command(
        "tree", "the transitive internal dependencies (or dependents) of a package",
        (PACKAGE,
         Param("direction", str, "dependencies", "follow dependencies, or dependents (what a change affects)",
               choices=("dependencies", "dependents"),
               shorthands=(("--reverse", "dependents", "same as --direction dependents"),)),
         Param("max_depth", int, None, "stop after N levels (default: all)", minimum=1, aliases=("--depth",))),
        q.dependency_graph, a.Graph, text.graph, "dependency_graph",
        "Transitive internal dependency graph from a package (BFS, cycle-safe): nodes with their depth and the "
        "node they were reached from, edges with dependency kinds, cycles. direction=dependents answers 'what "
        "is affected if this package changes'."),
    Command(
        "path", "a shortest dependency path between two packages",
        (Param("from_package", str, help="package path or name", metavar="A"),
         Param("to_package", str, help="package path or name", metavar="B")),
        q.dependency_path, a.DependencyPath, text.path, "dependency_path",
        "Shortest chain of internal dependencies between two packages, in whichever direction one depends on "
        "the other (relation says which); path is absent when they are unrelated."),
    # -- the index
    Command(
        "status", "when built, from what, counts, durations, staleness",
        (Param("check_stale", bool, True, "compare the tree with the index (a file system walk)",
               shorthands=(("--no-check", False, "same as --no-check-stale"),)),),
        index_status, a.Status, text.status, "index_status",
        "When and from which root/commit the index was built, counts by kind and language, durations of the "
        "last build (per phase, slowest packages), and how stale it is (files changed since).",
        wants_db=True),
    Command(
        "warnings", "the warnings the build recorded",
        (PACKAGE_FILTER, _limit(q.LIST_LIMIT), OFFSET),
        q.list_warnings, a.Page[a.WarningRow], text.warnings, "list_warnings",
        "The warnings the last build recorded (unreadable manifests, files that failed to parse, ...), "
        "with their package and file."),
    # -- impact
    Command(
        "affected", "the packages a change affects, transitively, each with the chain that makes it so",
        (Param("since", str, None, "compare with this revision (git diff REV...HEAD plus the working tree); "
                                   "default: the working tree against HEAD"),
         Param("files", str, None, "these changed paths instead of git (repo-relative or absolute)",
               multiple=True),
         Param("paths", bool, False, "print only the affected package paths, one per line (for CI)",
               cli_only=True)),
        impact.affected_packages, impact.Affected, text.affected, "affected_packages",
        "Which packages a change affects: changed files (git since a revision, or the given paths) -> their "
        "packages -> every package depending on them transitively, each with the dependency chain and the "
        "reason (file changed, manifest changed, package added, package removed)."),
    Command(
        "api-diff", "the public API a change adds, removes and changes, per package, with its users",
        (Param("rev_a", str, help="the old revision (commit, branch, tag)", metavar="REV_A"),
         Param("rev_b", str, None, "the new revision (default: the working tree)", positional=True,
               metavar="REV_B"),
         Param("jobs", int, None, "parallel extraction workers (default: CPUs)", minimum=1, aliases=("-j",)),
         Param("markdown", bool, False, "Markdown for a pull-request comment", cli_only=True)),
        impact.diff_api, impact.ApiDiff, text.api_diff, "api_diff",
        "Public symbols added, removed and with a changed signature, per package, between two git revisions "
        "(rev_b defaults to the working tree), each removed or changed symbol with the places in other "
        "packages that use it. Brings the index up to date first; the old side is built in a temporary git "
        "worktree, re-extracting only the packages whose inputs differ.",
        wants_db=True, read_only=False),
    # -- interop
    Command(
        "map", "a token-budgeted map of the repo for agents: central packages and their most-used API",
        (Param("tokens", int, interop.DEFAULT_TOKENS, "token budget (estimated as characters / 4)",
               minimum=interop.MIN_TOKENS),
         Param("focus", str, None, "files or directories to centre the map on", multiple=True)),
        interop.repo_map, interop.RepoMap, text.repo_map, "repo_map",
        "A compact map of the repo that fits a token budget: packages ranked by closeness to the focus paths "
        "and by how many packages depend on them, each with its most-used public symbols and signatures.",
        tool_text=interop.render_repo_map),
    Command(
        "graph", "the package dependency graph as DOT, Mermaid or JSON (cycles marked)",
        (Param("format", str, "dot", "output format", choices=interop.GRAPH_FORMATS),
         Param("package", str, None, "only the graph around this package (path or name)"),
         Param("direction", str, "dependencies", "with --package: its dependencies, or its dependents",
               choices=("dependencies", "dependents"),
               shorthands=(("--reverse", "dependents", "same as --direction dependents"),)),
         Param("max_depth", int, None, "with --package: stop after N levels", minimum=1, aliases=("--depth",))),
        run=_graph),
    Command(
        "export", "write the index in another tool's format: a ctags tags file for editors",
        (Param("format", str, help="ctags (universal-ctags' extended format)", choices=("ctags",)),
         Param("output", str, "tags", "file to write, - for standard output", aliases=("-o",)),
         Param("absolute", bool, False, "absolute file paths (default: relative to the tags file)")),
        run=_export),
    Command("dump", "canonical sorted text dump of the whole index (for diffs and tests)", run=_dump),
    Command(
        "build", "build or update the index (the doit graph, run through doit's API)",
        (Param("root", str, ".", "the monorepo to index (default: the current directory)"),
         Param("db", str, None, "index database (default: <root>/.symidx/index.db, or the config's `db`)"),
         Param("jobs", int, os.cpu_count() or 1, "parallel workers (default: CPUs)", aliases=("-j",)),
         Param("strict", bool, False, "fail when the index has warnings (default: the config's `strict`)"),
         Param("always", bool, False, "re-extract every package"),
         Param("scheduler", str, None, "extract on this Dask scheduler (tcp://HOST:8786; docs/scale-out.md)"),
         Param("worker_root", str, None, "with --scheduler: the checkout's path on the workers (default: --root)"),
         Param("cache", str, None, "result cache: local, off, a directory or a URL such as s3://bucket/prefix "
               "(default: the config's [cache] url; docs/cache.md)")),
        run=_build, db_option=False),
    Command(
        "serve", "serve the index to agents: MCP over stdio",
        (Param("refresh", bool, False, "before each answer, rebuild if files changed since the build"),
         Param("refresh_timeout", float, 5.0, "seconds to wait for that rebuild before answering with a "
                                               "'stale: N files changed' note"),
         Param("root", str, None, "the indexed root (default: the one the index records)")),
        run=_serve),
    Command(
        "watch", "keep the index fresh: rebuild after files change (one watcher per index)",
        (Param("root", str, None, "the indexed root (default: the index's own, or the current repo)"),
         Param("stop", bool, False, "stop the watcher of this index"),
         Param("status", bool, False, "whether a watcher runs, and when it last built"),
         Param("detach", bool, False, "run in the background (log in watch.log beside the DB)"),
         Param("debounce_ms", int, None, "quiet time before a build (default: config [watch] debounce_ms, "
                                         "else 2000)", minimum=0),
         Param("jobs", int, None, "parallel workers per build (default: CPUs)", minimum=1, aliases=("-j",))),
        run=_watch),
    Command(
        "rebuild", "the agent and git hook: rebuild after an edit (signals a running watcher)",
        (Param("root", str, None, "the indexed root (default: the index's own, or the current repo)"),
         Param("file", str, None, "a changed file (several allowed)", multiple=True),
         Param("stdin", bool, False, "read an agent's PostToolUse hook JSON from standard input"),
         Param("timeout", float, None, "seconds to wait before leaving the build to finish in the background "
                                       "(default: 10)"),
         Param("jobs", int, None, "parallel workers (default: CPUs)", minimum=1, aliases=("-j",))),
        run=_rebuild),
)

BY_NAME: dict[str, Command] = {c.name: c for c in COMMANDS}
TOOLS: dict[str, Command] = {c.tool: c for c in COMMANDS if c.tool}


def ask(command: Command, conn: sqlite3.Connection, params: dict[str, Any], db: str | os.PathLike[str]) -> Any:
    """Run a read command's query with its parameters (and the DB path when it wants it)."""
    assert command.ask is not None, f"{command.name} is not a read command"
    extra = {"db": str(db)} if command.wants_db else {}
    wanted = {p.name for p in command.tool_params}
    return command.ask(conn, **{k: v for k, v in params.items() if k in wanted}, **extra)


def params_of(command: Command, values: Any) -> dict[str, Any]:
    """The command's parameters taken from ``values`` (an argparse Namespace or a mapping)."""
    get = values.get if isinstance(values, dict) else lambda n: getattr(values, n)
    return {p.name: get(p.name) for p in command.params}
