"""Per-file reuse of a package's previous result file.

When one file of a big package changes, doit re-runs the whole package task;
parsing its other (unchanged) files again is most of that task's time. Here a
file is taken from the package's previous result instead of being parsed when
all of this holds:

- the previous result file's header and records validate, its file lines are
  the ones its header's digest covers, it is this package's, and it was
  written by the same extractor: ``extractor_id()`` covers EXTRACTOR_VERSION,
  a digest of symidx's extraction code and the tree-sitter and grammar
  versions, so a code edit or a grammar upgrade re-parses everything;
- the file was parsed then (status ``parsed`` or ``partial``), under the same
  language, and its SHA-256 then equals the SHA-256 of the bytes just read;
- today's checks before parsing (test/generated skip, size limit, binary,
  minified) pass, as they did, since they depend on the same bytes and the
  same classification.

A parsed file's rows are a function of its bytes, its language and the
extractor, so a reused file's rows equal what parsing it would give, and the
result stays byte-identical to a fresh extraction (the incremental == fresh
tests run through this path on every edit). The rows are not even decoded: the
file's line in the previous result is copied as it is (pipeline/result.py),
and so is the line of a listed or skipped file whose record is unchanged.

The bytes need not even be read again: beside its result, a local package task
keeps the stat and SHA-256 of every file it read (``<result>.stat``, written
by ``write_stats``). A file whose stat (size, mtime_ns, inode) is still the
one recorded, and whose mtime was at least one timestamp tick older than that
run's first read (checker.is_racy: a later write could not have kept it),
still holds those bytes (``known_files``), as doit's checker assumes too. In a
package of thousands of files, one edit then reads one file.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import ResultError
from ..fileio import Stamp, write_atomic
from ..model import FileRecord
from . import cache as result_cache
from . import result as result_file
from .checker import is_racy

REUSABLE = frozenset({"parsed", "partial"})


@dataclass(frozen=True, slots=True)
class PreviousFile:
    """One file of the previous result: its record and its line, copied as it is
    into the new result when the file is the same (pipeline/result.py)."""

    record: FileRecord
    line: bytes


@cache
def extractor_id(version: str) -> str:
    """``version`` (EXTRACTOR_VERSION) and a digest of the code and grammar
    versions that extract (once per process)."""
    environment = json.dumps(result_cache.environment(), sort_keys=True).encode()
    return f"{version}+{hashlib.sha256(environment).hexdigest()[:16]}"


def previous_files(out: str | None, key: str, extractor: str) -> dict[str, PreviousFile]:
    """The files of the result at ``out`` by path; empty when there is none, it
    does not validate (its lines are copied unread, so they must hash to the
    header's digest), or another extractor wrote it."""
    if out is None:
        return {}
    try:
        with open(out, "rb") as f:
            data = f.read()
        previous = result_file.read(data, key, verify_body=True)
    except (OSError, ResultError):
        return {}
    if previous.header["extractor"] != extractor:
        return {}
    return {record["path"]: PreviousFile(record, previous.raw(i)) for i, record in enumerate(previous.files)}


def reuse(previous: PreviousFile | None, record: FileRecord) -> PreviousFile | None:
    """``previous`` when it stands for the parsed file ``record`` describes (parsed
    then, same language, same bytes by SHA-256), else None."""
    if previous is None:
        return None
    old = previous.record
    if old["status"] not in REUSABLE or old["sha256"] is None:
        return None
    if old["language"] != record["language"] or old["sha256"] != record["sha256"]:
        return None
    return previous


def write_stats(out: str, read_started_ns: int, digests: dict[str, list[Any]]) -> None:
    """Keep beside the result ``out`` the digests of the files its run read (path ->
    [size, mtime_ns, inode, sha256]) and when that run began reading. Best effort."""
    data = json.dumps({"read_started_ns": read_started_ns, "files": digests}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=True).encode("ascii", "surrogateescape")
    try:
        write_atomic(out + result_file.STATS_SUFFIX, data)
    except OSError:
        pass  # costs the next run a read of each file, nothing else


def known_files(out: str | None) -> dict[str, tuple[Stamp, str]]:
    """The files the last run of the result ``out`` read, by path: the stat they were
    read under and their SHA-256, for those whose stat can be trusted (see above)."""
    if out is None:
        return {}
    try:
        with open(out + result_file.STATS_SUFFIX, "rb") as f:
            raw = json.loads(f.read())
        started = raw["read_started_ns"]
        files = raw["files"]
        if type(started) is not int or not isinstance(files, dict):
            return {}
        known = {}
        for path, (size, mtime_ns, inode, digest) in files.items():
            if all(type(v) is int for v in (size, mtime_ns, inode)) and type(digest) is str \
                    and not is_racy(mtime_ns, started):
                known[path] = ((size, mtime_ns, inode), digest)
        return known
    except (OSError, ValueError, TypeError, KeyError):
        return {}  # none, damaged or foreign: every file is read
