"""What a package that the index no longer has used to be: its manifests read
at an old git revision with the same readers discovery uses.

Needed when the index was built after a package was deleted or moved (the usual
CI case: index the pull request, ask what changed since main): its dependents
still name it in their manifests, by the match key only its old manifest tells.
"""
from __future__ import annotations

import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..discover import manifests
from ..discover.manifests.base import ManifestContext
from ..errors import ManifestError
from ..git import TIMEOUT_S, git
from ..model import Package


@dataclass
class _RevisionContext(ManifestContext):
    """A ManifestContext whose files are read from a commit instead of the disk."""

    rev: str = "HEAD"

    def read_text(self, rel_path: str) -> str:
        if rel_path not in self.read:
            self.read.append(rel_path)
        # Not git(): it strips the text, and a missing file must be an error here.
        try:
            out = subprocess.run(["git", "show", f"{self.rev}:./{rel_path}"], cwd=self.root,
                                 capture_output=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ManifestError(f"{rel_path}@{self.rev}: cannot read ({exc})") from None
        if out.returncode != 0:
            raise ManifestError(f"{rel_path}@{self.rev}: not in that revision")
        try:
            return out.stdout.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ManifestError(f"{rel_path}@{self.rev}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def could_be_manifest(path: str) -> bool:
    """Whether some manifest kind claims a file of this name."""
    name = frozenset({posixpath.basename(path)})
    return any(kind.manifests_in(name) for kind in manifests.KINDS)


class Revision:
    """Packages as they were at one commit, read on demand (one file listing per revision)."""

    def __init__(self, root: Path, rev: str) -> None:
        self.root = root
        self.rev = rev
        self._files: frozenset[str] | None = None
        self._cache: dict[tuple[str, str], Any] = {}

    def files(self) -> frozenset[str]:
        if self._files is None:
            listing = git(self.root, "ls-tree", "-r", "-z", "--name-only", self.rev) or ""
            self._files = frozenset(p for p in listing.split("\0") if p)
        return self._files

    def package_at(self, directory: str) -> Package | None:
        """The package whose manifests were in ``directory`` at this revision, or None."""
        files = self.files()
        prefix = "" if directory == "." else directory + "/"
        names = frozenset(f[len(prefix):] for f in files if f.startswith(prefix) and "/" not in f[len(prefix):])
        if not names:
            return None
        dirs = _directories(files)
        for kind in manifests.KINDS:
            claimed = kind.manifests_in(names)
            if not claimed:
                continue
            ctx = _RevisionContext(self.root, directory, claimed, dirs, files, self._cache, rev=self.rev)
            try:
                package: Package | None = kind.parse(ctx)
            except Exception:  # noqa: BLE001 - as discovery: a reader's failure must not stop the answer
                package = None
            if package is not None:
                return package
        return None


def _directories(files: frozenset[str]) -> frozenset[str]:
    out = {"."}
    for f in files:
        d = posixpath.dirname(f)
        while d and d not in out:
            out.add(d)
            d = posixpath.dirname(d)
    return frozenset(out)
