"""TypeScript and TSX references: JavaScript's, plus type annotations, generic
arguments, `implements`, interface `extends` and `import type`."""
from __future__ import annotations

from . import RefSpec
from .javascript import BUILTIN_METHODS, BUILTIN_RECEIVERS, BUILTINS, COMMON, JSX, module_name

TYPES = r"""
(class_declaration name: (type_identifier) @def.name) @def
(abstract_class_declaration name: (type_identifier) @def.name) @def
(interface_declaration name: (type_identifier) @def.name) @def
(type_alias_declaration name: (type_identifier) @def.name) @def
(enum_declaration name: (identifier) @def.name) @def

(required_parameter pattern: (identifier) @local)
(optional_parameter pattern: (identifier) @local)
(required_parameter pattern: (rest_pattern (identifier) @local))
(required_parameter pattern: (object_pattern (shorthand_property_identifier_pattern) @local))
(type_parameter name: (type_identifier) @local)

(extends_clause value: (identifier) @inherit)
(extends_clause value: (member_expression object: (_) @receiver property: (property_identifier) @inherit))
(implements_clause (type_identifier) @inherit)
(implements_clause (generic_type name: (type_identifier) @inherit))
(extends_type_clause type: (type_identifier) @inherit)
(extends_type_clause type: (generic_type name: (type_identifier) @inherit))

(type_identifier) @type
(nested_type_identifier module: (_) @receiver name: (type_identifier) @type)
"""

TYPE_BUILTINS = frozenset({
    "Array", "ReadonlyArray", "Promise", "PromiseLike", "Record", "Partial", "Required", "Readonly", "Pick",
    "Omit", "Exclude", "Extract", "NonNullable", "ReturnType", "Parameters", "InstanceType", "Awaited",
    "Iterable", "Iterator", "AsyncIterable", "Generator", "ArrayLike", "PropertyKey", "Uppercase", "Lowercase",
    "HTMLElement", "Element", "Event",
})

# The typescript grammar has no JSX nodes; tsx has both.
SPECS = {
    language: RefSpec(query=query, builtins=BUILTINS | TYPE_BUILTINS, builtin_methods=BUILTIN_METHODS,
                      builtin_receivers=BUILTIN_RECEIVERS, separator="/", module_name=module_name)
    for language, query in (("typescript", COMMON + TYPES), ("tsx", COMMON + JSX + TYPES))
}
