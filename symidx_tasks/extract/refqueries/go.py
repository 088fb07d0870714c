"""Go references: calls, `pkg.Func` selector calls, `pkg.Value` reads of an imported
package, type uses (fields, parameters, composite literals, generics), embedded types,
import paths."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import RefSpec

if TYPE_CHECKING:
    from tree_sitter import Node

QUERY = r"""
(function_declaration name: (identifier) @def.name) @def
(method_declaration name: (field_identifier) @def.name) @def
(type_spec name: (type_identifier) @def.name) @def

(parameter_declaration name: (identifier) @local)
(variadic_parameter_declaration name: (identifier) @local)
(type_parameter_declaration name: (identifier) @local)

(call_expression function: (identifier) @call)
(call_expression function: (selector_expression operand: (_) @receiver field: (field_identifier) @member_call))
(call_expression function: (index_expression operand: (identifier) @call))
(selector_expression operand: (identifier) @receiver field: (field_identifier) @constant)

(field_declaration_list (field_declaration !name type: (type_identifier) @inherit))
(field_declaration_list (field_declaration !name type: (qualified_type package: (_) @receiver name: (_) @inherit)))
(interface_type (type_elem (type_identifier) @inherit))
(interface_type (type_elem (qualified_type package: (_) @receiver name: (_) @inherit)))

(type_identifier) @type
(qualified_type package: (_) @receiver name: (type_identifier) @type)

(import_spec !name path: (_) @import.module)
(import_spec name: (_) @alias path: (_) @import.module)
"""

BUILTINS = frozenset({
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max", "min", "new",
    "panic", "print", "println", "real", "recover",
    "any", "bool", "byte", "comparable", "complex64", "complex128", "error", "float32", "float64", "int",
    "int8", "int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32", "uint64",
    "uintptr",
})


def module_name(path: str) -> str:
    """The package name an import path binds by default: its last element, skipping a
    major-version suffix (``example.com/x/v2`` -> ``x``)."""
    parts = path.rstrip("/").split("/")
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        return parts[-2]
    return parts[-1]


def is_value(node: Node) -> bool:
    """A selector's field that is read, not called: ``pkg.Value``, not ``pkg.Func()``."""
    selector = node.parent
    call = selector.parent if selector is not None else None
    return call is None or call.type != "call_expression" or call.child_by_field_name("function") != selector


# The standard library packages most code calls: their import is recorded, their calls are not.
STDLIB = frozenset({
    "fmt", "strings", "strconv", "errors", "time", "context", "os", "io", "bytes", "sort", "sync", "log",
    "math", "json", "http", "filepath", "path", "regexp", "bufio", "atomic", "reflect", "unicode", "utf8",
    "rand", "hex", "base64", "sha256", "exec", "signal", "slices", "maps", "testing", "slog", "url", "net",
})

SPEC = RefSpec(query=QUERY, builtins=BUILTINS, builtin_receivers=STDLIB, module_name=module_name,
               imported_value=is_value,
               builtin_methods=frozenset({"Error", "String", "Len", "Lock", "Unlock", "Done", "Err", "Close"}))
