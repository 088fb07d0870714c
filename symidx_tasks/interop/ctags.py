"""`symidx export ctags`: the index as a tags file in universal-ctags' extended
format (format 2, u-ctags output mode), for Vim, Emacs (citre) and ``readtags``.

One line per symbol::

    name<TAB>file<TAB>line;"<TAB>kind<TAB>line:N<TAB>language:L<TAB>class:Parent<TAB>typeref:typename:T<TAB>signature:S<TAB>end:E<TAB>package:P

Addresses are line numbers (``!_TAG_OUTPUT_EXCMD number``): the index holds no
line text to build ``/^...$/`` patterns from, and a line number is exactly what
the index knows, so the file is a pure function of the index. ``signature`` is
the declaration as symidx stores it (e.g. ``def f(a: int) -> str``), not only
ctags' parameter list; the scope field names only the immediate parent, with
the parent's kind (``unknown`` when the parent is not in the index).
"""
from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .. import __version__
from ..errors import QueryError
from ..query.status import meta

# Letter and description per symidx kind, for !_TAG_KIND_DESCRIPTION; one table for
# all languages, so a kind has the same letter everywhere (letters follow ctags' C
# and Python parsers where they exist). A kind missing here gets a free letter.
KINDS: dict[str, tuple[str, str]] = {
    "class": ("c", "classes"), "constant": ("C", "constants"), "enum": ("g", "enumeration names"),
    "field": ("m", "fields of structs, classes, interfaces and messages"), "function": ("f", "functions"),
    "interface": ("i", "interfaces"), "message": ("M", "protocol buffer messages"), "method": ("F", "methods"),
    "module": ("n", "modules and namespaces"), "object": ("o", "objects"), "package": ("p", "packages"),
    "record": ("r", "records"), "rpc": ("R", "remote procedure calls"), "service": ("S", "services"),
    "struct": ("s", "structs"), "trait": ("T", "traits"), "type": ("t", "type aliases and definitions"),
    "variable": ("v", "variables"), "variant": ("e", "enum variants"),
}
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# symidx language -> the parser name universal-ctags uses (TSX has no parser of its own there).
LANGUAGES = {
    "go": "Go", "java": "Java", "javascript": "JavaScript", "kotlin": "Kotlin", "perl": "Perl",
    "proto": "Protobuf", "python": "Python", "ruby": "Ruby", "rust": "Rust", "tsx": "TypeScript",
    "typescript": "TypeScript",
}

FIELDS = {
    "end": "end lines of various items",
    "language": "Language of input file containing tag",
    "line": "Line number of tag definition",
    "package": "symidx package (its path in the repository) the tag belongs to",
    "signature": "Declaration as written in the source (symidx signature)",
    "typeref": "Type of the value a routine returns",
}

_NEEDS_ESCAPE = re.compile(r"[\x00-\x1f\x7f\\]")
_VALUE_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\r": "\\r", "\n": "\\n", "\a": "\\a", "\b": "\\b",
                  "\v": "\\v", "\f": "\\f"}

_SYMBOLS_SQL = (
    "SELECT name, kind, file_path, line, end_line, signature, return_type, language, package, parent_symbol"
    " FROM symbols"
)
_PARENTS_SQL = (
    "SELECT package, name, file_path, line, end_line, kind FROM symbols"
    " WHERE name IN (SELECT parent_symbol FROM symbols WHERE parent_symbol IS NOT NULL)"
    " ORDER BY package, name, file_path, line, kind"
)

Candidates = dict[tuple[str | None, str], list[tuple[str, int, int, str]]]


@dataclass(frozen=True)
class CtagsStats:
    """What an export wrote: tag lines, and symbols left out because their file
    path holds a tab or a line break (the format has no escape for paths)."""

    tags: int
    skipped: int


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _VALUE_ESCAPES.get(ch) or f"\\x{ord(ch):02X}"


def escape_value(text: str) -> str:
    """A field value as u-ctags writes it: backslash, tab, CR, LF and the other
    control characters as escapes (tags(5)), so a value never breaks the line."""
    return _NEEDS_ESCAPE.sub(_escape, text)


def escape_name(name: str) -> str:
    """A tag name as u-ctags writes it: escaped like a value, and a leading space
    or ``!`` as ``\\x20``/``\\x21`` so no regular tag sorts among the pseudo-tags."""
    text = escape_value(name)
    if text[:1] == " ":
        return "\\x20" + text[1:]
    if text[:1] == "!":
        return "\\x21" + text[1:]
    return text


def _comment(text: str) -> str:
    return "/" + text.replace("\\", "\\\\").replace("/", "\\/") + "/"


def kind_letters(kinds: list[str]) -> dict[str, str]:
    """A distinct letter per kind: the table's, else the first letter still free."""
    used = {KINDS[k][0] for k in kinds if k in KINDS}
    out = {}
    for kind in sorted(kinds):
        if kind in KINDS:
            out[kind] = KINDS[kind][0]
            continue
        free = [c for c in (kind[:1].lower(), kind[:1].upper(), *LETTERS) if c and c in LETTERS and c not in used]
        out[kind] = free[0] if free else "?"
        used.add(out[kind])
    return out


def language_name(language: str) -> str:
    return LANGUAGES.get(language, language[:1].upper() + language[1:])


