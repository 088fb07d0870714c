"""What one TypeScript / JavaScript declaration reports: the symbol, its
signature and parameters, and its public class and interface members.

typescript.py's docstring specifies the rules; this module is the half of the
extractor that reports a declaration once the other half (export statements,
CommonJS assignments) has decided it is public.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node

from ..model import Param, Symbol
from .docs import attached, block_doc
from .syntax import child_of_type, clip, flat, members, one_line, text

FUNCTION_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration", "function_signature"})
CLASS_DECLARATIONS = frozenset({"class_declaration", "abstract_class_declaration"})
MODULE_DECLARATIONS = frozenset({"internal_module", "module"})
VARIABLE_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})
DECLARATIONS = (
    FUNCTION_DECLARATIONS
    | CLASS_DECLARATIONS
    | MODULE_DECLARATIONS
    | VARIABLE_DECLARATIONS
    | {"interface_declaration", "type_alias_declaration", "enum_declaration", "ambient_declaration"}
)
_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_CLASS_VALUES = frozenset({"class"})
_METHOD_MEMBERS = frozenset({"method_definition", "method_signature", "abstract_method_signature"})
_FIELD_MEMBERS = frozenset({"public_field_definition", "field_definition"})
_HIDDEN_ACCESS = frozenset({"private", "protected"})
_COMMENTS = ("comment",)
_DECORATORS = ("decorator",)
# A signature ends before a body, a value or a list separator.
_SIGNATURE_TRIM = " {:=;,"


@dataclass
class Scope:
    """A module, namespace body or declared module: where exports are resolved."""

    body: Node
    parent: str | None
    ambient: bool  # inside `declare`: every declaration is public
    functions: set[str] = field(default_factory=set)  # names reported, for overloads
    _locals: dict[str, tuple[Node, Node, Node | None]] | None = None

    def local(self, name: str, source: bytes) -> tuple[Node, Node, Node | None] | None:
        """(declaration, node its signature starts at, declarator) of a name declared here."""
        if self._locals is None:
            self._locals = {}
            for stmt in members(self.body):
                start = stmt
                if stmt.type == "export_statement":
                    decl = stmt.child_by_field_name("declaration")
                    if decl is None:
                        continue
                    start, stmt = first_token(stmt), decl
                if stmt.type == "ambient_declaration":
                    stmt = _ambient_inner(stmt) or stmt
                for local_name, declarator in _declared_names(stmt, source):
                    self._locals.setdefault(local_name, (stmt, start, declarator))
        return self._locals.get(name)


class Declarations:
    """Reports declarations into ``out``; namespaces found on the way are pushed
    onto ``scopes`` for the caller to walk."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        # keyed so that a re-export of a reported symbol is not doubled
        self.out: dict[tuple[str, str, int, str | None], Symbol] = {}
        self.scopes: list[Scope] = []

    def _declaration(
        self,
        node: Node,
        start: Node,
        scope: Scope,
        visibility: str,
        name: str | None = None,
        declarator: Node | None = None,
        ambient: bool = False,
    ) -> None:
        """Report one declaration whose signature starts at `start` (its `export`/`declare`)."""
        kind = node.type
        if kind == "ambient_declaration":
            inner = _ambient_inner(node)
            if inner is not None:
                self._declaration(inner, start, scope, visibility, name, declarator, ambient=True)
                return
            block = child_of_type(node, "statement_block")
            if block is not None and child_of_type(node, "global") is not None:
                self._module("global", node, start, block, block.start_byte, scope, visibility, True)
            return
        name_node = node.child_by_field_name("name")
        own = name or text(name_node, self.source)
        if kind in FUNCTION_DECLARATIONS:
            if own and own not in scope.functions:
                scope.functions.add(own)
                self._callable(own, "function", node, start, body_start(node), node, visibility, scope.parent)
        elif kind in CLASS_DECLARATIONS:
            self._class(own, node, start, node, visibility, scope.parent)
        elif kind == "interface_declaration":
            body = node.child_by_field_name("body")
            signature = self._signature(start.start_byte, _start_of(body, node), node)
            self._add(own, "interface", start, node, signature, visibility, scope.parent)
            if body is not None:
                self._interface_members(body, own)
        elif kind == "enum_declaration":
            body = node.child_by_field_name("body")
            signature = self._signature(start.start_byte, _start_of(body, node), node)
            self._add(own, "enum", start, node, signature, visibility, scope.parent)
        elif kind == "type_alias_declaration":
            signature = clip(self._signature(start.start_byte, node.end_byte, node))
            self._add(own, "type", start, node, signature, visibility, scope.parent)
        elif kind in VARIABLE_DECLARATIONS:
            self._variables(node, start, scope, visibility, name, declarator)
        elif kind in MODULE_DECLARATIONS:
            if name_node is not None and name_node.type == "string":
                own = name or unquote(text(name_node, self.source))
            body = node.child_by_field_name("body")
            self._module(own, node, start, body, _start_of(body, node), scope, visibility, scope.ambient or ambient)

    def _module(
        self, name: str, node: Node, start: Node, body: Node | None, sig_end: int, scope: Scope, visibility: str,
        ambient: bool,
    ) -> None:
        if not name:
            return
        signature = self._signature(start.start_byte, sig_end, node)
        self._add(name, "module", start, node, signature, visibility, scope.parent)
        if body is not None:
            self.scopes.append(Scope(body, name, ambient))

    def _variables(
        self, node: Node, start: Node, scope: Scope, visibility: str, name: str | None, only: Node | None
    ) -> None:
        declarators = [c for c in node.named_children if c.type == "variable_declarator"]
        if not declarators:
            return
        keyword = node.child_by_field_name("kind")
        plain_kind = "constant" if keyword is not None and keyword.type == "const" else "variable"
        # "export const " is shared by every declarator of the statement.
        head = self.source[start.start_byte : declarators[0].start_byte]
        single = len(declarators) == 1
        for declarator in declarators:
            if only is not None and declarator != only:
                continue
            first = start if single else declarator
            last = node if single else declarator
            name_node = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if name_node is not None and name_node.type == "identifier":
                own = name or text(name_node, self.source)
                self._value(own, value, head, declarator.start_byte, first, last, visibility, scope, plain_kind)
            else:  # destructuring: every bound name, same signature
                signature = clip(self._joined(head, declarator.start_byte, declarator.end_byte, None))
                for bound in _bound_names(name_node, self.source):
                    self._add(bound, plain_kind, first, last, signature, visibility, scope.parent)

    def _value(
        self,
        name: str,
        value: Node | None,
        head: bytes,
        start: int,
        first: Node,
        last: Node,
        visibility: str,
        scope: Scope,
        plain_kind: str,
    ) -> None:
        """Report `name` bound to `value`: a function, a class, or a plain value of `plain_kind`.

        The signature is `head` (``export const `` shared by a statement's
        declarators) followed by the source from `start`, decorators dropped.
        """
        if value is not None and value.type in _FUNCTION_VALUES:
            signature = self._joined(head, start, body_start(value), value)
            self._add(name, "function", first, last, signature, visibility, scope.parent, *self._callable_parts(value))
        elif value is not None and value.type in _CLASS_VALUES:
            body = value.child_by_field_name("body")
            signature = self._joined(head, start, _start_of(body, value), value)
            self._add(name, "class", first, last, signature, visibility, scope.parent)
            if body is not None:
                self._class_members(body, name)
        else:
            signature = self._joined(head, start, last.end_byte, value)
            self._add(name, plain_kind, first, last, clip(signature), visibility, scope.parent)

    def _class(self, name: str, node: Node, first: Node, last: Node, visibility: str, parent: str | None) -> None:
        if not name:
            return
        body = node.child_by_field_name("body")
        signature = self._signature(first.start_byte, _start_of(body, node), node)
        self._add(name, "class", first, last, signature, visibility, parent)
        if body is not None:
            self._class_members(body, name)

    def _callable(
        self, name: str, kind: str, node: Node, first: Node, end_byte: int, last: Node, visibility: str,
        parent: str | None,
    ) -> None:
        """A function or method `node` whose signature runs from `first` to `end_byte`."""
        signature = self._signature(first.start_byte, end_byte, node)
        self._add(name, kind, first, last, signature, visibility, parent, *self._callable_parts(node))

    # -- members ---------------------------------------------------------

    def _class_members(self, body: Node, parent: str) -> None:
        seen: set[tuple[str, bool, str]] = set()
        for member in members(body):
            kind = member.type
            is_method = kind in _METHOD_MEMBERS
            if not is_method and kind not in _FIELD_MEMBERS:
                continue
            name_node = member.child_by_field_name("name") or member.child_by_field_name("property")
            if name_node is None or name_node.type == "private_property_identifier":
                continue
            access = child_of_type(member, "accessibility_modifier")
            visibility = text(access, self.source) if access is not None else "public"
            if visibility in _HIDDEN_ACCESS:
                continue
            name = unquote(text(name_node, self.source))
            start = first_token(member)
            if is_method:
                accessor = next((c.type for c in member.children if c.type in ("get", "set")), "")
                key = (name, child_of_type(member, "static") is not None, accessor)
                if key in seen:  # overloads: the first declaration stands for all
                    continue
                seen.add(key)
                self._callable(name, "method", member, start, body_start(member), member, visibility, parent)
                continue
            value = member.child_by_field_name("value")
            if value is not None and value.type in _FUNCTION_VALUES:
                signature = self._signature(start.start_byte, body_start(value), member)
                self._add(name, "method", start, member, signature, visibility, parent, *self._callable_parts(value))
            else:
                signature = clip(self._signature(start.start_byte, member.end_byte, member))
                self._add(name, "field", start, member, signature, visibility, parent)

    def _interface_members(self, body: Node, parent: str) -> None:
        seen: set[str] = set()
        for member in members(body):
            name = unquote(text(member.child_by_field_name("name"), self.source))
            if not name:
                continue
            if member.type == "method_signature":
                if name in seen:
                    continue
                seen.add(name)
                self._callable(name, "method", member, member, member.end_byte, member, "public", parent)
            elif member.type == "property_signature":
                signature = clip(self._signature(member.start_byte, member.end_byte, member))
                self._add(name, "field", member, member, signature, "public", parent)

    # -- pieces ----------------------------------------------------------

    def _callable_parts(self, node: Node) -> tuple[tuple[Param, ...], str | None]:
        """(parameters, return type) of a function-like node."""
        params: list[Param] = []
        formal = node.child_by_field_name("parameters")
        if formal is not None:
            for p in formal.named_children:
                param = self._parameter(p)
                if param is not None:
                    params.append(param)
        else:
            single = node.child_by_field_name("parameter")  # x => x
            if single is not None:
                params.append(Param(text(single, self.source)))
        returns = node.child_by_field_name("return_type")
        return tuple(params), (_annotation(returns, self.source) if returns is not None else None)

    def _parameter(self, p: Node) -> Param | None:
        kind = p.type
        if kind in ("required_parameter", "optional_parameter"):
            pattern = p.child_by_field_name("pattern")
            if pattern is None or pattern.type == "this":
                return None
            type_node = p.child_by_field_name("type")
            written = _annotation(type_node, self.source) if type_node is not None else None
            return Param(self._pattern_name(pattern), written)
        if kind == "assignment_pattern":
            return Param(self._pattern_name(p.child_by_field_name("left")))
        if kind in ("identifier", "rest_pattern", "object_pattern", "array_pattern"):
            return Param(self._pattern_name(p))
        return None  # comments, decorators, recovery nodes

    def _pattern_name(self, pattern: Node | None) -> str:
        return one_line(text(pattern, self.source))

    def _signature(self, start: int, end: int, node: Node | None) -> str:
        """Source [start, end) on one line, without the decorators `node` carries."""
        return self._joined(b"", start, end, node)

    def _joined(self, head: bytes, start: int, end: int, node: Node | None) -> str:
        """`head` + source [start, end) on one line, without the decorators `node` carries."""
        decorators: list[Node] = []
        # Only decorators wholly inside [start, end) are cut, and each starts with "@": without
        # one there, skip the scan of `node`'s children (unless a syntax error could have left
        # a decorator without its "@").
        if node is not None and (node.has_error or self.source.find(b"@", start, end) >= 0):
            decorators = [c for c in node.children if c.type == "decorator"]
        return flat(self.source, start, end, head=head, cut=decorators, trim=_SIGNATURE_TRIM)

    def _add(
        self,
        name: str,
        kind: str,
        first: Node,
        last: Node,
        signature: str,
        visibility: str,
        parent: str | None,
        parameters: tuple[Param, ...] = (),
        return_type: str | None = None,
    ) -> None:
        if not name:
            return
        key = (name, kind, first.start_byte, parent)
        if key in self.out:
            return
        self.out[key] = Symbol(
            name=name,
            kind=kind,
            line=first.start_point[0] + 1,
            end_line=last.end_point[0] + 1,
            signature=signature,
            parameters=parameters,
            return_type=return_type,
            parent=parent,
            visibility=visibility,
            # the JSDoc above its first token (`export`, or a member past its decorators)
            doc=block_doc(attached(first, self.source, b"/@)", _COMMENTS, _DECORATORS), self.source),
        )



