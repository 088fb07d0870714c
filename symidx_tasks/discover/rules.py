"""Custom discovery rules: directories holding certain files are packages.

``config.CustomRule`` specifies a rule; this module finds the directories each
rule matches. A manifest package wins over a rule (packages.py decides).
"""
from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable, Mapping

from ..config import CustomRule
from ..model import Package
from .manifests.base import glob_match

_GLOB_CHARS = frozenset("*?[")


def rule_packages(names_by_dir: Mapping[str, frozenset[str]], rules: tuple[CustomRule, ...]) -> dict[str, Package]:
    """directory -> the package the first rule (in config order) matching it makes."""
    out: dict[str, Package] = {}
    for rule in rules:
        for d, files in _matches(names_by_dir, rule).items():
            out.setdefault(d, _package(d, files, rule))
    return dict(sorted(out.items()))


def _matches(names_by_dir: Mapping[str, frozenset[str]], rule: CustomRule) -> dict[str, list[str]]:
    """directory -> the file names that satisfied ``rule.requires``, for every
    directory the rule matches, none below another."""
    excluded = _exclusion(rule.exclude)
    matched: dict[str, list[str]] = {}
    for d in sorted(names_by_dir):  # ancestors sort before their descendants
        if _below(d, rule.paths, rule.max_depth, excluded) is None or _has_matched_ancestor(d, matched):
            continue
        found = _required(names_by_dir[d], rule.requires)
        if found is not None:
            matched[d] = found
    return matched


def _required(names: frozenset[str], requires: tuple[str, ...]) -> list[str] | None:
    """The names that satisfy each entry of ``requires`` (a name or a glob),
    or None when one entry is satisfied by none."""
    out: list[str] = []
    for pattern in requires:
        if _GLOB_CHARS.isdisjoint(pattern):
            group = [pattern] if pattern in names else []
        else:
            group = sorted(n for n in names if fnmatch.fnmatchcase(n, pattern))
        if not group:
            return None
        out.extend(n for n in group if n not in out)
    return out


def _exclusion(globs: tuple[str, ...]) -> Callable[[str, str], bool]:
    """Whether directory ``d`` (``rel`` below its search root) is excluded: a glob
    without "/" tests each directory name below the search root, one with "/"
    each leading run of the segments of ``d``'s path from the repo root."""
    names = [g for g in globs if "/" not in g.strip("/")]
    paths = [g.strip("/") for g in globs if "/" in g.strip("/")]

    def excluded(d: str, rel: str) -> bool:
        if rel and any(fnmatch.fnmatchcase(part, g) for part in rel.split("/") for g in names):
            return True
        parts = d.split("/")
        return any(glob_match("/".join(parts[:k]), g) for k in range(1, len(parts) + 1) for g in paths)

    return excluded


def _below(d: str, roots: tuple[str, ...], max_depth: int | None, excluded: Callable[[str, str], bool]) -> str | None:
    """``d`` relative to the first search root that admits it ("" for the root
    itself), or None when no root does."""
    for root in roots:
        if root == ".":
            rel = "" if d == "." else d
        elif d == root:
            rel = ""
        elif d.startswith(root + "/"):
            rel = d[len(root) + 1:]
        else:
            continue
        depth = rel.count("/") + 1 if rel else 0
        if (max_depth is None or depth <= max_depth) and not (d != "." and excluded(d, rel)):
            return rel
    return None


def _has_matched_ancestor(d: str, matched: Mapping[str, list[str]]) -> bool:
    while d != ".":
        d = posixpath.dirname(d) or "."
        if d in matched:
            return True
    return False


def _package(d: str, files: list[str], rule: CustomRule) -> Package:
    rule_facts: dict[str, object] = {"requires": list(rule.requires), "paths": list(rule.paths)}
    if rule.extensions is not None:
        rule_facts["extensions"] = list(rule.extensions)  # read back by classify.rule_extensions
    return Package(
        path=d, name=rule.name_prefix + (d if d != "." else "root"), kind=rule.kind,
        manifests=[n if d == "." else f"{d}/{n}" for n in files],
        match_key=f"{rule.kind}:{d}", languages=rule.languages, metadata={"rule": rule_facts},
    )
