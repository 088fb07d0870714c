"""Small helpers shared by every language extractor.

Extractors walk only declaration containers (module, class bodies, impl
blocks...) and never enter function bodies: that keeps extraction a small
fraction of the parse time (see shared/MEASURED.md).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Any, TypeVar

from tree_sitter import Node

from ..model import Symbol

# Where a long one-line declaration (a constant's value, a field's initializer) is cut.
SIGNATURE_LIMIT = 120
# A header ends where its body starts: `{`, Python's `:`, a `=` before a value.
_HEADER_TRIM = " {:="

_T = TypeVar("_T")


def span(source: bytes, start: int, end: int) -> str:
    """Source bytes [start, end) as text; a byte that is not UTF-8 becomes U+FFFD instead of an error."""
    return source[start:end].decode("utf-8", "replace")


def text(node: Node | None, source: bytes) -> str:
    if node is None:
        return ""
    # `span` inlined: this runs for every name and type an extractor reads.
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def one_line(s: str) -> str:
    """Collapse a multi-line declaration into one line with single spaces."""
    # str.split() splits on the same (Unicode) whitespace as the regex `\s+`
    # and drops it at both ends, so this is `re.sub(r"\s+", " ", s).strip()`,
    # only cheaper.
    words = s.split()
    if len(words) <= 1:
        # One word (most names and types): no space left, so of the artefacts
        # below only ",)" can occur.
        s = words[0] if words else ""
        return s.replace(",)", ")") if ",)" in s else s
    s = " ".join(words)
    # "( a" / "a )" artefacts of joining lines are noise in a signature. They are
    # rare: test for them (", )" contains " )") before running six replaces.
    if "( " in s or " )" in s or "[ " in s or " ]" in s or ",)" in s:
        s = s.replace("( ", "(").replace(" )", ")").replace("[ ", "[").replace(" ]", "]")
        s = s.replace(", )", ")").replace(",)", ")")
    return s


def flat(source: bytes, start: int, end: int, *, head: bytes = b"", cut: Iterable[Node] = (), trim: str = "") -> str:
    """Source [start, end) on one line, after ``head``, without the ``cut`` nodes
    that lie wholly inside it, and without trailing ``trim`` characters.

    ``head`` is text shared by several declarations of one statement
    (``export const `` before each declarator); ``cut`` must be in source order.
    """
    if not cut:  # the usual case: nothing to cut out, one slice
        return one_line((head + source[start:end]).decode("utf-8", "replace")).rstrip(trim)
    chunks = [head]
    position = start
    for node in cut:
        if node.start_byte >= position and node.end_byte <= end:
            chunks.append(source[position : node.start_byte])
            position = node.end_byte
    chunks.append(source[position:end])
    return one_line(b"".join(chunks).decode("utf-8", "replace")).rstrip(trim)


def header(node: Node, source: bytes, body: Node | None) -> str:
    """The declaration text before its body, on one line: the signature."""
    end = body.start_byte if body is not None else node.end_byte
    return flat(source, node.start_byte, end, trim=_HEADER_TRIM)


def written(
    node: Node, source: bytes, dropped: frozenset[str], end: int | None = None, start: int | None = None
) -> str:
    """``node``'s text (from byte ``start`` up to byte ``end``) on one line, without the named subtrees
    whose type is in ``dropped``, at any depth.

    Annotations and comments are what gets dropped: they can sit anywhere in a
    header (``final @NonNull String s``, ``List<@NonNull T>``) and are no part
    of a signature.

    Walking the subtree is the costly part, and most headers hold no annotation
    or comment. Those always start with ``@`` or ``/`` (Java and Kotlin: ``dropped``
    must name only such nodes), so a range without either byte holds none of
    them, and the walk is skipped, provided that:
    - ``start`` is ``node``'s own start or that of one of its children, and
      ``node`` is not itself dropped: no dropped node can then begin before
      the range and reach into it (every caller passes such a ``start``);
    - ``node`` has no syntax error: a MISSING token is zero-width, so an
      annotation the parser made up could lack its ``@``.
    The same test prunes the walk: ``@Override public List<String> f(int a)``
    is walked down to the annotation only.
    """
    end = node.end_byte if end is None else end
    position = node.start_byte if start is None else start
    clean = not node.has_error and node.type not in dropped
    if clean and not _may_hold_dropped(source, position, end):
        return one_line(source[position:end].decode("utf-8", "replace"))
    pieces: list[bytes] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if current.end_byte <= position or current.start_byte >= end:
            continue
        if current.is_named and current.type in dropped:
            pieces.append(source[position : current.start_byte])
            position = current.end_byte
            # the space after an annotation goes with it: "List<@A T>" -> "List<T>"
            while position < end and source[position : position + 1].isspace():
                position += 1
        elif clean and not _may_hold_dropped(source, max(current.start_byte, position), min(current.end_byte, end)):
            continue  # nothing to drop in there: no need to walk it
        else:
            pending.extend(reversed(current.children))
    pieces.append(source[position:end])
    return one_line(b"".join(pieces).decode("utf-8", "replace"))


def _may_hold_dropped(source: bytes, start: int, end: int) -> bool:
    """Whether source [start, end) may hold an annotation (``@``) or a comment (``/``)."""
    return source.find(b"@", start, end) >= 0 or source.find(b"/", start, end) >= 0


def clip(signature: str, limit: int = SIGNATURE_LIMIT) -> str:
    """Keep a long one-line declaration readable: cut it and mark the cut."""
    if len(signature) <= limit:
        return signature
    return signature[: limit - 1].rstrip() + "…"


def lines(node: Node) -> tuple[int, int]:
    """1-based first and last line of a node."""
    return node.start_point[0] + 1, node.end_point[0] + 1


def first_line(node: Node, dropped: frozenset[str], source: bytes | None = None) -> int:
    """1-based line of the first token of ``node`` outside the subtrees whose type is in ``dropped``
    (the annotations and comments above a declaration).

    With ``source``, the usual declaration, one starting with neither ``@`` nor
    ``/``, is answered without a walk: its first token starts where it does and
    cannot lie in an annotation or comment (they start with one of those, see
    ``written``; a syntax error could hide a zero-width MISSING ``@``).
    """
    if source is not None and source[node.start_byte : node.start_byte + 1] not in (b"@", b"/") and not node.has_error:
        return node.start_point[0] + 1
    pending = [node]
    while pending:
        current = pending.pop()
        if current.is_named and current.type in dropped:
            continue
        if current.child_count == 0:
            return current.start_point[0] + 1
        pending.extend(reversed(current.children))
    return node.start_point[0] + 1


def public_symbol(
    node: Node,
    name: str,
    kind: str,
    parent: str | None,
    signature: str,
    *,
    dropped: frozenset[str] = frozenset(),
    source: bytes | None = None,
    **extra: Any,
) -> Symbol:
    """A public symbol spanning ``node``; with ``dropped``, it starts at its first keyword, not at
    the annotations above it (see ``first_line``, which ``source`` makes faster)."""
    first, last = lines(node)
    if dropped:
        first = first_line(node, dropped, source)
    return Symbol(name, kind, first, last, signature, parent=parent, visibility="public", **extra)


def drain(pending: list[_T]) -> Iterator[_T]:
    """Pop ``pending`` until it is empty while the consumer pushes more: containers are
    walked with an explicit stack, not recursion, so absurdly deep nesting cannot hit
    Python's recursion limit."""
    while pending:
        yield pending.pop()


def members(body: Node, flatten: Collection[str] = (), *, tokens: bool = False) -> Iterator[Node]:
    """The named children of a body, looking through recovery (ERROR) nodes and ``flatten`` wrappers.

    With ``tokens``, the anonymous children too: where a parser gave up, the bare
    tokens it left may still say what was declared.
    """
    pending = list(reversed(body.children if tokens else body.named_children))
    while pending:
        node = pending.pop()
        kind = node.type  # each .type builds a new str: read it once
        if kind == "ERROR" or kind in flatten:
            pending.extend(reversed(node.children if tokens else node.named_children))
        else:
            yield node


def child_of_type(node: Node, *types: str) -> Node | None:
    for c in node.children:
        if c.type in types:
            return c
    return None


def start_of_first(node: Node, types: Collection[str]) -> int:
    """Where ``node``'s first child of one of ``types`` starts (a declaration's body or
    terminator), else where ``node`` ends."""
    return next((c.start_byte for c in node.children if c.type in types), node.end_byte)
