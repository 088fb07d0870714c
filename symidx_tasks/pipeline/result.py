"""The per-package result file: the only thing a package task hands to the merge.

Deterministic (same tree -> byte-identical file: sorted lists, sorted keys, no
timestamps), written to a temporary file and renamed into place so a crash
never leaves half a file, and validated when read.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..errors import ResultError
from ..fileio import write_atomic
from ..model import SYMBOL_COLUMNS

FORMAT_VERSION = 2

_REQUIRED = {"format": int, "key": str, "files": list, "symbols": list, "warnings": list}


def result_name(key: str) -> str:
    """A readable, collision-free file name for a package key (a repo path)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", key).strip("-.")[:80] or "root"
    return f"{slug}-{hashlib.sha1(key.encode('utf-8', 'surrogateescape')).hexdigest()[:10]}.json"


def encode(result: dict[str, Any]) -> bytes:
    return (json.dumps(result, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")


def decode(data: bytes, key: str | None = None) -> dict[str, Any]:
    try:
        result = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ResultError(f"not a complete result file ({exc})") from None
    if not isinstance(result, dict):
        raise ResultError("not a result object")
    for field, typ in _REQUIRED.items():
        if not isinstance(result.get(field), typ):
            raise ResultError(f"field {field!r} missing or not {typ.__name__}")
    if result["format"] != FORMAT_VERSION:
        raise ResultError(f"format {result['format']}, expected {FORMAT_VERSION}")
    if result.get("symbol_columns") != list(SYMBOL_COLUMNS):
        raise ResultError("symbol columns differ from this symidx's")
    if key is not None and result["key"] != key:
        raise ResultError(f"holds package {result['key']!r}, expected {key!r}")
    return result


def read(path: str | Path, key: str | None = None) -> dict[str, Any]:
    return decode(Path(path).read_bytes(), key)
