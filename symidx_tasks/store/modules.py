"""How an import's module names the repo's packages and files, per language.

``package_keys``: the keys a unit can be named by (its match key; for Python,
JVM and Perl the module names its files define), stored with the unit's rows.
``module_candidates``: the keys an import's module may mean, most specific
first. ``module_files``: the files of a package a module names, in the order a
resolver tries them. Reference resolution (store/resolve.py) joins the three;
a new language's import rule is added here.
"""
from __future__ import annotations

import posixpath

from ..model import FileRecord, PackageRecord

# How a module is spelled per language family: key prefix of package_keys.
SELF = ""  # a relative import: the importing package itself
_JS = frozenset({"typescript", "tsx", "javascript"})
_JVM = frozenset({"java", "kotlin"})
# The files a JS/TS module path P can name, in the order resolvers try them:
# P.<ext>, then P/index.<ext>; TypeScript files first for a TypeScript
# importer (compiled .js output often sits beside its .ts, .d.ts beside .mjs).
_TS_EXTS = (".ts", ".tsx", ".d.ts", ".mts", ".cts")
_JS_EXTS = (".js", ".mjs", ".cjs", ".jsx")
# TypeScript's ESM imports spell a .ts file as .js: `./util.js` names util.ts.
_JS_AS_TS = {".js": (".ts", ".tsx", ".d.ts"), ".jsx": (".tsx",), ".mjs": (".mts", ".d.mts"),
             ".cjs": (".cts", ".d.cts")}


def package_keys(package: PackageRecord | None, files: list[FileRecord]) -> list[str]:
    """The keys an import can name this unit by, sorted: its match key (npm,
    cargo, go and ruby modules are spelled like their match keys), plus the
    module names its files define: ``py:<top-level module>``,
    ``jvm:<package>`` (from a Java/Kotlin file's directory under its source
    root) and ``perl:<A::B>`` (from ``lib/A/B.pm``)."""
    keys = {package["match_key"]} if package is not None and package["match_key"] else set()
    base = "" if package is None or package["path"] == "." else package["path"] + "/"
    for record in files:
        path, language = record["path"], record["language"]
        rel = path[len(base):] if path.startswith(base) else path
        key = None
        if language == "python":
            key = _python_key(rel)
        elif language in _JVM:
            key = _jvm_key(rel)
        elif language == "perl" and rel.endswith(".pm"):
            key = _perl_key(rel)
        if key is not None:
            keys.add(key)
    return sorted(keys)


def _python_key(rel: str) -> str | None:
    rel = rel.removeprefix("src/")
    head, sep, _ = rel.partition("/")
    top = head if sep else head.rsplit(".", 1)[0]
    return f"py:{top}" if top.isidentifier() else None


def _jvm_key(rel: str) -> str | None:
    parts = rel.split("/")[:-1]
    # The package starts after the source root: .../java/ or .../kotlin/ (Maven and
    # Gradle layouts, Kotlin multiplatform), else after a leading src/.
    roots = [i for i, part in enumerate(parts) if part in ("java", "kotlin")]
    if roots:
        parts = parts[roots[0] + 1:]
    elif parts[:1] == ["src"]:
        parts = parts[1:]
    return f"jvm:{'.'.join(parts)}" if parts else None


def _perl_key(rel: str) -> str | None:
    parts = rel.removesuffix(".pm").split("/")
    if "lib" in parts:
        parts = parts[parts.index("lib") + 1:]
    return f"perl:{'::'.join(parts)}" if parts and all(parts) else None


