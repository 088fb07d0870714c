"""Perl references: function calls (`f(...)`, `Pkg::f(...)`), method calls
(`Pkg->new`, `$obj->m`), `use` / `require` of modules, `use parent` / `use base`."""
from __future__ import annotations

from . import RefSpec

QUERY = r"""
(subroutine_declaration_statement name: (bareword) @def.name) @def

(function_call_expression function: (function) @call)
(ambiguous_function_call_expression function: (function) @call)
(method_call_expression invocant: (_) @receiver method: (method) @member_call)

((use_statement module: (package) @_pragma (string_literal content: (string_content) @inherit))
  (#any-of? @_pragma "parent" "base"))
((use_statement module: (package) @_pragma (list_expression (string_literal content: (string_content) @inherit)))
  (#any-of? @_pragma "parent" "base"))
((use_statement module: (package) @_pragma (quoted_word_list content: (string_content) @inherit))
  (#any-of? @_pragma "parent" "base"))

(use_statement module: (package) @import.module)
((use_statement module: (package) @module (quoted_word_list content: (string_content) @import))
  (#not-match? @module "^(parent|base)$"))
(require_expression (bareword) @import.module)
"""

SPEC = RefSpec(
    query=QUERY,
    builtins=frozenset({
        "print", "printf", "say", "die", "warn", "push", "pop", "shift", "unshift", "splice", "join", "split",
        "map", "grep", "sort", "reverse", "keys", "values", "each", "defined", "exists", "delete", "scalar",
        "ref", "bless", "length", "substr", "index", "rindex", "sprintf", "lc", "uc", "lcfirst", "ucfirst",
        "open", "close", "binmode", "chomp", "chop", "chdir", "mkdir", "unlink", "eval", "abs", "int", "sqrt",
        "time", "localtime", "gmtime", "sleep", "exit", "wantarray", "croak", "confess", "carp", "cluck",
        "Dumper", "local", "return", "pack", "unpack", "wait", "system", "exec", "caller",
        "__PACKAGE__", "SUPER",
    }),
    builtin_receivers=frozenset({"__PACKAGE__", "SUPER"}),
    builtin_modules=frozenset({
        "strict", "warnings", "utf8", "lib", "constant", "parent", "base", "vars", "feature", "overload",
        "integer", "bytes", "open", "autodie", "diagnostics", "bignum", "fields", "subs", "version",
    }),
    separator="::",
    constructor_method="new",
    # Perl packages are named whole (``Shop::Report``), as extract/perl.py names them.
    module_name=lambda module: module,
    qualified_names=True,
)
