"""Go: exported (capitalised) top-level declarations and the members of exported types.

Methods follow Go's own rule (a capitalised name is exported, whatever the
receiver), because an unexported type's methods are still reachable through
embedding and through values returned by exported functions. Struct fields and
interface methods are read only inside exported types: their container is the
symbol they hang from.

``doc`` is the first paragraph of the comment group directly above a
declaration (see docs.py), directive lines (``//go:generate``, ``//line``,
``//export``) left out as ``go doc`` does. In a grouped declaration
(``const (...)``, ``var (...)``, ``type (...)``) a spec without a comment of
its own takes the group's. Struct fields and interface methods have the
comments above them; trailing same-line comments are not read.
"""
from __future__ import annotations

import re

from tree_sitter import Node

from ..model import Param, Symbol
from .docs import attached, line_doc
from .syntax import flat, header, lines, one_line, text

_PUBLIC = "public"
_DIRECTIVE = re.compile(rb"//(?:line |extern |export |[a-z0-9]+:[a-z0-9])")


def extract(root: Node, source: bytes) -> list[Symbol]:
    symbols: list[Symbol] = []
    for node in root.children:
        read = _DECLARATIONS.get(node.type)
        if read is not None:
            symbols.extend(read(node, source))
    return symbols


def _is_exported(name: str) -> bool:
    return name[:1].isupper()


def _function(node: Node, source: bytes) -> list[Symbol]:
    name = text(node.child_by_field_name("name"), source)
    if not _is_exported(name):
        return []
    return [_callable(node, source, name, "function", None)]


def _method(node: Node, source: bytes) -> list[Symbol]:
    name = text(node.child_by_field_name("name"), source)
    if not _is_exported(name):
        return []
    return [_callable(node, source, name, "method", _receiver_type(node, source))]


def _doc(node: Node, source: bytes) -> str | None:
    found = attached(node, source, b"/", ("comment",))
    return line_doc([c for c in found if not _DIRECTIVE.match(source, c.start_byte)], source) if found else None


def _spec_doc(spec: Node, declaration: Node, source: bytes) -> str | None:
    """A grouped spec's own comment, else its group's; an ungrouped one (on its keyword's line)
    has the declaration's."""
    grouped = source.find(b"\n", declaration.start_byte, spec.start_byte) >= 0
    return (_doc(spec, source) if grouped else None) or _doc(declaration, source)


def _callable(node: Node, source: bytes, name: str, kind: str, parent: str | None) -> Symbol:
    result = node.child_by_field_name("result")
    first, last = lines(node)
    return Symbol(
        name=name,
        kind=kind,
        line=first,
        end_line=last,
        signature=header(node, source, node.child_by_field_name("body")),
        parameters=_parameters(node.child_by_field_name("parameters"), source),
        return_type=text(result, source) or None,
        parent=parent,
        visibility=_PUBLIC,
        doc=_doc(node, source),
    )


def _parameters(params: Node | None, source: bytes) -> tuple[Param, ...]:
    """One Param per name: ``a, b int`` gives two; an unnamed parameter has name ""."""
    if params is None:
        return ()
    out: list[Param] = []
    for decl in params.named_children:
        kind = decl.type
        if kind not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        type_ = text(decl.child_by_field_name("type"), source)
        if kind == "variadic_parameter_declaration":
            type_ = "..." + type_
        names = [text(n, source) for n in decl.children_by_field_name("name") if n.type == "identifier"]
        out.extend(Param(n, type_ or None) for n in names or [""])
    return tuple(out)


def _base_type_name(node: Node | None, source: bytes) -> str:
    """``*pkg.Server[T]`` -> ``Server``: the bare name of a receiver or embedded type."""
    while node is not None:
        if node.type in ("pointer_type", "parenthesized_type"):
            node = node.named_children[-1] if node.named_children else None
        elif node.type in ("generic_type", "qualified_type"):
            node = node.child_by_field_name("type") or node.child_by_field_name("name")
        else:
            return text(node, source)
    return ""


