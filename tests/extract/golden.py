"""Golden-file checks for extractors.

A golden file holds the exact symbols expected from one fixture source file,
reviewed by hand. ``SYMIDX_UPDATE_GOLDEN=1 pytest tests/extract`` rewrites them
from the current extractor; review the diff before committing.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from symidx_tasks.extract.languages import language_for
from symidx_tasks.extract.source import extract_source

HERE = Path(__file__).parent
FIXTURES = sorted(p.name for p in (HERE / "fixtures").iterdir())


def language_of(fixture: str) -> str:
    """The language a fixture is parsed as, by its extension, as the indexer would."""
    spec = language_for(fixture)
    assert spec is not None, fixture
    return spec.name


def symbols_of(language: str, source: bytes) -> list[dict]:
    return [s.to_json("") | {"file": None} for s in extract_source(language, source).symbols]


def by_parent_and_name(language: str, source: str) -> dict[tuple[str | None, str], dict]:
    """The symbols of ``source`` keyed by (parent, name), which is how most tests look them up."""
    return {(s["parent"], s["name"]): s for s in symbols_of(language, source.encode())}


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
