"""The MCP prompts: a question shaped for an agent, with the index's first answer
inlined and the tools to follow up with. Prompt names are part of the interface
(agents rely on them): explore, explore-package, explore-area, onboard,
impact-analysis, understand-dependency.

Facts are fetched through the command table (the same answers as the tools);
an error there becomes part of the text rather than failing the prompt.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from .. import query as q
from .commands import TOOLS, Command

if TYPE_CHECKING:
    from .mcp_server import Index

AREA_PACKAGES = 30  # packages described by explore-area
AREA_API = 8  # top-level symbols listed per package there


def add_prompts(server: MCPServer, index: Index) -> None:
    from .mcp_server import compact

    def fact(tool: str, **params: Any) -> str:
        try:
            return compact(index.answer(_with_defaults(TOOLS[tool], params), params))
        except ToolError as exc:
            return f"(not available: {exc})"

    @server.prompt(name="explore", description="Explore how a concept is implemented across the repo")
    def explore(concept: str) -> str:
        return (
            f"Explain how '{concept}' is implemented in this monorepo.\n"
            f"Matching packages: {fact('search_packages', query=concept, limit=5)}\n"
            f"Top matching symbols: {fact('search_symbols', query=concept, limit=15)}\n"
            "Use search_symbols (with kind/package filters), get_file_symbols on the most relevant files, and "
            "get_package / dependency_graph to see how the packages involved relate. Cite file:line."
        )

    @server.prompt(name="explore-package", description="Walk through one package: purpose, API, dependencies")
    def explore_package(package: str) -> str:
        return (
            f"Describe the package '{package}': what it is for, its public API, what it depends on inside "
            f"and outside the repo, and who uses it.\nIndex facts: {_read(index, _package_brief, package)}\n"
            "Use get_package_symbols and get_file_symbols for details and package_dependents for its users. "
            "Cite file:line."
        )

    @server.prompt(name="explore-area", description="Survey a directory of the repo: its packages and their APIs")
    def explore_area(path: str) -> str:
        return (
            f"Give an overview of the area '{path}' of the repo: which packages live there, what they do, "
            f"and how they depend on each other.\nPackages there, with their public API: "
            f"{_read(index, _area, path)}\n"
            "Use get_package on each package, get_package_symbols for more of an API, and dependency_graph "
            "to connect them. Cite file:line."
        )

    @server.prompt(name="onboard", description="Overview of the whole monorepo for a newcomer")
    def onboard() -> str:
        return (
            "Write an onboarding overview of this monorepo: the main areas, the packages in each (by "
            f"ecosystem), and the internal dependency structure.\n"
            f"Index status: {fact('index_status', check_stale=False)}\nPackages: {fact('list_packages', limit=100)}\n"
            "Use get_package and dependency_graph for the central packages."
        )

    @server.prompt(name="impact-analysis", description="What could break if a package changes")
    def impact_analysis(package: str) -> str:
        return (
            f"Assess the impact of changing the package '{package}'. Every package that depends on it, "
            f"directly or transitively (BFS over internal dependencies):\n"
            f"{fact('dependency_graph', package=package, direction='dependents')}\n"
            "Its symbols that other packages reference, most referenced first, each with the referencing "
            f"packages and how many places: {_read(index, q.package_usage, package)}\n"
            "For the symbols a change touches, use find_references (with package set to this one) to list "
            "every place that uses them and get_callers for the functions that call them; then rank the risk "
            "per dependent and suggest what to test. A dependent with no referenced symbol may still use the "
            "package in ways references do not show (reflection, configuration, generated code)."
        )

    @server.prompt(name="understand-dependency", description="How two packages are connected")
    def understand_dependency(from_package: str, to_package: str) -> str:
        found = fact("dependency_path", from_package=from_package, to_package=to_package)
        return (
            f"Explain how '{from_package}' and '{to_package}' are connected.\nDependency path: {found}\n"
            "For each hop, use package_dependencies and search_symbols to show which API crosses it."
        )


def _with_defaults(command: Command, params: dict[str, Any]) -> Command:
    """Fill in the table's defaults for the parameters a prompt leaves out (in place)."""
    for p in command.params:
        if p.name not in params and not p.required:
            params[p.name] = p.default
    return command


def _read(index: Index, fn: Callable[[sqlite3.Connection, str], object], arg: str) -> str:
    """A fact computed by ``fn(conn, arg)`` on the index, as compact JSON (or why it is not available)."""
    from .mcp_server import compact

    try:
        return compact(index.read(lambda conn: fn(conn, arg)))
    except ToolError as exc:
        return f"(not available: {exc})"


def _package_brief(conn: sqlite3.Connection, package: str) -> dict[str, Any]:
    info = q.get_package(conn, package, files_limit=20, api_limit=30)
    return {k: v for k, v in info.items() if k in ("path", "name", "kind", "version", "description", "counts",
                                                  "languages", "dependencies", "dependents", "api")}


def _area(conn: sqlite3.Connection, path: str) -> dict[str, Any]:
    """The packages under ``path``, each with its public API summary (counts by kind, the first few)."""
    found = q.packages_under(conn, path, limit=AREA_PACKAGES)
    packages = []
    for pkg in found["results"]:
        api = q.public_api(conn, pkg["path"], AREA_API)
        packages.append({**pkg, "api": {"total": api["total"], "by_kind": api["by_kind"],
                                        "symbols": [f"{s['loc']} {s['signature']}" for s in api["symbols"]]}})
    return {"path": path, "total": found["total"], "packages": packages}
