"""Ruby: *.gemspec and Gemfile (or gems.rb, Bundler's other name for it).

Both are Ruby programs; this reader pattern-matches their declarative forms
after removing comments.

Which directories are packages
    One with a gemspec (published gems often have no Gemfile) and one with only
    a Gemfile (an application; named after its directory, "root" for the repo
    root). Several gemspecs in one directory: the first by name is read, with a
    warning.

gemspec (`Gem::Specification.new do |s|` / `{ |spec| ... }`)
    name: `s.name = "x"`; when it is not a literal, the gemspec's file name, with
    a warning. version: a literal, or a constant (`Foo::Bar::VERSION`) looked up
    in lib/foo/bar/version.rb, else in the other lib/**/version.rb files
    (`VERSION = "..."`; the file read becomes a file_dep); else None.
    description: summary, else description (literals only).
    add_dependency / add_runtime_dependency -> runtime,
    add_development_dependency -> dev; requirements joined with ", ".

Gemfile
    `gem 'x', '~> 1.0', '< 2'` -> runtime with the requirements joined by ", ";
    `group :development, :test do ... end` blocks and `group:` / `groups:`
    options: dep_kind from the first group (development -> dev, test -> test,
    default / production -> runtime, any other group as named) and
    metadata["groups"] = all of them, comma-separated; `path:` / `git:` /
    `github:` options are kept in metadata. The `gemspec` directive adds
    nothing: the gem's own dependencies come from its gemspec in this directory.
    Every dependency has metadata["declared_in"] = "gemspec" or "Gemfile": a
    gem's published dependencies are its gemspec's, its Gemfile is the local
    bundle (where undeclared gems are runtime, as Bundler's default group).

Match key: "ruby:<name>" (gem names are case-sensitive and used verbatim).
"""
from __future__ import annotations

import re
from typing import Any

from ...errors import ManifestError
from ...model import Dependency, Package
from .base import ManifestContext, manifest_package, unique_deps

KIND = "ruby"
FAMILY = "ruby"

_GEMFILES = ("Gemfile", "gems.rb")
_STRING = r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|%[qQ]?(?:\{[^}\n]*\}|\([^)\n]*\)|\[[^\]\n]*\]|<[^>\n]*>)"
_STRING_OR_COMMENT = re.compile(rf"(?P<s>{_STRING})|(?P<c>#[^\n]*)")
_ARG_TOKEN = re.compile(
    rf"""\s*(?:
        (?P<str>{_STRING})
      | (?P<label>[A-Za-z_]\w*):(?!:)
      | :(?P<sym>[A-Za-z_]\w*[?!]?)
      | (?P<rocket>=>)
      | (?P<punct>[\[\](),])
      | (?P<other>[^\s,\[\]()]+)
    )""",
    re.X,
)
_SPEC_BLOCK = re.compile(r"Gem::Specification\.new\b[^\n]*?(?:do|\{)\s*\|\s*(\w+)\s*\|")
_VERSION_CONST = re.compile(r"\bVERSION\s*=\s*(['\"])([^'\"#]+)\1")
_GROUP_KINDS = {"development": "dev", "test": "test", "default": "runtime", "production": "runtime"}
_BLOCK_START = re.compile(r"^\s*(?:if|unless|case|begin|while|until|for|def|class|module)\b")
_DO_BLOCK = re.compile(r"\bdo\s*(?:\|[^|]*\|)?\s*$")


def manifests_in(names: frozenset[str]) -> list[str]:
    gemspecs = sorted(n for n in names if n.endswith(".gemspec") and n != ".gemspec")
    return gemspecs + [n for n in _GEMFILES if n in names][:1]


