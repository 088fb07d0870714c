"""Per-language reference queries: one module per grammar family, and the registry.

Each language module defines ``SPEC``, a ``RefSpec``: a tree-sitter query whose
capture names say what each captured node is (the contract below), plus the
facts the generic engine in ``extract/references.py`` needs to clean up what the
query found (builtins, how qualified names are spelled, ...).

Capture names (one query per language, run once over the whole tree):

- ``@def`` / ``@def.name``: a function, method, class, ... and its name. They
  give every reference its enclosing symbol; a name captured as ``@def.name``
  is never itself a reference (``class Foo`` declares Foo, it does not use it).
  ``@def.ref`` instead names a definition by a name it uses (Rust's
  ``impl Foo``: its methods' parent, and a use of Foo).
- ``@skip``: a node that is no reference although another pattern captures
  it (the ``com`` of a qualified type ``com.x.T``).
- ``@local``: a parameter or type parameter of the innermost ``@def`` around
  it. A call or type use of that name inside the definition names no other
  file's symbol and is dropped.
- ``@call``, ``@member_call``, ``@type``, ``@inherit``, ``@new``,
  ``@constant``: the name node of one use of that kind. ``@receiver`` in the
  same pattern is the receiver (``obj`` in ``obj.m()``) or qualifier (``pkg``
  in ``pkg.Type``). A name spelled with the language's ``separator``
  (``Shop::Util::fmt``) is split: the last segment is the name, the rest the
  qualifier.
- ``@import``: a name imported from ``@module`` (``from m import A``), with
  ``@alias`` when it is bound under another name. Without ``@module`` the
  captured text is qualified (``com.x.C``) and its qualifier is the module.
- ``@import.module``: a whole module imported (``import a.b``, Go's import
  path, ``require 'x'``, ``use Module``); ``module_name`` gives the name the
  reference carries.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..languages import parser_for

if TYPE_CHECKING:
    from tree_sitter import Node, Query


def last_segment(module: str, separator: str) -> str:
    """``a.b.c`` -> ``c``: the name a whole-module import is known by."""
    return module.rsplit(separator, 1)[-1]


@dataclass(frozen=True)
class RefSpec:
    query: str
    # Names that are the language's own (print, len, String, ...): never another file's symbol.
    builtins: frozenset[str] = frozenset()
    # Methods of the language's own types (`push`, `append`, `len`): dropped on any
    # receiver, since a local's type is unknown here. A project method of that name
    # loses its member-call references; that is the price of not storing the
    # majority of all calls, which name no project symbol.
    builtin_methods: frozenset[str] = frozenset()
    # Receivers whose first segment is a builtin global (console, Math, System, ...).
    builtin_receivers: frozenset[str] = frozenset()
    separator: str = "."  # how a qualified name is spelled: a.b, a::b
    # The name a whole-module import carries; default: its last segment.
    module_name: Callable[[str], str] | None = None
    # `Foo.new(...)` / `Foo::new(...)` is Foo's constructor in this language.
    constructor_method: str | None = None
    # Modules whose import names no symbol: pragmas (Perl's `use strict`).
    builtin_modules: frozenset[str] = frozenset()
    # Types are named by their whole path (Perl's packages): `Shop::Util->new` uses
    # `Shop::Util`, not `Util`.
    qualified_names: bool = False
    # The module path an import's surroundings add (Rust's nested `use a::{b::{C}}` groups).
    import_prefix: Callable[[Node, bytes], str] | None = None
    # Go's `pkg.Value` (a ``constant`` use) is spelled like a field read `v.Field`: such a use is
    # kept only when its qualifier is a package the file imports and this says its name node
    # is not called (a called one is a ``member_call``).
    imported_value: Callable[[Node], bool] | None = None


# language (extract/languages.py's name) -> module in this package holding SPEC
_MODULES = {
    "python": "python",
    "typescript": "typescript",
    "tsx": "typescript",
    "javascript": "javascript",
    "go": "go",
    "rust": "rust",
    "java": "java",
    "kotlin": "kotlin",
    "ruby": "ruby",
    "perl": "perl",
    "proto": "proto",
}


def has_references(language: str) -> bool:
    return language in _MODULES


@cache
def spec_for(language: str) -> RefSpec:
    module = importlib.import_module(f"{__package__}.{_MODULES[language]}")
    specs: dict[str, RefSpec] | None = getattr(module, "SPECS", None)
    spec: RefSpec = specs[language] if specs is not None else module.SPEC
    return spec


@cache
def query_for(language: str) -> Query:
    """The compiled query of a language, once per process (compiling costs milliseconds)."""
    from tree_sitter import Query

    grammar = parser_for(language).language
    assert grammar is not None  # get_parser always sets it
    return Query(grammar, spec_for(language).query)
