"""How long the package tasks of one build took, kept out of the result files.

Each package task records its start (epoch seconds) and duration in a small
file of its own in the timings directory (locations.timings_dir, beside the
results directory). It is neither a target nor a file_dep, so timings never
make a result file, or the merge, look changed; a missing or damaged record
only leaves that package out of the figures. The merge task sums the records
written since its build started: exactly the package tasks that ran in this
build.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from ..fileio import remove_others, write_atomic
from ..model import ExtractTiming
from .result import RESULT_SUFFIX, result_name

SLOWEST = 10  # packages named in the meta table's slowest_packages
# File system clocks tick coarser than time.time(): a record written just
# after the build started may carry an mtime slightly before it. The mtime only
# pre-selects; the recorded start decides.
_MTIME_SLACK_S = 2.0


def timing_path(timings: str | os.PathLike[str], key: str) -> Path:
    """The timing record of package ``key`` (named like its result file)."""
    return Path(timings) / result_name(key)


def write_timing(path: str | os.PathLike[str], started: float, seconds: float) -> None:
    """Record that a package task started at ``started`` (epoch seconds) and took ``seconds``."""
    text = json.dumps({"start": started, "seconds": seconds}, separators=(",", ":")) + "\n"
    write_atomic(path, text.encode("ascii"))


def _read(path: Path, since: float) -> tuple[float, float] | None:
    try:
        if os.stat(path).st_mtime < since - _MTIME_SLACK_S:
            return None
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    start, seconds = (data.get("start"), data.get("seconds")) if isinstance(data, dict) else (None, None)
    if not isinstance(start, (int, float)) or not isinstance(seconds, (int, float)) or start < since:
        return None
    return float(start), float(seconds)


def extraction_timing(timings: str | os.PathLike[str], keys: Iterable[str], since: float) -> ExtractTiming:
    """The package tasks among ``keys`` that started at or after ``since``
    (epoch seconds): total seconds, wall seconds (first start to last end) and
    the SLOWEST slowest, slowest first (ties by key)."""
    ran: list[tuple[str, float, float]] = []
    for key in keys:
        found = _read(timing_path(timings, key), since)
        if found is not None:
            ran.append((key, *found))
    if not ran:
        return ExtractTiming()
    wall = max(start + seconds for _, start, seconds in ran) - min(start for _, start, _ in ran)
    slowest = sorted(((key, round(seconds, 3)) for key, _, seconds in ran), key=lambda ks: (-ks[1], ks[0]))
    return ExtractTiming(
        seconds=sum(seconds for _, _, seconds in ran), wall_seconds=wall, slowest=tuple(slowest[:SLOWEST]),
    )


def remove_stale_timings(timings: str | os.PathLike[str], keys: Iterable[str]) -> None:
    """Records of packages that no longer exist."""
    remove_others(timings, {result_name(k) for k in keys}, RESULT_SUFFIX)
