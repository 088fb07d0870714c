"""File helpers every stage shares: atomic writes, stat fingerprints, tidying
a directory of per-package files."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

# (size, mtime_ns, inode): what changes when a file is rewritten, replaced or
# renamed over. Stage-specific checks pick the fields they need from it.
Stamp = tuple[int, int, int]


def stamp_of(st: os.stat_result) -> Stamp:
    """The fingerprint of a stat result the caller already has."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def stamp(path: str | os.PathLike[str], follow_symlinks: bool = True) -> Stamp | None:
    """The file's fingerprint, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path, follow_symlinks=follow_symlinks)
    except OSError:
        return None
    return stamp_of(st)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place, so a
    reader or a crash never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        # No fsync: a killed process cannot lose the page cache, and after a
        # power loss a short or empty file fails validation and is rebuilt
        # (docs/performance.md has what an fsync per file costs).
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def remove_others(directory: str | os.PathLike[str], keep: set[str], suffix: str) -> None:
    """Delete the files named ``*suffix`` in ``directory`` that are not in
    ``keep`` (per-package files of packages that no longer exist); a missing
    directory or a file that cannot be deleted is left alone."""
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return
    for name in names:
        if name.endswith(suffix) and name not in keep:
            try:
                os.unlink(os.path.join(directory, name))
            except OSError:
                pass


_WHOLE_READ = 1 << 20  # files up to this size are read in one call


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 hex digest of the file's content."""
    # Unbuffered: the first read takes a small file whole, with no copy through a buffer.
    with open(path, "rb", buffering=0) as f:
        data = f.read(_WHOLE_READ)
        if len(data) < _WHOLE_READ:
            return hashlib.sha256(data).hexdigest()
        digest = hashlib.sha256(data)
        while chunk := f.read(_WHOLE_READ):
            digest.update(chunk)
        return digest.hexdigest()


def content_digest(path: str | os.PathLike[str]) -> str | None:
    """``file_digest``, or None when the file cannot be read (absent, unreadable)."""
    try:
        return file_digest(path)
    except OSError:
        return None
