"""What a build records about itself and prints: per-phase seconds in the meta
table (never in the result files or the dump), and warnings as a bounded
summary by kind while the warnings table keeps every one."""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from symidx_tasks import IndexConfig
from symidx_tasks.model import WARNING_KINDS, warning_kind
from symidx_tasks.pipeline.action import UNSTABLE_NOTE
from symidx_tasks.pipeline.report import SHOWN_PROBLEMS, format_duration
from symidx_tasks.pipeline.result import STATS_SUFFIX

from .indexing import build, doit, dump
from .trees import SAMPLE, write_tree

PHASES = ("duration_discover_s", "duration_extract_s", "duration_extract_wall_s", "duration_merge_s")


def _meta(db: Path) -> dict[str, str | None]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def _results(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((db.parent / "results").glob("*.json"))}


@pytest.mark.parametrize("jobs", [0, 2])
def test_each_build_records_its_phases_and_slowest_packages(tmp_path: Path, jobs: int) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "state" / "index.db"
    run = build(repo, db, jobs=jobs)
    meta = _meta(db)
    seconds = {k: float(meta[k] or "nan") for k in PHASES}
    assert all(v >= 0 for v in seconds.values()), seconds
    slowest = json.loads(meta["slowest_packages"] or "null")
    packages = sorted(t.removeprefix("index:") for t in run.packages_run)
    assert len(packages) == 10  # every unit ran: ten, all of them named
    assert sorted(key for key, _ in slowest) == packages
    assert [s for _, s in slowest] == sorted((s for _, s in slowest), reverse=True)
    # Each is rounded to the millisecond; their sum is the extraction total.
    assert sum(s for _, s in slowest) == pytest.approx(seconds["duration_extract_s"], abs=0.01)
    if jobs == 0:  # one after another: the wall time spans at least the sum
        assert seconds["duration_extract_wall_s"] >= seconds["duration_extract_s"] - 0.01
    if jobs:
        return  # a worker's output does not reach this process's captured streams
    summary = [line for line in run.out.splitlines() if "results reloaded" in line]
    assert len(summary) == 1
    for phase in ("discover ", "extract ", "(wall ", "merge "):
        assert phase in summary[0]


