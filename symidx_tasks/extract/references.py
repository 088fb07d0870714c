"""Pure: source text -> the identifier uses in it that can name another file's symbol.

One tree-sitter query per language (``extract/refqueries/``) finds the
definitions, parameters and uses in a single pass in C; this module turns its
matches into ``Reference`` records: splits qualified names, drops builtins,
parameters and declaration names, and gives each use its enclosing definition
with one sweep over both lists sorted by position.

Positions: ``line`` is 1-based; ``column`` is 0-based and counts characters
(code points of the line decoded as UTF-8, an undecodable byte counting as one
U+FFFD), so ``line_text[column:].startswith(name)`` holds for a name read
whole from the source.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..model import ReferenceRow
from .languages import parser_for
from .refqueries import RefSpec, has_references, last_segment, query_for, spec_for

if TYPE_CHECKING:
    from tree_sitter import Node

# Kinds of use, and which one wins when two patterns capture the same name
# node (a supertype is also a type use; the earlier kind is kept).
KINDS = ("import", "inherit", "new", "member_call", "call", "type", "constant")
_PRIORITY = {kind: i for i, kind in enumerate(KINDS)}
_IMPORT_MODULE = "import.module"
# A receiver longer than this (a chained call spanning lines) is cut: it is kept
# to narrow resolution by its first segment, not to be read whole.
RECEIVER_LIMIT = 80
_QUOTES = "\"'`"


@dataclass(frozen=True, slots=True)
class Reference:
    """One use of a name that may be defined in another file."""

    name: str  # the identifier as it names the symbol (last segment of a qualified name)
    line: int  # 1-based
    column: int  # 0-based, in characters (see the module docstring)
    kind: str  # one of KINDS
    # The receiver of a member call (``obj`` in ``obj.m()``) or the qualifier of a
    # qualified name (``pkg`` in ``pkg.Func()``, ``crate::a`` in ``crate::a::B``); else None.
    receiver: str | None = None
    # Name of the innermost enclosing function, method, class, ... (as the symbol
    # extractors name them; private and nested ones included); None at top level.
    enclosing: str | None = None
    module: str | None = None  # imports: the module or path imported from, as written
    alias: str | None = None  # imports: the local name when it differs (``import a as b``)

    def to_row(self, file_path: str) -> ReferenceRow:
        """The reference as a result-file row (see model.REFERENCE_COLUMNS)."""
        return [file_path, self.line, self.column, self.name, self.kind, self.receiver, self.enclosing,
                self.module, self.alias]


def extract_references(language: str, source: bytes | str) -> list[Reference]:
    """Every reference in ``source``, ordered by (line, column, kind, name).

    Never raises on bad input: a syntax error, binary junk or an unknown
    language yields what parsed (possibly nothing).
    """
    if not has_references(language):
        return []
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    if not data.endswith(b"\n"):
        data += b"\n"  # see extract/source.py: tree-sitter-perl can hang without it
    tree = parser_for(language).parse(data)
    return references_in_tree(language, tree.root_node, data)


_PLAIN = frozenset({"call", "type", "constant"})


@dataclass(frozen=True, slots=True)
class _Drop:
    names: frozenset[bytes]  # builtin functions and types
    methods: frozenset[bytes]  # builtin methods, whatever the receiver


@cache
def _drop_for(language: str) -> _Drop:
    spec = spec_for(language)
    return _Drop(frozenset(n.encode() for n in spec.builtins), frozenset(n.encode() for n in spec.builtin_methods))


@dataclass(slots=True)
class _Def:
    start: int
    end: int
    name: str
    locals: set[str]


@dataclass(slots=True)
class _Use:
    node: Node
    kind: str
    receiver: Node | None
    module: Node | None
    alias: Node | None


def references_in_tree(language: str, root: Node, source: bytes) -> list[Reference]:
    """``extract_references`` on a tree already parsed (the package task parses each file once
    for symbols and references)."""
    if not has_references(language):
        return []
    spec = spec_for(language)
    defs: list[_Def] = []
    params: list[Node] = []
    uses: dict[int, _Use] = {}  # by name node start: one reference per name node
    declared: set[int] = set()
    from tree_sitter import QueryCursor

    drop = _drop_for(language)
    for _, captures in QueryCursor(query_for(language)).matches(root):
        _collect(captures, source, drop, defs, params, uses, declared)
    for start in declared:
        uses.pop(start, None)
    defs.sort(key=lambda d: (d.start, -d.end))
    _assign_locals(defs, params, source)
    return _resolve_uses(spec, defs, sorted(uses.items()), source)


def _collect(captures: dict[str, list[Node]], source: bytes, drop: _Drop, defs: list[_Def], params: list[Node],
             uses: dict[int, _Use], declared: set[int]) -> None:
    """Sort one query match into definitions, parameters and uses."""
    if "def" in captures:
        name = captures.get("def.name")
        if name:
            declared.add(name[0].start_byte)
        else:
            name = captures.get("def.ref")
        if name:
            node = captures["def"][0]
            defs.append(_Def(node.start_byte, node.end_byte, _text(name[0], source), set()))
        return
    if "skip" in captures:
        declared.update(node.start_byte for node in captures["skip"])
        return
    if "local" in captures:
        params.extend(captures["local"])
        return
    for kind, nodes in captures.items():
        if kind in _PRIORITY or kind == _IMPORT_MODULE:
            node = nodes[0]
            # Most uses are builtins (`push`, `len`, `String`): reject them on the bytes,
            # before any object is made for them.
            dropped = drop.methods if kind == "member_call" else drop.names if kind in _PLAIN else None
            if dropped is not None and source[node.start_byte : node.end_byte] in dropped:
                return
            old = uses.get(node.start_byte)
            # Two patterns on one name: the stronger kind wins, then the one that saw a qualifier.
            if old is None or _rank(kind) < _rank(old.kind) or (
                    _rank(kind) == _rank(old.kind) and old.receiver is None and "receiver" in captures):
                uses[node.start_byte] = _Use(node, kind, _first(captures, "receiver"),
                                             _first(captures, "module"), _first(captures, "alias"))
            return


def _rank(kind: str) -> int:
    return _PRIORITY.get(kind, 0)


def _first(captures: dict[str, list[Node]], name: str) -> Node | None:
    nodes = captures.get(name)
    return nodes[0] if nodes else None


def _assign_locals(defs: list[_Def], params: list[Node], source: bytes) -> None:
    """Give each parameter to the innermost definition holding it."""
    params.sort(key=lambda n: n.start_byte)
    stack: list[_Def] = []
    i = 0
    for node in params:
        position = node.start_byte
        while i < len(defs) and defs[i].start <= position:
            stack.append(defs[i])
            i += 1
        while stack and stack[-1].end <= position:
            stack.pop()
        if stack:
            stack[-1].locals.add(_text(node, source))


def _resolve_uses(spec: RefSpec, defs: list[_Def], uses: list[tuple[int, _Use]], source: bytes) -> list[Reference]:
    """References from uses in source order, each with its enclosing definition; builtins and
    parameters dropped."""
    columns = _Columns(source)
    out: list[Reference] = []
    stack: list[_Def] = []
    i = 0
    for position, use in uses:
        while i < len(defs) and defs[i].start <= position:
            while stack and stack[-1].end <= defs[i].start:
                stack.pop()
            stack.append(defs[i])
            i += 1
        while stack and stack[-1].end <= position:
            stack.pop()
        ref = _reference(spec, use, source, stack, columns)
        if ref is not None:
            out.append(ref)
    out.sort(key=lambda r: (r.line, r.column, r.kind, r.name))
    return out


def _reference(spec: RefSpec, use: _Use, source: bytes, stack: list[_Def], columns: _Columns) -> Reference | None:
    """One use as a Reference, or None when it cannot name another file's symbol."""
    raw = _text(use.node, source)
    anchor = use.node  # where the reference is said to be
    kind = use.kind
    receiver = _receiver(use.receiver, source)
    module = _text(use.module, source).strip(_QUOTES) if use.module is not None else None
    alias = _text(use.alias, source) if use.alias is not None else None
    sep = spec.separator
    if kind == _IMPORT_MODULE:
        module = raw.strip(_QUOTES)
        if not module or module in spec.builtin_modules:
            return None
        name = spec.module_name(module) if spec.module_name else last_segment(module, sep)
        kind = "import"
    else:
        name = raw
        if sep in raw.strip(sep) and not (spec.qualified_names and kind in ("inherit", "type", "new")):
            head, name = raw.rsplit(sep, 1)
            if kind == "import" and module is None:
                module = head
            elif receiver is None:
                receiver = head
        if kind in ("call", "member_call") and name == spec.constructor_method and receiver and use.receiver:
            if spec.qualified_names:
                kind, name, receiver = "new", receiver, None
                anchor = use.receiver
            else:
                kind, receiver, name = _constructor(receiver, sep)
                anchor = use.receiver.child_by_field_name("name") or use.receiver
    if kind == "import" and spec.import_prefix is not None:
        prefix = spec.import_prefix(use.node, source)
        if prefix:
            module = f"{prefix}{sep}{module}" if module else prefix
    name = name.strip()
    if any(c.isspace() for c in name):  # `use base qw(A B)`: no one name
        return None
    if name.endswith("*"):  # an import on demand: `.*` in Kotlin's wildcard node
        name = "*"
    if not name or not name.isprintable():
        return None
    if kind != "import" and _is_builtin(spec, name, receiver):
        return None
    if receiver is None and kind in ("call", "type", "constant") and any(name in d.locals for d in stack):
        return None
    line, column = columns.at(anchor)
    return Reference(name, line, column, kind, receiver, stack[-1].name if stack else None, module, alias)


