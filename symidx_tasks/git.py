"""Asking git about the indexed tree: one way to run it, one way to fail.

Every caller treats git as optional (the tree may not be a work tree, git may
not be installed), so failures are None, never exceptions.
"""
from __future__ import annotations

import os
import subprocess

TIMEOUT_S = 10


def git(root: str | os.PathLike[str], *args: str) -> str | None:
    """stdout of ``git ARGS`` run in ``root``, stripped; None when git fails or says nothing."""
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return None
    return (out.stdout.strip() or None) if out.returncode == 0 else None


def head_commit(root: str | os.PathLike[str]) -> str | None:
    return git(root, "rev-parse", "HEAD")
