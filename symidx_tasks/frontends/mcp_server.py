"""`symidx serve`: the index as an MCP server over stdio (read-only).

The tools wrap ``symidx_tasks.query`` one to one, so the CLI and an agent
see the same answers. Each call opens the DB read-only and closes it again:
a rebuild between two calls is picked up, and no connection is shared across
the SDK's worker threads. Results are compact JSON (no indentation, null
fields of rows left out, symbols located by ``loc`` = "file:line"); long lists
are pages with ``total`` and ``next_offset``.
"""
from __future__ import annotations

import inspect
import json
import os
import sys
from typing import Annotated, Any, Callable, Literal

from pydantic import Field

from .. import __version__
from .. import query as q
from ..store.db import DatabaseError

try:  # mcp 2.x
    from mcp.server.mcpserver import MCPServer as _Server
    from mcp.server.mcpserver.exceptions import ToolError

    _SERVER_OPTIONS: dict[str, Any] = {"version": __version__}
except ImportError:  # mcp 1.x (FastMCP; not exercised by the tests, which run 2.x)
    from mcp.server.fastmcp import FastMCP as _Server  # type: ignore[no-redef]
    from mcp.server.fastmcp.exceptions import ToolError  # type: ignore[no-redef]

    _SERVER_OPTIONS = {}
from mcp.types import ToolAnnotations

INSTRUCTIONS = """\
symidx answers questions about a monorepo from its symbol index: packages (by
path, or by name when unique), their dependencies inside the repo, and the public
symbols of every file, each located as file:line. Start with index_status or
search_symbols / search_packages; follow up with get_package, get_file_symbols
or dependency_graph. Lists are paginated: pass offset=next_offset for more."""

READ_ONLY = ToolAnnotations(readOnlyHint=True, idempotentHint=True, openWorldHint=False)

Limit = Annotated[int, Field(ge=1, le=q.MAX_LIMIT, description="page size")]
Offset = Annotated[int, Field(ge=0, description="rows to skip (use next_offset from the previous page)")]
PackageRef = Annotated[str, Field(description="package path (e.g. libs/auth) or package name if unique")]


def compact(value: Any) -> str:
    return json.dumps(_slim(value, top=True), ensure_ascii=False, separators=(",", ":"))


