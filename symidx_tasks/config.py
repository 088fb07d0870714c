"""IndexConfig: what the indexed repo says about how to index it.

Read from ``symidx.toml`` (top-level keys) or ``[tool.symidx]`` in the root
``pyproject.toml``. A bad value names the file, the key and what was expected;
nothing falls back silently. Every setting is a field of the frozen
``IndexConfig``, so the discovery cache and each package task's digest see a
change to any of them.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_MAX_FILE_SIZE = 1024 * 1024
DEFAULT_DEBOUNCE_MS = 2000
MAX_DEBOUNCE_MS = 600_000
DEFAULT_CACHE_MAX_BYTES = 1 << 30  # the local result cache's bound (pipeline/cache.py)

# Test and generated sources are not public API (shire skips them too); they
# are still listed in the files table, with the reason they were not parsed.
# The directory patterns also decide where manifests are fixtures rather than
# packages (see ``packages_in_test_dirs``).
DEFAULT_TEST_PATTERNS: tuple[str, ...] = (
    "test/", "tests/", "__tests__/", "testdata/", "spec/",
    "*_test.go", "test_*.py", "*_test.py", "conftest.py",
    "*.test.ts", "*.test.tsx", "*.test.js", "*.test.jsx", "*.spec.ts", "*.spec.tsx", "*.spec.js",
    "*_spec.rb", "*_test.rb", "*Test.java", "*Test.kt", "*Tests.java", "*Tests.kt", "*.t",
)
DEFAULT_GENERATED_PATTERNS: tuple[str, ...] = (
    "*.pb.go", "*_pb2.py", "*_pb2_grpc.py", "*.generated.ts", "*.generated.js", "*.gen.go",
    "*.min.js", "*.d.ts.map", "build.rs",
)


@dataclass(frozen=True)
class CustomRule:
    """Directories that hold files matching every entry of ``requires`` are
    packages of ``kind``, named ``name_prefix`` + their path: for repos organised
    by BUILD files rather than manifests.

    ``paths``: the directories searched (root-relative, "." = the whole repo);
    ``exclude``: globs of directories not searched (a glob without "/" matches
    a directory name below a search root, one with "/" a path from the repo
    root; the subtree goes too); ``max_depth``: how far below a search root a match may lie (0 = the
    search root itself); ``extensions`` / ``languages``: which of the package's
    files are parsed (the others are listed only). Below a directory a rule
    matched, that rule matches nothing more. A directory with a manifest is that
    manifest's package; rules apply in the order written.
    """

    requires: tuple[str, ...]
    paths: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    max_depth: int | None = None
    kind: str = "custom"
    name_prefix: str = ""
    extensions: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PackageOverride:
    """``[[packages]]``: facts a manifest does not state, for one package.

    Selected by ``path`` (the package directory) or, without a path, by
    ``name`` (every package of that name). ``description`` replaces the
    manifest's; with ``path``, ``name`` names a package whose manifest gives
    none (custom-rule packages)."""

    path: str | None = None
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class IndexConfig:
    exclude_dirs: tuple[str, ...] = ()  # added to walk.DEFAULT_EXCLUDED_DIRS
    exclude_extensions: tuple[str, ...] = ()  # such files are not indexed at all
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # larger sources are listed, not parsed
    manifests: tuple[str, ...] | None = None  # enabled manifest kinds; None = all
    disabled_manifests: tuple[str, ...] = ()  # manifest file names (or globs) never read
    skip_tests: bool = True
    skip_generated: bool = True
    test_patterns: tuple[str, ...] = DEFAULT_TEST_PATTERNS
    generated_patterns: tuple[str, ...] = DEFAULT_GENERATED_PATTERNS
    packages_in_test_dirs: bool = False  # a manifest under a test directory makes a package
    custom: tuple[CustomRule, ...] = ()
    packages: tuple[PackageOverride, ...] = ()
    symbols_exclude_extensions: tuple[str, ...] = ()  # [symbols] exclude_extensions: listed, not parsed
    db: str | None = None  # default DB path for `symidx` commands, relative to the root
    strict: bool = False  # any warning fails the run (for CI); the index is still written
    # references = false: definitions only (no refs, callers, usage counts), about half
    # the extraction and most of the merge on real trees (docs/performance.md).
    references: bool = True
    # [watch] debounce_ms: quiet time before `symidx watch` builds. Not an input
    # of the index, so it does not take part in comparisons (discovery cache).
    watch_debounce_ms: int = field(default=DEFAULT_DEBOUNCE_MS, compare=False)
    # [cache] url / max_bytes: where package results are shared (pipeline/cache.py);
    # None = no cache. Not an input of the index either: a hit is byte-identical.
    cache_url: str | None = field(default=None, compare=False)
    cache_max_bytes: int = field(default=DEFAULT_CACHE_MAX_BYTES, compare=False)
    source: str | None = field(default=None, compare=False)  # file it was read from


def load_config(root: str | Path) -> IndexConfig:
    root = Path(root)
    own = root / "symidx.toml"
    pyproject = root / "pyproject.toml"
    table: dict[str, Any] | None = None
    source = "config"
    if own.is_file():
        table, source = _read_toml(own), "symidx.toml"
    if pyproject.is_file():
        try:
            tool = _read_toml(pyproject).get("tool", {}).get("symidx")
        except ConfigError:
            tool = None  # a broken pyproject is the python manifest reader's to report
        if tool is not None:
            if table is not None:
                raise ConfigError("symidx.toml and [tool.symidx] in pyproject.toml both exist: keep one")
            table, source = tool, "pyproject.toml [tool.symidx]"
    if table is None:
        return IndexConfig()
    return config_from_table(table, source)


def config_from_table(table: dict[str, Any], source: str = "config") -> IndexConfig:
    """The IndexConfig a parsed TOML table describes; ConfigError naming ``source``
    and the key for anything unknown or malformed."""
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: expected a table, got {table!r}")
    known = sorted(_READERS)
    values: dict[str, Any] = {"source": source}
    for key, value in table.items():
        where = f"{source}: key '{key}'"
        if key not in _READERS:
            raise ConfigError(f"{where}: unknown key (known: {', '.join(known)})")
        values.update(_READERS[key](value, where))
    return IndexConfig(**values)


# -- one reader per key: (value, where) -> the IndexConfig fields it sets ---------

Reader = Callable[[Any, str], dict[str, Any]]


def _strings(name: str) -> Reader:
    return lambda value, where: {name: _str_list(value, where)}


def _flag(name: str) -> Reader:
    def read(value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return {name: value}

    return read


def _max_file_size(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"{where}: expected a positive integer (bytes), got {value!r}")
    return {"max_file_size": value}


def _db(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: expected a path string, got {value!r}")
    return {"db": value}


def _manifests(value: Any, where: str) -> dict[str, Any]:
    from .discover.manifests import kind_names  # late: config must not import discovery eagerly

    kinds = _str_list(value, where)
    unknown = sorted(set(kinds) - set(kind_names()))
    if unknown:
        raise ConfigError(f"{where}: unknown kind(s) {', '.join(unknown)} (known: {', '.join(kind_names())})")
    return {"manifests": kinds}


def _disabled_manifests(value: Any, where: str) -> dict[str, Any]:
    names = _str_list(value, where)
    for name in names:
        if not name or "/" in name:
            raise ConfigError(f"{where}: expected file names such as \"go.work\", got {name!r}")
    return {"disabled_manifests": names}


def _exclude_extensions(value: Any, where: str) -> dict[str, Any]:
    return {"exclude_extensions": _extensions(value, where)}


def _watch(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table ([watch]), got {value!r}")
    for extra in sorted(set(value) - {"debounce_ms"}):
        raise ConfigError(f"{where.replace(repr('watch'), repr('watch.' + extra))}: unknown key (known: debounce_ms)")
    ms = value.get("debounce_ms", DEFAULT_DEBOUNCE_MS)
    if not isinstance(ms, int) or isinstance(ms, bool) or not 0 <= ms <= MAX_DEBOUNCE_MS:
        raise ConfigError(f"{where.replace(repr('watch'), repr('watch.debounce_ms'))}: expected milliseconds "
                          f"from 0 to {MAX_DEBOUNCE_MS}, got {ms!r}")
    return {"watch_debounce_ms": ms}


def _cache(value: Any, where: str) -> dict[str, Any]:
    """``[cache]``: ``url`` = "local" (the machine's shared directory), "off",
    a directory (relative to the root) or an fsspec URL such as
    "s3://bucket/prefix"; ``max_bytes`` bounds a local cache."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table ([cache]), got {value!r}")
    for extra in sorted(set(value) - {"url", "max_bytes"}):
        raise ConfigError(f"{where.replace(repr('cache'), repr('cache.' + extra))}: unknown key "
                          "(known: max_bytes, url)")
    out: dict[str, Any] = {}
    if "url" in value:
        url = value["url"]
        at = where.replace(repr("cache"), repr("cache.url"))
        if not isinstance(url, str) or not url.strip():
            raise ConfigError(f"{at}: expected \"local\", \"off\", a directory or a URL such as "
                              f"\"s3://bucket/prefix\", got {url!r}")
        if "://" in url and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*://.", url):
            raise ConfigError(f"{at}: expected a URL such as \"s3://bucket/prefix\", got {url!r}")
        out["cache_url"] = url.strip()
    if "max_bytes" in value:
        size = value["max_bytes"]
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise ConfigError(f"{where.replace(repr('cache'), repr('cache.max_bytes'))}: expected a positive "
                              f"integer (bytes), got {size!r}")
        out["cache_max_bytes"] = size
    return out