def parse(ctx: ManifestContext) -> Package | None:
    gemspecs = [n for n in ctx.manifests if n.endswith(".gemspec")]
    gemfile = next((n for n in ctx.manifests if n in _GEMFILES), None)
    deps: list[Dependency] = []
    spec: dict[str, Any] = {"name": None, "version": None, "version_const": None, "summary": None,
                            "description": None}
    if gemspecs:
        if len(gemspecs) > 1:
            ctx.warn(f"{ctx.dir}: several gemspecs ({', '.join(gemspecs)}); only {gemspecs[0]} is read")
        spec_rel = ctx.rel(gemspecs[0])
        spec = _gemspec(_strip_comments(ctx.read_text(spec_rel)), spec_rel)
        if spec["name"] is None:
            spec["name"] = gemspecs[0][: -len(".gemspec")]
            ctx.warn(f"{spec_rel}: no literal spec.name; named after the file")
        deps.extend(spec["deps"])
    if gemfile is not None:
        gem_rel = ctx.rel(gemfile)
        gemfile_deps, local_gemspec = _gemfile(_strip_comments(ctx.read_text(gem_rel)))
        deps.extend(gemfile_deps)
        if local_gemspec and not gemspecs:
            ctx.warn(f"{gem_rel}: `gemspec` directive but no .gemspec in this directory")
    version = spec["version"]
    if version is None and spec["version_const"]:
        version = _version_constant(ctx, spec["version_const"])
    name = spec["name"] or ctx.dir_name
    return manifest_package(
        ctx, KIND, name, f"{FAMILY}:{name}", unique_deps(deps),
        version=version, description=spec["summary"] or spec["description"],
    )


# -- shared ------------------------------------------------------------------

def _strip_comments(text: str) -> str:
    text = re.sub(r"(?ms)^=begin\b.*?(?:^=end\b[^\n]*|\Z)", "", text)
    text = re.sub(r"(?ms)^__END__\s*$.*", "", text)
    return _STRING_OR_COMMENT.sub(lambda m: m.group("s") if m.group("s") is not None else "", text)


def _unquote(token: str) -> str:
    if token.startswith("%"):
        return token[token.index(next(c for c in token if c in "{([<")) + 1:-1]
    return token[1:-1]


def _statement(code: str, start: int) -> str:
    """From start to the end of the line, continued while a line ends with `,`, `\\` or an open bracket."""
    end = start
    while True:
        nl = code.find("\n", end)
        text = code[start:] if nl == -1 else code[start:nl]
        stripped = text.rstrip()
        open_brackets = stripped.count("(") + stripped.count("[") - stripped.count(")") - stripped.count("]")
        if nl == -1 or not (stripped.endswith((",", "\\")) or open_brackets > 0):
            return text
        end = nl + 1


