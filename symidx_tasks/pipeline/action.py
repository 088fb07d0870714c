"""Per-package symbol extraction: the action each package task runs.

``extract_package`` takes plain data only (strings, lists, dicts), so a task
pickles under fork, spawn and forkserver alike, and it never raises for bad
input: every problem becomes a file status plus a warning in the result.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any, Iterable

from . import result as result_file
from ..model import SYMBOL_COLUMNS
from ..extract.languages import parser_for
from ..extract.source import extract_source

EXTRACTOR_VERSION = "1"

# A file whose average line is this long is minified or generated, not source
# a person wrote; parsing one costs seconds and hundreds of MB for no API.
MINIFIED_MEAN_LINE = 1000
STABILITY_ATTEMPTS = 3
_SNIFF = 8192


def extract_package(
    root: str,
    key: str,
    package: dict[str, Any] | None,
    files: Iterable[tuple[str, str | None, str | None]],
    max_file_size: int,
    out: str,
) -> dict[str, Any]:
    """Parse one package's files and write its result file atomically.

    Returns doit task values: the result file's stat (so a result damaged or
    replaced behind doit's back is noticed) and whether any source kept
    changing while it was read (then the task must run again next time).
    """
    data, unstable = package_result(root, key, package, files, max_file_size)
    result_file.write_atomic(out, data)
    st = os.stat(out)
    return {"result": [st.st_size, st.st_mtime_ns], "unstable": unstable}


def package_result(
    root: str,
    key: str,
    package: dict[str, Any] | None,
    files: Iterable[tuple[str, str | None, str | None]],
    max_file_size: int,
) -> tuple[bytes, bool]:
    """The encoded result file of one package, and whether any source kept
    changing while it was read. Writes nothing: a remote worker ships the
    bytes back to the client, which writes them."""
    root_path = Path(root)
    warnings: list[dict[str, Any]] = []
    if package is not None:
        warnings += [{"file": None, "message": w} for w in package.get("warnings", [])]
    by_path: dict[str, tuple[dict[str, Any], list[dict[str, Any]], tuple | None]] = {}
    entries = {path: (language, skip) for path, language, skip in files}
    pending = sorted(entries)
    for _attempt in range(STABILITY_ATTEMPTS):
        for path in pending:
            by_path[path] = extract_file(root_path, path, *entries[path], max_file_size)
        # A file edited while we read it would leave doit recording the new
        # content as indexed: re-read any whose stat moved since.
        pending = [p for p in pending if _stat_key(root_path / p) != by_path[p][2]]
        if not pending:
            break
    for path in pending:
        by_path[path][0].update(note="file kept changing while it was indexed; it will be re-indexed next run", warn=True)
    file_records, symbols = [], []
    for path in sorted(by_path):
        record, file_symbols, _ = by_path[path]
        file_records.append(record)
        symbols += file_symbols
        if record.pop("warn", False):
            warnings.append({"file": path, "message": record["note"]})
    result = {
        "format": result_file.FORMAT_VERSION,
        "extractor": EXTRACTOR_VERSION,
        "key": key,
        "package": package,
        "files": file_records,
        "symbol_columns": list(SYMBOL_COLUMNS),
        "symbols": symbols,  # rows, in file then line order
        "warnings": sorted(warnings, key=lambda w: (w["file"] or "", w["message"])),
    }
    return result_file.encode(result), bool(pending)


def _stat_key(path: Path) -> tuple | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def extract_file(
    root: Path, path: str, language: str | None, skip: str | None, max_file_size: int
) -> tuple[dict[str, Any], list[dict[str, Any]], tuple | None]:
    """One file's record for the files table, its symbols (as result dicts) and
    the stat it was read under."""
    full = root / path
    try:
        st: os.stat_result | OSError = os.lstat(full)
    except OSError as exc:
        st = exc
    seen = None if isinstance(st, OSError) else (st.st_size, st.st_mtime_ns, st.st_ino)
    record, symbols = _extract_file(full, path, language, skip, max_file_size, st)
    return record, symbols, seen


def _extract_file(
    full: Path, path: str, language: str | None, skip: str | None, max_file_size: int,
    st: os.stat_result | OSError,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    record: dict[str, Any] = {
        "path": path, "language": language, "size": None, "sha256": None,
        "status": "listed", "note": None,
    }

    def problem(status: str, note: str) -> tuple[dict[str, Any], list]:
        record.update(status=status, note=note, warn=True)
        return record, []

    if isinstance(st, FileNotFoundError):
        return problem("error", "file vanished before it could be read")
    if isinstance(st, OSError):
        return problem("error", f"cannot stat: {st.strerror}")
    if not stat.S_ISREG(st.st_mode):
        return problem("error", "no longer a regular file")
    try:
        data = full.read_bytes()
    except OSError as exc:
        return problem("error", f"cannot read: {exc.strerror}")
    record["size"] = len(data)
    record["sha256"] = hashlib.sha256(data).hexdigest()
    if language is None:
        return record, []
    if skip is not None:
        record.update(status="skipped", note=skip)
        return record, []
    if len(data) > max_file_size:
        return problem("skipped", f"larger than max_file_size ({len(data)} > {max_file_size} bytes), not parsed")
    head = data[:_SNIFF]
    if b"\0" in head:
        return problem("skipped", "binary content (NUL bytes), not parsed")
    if _looks_minified(data):
        return problem("skipped", "minified or generated (very long lines), not parsed")
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
        return problem("error", f"the {language} grammar failed to load ({type(exc).__name__}: {exc}); not parsed")
    try:
        parsed = extract_source(language, data)
    except Exception as exc:  # a grammar or extractor bug must not lose the package
        return problem("error", f"{language} extraction failed: {type(exc).__name__}: {exc}")
    record["status"] = "parsed"
    if parsed.has_error:
        record["status"] = "partial"
        notes.append("syntax errors; symbols outside the broken regions were kept")
    if notes:
        record.update(note="; ".join(notes), warn=True)
    return record, [s.to_row(path) for s in parsed.symbols]


def _looks_minified(data: bytes) -> bool:
    if len(data) < 20_000:
        return False
    return len(data) / (data.count(b"\n") + 1) > MINIFIED_MEAN_LINE
