"""Perl / CPAN: cpanfile, META.json, Makefile.PL, Build.PL.

Any of the four makes a directory a package (a cpanfile-only application, a
distribution with only a Makefile.PL, ...). MYMETA.* and META.yml are build
outputs or YAML and are not read.

Name, version, description
    name: META.json "name" (the distribution name, "Foo-Bar"); else Makefile.PL
    DISTNAME, or NAME => 'Foo::Bar' turned into the distribution name CPAN
    derives from it ("Foo-Bar"; metadata["module"] keeps "Foo::Bar"); Build.PL
    dist_name / module_name likewise; Module::Install's `name 'Foo-Bar'`; else
    the directory name ("root" for the repo root).
    version: META.json "version"; else VERSION / dist_version; else the
    $VERSION (or `package Foo 1.0;`) of the VERSION_FROM / dist_version_from /
    all_from file (read, so a file_dep), Build.PL defaulting to the module_name
    file as Module::Build does.
    description: META.json abstract (not "unknown"), else ABSTRACT / dist_abstract.

Dependencies (the first source present wins; they describe the same thing)
    1. cpanfile: requires / recommends / suggests (conflicts are not
       dependencies), test_requires, build_requires, configure_requires,
       author_requires, `on '<phase>' => sub { ... }` and
       `feature 'x', '...' => sub { ... }` blocks;
    2. META.json prereqs (and optional_features);
    3. Makefile.PL PREREQ_PM / BUILD_REQUIRES / TEST_REQUIRES /
       CONFIGURE_REQUIRES, Build.PL requires / recommends / build_requires /
       test_requires / configure_requires, or a Module::Install Makefile.PL's
       cpanfile-like statements.
    dep_kind from the CPAN::Meta phase: runtime -> runtime, test -> test,
    build and configure -> build, develop -> develop; recommends / suggests in
    the runtime phase -> optional; inside a feature -> optional:<feature>.
    metadata: phase, relation (always), feature. version_req as written ("0"
    = any). A requirement on `perl` itself is metadata["perl"], not a dependency.

Match key
    "perl:<name with :: replaced by ->": the dependency Foo::Bar matches a
    package named "Foo-Bar" (or "Foo::Bar"). A dependency on a module inside a
    distribution (Foo::Bar::Util of Foo-Bar) does not match the distribution.
"""
from __future__ import annotations

import re
from typing import Any

from ...errors import ManifestError
from ...model import Dependency, Package
from .base import ManifestContext, expect, join_dir, manifest_package, unique_deps

KIND = "perl"
FAMILY = "perl"

_MANIFESTS = ("cpanfile", "META.json", "Makefile.PL", "Build.PL")
_PHASE_KINDS = {"runtime": "runtime", "test": "test", "build": "build", "configure": "build", "develop": "develop"}
# statement -> (phase it forces, CPAN::Meta relation)
_RELATIONS = {
    "requires": (None, "requires"),
    "recommends": (None, "recommends"),
    "suggests": (None, "suggests"),
    "conflicts": (None, "conflicts"),
    "test_requires": ("test", "requires"),
    "build_requires": ("build", "requires"),
    "configure_requires": ("configure", "requires"),
    "author_requires": ("develop", "requires"),
}
_TOKEN = re.compile(
    r"""(?P<ws>\s+|\#[^\n]*)
      | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<num>v?\d[\d._]*)
      | (?P<word>[A-Za-z_]\w*(?:::\w+)*)
      | (?P<op>=>|[{};,()])
      | (?P<other>.)""",
    re.X | re.S,
)
_POD = re.compile(r"(?ms)^=[a-zA-Z]\w*.*?(?:^=cut\b[^\n]*$|\Z)")
_END = re.compile(r"(?m)^__(?:END|DATA)__\b.*", re.S)
_CODE_COMMENT = re.compile(r"""(?P<s>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|\#[^\n]*""")
_VERSION_IN_MODULE = re.compile(
    r"""\$VERSION\s*=\s*(?:(['"])(?P<q>[^'"]+)\1|(?P<n>v?\d[\d._]*))|^\s*package\s+[\w:]+\s+(?P<p>v?\d[\d._]*)\s*[;{]""",
    re.M,
)


class _Deps:
    """Collects dependencies; `perl` itself is noted apart."""

    def __init__(self) -> None:
        self.items: list[Dependency] = []
        self.perl: str | None = None

    def add(self, module: str, version: str | None, phase: str, relation: str, feature: str | None = None) -> None:
        if relation == "conflicts" or not module:
            return
        if module == "perl":
            if phase == "runtime" and relation == "requires" and version:
                self.perl = version
            return
        if feature:
            kind = f"optional:{feature}"
        elif phase == "runtime" and relation in ("recommends", "suggests"):
            kind = "optional"
        else:
            kind = _PHASE_KINDS.get(phase, phase)
        meta = [("phase", phase), ("relation", relation)]
        if feature:
            meta.append(("feature", feature))
        self.items.append(Dependency(module, kind, version, match_key(module), tuple(sorted(meta))))


