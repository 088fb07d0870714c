"""Parse one in-memory source text and run its language's extractors on the one tree."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Symbol
from .languages import extractor_for, parser_for
from .references import Reference, references_in_tree


@dataclass(frozen=True)
class SourceSymbols:
    symbols: list[Symbol]
    has_error: bool  # tree-sitter recovered from syntax errors; symbols are what survived
    # The identifier uses that may name another file's symbol, by (line, column, kind, name).
    references: list[Reference]


def extract_source(language: str, source: bytes, references: bool = True) -> SourceSymbols:
    """The symbols and references (none without ``references``) of one source
    text, from a single parse (a second parse for the references would cost half
    as much again)."""
    if not source.endswith(b"\n"):
        # tree-sitter-perl's scanner loops forever on a file ending in `sub #`
        # without a final newline (in C: no callback or signal can stop it).
        # A final newline changes no line number and no symbol.
        source += b"\n"
    tree = parser_for(language).parse(source)
    root = tree.root_node
    # An extractor meeting a badly broken declaration may produce a nameless
    # symbol; it answers no query and must not reach the index.
    symbols = [s for s in extractor_for(language)(root, source) if s.name]
    symbols.sort(key=lambda s: (s.line, s.end_line, s.parent or "", s.name, s.kind))
    uses = references_in_tree(language, root, source) if references else []
    return SourceSymbols(symbols, root.has_error, uses)
