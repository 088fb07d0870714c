"""Python's public API: what ``from module import *`` and its classes offer.

Public means: module-level ``def``/``async def``/``class`` (kinds function,
class) and ``type X = ...`` aliases (kind type) whose name does not start with
``_``; in a public class, methods not starting with ``_`` plus ``__init__``
(kind method, the constructor signature) and nested public classes, whose
parent is the class that encloses them; UPPER_CASE module-level assignments
(kind constant), annotated or not, ``A, B = ...`` and ``A = B = ...`` too.

Deliberately simple, and so documented rather than guessed at:
- ``__all__`` is not consulted; names are judged by their spelling alone.
- Only the module body and class bodies are walked: definitions inside
  ``if TYPE_CHECKING:``, ``try:`` or any other block are not entered.
- Every ``def`` is reported, so ``@overload`` variants each get a symbol.
- A decorated definition is reported at its ``def``/``class`` line; its
  decorators are not part of the signature (``@property`` stays a method).
- The first parameter of a method is dropped when it is ``self`` or ``cls``;
  ``/`` and bare ``*`` markers are dropped; ``*args``/``**kwargs`` keep stars;
  defaults are dropped, annotations are the parameter's type.
- A constant's signature is the whole assignment on one line, cut at 120
  characters. ``T = TypeVar("T")`` (and ParamSpec, TypeVarTuple) is a type
  parameter, not a constant, and is not reported.
- ``doc`` is the first paragraph of the docstring: the string literal that is
  the first statement of a function or class body (comments before it
  ignored, as Python does; not an f-string or bytes); for a constant or a
  ``type`` alias, the string literal statement right after it (the attribute
  docstring Sphinx and PEP 258 read). ``#`` comments are not docs in Python.
"""
from __future__ import annotations

import re

from tree_sitter import Node

from ..model import Param, Symbol
from .docs import paragraph
from .syntax import clip, drain, header, lines, members, one_line, text

_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_BOUND_FIRST = ("self", "cls")
_TYPE_VARIABLES = ("TypeVar", "ParamSpec", "TypeVarTuple")


def extract(root: Node, source: bytes) -> list[Symbol]:
    out: list[Symbol] = []
    # (block, enclosing class or None)
    stack: list[tuple[Node, str | None]] = [(root, None)]
    for block, parent in drain(stack):
        for stmt in members(block):
            node = stmt
            kind = node.type
            if kind == "decorated_definition":
                node = node.child_by_field_name("definition") or node
                kind = node.type
            if kind == "function_definition":
                sym = _function(node, source, parent)
                if sym is not None:
                    out.append(sym)
            elif kind == "class_definition":
                sym = _class(node, source, parent)
                if sym is not None:
                    out.append(sym)
                    body = node.child_by_field_name("body")
                    if body is not None:
                        stack.append((body, sym.name))
            elif parent is None:
                out.extend(_module_level(node, source))
    return out


def _is_public(name: str) -> bool:
    return not name.startswith("_")


def _function(node: Node, source: bytes, parent: str | None) -> Symbol | None:
    name = text(node.child_by_field_name("name"), source)
    if not name or not (_is_public(name) or (parent is not None and name == "__init__")):
        return None
    first, last = lines(node)
    returns = node.child_by_field_name("return_type")
    body = node.child_by_field_name("body")
    return Symbol(
        name=name,
        kind="method" if parent is not None else "function",
        line=first,
        end_line=last,
        signature=header(node, source, body),
        parameters=_parameters(node.child_by_field_name("parameters"), source, parent is not None),
        return_type=_flat(text(returns, source)) if returns is not None else None,
        parent=parent,
        doc=_body_docstring(body, source),
    )


def _class(node: Node, source: bytes, parent: str | None) -> Symbol | None:
    name = text(node.child_by_field_name("name"), source)
    if not name or not _is_public(name):
        return None
    first, last = lines(node)
    body = node.child_by_field_name("body")
    return Symbol(
        name=name,
        kind="class",
        line=first,
        end_line=last,
        signature=header(node, source, body),
        parent=parent,
        doc=_body_docstring(body, source),
    )


def _parameters(params: Node | None, source: bytes, is_method: bool) -> tuple[Param, ...]:
    if params is None:
        return ()
    out: list[Param] = []
    for i, p in enumerate(c for c in params.named_children if c.type != "comment"):
        kind = p.type
        if kind in ("positional_separator", "keyword_separator"):
            continue
        name_node, type_node = _parameter_parts(p, kind)
        name = text(name_node, source)
        if not name:
            continue
        if i == 0 and is_method and name in _BOUND_FIRST:
            continue
        ptype = _flat(text(type_node, source)) if type_node is not None else None
        out.append(Param(name, ptype or None))
    return tuple(out)