def match_key(name: str) -> str:
    return f"{FAMILY}:{name.replace('::', '-')}"


def manifests_in(names: frozenset[str]) -> list[str]:
    return [n for n in _MANIFESTS if n in names]


def parse(ctx: ManifestContext) -> Package | None:
    names = set(ctx.manifests)
    deps: _Deps | None = None
    if "cpanfile" in names:
        deps = _Deps()
        _cpanfile_statements(_perl_code(ctx.read_text(ctx.rel("cpanfile"))), deps)

    name = version = description = module = None
    if "META.json" in names:
        where = ctx.rel("META.json")
        meta = expect(ctx.own("json", "META.json"), dict, where)
        name = expect(meta.get("name"), str, f"{where}: name")
        raw_version = expect(meta.get("version"), (str, int, float), f"{where}: version")
        version = str(raw_version) if raw_version is not None else None
        abstract = expect(meta.get("abstract"), str, f"{where}: abstract")
        description = abstract if abstract and abstract != "unknown" else None
        if deps is None and ("prereqs" in meta or "optional_features" in meta):
            deps = _meta_prereqs(meta, where)

    for pl in ("Makefile.PL", "Build.PL"):
        if pl not in names or (name and version and description and deps is not None):
            continue
        info = _pl_file(ctx, pl, want_deps=deps is None)
        name = name or info["name"]
        module = module or info["module"]
        version = version or info["version"]
        description = description or info["abstract"]
        if deps is None:
            deps = info["deps"]

    name = name or ctx.dir_name
    metadata: dict[str, Any] = {}
    if module and module.replace("::", "-") == name:
        metadata["module"] = module
    if deps is not None and deps.perl:
        metadata["perl"] = deps.perl
    dependencies = deps.items if deps is not None else []
    return manifest_package(
        ctx, KIND, name, match_key(name), unique_deps(dependencies),
        version=version, description=description, metadata=metadata,
    )


# -- cpanfile (and Module::Install) statements ------------------------------------

def _perl_code(text: str) -> str:
    """Source without POD and without whatever follows __END__ / __DATA__."""
    return _END.sub("", _POD.sub("", text))


def _cpanfile_statements(code: str, deps: _Deps) -> None:
    tokens = [(m.lastgroup or "", m.group()) for m in _TOKEN.finditer(code) if m.lastgroup != "ws"]
    stack: list[tuple[str, str] | None] = []  # one entry per open brace: ("phase"|"feature", value) or None
    pending: tuple[str, str] | None = None  # what the next brace opens
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "op" and value == "{":
            stack.append(pending)
            pending = None
        elif kind == "op" and value == "}":
            if stack:
                stack.pop()
        elif kind == "op" and value == ";":
            pending = None
        elif kind == "word" and value in ("on", "feature") and i + 1 < len(tokens):
            arg = _value(tokens[i + 1])
            if arg is not None:
                pending = ("phase" if value == "on" else "feature", arg)
                i += 1
        elif kind == "word" and value in _RELATIONS:
            args: list[tuple[str, str]] = []
            j = i + 1
            while j < len(tokens) and tokens[j][1] not in (";", "{", "}", "if", "unless"):
                if tokens[j][0] in ("str", "num", "word"):
                    args.append(tokens[j])
                j += 1
            if args:
                forced, relation = _RELATIONS[value]
                phase = forced or _innermost(stack, "phase") or "runtime"
                version = _value(args[1]) if len(args) > 1 and args[1][0] in ("str", "num") else None
                deps.add(_value(args[0]) or "", version, phase, relation, _innermost(stack, "feature"))
            i = j
            continue
        i += 1


def _value(token: tuple[str, str]) -> str | None:
    kind, value = token
    if kind == "str":
        return value[1:-1]
    return value if kind in ("word", "num") else None


def _innermost(stack: list[tuple[str, str] | None], what: str) -> str | None:
    for entry in reversed(stack):
        if entry is not None and entry[0] == what:
            return entry[1]
    return None


# -- META.json --------------------------------------------------------------------

def _meta_prereqs(meta: dict[str, Any], where: str) -> _Deps:
    deps = _Deps()
    _add_prereqs(deps, meta.get("prereqs"), f"{where}: prereqs", None)
    features = expect(meta.get("optional_features"), dict, f"{where}: optional_features") or {}
    for feature, spec in sorted(features.items()):
        expect(spec, dict, f"{where}: optional_features.{feature}")
        _add_prereqs(deps, spec.get("prereqs"), f"{where}: optional_features.{feature}.prereqs", feature)
    return deps


