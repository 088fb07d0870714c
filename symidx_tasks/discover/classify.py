"""Per file: its language, and why it is not parsed (if it is not)."""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from ..config import IndexConfig
from ..extract.languages import language_for
from ..model import Package

# Why a source file is listed but not parsed (FileEntry.skip, the files table's note).
LANGUAGE_NOT_ENABLED = "language not enabled"  # by the custom rule that made its package
EXTENSION_NOT_ENABLED = "extension not enabled"  # by the custom rule that made its package
SYMBOLS_EXCLUDED = "extension excluded from symbols"  # [symbols] exclude_extensions
TEST = "test"
GENERATED = "generated"


class FileEntry(NamedTuple):
    path: str  # root-relative posix path
    language: str | None  # None: not a source file symidx parses (listed only)
    skip: str | None  # one of the reasons above: listed, not parsed


def classify(paths: list[str], package: Package | None, config: IndexConfig) -> list[FileEntry]:
    prefix = "" if package is None or package.path == "." else package.path + "/"
    tests = _matcher(config.test_patterns) if config.skip_tests else None
    generated = _matcher(config.generated_patterns) if config.skip_generated else None
    languages = package.languages if package is not None else None
    extensions = rule_extensions(package)
    excluded = config.symbols_exclude_extensions
    out = []
    for path in paths:
        spec = language_for(path)
        language = spec.name if spec else None
        skip = None
        if language is not None:
            rel = path[len(prefix):]  # patterns like "tests/" apply inside the package
            lowered = path.lower()
            if languages is not None and language not in languages:
                skip = LANGUAGE_NOT_ENABLED
            elif extensions is not None and not lowered.endswith(extensions):
                skip = EXTENSION_NOT_ENABLED
            elif excluded and lowered.endswith(excluded):
                skip = SYMBOLS_EXCLUDED
            elif tests is not None and tests(rel):
                skip = TEST
            elif generated is not None and generated(rel):
                skip = GENERATED
        out.append(FileEntry(path, language, skip))
    return out


def rule_extensions(package: Package | None) -> tuple[str, ...] | None:
    """The extensions a custom rule lets its package parse (None: all); discovery
    records them in the package's ``metadata["rule"]``."""
    rule = package.metadata.get("rule") if package is not None else None
    extensions = rule.get("extensions") if isinstance(rule, dict) else None
    return tuple(extensions) if isinstance(extensions, list) else None


def in_test_dir(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a root-relative directory lies in (or is) a directory that the
    ``"dir/"`` entries of ``patterns`` name."""
    in_dir = _dir_matcher(patterns)
    return lambda d: d != "." and in_dir(d)


@lru_cache(maxsize=32)
def _dir_matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a directory path is in a "dir/" pattern's directory: "name/"
    names a directory anywhere, "a/b/" a run of directories anywhere."""
    dirs = frozenset(p[:-1] for p in patterns if p.endswith("/") and "/" not in p[:-1])
    runs = tuple("/" + p for p in patterns if p.endswith("/") and "/" in p[:-1])

    def in_dir(head: str) -> bool:
        if dirs and not dirs.isdisjoint(head.split("/")):
            return True
        return bool(runs) and any(run in f"/{head}/" for run in runs)

    return in_dir


@lru_cache(maxsize=32)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """gitignore-like patterns as one test: "dir/" patterns as ``_dir_matcher``,
    other patterns match the file name (or the whole path when they contain
    "/"). Compiled once: discovery classifies every file of the repo on every
    doit run, no-op runs included."""
    in_dir = _dir_matcher(patterns)
    names = [fnmatch.translate(p) for p in patterns if not p.endswith("/") and "/" not in p]
    paths = [fnmatch.translate(p) for p in patterns if not p.endswith("/") and "/" in p]
    name_re = re.compile("|".join(names)).match if names else None
    path_re = re.compile("|".join(paths)).match if paths else None

    def matches(rel: str) -> bool:
        head, _, name = rel.rpartition("/")
        if head and in_dir(head):
            return True
        return bool((name_re and name_re(name)) or (path_re and path_re(rel)))

    return matches