def _symbols(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table ([symbols]), got {value!r}")
    extra = set(value) - {"exclude_extensions"}
    if extra:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(extra))} (known: exclude_extensions)")
    if "exclude_extensions" not in value:
        return {}
    return {"symbols_exclude_extensions": _extensions(value["exclude_extensions"], f"{where}.exclude_extensions")}


def _extensions(value: Any, where: str) -> tuple[str, ...]:
    """``["map", ".JS"]`` -> ``(".map", ".js")``: matched case-insensitively against file names."""
    out = []
    for ext in _str_list(value, where):
        if not ext.strip(".") or "/" in ext:
            raise ConfigError(f"{where}: expected extensions such as \"map\" or \".map\", got {ext!r}")
        out.append(ext.lower() if ext.startswith(".") else "." + ext.lower())
    return tuple(out)


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _custom(value: Any, where: str) -> dict[str, Any]:
    """``[[custom]]`` rules; ``marker`` / ``under`` are shorthand for a one-entry
    ``requires`` / ``paths``."""
    from .extract.languages import known_languages  # late, as for manifests

    items = _tables(value, where, "custom")
    rules = []
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        extra = set(item) - _RULE_KEYS
        if extra:
            known = ", ".join(sorted(_RULE_KEYS))
            raise ConfigError(f"{at}: unknown key(s) {', '.join(sorted(extra))} (known: {known})")
        requires = _rule_requires(item, at)
        paths = _rule_paths(item, at)
        exclude = _str_list(item.get("exclude", []), f"{at}.exclude")
        max_depth = item.get("max_depth")
        if max_depth is not None and (not isinstance(max_depth, int) or isinstance(max_depth, bool) or max_depth < 0):
            raise ConfigError(f"{at}.max_depth: expected a non-negative integer, got {max_depth!r}")
        kind, name_prefix = item.get("kind", "custom"), item.get("name_prefix", "")
        if not isinstance(kind, str) or not kind:
            raise ConfigError(f"{at}.kind: expected a non-empty string, got {kind!r}")
        if not isinstance(name_prefix, str):
            raise ConfigError(f"{at}.name_prefix: expected a string, got {name_prefix!r}")
        extensions = _extensions(item["extensions"], f"{at}.extensions") if "extensions" in item else None
        languages = item.get("languages")
        if languages is not None:
            languages = _str_list(languages, f"{at}.languages")
            unknown = sorted(set(languages) - set(known_languages()))
            if unknown:
                raise ConfigError(f"{at}.languages: unknown language(s) {', '.join(unknown)} "
                                  f"(known: {', '.join(known_languages())})")
        rules.append(CustomRule(requires, paths, exclude, max_depth, kind, name_prefix, extensions, languages))
    return {"custom": tuple(rules)}


