"""Kotlin references: calls (constructors look like calls), member calls, type uses,
annotations, supertypes, imports (with alias and on demand)."""
from __future__ import annotations

from . import RefSpec

# The Kotlin grammar names few fields: anchors (`.`) pick children by position.
QUERY = r"""
(class_declaration (type_identifier) @def.name) @def
(object_declaration (type_identifier) @def.name) @def
(function_declaration (simple_identifier) @def.name) @def

(parameter (simple_identifier) @local)
(class_parameter (simple_identifier) @local)
(lambda_parameters (variable_declaration (simple_identifier) @local))
(type_parameter (type_identifier) @local)

(call_expression . (simple_identifier) @call)
(call_expression . (navigation_expression . (_) @receiver . (navigation_suffix (simple_identifier) @member_call) .))

(delegation_specifier (user_type (type_identifier) @inherit))
(delegation_specifier (constructor_invocation (user_type (type_identifier) @inherit)))

(user_type (type_identifier) @type)
(user_type (type_identifier) @skip . (type_identifier))

(import_header (identifier) @import .)
; comments after the last import (a KDoc above the class) are children of its header
(import_header (identifier) @import . [(line_comment) (multiline_comment)])
(import_header (identifier) @import (import_alias (type_identifier) @alias))
(import_header (identifier) @module (wildcard_import) @import)
"""

BUILTINS = frozenset({
    "println", "print", "readLine", "listOf", "mutableListOf", "arrayListOf", "mapOf", "mutableMapOf",
    "hashMapOf", "setOf", "mutableSetOf", "arrayOf", "emptyList", "emptyMap", "emptySet", "listOfNotNull",
    "require", "requireNotNull", "check", "checkNotNull", "error", "TODO", "lazy", "run", "let", "also",
    "apply", "with", "takeIf", "repeat", "buildString", "buildList", "maxOf", "minOf", "to",
    "String", "Int", "Long", "Double", "Float", "Boolean", "Char", "Byte", "Short", "Unit", "Any", "Nothing",
    "Number", "List", "MutableList", "Map", "MutableMap", "Set", "MutableSet", "Collection", "Array",
    "IntArray", "Pair", "Triple", "Sequence", "Iterable", "Comparable", "Exception", "Throwable",
    "RuntimeException", "IllegalArgumentException", "IllegalStateException", "JvmStatic", "JvmField",
    "JvmOverloads", "Deprecated", "Suppress", "Volatile", "Synchronized",
})

BUILTIN_METHODS = frozenset({
    "add", "addAll", "get", "put", "remove", "clear", "contains", "containsKey", "isEmpty", "isNotEmpty",
    "toString", "equals", "hashCode", "map", "mapNotNull", "filter", "forEach", "first", "firstOrNull", "last",
    "lastOrNull", "sum", "sumOf", "count", "sortedBy", "minByOrNull", "maxByOrNull", "joinToString", "toList",
    "toMutableList", "toSet", "toMap", "let", "also", "apply", "run", "takeIf", "trim", "split", "format",
    "substring", "startsWith", "endsWith", "replace", "plus", "minus", "compareTo", "values", "getOrDefault",
    "getOrPut", "removeAt", "size", "use", "println",
})

SPEC = RefSpec(query=QUERY, builtins=BUILTINS, builtin_methods=BUILTIN_METHODS,
               builtin_receivers=frozenset({"super", "System", "Math"}))
