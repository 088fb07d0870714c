"""Go modules: go.mod, with go.work `use` membership.

- name = the `module` path; match_key = "go:<module path>" as written (module
  paths are case-sensitive and already canonical). version = None: a go.mod
  does not carry its module's version (tags do). No `module` line: ManifestError.
- metadata: "go" (the go directive), "toolchain", "workspace" (the directory of
  the nearest go.work — in this directory or above — whose `use` directives
  name this module's directory; Go itself only ever considers the nearest).
- Every `require` is dep_kind "runtime" (Go has no dev/test split); a
  `// indirect` one has ("indirect", "true"). A `replace` of a required module
  adds ("replace", target): a local target as a directory relative to the repo
  root, a module target as "<path>@<version>". A version-specific replace
  applies only to that version and wins over a version-less one.
- The reader is a small tolerant line parser of the go.mod grammar: `//`
  comments, "quoted" and `raw` strings, `verb (` ... `)` blocks; unknown
  directives are ignored, malformed require/replace lines are skipped with a
  warning, and only an unclosed block or string is a syntax error.
"""
from __future__ import annotations

import json
import posixpath
import re

from ...errors import ManifestError
from ...model import Dependency, Package
from .base import ManifestContext, join_dir, manifest_package, sorted_deps

KIND = "go"
FAMILY = "go"

# (verb, arguments, trailing comment text, line number)
Statement = tuple[str, tuple[str, ...], str, int]

_TOKEN = re.compile(
    r'(?P<comment>//.*)'
    r'|"(?P<quoted>(?:[^"\\]|\\.)*)"'
    r'|`(?P<raw>[^`]*)`'
    r'|(?P<punct>[()\[\]{},])'
    r'|(?P<word>(?:(?!//)[^\s()\[\]{},"`])+)'
)


def manifests_in(names: frozenset[str]) -> list[str]:
    return ["go.mod"] if "go.mod" in names else []


def parse(ctx: ManifestContext) -> Package | None:
    where = ctx.rel("go.mod")
    stmts = ctx.parsed(where, "go.mod", parse=parse_statements)
    module: str | None = None
    metadata: dict[str, str] = {}
    requires: list[Statement] = []
    replaces: dict[tuple[str, str | None], str] = {}
    for verb, args, comment, line in stmts:
        at = f"{where}: line {line}"
        if verb == "module":
            if len(args) != 1:
                raise ManifestError(f"{at}: module expects one module path")
            if module is not None:
                raise ManifestError(f"{at}: repeated module directive")
            module = args[0]
        elif verb in ("go", "toolchain") and len(args) == 1:
            metadata[verb] = args[0]
        elif verb == "require":
            if len(args) == 2:
                requires.append((verb, args, comment, line))
            else:
                ctx.warn(f"{at}: require expects a module path and a version; skipped")
        elif verb == "replace":
            replacement = _replacement(ctx.dir, args)
            if replacement is None:
                ctx.warn(f"{at}: replace expects `module [version] => target [version]`; skipped")
            else:
                key, target = replacement
                replaces[key] = target
    if not module:
        raise ManifestError(f"{where}: no module directive")

    deps = []
    for _verb, (path, version), comment, _line in requires:
        meta = []
        if comment == "indirect" or comment.startswith("indirect;"):
            meta.append(("indirect", "true"))
        replaced = replaces.get((path, version), replaces.get((path, None)))
        if replaced is not None:
            meta.append(("replace", replaced))
        deps.append(Dependency(path, "runtime", version, f"{FAMILY}:{path}", tuple(sorted(meta))))
    workspace = _workspace(ctx)
    if workspace is not None:
        metadata["workspace"] = workspace
    return manifest_package(ctx, KIND, module, f"{FAMILY}:{module}", sorted_deps(deps), metadata=metadata)


def parse_statements(text: str) -> list[Statement]:
    """go.mod / go.work statements, block entries flattened to their verb.
    Raises ValueError (with the line number) only for an unclosed block or string."""
    out: list[Statement] = []
    block: tuple[str, int] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        tokens, comment = _tokens(raw, number)
        if not tokens:
            continue
        if block is not None:
            if tokens == [")"]:
                block = None
            else:
                out.append((block[0], tuple(tokens), comment, number))
            continue
        verb, args = tokens[0], tokens[1:]
        if args == ["("]:
            block = (verb, number)
        elif args != ["(", ")"]:
            out.append((verb, tuple(args), comment, number))
    if block is not None:
        raise ValueError(f"line {block[1]}: `{block[0]} (` block is never closed")
    return out


def _tokens(line: str, number: int) -> tuple[list[str], str]:
    tokens: list[str] = []
    comment = ""
    pos = 0
    while pos < len(line):
        if line[pos].isspace():
            pos += 1
            continue
        m = _TOKEN.match(line, pos)
        if m is None:
            raise ValueError(f"line {number}: unterminated string")
        pos = m.end()
        if m["comment"] is not None:
            comment = m["comment"][2:].strip()
            break
        if m["quoted"] is not None:
            tokens.append(_unquote(m["quoted"]))
        else:
            tokens.append(m["raw"] if m["raw"] is not None else m["punct"] or m["word"])
    return tokens, comment


def _unquote(body: str) -> str:
    # Go's escapes that can occur in module paths are a subset of JSON's.
    try:
        value: str = json.loads(f'"{body}"')
        return value
    except ValueError:
        return body


def _is_local(path: str) -> bool:
    # Go's rule: a replacement that looks like a directory, not a module path.
    return path in (".", "..") or path.startswith(("./", "../", "/", ".\\", "..\\")) or bool(
        re.match(r"[A-Za-z]:[\\/]", path)
    )


def _replacement(base: str, args: tuple[str, ...]) -> tuple[tuple[str, str | None], str] | None:
    if "=>" not in args:
        return None
    i = args.index("=>")
    old, new = args[:i], args[i + 1:]
    if len(old) not in (1, 2) or len(new) not in (1, 2):
        return None
    if len(new) == 1:
        if not _is_local(new[0]):
            return None  # a module replacement needs a version
        target = join_dir(base, new[0])
    else:
        target = f"{new[0]}@{new[1]}"
    return (old[0], old[1] if len(old) == 2 else None), target


def _workspace(ctx: ManifestContext) -> str | None:
    """The nearest go.work's directory, if its `use` directives name this module's directory."""
    own = ctx.rel("go.work")
    found = ([own] if own in ctx.files else []) + ctx.find_up("go.work")
    if not found:
        return None
    rel = found[0]
    base = posixpath.dirname(rel) or "."
    try:
        stmts = ctx.parsed(rel, "go.work", parse=parse_statements)
    except ManifestError as exc:
        # No package owns a go.work, so its members are where its errors surface.
        ctx.warn(str(exc))
        return None
    for verb, args, _comment, _line in stmts:
        if verb == "use" and len(args) == 1 and join_dir(base, args[0]) == ctx.dir:
            return base
    return None