_RULE_KEYS = {"requires", "marker", "paths", "under", "exclude", "max_depth", "kind", "name_prefix",
              "extensions", "languages"}


def _rule_requires(item: dict[str, Any], at: str) -> tuple[str, ...]:
    if "requires" in item and "marker" in item:
        raise ConfigError(f"{at}: give 'requires' or its shorthand 'marker', not both")
    if "marker" in item:
        marker = item["marker"]
        if not isinstance(marker, str) or not marker or "/" in marker:
            raise ConfigError(f"{at}.marker: expected a file name such as \"BUILD\", got {marker!r}")
        return (marker,)
    if "requires" not in item:
        raise ConfigError(f"{at}.requires: missing: the file names or globs a package directory holds, "
                          f"such as [\"BUILD\", \"*.proto\"]")
    requires = _str_list(item["requires"], f"{at}.requires")
    if not requires or any(not r or "/" in r for r in requires):
        raise ConfigError(f"{at}.requires: expected file names or globs such as [\"BUILD\", \"*.proto\"], "
                          f"got {item['requires']!r}")
    return requires


def _rule_paths(item: dict[str, Any], at: str) -> tuple[str, ...]:
    if "paths" in item and "under" in item:
        raise ConfigError(f"{at}: give 'paths' or its shorthand 'under', not both")
    if "under" in item:
        under = item["under"]
        if not isinstance(under, str) or not under:
            raise ConfigError(f"{at}.under: expected a non-empty string, got {under!r}")
        raw: tuple[str, ...] = (under,)
        key = "under"
    else:
        raw = _str_list(item.get("paths", ["."]), f"{at}.paths")
        key = "paths"
        if not raw:
            raise ConfigError(f"{at}.paths: expected at least one directory")
    return tuple(_directory(p, f"{at}.{key}") for p in raw)


