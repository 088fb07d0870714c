"""Parse one in-memory source text and run its language's extractor."""
from __future__ import annotations

from dataclasses import dataclass

from ..records import Symbol
from .languages import extractor_for, parser_for


@dataclass(frozen=True)
class SourceSymbols:
    symbols: list[Symbol]
    has_error: bool  # tree-sitter recovered from syntax errors; symbols are what survived


def extract_source(language: str, source: bytes) -> SourceSymbols:
    tree = parser_for(language).parse(source)
    root = tree.root_node
    symbols = extractor_for(language)(root, source)
    symbols.sort(key=lambda s: (s.line, s.end_line, s.parent or "", s.name, s.kind))
    return SourceSymbols(symbols, root.has_error)
