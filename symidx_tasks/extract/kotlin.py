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

``doc`` is the first paragraph of the KDoc comment (``/** ... */``) above a
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

_HIDDEN = frozenset({"private", "internal", "protected"})
_TYPES = ("class_declaration", "object_declaration", "companion_object")
_BODIES = frozenset({"class_body", "enum_class_body"})
# What ends a header: a body, or a secondary constructor's `: this(...)`.
_HEADER_ENDS = _BODIES | {"function_body", "constructor_delegation_call"}
_NOT_SIGNATURE = frozenset({"annotation", "file_annotation", "line_comment", "multiline_comment"})

_COMMENTS = ("line_comment", "multiline_comment")


def extract(root: Node, source: bytes) -> list[Symbol]:
    symbols: list[Symbol] = []
    containers: list[tuple[Node, str | None]] = [(root, None)]
    for body, parent in drain(containers):
        for node in members(body):
            kind = node.type
            if kind == "enum_entry":
                name = text(child_of_type(node, "simple_identifier"), source)
                symbols.append(_symbol(node, source, name, "constant", parent, name))
            elif not _is_public(node, source):
                continue
            elif kind in _TYPES:
                declared = _type(node, source, parent)
                symbols.append(declared)
                symbols.extend(_constructor_fields(node, source, declared.name))
                inner = next((c for c in node.children if c.type in _BODIES), None)
                if inner is not None:
                    containers.append((inner, declared.name))
            elif kind == "function_declaration":
                symbols.append(_function(node, source, parent))
            elif kind == "secondary_constructor" and parent is not None:
                symbols.append(_function(node, source, parent, name=parent))
            elif kind == "property_declaration":
                symbols.extend(_properties(node, source, parent))
            elif kind == "type_alias":
                name = text(child_of_type(node, "type_identifier"), source)
                symbols.append(_symbol(node, source, name, "type", parent, written(node, source, _NOT_SIGNATURE)))
    return symbols


def _is_public(node: Node, source: bytes) -> bool:
    modifiers = child_of_type(node, "modifiers")
    return modifiers is None or not any(
        c.type == "visibility_modifier" and text(c, source) in _HIDDEN for c in modifiers.children
    )


def _symbol(
    node: Node, source: bytes, name: str, kind: str, parent: str | None, signature: str, **extra: Any
) -> Symbol:
    doc = block_doc(attached(node, source, b"/", _COMMENTS), source)
    return public_symbol(
        node, name, kind, parent, signature, dropped=_NOT_SIGNATURE, source=source, doc=doc, **extra
    )


def _header(node: Node, source: bytes) -> str:
    end = start_of_first(node, _HEADER_ENDS)
    return written(node, source, _NOT_SIGNATURE, end).rstrip(" :")  # `constructor(x: T) : this(x)`


def _declared_type(node: Node, source: bytes) -> tuple[Node | None, str | None]:
    """The type written after a direct ``:`` child of ``node`` (a return type or a declared
    type), and its text with its modifiers (``suspend () -> T``) but not its annotations."""
    colon = False
    previous = None  # the named child before `child`: type_modifiers, if the type has any
    for child in node.children:
        kind = child.type
        if kind == ":":
            colon = True
        elif child.is_named:
            if colon and kind != "type_modifiers":
                first = previous if previous is not None and previous.type == "type_modifiers" else child
                return child, written(node, source, _NOT_SIGNATURE, child.end_byte, first.start_byte)
            previous = child
    return None, None


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
    return _symbol(node, source, name, kind, parent, _header(node, source), parameters=parameters)


def _constructor_fields(node: Node, source: bytes, parent: str) -> list[Symbol]:
    """``class P(val x: Int, private val y: Int, z: Int)``: ``x`` is a public property of P."""
    constructor = child_of_type(node, "primary_constructor")
    fields: list[Symbol] = []
    for param in constructor.named_children if constructor is not None else ():
        if param.type != "class_parameter" or child_of_type(param, "binding_pattern_kind") is None:
            continue
        if not _is_public(param, source):
            continue
        declared, type_ = _declared_type(param, source)
        end = declared.end_byte if declared is not None else param.end_byte
        name = text(child_of_type(param, "simple_identifier"), source)
        signature = written(param, source, _NOT_SIGNATURE, end)
        fields.append(_symbol(param, source, name, "field", parent, signature, return_type=type_))
    return fields


def _function(node: Node, source: bytes, parent: str | None, name: str | None = None) -> Symbol:
    return _symbol(
        node,
        source,
        name or text(child_of_type(node, "simple_identifier"), source),
        "function" if parent is None else "method",
        parent,
        _header(node, source),
        parameters=_parameters(child_of_type(node, "function_value_parameters"), source),
        return_type=_declared_type(node, source)[1] if node.type == "function_declaration" else None,
    )


def _parameters(params: Node | None, source: bytes) -> tuple[Param, ...]:
    """(name, type) of function or primary constructor parameters; ``vararg`` kept in the type."""
    if params is None:
        return ()
    out: list[Param] = []
    vararg = False
    for child in params.named_children:
        kind = child.type
        if kind == "parameter_modifiers":  # modifiers of the parameter that follows
            vararg = "vararg" in text(child, source).split()
        elif kind in ("parameter", "class_parameter"):
            type_ = _declared_type(child, source)[1]
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
    line = first_line(node, _NOT_SIGNATURE, source)
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
            source,
            text(child_of_type(n, "simple_identifier"), source),
            kind,
            parent,
            signature,
            return_type=_declared_type(n, source)[1],
        )
        for n in names
    ]
