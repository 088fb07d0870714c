"""Arbitrary bytes never raise an uncaught exception: every extractor returns
symbols, every manifest reader returns a package, None or a ManifestError."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symidx_tasks.discover.manifests import KINDS
from symidx_tasks.discover.manifests.base import ManifestContext, ManifestError
from symidx_tasks.extract.languages import LANGUAGES
from symidx_tasks.extract.source import extract_source

FIXTURES = Path(__file__).parent / "extract" / "fixtures"
# Seeds that look like each language, so mutations reach deep into the grammar.
SEEDS = sorted(p.read_bytes() for p in FIXTURES.iterdir())

MANIFEST_NAMES = {
    "npm": ["package.json"], "cargo": ["Cargo.toml"], "go": ["go.mod"], "python": ["pyproject.toml"],
    "maven": ["pom.xml"], "gradle": ["build.gradle.kts"], "perl": ["cpanfile"], "ruby": ["x.gemspec"],
}


def _mutated(draw_bytes: bytes, seed: bytes, cut: int, splice: int) -> bytes:
    cut = cut % (len(seed) + 1)
    return seed[:cut] + draw_bytes + seed[cut + splice:]


@pytest.mark.parametrize("language", [spec.name for spec in LANGUAGES])
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=300), seed=st.sampled_from(SEEDS), cut=st.integers(0, 10**6),
       splice=st.integers(0, 50))
def test_extractors_never_raise(language: str, data: bytes, seed: bytes, cut: int, splice: int) -> None:
    source = _mutated(data, seed, cut, splice)
    result = extract_source(language, source.decode("utf-8", "replace").encode("utf-8"))
    for symbol in result.symbols:
        assert symbol.name and symbol.line >= 1 and symbol.end_line >= symbol.line
        assert "\n" not in symbol.signature


@pytest.mark.parametrize("kind", [k.KIND for k in KINDS])
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.one_of(
    st.binary(max_size=400),
    st.text(alphabet=st.sampled_from(list('{}[]"=:,\n<>/ abcname1.version-_=\'()')), max_size=300).map(str.encode),
))
def test_manifest_readers_raise_only_manifest_error(kind: str, data: bytes) -> None:
    module = next(k for k in KINDS if k.KIND == kind)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        names = MANIFEST_NAMES[kind]
        for name in names:
            (root / "pkg").mkdir(exist_ok=True)
            (root / "pkg" / name).write_bytes(data)
        files = frozenset(f"pkg/{n}" for n in names)
        claimed = module.manifests_in(frozenset(names))
        ctx = ManifestContext(root, "pkg", claimed, frozenset({".", "pkg"}), files)
        try:
            module.parse(ctx)
        except ManifestError as exc:
            assert str(exc)
