"""Rust: items with any ``pub`` visibility, recorded as written (``pub``, ``pub(crate)``...).

Walked containers: the crate root, inline ``pub mod`` bodies (parent = the
module), ``extern`` blocks, ``impl`` blocks (parent = the implemented type) and
``pub trait`` bodies. Private modules are not entered: nothing in them is
reachable from outside unless re-exported, and re-exports are not symbols.
Members inherit the visibility of the item that makes them reachable: enum
variants and trait items that of their enum or trait, trait-impl methods "pub".

``doc`` is the first paragraph of the outer doc comments above an item
(``///`` and ``/** */``; ``#[doc = "..."]`` attributes too), read through the
attributes between them and the item; plain comments among them are passed
over, inner docs (``//!``, ``/*! */``) belong to the enclosing module and are
not read. As everywhere (docs.py), a blank line detaches a comment.
"""
from __future__ import annotations

import re

from tree_sitter import Node

from ..model import Param, Symbol
from .docs import attached, comment_lines, paragraph
from .syntax import drain, flat, header, lines, one_line, span, text

# Items that need their own `pub`, and the kind each one is recorded as.
_ITEM_KINDS = {
    "function_item": "function",
    "function_signature_item": "function",  # in extern blocks
    "struct_item": "struct",
    "union_item": "struct",
    "enum_item": "enum",
    "trait_item": "trait",
    "type_item": "type",
    "const_item": "constant",
    "static_item": "constant",
    "mod_item": "module",
}
# Members of impl and trait bodies.
_MEMBER_KINDS = {
    "function_item": "method",
    "function_signature_item": "method",
    "const_item": "constant",
    "type_item": "type",
    "associated_type": "type",
}
# Bodies that end a signature; a tuple struct's fields stay in it: `pub struct Id(u64)`.
_BLOCK_BODIES = ("block", "declaration_list", "field_declaration_list", "enum_variant_list")
_COMMENTS = ("line_comment", "block_comment")
_ATTRIBUTES = ("attribute_item",)
_DOC_ATTRIBUTE = re.compile(r'#\[\s*doc\s*=\s*"((?:[^"\\]|\\.)*)"\s*\]\Z', re.DOTALL)


def extract(root: Node, source: bytes) -> list[Symbol]:
    symbols: list[Symbol] = []
    containers: list[tuple[Node, str | None]] = [(root, None)]
    for container, module in drain(containers):
        for node in container.named_children:
            kind = node.type
            if kind == "impl_item":
                symbols.extend(_impl_members(node, source))
            elif kind == "foreign_mod_item":
                _push_body(containers, node, module)
            elif kind == "macro_definition":
                if _is_macro_export(node, source) and (macro := _macro(node, source, module)) is not None:
                    symbols.append(macro)
            elif kind in _ITEM_KINDS:
                visibility = _visibility(node, source)
                if visibility is None:
                    continue
                item = _symbol(node, source, _ITEM_KINDS[kind], module, visibility)
                symbols.append(item)
                symbols.extend(_members(node, source, item))
                if kind == "mod_item":
                    _push_body(containers, node, item.name)
    return symbols


def _push_body(containers: list[tuple[Node, str | None]], node: Node, parent: str | None) -> None:
    body = node.child_by_field_name("body")
    if body is not None:
        containers.append((body, parent))


def _visibility(node: Node, source: bytes) -> str | None:
    for child in node.children:
        if child.type == "visibility_modifier":
            return one_line(text(child, source))
    return None


def _symbol(node: Node, source: bytes, kind: str, parent: str | None, visibility: str) -> Symbol:
    first, last = lines(node)
    return_type = node.child_by_field_name("return_type")
    return Symbol(
        name=text(node.child_by_field_name("name"), source),
        kind=kind,
        line=first,
        end_line=last,
        signature=_signature(node, source),
        parameters=_parameters(node.child_by_field_name("parameters"), source),
        return_type=text(return_type, source) or None,
        parent=parent,
        visibility=visibility,
        doc=_doc(node, source),
    )


def _signature(node: Node, source: bytes) -> str:
    """The declaration up to its body, attributes excluded, where-clauses kept."""
    body = node.child_by_field_name("body")
    if body is not None and body.type in _BLOCK_BODIES:
        written = header(node, source, body)
    else:  # only now look up what a bodiless item (const, static, type...) may have
        value = node.child_by_field_name("value")
        type_node = node.child_by_field_name("type")
        if value is not None and type_node is not None and node.start_point[0] != node.end_point[0]:
            # a multi-line initialiser is no signature: keep `pub const X: T`
            written = span(source, node.start_byte, type_node.end_byte)
        else:
            written = text(node, source)
    return one_line(written).rstrip(" ;,")


