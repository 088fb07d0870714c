"""Ruby: classes, modules, their public methods and constants; top-level methods.

Kinds: class and module (named as written, ``Gateway::Stripe``; parent: the
enclosing class or module), method (``def x``, ``def self.x`` named ``x`` with
the ``self.`` kept in the signature, methods of ``class << self``, and one per
name of ``attr_reader``/``attr_writer``/``attr_accessor``/``attr``), function
(a ``def`` outside any class or module), constant (``NAME = ...`` in a class or
module body).

Visibility is read as Ruby applies it, statement by statement in each body:
a bare ``private``/``protected`` hides the instance methods defined after it
until ``public`` (``module_function`` too, since those become public module
methods); ``private def x``, ``private :x, :y`` (also after the def) and
``private attr_reader :x`` hide those names; ``private_class_method :x`` hides
a ``def self.x``; ``private_constant :X`` hides a constant. Bare ``private``
does not touch ``def self.x``, as in Ruby. Only class, module and
``class << self`` bodies are read: nothing inside blocks or method bodies.

Parameters keep their prefixes (``*args``, ``**opts``, ``&blk``, ``key:``, ``...``)
and have no type. A constant's signature is its assignment when that fits on
one line, else its name.

``doc`` is the first paragraph of the ``#`` comment block directly above a
definition (above the whole statement for ``private def x``; one block for
every name of an ``attr_accessor``), up to the first YARD tag (``@param``);
tool directives (``# rubocop:``, ``# frozen_string_literal:``, ``# typed:``,
``# :nodoc:``) are not text. See docs.py for the rules every language shares.
"""
from __future__ import annotations

import re
from typing import Any

from tree_sitter import Node

from ..model import Param, Symbol
from .docs import attached, line_doc
from .syntax import drain, flat, lines, members, one_line, public_symbol, text

# Bare calls that set the visibility of the defs that follow: are they public?
_SECTIONS = {"public": True, "private": False, "protected": False, "module_function": True}
_CLASS_SECTIONS = {"public_class_method": True, "private_class_method": False}
_ATTRIBUTES = ("attr_reader", "attr_writer", "attr_accessor", "attr")
# Comments that are instructions to a tool, not documentation.
_DIRECTIVE = re.compile(rb"#\s*(?:rubocop:|frozen_string_literal:|typed:|:nodoc:)")


def extract(root: Node, source: bytes) -> list[Symbol]:
    symbols: list[Symbol] = []
    # (body, enclosing class or module, is a `class << self` body)
    bodies: list[tuple[Node, str | None, bool]] = [(root, None, False)]
    for body, parent, singleton in drain(bodies):
        symbols.extend(_Body(source, parent, singleton).read(body, bodies))
    return symbols