def _parameter_parts(p: Node, kind: str) -> tuple[Node | None, Node | None]:
    """(name node, annotation node) of one parameter of type ``kind``, whatever its form."""
    if kind in ("identifier", "list_splat_pattern", "dictionary_splat_pattern"):
        return p, None
    if kind in ("default_parameter", "typed_default_parameter"):
        return p.child_by_field_name("name"), p.child_by_field_name("type")
    if kind == "typed_parameter":
        # The name is the unlabelled child: identifier or a splat pattern.
        named = next((c for c in p.named_children if c.type != "type"), None)
        return named, p.child_by_field_name("type")
    return p, None


def _module_level(node: Node, source: bytes) -> list[Symbol]:
    if node.type == "expression_statement" and node.named_child_count == 1:
        inner = node.named_children[0]
        if inner.type == "assignment":
            return _constants(node, inner, source)
        return []
    if node.type == "assignment":
        return _constants(node, node, source)
    if node.type == "type_alias_statement":
        return _type_alias(node, source)
    return []


def _constants(stmt: Node, assignment: Node, source: bytes) -> list[Symbol]:
    """UPPER_CASE targets of ``X = ...``, ``X: T = ...``, ``X: T``, ``A, B = ...``, ``A = B = ...``."""
    names: list[str] = []
    node: Node | None = assignment
    while node is not None and node.type == "assignment":
        left = node.child_by_field_name("left")
        if left is not None:
            targets = left.named_children if left.type in ("pattern_list", "tuple_pattern") else [left]
            names.extend(text(t, source) for t in targets if t.type == "identifier")
        node = node.child_by_field_name("right")
    names = [n for n in names if _CONSTANT.match(n)]
    if not names or _is_type_variable(node, source):
        return []
    first, last = lines(stmt)
    signature = clip(one_line(text(stmt, source)))
    doc = _docstring(stmt.next_named_sibling, source)
    return [Symbol(name=n, kind="constant", line=first, end_line=last, signature=signature, doc=doc) for n in names]


def _is_type_variable(value: Node | None, source: bytes) -> bool:
    """``T = TypeVar("T")``: a type parameter, not a constant, though spelled like one."""
    if value is None or value.type != "call":
        return False
    function = value.child_by_field_name("function")
    return function is not None and text(function, source).rsplit(".", 1)[-1] in _TYPE_VARIABLES


def _type_alias(node: Node, source: bytes) -> list[Symbol]:
    # ``type Name = ...`` or ``type Name[T] = ...``: the name is the first identifier.
    name_node = node.child_by_field_name("left")
    while name_node is not None and name_node.type != "identifier":
        name_node = name_node.named_children[0] if name_node.named_child_count else None
    name = text(name_node, source)
    if not name or not _is_public(name):
        return []
    first, last = lines(node)
    signature = clip(one_line(text(node, source)))
    doc = _docstring(node.next_named_sibling, source)
    return [Symbol(name=name, kind="type", line=first, end_line=last, signature=signature, doc=doc)]


def _flat(written: str) -> str:
    """`one_line`, skipped for the common text that is one line already."""
    return one_line(written) if "\n" in written or "  " in written else written


def _body_docstring(body: Node | None, source: bytes) -> str | None:
    """The docstring of a function or class body: its first statement, if a string."""
    if body is None:
        return None
    first: Node | None = body.named_child(0) if body.named_child_count else None
    while first is not None and first.type == "comment":
        first = first.next_named_sibling
    return _docstring(first, source)


def _docstring(stmt: Node | None, source: bytes) -> str | None:
    """The first paragraph of ``stmt`` when it is a lone string literal statement, else None."""
    string = stmt
    # this grammar inlines expression statements; older ones wrapped them
    if string is not None and string.type == "expression_statement" and string.named_child_count == 1:
        string = string.named_child(0)
    if string is None or string.type != "string":
        return None  # an implicit concatenation or any other expression is no docstring
    written = text(string, source)
    quote = min((i for i in (written.find('"'), written.find("'")) if i >= 0), default=-1)
    prefix = written[:quote].lower() if quote >= 0 else "f"
    if "f" in prefix or "b" in prefix:
        return None  # f-strings and bytes are not docstrings
    delimiter = written[quote : quote + 3] if written[quote : quote + 3] in ('"""', "'''") else written[quote]
    body = written[quote + len(delimiter) :]
    if body.endswith(delimiter):
        body = body[: -len(delimiter)]
    return paragraph(body.splitlines())
