"""The exported API of TypeScript, TSX and JavaScript modules.

One extractor serves the ``typescript``, ``tsx`` and ``javascript`` grammars.
Their field *ids* differ, so nodes are read by field name and node type only.

What counts as public, and how it is reported:
- ``export``ed declarations, visibility ``export``: functions (async,
  generator; overloads are reported once, at the first declaration of the
  name in its scope), classes (abstract too), interfaces, type aliases, enums
  (const enums too), ``const`` (kind constant) and ``let``/``var`` (kind
  variable). A variable whose value is an arrow function or function
  expression is a function (with its parameters and return type); one whose
  value is a class expression is a class. Destructured exports
  (``export const {a, b} = o``) report each bound name.
- ``export default``: a named function/class by its name; an anonymous one as
  ``default``; ``export default Local`` reports the local declaration by its
  own name; any other expression is a constant named ``default``.
- ``export { a, b as c }`` (no ``from``): each name that is declared in the
  same scope is reported from its declaration, under the exported name
  (``as default`` keeps the local name, as default exports do). Names not
  declared in the scope (imports), ``export ... from`` and ``export *`` are
  re-exports: the symbol is indexed in the module that declares it.
- ``export = Local`` (TypeScript's CommonJS form) as ``export default Local``.
- ``namespace``/``module X {}`` (kind module): its exported members, parent X.
- ``declare ...`` statements (the ``.d.ts`` style): reported with visibility
  ``declare`` (``export`` when also exported). Inside a declared namespace or
  module every declaration is public, as in TypeScript's ambient contexts;
  ``declare global {}`` is a module named ``global``. Non-``declare``
  top-level declarations of script-style ``.d.ts`` files are not reported:
  the extractor does not see file names.
- Class members, parent = class: methods (``constructor`` included; getters
  and setters are methods too), fields (kind field; a field holding an arrow
  function is a method), static or not; not ``private``, ``protected`` or
  ``#private``. Interface members, parent = interface: method signatures
  (kind method) and property signatures (kind field). Index, call and
  construct signatures and enum members are not reported.
- CommonJS, at module level: ``exports.x = ...`` and ``module.exports.x = ...``
  (a function, a class, a local declaration under the name ``x``, otherwise a
  variable); ``module.exports = {...}`` reports each property the same way;
  ``module.exports = Local`` or ``= function name(){}`` as a default export.
  Chained assignments (``exports.a = exports.b = void 0``) are skipped.

Signatures are the declaration on one line up to its body (constants, type
aliases and fields in full, cut at 120 characters), with ``export``/``export default``/
``declare`` kept and decorators dropped. ``line`` is where that signature
starts. Parameters keep ``...rest``; TypeScript's ``this`` parameter is
dropped; a destructured parameter is named as written (``{a, b}``).
Only module, namespace, class and interface bodies are walked, never
function bodies.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from ..model import Param, Symbol
from .syntax import child_of_type, clip, flat, members, one_line, text

_FUNCTION_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration", "function_signature"})
_CLASS_DECLARATIONS = frozenset({"class_declaration", "abstract_class_declaration"})
_MODULE_DECLARATIONS = frozenset({"internal_module", "module"})
_VARIABLE_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})
_DECLARATIONS = (
    _FUNCTION_DECLARATIONS
    | _CLASS_DECLARATIONS
    | _MODULE_DECLARATIONS
    | _VARIABLE_DECLARATIONS
    | {"interface_declaration", "type_alias_declaration", "enum_declaration", "ambient_declaration"}
)
_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
_CLASS_VALUES = frozenset({"class"})
_METHOD_MEMBERS = frozenset({"method_definition", "method_signature", "abstract_method_signature"})
_FIELD_MEMBERS = frozenset({"public_field_definition", "field_definition"})
_HIDDEN_ACCESS = frozenset({"private", "protected"})
# A signature ends before a body, a value or a list separator.
_SIGNATURE_TRIM = " {:=;,"


def extract(root: Node, source: bytes) -> list[Symbol]:
    return _Extractor(source).run(root)


@dataclass
class _Scope:
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
                    start, stmt = _first_token(stmt), decl
                if stmt.type == "ambient_declaration":
                    stmt = _ambient_inner(stmt) or stmt
                for local_name, declarator in _declared_names(stmt, source):
                    self._locals.setdefault(local_name, (stmt, start, declarator))
        return self._locals.get(name)


class _Extractor:
    def __init__(self, source: bytes) -> None:
        self.source = source
        self.out: dict[tuple, Symbol] = {}  # keyed so that a re-export of a reported symbol is not doubled
        self.scopes: list[_Scope] = []

    def run(self, root: Node) -> list[Symbol]:
        self.scopes.append(_Scope(root, None, False))
        while self.scopes:
            scope = self.scopes.pop()
            for stmt in members(scope.body):
                self._statement(stmt, scope)
        return list(self.out.values())

    # -- statements ------------------------------------------------------

    def _statement(self, stmt: Node, scope: _Scope) -> None:
        kind = stmt.type
        if kind == "export_statement":
            self._export(stmt, scope)
        elif kind == "ambient_declaration" or (scope.ambient and kind in _DECLARATIONS):
            self._declaration(stmt, stmt, scope, "declare")
        elif kind == "expression_statement" and scope.parent is None:
            self._commonjs(stmt, scope)

    def _export(self, stmt: Node, scope: _Scope) -> None:
        start = _first_token(stmt)
        declaration = stmt.child_by_field_name("declaration")
        if declaration is not None:
            self._declaration(declaration, start, scope, "export")
            return
        value = stmt.child_by_field_name("value")
        if value is not None:  # export default <expression>
            self._default(value, start, stmt, scope)
            return
        if stmt.child_by_field_name("source") is not None:
            return  # export ... from "...": declared in another module
        clause = child_of_type(stmt, "export_clause")
        if clause is not None:
            for spec in clause.named_children:
                if spec.type == "export_specifier":
                    local = text(spec.child_by_field_name("name"), self.source)
                    alias = _unquote(text(spec.child_by_field_name("alias"), self.source))
                    self._export_local(local, alias or local, scope)
            return
        if child_of_type(stmt, "=") is not None:  # export = Local
            target = next((c for c in stmt.named_children if c.type == "identifier"), None)
            if target is not None:
                name = text(target, self.source)
                self._export_local(name, name, scope)

    def _export_local(self, local: str, exported: str, scope: _Scope) -> None:
        """Report the declaration of `local` in this scope under the name `exported`.

        Exported as ``default``, it keeps its own name, as ``export default
        function name`` does.
        """
        found = scope.local(local, self.source)
        if found is not None:
            declaration, start, declarator = found
            name = local if exported == "default" else exported
            self._declaration(declaration, start, scope, "export", name, declarator)

    def _default(self, value: Node, start: Node, stmt: Node, scope: _Scope) -> None:
        if value.type == "identifier":
            name = text(value, self.source)
            self._export_local(name, name, scope)
            return
        name = text(value.child_by_field_name("name"), self.source) or "default"
        self._value(name, value, b"", start.start_byte, start, stmt, "export", scope, "constant")

    def _commonjs(self, stmt: Node, scope: _Scope) -> None:
        expr = stmt.named_children[0] if stmt.named_child_count else None
        if expr is None or expr.type != "assignment_expression":
            return
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        if left is None or right is None or _is_placeholder(right, self.source):
            return
        target = _exports_target(left, self.source)
        if target is None:
            return
        if target:  # exports.name = ... / module.exports.name = ...
            if right.type == "identifier":
                self._export_local(text(right, self.source), target, scope)
            else:
                self._value(target, right, b"", stmt.start_byte, stmt, stmt, "export", scope, "variable")
            return
        # module.exports = ...
        if right.type == "object":
            for prop in right.named_children:
                self._commonjs_property(prop, scope)
        else:
            self._default(right, stmt, stmt, scope)

    def _commonjs_property(self, prop: Node, scope: _Scope) -> None:
        if prop.type == "shorthand_property_identifier":
            name = text(prop, self.source)
            self._export_local(name, name, scope)
        elif prop.type == "pair":
            key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
            if key is None or value is None or key.type not in ("property_identifier", "string", "number"):
                return
            name = _unquote(text(key, self.source))
            if value.type == "identifier":
                self._export_local(text(value, self.source), name, scope)
            else:
                self._value(name, value, b"", prop.start_byte, prop, prop, "export", scope, "variable")
        elif prop.type == "method_definition":
            name = _unquote(text(prop.child_by_field_name("name"), self.source))
            if name:
                self._callable(name, "function", prop, _first_token(prop), _body_start(prop), prop, "export", scope.parent)

    # -- declarations ----------------------------------------------------

    def _declaration(
        self,
        node: Node,
        start: Node,
        scope: _Scope,
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
        if kind in _FUNCTION_DECLARATIONS:
            if own and own not in scope.functions:
                scope.functions.add(own)
                self._callable(own, "function", node, start, _body_start(node), node, visibility, scope.parent)
        elif kind in _CLASS_DECLARATIONS:
            self._class(own, node, start, node, visibility, scope.parent)
        elif kind == "interface_declaration":
            body = node.child_by_field_name("body")
            self._add(own, "interface", start, node, self._signature(start.start_byte, _start_of(body, node), node), visibility, scope.parent)
            if body is not None:
                self._interface_members(body, own)
        elif kind == "enum_declaration":
            body = node.child_by_field_name("body")
            self._add(own, "enum", start, node, self._signature(start.start_byte, _start_of(body, node), node), visibility, scope.parent)
        elif kind == "type_alias_declaration":
            self._add(own, "type", start, node, clip(self._signature(start.start_byte, node.end_byte, node)), visibility, scope.parent)
        elif kind in _VARIABLE_DECLARATIONS:
            self._variables(node, start, scope, visibility, name, declarator)
        elif kind in _MODULE_DECLARATIONS:
            if name_node is not None and name_node.type == "string":
                own = name or _unquote(text(name_node, self.source))
            body = node.child_by_field_name("body")
            self._module(own, node, start, body, _start_of(body, node), scope, visibility, scope.ambient or ambient)

    def _module(
        self, name: str, node: Node, start: Node, body: Node | None, sig_end: int, scope: _Scope, visibility: str, ambient: bool
    ) -> None:
        if not name:
            return
        self._add(name, "module", start, node, self._signature(start.start_byte, sig_end, node), visibility, scope.parent)
        if body is not None:
            self.scopes.append(_Scope(body, name, ambient))

    def _variables(
        self, node: Node, start: Node, scope: _Scope, visibility: str, name: str | None, only: Node | None
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
        scope: _Scope,
        plain_kind: str,
    ) -> None:
        """Report `name` bound to `value`: a function, a class, or a plain value of `plain_kind`.

        The signature is `head` (``export const `` shared by a statement's
        declarators) followed by the source from `start`, decorators dropped.
        """
        if value is not None and value.type in _FUNCTION_VALUES:
            signature = self._joined(head, start, _body_start(value), value)
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
        self, name: str, kind: str, node: Node, first: Node, end_byte: int, last: Node, visibility: str, parent: str | None
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
            name = _unquote(text(name_node, self.source))
            start = _first_token(member)
            if is_method:
                accessor = next((c.type for c in member.children if c.type in ("get", "set")), "")
                key = (name, child_of_type(member, "static") is not None, accessor)
                if key in seen:  # overloads: the first declaration stands for all
                    continue
                seen.add(key)
                self._callable(name, "method", member, start, _body_start(member), member, visibility, parent)
                continue
            value = member.child_by_field_name("value")
            if value is not None and value.type in _FUNCTION_VALUES:
                signature = self._signature(start.start_byte, _body_start(value), member)
                self._add(name, "method", start, member, signature, visibility, parent, *self._callable_parts(value))
            else:
                signature = clip(self._signature(start.start_byte, member.end_byte, member))
                self._add(name, "field", start, member, signature, visibility, parent)

    def _interface_members(self, body: Node, parent: str) -> None:
        seen: set[str] = set()
        for member in members(body):
            name = _unquote(text(member.child_by_field_name("name"), self.source))
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
            return Param(self._pattern_name(pattern), _annotation(type_node, self.source) if type_node is not None else None)
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
        )


# -- helpers on nodes --------------------------------------------------------


def _first_token(node: Node) -> Node:
    """The first child that is not a decorator or comment: where a signature starts."""
    for child in node.children:
        if child.type not in ("decorator", "comment"):
            return child
    return node


def _ambient_inner(node: Node) -> Node | None:
    """The declaration a `declare` statement wraps (None for `declare global`)."""
    for child in node.named_children:
        if child.type in _DECLARATIONS:
            return child
    return None


def _declared_names(node: Node, source: bytes):
    """(name, declarator or None) pairs that a declaration binds."""
    if node.type in _VARIABLE_DECLARATIONS:
        for declarator in node.named_children:
            if declarator.type == "variable_declarator":
                name = declarator.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    yield text(name, source), declarator
    elif node.type in _DECLARATIONS:
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


def _exports_target(left: Node, source: bytes) -> str | None:
    """For ``exports.x``/``module.exports.x``: "x"; for ``module.exports``: ""; else None."""
    if left.type != "member_expression":
        return None
    obj, prop = left.child_by_field_name("object"), left.child_by_field_name("property")
    if obj is None or prop is None:
        return None
    whole = text(obj, source)
    if whole == "module" and text(prop, source) == "exports":
        return ""
    if whole in ("exports", "module.exports") and prop.type == "property_identifier":
        return text(prop, source)
    return None


def _is_placeholder(value: Node, source: bytes) -> bool:
    """``exports.a = exports.b = void 0`` and friends declare nothing yet."""
    if value.type == "assignment_expression":
        return True
    if value.type == "unary_expression" and text(value, source).startswith("void"):
        return True
    return value.type in ("undefined", "null") or (value.type == "identifier" and text(value, source) == "undefined")


def _body_start(node: Node) -> int:
    return _start_of(node.child_by_field_name("body"), node)


def _start_of(body: Node | None, node: Node) -> int:
    return body.start_byte if body is not None else node.end_byte


def _annotation(node: Node, source: bytes) -> str | None:
    """The type in ``: T`` (a type annotation, predicate or asserts clause)."""
    written = one_line(text(node, source))
    if written.startswith(":"):
        written = written[1:].lstrip()
    return written or None


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"`":
        return name[1:-1]
    return name
