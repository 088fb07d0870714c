"""What every manifest test does: write a fixture tree and run discovery on it."""
from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from symidx_tasks.config import IndexConfig
from symidx_tasks.discover.packages import find_packages
from symidx_tasks.discover.walk import list_files
from symidx_tasks.model import Package


def discover(root: Path, tree: dict[str, str]) -> dict[str, Package]:
    """Write ``tree`` (root-relative path -> indented text) under ``root``, then
    discover the packages there."""
    for rel, text in tree.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip(), "utf-8")
    return packages_in(root)


def packages_in(root: Path) -> dict[str, Package]:
    """The packages discovery finds under ``root``, by directory."""
    return {p.path: p for p in find_packages(root, list_files(root), IndexConfig())}
