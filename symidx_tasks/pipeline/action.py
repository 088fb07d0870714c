"""Per-package symbol extraction: the action each package task runs.

``extract_package`` takes plain data only (strings, lists, dicts), so a task
pickles under fork, spawn and forkserver alike, and it never raises for bad
input: every problem becomes a file status plus a warning in the result.
"""
from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, TypedDict

from ..fileio import Stamp, stamp, stamp_of, write_atomic
from ..model import (
    REFERENCE_COLUMNS,
    SYMBOL_COLUMNS,
    FileRecord,
    PackageRecord,
    ReferenceRow,
    SymbolRow,
    WarningRecord,
)
from . import cache as result_cache
from . import result as result_file
from .guard import output_stamp
from .previous import REUSABLE, PreviousFile, extractor_id, known_files, previous_files, reuse, write_stats
from .timing import write_timing

EXTRACTOR_VERSION = "3"
# Appended to the extractor id of results extracted without references (config
# ``references = false``): their rows are not those of a full extraction.
NO_REFERENCES = "+no-references"

# A file whose average line is this long is minified or generated, not source
# a person wrote; parsing one costs seconds and hundreds of MB for no API.
MINIFIED_MEAN_LINE = 1000
STABILITY_ATTEMPTS = 3
_SNIFF = 8192
UNSTABLE_NOTE = "file kept changing while it was indexed; it will be re-indexed next run"

# (path, language, skip reason): discovery's FileEntry as plain data.
FileSpec = tuple[str, str | None, str | None]


class TaskValues(TypedDict, total=False):
    """What a package task returns to doit (saved as task values; FileGuard reads them)."""

    result: list[int] | None  # guard.output_stamp of the result file right after writing it
    unstable: bool  # a source kept changing while it was read: run again next time
    # By file_dep path: [size, mtime_ns, inode, sha256] of each file as the task read
    # it, for doit's checker instead of reading every file again (pipeline/checker.py);
    # FileGuard hands them over and keeps them out of the saved values.
    digests: dict[str, list[Any]]


class PackageResult(NamedTuple):
    data: bytes  # the encoded result file
    unstable: bool  # some source kept changing while it was read
    digests: dict[str, list[Any]]  # by path relative to the root: see TaskValues


class FileResult(NamedTuple):
    """One file's share of a result: its files-table record, its symbol and
    reference rows, the warning it deserves (if any) and the stamp it was read
    under; or, for a file taken from the previous result, its line there."""

    record: FileRecord
    symbols: list[SymbolRow]
    references: list[ReferenceRow]
    warning: str | None
    seen: Stamp | None
    line: bytes | None = None  # the previous result's line, rows included, copied as it is


def extract_package(
    root: str,
    key: str,
    package: PackageRecord | None,
    files: Iterable[FileSpec],
    max_file_size: int,
    out: str,
    timing: str | None = None,
    warnings: Sequence[str] = (),
    cache: str | None = None,
    cache_marker: str | None = None,
    references: bool = True,
) -> TaskValues:
    """Parse one package's files and write its result file ``out`` atomically;
    with ``timing``, record there when the task started and how long it took
    (pipeline/timing.py). ``warnings``: see ``package_result``.

    With ``cache`` (a store URL, pipeline/cache.py), take the result from the
    cache when the package's inputs are there, else extract and store the
    result; a cache failure is recorded in ``cache_marker`` (the build's) and
    the package is extracted as without a cache.

    ``references``: extract references too (config ``references``).

    Returns doit task values: the result file's stamp (so a result damaged or
    replaced behind doit's back is noticed) and whether any source kept
    changing while it was read (then the task must run again next time).
    """
    started, clock, read_started = time.time(), time.perf_counter(), time.time_ns()
    files = list(files)  # read twice with a cache: for the key, then to extract
    found = None
    if cache is not None:
        found = result_cache.lookup(cache, cache_marker, root, key, package, files, max_file_size, warnings,
                                    extractor_version(references), result_file.FORMAT_VERSION)
    if found is not None and found.data is not None:
        data, unstable = found.data, False
        digests = {path: [*found.inputs.stamps[path], sha] for path, sha in found.inputs.contents.items()}
    else:
        data, unstable, digests = package_result(root, key, package, files, max_file_size, warnings=warnings,
                                                 previous=out, references=references)
        if cache is not None and found is not None:
            result_cache.remember(cache, cache_marker, found, data, unstable)
    values = finish_package(out, data, unstable, timing, started, time.perf_counter() - clock)
    write_stats(out, read_started, digests)
    return {**values, "digests": _by_dep(root, digests)}


def extractor_version(references: bool) -> str:
    """EXTRACTOR_VERSION, marked when references are not extracted."""
    return EXTRACTOR_VERSION if references else EXTRACTOR_VERSION + NO_REFERENCES


