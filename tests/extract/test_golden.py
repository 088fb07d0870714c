"""Every fixture's symbols match its hand-reviewed golden file (see golden.py)."""
from __future__ import annotations

import pytest

from .golden import FIXTURES, check_golden, language_of


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixture_matches_its_golden_file(fixture: str) -> None:
    check_golden(language_of(fixture), fixture)
