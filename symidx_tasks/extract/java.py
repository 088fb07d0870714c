"""Java: the public API of a compilation unit.

Public means declared ``public``, or a member of an interface or annotation
type that is not ``private`` (those are implicitly public); enum constants are
always public. Only public types are entered: a public member of a
package-private class is not reachable from outside its package. Enum constant
bodies, anonymous and local classes are never entered.

Kinds: class, interface (also ``@interface``), enum, record; method (also
constructors, named after their class, and annotation type elements); field,
or constant for ``public static final`` fields and interface fields; constant
for enum constants (parent: their enum).

Signatures are the declaration up to its body, annotations and comments left
out; a field keeps its initializer only when that ends on the field's first
line. A field's ``return_type`` is its declared type. A record's parameters
are its components, and so are its compact constructor's. A symbol's line is
that of its first keyword, not of the annotations above it.

``doc`` is the first paragraph of the Javadoc comment (``/** ... */``) above a
declaration, read through the annotations between them and through other
comments; inline tags such as ``{@link X}`` are reduced to their text (see
docs.py). Each declarator of a multi-name declaration shares its comment.
"""
from __future__ import annotations

from typing import Any

from tree_sitter import Node

from ..model import Param, Symbol
from .docs import attached, block_doc
from .syntax import child_of_type, drain, first_line, members, public_symbol, start_of_first, text, written

_TYPE_KINDS = {
    "class_declaration": "class",
    "interface_declaration": "interface",
    "enum_declaration": "enum",
    "record_declaration": "record",
    "annotation_type_declaration": "interface",
}
# Bodies whose members are public unless marked private.
_IMPLICITLY_PUBLIC = ("interface_body", "annotation_type_body")
_METHODS = (
    "method_declaration",
    "constructor_declaration",
    "compact_constructor_declaration",
    "annotation_type_element_declaration",
)
_FIELDS = ("field_declaration", "constant_declaration")
# What a declaration header ends at: its body, its `;`, an annotation element's `default`.
_HEADER_ENDS = frozenset(
    {"block", "constructor_body", "class_body", "interface_body", "enum_body", "annotation_type_body", ";", "default"}
)
_NOT_SIGNATURE = frozenset({"marker_annotation", "annotation", "line_comment", "block_comment"})

_COMMENTS = ("line_comment", "block_comment")


def extract(root: Node, source: bytes) -> list[Symbol]:
    symbols: list[Symbol] = []
    # (body, the type it belongs to)
    containers: list[tuple[Node, Symbol | None]] = [(root, None)]
    for body, owner in drain(containers):
        parent = owner.name if owner is not None else None
        implicit = body.type in _IMPLICITLY_PUBLIC
        for node in members(body, flatten=("enum_body_declarations",)):
            kind = node.type
            if kind == "enum_constant":
                name = _name(node, source)
                symbols.append(_symbol(node, source, name, "constant", parent, name))
                continue
            modifiers = _modifiers(node)
            if not ("public" in modifiers or (implicit and "private" not in modifiers)):
                continue
            if kind in _TYPE_KINDS:
                declared = _type(node, source, parent)
                symbols.append(declared)
                inner = node.child_by_field_name("body")
                if inner is not None:
                    containers.append((inner, declared))
            elif kind in _METHODS:
                symbols.append(_method(node, source, owner))
            elif kind in _FIELDS:
                constant = kind == "constant_declaration" or {"static", "final"} <= modifiers
                symbols.extend(_fields(node, source, parent, "constant" if constant else "field"))
    return symbols


def _modifiers(node: Node) -> set[str]:
    modifiers = child_of_type(node, "modifiers")
    return {c.type for c in modifiers.children} if modifiers is not None else set()


def _name(node: Node, source: bytes) -> str:
    return text(node.child_by_field_name("name"), source)


def _type_text(node: Node, source: bytes, named: Node | None = None) -> str | None:
    """The type of a method, field or parameter, with the C-style brackets after its name
    (``int x[]``, ``int f()[]``) that ``named`` (the node holding the name) may carry."""
    type_node = node.child_by_field_name("type")
    if type_node is None:
        return None
    dimensions = (named or node).child_by_field_name("dimensions")
    return written(type_node, source, _NOT_SIGNATURE) + (text(dimensions, source) if dimensions is not None else "")


def _header(node: Node, source: bytes) -> str:
    return written(node, source, _NOT_SIGNATURE, start_of_first(node, _HEADER_ENDS))


def _symbol(
    node: Node, source: bytes, name: str, kind: str, parent: str | None, signature: str, **extra: Any
) -> Symbol:
    doc = block_doc(attached(node, source, b"/", _COMMENTS), source)
    return public_symbol(
        node, name, kind, parent, signature, dropped=_NOT_SIGNATURE, source=source, doc=doc, **extra
    )


def _type(node: Node, source: bytes, parent: str | None) -> Symbol:
    return _symbol(
        node,
        source,
        _name(node, source),
        _TYPE_KINDS[node.type],
        parent,
        _header(node, source),
        parameters=_parameters(node.child_by_field_name("parameters"), source),  # a record's components
    )


def _method(node: Node, source: bytes, owner: Symbol | None) -> Symbol:
    if node.type == "compact_constructor_declaration":
        parameters = owner.parameters if owner is not None else ()
    else:
        parameters = _parameters(node.child_by_field_name("parameters"), source)
    return _symbol(
        node,
        source,
        _name(node, source),
        "method",
        owner.name if owner is not None else None,
        _header(node, source),
        parameters=parameters,
        return_type=_type_text(node, source),
    )


def _fields(node: Node, source: bytes, parent: str | None, kind: str) -> list[Symbol]:
    """One symbol per declarator: ``public int a, b[];`` declares ``a`` and ``b``."""
    type_node = node.child_by_field_name("type")
    if type_node is None:
        return []
    prefix = written(node, source, _NOT_SIGNATURE, type_node.end_byte)
    line = first_line(node, _NOT_SIGNATURE, source)
    symbols: list[Symbol] = []
    for declarator in node.children_by_field_name("declarator"):
        value = declarator.child_by_field_name("value")
        end = None if value is None or value.end_point[0] + 1 == line else value.start_byte
        symbols.append(
            _symbol(
                node,
                source,
                _name(declarator, source),
                kind,
                parent,
                f"{prefix} {written(declarator, source, _NOT_SIGNATURE, end).rstrip(' =')}",
                return_type=_type_text(node, source, declarator),
            )
        )
    return symbols


def _parameters(params: Node | None, source: bytes) -> tuple[Param, ...]:
    """(name, type) pairs; varargs typed ``T...``; the receiver parameter (``Foo this``) is none."""
    if params is None:
        return ()
    out: list[Param] = []
    for param in params.named_children:
        if param.type == "formal_parameter":
            name = _name(param, source)
            if name == "this":
                continue
            out.append(Param(name, _type_text(param, source)))
        elif param.type == "spread_parameter":
            declarator = child_of_type(param, "variable_declarator")
            type_node = next(
                (c for c in param.named_children if c.type not in ("modifiers", "variable_declarator")), None
            )
            if declarator is not None and type_node is not None:
                out.append(Param(_name(declarator, source), written(type_node, source, _NOT_SIGNATURE) + "..."))
    return tuple(out)
