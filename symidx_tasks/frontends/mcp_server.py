"""`symidx serve`: the index as an MCP server over stdio, built from the command
table: one tool per read command that names a ``tool``. Every tool is marked
read-only but those whose command is not (api_diff: it builds the index and
makes temporary git worktrees).

The tools call the same query functions with the same parameters and defaults
as the CLI (commands.py), so the CLI and an agent see the same answers. Each
call opens the DB read-only and closes it again: a rebuild between two calls
is picked up, and no connection is shared across the SDK's worker threads.
Results are compact JSON (no indentation, null fields of rows left out,
symbols located by ``loc`` = "file:line"); long lists are pages with
``total`` and ``next_offset``.
"""
from __future__ import annotations

import inspect
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from .. import __version__
from .. import query as q
from ..errors import DatabaseError, QueryError
from ..freshness.refresh import DEFAULT_TIMEOUT_S, Refresher
from .commands import COMMANDS, Command, Param, ask

INSTRUCTIONS = """\
symidx answers questions about a monorepo from its symbol index: packages (by
path, or by name when unique), their dependencies inside the repo, and the public
symbols of every file, each located as file:line. Start with index_status or
search_symbols / search_packages; follow up with get_package, get_file_symbols
or dependency_graph. Lists are paginated: pass offset=next_offset for more."""

T = TypeVar("T")

READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
# Writes, but destroys nothing of the user's (the index is rebuilt from the
# tree, the worktrees are its own and removed), and a repeated call changes
# nothing more.
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                         open_world_hint=False)


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


class Index:
    """Read commands run against one DB path, one short-lived connection per call."""

    def __init__(self, db: str | os.PathLike[str], refresher: Refresher | None = None) -> None:
        self.db = str(db)
        self.refresher = refresher

    def stale_note(self) -> str | None:
        """With --refresh: None when the index is fresh (or was made fresh in
        time), else the note the answer must carry. Never raises."""
        return self.refresher.before_query() if self.refresher is not None else None

    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn(conn)``; ToolError (one line) when the index or the question is wrong."""
        try:
            conn = q.open_index(self.db)
        except DatabaseError as exc:
            raise ToolError(str(exc)) from None
        try:
            with q.guard(self.db):
                return fn(conn)
        except (QueryError, DatabaseError) as exc:
            raise ToolError(str(exc)) from None
        finally:
            conn.close()

    def answer(self, command: Command, params: dict[str, Any]) -> Any:
        return self.read(lambda conn: ask(command, conn, params, self.db))


def mcp_annotation(p: Param) -> Any:
    """The parameter's type for the tool's input schema (pydantic reads it)."""
    base: Any = Literal[p.choices] if p.choices else p.type
    if p.multiple:
        base = list[base]
    if p.default is None:
        base = base | None
    return Annotated[base, Field(description=p.help or None, ge=p.minimum, le=p.maximum)]


def tool_annotations(command: Command) -> ToolAnnotations:
    return READ_ONLY if command.read_only else WRITES


def tool_function(index: Index, command: Command) -> Any:
    """A function the SDK can introspect: keyword parameters as in the table, a compact JSON answer."""

    def call(**params: Any) -> str:
        note = index.stale_note()
        answer = index.answer(command, params)
        if command.tool_text is not None:
            text = command.tool_text(answer)
            return text if note is None else f"({note})\n{text}"
        return compact(answer if note is None else {**answer, "stale": note})

    parameters = [
        inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, annotation=mcp_annotation(p),
                          default=inspect.Parameter.empty if p.required else p.default)
        for p in command.tool_params
    ]
    call.__name__ = call.__qualname__ = command.tool or command.name
    call.__annotations__ = {**{p.name: p.annotation for p in parameters}, "return": str}
    setattr(call, "__signature__", inspect.Signature(parameters, return_annotation=str))  # noqa: B010
    return call


def build_server(db: str | os.PathLike[str], refresh: bool = False, refresh_timeout_s: float = DEFAULT_TIMEOUT_S,
                 root: str | os.PathLike[str] | None = None) -> MCPServer:
    """The server: a tool per read command with an MCP name, and the prompts
    (prompts.py). With ``refresh``, every tool call first brings the index up
    to date (freshness/refresh.py), or says in its answer that it is stale."""
    from .prompts import add_prompts

    refresher = Refresher(db, root=root, timeout_s=refresh_timeout_s) if refresh else None
    index = Index(db, refresher)
    server = MCPServer(name="symidx", instructions=INSTRUCTIONS, log_level="WARNING", version=__version__)
    for command in COMMANDS:
        if command.tool and command.is_read:
            server.add_tool(tool_function(index, command), name=command.tool,
                            description=command.description or command.help, annotations=tool_annotations(command),
                            structured_output=False)
    add_prompts(server, index)
    return server


def serve(db: str | os.PathLike[str], refresh: bool = False, refresh_timeout_s: float = DEFAULT_TIMEOUT_S,
          root: str | os.PathLike[str] | None = None) -> None:
    """Run over stdio until the client closes the connection."""
    try:
        q.open_index(db).close()
    except DatabaseError as exc:
        # Start anyway: the index may be built after the agent starts the server.
        print(f"symidx: warning: {exc}; tools will fail until it exists", file=sys.stderr)
    build_server(db, refresh, refresh_timeout_s, root).run("stdio")
