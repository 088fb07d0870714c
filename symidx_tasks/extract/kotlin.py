"""Kotlin: every declaration that is not ``private``, ``internal`` or ``protected``.

Kotlin's default visibility is public. Only public types are entered, so the
members of a private class are not reported. Function bodies, getters, setters
and enum entry bodies are never entered.

Kinds: class (also ``data``, ``sealed``, ``value`` and ``annotation`` classes),
enum (``enum class``; its entries are constants), interface (also ``fun
interface``), object (``object``, ``companion object``: an unnamed companion is
"Companion"), function (top level, extension functions included: the receiver
stays in the signature), method (in a type; secondary constructors are named
after their class), type (``typealias``), constant (``const val``), variable
(other top-level properties), field (other properties of a type, and the
``val``/``var`` parameters of a primary constructor).

A class's parameters are those of its primary constructor. Signatures leave
out annotations, comments and bodies; a property keeps its initializer only
when that ends on the property's first line. A property's ``return_type`` is
its declared type; ``vararg`` parameters are typed ``vararg T``.
"""
from __future__ import annotations

from typing import Any

from tree_sitter import Node

from ..records import Param, Symbol
from .syntax import child_of_type, drain, first_line, members, public_symbol, start_of_first, text, written

_HIDDEN = frozenset({"private", "internal", "protected"})
_TYPES = ("class_declaration", "object_declaration", "companion_object")
_BODIES = frozenset({"class_body", "enum_class_body"})
# What ends a header: a body, or a secondary constructor's `: this(...)`.
_HEADER_ENDS = _BODIES | {"function_body", "constructor_delegation_call"}
_NOT_SIGNATURE = frozenset({"annotation", "file_annotation", "line_comment", "multiline_comment"})


def extract(root: Node, source: bytes) -> list[Symbol]:
    symbols: list[Symbol] = []
    containers: list[tuple[Node, str | None]] = [(root, None)]
    for body, parent in drain(containers):
        for node in members(body):
            if node.type == "enum_entry":
                name = text(child_of_type(node, "simple_identifier"), source)
                symbols.append(_symbol(node, name, "constant", parent, name))
            elif not _is_public(node, source):
                continue
            elif node.type in _TYPES:
                declared = _type(node, source, parent)
                symbols.append(declared)
                symbols.extend(_constructor_fields(node, source, declared.name))
                inner = next((c for c in node.children if c.type in _BODIES), None)
                if inner is not None:
                    containers.append((inner, declared.name))
            elif node.type == "function_declaration":
                symbols.append(_function(node, source, parent))
            elif node.type == "secondary_constructor" and parent is not None:
                symbols.append(_function(node, source, parent, name=parent))
            elif node.type == "property_declaration":
                symbols.extend(_properties(node, source, parent))
            elif node.type == "type_alias":
                name = text(child_of_type(node, "type_identifier"), source)
                symbols.append(_symbol(node, name, "type", parent, written(node, source, _NOT_SIGNATURE)))
    return symbols


def _is_public(node: Node, source: bytes) -> bool:
    modifiers = child_of_type(node, "modifiers")
    return modifiers is None or not any(
        c.type == "visibility_modifier" and text(c, source) in _HIDDEN for c in modifiers.children
    )


def _symbol(node: Node, name: str, kind: str, parent: str | None, signature: str, **extra: Any) -> Symbol:
    return public_symbol(node, name, kind, parent, signature, dropped=_NOT_SIGNATURE, **extra)


def _header(node: Node, source: bytes) -> str:
    end = start_of_first(node, _HEADER_ENDS)
    return written(node, source, _NOT_SIGNATURE, end).rstrip(" :")  # `constructor(x: T) : this(x)`


def _type_after_colon(node: Node) -> Node | None:
    """The type written after a direct ``:`` child: a return type or a declared type."""
    colon = False
    for child in node.children:
        if child.type == ":":
            colon = True
        elif colon and child.is_named and child.type != "type_modifiers":
            return child
    return None


def _type_text(declared: Node | None, source: bytes) -> str | None:
    """The text of a type with its modifiers (``suspend () -> T``) but not its annotations."""
    if declared is None:
        return None
    first = declared.prev_named_sibling
    if first is None or first.type != "type_modifiers":
        first = declared
    return written(declared.parent, source, _NOT_SIGNATURE, declared.end_byte, first.start_byte)


