"""Protocol Buffers references: message and enum types of fields, map values, rpc
requests and responses, and imported files."""
from __future__ import annotations

from . import RefSpec

QUERY = r"""
(message (message_name (identifier) @def.name)) @def
(enum (enum_name (identifier) @def.name)) @def
(service (service_name (identifier) @def.name)) @def
(rpc (rpc_name (identifier) @def.name)) @def

(message_or_enum_type) @type

(import path: (string) @import.module)
"""

SPEC = RefSpec(
    query=QUERY,
    builtin_receivers=frozenset({"google", ".google"}),  # the well-known types ship with protobuf
    builtin_modules=frozenset(),
    module_name=lambda path: path.rsplit("/", 1)[-1].removesuffix(".proto"),
)
