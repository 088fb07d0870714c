"""Ruby references: method calls with a receiver or arguments, `Const.new`, constant
references, superclasses and mixins, `require` / `require_relative`."""
from __future__ import annotations

from . import RefSpec

QUERY = r"""
(method name: (_) @def.name) @def
(singleton_method name: (_) @def.name) @def
(class name: (_) @def.name) @def
(module name: (_) @def.name) @def

(method_parameters (identifier) @local)
(lambda_parameters (identifier) @local)
(block_parameters (identifier) @local)
(optional_parameter name: (identifier) @local)
(keyword_parameter name: (identifier) @local)
(splat_parameter name: (identifier) @local)
(hash_splat_parameter name: (identifier) @local)
(block_parameter name: (identifier) @local)

(call !receiver method: (identifier) @call arguments: (_))
(call receiver: (_) @receiver method: (identifier) @member_call)

(superclass (constant) @inherit)
(superclass (scope_resolution scope: (_) @receiver name: (constant) @inherit))
((call !receiver method: (identifier) @_mixin arguments: (argument_list (constant) @inherit))
  (#any-of? @_mixin "include" "extend" "prepend"))
((call !receiver method: (identifier) @_mixin
  arguments: (argument_list (scope_resolution scope: (_) @receiver name: (constant) @inherit)))
  (#any-of? @_mixin "include" "extend" "prepend"))

(constant) @constant
(scope_resolution scope: (_) @receiver name: (constant) @constant)
; a qualifier, a call's receiver, an assigned constant: named by other captures or declared
(scope_resolution scope: (constant) @skip)
(call receiver: (constant) @skip)
(call receiver: (scope_resolution name: (constant) @skip))
(assignment left: (constant) @skip)
(class name: (scope_resolution name: (constant) @skip))
(module name: (scope_resolution name: (constant) @skip))

((call !receiver method: (identifier) @_require arguments: (argument_list . (string (string_content) @import.module)))
  (#any-of? @_require "require" "require_relative" "load"))
"""

_CORE = {
    "Object", "BasicObject", "Kernel", "Module", "Class", "Comparable", "Enumerable", "String", "Symbol",
    "Integer", "Float", "Numeric", "Rational", "Array", "Hash", "Range", "Regexp", "Struct", "Proc", "Method",
    "NilClass", "TrueClass", "FalseClass", "Time", "Date", "DateTime", "File", "Dir", "IO", "Math", "Process",
    "Thread", "Mutex", "Set", "JSON", "URI", "OpenStruct", "Logger", "ENV", "ARGV", "STDOUT", "STDERR",
    "STDIN", "Exception", "StandardError", "ArgumentError", "RuntimeError", "NotImplementedError",
    "KeyError", "TypeError", "NameError", "NoMethodError", "IOError", "ZeroDivisionError", "RangeError",
}

SPEC = RefSpec(
    query=QUERY,
    builtins=frozenset(_CORE | {
        "puts", "print", "p", "pp", "require", "require_relative", "load", "raise", "fail", "attr_reader",
        "attr_writer", "attr_accessor", "include", "extend", "prepend", "private", "public", "protected",
        "module_function", "private_constant", "lambda", "proc", "loop", "format", "sprintf", "catch",
        "throw", "define_method", "alias_method", "autoload", "block_given?", "sleep", "rand", "freeze",
    }),
    builtin_methods=frozenset({
        "each", "map", "select", "reject", "find", "detect", "reduce", "inject", "each_with_index",
        "each_with_object", "sum", "count", "size", "length", "empty?", "nil?", "any?", "all?", "include?",
        "push", "pop", "shift", "unshift", "first", "last", "join", "split", "strip", "to_s", "to_i", "to_f",
        "to_sym", "to_a", "to_h", "keys", "values", "fetch", "dig", "merge", "key?", "is_a?", "respond_to?",
        "send", "public_send", "freeze", "dup", "tap", "then", "sort", "sort_by", "min", "max", "message",
        "call", "format", "gsub", "sub", "downcase", "upcase", "compact", "flatten", "uniq", "zip",
    }),
    builtin_receivers=frozenset(_CORE | {"super"}),
    separator="::",
    constructor_method="new",
    module_name=lambda module: module.rstrip("/").rsplit("/", 1)[-1].removesuffix(".rb"),
)
