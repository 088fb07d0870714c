"""The index in the formats other tools read: a ctags tags file for editors,
package dependency graphs (DOT, Mermaid, JSON) for people, and a token-budgeted
repo map for agents. Each reads a read-only connection from ``query.open_index``."""
from __future__ import annotations

from .ctags import CtagsStats, export_ctags
from .graph import GRAPH_FORMATS, graph_data, render_graph
from .repo_map import DEFAULT_TOKENS, MIN_TOKENS, RepoMap, estimate_tokens, render_repo_map, repo_map

__all__ = [
    "CtagsStats", "export_ctags", "GRAPH_FORMATS", "graph_data", "render_graph", "DEFAULT_TOKENS", "MIN_TOKENS",
    "RepoMap", "estimate_tokens", "render_repo_map", "repo_map",
]
