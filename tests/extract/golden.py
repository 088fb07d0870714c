"""Golden-file checks for extractors.

A golden file holds the exact symbols expected from one fixture source file,
reviewed by hand. ``SYMIDX_UPDATE_GOLDEN=1 pytest tests/extract`` rewrites them
from the current extractor; review the diff before committing.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from symidx_tasks.extract.source import extract_source

HERE = Path(__file__).parent


def symbols_of(language: str, source: bytes) -> list[dict]:
    return [s.to_json("") | {"file": None} for s in extract_source(language, source).symbols]


def check_golden(language: str, fixture: str) -> list[dict]:
    """Compare the symbols of fixtures/<fixture> with golden/<fixture>.json."""
    source = (HERE / "fixtures" / fixture).read_bytes()
    got = symbols_of(language, source)
    for s in got:
        del s["file"]
    golden = HERE / "golden" / (fixture + ".json")
    if os.environ.get("SYMIDX_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(golden.read_text())
    assert got == expected
    return got