def _constructor(receiver: str, sep: str) -> tuple[str, str | None, str]:
    """``Shop::Invoice.new`` -> kind new, qualifier Shop, name Invoice."""
    if sep in receiver:
        head, name = receiver.rsplit(sep, 1)
        return "new", head, name
    return "new", None, receiver


def _is_builtin(spec: RefSpec, name: str, receiver: str | None) -> bool:
    """A builtin name, or a method of a builtin global (``console.log``) or of a literal (``" ".join``)."""
    if receiver is None:
        return name in spec.builtins
    if receiver[0] in _QUOTES or receiver[0] in "[{":
        return True
    root = receiver.split(spec.separator, 1)[0].split(".", 1)[0]
    return root in spec.builtin_receivers


def _receiver(node: Node | None, source: bytes) -> str | None:
    if node is None:
        return None
    text = " ".join(_text(node, source).split())
    if len(text) > RECEIVER_LIMIT:
        text = text[: RECEIVER_LIMIT - 1] + "…"
    return text or None


def _text(node: Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


class _Columns:
    """Character columns from byte columns: free for an ASCII file, else one decode of the
    line prefix per reference."""

    def __init__(self, source: bytes) -> None:
        self._source = source
        self._ascii = source.isascii()

    def at(self, node: Node) -> tuple[int, int]:
        row, byte_column = node.start_point
        if self._ascii:
            return row + 1, byte_column
        start = node.start_byte - byte_column
        return row + 1, len(self._source[start : node.start_byte].decode("utf-8", "replace"))
