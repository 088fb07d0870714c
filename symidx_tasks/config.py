"""IndexConfig: what the indexed repo says about how to index it.

Read from ``symidx.toml`` (top-level keys) or ``[tool.symidx]`` in the root
``pyproject.toml``. A bad value names the file, the key and what was expected;
nothing falls back silently.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_MAX_FILE_SIZE = 1024 * 1024

# Test and generated sources are not public API (shire skips them too); they
# are still listed in the files table, with the reason they were not parsed.
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
    """Directories containing ``marker`` (under ``under``) are packages of ``kind``,
    named after their path: for repos organised by BUILD files, not manifests."""

    marker: str
    under: str = "."
    kind: str = "custom"
    languages: tuple[str, ...] | None = None


@dataclass(frozen=True)
class IndexConfig:
    exclude_dirs: tuple[str, ...] = ()  # added to walk.DEFAULT_EXCLUDED_DIRS
    exclude_extensions: tuple[str, ...] = ()  # such files are not indexed at all
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # larger sources are listed, not parsed
    manifests: tuple[str, ...] | None = None  # enabled manifest kinds; None = all
    skip_tests: bool = True
    skip_generated: bool = True
    test_patterns: tuple[str, ...] = DEFAULT_TEST_PATTERNS
    generated_patterns: tuple[str, ...] = DEFAULT_GENERATED_PATTERNS
    custom: tuple[CustomRule, ...] = ()
    db: str | None = None  # default DB path for `symidx` commands, relative to the root
    strict: bool = False  # any warning fails the run (for CI); the index is still written
    source: str | None = field(default=None, compare=False)  # file it was read from


_LISTS = {"exclude_dirs", "exclude_extensions", "manifests", "test_patterns", "generated_patterns"}


def load_config(root: str | Path) -> IndexConfig:
    root = Path(root)
    own = root / "symidx.toml"
    pyproject = root / "pyproject.toml"
    table: dict[str, Any] | None = None
    source = None
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
    from .discover.manifests import kind_names  # late: config must not import discovery eagerly

    known = {f.name for f in fields(IndexConfig)} - {"source"}
    values: dict[str, Any] = {"source": source}
    for key, value in table.items():
        where = f"{source}: key '{key}'"
        if key not in known:
            raise ConfigError(f"{where}: unknown key (known: {', '.join(sorted(known))})")
        if key in _LISTS:
            values[key] = _str_list(value, where)
        elif key in ("skip_tests", "skip_generated", "strict"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: expected true or false, got {value!r}")
            values[key] = value
        elif key == "max_file_size":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{where}: expected a positive integer (bytes), got {value!r}")
            values[key] = value
        elif key == "db":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{where}: expected a path string, got {value!r}")
            values[key] = value
        elif key == "custom":
            values[key] = _custom_rules(value, where)
    if values.get("manifests") is not None:
        unknown = sorted(set(values["manifests"]) - set(kind_names()))
        if unknown:
            raise ConfigError(
                f"{source}: key 'manifests': unknown kind(s) {', '.join(unknown)} "
                f"(known: {', '.join(kind_names())})"
            )
    if "exclude_extensions" in values:
        values["exclude_extensions"] = tuple(
            e.lower() if e.startswith(".") else "." + e.lower() for e in values["exclude_extensions"]
        )
    return IndexConfig(**values)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot read TOML: {exc}") from None


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _custom_rules(value: Any, where: str) -> tuple[CustomRule, ...]:
    from .extract.languages import known_languages

    if not isinstance(value, list):
        raise ConfigError(f"{where}: expected an array of tables ([[tool.symidx.custom]]), got {value!r}")
    rules = []
    for i, item in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{at}: expected a table, got {item!r}")
        extra = set(item) - {"marker", "under", "kind", "languages"}
        if extra:
            raise ConfigError(f"{at}: unknown key(s) {', '.join(sorted(extra))} (known: kind, languages, marker, under)")
        marker = item.get("marker")
        if not isinstance(marker, str) or not marker or "/" in marker:
            raise ConfigError(f"{at}.marker: expected a file name such as \"BUILD\", got {marker!r}")
        under = item.get("under", ".")
        kind = item.get("kind", "custom")
        for k, v in (("under", under), ("kind", kind)):
            if not isinstance(v, str) or not v:
                raise ConfigError(f"{at}.{k}: expected a non-empty string, got {v!r}")
        languages = item.get("languages")
        if languages is not None:
            languages = _str_list(languages, f"{at}.languages")
            unknown = sorted(set(languages) - set(known_languages()))
            if unknown:
                raise ConfigError(f"{at}.languages: unknown language(s) {', '.join(unknown)} (known: {', '.join(known_languages())})")
        rules.append(CustomRule(marker, under.strip("/") or ".", kind, languages))
    return tuple(rules)
