"""Documentation: which comments document a declaration, and their first paragraph.

A symbol's ``doc`` is the first paragraph of its documentation as one line, or
None. The rules every language shares:

- Attached only: the comments directly above a declaration, with no blank line
  between them or between the last one and the declaration. What a language
  puts between a doc comment and its declaration (decorators, Rust
  attributes; Java and Kotlin annotations are part of the declaration node)
  does not detach it. A comment that follows a declaration or statement on
  its line is that code's (``A = 1 // one`` does not document the next line);
  one after an opening bracket or a separator is not (``{ /** a */ A }``).
- The walk looks through wrappers: when a declaration is the first child of
  a larger node (``export`` statements, a decorated class, Ruby's class body,
  a recovery node), the comments above that node are the declaration's too;
  they are directly above it in the text.
- First paragraph: the text before the first blank line, the first line that
  starts with a tag (``@param``, ``@return``: JSDoc, Javadoc, KDoc, YARD;
  ``:param x:``, reST's field lists in docstrings) or an HTML ``<p>``
  (Javadoc's paragraph mark). Blank and decoration lines
  (``-----``, ``*****``) before it are skipped; a doc that is only tags is None.
- Cleaned: comment markers (``//``, ``///``, ``#``, ``/** */`` and the ``*``
  starting each line) stripped, whitespace collapsed; inline tags
  (``{@link Foo#bar}``, ``{@code x}``) reduced to their text (a link's label
  when it has one, else its target with ``#`` read as ``.``); simple
  formatting HTML tags (``<code>``, ``<b>``, ...) dropped. Markdown is kept
  as written: full-text search reads through its punctuation.
- At most ``DOC_LIMIT`` characters, cut with an ellipsis.
"""
from __future__ import annotations

import re
from collections.abc import Container, Iterable

from tree_sitter import Node

DOC_LIMIT = 300
# Characters a line made only of (with whitespace) is a decoration, not text.
_DECORATION = "-=*#/_~+"
_LEADING_STAR = re.compile(r"^[ \t]*\*", re.MULTILINE)
_FIELD = re.compile(r":\w+[^:]*:")
_INLINE_TAG = re.compile(r"\{@(\w+)\s*([^{}]*)\}")
_PARAGRAPH_TAG = re.compile(r"<p\s*/?>|</p>", re.IGNORECASE)
_FORMATTING_TAG = re.compile(r"</?(?:b|i|em|strong|code|tt|var|kbd|samp|br|a|span)\b[^<>]*>", re.IGNORECASE)


def attached(
    node: Node, source: bytes, marks: bytes, comments: Container[str], between: Container[str] = ()
) -> list[Node]:
    """The comment (and ``between``) nodes directly above ``node``, nearest first.

    ``marks`` are bytes of which one must occur on the line above ``node`` or
    before it on its own line when anything is attached: the last byte of a
    block comment (``/``), a line comment's marker (``/``, ``#``), the last
    byte of what ``between`` names (``)``, ``]``). Without one, nothing is,
    and the tree is not walked: most declarations are answered by a slice.
    """
    if not _marked(source, node.start_byte, marks):
        return []
    found: list[Node] = []
    below = node.start_byte  # where the text that the next comment up must touch starts
    current: Node | None = node
    while current is not None:
        sibling = current.prev_sibling
        while sibling is not None:
            kind = sibling.type
            is_comment = kind in comments
            if not is_comment and kind not in between:
                return found
            end = sibling.end_byte
            newlines = source.count(b"\n", end, below)
            # a blank line between (a line comment may hold its own newline)
            if newlines > 1 or (newlines == 1 and source[end - 1 : end] == b"\n"):
                return found
            if is_comment and _trails_code(sibling, source):
                return found
            found.append(sibling)
            below = sibling.start_byte
            if not _marked(source, below, marks):
                return found  # the same test, one comment up: spares asking the tree
            sibling = sibling.prev_sibling
        # Nothing before it in its parent: what is above the parent is above it too.
        current = current.parent
    return found


