"""The result cache: per-package result files in a content-addressed store
that worktrees, clones, CI and teammates share.

Key: the SHA-256 of everything a package's result depends on: the content of
every file its task reads (manifests, inherited workspace files, owned files:
the task's file_dep), what the task's uptodate digest covers (the package
record, the file list with each file's classification, discovery's warnings,
``max_file_size``, the extractor and result-format versions), and the code
that turns them into a result: the symidx version, a digest of symidx's own
extraction sources (an editable install keeps its version while the
extractors change) and the tree-sitter and grammar-pack versions. The key
names no path of the checkout, so every worktree of a repo finds the same keys.

Object: ``HEADER sha256 size\\n`` + the result file's bytes. A reader checks
both against the bytes before using them; an object that fails (truncated,
corrupted) is a miss: the package is extracted and the object replaced.

Stores: a local directory (plain file operations: a temporary file renamed
into place, so no reader sees part of an object; a hit touches the object's
mtime and ``evict`` drops the least recently used objects beyond a size
bound), or any fsspec URL (``s3://bucket/prefix``, ``gs://...``): one PUT per
object, which object stores make visible whole or not at all, and on S3 a
conditional PUT (put-if-absent; a corrupted object is overwritten).

Unavailable: any failure other than a missing object (unreachable server, no
credentials, fsspec not installed) makes the package extract as if there were
no cache. The first such failure of a build creates the build's marker file,
which the other package tasks (in any worker process) check before touching
the cache, and from which the merge prints one warning for the build. A
failed write (read-only credentials or directory) has a marker of its own,
which stops only the writes: the build still takes every hit.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import time
import uuid
from collections.abc import Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from ..config import DEFAULT_CACHE_MAX_BYTES
from ..fileio import Stamp, file_digest, stamp, stamp_of, write_atomic
from ..model import PackageRecord
from . import result as result_file

CACHE_VERSION = "1"  # bump when the key or the object layout changes
OFF, LOCAL = "off", "local"
ENVIRONMENT = "SYMIDX_CACHE"  # a per-user setting: overrides the repo's [cache] url
DEFAULT_MAX_BYTES = DEFAULT_CACHE_MAX_BYTES
HEADER = b"symidx-result"
OBJECT_SUFFIX = ".result"
# A temporary file this old belongs to a writer that died; eviction removes it.
STALE_TEMP_SECONDS = 3600
MARKER_PREFIX = ".cache-unavailable-"
WRITES = ".writes"  # suffix of the marker that stops only writes
GRAMMARS = ("tree-sitter", "tree-sitter-language-pack")
# Object stores make a PUT visible whole; other fsspec filesystems get a
# temporary object renamed into place.
_OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "memory"})
# A cache is worth little time: an unreachable S3 endpoint fails in about a
# second with these (s3fs' and botocore's defaults retry for ~12 s), and the
# package is extracted instead. fsspec configuration for the protocol wins.
_FAIL_FAST: dict[str, dict[str, Any]] = {
    "s3": {"config_kwargs": {"connect_timeout": 3, "read_timeout": 30, "retries": {"max_attempts": 1}}},
}
_FAIL_FAST_RETRIES = 1  # s3fs' own retry loop (its class attribute ``retries``)
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
# symidx's sources that decide a result's bytes (the rest only read results).
_EXTRACTION_CODE = ("extract", "pipeline/action.py", "pipeline/result.py", "model.py")

FileSpec = tuple[str, str | None, str | None]


class CacheUnavailable(Exception):
    """The store failed for a reason other than a missing object."""


# -- settings -----------------------------------------------------------------


def default_directory() -> Path:
    """The local store every worktree and clone on this machine shares."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "symidx" / "results"


