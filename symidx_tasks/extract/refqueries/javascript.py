"""JavaScript references (also the base of TypeScript's): calls, `new`, JSX components,
`extends`, ES imports and re-exports, `require` and dynamic `import()`."""
from __future__ import annotations

from . import RefSpec

# Patterns valid in the javascript, typescript and tsx grammars alike.
COMMON = r"""
(function_declaration name: (identifier) @def.name) @def
(generator_function_declaration name: (identifier) @def.name) @def
(method_definition name: (_) @def.name) @def
(variable_declarator name: (identifier) @def.name value: [(arrow_function) (function_expression)]) @def

(arrow_function parameter: (identifier) @local)

(call_expression function: (identifier) @call)
(call_expression function: (member_expression object: (_) @receiver property: (property_identifier) @member_call))
(new_expression constructor: (identifier) @new)
(new_expression constructor: (member_expression object: (_) @receiver property: (property_identifier) @new))

(import_statement (import_clause (named_imports (import_specifier name: (_) @import !alias)))
  source: (string (string_fragment) @module))
(import_statement (import_clause (named_imports (import_specifier name: (_) @import alias: (_) @alias)))
  source: (string (string_fragment) @module))
(import_statement (import_clause (identifier) @import) source: (string (string_fragment) @module))
(import_statement (import_clause (namespace_import "*" @import (identifier) @alias))
  source: (string (string_fragment) @module))
(export_statement (export_clause (export_specifier name: (_) @import)) source: (string (string_fragment) @module))
(export_statement "*" @import source: (string (string_fragment) @module))
((call_expression function: (identifier) @_require arguments: (arguments . (string (string_fragment) @import.module)))
  (#eq? @_require "require"))
((variable_declarator name: (object_pattern (shorthand_property_identifier_pattern) @import)
  value: (call_expression function: (identifier) @_require arguments: (arguments . (string (string_fragment) @module))))
  (#eq? @_require "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @import.module)))
"""

# A component is rendered by its capitalised name; `<div>` is an intrinsic element.
JSX = r"""
((jsx_opening_element name: (identifier) @call) (#match? @call "^[A-Z]"))
((jsx_self_closing_element name: (identifier) @call) (#match? @call "^[A-Z]"))
(jsx_opening_element name: (member_expression object: (_) @receiver property: (property_identifier) @call))
(jsx_self_closing_element name: (member_expression object: (_) @receiver property: (property_identifier) @call))
"""

QUERY = COMMON + JSX + r"""
(formal_parameters (identifier) @local)
(formal_parameters (assignment_pattern left: (identifier) @local))
(formal_parameters (rest_pattern (identifier) @local))
(formal_parameters (object_pattern (shorthand_property_identifier_pattern) @local))
(class_declaration name: (identifier) @def.name) @def
(class_heritage (identifier) @inherit)
(class_heritage (member_expression object: (_) @receiver property: (property_identifier) @inherit))
"""

BUILTINS = frozenset({
    "require", "console", "Math", "JSON", "Object", "Array", "Promise", "String", "Number", "Boolean",
    "Symbol", "BigInt", "Date", "Error", "TypeError", "RangeError", "SyntaxError", "RegExp", "Map", "Set",
    "WeakMap", "WeakSet", "Reflect", "Proxy", "Intl", "URL", "URLSearchParams", "parseInt", "parseFloat",
    "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent", "setTimeout", "clearTimeout",
    "setInterval", "clearInterval", "queueMicrotask", "structuredClone", "fetch", "Buffer", "process",
    "globalThis", "window", "document", "describe", "it", "test", "expect", "beforeEach", "afterEach",
    "beforeAll", "afterAll", "super", "Function", "Uint8Array", "ArrayBuffer", "TextEncoder", "TextDecoder",
})
BUILTIN_METHODS = frozenset({
    "push", "pop", "shift", "unshift", "splice", "slice", "concat", "map", "filter", "reduce", "forEach",
    "find", "findIndex", "some", "every", "includes", "indexOf", "join", "sort", "reverse", "flat", "flatMap",
    "keys", "values", "entries", "get", "set", "has", "delete", "clear", "add", "then", "catch", "finally",
    "toString", "toFixed", "trim", "split", "replace", "startsWith", "endsWith", "toLowerCase", "toUpperCase",
    "padStart", "padEnd", "charAt", "substring", "match", "test", "bind", "call", "apply", "log",
})
BUILTIN_RECEIVERS = frozenset({
    "console", "Math", "JSON", "Object", "Array", "Promise", "Number", "String", "Reflect", "Symbol",
    "Date", "Intl", "process", "document", "window", "globalThis", "Buffer", "super", "expect",
})


def module_name(module: str) -> str:
    """``./lib/cart.js`` -> ``cart``; ``@scope/pkg`` -> ``pkg``: what a `require` binds, by convention."""
    base = module.rstrip("/").rsplit("/", 1)[-1]
    return base.split(".", 1)[0] or base


SPEC = RefSpec(query=QUERY, builtins=BUILTINS, builtin_methods=BUILTIN_METHODS, builtin_receivers=BUILTIN_RECEIVERS,
               separator="/",
               module_name=module_name)