def _slim(value: Any, top: bool = False) -> Any:
    """Rows drop null fields; symbols drop what ``loc`` and the signature already say."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not top and v is None:
                continue
            if "loc" in value and k in ("file", "line", "return_type", "parameters"):
                continue
            out[k] = _slim(v, top=top and k not in ("results", "symbols", "nodes", "edges", "path"))
        return out
    if isinstance(value, list):
        return [_slim(v) for v in value]
    return value


class SymidxServer:
    """The tools and prompts, bound to one DB path."""

    def __init__(self, db: str | os.PathLike[str]) -> None:
        self.db = str(db)

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
        try:
            conn = q.open_index(self.db)
        except DatabaseError as exc:
            raise ToolError(str(exc)) from None
        try:
            with q.guard(self.db):
                return compact(fn(conn, *args, **kwargs))
        except (q.QueryError, DatabaseError) as exc:
            raise ToolError(str(exc)) from None
        finally:
            conn.close()


def build_server(db: str | os.PathLike[str]) -> Any:
    s = SymidxServer(db)
    mcp = _Server(name="symidx", instructions=INSTRUCTIONS, log_level="WARNING", **_SERVER_OPTIONS)

    def tool(fn: Callable[..., str]) -> Callable[..., str]:
        mcp.add_tool(fn, name=fn.__name__, description=inspect.cleandoc(fn.__doc__ or ""), annotations=READ_ONLY,
                     structured_output=False)
        return fn

    # -- packages
    @tool
    def search_packages(query: str, kind: str | None = None, limit: Limit = q.DEFAULT_LIMIT, offset: Offset = 0) -> str:
        """Find packages by name, description or path words (exact name first). kind filters by
        ecosystem (npm, cargo, go, python, maven, gradle, ...)."""
        return s.run(q.search_packages, query, kind=kind, limit=limit, offset=offset)

    @tool
    def get_package(package: PackageRef) -> str:
        """One package: metadata, manifests, counts, languages, dependencies (internal ones resolved
        to package paths), dependents, files (first 100) and its public API summary."""
        return s.run(q.get_package, package)

    @tool
    def list_packages(kind: str | None = None, limit: Limit = 100, offset: Offset = 0) -> str:
        """All packages (path, name, kind, version, description), sorted by path."""
        return s.run(q.list_packages, kind=kind, limit=limit, offset=offset)

    @tool
    def package_dependencies(package: PackageRef, internal_only: bool = False) -> str:
        """Direct dependencies of a package as declared in its manifests; internal ones carry the
        path of the repo package they resolve to."""
        return s.run(lambda c: {"package": q.resolve_package(c, package),
                                "dependencies": q.dependencies(c, package, internal_only)})

    @tool
    def package_dependents(package: PackageRef) -> str:
        """Repo packages that depend directly on this package."""
        return s.run(lambda c: {"package": q.resolve_package(c, package), "dependents": q.dependents(c, package)})

    @tool
    def dependency_graph(package: PackageRef, direction: Literal["dependencies", "dependents"] = "dependencies",
                         max_depth: Annotated[int | None, Field(ge=1)] = None) -> str:
        """Transitive internal dependency graph from a package (BFS, cycle-safe): nodes with their
        depth and the node they were reached from, edges with dependency kinds, cycles.
        direction=dependents answers 'what is affected if this package changes'."""
        return s.run(q.dependency_graph, package, reverse=direction == "dependents", depth=max_depth)

    @tool
    def dependency_path(from_package: PackageRef, to_package: PackageRef) -> str:
        """Shortest chain of internal dependencies between two packages, in whichever direction
        one depends on the other (relation says which); path is absent when they are unrelated."""
        return s.run(q.dependency_path, from_package, to_package)

    # -- symbols
    @tool
    def search_symbols(query: str, kind: str | None = None, package: str | None = None,
                       language: str | None = None, limit: Limit = q.DEFAULT_LIMIT, offset: Offset = 0) -> str:
        """Full-text search over symbol names (camelCase/snake_case words too) and signatures.
        Ranked: exact name, then name prefix, then relevance. Filters: kind (function, class,
        method, struct, interface, ...), package (path or name), language."""
        return s.run(q.search_symbols, query, kind=kind, package=package, language=language,
                     limit=limit, offset=offset)

    @tool
    def get_package_symbols(package: PackageRef, kind: str | None = None, top_level_only: bool = False,
                            limit: Limit = 100, offset: Offset = 0) -> str:
        """The symbols of one package in file and line order (members carry their parent)."""
        return s.run(q.package_symbols, package, kind=kind, top_level=top_level_only, limit=limit, offset=offset)

    @tool
    def get_symbol(name: str, kind: str | None = None, package: str | None = None,
                   limit: Limit = 100, offset: Offset = 0) -> str:
        """Every definition of exactly this symbol name across all packages (case-insensitive
        only if there is no exact match)."""
        return s.run(q.get_symbol, name, kind=kind, package=package, limit=limit, offset=offset)

    @tool
    def get_file_symbols(path: str) -> str:
        """A file's record (package, language, parse status) and its symbols in source order."""
        return s.run(q.file_symbols, path)

    # -- files
    @tool
    def search_files(query: str, package: str | None = None, extension: str | None = None,
                     limit: Limit = q.DEFAULT_LIMIT, offset: Offset = 0) -> str:
        """Files whose path contains the query or its words. extension like 'go' or '.ts'."""
        return s.run(q.search_files, query, package=package, ext=extension, limit=limit, offset=offset)

    @tool
    def list_package_files(package: PackageRef, limit: Limit = 100, offset: Offset = 0) -> str:
        """The files a package owns, sorted by path, with language and parse status."""
        return s.run(q.package_files, package, limit=limit, offset=offset)

    @tool
    def index_status(check_stale: bool = True) -> str:
        """When and from which root/commit the index was built, counts by kind and language,
        durations of the last build, and how stale it is (files changed since)."""
        return s.run(lambda c: q.status(c, s.db, check_stale=check_stale))

    # -- prompts: a question shaped for an agent, with the index's first answer inlined
    @mcp.prompt(name="explore", description="Explore how a concept is implemented across the repo")
    def explore(concept: str) -> str:
        hits = _try(s, q.search_symbols, concept, limit=15)
        pkgs = _try(s, q.search_packages, concept, limit=5)
        return (
            f"Explain how '{concept}' is implemented in this monorepo.\n"
            f"Matching packages: {pkgs}\nTop matching symbols: {hits}\n"
            "Use search_symbols (with kind/package filters), get_file_symbols on the most relevant files, and "
            "get_package / dependency_graph to see how the packages involved relate. Cite file:line."
        )

    @mcp.prompt(name="explore-package", description="Walk through one package: purpose, API, dependencies")
    def explore_package(package: str) -> str:
        info = _try(s, lambda c: _package_brief(c, package))
        return (
            f"Describe the package '{package}': what it is for, its public API, what it depends on inside "
            f"and outside the repo, and who uses it.\nIndex facts: {info}\n"
            "Use get_package_symbols and get_file_symbols for details and package_dependents for its users. "
            "Cite file:line."
        )

    @mcp.prompt(name="explore-area", description="Survey a directory of the repo: its packages and files")
    def explore_area(path: str) -> str:
        files = _try(s, q.search_files, path, limit=30)
        return (
            f"Give an overview of the area '{path}' of the repo: which packages live there, what they do, "
            f"and how they depend on each other.\nFiles there: {files}\n"
            "Use get_package on each package and dependency_graph to connect them."
        )

    @mcp.prompt(name="onboard", description="Overview of the whole monorepo for a newcomer")
    def onboard() -> str:
        st = _try(s, lambda c: q.status(c, s.db, check_stale=False))
        pkgs = _try(s, q.list_packages, limit=100)
        return (
            "Write an onboarding overview of this monorepo: the main areas, the packages in each (by "
            f"ecosystem), and the internal dependency structure.\nIndex status: {st}\nPackages: {pkgs}\n"
            "Use get_package and dependency_graph for the central packages."
        )

    @mcp.prompt(name="impact-analysis", description="What could break if a package changes")
    def impact_analysis(package: str) -> str:
        graph = _try(s, q.dependency_graph, package, reverse=True)
        return (
            f"Assess the impact of changing the package '{package}'. Every package that depends on it, "
            f"directly or transitively (BFS over internal dependencies):\n{graph}\n"
            "For each direct dependent, use search_symbols / get_file_symbols to find where it uses the "
            "package's public API (get_package lists it), then rank the risk and suggest what to test."
        )

    @mcp.prompt(name="understand-dependency", description="How two packages are connected")
    def understand_dependency(from_package: str, to_package: str) -> str:
        found = _try(s, q.dependency_path, from_package, to_package)
        return (
            f"Explain how '{from_package}' and '{to_package}' are connected.\nDependency path: {found}\n"
            "For each hop, use package_dependencies and search_symbols to show which API crosses it."
        )

    return mcp


def _package_brief(conn: Any, ref: str) -> dict[str, Any]:
    info = q.get_package(conn, ref, files_limit=20, api_limit=30)
    return {k: info[k] for k in ("path", "name", "kind", "version", "description", "counts", "languages",
                                 "dependencies", "dependents", "api")}


def _try(s: SymidxServer, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """Prompts inline facts; an error there becomes part of the text rather than failing the prompt."""
    try:
        return s.run(fn, *args, **kwargs)
    except ToolError as exc:
        return f"(not available: {exc})"


def serve(db: str | os.PathLike[str]) -> None:
    """Run over stdio until the client closes the connection."""
    try:
        q.open_index(db).close()
    except DatabaseError as exc:
        # Start anyway: the index may be built after the agent starts the server.
        print(f"symidx: warning: {exc}; tools will fail until it exists", file=sys.stderr)
    build_server(db).run("stdio")


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="symidx-mcp", description="symidx MCP server over stdio")
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    serve(args.db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
