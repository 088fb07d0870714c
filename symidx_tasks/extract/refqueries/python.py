"""Python references: calls, decorators, annotations, base classes, imports."""
from __future__ import annotations

import builtins

from . import RefSpec

QUERY = r"""
(function_definition name: (identifier) @def.name) @def
(class_definition name: (identifier) @def.name) @def

(parameters (identifier) @local)
(lambda_parameters (identifier) @local)
(typed_parameter (identifier) @local)
(default_parameter name: (identifier) @local)
(typed_default_parameter name: (identifier) @local)
(list_splat_pattern (identifier) @local)
(dictionary_splat_pattern (identifier) @local)

(call function: (identifier) @call)
(call function: (attribute object: (_) @receiver attribute: (identifier) @member_call))
(decorator (identifier) @call)
(decorator (attribute object: (_) @receiver attribute: (identifier) @member_call))

(class_definition superclasses: (argument_list (identifier) @inherit))
(class_definition superclasses: (argument_list (attribute object: (_) @receiver attribute: (identifier) @inherit)))

(type (identifier) @type)
(type (attribute object: (_) @receiver attribute: (identifier) @type))
(generic_type (identifier) @type)
(type (binary_operator
  [(identifier) @type (attribute object: (_) @receiver attribute: (identifier) @type)]))
(type (binary_operator (binary_operator
  [(identifier) @type (attribute object: (_) @receiver attribute: (identifier) @type)])))

(import_statement name: (dotted_name) @import.module)
(import_statement name: (aliased_import name: (dotted_name) @import.module alias: (identifier) @alias))
(import_from_statement module_name: (_) @module name: (dotted_name) @import)
(import_from_statement module_name: (_) @module
  name: (aliased_import name: (dotted_name) @import alias: (identifier) @alias))
(import_from_statement module_name: (_) @module (wildcard_import) @import)
"""

_TYPING = {"Any", "Optional", "Union", "Callable", "Iterable", "Iterator", "Sequence", "Mapping", "Self",
           "Literal", "ClassVar", "Final", "TypeVar", "Generic", "Protocol", "Awaitable", "Generator"}

SPEC = RefSpec(
    query=QUERY,
    # dir(builtins) of the running interpreter, minus nothing: a project function
    # named like a builtin (`open`) shadows it only by an import, which is recorded.
    builtins=frozenset(n for n in dir(builtins) if not n.startswith("_")) | _TYPING | {"self", "cls", "super"},
    builtin_methods=frozenset({
        "append", "extend", "insert", "pop", "remove", "clear", "copy", "count", "index", "sort", "reverse",
        "get", "items", "keys", "values", "update", "setdefault", "add", "discard", "join", "split", "rsplit",
        "strip", "lstrip", "rstrip", "startswith", "endswith", "replace", "format", "lower", "upper", "encode",
        "decode", "splitlines", "find", "isdigit", "isalpha", "read", "write", "close", "debug", "info",
        "warning", "error", "exception",
    }),
    builtin_receivers=frozenset({
        "super()", "os", "sys", "re", "json", "time", "datetime", "logging", "math", "random", "itertools",
        "functools", "collections", "subprocess", "shutil", "asyncio", "uuid", "hashlib", "typing",
    }),
)
