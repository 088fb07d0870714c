"""Rust references: calls (plain, `path::f`, methods, macros), `Type::new`, type uses,
trait impls and bounds, `use` trees."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import RefSpec

if TYPE_CHECKING:
    from tree_sitter import Node

QUERY = r"""
(function_item name: (identifier) @def.name) @def
(function_signature_item name: (identifier) @def.name) @def
(struct_item name: (type_identifier) @def.name) @def
(enum_item name: (type_identifier) @def.name) @def
(union_item name: (type_identifier) @def.name) @def
(trait_item name: (type_identifier) @def.name) @def
(type_item name: (type_identifier) @def.name) @def
(mod_item name: (identifier) @def.name) @def
(macro_definition name: (identifier) @def.name) @def
(impl_item type: [(type_identifier) @def.ref (generic_type type: (type_identifier) @def.ref)]) @def

(parameter pattern: (identifier) @local)
(closure_parameters (identifier) @local)
(type_parameter name: (type_identifier) @local)

(call_expression function: (identifier) @call)
(call_expression function: (scoped_identifier path: (_) @receiver name: (identifier) @call))
(call_expression function: (field_expression value: (_) @receiver field: (field_identifier) @member_call))
(call_expression function: (generic_function function: (identifier) @call))
(call_expression
  function: (generic_function function: (scoped_identifier path: (_) @receiver name: (identifier) @call)))
(call_expression
  function: (generic_function function: (field_expression value: (_) @receiver field: (field_identifier) @member_call)))
(macro_invocation macro: (identifier) @call)
(macro_invocation macro: (scoped_identifier path: (_) @receiver name: (identifier) @call))

(impl_item trait: (type_identifier) @inherit)
(impl_item trait: (scoped_type_identifier path: (_) @receiver name: (type_identifier) @inherit))
(impl_item trait: (generic_type type: (type_identifier) @inherit))
(trait_item bounds: (trait_bounds (type_identifier) @inherit))

(type_identifier) @type
(scoped_type_identifier path: (_) @receiver name: (type_identifier) @type)
; a path to a value (`Currency::Eur`, `Config::DEFAULT`); a path's inner segments, a `use`
; path's last one (the import names it) and an attribute's (`#[tokio::main]`) are no such use
(scoped_identifier path: (_) @receiver name: (identifier) @constant)
(scoped_identifier path: (scoped_identifier name: (identifier) @skip))
(use_declaration argument: (scoped_identifier name: (identifier) @skip))
(use_list (scoped_identifier name: (identifier) @skip))
(use_as_clause path: (scoped_identifier name: (identifier) @skip))
(scoped_use_list path: (scoped_identifier name: (identifier) @skip))
(use_wildcard (scoped_identifier name: (identifier) @skip))
(attribute (scoped_identifier name: (identifier) @skip))

(use_declaration argument: (identifier) @import.module)
(use_declaration argument: (scoped_identifier) @import)
(use_declaration argument: (use_as_clause path: (_) @import alias: (_) @alias))
(use_declaration argument: (use_wildcard (_) @module "*" @import))
(use_list (identifier) @import)
(use_list (scoped_identifier) @import)
(use_list (use_as_clause path: (_) @import alias: (_) @alias))
(use_list (use_wildcard (_) @module "*" @import))
"""

BUILTINS = frozenset({
    # macros of std and core
    "println", "print", "eprintln", "eprint", "format", "format_args", "vec", "assert", "assert_eq",
    "assert_ne", "debug_assert", "debug_assert_eq", "debug_assert_ne", "panic", "write", "writeln", "todo",
    "unimplemented", "unreachable", "matches", "include_str", "include_bytes", "env", "concat", "dbg", "cfg",
    "compile_error", "line", "file", "stringify",
    # prelude types, traits and variants
    "Self", "Option", "Some", "None", "Result", "Ok", "Err", "Box", "Vec", "String", "ToString", "Clone",
    "Copy", "Default", "Debug", "Drop", "Eq", "PartialEq", "Ord", "PartialOrd", "Hash", "Iterator",
    "IntoIterator", "From", "Into", "AsRef", "AsMut", "Send", "Sync", "Sized", "Fn", "FnMut", "FnOnce",
    "drop",
})


def import_prefix(node: Node, source: bytes) -> str:
    """The path of the `use` groups around an item: ``a::b`` for ``C`` in ``use a::{b::{C}}``."""
    parts: list[str] = []
    current = node.parent
    while current is not None and current.type != "use_declaration":
        if current.type == "scoped_use_list":
            path = current.child_by_field_name("path")
            if path is not None:
                parts.append(source[path.start_byte : path.end_byte].decode("utf-8", "replace"))
        current = current.parent
    return "::".join(reversed(parts))


BUILTIN_METHODS = frozenset({
    "len", "is_empty", "push", "pop", "insert", "remove", "get", "get_mut", "contains", "contains_key", "iter",
    "iter_mut", "into_iter", "map", "filter", "collect", "unwrap", "expect", "unwrap_or", "unwrap_or_default",
    "unwrap_or_else", "ok", "ok_or", "map_err", "and_then", "clone", "to_string", "to_owned", "into", "as_str",
    "as_ref", "as_mut", "trim", "split", "splitn", "parse", "join", "lines", "chars", "bytes", "enumerate",
    "next", "sum", "count", "extend", "clear", "sort", "sort_by", "keys", "values", "entry", "or_insert",
    "format", "fmt", "write_str", "borrow", "borrow_mut", "lock", "await", "min", "max", "cmp", "eq",
})

SPEC = RefSpec(query=QUERY, builtins=BUILTINS, builtin_methods=BUILTIN_METHODS,
               builtin_receivers=frozenset({"std", "core", "alloc"}),
               separator="::", constructor_method="new", import_prefix=import_prefix)
