"""Scanning Gradle scripts (Groovy and Kotlin DSL) without parsing them.

Scripts are programs; the Gradle reader pattern-matches their common
declarative forms. These helpers find what those patterns need: where a
comment, a string or a bracketed block ends, and a call's argument text.
"""
from __future__ import annotations

import re

_STRING = r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
STRING_RE = re.compile(_STRING)
_STRING_OR_COMMENT = re.compile(rf"(?P<s>{_STRING})|(?P<c>//[^\n]*|/\*[\s\S]*?\*/)")


def strip_comments(text: str) -> str:
    # Strings are matched too, so "https://..." is not taken for a comment.
    return _STRING_OR_COMMENT.sub(
        lambda m: m.group("s") if m.group("s") is not None else "\n" * m.group("c").count("\n"), text
    )


def matching(text: str, i: int) -> int:
    """Index of the bracket closing text[i] (or len(text)), skipping strings."""
    closers = {"(": ")", "{": "}", "[": "]"}
    stack: list[str] = []
    j = i
    while j < len(text):
        c = text[j]
        if c in "'\"" and (m := STRING_RE.match(text, j)):
            j = m.end()
            continue
        if c in closers:
            stack.append(closers[c])
        elif c in ")}]" and stack and stack[-1] == c:
            stack.pop()
            if not stack:
                return j
        j += 1
    return len(text)


def call_args(text: str, pos: int) -> tuple[str, int]:
    """The argument text of a call starting at pos: `(...)`, or a Groovy
    command call's rest of line (continued while a line ends with a comma)."""
    j = pos
    while j < len(text) and text[j] in " \t":
        j += 1
    if j < len(text) and text[j] == "(":
        end = matching(text, j)
        return text[j + 1:end], end + 1
    end = j
    while True:
        nl = text.find("\n", end)
        if nl == -1:
            return text[j:], len(text)
        if not text[j:nl].rstrip().endswith(","):
            return text[j:nl], nl
        end = nl + 1


def strings(text: str) -> list[str]:
    return [m.group(0)[1:-1] for m in STRING_RE.finditer(text) if not m.group(0).startswith(("'''", '"""'))]


def top_level(code: str) -> str:
    """The script with the inside of every {...} block blanked out."""
    out, i = [], 0
    while (j := code.find("{", i)) != -1:
        out.append(code[i:j + 1])
        i = matching(code, j)
        out.append("\n" * code.count("\n", j + 1, i))
    out.append(code[i:])
    return "".join(out)



def split_top_level(arg: str) -> list[str]:
    """arg split at the commas outside brackets and strings."""
    pieces, start, i = [], 0, 0
    while i < len(arg):
        c = arg[i]
        if c in "'\"" and (m := STRING_RE.match(arg, i)):
            i = m.end()
            continue
        if c in "([{":
            i = matching(arg, i) + 1
            continue
        if c == ",":
            pieces.append(arg[start:i].strip())
            start = i + 1
        i += 1
    pieces.append(arg[start:].strip())
    return [p for p in pieces if p]

