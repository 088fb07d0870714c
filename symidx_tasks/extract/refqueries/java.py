"""Java references: method calls, `new`, type uses, annotations, `extends` /
`implements`, imports (static and on demand)."""
from __future__ import annotations

from . import RefSpec

QUERY = r"""
(class_declaration name: (identifier) @def.name) @def
(interface_declaration name: (identifier) @def.name) @def
(enum_declaration name: (identifier) @def.name) @def
(record_declaration name: (identifier) @def.name) @def
(annotation_type_declaration name: (identifier) @def.name) @def
(method_declaration name: (identifier) @def.name) @def
(constructor_declaration name: (identifier) @def.name) @def

(formal_parameter name: (identifier) @local)
(spread_parameter (variable_declarator name: (identifier) @local))
(lambda_expression parameters: (identifier) @local)
(inferred_parameters (identifier) @local)
(type_parameter . (type_identifier) @local)

(method_invocation !object name: (identifier) @call)
(method_invocation object: (_) @receiver name: (identifier) @member_call)

(object_creation_expression type: (type_identifier) @new)
(object_creation_expression type: (generic_type . (type_identifier) @new))
(object_creation_expression type: (scoped_type_identifier . (_) @receiver . (type_identifier) @new .))

(superclass (type_identifier) @inherit)
(superclass (generic_type . (type_identifier) @inherit))
(type_list (type_identifier) @inherit)
(type_list (generic_type . (type_identifier) @inherit))

(marker_annotation name: (identifier) @type)
(annotation name: (identifier) @type)
(type_identifier) @type
(scoped_type_identifier . (_) @receiver . (type_identifier) @type .)
(scoped_type_identifier . (type_identifier) @skip)
(scoped_type_identifier . (scoped_type_identifier (type_identifier) @skip .))

(import_declaration (scoped_identifier) @import .)
(import_declaration (scoped_identifier) @module (asterisk) @import)
"""

_LANG = {
    "String", "Object", "Integer", "Long", "Double", "Float", "Boolean", "Character", "Byte", "Short", "Number",
    "Math", "System", "Thread", "Class", "Void", "Iterable", "Comparable", "Runnable", "CharSequence",
    "StringBuilder", "Exception", "RuntimeException", "Error", "Throwable", "IllegalArgumentException",
    "IllegalStateException", "NullPointerException", "UnsupportedOperationException",
    "IndexOutOfBoundsException", "Override", "Deprecated", "SuppressWarnings", "FunctionalInterface",
    "SafeVarargs", "Record", "Enum", "var",
}
_UTIL = {"List", "Map", "Set", "Collection", "ArrayList", "HashMap", "HashSet", "LinkedList", "LinkedHashMap",
         "TreeMap", "Optional", "Collections", "Arrays", "Objects", "Iterator", "Stream", "Collectors"}

SPEC = RefSpec(
    query=QUERY,
    builtin_methods=frozenset({
        "add", "addAll", "get", "put", "putAll", "remove", "clear", "size", "isEmpty", "contains", "containsKey",
        "equals", "hashCode", "toString", "stream", "map", "filter", "collect", "forEach", "iterator", "length",
        "charAt", "substring", "trim", "split", "append", "valueOf", "getMessage", "println", "printf", "format",
        "orElse", "orElseThrow", "isPresent", "ifPresent", "of", "keySet", "values", "entrySet", "getKey",
        "getValue", "compareTo", "close",
    }),
    builtins=frozenset(_LANG | _UTIL),
    builtin_receivers=frozenset({"System", "Math", "String", "Objects", "Arrays", "Collections", "Integer",
                                 "Long", "Double", "Boolean", "List", "Map", "Set", "Optional", "Stream",
                                 "Collectors", "Thread", "super"}),
)
