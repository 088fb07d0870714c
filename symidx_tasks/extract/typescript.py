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

``doc`` is the first paragraph of the JSDoc/TSDoc comment (``/** ... */``)
directly above a declaration or the ``export`` statement that wraps it, read
through decorators and other comments (``// eslint-disable-next-line``), up to
the first blank line or block tag (``@param``); ``{@link X}`` becomes ``X``
(see docs.py). A declaration exported by name (``export { a }``) has the
comment above its own declaration; the declarators of ``const a = 1, b = 2``
have none of their own.
"""
from __future__ import annotations

from tree_sitter import Node

from ..model import Symbol
from .syntax import child_of_type, members, text
from .typescript_declarations import DECLARATIONS, Declarations, Scope, body_start, first_token, unquote


def extract(root: Node, source: bytes) -> list[Symbol]:
    return _Extractor(source).run(root)


class _Extractor(Declarations):
    """Walks module and namespace bodies and decides what each statement exports."""

    def run(self, root: Node) -> list[Symbol]:
        self.scopes.append(Scope(root, None, False))
        while self.scopes:
            scope = self.scopes.pop()
            for stmt in members(scope.body):
                self._statement(stmt, scope)
        return list(self.out.values())

    # -- statements ------------------------------------------------------

    def _statement(self, stmt: Node, scope: Scope) -> None:
        kind = stmt.type
        if kind == "export_statement":
            self._export(stmt, scope)
        elif kind == "ambient_declaration" or (scope.ambient and kind in DECLARATIONS):
            self._declaration(stmt, stmt, scope, "declare")
        elif kind == "expression_statement" and scope.parent is None:
            self._commonjs(stmt, scope)

    def _export(self, stmt: Node, scope: Scope) -> None:
        start = first_token(stmt)
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
                    alias = unquote(text(spec.child_by_field_name("alias"), self.source))
                    self._export_local(local, alias or local, scope)
            return
        if child_of_type(stmt, "=") is not None:  # export = Local
            target = next((c for c in stmt.named_children if c.type == "identifier"), None)
            if target is not None:
                name = text(target, self.source)
                self._export_local(name, name, scope)

    def _export_local(self, local: str, exported: str, scope: Scope) -> None:
        """Report the declaration of `local` in this scope under the name `exported`.

        Exported as ``default``, it keeps its own name, as ``export default
        function name`` does.
        """
        found = scope.local(local, self.source)
        if found is not None:
            declaration, start, declarator = found
            name = local if exported == "default" else exported
            self._declaration(declaration, start, scope, "export", name, declarator)

    def _default(self, value: Node, start: Node, stmt: Node, scope: Scope) -> None:
        if value.type == "identifier":
            name = text(value, self.source)
            self._export_local(name, name, scope)
            return
        name = text(value.child_by_field_name("name"), self.source) or "default"
        self._value(name, value, b"", start.start_byte, start, stmt, "export", scope, "constant")

    def _commonjs(self, stmt: Node, scope: Scope) -> None:
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

    def _commonjs_property(self, prop: Node, scope: Scope) -> None:
        if prop.type == "shorthand_property_identifier":
            name = text(prop, self.source)
            self._export_local(name, name, scope)
        elif prop.type == "pair":
            key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
            if key is None or value is None or key.type not in ("property_identifier", "string", "number"):
                return
            name = unquote(text(key, self.source))
            if value.type == "identifier":
                self._export_local(text(value, self.source), name, scope)
            else:
                self._value(name, value, b"", prop.start_byte, prop, prop, "export", scope, "variable")
        elif prop.type == "method_definition":
            name = unquote(text(prop.child_by_field_name("name"), self.source))
            if name:
                start = first_token(prop)
                self._callable(name, "function", prop, start, body_start(prop), prop, "export", scope.parent)


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