def test_timings_cover_only_this_build_and_change_nothing_else(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    first_dump, first_results = dump(db), _results(db)
    with open(repo / "libs/core/shop_core/money.py", "a") as f:
        f.write("\n")  # same symbols, new content: the task runs
    run = build(repo, db)
    assert run.packages_run == ["index:libs/core"]
    meta = _meta(db)
    slowest = json.loads(meta["slowest_packages"] or "null")
    assert [key for key, _ in slowest] == ["libs/core"]
    assert float(meta["duration_extract_s"] or "nan") == pytest.approx(slowest[0][1], abs=0.001)
    # A build where no package ran (the DB was deleted) extracted nothing.
    db.unlink()
    run = build(repo, db)
    assert run.executed == ["index:merge"]
    meta = _meta(db)
    extract = (meta["duration_extract_s"], meta["duration_extract_wall_s"], meta["slowest_packages"])
    assert extract == ("0.0", "0.0", "[]")
    # Timings live outside the result files and the dump.
    assert "duration" not in dump(db) and "slowest" not in dump(db)
    changed = _results(db)
    assert set(changed) == set(first_results)
    assert [n for n in changed if changed[n] != first_results[n]] == [
        n for n in changed if b'"key":"libs/core"' in changed[n]]
    assert dump(db) != first_dump  # libs/core's file digest changed; nothing else
    # Beside each result, the stats of the files its run read (pipeline/previous.py).
    assert sorted(os.listdir(db.parent / "results")) == sorted(
        [*first_results, *(name + STATS_SUFFIX for name in first_results), ".discovery.pickle"])


# Every kind of problem, many times over: the terminal gets a summary.
NOISY = {
    **SAMPLE,
    **{f"libs/bad{i:02d}/package.json": "{" for i in range(15)},  # manifest, each message distinct
    **{f"libs/auth/shop_auth/broken{i:02d}.py": "def ok(): pass\ndef (:\n" for i in range(40)},  # syntax
    **{f"libs/core/shop_core/latin{i:02d}.py": b"def caf\xe9(): pass\n" for i in range(40)},  # encoding
    "libs/core/shop_core/huge.py": "x = 1\n" * 200_000,  # too large
}


def test_warnings_are_summarised_on_the_terminal_and_kept_in_full_in_the_index(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", NOISY)
    db = tmp_path / "state" / "index.db"
    run = build(repo, db, config=IndexConfig(max_file_size=1_000_000))
    lines = [line for line in run.err.splitlines() if line.startswith("symidx:")]
    assert lines[0] == "symidx: 96 warnings from this merge: 15 manifest, 40 syntax, 40 encoding, 1 too-large"
    # One line per distinct problem (40 files with one problem are one line), at most SHOWN_PROBLEMS.
    assert len(lines) == 1 + SHOWN_PROBLEMS + 1
    assert lines[-1] == "symidx: ... and 8 more problems; `symidx warnings` lists them all"
    assert sum(line.endswith(": syntax errors; symbols outside the broken regions were kept") for line in lines) == 1
    shown = "\n".join(lines[1:-1])
    # The first problem of every kind is among those shown.
    assert "invalid JSON" in shown and "syntax errors" in shown and "not UTF-8" in shown
    assert "larger than max_file_size" in shown
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM warnings").fetchone() == (96,)
    conn.close()


def test_strict_failure_is_bounded_too(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", NOISY)
    db = tmp_path / "state" / "index.db"
    run = doit(repo, db, config=IndexConfig(strict=True, max_file_size=1_000_000))
    assert run.code != 0 and "index:strict" in run.failed
    text = run.out + run.err
    start = text.index("strict mode: the index has 96 warning(s): 15 manifest, 40 syntax, 40 encoding, 1 too-large")
    message = text[start:].splitlines()[: SHOWN_PROBLEMS + 2]
    assert message[-1] == "  ... and 8 more problems; `symidx warnings` lists them all"
    assert all(line.startswith("  ") for line in message[1:])


@pytest.mark.parametrize("file, message, kind", [
    (None, "libs/a/package.json: invalid JSON (Expecting value: line 1 column 2)", "manifest"),
    ("a.py", "syntax errors; symbols outside the broken regions were kept", "syntax"),
    ("a.py", "python extraction failed: ValueError: x", "syntax"),
    ("a.py", "not UTF-8 (invalid byte at offset 3); decoded with replacement characters", "encoding"),
    ("a.py", "not UTF-8 (invalid byte at offset 3); decoded with replacement characters; syntax errors; symbols "
             "outside the broken regions were kept", "encoding"),
    ("a.js", "larger than max_file_size (3 > 1 bytes), not parsed", "too-large"),
    ("a.js", "minified or generated (very long lines), not parsed", "too-large"),
    ("a.js", "binary content (NUL bytes), not parsed", "too-large"),
    ("a.py", "file vanished before it could be read", "unreadable"),
    ("a.py", "cannot read: Permission denied", "unreadable"),
    ("a.py", "no longer a regular file", "unreadable"),
    ("a.py", UNSTABLE_NOTE, "unreadable"),
    ("a.go", "the go grammar failed to load (OSError: x); not parsed", "other"),
    ("libs/a/pyproject.toml", "duplicate package name 'a': declared in libs/a, libs/b; internal dependencies "
                              "resolve to the first", "manifest"),
])
def test_warning_kinds(file: str | None, message: str, kind: str) -> None:
    assert kind in WARNING_KINDS
    assert warning_kind(file, message) == kind


@pytest.mark.parametrize("seconds, precise, text", [
    (0.0421, True, "0.04s"), (59.994, True, "59.99s"), (59.996, True, "1m00s"), (0.4, False, "0s"),
    (19.4, False, "19s"), (65, False, "1m05s"), (65, True, "1m05s"), (7380, False, "2h03m"),
])
def test_format_duration(seconds: float, precise: bool, text: str) -> None:
    assert format_duration(seconds, precise) == text