class _Body:
    """The public symbols of one class, module or ``class << self`` body, or of the file."""

    def __init__(self, source: bytes, parent: str | None, singleton: bool) -> None:
        self.source = source
        self.parent = parent
        self.singleton = singleton
        self.section_public = True
        # (symbol, public where defined, defined with `def self.`)
        self.methods: list[tuple[Symbol, bool, bool]] = []
        # `private :x` and friends, applied after the body is read: last one wins
        self.named_public: dict[tuple[str, bool], bool] = {}
        self.constants: list[Symbol] = []
        self.hidden_constants: set[str] = set()
        self.modules: list[Symbol] = []

    def read(self, body: Node, bodies: list[tuple[Node, str | None, bool]]) -> list[Symbol]:
        for node in members(body):
            kind = node.type
            if kind in ("class", "module"):
                declared = self._module(node)
                self.modules.append(declared)
                inner = node.child_by_field_name("body")
                if inner is not None:
                    bodies.append((inner, declared.name, False))
            elif kind == "singleton_class":
                inner = node.child_by_field_name("body")
                if inner is not None:
                    bodies.append((inner, self.parent, True))
            elif kind in ("method", "singleton_method"):
                self._def(node, self.section_public)
            elif kind == "identifier" and text(node, self.source) in _SECTIONS:
                self.section_public = _SECTIONS[text(node, self.source)]
            elif kind == "call" and node.child_by_field_name("receiver") is None:
                self._call(node)
            elif kind == "assignment" and self.parent is not None:
                self._constants(node)
        methods = [s for s, public, on_self in self.methods if self.named_public.get((s.name, on_self), public)]
        constants = [c for c in self.constants if c.name not in self.hidden_constants]
        return self.modules + methods + constants

    def _call(self, node: Node) -> None:
        word = text(node.child_by_field_name("method"), self.source)
        arguments = node.child_by_field_name("arguments")
        args = [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
        if word in _SECTIONS:
            if not args:  # `private()`
                self.section_public = _SECTIONS[word]
            for arg in args:
                # `private def x`: the comments above the statement are the def's
                if arg.type in ("method", "singleton_method"):
                    self._def(arg, _SECTIONS[word], node)
                elif arg.type == "call" and text(arg.child_by_field_name("method"), self.source) in _ATTRIBUTES:
                    self._attributes(arg, _SECTIONS[word], node)
                elif (name := _symbol_name(arg, self.source)) is not None:
                    self.named_public[(name, False)] = _SECTIONS[word]
        elif word in _CLASS_SECTIONS:
            for arg in args:
                if arg.type == "singleton_method":
                    self._def(arg, _CLASS_SECTIONS[word], node)
                elif (name := _symbol_name(arg, self.source)) is not None:
                    self.named_public[(name, True)] = _CLASS_SECTIONS[word]
        elif word == "private_constant":
            self.hidden_constants.update(n for a in args if (n := _symbol_name(a, self.source)) is not None)
        elif word in _ATTRIBUTES:
            self._attributes(node, self.section_public)

    def _def(self, node: Node, public: bool, statement: Node | None = None) -> None:
        """``def x`` or ``def self.x``; only ``private_class_method`` hides the latter."""
        on_self = node.type == "singleton_method"
        name_node = node.child_by_field_name("name")
        if name_node is None:  # error recovery can leave a nameless definition
            return
        name = text(name_node, self.source)
        params = node.child_by_field_name("parameters")
        end = (params or name_node).end_byte
        in_type = self.parent is not None or self.singleton
        symbol = self._symbol(
            node,
            name,
            "method" if in_type else "function",
            flat(self.source, node.start_byte, end),
            parameters=_parameters(params, self.source),
            doc=self._doc(statement or node),
        )
        self.methods.append((symbol, public or on_self, on_self))

    def _attributes(self, node: Node, public: bool, statement: Node | None = None) -> None:
        """``attr_accessor :a, :b``: a method per name, its signature ``attr_accessor :a``."""
        word = text(node.child_by_field_name("method"), self.source)
        arguments = node.child_by_field_name("arguments")
        doc = self._doc(statement or node)
        for arg in arguments.named_children if arguments is not None else ():
            name = _symbol_name(arg, self.source)
            if name is not None:
                symbol = self._symbol(node, name, "method", f"{word} :{name}", doc=doc)
                self.methods.append((symbol, public, False))

    def _constants(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        targets = left.named_children if left is not None and left.type == "left_assignment_list" else [left]
        names = [text(t, self.source) for t in targets if t is not None and t.type == "constant"]
        first, last = lines(node)
        signature = one_line(text(node if first == last else left, self.source))
        doc = self._doc(node) if names else None
        self.constants.extend(self._symbol(node, name, "constant", signature, doc=doc) for name in names)

    def _module(self, node: Node) -> Symbol:
        name = node.child_by_field_name("name")
        end = (node.child_by_field_name("superclass") or name or node).end_byte
        signature = flat(self.source, node.start_byte, end)
        return self._symbol(node, one_line(text(name, self.source)), node.type, signature, doc=self._doc(node))

    def _symbol(self, node: Node, name: str, kind: str, signature: str, **extra: Any) -> Symbol:
        return public_symbol(node, name, kind, self.parent, signature, **extra)

    def _doc(self, node: Node) -> str | None:
        found = attached(node, self.source, b"#", ("comment",))
        return line_doc([c for c in found if not _DIRECTIVE.match(self.source, c.start_byte)], self.source)


def _symbol_name(node: Node, source: bytes) -> str | None:
    """``:name``, ``:"name"`` or ``"name"`` as a method or constant name, else None."""
    if node.type == "simple_symbol":
        return text(node, source)[1:]
    if node.type in ("delimited_symbol", "string"):
        content = [c for c in node.named_children if c.type == "string_content"]
        return text(content[0], source) if len(content) == 1 and node.named_child_count == 1 else None
    return None


def _parameters(params: Node | None, source: bytes) -> tuple[Param, ...]:
    if params is None:
        return ()
    out: list[Param] = []
    for param in params.named_children:
        kind = param.type
        if kind == "comment":
            continue
        if kind == "keyword_parameter":
            name = text(param.child_by_field_name("name"), source) + ":"
        elif kind == "optional_parameter":
            name = text(param.child_by_field_name("name"), source)
        else:  # `x`, `*args`, `**opts`, `&blk`, `...`, `(a, b)`
            name = one_line(text(param, source))
        out.append(Param(name))
    return tuple(out)