def _pseudo_tags(conn: sqlite3.Connection, cwd: Path) -> list[str]:
    """The pseudo-tags u-ctags writes (format, sort order, output mode, program),
    plus descriptions of the fields used and of each language's kinds."""
    tags = [
        ("!_TAG_FILE_ENCODING", "utf-8", ""),
        ("!_TAG_FILE_FORMAT", "2", 'extended format; --format=1 will not append ;" to lines'),
        ("!_TAG_FILE_SORTED", "1", "0=unsorted, 1=sorted, 2=foldcase"),
        ("!_TAG_OUTPUT_EXCMD", "number", "number, pattern, mixed, or combineV2"),
        ("!_TAG_OUTPUT_FILESEP", "slash", "slash or backslash"),
        ("!_TAG_OUTPUT_MODE", "u-ctags", "u-ctags or e-ctags"),
        ("!_TAG_PROC_CWD", cwd.as_posix().rstrip("/") + "/", ""),
        ("!_TAG_PROGRAM_NAME", "symidx", "monorepo symbol index"),
        ("!_TAG_PROGRAM_VERSION", __version__, ""),
    ]
    tags += [("!_TAG_FIELD_DESCRIPTION", name, text) for name, text in FIELDS.items()]
    by_language: dict[str, set[str]] = {}
    for language, kind in conn.execute("SELECT DISTINCT language, kind FROM symbols WHERE language IS NOT NULL"):
        by_language.setdefault(language_name(language), set()).add(kind)
    for language, kinds in by_language.items():
        letters = kind_letters(sorted(kinds))
        for kind in kinds:
            text = KINDS[kind][1] if kind in KINDS else f"{kind} symbols"
            tags.append((f"!_TAG_KIND_DESCRIPTION!{language}", f"{letters[kind]},{kind}", text))
    return sorted(f"{name}\t{value}\t{_comment(text)}" for name, value, text in tags)


def _parent_candidates(conn: sqlite3.Connection) -> Candidates:
    """(package, name) -> (file, line, end line, kind) of every symbol some symbol names as parent."""
    out: Candidates = {}
    for package, name, file, line, end, kind in conn.execute(_PARENTS_SQL):
        out.setdefault((package, name), []).append((file, line, end, kind))
    return out


def parent_kind(candidates: Candidates, row: sqlite3.Row) -> str:
    """The kind of a symbol's parent: the same-named symbol enclosing it in its file,
    else the first in its file, else the first in its package (Go methods often
    live in another file than their type); ``unknown`` when none is indexed."""
    found = candidates.get((row["package"], row["parent_symbol"]), [])
    same_file = [c for c in found if c[0] == row["file_path"]]
    # Not the symbol itself: a Java constructor is named like the class it is in.
    enclosing = [c for c in same_file if c[1] <= row["line"] <= c[2] and c[1:3] != (row["line"], row["end_line"])]
    if enclosing:
        return enclosing[-1][3]  # the innermost: candidates are in line order
    for group in (same_file, found):
        if group:
            return group[0][3]
    return "unknown"


def _tag_line(row: sqlite3.Row, path: str, scope_kind: str) -> str:
    fields = [row["kind"], f"line:{row['line']}"]
    if row["language"]:
        fields.append(f"language:{language_name(row['language'])}")
    if row["parent_symbol"]:
        fields.append(f"{scope_kind}:{escape_value(row['parent_symbol'])}")
    if row["return_type"]:
        fields.append(f"typeref:typename:{escape_value(row['return_type'])}")
    fields.append(f"signature:{escape_value(row['signature'])}")
    fields.append(f"end:{row['end_line']}")
    if row["package"] is not None:
        fields.append(f"package:{escape_value(row['package'])}")
    return f"{escape_name(row['name'])}\t{path}\t{row['line']};\"\t" + "\t".join(fields)


def _indexed_root(conn: sqlite3.Connection) -> Path:
    root = meta(conn).get("root")
    if not root:
        raise QueryError("the index does not record its root directory: rebuild it")
    return Path(root)


def export_ctags(conn: sqlite3.Connection, out: TextIO, tags_dir: str | os.PathLike[str] | None = None,
                 absolute: bool = False) -> CtagsStats:
    """Write every symbol of the index to ``out`` as a sorted u-ctags tags file.

    File names are relative to ``tags_dir`` (the directory the tags file will be
    in; default the current directory), or absolute with ``absolute=True``; either
    way with ``/`` separators. Lines are sorted by their UTF-8 bytes, as
    ``LC_ALL=C sort`` would, which is the order Vim's and readtags' binary search
    expects for ``!_TAG_FILE_SORTED 1``. Raises QueryError when the index does not
    know its root.
    """
    cwd = Path(tags_dir if tags_dir is not None else os.getcwd()).resolve()
    root = _indexed_root(conn)
    cache: dict[str, str] = {}  # symbols of one file share its path
    parents = _parent_candidates(conn)
    lines: list[str] = []
    skipped = 0
    for row in conn.execute(_SYMBOLS_SQL):
        rel = row["file_path"]
        if "\t" in rel or "\n" in rel or "\r" in rel:
            skipped += 1
            continue
        path = cache.get(rel)
        if path is None:
            full = root / rel
            path = cache[rel] = full.as_posix() if absolute else Path(os.path.relpath(full, cwd)).as_posix()
        scope_kind = parent_kind(parents, row) if row["parent_symbol"] else ""
        lines.append(_tag_line(row, path, scope_kind))
    # Python orders str by code point, which is the order of their UTF-8 bytes.
    lines.sort()
    for line in _pseudo_tags(conn, cwd):
        out.write(line + "\n")
    for line in lines:
        out.write(line + "\n")
    return CtagsStats(tags=len(lines), skipped=skipped)