def _directory(path: str, where: str) -> str:
    """A root-relative directory as discovery spells it ("." for the root)."""
    clean = "/".join(part for part in path.replace("\\", "/").split("/") if part not in ("", "."))
    if path.startswith("/") or ".." in clean.split("/"):
        raise ConfigError(f"{where}: expected a directory inside the repo, got {path!r}")
    return clean or "."


def _packages(value: Any, where: str) -> dict[str, Any]:
    overrides = []
    for i, item in enumerate(_tables(value, where, "packages")):
        at = f"{where}[{i}]"
        extra = set(item) - {"path", "name", "description"}
        if extra:
            raise ConfigError(f"{at}: unknown key(s) {', '.join(sorted(extra))} (known: description, name, path)")
        for key in ("path", "name", "description"):
            if key in item and (not isinstance(item[key], str) or not item[key]):
                raise ConfigError(f"{at}.{key}: expected a non-empty string, got {item[key]!r}")
        if "path" not in item and "name" not in item:
            raise ConfigError(f"{at}: expected 'path' or 'name' to say which package it is about")
        if "description" not in item and "path" not in item:
            raise ConfigError(f"{at}: nothing to override (expected 'description')")
        path = _directory(item["path"], f"{at}.path") if "path" in item else None
        overrides.append(PackageOverride(path, item.get("name"), item.get("description")))
    return {"packages": tuple(overrides)}


def _tables(value: Any, where: str, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}: expected an array of tables ([[{key}]]), got {value!r}")
    return value


_READERS: dict[str, Reader] = {
    "exclude_dirs": _strings("exclude_dirs"),
    "exclude_extensions": _exclude_extensions,
    "max_file_size": _max_file_size,
    "manifests": _manifests,
    "disabled_manifests": _disabled_manifests,
    "skip_tests": _flag("skip_tests"),
    "skip_generated": _flag("skip_generated"),
    "test_patterns": _strings("test_patterns"),
    "generated_patterns": _strings("generated_patterns"),
    "packages_in_test_dirs": _flag("packages_in_test_dirs"),
    "custom": _custom,
    "packages": _packages,
    "symbols": _symbols,
    "watch": _watch,
    "cache": _cache,
    "db": _db,
    "strict": _flag("strict"),
    "references": _flag("references"),
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot read TOML: {exc}") from None
