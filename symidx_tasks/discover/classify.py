"""Per file: its language, and why it is not parsed (if it is not)."""
from __future__ import annotations

import fnmatch
import re
from functools import lru_cache
from typing import Callable, NamedTuple

from ..config import IndexConfig
from ..extract.languages import language_for
from ..model import Package


class FileEntry(NamedTuple):
    path: str  # root-relative posix path
    language: str | None  # None: not a source file symidx parses (listed only)
    skip: str | None  # "test", "generated", "language not enabled": listed, not parsed


def classify(paths: list[str], package: Package | None, config: IndexConfig) -> list[FileEntry]:
    prefix = "" if package is None or package.path == "." else package.path + "/"
    tests = _matcher(config.test_patterns) if config.skip_tests else None
    generated = _matcher(config.generated_patterns) if config.skip_generated else None
    out = []
    for path in paths:
        spec = language_for(path)
        language = spec.name if spec else None
        skip = None
        if language is not None:
            rel = path[len(prefix):]  # patterns like "tests/" apply inside the package
            if package is not None and package.languages is not None and language not in package.languages:
                skip = "language not enabled"
            elif tests is not None and tests(rel):
                skip = "test"
            elif generated is not None and generated(rel):
                skip = "generated"
        out.append(FileEntry(path, language, skip))
    return out


@lru_cache(maxsize=32)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """gitignore-like patterns as one test: "dir/" matches a directory anywhere
    in the path, other patterns match the file name (or the whole path when
    they contain "/"). Compiled once: discovery classifies every file of the
    repo on every doit run, no-op runs included."""
    dirs = frozenset(p[:-1] for p in patterns if p.endswith("/"))
    names = [fnmatch.translate(p) for p in patterns if not p.endswith("/") and "/" not in p]
    paths = [fnmatch.translate(p) for p in patterns if not p.endswith("/") and "/" in p]
    name_re = re.compile("|".join(names)).match if names else None
    path_re = re.compile("|".join(paths)).match if paths else None

    def matches(rel: str) -> bool:
        head, _, name = rel.rpartition("/")
        if dirs and head and not dirs.isdisjoint(head.split("/")):
            return True
        return bool((name_re and name_re(name)) or (path_re and path_re(rel)))

    return matches
