"""Equality on a generated monorepo with every manifest kind and language:
-n 1 == -n 4, and incremental == fresh over random edits."""
from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import edit_candidates, edit_one_file, generate
from symidx_tasks.discover.manifests import kind_names
from symidx_tasks.extract.languages import known_languages

from .indexing import build, dump, fresh_dump


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated") / "repo"
    generate(root, size="small", seed=3)  # ~53 packages, ~2,000 files
    return root


def test_sequential_equals_parallel_on_every_kind(generated: Path, tmp_path: Path) -> None:
    one, four = tmp_path / "one" / "index.db", tmp_path / "four" / "index.db"
    build(generated, one, jobs=1)
    build(generated, four, jobs=4)
    assert dump(one) == dump(four)
    conn = sqlite3.connect(one)
    kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM packages")}
    assert kinds == set(kind_names())
    assert conn.execute("SELECT count(*) FROM packages").fetchone()[0] >= 50
    languages = {lang for (lang,) in conn.execute("SELECT DISTINCT language FROM symbols")}
    assert languages == set(known_languages())
    assert conn.execute("SELECT count(*) FROM dependencies WHERE is_internal").fetchone()[0] > 0


@pytest.fixture(scope="module")
def generated_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated-small") / "repo"
    generate(root, size="small", seed=5, packages=20)  # every kind, fewer files: many builds below
    return root


def _random_edit(root: Path, rng: random.Random, n: int) -> str:
    candidates = edit_candidates(root)
    op = rng.choice(["edit", "edit", "delete", "move", "add_pkg", "drop_pkg"])
    if op == "edit":
        return "edit " + edit_one_file(root, rng.randrange(10**9))
    if op == "delete":
        victim = rng.choice(candidates)
        (root / victim).unlink()
        return f"delete {victim}"
    if op == "move":
        src, dst = rng.choice(candidates), rng.choice(candidates)
        target = (root / dst).parent / f"moved{n}_{Path(src).name}"
        (root / src).rename(target)
        return f"move {src} -> {target.relative_to(root)}"
    manifests = sorted(p for p in root.rglob("*") if p.name in (
        "package.json", "Cargo.toml", "go.mod", "pyproject.toml", "pom.xml", "build.gradle.kts", "cpanfile")
        and p.parent != root)
    if op == "add_pkg":
        template = rng.choice(manifests).parent
        copy = template.parent / f"{template.name}-copy{n}"
        shutil.copytree(template, copy)
        return f"copy package {template.relative_to(root)}"
    victim = rng.choice(manifests).parent
    shutil.rmtree(victim)
    return f"drop package {victim.relative_to(root)}"


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 3))
def test_incremental_equals_fresh_on_generated_tree(generated_small: Path, seed: int, steps: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = tmp / "repo"
        shutil.copytree(generated_small, root)
        db = tmp / "state" / "index.db"
        build(root, db, jobs=2)
        done = []
        for n in range(steps):
            done.append(_random_edit(root, rng, n))
            build(root, db, jobs=2)
        assert dump(db) == fresh_dump(root, tmp), f"after: {done}"


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 6))
def test_incremental_equals_fresh_on_generated_tree_long(generated_small: Path, seed: int, steps: int) -> None:
    test_incremental_equals_fresh_on_generated_tree.hypothesis.inner_test(generated_small, seed, steps)
