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

import re
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from ..model import ReferenceRow
from .languages import parser_for
from .refqueries import RefSpec, has_references, last_segment, query_for, spec_for

if TYPE_CHECKING:
    from collections.abc import Callable

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
_ORDER = attrgetter("line", "column", "kind", "name")


class Reference(NamedTuple):
    """One use of a name that may be defined in another file (a named tuple: a file has
    thousands, and a frozen dataclass costs four times as much to make)."""

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
_SPACE = re.compile(r"\s")  # str.isspace's characters (both use Py_UNICODE_ISSPACE)

# What one query pattern finds (see refqueries/__init__.py's capture contract).
_DEF, _SKIP, _LOCAL, _USE = range(4)


class _Pattern(NamedTuple):
    role: int  # _DEF, _SKIP, _LOCAL or _USE
    capture: str  # a use's kind capture (``call``, ``import.module``, ...)
    rank: int  # a use's priority (KINDS order)
    drop: frozenset[bytes] | None  # a use's builtin names, rejected on the bytes


@cache
def _patterns_for(language: str) -> tuple[_Pattern, ...]:
    """Each pattern's role, read once from its capture names: the loop over matches then
    dispatches on the pattern index instead of probing every match's capture dict."""
    spec = spec_for(language)
    query = query_for(language)
    text = spec.query.encode()
    names = frozenset(n.encode() for n in spec.builtins)
    methods = frozenset(n.encode() for n in spec.builtin_methods)
    out = []
    for index in range(query.pattern_count):
        body = text[query.start_byte_for_pattern(index) : query.end_byte_for_pattern(index)].decode()
        captures = set(re.findall(r"@([\w.]+)", body))
        if "def" in captures:
            out.append(_Pattern(_DEF, "", 0, None))
        elif "skip" in captures:
            out.append(_Pattern(_SKIP, "", 0, None))
        elif "local" in captures:
            out.append(_Pattern(_LOCAL, "", 0, None))
        else:
            kind = next(k for k in (*KINDS, _IMPORT_MODULE) if k in captures)
            drop = methods if kind == "member_call" else names if kind in _PLAIN else None
            out.append(_Pattern(_USE, kind, _PRIORITY.get(kind, 0), drop))
    return tuple(out)


@dataclass(slots=True)
class _Def:
    start: int
    end: int
    name: str
    locals: set[str]


# A use: the pattern that found it and that match's captures (the name under the pattern's
# kind capture, beside it ``receiver``, ``module``, ``alias``): read only for the few uses
# that are not dropped.
_Use = tuple[_Pattern, dict[str, list["Node"]]]


def references_in_tree(language: str, root: Node, source: bytes) -> list[Reference]:
    """``extract_references`` on a tree already parsed (the package task parses each file once
    for symbols and references)."""
    if not has_references(language):
        return []
    from tree_sitter import QueryCursor

    defs: list[_Def] = []
    params: list[Node] = []
    uses: dict[int, _Use] = {}  # by name node start: one reference per name node
    declared: set[int] = set()
    patterns = _patterns_for(language)
    # Most matches are uses, most of those builtins (`push`, `len`, `String`): this loop
    # rejects them on the bytes, before any object is made for them.
    for index, captures in QueryCursor(query_for(language)).matches(root):
        role, capture, rank, drop = patterns[index]
        if role == _USE:
            node = captures[capture][0]
            start = node.start_byte
            if drop is not None and source[start : node.end_byte] in drop:
                continue
            old = uses.get(start)
            # Two patterns on one name: the stronger kind wins, then the one that saw a qualifier.
            if old is None or rank < old[0].rank or (
                    rank == old[0].rank and "receiver" not in old[1] and "receiver" in captures):
                uses[start] = (patterns[index], captures)
        elif role == _LOCAL:
            params.extend(captures["local"])
        elif role == _SKIP:
            declared.update(node.start_byte for node in captures["skip"])
        else:
            _definition(captures, source, defs, declared)
    for start in declared:
        uses.pop(start, None)
    spec = spec_for(language)
    if spec.imported_value is not None:
        _keep_imported_values(spec, spec.imported_value, uses, source)
    defs.sort(key=lambda d: (d.start, -d.end))
    _assign_locals(defs, params, source)
    return _resolve_uses(spec, defs, sorted(uses.items()), source)