def _add_prereqs(deps: _Deps, prereqs: Any, where: str, feature: str | None) -> None:
    for phase, relations in sorted((expect(prereqs, dict, where) or {}).items()):
        for relation, modules in sorted((expect(relations, dict, f"{where}.{phase}") or {}).items()):
            for mod, req in sorted((expect(modules, dict, f"{where}.{phase}.{relation}") or {}).items()):
                expect(req, (str, int, float), f"{where}.{phase}.{relation}.{mod}")
                deps.add(mod, None if req is None else str(req), phase, relation, feature)


# -- Makefile.PL / Build.PL -------------------------------------------------------

def _pl_file(ctx: ManifestContext, pl: str, want_deps: bool) -> dict[str, Any]:
    rel = ctx.rel(pl)
    code = _CODE_COMMENT.sub(lambda m: m.group("s") or "", _perl_code(ctx.read_text(rel)))
    info: dict[str, Any] = {"name": None, "module": None, "version": None, "abstract": None, "deps": None}
    if pl == "Makefile.PL":
        keys = {"name": "DISTNAME", "module": "NAME", "version": "VERSION", "from": "VERSION_FROM",
                "abstract": "ABSTRACT"}
        tables: tuple[tuple[str, str, str], ...] = (
            ("PREREQ_PM", "runtime", "requires"), ("BUILD_REQUIRES", "build", "requires"),
            ("TEST_REQUIRES", "test", "requires"), ("CONFIGURE_REQUIRES", "configure", "requires"),
        )
        perl_key = "MIN_PERL_VERSION"
    else:
        keys = {"name": "dist_name", "module": "module_name", "version": "dist_version",
                "from": "dist_version_from", "abstract": "dist_abstract"}
        tables = (("requires", "runtime", "requires"), ("recommends", "runtime", "recommends"),
                  ("build_requires", "build", "requires"), ("test_requires", "test", "requires"),
                  ("configure_requires", "configure", "requires"))
        perl_key = None
    found = {k: _scalar(code, key) for k, key in keys.items()}
    module_install = pl == "Makefile.PL" and re.search(r"\binc::Module::Install\b", code) is not None
    if module_install:
        # Module::Install: `name 'Foo-Bar'; all_from 'lib/Foo/Bar.pm'; requires 'X' => 1;`
        found["name"] = found["name"] or _call_arg(code, "name")
        found["from"] = found["from"] or _call_arg(code, "version_from") or _call_arg(code, "all_from")
        found["abstract"] = found["abstract"] or _call_arg(code, "abstract")
    info["module"] = found["module"]
    info["name"] = found["name"] or (found["module"].replace("::", "-") if found["module"] else None)
    info["abstract"] = found["abstract"]
    version_from = found["from"]
    if version_from is None and pl == "Build.PL" and found["module"]:
        version_from = "lib/" + found["module"].replace("::", "/") + ".pm"
    info["version"] = found["version"] or (_version_from(ctx, version_from) if version_from else None)
    if want_deps:
        deps = _Deps()
        if module_install:
            _cpanfile_statements(code, deps)
        for table, phase, relation in tables:
            for mod, req in _hash_pairs(code, table):
                deps.add(mod, req, phase, relation)
        if perl_key and (min_perl := _scalar(code, perl_key)):
            deps.add("perl", min_perl, "runtime", "requires")
        info["deps"] = deps
    return info


def _scalar(code: str, key: str) -> str | None:
    """`KEY => 'value'` (key quoted or not) with a literal value."""
    m = re.search(rf"(?<![\w$@%])['\"]?{key}['\"]?\s*=>\s*(?:(['\"])(?P<q>[^'\"]*)\1|(?P<n>v?\d[\d._]*))", code)
    if not m:
        return None
    return m.group("q") if m.group("q") is not None else m.group("n")


def _call_arg(code: str, fn: str) -> str | None:
    m = re.search(rf"(?m)^\s*{fn}\s*\(?\s*(['\"])([^'\"]+)\1", code)
    return m.group(2) if m else None


def _hash_pairs(code: str, key: str) -> list[tuple[str, str | None]]:
    m = re.search(rf"(?<![\w$@%])['\"]?{key}['\"]?\s*=>\s*\{{([^{{}}]*)\}}", code)
    if not m:
        return []
    return [
        (p.group(2), p.group("q") if p.group("q") is not None else p.group("n"))
        for p in re.finditer(
            r"""(['"]?)([A-Za-z_][\w:]*)\1\s*(?:=>|,)\s*(?:(['"])(?P<q>[^'"]*)\3|(?P<n>v?\d[\d._]*))""", m.group(1)
        )
    ]


def _version_from(ctx: ManifestContext, path: str) -> str | None:
    rel = join_dir(ctx.dir, path)
    if rel not in ctx.files:
        return None
    try:
        text = ctx.read_text(rel)
    except ManifestError as exc:
        ctx.warn(str(exc))
        return None
    m = _VERSION_IN_MODULE.search(text)
    if not m:
        return None
    return m.group("q") or m.group("n") or m.group("p")
