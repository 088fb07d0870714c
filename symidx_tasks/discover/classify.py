"""Per file: its language, and why it is not parsed (if it is not)."""
from __future__ import annotations

import fnmatch
from typing import NamedTuple

from ..config import IndexConfig
from ..extract.languages import language_for
from ..records import Package


class FileEntry(NamedTuple):
    path: str  # root-relative posix path
    language: str | None  # None: not a source file symidx parses (listed only)
    skip: str | None  # "test", "generated", "language not enabled": listed, not parsed


def classify(paths: list[str], package: Package | None, config: IndexConfig) -> list[FileEntry]:
    prefix = "" if package is None or package.path == "." else package.path + "/"
    out = []
    for path in paths:
        spec = language_for(path)
        language = spec.name if spec else None
        skip = None
        if language is not None:
            rel = path[len(prefix):]  # patterns like "tests/" apply inside the package
            if package is not None and package.languages is not None and language not in package.languages:
                skip = "language not enabled"
            elif config.skip_tests and _matches(rel, config.test_patterns):
                skip = "test"
            elif config.skip_generated and _matches(rel, config.generated_patterns):
                skip = "generated"
        out.append(FileEntry(path, language, skip))
    return out


def _matches(rel: str, patterns: tuple[str, ...]) -> bool:
    """gitignore-like: "dir/" matches a directory anywhere in the path, other
    patterns match the file name (or the whole path when they contain "/")."""
    parts = rel.split("/")
    name = parts[-1]
    for pat in patterns:
        if pat.endswith("/"):
            if pat[:-1] in parts[:-1]:
                return True
        elif "/" in pat:
            if fnmatch.fnmatchcase(rel, pat):
                return True
        elif fnmatch.fnmatchcase(name, pat):
            return True
    return False
