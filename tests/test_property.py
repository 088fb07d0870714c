"""Property: any sequence of edits, each followed by an incremental run, leaves
the same index as a fresh build of the edited tree."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .indexing import build, dump, fresh_dump
from .trees import SAMPLE, write_tree

# Source snippets per extension, each adding one public symbol named {n} that
# uses symbols of other packages (through imports and without) and the first
# snippets' symbols: as edits add definitions of fn_0 / fn0 / Fn0 in several
# packages, references to them cross the name-resolution limit and back.
SNIPPETS = {
    ".py": ("\nfrom shop_core.money import process_payment as pp\n\n"
            "def fn_{n}(x: int) -> int:\n    return pp(fn_0(x)) + AuthService(x).login()\n"),
    ".ts": ("\nimport {{ Button as B }} from '@shop/ui';\n"
            "export function fn{n}(x: number): number {{ return B(fn0(checkout(x))); }}\n"),
    ".tsx": "\nexport const C{n} = (p: {{a: string}}) => <div>{{fn0(Button(p.a))}}</div>;\n",
    ".go": "\nfunc Fn{n}(x int) int {{ return Fn0(ProcessPayment(x)) }}\n",
    ".rs": "\npub fn fn_{n}(x: i32) -> i32 {{ Engine::start(fn_0(x)) }}\n",
}
NEW_PACKAGES = {
    "python": ("pyproject.toml", '[project]\nname = "gen-{n}"\ndependencies = ["shop-auth"]\n', "gen_{n}/api.py"),
    "npm": ("package.json", '{{"name": "@gen/p{n}", "dependencies": {{"@shop/ui": "workspace:*"}}}}\n', "src/index.ts"),
    "go": ("go.mod", "module example.com/gen/p{n}\n\ngo 1.22\n\nrequire example.com/shop/billing v0.0.0\n", "api.go"),
    "cargo": ("Cargo.toml", '[package]\nname = "gen-{n}"\nversion = "0.1.0"\n', "src/lib.rs"),
}
MANIFESTS = {"package.json", "pyproject.toml", "go.mod", "Cargo.toml"}


def _sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SNIPPETS)


def _package_dirs(root: Path) -> list[Path]:
    return sorted({p.parent for p in root.rglob("*") if p.name in MANIFESTS and p.parent != root})


@st.composite
def edit(draw, root: Path, n: int) -> str:
    """Apply one random edit to the tree; return a description."""
    op = draw(st.sampled_from(["edit", "add", "delete", "add_pkg", "delete_pkg", "unmanifest", "nest", "ignore",
                               "deps", "rename", "move"]))
    sources, packages = _sources(root), _package_dirs(root)
    if op == "edit" and sources:
        path = draw(st.sampled_from(sources))
        with open(path, "a") as f:
            f.write(SNIPPETS[path.suffix].format(n=n))
        return f"edit {path.relative_to(root)}"
    if op == "add" and packages:
        pkg = draw(st.sampled_from(packages))
        ext = draw(st.sampled_from(sorted(SNIPPETS)))
        path = pkg / f"added_{n}{ext}"
        path.write_text(SNIPPETS[ext].format(n=n))
        return f"add {path.relative_to(root)}"
    if op == "delete" and sources:
        path = draw(st.sampled_from(sources))
        path.unlink()
        return f"delete {path.relative_to(root)}"
    if op == "add_pkg":
        kind = draw(st.sampled_from(sorted(NEW_PACKAGES)))
        manifest, text, source = NEW_PACKAGES[kind]
        base = draw(st.sampled_from(["libs", "frontend/packages", "services", "crates", "libs/auth", "tools"]))
        write_tree(root, {
            f"{base}/gen{n}/{manifest}": text.format(n=n),
            f"{base}/gen{n}/{source.format(n=n)}": SNIPPETS[Path(source).suffix].format(n=n),
        })
        return f"add package {base}/gen{n} ({kind})"
    if op == "delete_pkg" and packages:
        pkg = draw(st.sampled_from(packages))
        shutil.rmtree(pkg)
        return f"delete package {pkg.relative_to(root)}"
    if op == "unmanifest" and packages:
        # The files stay and go to the enclosing package (or to no package) while the
        # index still files them under this one until the merge deletes it.
        pkg = draw(st.sampled_from(packages))
        manifest = next(p for p in sorted(pkg.iterdir()) if p.name in MANIFESTS)
        manifest.unlink()
        return f"unmanifest {manifest.relative_to(root)}"
    if op == "nest" and sources:
        # A manifest appears beside existing sources: they move to a new package
        # nested in theirs (as a test fixture with its own package.json does).
        path = draw(st.sampled_from(sources))
        kind = draw(st.sampled_from(sorted(NEW_PACKAGES)))
        manifest, text, _ = NEW_PACKAGES[kind]
        if not (path.parent / manifest).exists():
            (path.parent / manifest).write_text(text.format(n=n))
        return f"nest {path.parent.relative_to(root)} ({kind})"
    if op == "ignore" and sources:
        # A .gitignore starts ignoring a file: it leaves the index without being touched.
        path = draw(st.sampled_from(sources))
        with open(path.parent / ".gitignore", "a") as f:
            f.write(f"{path.name}\n")
        return f"ignore {path.relative_to(root)}"
    if op in ("deps", "rename") and packages:
        pkg = draw(st.sampled_from(packages))
        manifest = next(p for p in sorted(pkg.iterdir()) if p.name in MANIFESTS)
        text = manifest.read_text()
        if op == "rename":
            text = text.replace('name = "', f'name = "r{n}-', 1).replace('"name": "', f'"name": "r{n}-', 1)
            text = text.replace("module example.com/", f"module example.com/r{n}/", 1)
        elif manifest.name == "package.json":
            text = text.replace("{", f'{{"peerDependencies": {{"@shop/web": "^{n}.0.0"}}, ', 1)
        elif manifest.name == "go.mod":
            text += f"\nrequire example.com/dep{n} v1.{n}.0\n"
        elif manifest.name == "pyproject.toml" and "[project]" in text:
            text = text.replace("[project]\n", f'[project]\noptional-dependencies = {{ extra{n} = ["dep{n}"] }}\n', 1)
        else:
            text += f'\n[dev-dependencies]\ndep{n} = "{n}"\n' if manifest.name == "Cargo.toml" else ""
        manifest.write_text(text)
        return f"{op} {manifest.relative_to(root)}"
    if op == "move" and sources and packages:
        path, pkg = draw(st.sampled_from(sources)), draw(st.sampled_from(packages))
        target = pkg / f"moved_{n}{path.suffix}"
        path.rename(target)
        return f"move {path.relative_to(root)} -> {target.relative_to(root)}"
    return "nothing"


def check_edit_sequence(data: st.DataObject) -> None:
    """Build, then 1-4 random edits each followed by an incremental build (any
    -n): after every step the index equals a fresh build of the edited tree."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = write_tree(tmp / "repo", SAMPLE)
        db = tmp / "state" / "index.db"
        build(root, db, jobs=data.draw(st.sampled_from([0, 1, 2]), label="jobs"))
        for n in range(data.draw(st.integers(1, 4), label="steps")):
            what = data.draw(edit(root, n), label=f"step {n}")
            build(root, db, jobs=data.draw(st.sampled_from([0, 1, 2]), label="jobs"))
            assert dump(db) == fresh_dump(root, tmp), f"after: {what}"


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_edit_sequences_match_fresh_builds(data: st.DataObject) -> None:
    check_edit_sequence(data)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_edit_sequences_match_fresh_builds_long(data: st.DataObject) -> None:
    check_edit_sequence(data)
