"""Perl: packages, their subs and their constants.

``package Foo;`` puts the statements after it in Foo until the next package
statement or the end of the enclosing block; ``package Foo { ... }`` only its
block; bare blocks and ``BEGIN``-style blocks are read too, and the package in
effect resumes after them. Before any package statement, and after ``package
main;``, subs have no parent. A statement-form package spans to its last
statement. ``sub Other::name`` belongs to ``Other`` whatever package it sits in.

Kinds: package; function (``sub``; a name starting with ``_`` is private by
convention and left out); constant (``use constant NAME => ...`` and each key of
``use constant { ... }``); class and method for the ``class`` feature (5.38).
Signatures are the declaration without its body, keeping a prototype,
attributes or a signature (``sub add($x, $y = 1)``); parameters come from
signatures only (``$x``, ``@rest``, ``%opts``), untyped. A constant's
signature keeps its value when that fits on the name's line.

Where the parser gave up on a sub but left its ``sub`` and name tokens side by
side, the sub is still reported (``sub name``, its one line). Perl cannot be
parsed without running it: ``sub pip2 () { pi / 2 }`` reads as a regex to the
grammar, and what follows such a misreading can be lost.

``doc``: for a sub, the first ordinary paragraph of the POD section whose
``=head2``/``=item`` (any ``=headN``) heading names it (``=head2 charge($amount)``,
``=item $obj->charge``, ``=item C<charge>``; the first such section in the
file wins), else the ``#`` comment block directly above it; for a package, the
text after ``Name -`` in the ``=head1 NAME`` section when it names that
package, else the comments above; for a constant, the comments above its
``use constant``. POD formatting codes (``C<x>``, ``L<text|target>``) are
reduced to their text.
"""
from __future__ import annotations

import re

from tree_sitter import Node

from ..model import Param, Symbol
from .docs import attached, line_doc, paragraph
from .syntax import child_of_type, drain, header, lines, members, one_line, span, text

_PUBLIC = "public"
_SCOPES = {"package_statement": "package", "class_statement": "class"}
_SUBS = {"subroutine_declaration_statement": "function", "method_declaration_statement": "method"}
# Blocks whose package statements end with them but whose subs are still global.
_BLOCKS = ("block_statement", "phaser_statement")
# What follows the code of a package without being part of its span.
_TRAILERS = ("comment", "pod", "eof_marker", "data_section")
_PARAMETERS = ("mandatory_parameter", "optional_parameter", "slurpy_parameter")
_POD_COMMAND = re.compile(r"^=(\w+)[ \t]*([^\n]*)", re.MULTILINE)
_POD_HEADING = re.compile(r"\s*(?:\*\s*|\d+\.?\s*)?(?:[$\w:]+->)?([\w:]+)")
_POD_LINK = re.compile(r"L<([^<>|]*)\|[^<>]*>")
_POD_CODE = re.compile(r"[A-Z]<<+\s+(.*?)\s+>>+|[A-Z]<([^<>]*)>")
_POD_ESCAPES = {"lt": "<", "gt": ">", "verbar": "|", "sol": "/"}


def extract(root: Node, source: bytes) -> list[Symbol]:
    symbols: list[Symbol] = []
    pod = _pod_docs(source)
    # (block, the package in effect where it starts)
    blocks: list[tuple[Node, str | None]] = [(root, None)]
    for block, package in drain(blocks):
        symbols.extend(_read_block(block, source, package, blocks, pod))
    return symbols


def _read_block(
    block: Node, source: bytes, package: str | None, blocks: list[tuple[Node, str | None]], pod: dict[str, str]
) -> list[Symbol]:
    symbols: list[Symbol] = []
    opened: Node | None = None  # the statement-form package statement in effect
    last: Node | None = None  # its last statement so far
    previous: Node | None = None
    # Where the parser gave up on a sub it often leaves the tokens ``sub`` and
    # ``name`` side by side: the sub is still worth reporting.
    for node in members(block, tokens=True):
        after_sub, previous = previous is not None and previous.type == "sub", node
        if node.type in _SCOPES:
            inner = child_of_type(node, "block")
            if inner is not None:  # `package Foo { ... }`
                symbols.append(_scope(node, source, node, pod))
                blocks.append((inner, _name(node, source)))
                continue
            if opened is not None:
                symbols.append(_scope(opened, source, last or opened, pod))
            name = _name(node, source)
            opened = last = node if name != "main" else None
            package = name if name != "main" else None
            continue
        if node.is_named and node.type not in _TRAILERS:
            last = node
        if node.type in _SUBS or (after_sub and node.type == "bareword"):
            sub = _sub(node, source, package, pod)
            if sub is not None:
                symbols.append(sub)
        elif node.type == "use_statement" and text(node.child_by_field_name("module"), source) == "constant":
            symbols.extend(_constants(node, source, package))
        elif node.type in _BLOCKS:
            inner = node if node.type == "block_statement" else child_of_type(node, "block")
            if inner is not None:
                blocks.append((inner, package))
    if opened is not None:
        symbols.append(_scope(opened, source, last or opened, pod))
    return symbols


def _name(node: Node, source: bytes) -> str:
    return text(node.child_by_field_name("name"), source)


def _doc(node: Node, source: bytes) -> str | None:
    return line_doc(attached(node, source, b"#", ("comment",)), source)