def _parameters(params: Node | None, source: bytes) -> tuple[Param, ...]:
    """``name: Type`` pairs; the receiver (``self``, ``&mut self``, ``self: Box<Self>``) is not one."""
    if params is None:
        return ()
    out: list[Param] = []
    for param in params.named_children:
        if param.type != "parameter":
            continue
        pattern = one_line(text(param.child_by_field_name("pattern"), source))
        if pattern != "self":
            out.append(Param(pattern, one_line(text(param.child_by_field_name("type"), source)) or None))
    return tuple(out)


def _members(node: Node, source: bytes, item: Symbol) -> list[Symbol]:
    """Public fields of structs and unions, every variant of an enum, every item of a trait."""
    body = node.child_by_field_name("body")
    if body is None:
        return []
    if body.type == "field_declaration_list":
        return [
            _symbol(field, source, "field", item.name, visibility)
            for field in body.named_children
            if field.type == "field_declaration" and (visibility := _visibility(field, source))
        ]
    if body.type == "ordered_field_declaration_list":
        return _tuple_fields(body, source, item.name)
    if body.type == "enum_variant_list":
        return [
            _symbol(variant, source, "variant", item.name, item.visibility)
            for variant in body.named_children
            if variant.type == "enum_variant"
        ]
    if node.type == "trait_item":
        return [
            _symbol(member, source, _MEMBER_KINDS[member.type], item.name, item.visibility)
            for member in body.named_children
            if member.type in _MEMBER_KINDS
        ]
    return []


def _tuple_fields(body: Node, source: bytes, parent: str) -> list[Symbol]:
    """``pub struct P(pub u8, String)``: public positional fields, named by index ("0")."""
    symbols: list[Symbol] = []
    index, visibility = 0, None
    for i, child in enumerate(body.children):
        if child.type == "visibility_modifier":
            visibility = child
        elif body.field_name_for_child(i) == "type":
            if visibility is not None:
                first, last = lines(child)
                written = flat(source, visibility.start_byte, child.end_byte)
                as_written = one_line(text(visibility, source))
                symbols.append(
                    Symbol(
                        str(index), "field", first, last, written, parent=parent, visibility=as_written,
                        doc=_doc(visibility, source),
                    )
                )
            index, visibility = index + 1, None
    return symbols


def _impl_members(node: Node, source: bytes) -> list[Symbol]:
    """``pub`` items of an inherent impl; every method of a trait impl (public through the trait)."""
    body = node.child_by_field_name("body")
    if body is None:
        return []
    parent = _type_name(node.child_by_field_name("type"), source)
    via_trait = node.child_by_field_name("trait") is not None
    symbols: list[Symbol] = []
    for member in body.named_children:
        kind = _MEMBER_KINDS.get(member.type)
        if kind is None or (via_trait and kind != "method"):
            continue
        visibility = "pub" if via_trait else _visibility(member, source)
        if visibility is not None:
            symbols.append(_symbol(member, source, kind, parent, visibility))
    return symbols


def _type_name(node: Node | None, source: bytes) -> str | None:
    """``&'a mut crate::net::Server<T>`` -> ``Server``."""
    while node is not None:
        if node.type in ("reference_type", "pointer_type", "generic_type"):
            node = node.child_by_field_name("type")
        elif node.type == "scoped_type_identifier":
            node = node.child_by_field_name("name")
        else:
            return one_line(text(node, source))
    return None


def _is_macro_export(node: Node, source: bytes) -> bool:
    previous = node.prev_named_sibling
    while previous is not None and previous.type in ("attribute_item", "line_comment", "block_comment"):
        if previous.type == "attribute_item" and text(previous, source).startswith("#[macro_export"):
            return True
        previous = previous.prev_named_sibling
    return False


def _macro(node: Node, source: bytes, parent: str | None) -> Symbol | None:
    """A ``#[macro_export]`` macro: exported from the crate root, so recorded as "pub"."""
    name = node.child_by_field_name("name")
    if name is None:  # error recovery can leave a nameless definition
        return None
    first, last = lines(node)
    signature = flat(source, node.start_byte, name.end_byte)
    doc = _doc(node, source)
    return Symbol(text(name, source), "macro", first, last, signature, parent=parent, visibility="pub", doc=doc)


def _doc(node: Node, source: bytes) -> str | None:
    lines: list[str] = []
    for found in reversed(attached(node, source, b"/]", _COMMENTS, _ATTRIBUTES)):
        written = text(found, source)
        if found.type == "attribute_item":
            doc = _DOC_ATTRIBUTE.match(written)
            if doc is not None:  # the common escapes only: a doc string is prose
                lines.extend(doc.group(1).replace('\\"', '"').replace("\\n", "\n").splitlines())
        elif _is_outer_doc(written):
            lines.extend(comment_lines(written))
    return paragraph(lines) if lines else None


def _is_outer_doc(comment: str) -> bool:
    """``/// x`` and ``/** x */``, not ``//// x``, ``/*** x */``, ``/**/`` or inner ``//!``/``/*!``."""
    if comment.startswith("///"):
        return not comment.startswith("////")
    return comment.startswith("/**") and not comment.startswith(("/***", "/**/"))