def _marked(source: bytes, start: int, marks: bytes) -> bool:
    """Whether one of ``marks`` occurs on the line above byte ``start`` or before it on its line."""
    line = source.rfind(b"\n", 0, start)
    above = source[source.rfind(b"\n", 0, line) + 1 if line > 0 else 0 : start]
    return any(mark in above for mark in marks)


def _trails_code(comment: Node, source: bytes) -> bool:
    """Whether ``comment`` follows a declaration or statement on its line (``A = 1 // one``):
    then it is that code's. After an opening bracket or a separator it is not: ``{ /** a */ A, /** b */ B }``."""
    start = comment.start_byte
    if not source[source.rfind(b"\n", 0, start) + 1 : start].strip():
        return False  # first on its line: the usual case
    before = comment.prev_sibling
    return before is not None and before.is_named and before.end_point[0] == comment.start_point[0]


def block_doc(found: Iterable[Node], source: bytes) -> str | None:
    """The first paragraph of the nearest ``/** ... */`` among ``found`` (JSDoc, Javadoc, KDoc):
    other comments (``// eslint-disable``) and decorators between it and the declaration are passed over."""
    for node in found:
        raw = source[node.start_byte : node.end_byte]
        if raw.startswith(b"/**") and not raw.startswith(b"/**/"):
            return paragraph(comment_lines(raw.decode("utf-8", "replace")))
    return None


def line_doc(found: Iterable[Node], source: bytes) -> str | None:
    """The first paragraph of a group of comments (``found`` nearest first), read in source order."""
    lines: list[str] = []
    for node in reversed(list(found)):
        lines.extend(comment_lines(source[node.start_byte : node.end_byte].decode("utf-8", "replace")))
    return paragraph(lines) if lines else None


def comment_lines(raw: str) -> list[str]:
    """The text lines of one comment, its markers stripped: ``/* */`` (with the ``*`` that
    starts each line), or a line comment's leading ``/`` or ``#`` characters."""
    if raw.startswith("/*"):
        body = raw[2:-2] if raw.endswith("*/") and len(raw) >= 4 else raw[2:]
        return _LEADING_STAR.sub("", body.lstrip("*!")).splitlines()
    return [line.strip().lstrip("/#") for line in raw.splitlines()]


def paragraph(lines: Iterable[str]) -> str | None:
    """The first paragraph of documentation ``lines`` (markers already stripped), on one line."""
    words: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped.strip(_DECORATION):  # blank, or a decoration line
            if words:
                break
            continue
        if stripped[0] == "@" or (stripped[0] == ":" and _FIELD.match(stripped)):
            break  # the tag section: @param, @return, ...; reST's :param x:, :returns:
        words.extend(stripped.split())
    return tidy(" ".join(words))


def tidy(doc: str) -> str | None:
    """Inline tags reduced, HTML paragraph and formatting marks handled, cut at ``DOC_LIMIT``."""
    if "{@" in doc:
        doc = _INLINE_TAG.sub(_inline_tag, doc)
    if "<" in doc:
        mark = _PARAGRAPH_TAG.search(doc)
        if mark is not None and mark.start() == 0:  # "<p>First paragraph.<p>Second."
            doc = doc[mark.end() :]
            mark = _PARAGRAPH_TAG.search(doc)
        if mark is not None:
            doc = doc[: mark.start()]
        doc = _FORMATTING_TAG.sub("", doc)
    if "  " in doc or doc[:1].isspace() or doc[-1:].isspace():
        doc = " ".join(doc.split())
    if len(doc) > DOC_LIMIT:
        doc = doc[: DOC_LIMIT - 1].rstrip() + "…"
    return doc or None


def _inline_tag(match: re.Match[str]) -> str:
    tag, content = match.group(1), match.group(2).strip()
    if tag not in ("link", "linkplain", "linkcode"):
        return content  # {@code x} -> x; {@inheritDoc} -> ""
    # {@link Foo#bar label} (Javadoc), {@link url|label} and {@link url | label} (JSDoc, TSDoc)
    target, _, label = content.partition("|") if "|" in content else content.partition(" ")
    label = label.strip()
    return label or target.strip().lstrip("#").replace("#", ".")
