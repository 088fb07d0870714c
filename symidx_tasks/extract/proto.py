"""Protobuf: messages, enums, services and their members; everything is public.

Nested messages and enums have the enclosing message as parent, fields their
message (a ``oneof`` is no symbol: its fields belong to the message, as in the
generated code), enum values their enum, rpcs their service. Fields of an
``extend Foo { ... }`` block have parent ``Foo``.

``doc`` is the first paragraph of the ``//`` (or ``/* */``) comments directly
above a definition, field, enum value or rpc (what protoc passes to code
generators as leading comments); trailing same-line comments are not read.
"""
from __future__ import annotations

from tree_sitter import Node

from ..model import Param, Symbol
from .docs import attached, line_doc
from .syntax import child_of_type, drain, flat, one_line, public_symbol, text

# Definitions whose name is a child node of its own type, and where their members live.
_DEFINITIONS = {
    "message": ("message_name", "message_body"),
    "enum": ("enum_name", "enum_body"),
    "service": ("service_name", None),
}
_FIELDS = ("field", "map_field", "oneof_field")


def extract(root: Node, source: bytes) -> list[Symbol]:
    symbols: list[Symbol] = []
    containers: list[tuple[Node | None, str | None]] = [(root, None)]
    for container, parent in drain(containers):
        if container is None:  # a body lost to a syntax error
            continue
        for node in container.named_children:
            kind = node.type
            if kind in _DEFINITIONS:
                name_type, body_type = _DEFINITIONS[kind]
                name = text(child_of_type(node, name_type), source)
                symbols.append(public_symbol(node, name, kind, parent, f"{kind} {name}", doc=_doc(node, source)))
                containers.append((child_of_type(node, body_type) if body_type else node, name))
            elif kind == "oneof":
                containers.append((node, parent))
            elif kind == "extend":
                extended = text(child_of_type(node, "full_ident"), source)
                containers.append((child_of_type(node, "message_body"), extended))
            elif kind in _FIELDS:
                signature = _up_to(node, source, "field_number")
                doc = _doc(node, source)
                symbols.append(public_symbol(node, _name(node, source), "field", parent, signature, doc=doc))
            elif kind == "enum_field":
                signature = _up_to(node, source, "int_lit")
                doc = _doc(node, source)
                symbols.append(public_symbol(node, _name(node, source), "constant", parent, signature, doc=doc))
            elif kind == "rpc":
                symbols.append(_rpc(node, source, parent))
    return symbols


def _doc(node: Node, source: bytes) -> str | None:
    return line_doc(attached(node, source, b"/", ("comment",)), source)


def _name(node: Node, source: bytes) -> str:
    return text(child_of_type(node, "identifier"), source)


def _up_to(node: Node, source: bytes, until: str) -> str:
    """The declaration up to its first ``until`` child (its number): options left out."""
    last = child_of_type(node, until)
    end = last.end_byte if last is not None else node.end_byte
    return flat(source, node.start_byte, end).rstrip(";").rstrip()


def _rpc(node: Node, source: bytes, service: str | None) -> Symbol:
    """``rpc Watch(stream Req) returns (stream Event)``: a "request" parameter and the response type."""
    name = text(child_of_type(node, "rpc_name"), source)
    request, response = _message_types(node, source)
    return public_symbol(
        node,
        name,
        "rpc",
        service,
        f"rpc {name}({request or ''}) returns ({response or ''})",
        parameters=(Param("request", request),) if request else (),
        return_type=response,
        doc=_doc(node, source),
    )


def _message_types(node: Node, source: bytes) -> tuple[str | None, str | None]:
    """Request and response types, each prefixed with ``stream `` when streamed."""
    types: list[str] = []
    streamed = False
    for child in node.children:
        if child.type == "stream":
            streamed = True
        elif child.type == "message_or_enum_type":
            types.append(("stream " if streamed else "") + one_line(text(child, source)))
            streamed = False
    # an rpc cut short by a syntax error may lack either
    return (types[0] if types else None), (types[1] if len(types) > 1 else None)