def resolve(value: str | None, base: str | os.PathLike[str]) -> str | None:
    """The store a cache setting names, or None for no cache: None, ``""`` and
    ``"off"`` are off; ``"local"`` is ``default_directory()``; a ``file://`` URL
    or a path (``~`` expanded, relative to ``base``) is that absolute local
    directory; any other URL (``s3://bucket/prefix``) is returned as given."""
    if value is None or value.strip() in ("", OFF):
        return None
    value = value.strip()
    if value == LOCAL:
        return str(default_directory())
    if value.startswith("file://"):
        value = value[len("file://"):]
    elif "://" in value:
        return value.rstrip("/")
    return os.path.normpath(os.path.join(base, os.path.expanduser(value)))


def is_local(url: str) -> bool:
    return "://" not in url


# -- keys ---------------------------------------------------------------------


@cache
def environment() -> dict[str, str | None]:
    """The versions of the code that turns inputs into a result (once per process)."""
    code = hashlib.sha256()
    for entry in _EXTRACTION_CODE:
        top = _PACKAGE_DIR / entry
        for path in sorted(top.rglob("*") if top.is_dir() else [top]):
            if path.is_file() and "__pycache__" not in path.parts:
                code.update(f"{path.relative_to(_PACKAGE_DIR).as_posix()}\0".encode())
                code.update(hashlib.sha256(path.read_bytes()).digest())
    return {"symidx": _version("symidx-tasks"), "code": code.hexdigest(),
            **{name: _version(name) for name in GRAMMARS}}


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


class InputKey(NamedTuple):
    """A package's cache key, the SHA-256 of each file it read for it and
    each file's stamp (lstat) from before it was read."""

    key: str
    contents: dict[str, str]
    stamps: dict[str, Stamp]

    def moved(self, root: str) -> bool:
        """Whether a file changed since it was hashed (by its stamp)."""
        return any(stamp(os.path.join(root, p), follow_symlinks=False) != s for p, s in self.stamps.items())


def input_key(root: str, key: str, package: PackageRecord | None, files: Sequence[FileSpec],
              max_file_size: int, warnings: Sequence[str], extractor: str, result_format: int) -> InputKey | None:
    """The cache key of a package task's inputs, or None when one of the files
    cannot be read as a regular file (then the result records a problem that
    depends on more than content: not cached)."""
    manifests = package["manifests"] if package is not None else []
    contents: dict[str, str] = {}
    stamps: dict[str, Stamp] = {}
    for path in dict.fromkeys([*manifests, *(f[0] for f in files)]):
        read = _file_digest(os.path.join(root, path))
        if read is None:
            return None
        contents[path], stamps[path] = read
    inputs: dict[str, Any] = {
        "cache": CACHE_VERSION, "environment": environment(), "extractor": extractor, "format": result_format,
        "max_file_size": max_file_size, "key": key, "package": package, "files": [list(f) for f in files],
        "warnings": list(warnings), "contents": contents,
    }
    encoded = json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode("utf-8", "surrogateescape")
    return InputKey(hashlib.sha256(encoded).hexdigest(), contents, stamps)


def _file_digest(path: str) -> tuple[str, Stamp] | None:
    # lstat and no symlink following: as the extractor reads files.
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return None
        return file_digest(path), stamp_of(st)
    except OSError:
        return None


# -- objects ------------------------------------------------------------------


def wrap(data: bytes) -> bytes:
    """The stored object of a result file's bytes."""
    return b"%s %s %d\n" % (HEADER, hashlib.sha256(data).hexdigest().encode("ascii"), len(data)) + data


def unwrap(blob: bytes) -> bytes | None:
    """The result bytes of a stored object, or None when the object is not
    whole and intact (its header's size and SHA-256 must match the bytes)."""
    head, newline, data = blob.partition(b"\n")
    parts = head.split(b" ")
    if not newline or len(parts) != 3 or parts[0] != HEADER or not parts[2].isdigit():
        return None
    if int(parts[2]) != len(data) or hashlib.sha256(data).hexdigest().encode("ascii") != parts[1]:
        return None
    return data


def object_name(key: str) -> str:
    """Where an object lives below the store's root (256 fan-out directories)."""
    return f"{key[:2]}/{key}{OBJECT_SUFFIX}"