# -- helpers on nodes --------------------------------------------------------


def first_token(node: Node) -> Node:
    """The first child that is not a decorator or comment: where a signature starts."""
    for child in node.children:
        if child.type not in ("decorator", "comment"):
            return child
    return node


def _ambient_inner(node: Node) -> Node | None:
    """The declaration a `declare` statement wraps (None for `declare global`)."""
    for child in node.named_children:
        if child.type in DECLARATIONS:
            return child
    return None


def _declared_names(node: Node, source: bytes) -> Iterator[tuple[str, Node | None]]:
    """(name, declarator or None) pairs that a declaration binds."""
    if node.type in VARIABLE_DECLARATIONS:
        for declarator in node.named_children:
            if declarator.type == "variable_declarator":
                name = declarator.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    yield text(name, source), declarator
    elif node.type in DECLARATIONS:
        name = node.child_by_field_name("name")
        if name is not None and name.type in ("identifier", "type_identifier"):
            yield text(name, source), None


def _bound_names(pattern: Node | None, source: bytes) -> list[str]:
    """Names bound by a destructuring pattern, in order (defaults and keys excluded)."""
    names: list[str] = []
    pending = [pattern] if pattern is not None else []
    while pending:
        node = pending.pop()
        kind = node.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            names.append(text(node, source))
        elif kind == "pair_pattern":
            value = node.child_by_field_name("value")
            if value is not None:
                pending.append(value)
        elif kind in ("assignment_pattern", "object_assignment_pattern"):
            left = node.child_by_field_name("left")
            if left is not None:
                pending.append(left)
        elif kind in ("object_pattern", "array_pattern", "rest_pattern"):
            pending.extend(reversed(node.named_children))
    return names



def body_start(node: Node) -> int:
    return _start_of(node.child_by_field_name("body"), node)


def _start_of(body: Node | None, node: Node) -> int:
    return body.start_byte if body is not None else node.end_byte


def _annotation(node: Node, source: bytes) -> str | None:
    """The type in ``: T`` (a type annotation, predicate or asserts clause)."""
    written = one_line(text(node, source))
    if written.startswith(":"):
        written = written[1:].lstrip()
    return written or None


def unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"`":
        return name[1:-1]
    return name