def _type(node: Node, source: bytes, parent: str | None) -> Symbol:
    name_node = child_of_type(node, "type_identifier", "simple_identifier")
    if node.type != "class_declaration":
        kind = "object"
    elif child_of_type(node, "interface") is not None:
        kind = "interface"
    elif child_of_type(node, "enum", "enum_class_body") is not None:
        kind = "enum"
    else:
        kind = "class"
    if name_node is not None:
        name = text(name_node, source)
    else:
        name = "Companion" if node.type == "companion_object" else ""
    constructor = child_of_type(node, "primary_constructor")
    parameters = _parameters(constructor, source) if constructor is not None else ()
    return _symbol(node, name, kind, parent, _header(node, source), parameters=parameters)


def _constructor_fields(node: Node, source: bytes, parent: str) -> list[Symbol]:
    """``class P(val x: Int, private val y: Int, z: Int)``: ``x`` is a public property of P."""
    constructor = child_of_type(node, "primary_constructor")
    fields: list[Symbol] = []
    for param in constructor.named_children if constructor is not None else ():
        if param.type != "class_parameter" or child_of_type(param, "binding_pattern_kind") is None:
            continue
        if not _is_public(param, source):
            continue
        declared = _type_after_colon(param)
        end = declared.end_byte if declared is not None else param.end_byte
        name = text(child_of_type(param, "simple_identifier"), source)
        signature = written(param, source, _NOT_SIGNATURE, end)
        fields.append(_symbol(param, name, "field", parent, signature, return_type=_type_text(declared, source)))
    return fields


def _function(node: Node, source: bytes, parent: str | None, name: str | None = None) -> Symbol:
    return _symbol(
        node,
        name or text(child_of_type(node, "simple_identifier"), source),
        "function" if parent is None else "method",
        parent,
        _header(node, source),
        parameters=_parameters(child_of_type(node, "function_value_parameters"), source),
        return_type=_type_text(_type_after_colon(node), source) if node.type == "function_declaration" else None,
    )


def _parameters(params: Node | None, source: bytes) -> tuple[Param, ...]:
    """(name, type) of function or primary constructor parameters; ``vararg`` kept in the type."""
    if params is None:
        return ()
    out: list[Param] = []
    vararg = False
    for child in params.named_children:
        if child.type == "parameter_modifiers":  # modifiers of the parameter that follows
            vararg = "vararg" in text(child, source).split()
        elif child.type in ("parameter", "class_parameter"):
            type_ = _type_text(_type_after_colon(child), source)
            if type_ is not None and (vararg or "vararg" in _modifier_words(child, source)):
                type_ = "vararg " + type_
            out.append(Param(text(child_of_type(child, "simple_identifier"), source), type_))
            vararg = False
    return tuple(out)


def _modifier_words(node: Node, source: bytes) -> list[str]:
    modifiers = child_of_type(node, "modifiers")
    return written(modifiers, source, _NOT_SIGNATURE).split() if modifiers is not None else []


def _properties(node: Node, source: bytes, parent: str | None) -> list[Symbol]:
    """``val x: T = v``, ``val String.ext: T get() = ...``, ``val (a, b) = pair``: one symbol per name."""
    if "const" in _modifier_words(node, source):
        kind = "constant"
    else:
        kind = "variable" if parent is None else "field"
    declaration = child_of_type(node, "variable_declaration", "multi_variable_declaration")
    if declaration is None:
        return []
    names = [declaration] if declaration.type == "variable_declaration" else [
        c for c in declaration.named_children if c.type == "variable_declaration"
    ]
    # The initializer (`= v`, `by lazy {...}`) is kept when it ends on the first line.
    line = first_line(node, _NOT_SIGNATURE)
    end = declaration.end_byte
    for child in node.children[node.children.index(declaration) + 1 :]:
        if child.type in ("getter", "setter") or child.end_point[0] + 1 != line:
            break
        if child.is_named:
            end = child.end_byte
    signature = written(node, source, _NOT_SIGNATURE, end)
    return [
        _symbol(
            node,
            text(child_of_type(n, "simple_identifier"), source),
            kind,
            parent,
            signature,
            return_type=_type_text(_type_after_colon(n), source),
        )
        for n in names
    ]
