"""The manifest kinds symidx understands, in priority order.

Adding one: write ``manifests/<kind>.py`` (see base.py for the contract) and add
its module to ``KINDS``. When one directory holds manifests of several kinds,
the first kind in this order that finds a package there owns the directory.
"""
from __future__ import annotations

from types import ModuleType

from . import cargo, go, gradle, maven, npm, perl, python, ruby

KINDS: tuple[ModuleType, ...] = (npm, cargo, go, python, maven, gradle, perl, ruby)


def kind_names() -> tuple[str, ...]:
    return tuple(m.KIND for m in KINDS)