def _args(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """Positional string arguments (also inside arrays) and the options of a call,
    `key: value` or `:key => value`, each option's strings / symbols / words."""
    positional: list[str] = []
    options: dict[str, list[str]] = {}
    key: str | None = None
    symbol: str | None = None  # a symbol that may turn out to be a `:key =>`
    for m in _ARG_TOKEN.finditer(text):
        kind = m.lastgroup
        if symbol is not None:
            if kind == "rocket":
                key, symbol = symbol, None
                options[key] = []
                continue
            if key is not None:
                options[key].append(symbol)
            symbol = None
        if kind == "label":
            key = m.group("label")
            options[key] = []
        elif kind == "sym":
            symbol = m.group("sym")
        elif kind == "str":
            (options[key] if key is not None else positional).append(_unquote(m.group("str")))
        elif kind == "other" and key is not None:
            options[key].append(m.group("other"))
    if symbol is not None and key is not None:
        options[key].append(symbol)
    return positional, options


# -- gemspec ---------------------------------------------------------------------

def _gemspec(code: str, where: str) -> dict[str, Any]:
    block = _SPEC_BLOCK.search(code)
    if block is None:
        raise ManifestError(f"{where}: no `Gem::Specification.new do |spec|` block")
    var = re.escape(block.group(1))
    body = code[block.end():]

    def literal(attr: str) -> str | None:
        m = re.search(rf"(?<![\w.]){var}\.{attr}\s*=\s*({_STRING})", body)
        value = _unquote(m.group(1)) if m else None
        return None if value is None or "#{" in value else value

    out: dict[str, Any] = {
        "name": literal("name"), "version": literal("version"), "version_const": None,
        "summary": literal("summary"), "description": literal("description"), "deps": [],
    }
    if out["version"] is None:
        m = re.search(rf"(?<![\w.]){var}\.version\s*=\s*((?:[A-Z]\w*::)*VERSION)\b", body)
        if m:
            out["version_const"] = m.group(1)
    for m in re.finditer(rf"(?<![\w.]){var}\.add_(runtime_|development_)?dependency\b", body):
        positional, _ = _args(_statement(body, m.end()))
        if not positional:
            continue
        kind = "dev" if m.group(1) == "development_" else "runtime"
        out["deps"].append(Dependency(
            positional[0], kind, ", ".join(positional[1:]) or None, f"{FAMILY}:{positional[0]}",
            (("declared_in", "gemspec"),),
        ))
    return out


def _version_constant(ctx: ManifestContext, const: str) -> str | None:
    """VERSION = "..." of the version.rb that defines Foo::Bar::VERSION."""
    lib = ctx.rel("lib")
    modules = const.split("::")[:-1]
    expected = "/".join([lib, *(_snake(m) for m in modules), "version.rb"])
    candidates = sorted(
        (f for f in ctx.files if f.startswith(lib + "/") and f.endswith("/version.rb")),
        key=lambda f: (f != expected, f.count("/"), f),
    )
    for rel in candidates:
        try:
            m = _VERSION_CONST.search(_strip_comments(ctx.read_text(rel)))
        except ManifestError as exc:
            ctx.warn(str(exc))
            continue
        if m:
            return m.group(2)
    return None


def _snake(const: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", const).lower()


# -- Gemfile -----------------------------------------------------------------------

def _gemfile(code: str) -> tuple[list[Dependency], bool]:
    deps: list[Dependency] = []
    local_gemspec = False
    stack: list[list[str] | None] = []  # per open block: its groups, or None
    lines = code.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        stripped = line.strip()
        if re.match(r"end\b", stripped):
            if stack:
                stack.pop()
            continue
        if m := re.match(r"gem\b\s*\(?", stripped):
            text = _statement(code, starts[i - 1] + line.index("gem") + m.end())
            i += text.count("\n")
            deps.extend(_gem(text, [g for entry in stack if entry for g in entry]))
            continue
        if re.match(r"gemspec\b", stripped):
            # `gemspec path: "x"` names a gemspec elsewhere; only a bare one means "here".
            local_gemspec = local_gemspec or not re.search(r"\bpath\s*(?::|=>)", stripped)
            continue
        if m := re.match(r"group\b\s*\(?(.*?)\)?\s*do\s*(?:\|[^|]*\|)?\s*$", stripped):
            stack.append(_symbols(m.group(1)))
            continue
        if _DO_BLOCK.search(stripped) or (_BLOCK_START.match(stripped) and not re.search(r"\bend\s*$", stripped)):
            stack.append(None)
    return deps, local_gemspec


def _symbols(text: str) -> list[str]:
    return [a or b for a, b in re.findall(r":(\w+)|['\"](\w+)['\"]", text)]


def _gem(text: str, block_groups: list[str]) -> list[Dependency]:
    # `gem 'x' if RUBY_VERSION >= "3"`: the condition's strings are no requirements.
    positional, options = _args(re.split(r"\s(?:if|unless)\s", text, maxsplit=1)[0])
    if not positional:
        return []
    name = positional[0]
    groups = list(dict.fromkeys([*block_groups, *options.get("group", []), *options.get("groups", [])]))
    meta = {"declared_in": "Gemfile"}
    if groups:
        meta["groups"] = ",".join(groups)
    for key in ("path", "git", "github"):
        if options.get(key):
            meta[key] = options[key][0]
    kind = _GROUP_KINDS.get(groups[0], groups[0]) if groups else "runtime"
    return [Dependency(name, kind, ", ".join(positional[1:]) or None, f"{FAMILY}:{name}", tuple(sorted(meta.items())))]