def _by_dep(root: str, digests: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``digests`` keyed as the task's file_dep spells each path (graph.package_task)."""
    prefix = f"{root}{os.sep}"
    return {prefix + path: value for path, value in digests.items()}


def finish_package(out: str, data: bytes, unstable: bool, timing: str | None, started: float,
                   seconds: float) -> TaskValues:
    """Write a package's result bytes to ``out`` (and its timing record) and
    return the task values; the same for a local extraction and one a remote
    worker shipped back."""
    write_atomic(out, data)
    values: TaskValues = {"result": output_stamp(out), "unstable": unstable}
    if timing is not None:
        write_timing(timing, started, seconds)
    return values


def package_result(
    root: str,
    key: str,
    package: PackageRecord | None,
    files: Iterable[FileSpec],
    max_file_size: int,
    warnings: Sequence[str] = (),
    previous: str | None = None,
    references: bool = True,
) -> PackageResult:
    """The encoded result file of one package, whether any source kept
    changing while it was read, and the digests of the files it read. Writes
    nothing: a remote worker ships the bytes back to the client, which writes them.

    ``previous``: the package's last result file; its unchanged parsed files
    are taken from it instead of parsed again, and the files its run read whose
    stat has not moved are not read again (pipeline/previous.py).

    The result's warnings: the package record's, ``warnings`` (discovery's
    for a unit without a package record), then one per file with a problem.
    """
    # Plain string joins, not pathlib: two per file, listed-only files included; when
    # most files are reused (an edit re-runs a package of thousands), pathlib's
    # objects cost ~17 % of the task (Django: 0.41 -> 0.34 s; docs/performance.md).
    prefix = os.path.join(root, "")
    extractor = extractor_id(extractor_version(references))
    earlier = previous_files(previous, key, extractor)
    known = known_files(previous)
    entries = {path: (language, skip) for path, language, skip in files}
    by_path: dict[str, FileResult] = {}
    pending = sorted(entries)
    for _attempt in range(STABILITY_ATTEMPTS):
        for path in pending:
            by_path[path] = extract_file(prefix + path, path, *entries[path], max_file_size, earlier.get(path),
                                         known.pop(path, None), references)
        # A file edited while we read it would leave doit recording the new
        # content as indexed: re-read any whose stamp moved since.
        pending = [p for p in pending if stamp(prefix + p, follow_symlinks=False) != by_path[p].seen]
        if not pending:
            break
    for path in pending:
        by_path[path] = _noted(by_path[path], UNSTABLE_NOTE)
    unit_warnings = [*(package["warnings"] if package is not None else []), *warnings]
    records: list[WarningRecord] = [{"file": None, "message": w} for w in unit_warnings]
    lines: list[bytes] = []
    for path in sorted(by_path):
        done = by_path[path]
        lines.append(_line(done, earlier.get(path)))
        if done.warning is not None:
            records.append({"file": path, "message": done.warning})
    header = {
        "format": result_file.FORMAT_VERSION,
        "extractor": extractor,
        "key": key,
        "package": package,
        "symbol_columns": list(SYMBOL_COLUMNS),
        "reference_columns": list(REFERENCE_COLUMNS),
        "warnings": sorted(records, key=lambda w: (w["file"] or "", w["message"])),
    }
    digests = {path: [*done.seen, done.record["sha256"]] for path, done in by_path.items()
               if done.seen is not None and done.record["sha256"] is not None and path not in pending}
    return PackageResult(result_file.assemble(header, lines), bool(pending), digests)


def _line(done: FileResult, previous: PreviousFile | None) -> bytes:
    """The file's line in the result: the previous result's when the file was taken
    from there, or when its record is the same and it has no rows (a listed,
    skipped or failed file), else encoded."""
    if done.line is not None:
        return done.line
    if previous is not None and previous.record == done.record and previous.record["status"] not in REUSABLE:
        return previous.line
    return result_file.file_line(done.record, done.symbols, done.references)


def _noted(done: FileResult, note: str) -> FileResult:
    """``done`` with ``note`` as its record's note and its warning."""
    symbols, references = done.symbols, done.references
    if done.line is not None:
        symbols, references = result_file.line_rows(done.line)
    record = FileRecord(**done.record)
    record["note"] = note
    return FileResult(record, symbols, references, note, done.seen)


def extract_file(
    full: str, path: str, language: str | None, skip: str | None, max_file_size: int,
    previous: PreviousFile | None = None, known: tuple[Stamp, str] | None = None, references: bool = True,
) -> FileResult:
    """One file's record for the files table, its symbols, its warning and the
    stamp it was read under (lstat: a symlink is never followed). ``previous``:
    the file in the package's last result, reused when its bytes are the same. ``full``: its
    path on disk, ``path`` as the result names it (relative to the repo root).
    ``known``: the stat and SHA-256 the last run read it under (previous.known_files):
    while the stat is the same, the file is not read."""
    try:
        st: os.stat_result | OSError = os.lstat(full)
    except OSError as exc:
        st = exc
    seen = None if isinstance(st, OSError) else stamp_of(st)
    record: FileRecord = {
        "path": path, "language": language, "size": None, "sha256": None, "status": "listed", "note": None,
    }
    if known is not None and seen == known[0]:
        unread = _unread(record, skip, max_file_size, known, previous)
        if unread is not None:
            return unread._replace(seen=seen)
    return _extract_file(full, record, skip, max_file_size, st, previous, references)._replace(seen=seen)


def _unread(record: FileRecord, skip: str | None, max_file_size: int, known: tuple[Stamp, str],
            previous: PreviousFile | None) -> FileResult | None:
    """The file as its bytes are known to be, without reading it: what a listed or
    skipped file needs is its digest, a parsed one its previous rows. None when it
    must be read (a check on the bytes decides, or no previous rows to reuse)."""
    size, digest = known[0][0], known[1]
    if record["language"] is None or skip is not None:
        record["size"], record["sha256"] = size, digest
        return _unparsed(record, skip)
    if size > max_file_size:
        return None
    return _reused(previous, {**record, "size": size, "sha256": digest})


def _unparsed(record: FileRecord, skip: str | None) -> FileResult:
    """A file with no language (listed) or classified not to parse (skipped): its
    record, size and digest set, is all of it."""
    if skip is not None:
        record["status"], record["note"] = "skipped", skip
    return FileResult(record, [], [], None, None)


def _reused(previous: PreviousFile | None, record: FileRecord) -> FileResult | None:
    """The file from the previous result, when it holds these bytes (previous.reuse)."""
    same = reuse(previous, record)
    if same is None:
        return None
    return FileResult(FileRecord(**same.record), [], [], same.record["note"], None, same.line)


def _problem(record: FileRecord, status: str, note: str) -> FileResult:
    record["status"], record["note"] = status, note
    return FileResult(record, [], [], note, None)


def _extract_file(
    full: str, record: FileRecord, skip: str | None, max_file_size: int, st: os.stat_result | OSError,
    previous: PreviousFile | None, references: bool = True,
) -> FileResult:
    if isinstance(st, FileNotFoundError):
        return _problem(record, "error", "file vanished before it could be read")
    if isinstance(st, OSError):
        return _problem(record, "error", f"cannot stat: {st.strerror}")
    if not stat.S_ISREG(st.st_mode):
        return _problem(record, "error", "no longer a regular file")
    try:
        with open(full, "rb") as f:
            data = f.read()
    except OSError as exc:
        return _problem(record, "error", f"cannot read: {exc.strerror}")
    record["size"] = len(data)
    record["sha256"] = hashlib.sha256(data).hexdigest()
    language = record["language"]
    if language is None or skip is not None:
        return _unparsed(record, skip)
    if len(data) > max_file_size:
        too_large = f"larger than max_file_size ({len(data)} > {max_file_size} bytes), not parsed"
        return _problem(record, "skipped", too_large)
    if b"\0" in data[:_SNIFF]:
        return _problem(record, "skipped", "binary content (NUL bytes), not parsed")
    if _looks_minified(data):
        return _problem(record, "skipped", "minified or generated (very long lines), not parsed")
    reused = _reused(previous, record)
    return reused if reused is not None else _parse(record, language, data, references)


def _parse(record: FileRecord, language: str, data: bytes, references: bool = True) -> FileResult:
    # The extractors (tree-sitter, the reference queries) load in the process that
    # parses: the main process of a doit run never does, a no-op re-run included.
    from ..extract.languages import parser_for
    from ..extract.source import extract_source

    notes = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # tree-sitter truncates identifiers at invalid bytes; re-encoding with
        # U+FFFD keeps byte offsets meaningful and names whole.
        data = data.decode("utf-8", "replace").encode("utf-8")
        notes.append(f"not UTF-8 (invalid byte at offset {exc.start}); decoded with replacement characters")
    try:
        parser_for(language)
    except Exception as exc:  # one missing grammar must not stop the other languages
        failed = f"the {language} grammar failed to load ({type(exc).__name__}: {exc}); not parsed"
        return _problem(record, "error", failed)
    try:
        parsed = extract_source(language, data, references)
    except Exception as exc:  # a grammar or extractor bug must not lose the package
        return _problem(record, "error", f"{language} extraction failed: {type(exc).__name__}: {exc}")
    record["status"] = "parsed"
    if parsed.has_error:
        record["status"] = "partial"
        notes.append("syntax errors; symbols outside the broken regions were kept")
    note = "; ".join(notes) if notes else None
    record["note"] = note
    path = record["path"]
    return FileResult(record, [s.to_row(path) for s in parsed.symbols], [r.to_row(path) for r in parsed.references],
                      note, None)


def _looks_minified(data: bytes) -> bool:
    if len(data) < 20_000:
        return False
    return len(data) / (data.count(b"\n") + 1) > MINIFIED_MEAN_LINE