def _definition(captures: dict[str, list[Node]], source: bytes, defs: list[_Def], declared: set[int]) -> None:
    name = captures.get("def.name")
    if name:
        declared.add(name[0].start_byte)
    else:
        name = captures.get("def.ref")
    if name:
        node = captures["def"][0]
        defs.append(_Def(node.start_byte, node.end_byte, _text(name[0], source), set()))


def _keep_imported_values(spec: RefSpec, is_value: Callable[[Node], bool], uses: dict[int, _Use],
                          source: bytes) -> None:
    """Drop the ``constant`` uses whose qualifier is no package the file imports (a field read)
    or that are called."""
    bound: set[str] = set()
    for pattern, captures in uses.values():
        if pattern.capture == _IMPORT_MODULE:
            if "alias" in captures:
                bound.add(_text(captures["alias"][0], source))
            else:
                path = _text(captures[_IMPORT_MODULE][0], source).strip(_QUOTES)
                bound.add(spec.module_name(path) if spec.module_name else last_segment(path, spec.separator))
    for start, (pattern, captures) in list(uses.items()):
        if pattern.capture == "constant" and (
                "receiver" not in captures or _text(captures["receiver"][0], source) not in bound
                or not is_value(captures["constant"][0])):
            del uses[start]


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
    out.sort(key=_ORDER)
    return out


def _reference(spec: RefSpec, use: _Use, source: bytes, stack: list[_Def], columns: _Columns) -> Reference | None:
    """One use as a Reference, or None when it cannot name another file's symbol."""
    pattern, captures = use
    kind = pattern.capture
    node = anchor = captures[kind][0]  # anchor: where the reference is said to be
    raw = source[node.start_byte : node.end_byte].decode("utf-8", "replace")
    receiver_node = captures["receiver"][0] if "receiver" in captures else None
    receiver = _receiver(receiver_node, source) if receiver_node is not None else None
    module = _text(captures["module"][0], source).strip(_QUOTES) if "module" in captures else None
    alias = _text(captures["alias"][0], source) if "alias" in captures else None
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
        if kind in ("call", "member_call") and name == spec.constructor_method and receiver and receiver_node:
            if spec.qualified_names:
                kind, name, receiver = "new", receiver, None
                anchor = receiver_node
            else:
                kind, receiver, name = _constructor(receiver, sep)
                anchor = receiver_node.child_by_field_name("name") or receiver_node
    if kind == "import" and spec.import_prefix is not None:
        prefix = spec.import_prefix(node, source)
        if prefix:
            module = f"{prefix}{sep}{module}" if module else prefix
    name = name.strip()
    if _SPACE.search(name):  # `use base qw(A B)`: no one name
        return None
    if name.endswith("*"):  # an import on demand: `.*` in Kotlin's wildcard node
        name = "*"
    if not name or not name.isprintable():
        return None
    if kind != "import" and _is_builtin(spec, name, receiver):
        return None
    if receiver is None and kind in _PLAIN and stack and any(name in d.locals for d in stack):
        return None
    row, column = anchor.start_point
    if not columns.ascii:
        column = columns.characters(anchor.start_byte, column)
    return Reference(name, row + 1, column, kind, receiver, stack[-1].name if stack else None, module, alias)


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
        self.ascii = source.isascii()

    def characters(self, start_byte: int, byte_column: int) -> int:
        """The character column of the byte at ``start_byte``, ``byte_column`` bytes into its line."""
        return len(self._source[start_byte - byte_column : start_byte].decode("utf-8", "replace"))