def _scope(node: Node, source: bytes, last: Node, pod: dict[str, str]) -> Symbol:
    """A package (or class) from its statement to ``last``, the final statement in it."""
    name = _name(node, source)
    version = node.child_by_field_name("version")
    # built, not sliced: a comment may sit between the keyword and the name
    signature = f"{node.children[0].type} {name}" + (f" {text(version, source)}" if version is not None else "")
    return Symbol(
        name=name,
        kind=_SCOPES[node.type],
        line=lines(node)[0],
        end_line=lines(last)[1],
        signature=signature,
        visibility=_PUBLIC,
        doc=_package_doc(name, pod) or _doc(node, source),
    )


def _sub(node: Node, source: bytes, package: str | None, pod: dict[str, str]) -> Symbol | None:
    """A sub or method declaration, or the name token of one the parser could not build."""
    recovered = node.type == "bareword"
    written = text(node, source) if recovered else _name(node, source)
    qualifier, _, name = written.rpartition("::")
    if not name or name.startswith("_"):
        return None
    first, last = lines(node)
    signature_node = child_of_type(node, "signature")
    parameters = tuple(
        Param(one_line(text(p.named_children[0], source)))
        for p in (signature_node.named_children if signature_node is not None else ())
        if p.type in _PARAMETERS and p.named_child_count
    )
    return Symbol(
        name=name,
        kind="function" if recovered else _SUBS[node.type],
        line=first,
        end_line=last,
        signature=f"sub {written}" if recovered else header(node, source, node.child_by_field_name("body")),
        parameters=parameters,
        parent=qualifier or package,
        visibility=_PUBLIC,
        # a recovered sub's name token is no statement: comments are above its `sub` token
        doc=pod.get(name) or _doc(node.prev_sibling or node if recovered else node, source),
    )


def _constants(node: Node, source: bytes, package: str | None) -> list[Symbol]:
    """``use constant PI => 3.14;``, ``use constant DEBUG;``, ``use constant { A => 1, B => 2 };``."""
    module = node.child_by_field_name("module")
    argument = module.next_named_sibling if module is not None else None
    if argument is None:
        return []
    # (name, end of its value): a list value's parentheses are no node of their own
    if argument.type == "anonymous_hash_expression":
        items = _items(child_of_type(argument, "list_expression"))
        pairs = [(items[i], items[i + 1] if i + 1 < len(items) else None) for i in range(0, len(items), 2)]
    elif argument.type == "list_expression":
        items = _items(argument)
        pairs = [(items[0], argument if len(items) > 1 else None)] if items else []
    else:
        pairs = [(argument, None)]
    symbols: list[Symbol] = []
    doc = _doc(node, source)
    for key, value in pairs:
        name = _constant_name(key, source)
        if not name or name.startswith("_"):
            continue
        signature = f"use constant {name}"
        if value is not None and value.end_point[0] == key.start_point[0]:
            written = span(source, key.end_byte, value.end_byte)
            signature += f" => {one_line(written.strip().removeprefix('=>').removeprefix(','))}"
        first, last = lines(key)[0], lines(value or key)[1]
        symbols.append(Symbol(name, "constant", first, last, signature, parent=package, visibility=_PUBLIC, doc=doc))
    return symbols


def _items(node: Node | None) -> list[Node]:
    return [c for c in node.named_children if c.type != "comment"] if node is not None else []


def _constant_name(node: Node, source: bytes) -> str | None:
    if node.type in ("autoquoted_bareword", "bareword"):
        return text(node, source)
    if node.type in ("string_literal", "interpolated_string_literal"):
        content = node.child_by_field_name("content")
        return text(content, source) if content is not None else None
    return None


def _pod_docs(source: bytes) -> dict[str, str]:
    """Name -> first paragraph of the first POD ``=headN``/``=item`` section whose heading names it."""
    if b"\n=head" not in source and b"\n=item" not in source and not source.startswith(b"="):
        return {}
    pod = source.decode("utf-8", "replace")
    commands = list(_POD_COMMAND.finditer(pod))
    docs: dict[str, str] = {}
    for i, command in enumerate(commands):
        if command.group(1) != "item" and not command.group(1).startswith("head"):
            continue
        heading = _POD_HEADING.match(_pod_text(command.group(2)))
        name = heading.group(1).rsplit("::", 1)[-1] if heading is not None else ""
        if not name or name in docs:
            continue
        end = commands[i + 1].start() if i + 1 < len(commands) else len(pod)
        doc = _pod_paragraph(pod[command.end() : end])
        if doc is not None:
            docs[name] = doc
    return docs


def _pod_paragraph(section: str) -> str | None:
    """The first ordinary paragraph of a POD section: verbatim (indented) ones are code."""
    for block in re.split(r"\n[ \t]*\n", section.strip("\n")):
        if block.strip() and not block[:1].isspace():
            return paragraph(_pod_text(block).splitlines())
    return None


def _pod_text(written: str) -> str:
    """POD formatting codes reduced to their text: ``C<x>`` -> x, ``L<text|target>`` -> text, ``E<gt>`` -> >."""
    for _ in range(3):  # codes nest (B<C<x>>): a few passes undo any sane depth
        if "<" not in written:
            break
        written = _POD_LINK.sub(r"\1", written)
        written = _POD_CODE.sub(_pod_code, written)
    return written


def _pod_code(match: re.Match[str]) -> str:
    content = match.group(1) if match.group(1) is not None else match.group(2)
    if match.group(0).startswith("E<"):
        return _POD_ESCAPES.get(content, content)
    return content


def _package_doc(name: str, pod: dict[str, str]) -> str | None:
    """``=head1 NAME`` / ``Shop::Payments - take payments``: the text after the dash."""
    title = pod.get("NAME", "")
    head, dash, rest = title.partition(" - ")
    return (rest.strip() or None) if dash and head.strip() == name else None