# -- stores -------------------------------------------------------------------


class LocalStore:
    """A directory on this machine, with plain file operations."""

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def path(self, key: str) -> str:
        return os.path.join(self.directory, object_name(key))

    def get(self, key: str) -> bytes | None:
        """The stored object, None when there is none."""
        try:
            with open(self.path(key), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CacheUnavailable(f"cannot read {self.path(key)}: {exc.strerror or exc}") from None

    def touch(self, key: str) -> None:
        """Mark an object used now (eviction drops the least recently used)."""
        try:
            os.utime(self.path(key))
        except OSError:
            pass  # evicted meanwhile: the bytes in hand are still good

    def put(self, key: str, blob: bytes, replace: bool) -> None:
        # A temporary file renamed into place: a concurrent reader sees the
        # old object, the new one or none, never part of one.
        try:
            write_atomic(self.path(key), blob)
        except OSError as exc:
            raise CacheUnavailable(f"cannot write {self.path(key)}: {exc.strerror or exc}") from None


class RemoteStore:
    """Any fsspec URL (s3://bucket/prefix, gs://..., sftp://...)."""

    def __init__(self, url: str) -> None:
        try:
            import fsspec  # type: ignore[import-untyped]  # late: only remote caches need it

            protocol = url.split("://", 1)[0]
            configured = fsspec.config.conf.get(protocol, {})
            options = {k: v for k, v in _FAIL_FAST.get(protocol, {}).items() if k not in configured}
            self.fs, self.root = fsspec.core.url_to_fs(url, **options)
            if options and "retries" not in configured:
                self.fs.retries = _FAIL_FAST_RETRIES
        except Exception as exc:  # no fsspec, no driver for the protocol, a bad URL
            raise CacheUnavailable(f"cannot open {url}: {type(exc).__name__}: {exc}") from None
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        self.object_store = bool(_OBJECT_STORES.intersection(protocols))
        self.url = url

    def path(self, key: str) -> str:
        return f"{self.root.rstrip('/')}/{object_name(key)}"

    def get(self, key: str) -> bytes | None:
        try:
            return bytes(self.fs.cat_file(self.path(key)))
        except FileNotFoundError:
            return None
        except Exception as exc:  # whatever the driver raises for a network, auth or server failure
            raise CacheUnavailable(f"cannot read {self.url}: {type(exc).__name__}: {exc}") from None

    def touch(self, key: str) -> None:
        pass  # object stores keep their own lifecycle rules (docs/cache.md)

    def put(self, key: str, blob: bytes, replace: bool) -> None:
        path = self.path(key)
        try:
            if self.object_store:
                # One PUT, visible whole; put-if-absent unless replacing a corrupted object.
                self.fs.pipe_file(path, blob, mode="overwrite" if replace else "create")
            else:
                self.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
                temporary = f"{path}.{uuid.uuid4().hex}.tmp"
                self.fs.pipe_file(temporary, blob)
                self.fs.mv(temporary, path)
        except FileExistsError:
            pass  # another writer stored it first: same key, same bytes
        except Exception as exc:
            raise CacheUnavailable(f"cannot write {self.url}: {type(exc).__name__}: {exc}") from None


Store = LocalStore | RemoteStore


@cache
def open_store(url: str) -> Store:
    """The store at ``url`` (one per process and URL); CacheUnavailable if it cannot be opened."""
    return LocalStore(url) if is_local(url) else RemoteStore(url)


# -- a package task's side ----------------------------------------------------


class Lookup(NamedTuple):
    """What a package task found in the cache: its inputs' key (with the file
    digests it was computed from), the result bytes on a hit, and whether a
    stored object failed verification (to be replaced)."""

    inputs: InputKey
    data: bytes | None
    corrupted: bool


def lookup(url: str, marker: str | None, root: str, key: str, package: PackageRecord | None,
           files: Sequence[FileSpec], max_file_size: int, warnings: Sequence[str], extractor: str,
           result_format: int) -> Lookup | None:
    """The cache's answer for one package task; None when the package cannot be
    cached or the cache is unavailable in this build (see ``unavailable``)."""
    if marker is not None and os.path.exists(marker):
        return None
    found = input_key(root, key, package, files, max_file_size, warnings, extractor, result_format)
    if found is None:
        return None
    try:
        store = open_store(url)
        blob = store.get(found.key)
    except CacheUnavailable as exc:
        unavailable(marker, url, exc)
        return None
    data = None if blob is None else unwrap(blob)
    corrupted = blob is not None and data is None
    if data is not None:
        store.touch(found.key)
        if found.moved(root):
            # Edited while it was hashed: doit must not record the new content
            # as indexed with the old result; extraction copes (action.py).
            data = None
    return Lookup(found, data, corrupted)


def remember(url: str, marker: str | None, found: Lookup, data: bytes, unstable: bool) -> None:
    """Store an extracted result under the key ``lookup`` computed, provided
    it is the result of exactly the bytes that key hashed: every file's
    SHA-256 in the result equals the key's, no file had an error (those depend
    on more than content), and no file kept changing."""
    if unstable or (marker is not None and (os.path.exists(marker) or os.path.exists(marker + WRITES))):
        return
    records = result_file.read(data).files
    if any(r["status"] == "error" or r["sha256"] != found.inputs.contents.get(r["path"]) for r in records):
        return
    try:
        open_store(url).put(found.inputs.key, wrap(data), replace=found.corrupted)
    except CacheUnavailable as exc:
        unavailable(None if marker is None else marker + WRITES, url, exc, "not storing results")


def unavailable(marker: str | None, url: str, exc: CacheUnavailable,
                consequence: str = "extracting without it") -> None:
    """Record this build's first cache failure in ``marker`` (created once,
    by whichever task fails first); the merge prints it."""
    if marker is None:
        return
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError:
        return  # already recorded (or the index directory is gone: nothing to warn into)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"result cache {url} unavailable, {consequence}: {exc}")


# -- the build's side ---------------------------------------------------------


def marker_path(directory: str | os.PathLike[str], build: str) -> str:
    """The file where the package tasks of build ``build`` record that the cache failed."""
    return os.path.join(directory, f"{MARKER_PREFIX}{build}")


def take_warnings(marker: str) -> list[str]:
    """The build's cache warnings (a failed read, a failed write), if tasks
    recorded any; removes every marker in the directory (also those of builds
    that never reached their merge)."""
    messages = []
    for path in (marker, marker + WRITES):
        try:
            with open(path, encoding="utf-8") as f:
                messages.append(f.read())
        except OSError:
            pass
    directory = os.path.dirname(marker)
    for name in os.listdir(directory) if os.path.isdir(directory) else []:
        if name.startswith(MARKER_PREFIX):
            try:
                os.unlink(os.path.join(directory, name))
            except OSError:
                pass
    return messages


def evict(directory: str, max_bytes: int, now: float | None = None) -> int:
    """Bound a local store to ``max_bytes``: delete the least recently used
    objects (oldest mtime: a hit touches its object) until the rest fit, and
    temporary files of writers that died. Returns how many objects went."""
    now = time.time() if now is None else now
    objects: list[tuple[int, int, str]] = []  # (mtime_ns, size, path)
    try:
        fans = [e.path for e in os.scandir(directory) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return 0
    for fan in fans:
        try:
            entries = list(os.scandir(fan))
        except OSError:
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if entry.name.endswith(OBJECT_SUFFIX):
                objects.append((st.st_mtime_ns, st.st_size, entry.path))
            elif entry.name.endswith(".tmp") and now - st.st_mtime > STALE_TEMP_SECONDS:
                _unlink(entry.path)
    total = sum(size for _mtime, size, _path in objects)
    evicted = 0
    for _mtime, size, path in sorted(objects):
        if total <= max_bytes:
            break
        _unlink(path)
        total -= size
        evicted += 1
    return evicted


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # another build's eviction got there first