def _receiver_type(node: Node, source: bytes) -> str | None:
    receiver = node.child_by_field_name("receiver")
    for decl in receiver.named_children if receiver is not None else ():
        if decl.type == "parameter_declaration":
            return _base_type_name(decl.child_by_field_name("type"), source) or None
    return None


_TYPE_KINDS = {"struct_type": "struct", "interface_type": "interface"}


def _types(node: Node, source: bytes) -> list[Symbol]:
    symbols: list[Symbol] = []
    for spec in node.named_children:
        if spec.type not in ("type_spec", "type_alias"):
            continue
        name = text(spec.child_by_field_name("name"), source)
        if not _is_exported(name):
            continue
        type_node = spec.child_by_field_name("type")
        if spec.type == "type_alias" or type_node is None:
            kind, type_node = "type", None
        else:
            kind = _TYPE_KINDS.get(type_node.type, "type")
        if type_node is None or kind == "type":
            signature = "type " + one_line(text(spec, source))
        else:  # the members are symbols of their own: stop at the keyword
            signature = f"type {flat(source, spec.start_byte, type_node.start_byte)} {kind}"
        first, last = lines(spec)
        doc = _spec_doc(spec, node, source)
        symbols.append(Symbol(name, kind, first, last, signature, parent=None, visibility=_PUBLIC, doc=doc))
        if type_node is not None and kind == "struct":
            symbols.extend(_struct_fields(type_node, source, name))
        elif type_node is not None and kind == "interface":
            symbols.extend(_interface_methods(type_node, source, name))
    return symbols


def _struct_fields(struct: Node, source: bytes, parent: str) -> list[Symbol]:
    symbols: list[Symbol] = []
    body = next((c for c in struct.named_children if c.type == "field_declaration_list"), None)
    for field in body.named_children if body is not None else ():
        if field.type != "field_declaration":
            continue
        type_node = field.child_by_field_name("type")
        names = [text(n, source) for n in field.children_by_field_name("name")]
        if names:
            written = one_line(text(type_node, source))
            entries = [(n, f"{n} {written}") for n in names]
        elif type_node is not None:  # embedded: the field is named after its type
            entries = [(_base_type_name(type_node, source), flat(source, field.start_byte, type_node.end_byte))]
        else:
            continue
        first, last = lines(field)
        doc = _doc(field, source)
        symbols.extend(
            Symbol(n, "field", first, last, signature, parent=parent, visibility=_PUBLIC, doc=doc)
            for n, signature in entries
            if _is_exported(n)
        )
    return symbols


def _interface_methods(interface: Node, source: bytes, parent: str) -> list[Symbol]:
    return [
        _callable(elem, source, name, "method", parent)
        for elem in interface.named_children
        if elem.type == "method_elem"
        and _is_exported(name := text(elem.child_by_field_name("name"), source))
    ]


def _values(node: Node, source: bytes) -> list[Symbol]:
    """const and var declarations, single or grouped (``const ( A = iota; B )``)."""
    keyword, kind = ("const", "constant") if node.type == "const_declaration" else ("var", "variable")
    specs: list[Node] = []
    for child in node.named_children:
        specs.extend(child.named_children if child.type == "var_spec_list" else [child])
    symbols: list[Symbol] = []
    for spec in specs:
        if spec.type not in ("const_spec", "var_spec"):
            continue
        names = [n for n in spec.children_by_field_name("name") if n.type == "identifier"]
        exported = [name for name in (text(n, source) for n in names) if _is_exported(name)]
        if not exported:
            continue
        first, last = lines(spec)
        end = spec.end_byte
        if first != last:  # a multi-line value (a func literal, a composite) is no signature
            end = (spec.child_by_field_name("type") or names[-1]).end_byte
        signature = f"{keyword} {flat(source, spec.start_byte, end)}"
        doc = _spec_doc(spec, node, source)
        symbols.extend(Symbol(n, kind, first, last, signature, visibility=_PUBLIC, doc=doc) for n in exported)
    return symbols


_DECLARATIONS = {
    "function_declaration": _function,
    "method_declaration": _method,
    "type_declaration": _types,
    "const_declaration": _values,
    "var_declaration": _values,
}