def module_candidates(language: str | None, module: str) -> list[str]:
    """The package keys ``module`` may name, most specific first ("" = the
    importing package itself); the first key some package has decides."""
    if language == "python":
        return [SELF] if module.startswith(".") else [f"py:{module.split('.', 1)[0]}"]
    if language in _JS:
        if module.startswith((".", "/")):
            return [SELF]
        parts = module.split("/")
        return [f"npm:{'/'.join(parts[:2] if module.startswith('@') else parts[:1])}"]
    if language == "go":
        parts = module.split("/")
        return [f"go:{'/'.join(parts[:n])}" for n in range(len(parts), 0, -1)]
    if language == "rust":
        first = module.split("::", 1)[0]
        return [SELF] if first in ("crate", "self", "super") else [f"cargo:{first.replace('_', '-')}"]
    if language in _JVM:
        # `import a.b.C`: module a.b; `import a.b.C.Inner`: module a.b.C, a class.
        return [f"jvm:{module}", f"jvm:{module.rsplit('.', 1)[0]}"]
    if language == "perl":
        return [f"perl:{module}"]
    if language == "ruby":
        return [SELF] if module.startswith(".") else [f"ruby:{module.split('/', 1)[0]}"]
    return []


def module_files(language: str | None, module: str, importer: str, root: str) -> list[tuple[str, ...]]:
    """The files ``module``, imported by the file ``importer``, names in the
    package at directory ``root`` ("" = the repo root): of each tuple, the
    first path that exists (as a resolver tries them). Empty when it names no
    specific file (a bare package) or the language's layout is not known."""
    if language == "python":
        return _python_files(module, importer, root)
    if language in _JS:
        return _js_files(module, importer, root, ts_first=language != "javascript")
    if language == "rust":
        return _rust_files(module, root)
    return []


def _join(*parts: str) -> str:
    """The normalized path of ``parts`` joined, "" for the repo root; it may start with ".." (outside)."""
    path = posixpath.normpath("/".join(part for part in parts if part))
    return "" if path == "." else path


def _python_files(module: str, importer: str, root: str) -> list[tuple[str, ...]]:
    dots = len(module) - len(module.lstrip("."))
    names = [name for name in module[dots:].split(".") if name]
    if dots:  # `.` is the importer's directory, each further dot one up
        bases = [_join(posixpath.dirname(importer), *[".."] * (dots - 1))]
    else:  # the source root: top-level or src/ (as package_keys finds the top module)
        bases = [root, _join(root, "src")]
    found = []
    for base in bases:
        path = _join(base, *names)
        if path.startswith(".."):
            continue
        # A package wins over a module; a stub only stands in for a missing source.
        found.append(tuple(f"{stem}{ext}" for ext in (".py", ".pyi")
                           for stem in (_join(path, "__init__"), *([path] if names else []))))
    return found


def _js_files(module: str, importer: str, root: str, ts_first: bool) -> list[tuple[str, ...]]:
    if module.startswith("."):
        path = _join(posixpath.dirname(importer), module)
    elif module.startswith("/"):
        return []
    else:  # a package subpath, relative to the package's directory
        parts = module.split("/")
        sub = parts[2:] if module.startswith("@") else parts[1:]
        if not sub:
            return []
        path = _join(root, *sub)
    if not path or path.startswith(".."):
        return []
    stem, ext = posixpath.splitext(path)
    exts = _TS_EXTS + _JS_EXTS if ts_first else _JS_EXTS + _TS_EXTS
    as_ts = [stem + e for e in _JS_AS_TS.get(ext, ())] if ts_first else []
    return [(*as_ts, path, *[path + e for e in exts], *[f"{path}/index{e}" for e in exts])]


def _rust_files(module: str, root: str) -> list[tuple[str, ...]]:
    # `crate::a::b` or `other_crate::a::b`: src/a/b.rs or src/a/b/mod.rs; self
    # and super depend on the importer's own module path: not narrowed.
    first, *names = module.split("::")
    if first in ("self", "super"):
        return []
    if not names:  # the crate root: a library's, a binary's
        return [(_join(root, "src", "lib.rs"),), (_join(root, "src", "main.rs"),)]
    path = _join(root, "src", *names)
    return [(path + ".rs", _join(path, "mod.rs"))]
