"""Per-file reuse inside a package task (pipeline/previous.py): after an edit,
only the changed files of the package are parsed, the unchanged ones come from
the previous result, and the index is exactly a fresh build's."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from symidx_tasks.pipeline import action, previous
from symidx_tasks.pipeline import result as result_file
from symidx_tasks.pipeline.checker import FINE_RACY_WINDOW_NS
from symidx_tasks.pipeline.result import RESULT_SUFFIX, STATS_SUFFIX

from .indexing import build, dump, fresh_dump
from .trees import write_tree

TREE = {
    "pyproject.toml": '[project]\nname = "shop"\nversion = "1.0.0"\n',
    "shop/money.py": '"""Money."""\n\n\ndef pay(amount: int) -> int:\n    """Pays."""\n    return amount\n',
    "shop/orders.py": "from .money import pay\n\n\ndef order(n: int) -> int:\n    return pay(n)\n",
    "shop/broken.py": "def half(:\n    pass\n\ndef whole() -> None:\n    pass\n",  # a syntax error: partial
    "shop/latin1.py": b"# caf\xe9\ndef cafe() -> str:\n    return 'x'\n",  # not UTF-8: a note
    "shop/types.ts": "export interface Order { id: string }\nexport function total(o: Order): number { return 0 }\n",
}


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths parsed from now on (builds run in this process: jobs=0)."""
    seen: list[str] = []
    real = action._parse

    def counting(record: Any, *args: Any) -> Any:
        seen.append(record["path"])
        return real(record, *args)

    monkeypatch.setattr(action, "_parse", counting)
    return seen


def _db(tmp_path: Path) -> Path:
    return tmp_path / "index" / "index.db"


def test_an_edit_parses_only_the_changed_file(tmp_path: Path, parsed: list[str]) -> None:
    root = write_tree(tmp_path / "tree", TREE)
    build(root, _db(tmp_path))
    assert sorted(parsed) == sorted(p for p in TREE if p.endswith((".py", ".ts")))
    parsed.clear()
    (root / "shop/orders.py").write_text("from .money import pay\n\n\ndef order(n: int, m: int) -> int:\n"
                                         "    return pay(n + m)\n")
    run = build(root, _db(tmp_path))
    assert run.packages_run == ["index:."] and parsed == ["shop/orders.py"]
    assert dump(_db(tmp_path)) == fresh_dump(root, tmp_path / "fresh")


def test_partial_and_non_utf8_files_keep_their_notes_when_reused(tmp_path: Path, parsed: list[str]) -> None:
    root = write_tree(tmp_path / "tree", TREE)
    build(root, _db(tmp_path))
    (root / "shop/money.py").write_text("def pay(amount: int) -> int:\n    return amount * 2\n")
    parsed.clear()
    build(root, _db(tmp_path))
    assert parsed == ["shop/money.py"]
    text = dump(_db(tmp_path))
    assert "syntax errors" in text and "not UTF-8" in text
    assert text == fresh_dump(root, tmp_path / "fresh")


def test_a_file_changed_back_and_forth_and_a_new_file(tmp_path: Path, parsed: list[str]) -> None:
    root = write_tree(tmp_path / "tree", TREE)
    build(root, _db(tmp_path))
    original = (root / "shop/types.ts").read_text()
    for text in ("export const LIMIT = 3\n", original):
        (root / "shop/types.ts").write_text(text)
        build(root, _db(tmp_path))
    (root / "shop/extra.py").write_text("def extra() -> None:\n    pass\n")
    parsed.clear()
    build(root, _db(tmp_path))
    assert parsed == ["shop/extra.py"]
    assert dump(_db(tmp_path)) == fresh_dump(root, tmp_path / "fresh")


def _results(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "index" / "results").glob(f"*{RESULT_SUFFIX}"))


def test_a_damaged_previous_result_is_not_used(tmp_path: Path, parsed: list[str]) -> None:
    root = write_tree(tmp_path / "tree", TREE)
    build(root, _db(tmp_path))
    (result,) = _results(tmp_path)
    result.write_bytes(result.read_bytes()[:-40])  # truncated: doit's FileGuard re-runs the task
    parsed.clear()
    build(root, _db(tmp_path))
    assert len(parsed) == 5  # every source file parsed again
    assert dump(_db(tmp_path)) == fresh_dump(root, tmp_path / "fresh")


def test_another_extractor_means_no_reuse(tmp_path: Path, parsed: list[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_tree(tmp_path / "tree", TREE)
    build(root, _db(tmp_path))
    # A code edit or a grammar upgrade changes the digest in extractor_id.
    monkeypatch.setattr(action, "extractor_id", lambda version: f"{version}+another-code")
    (root / "shop/orders.py").write_text("def order() -> None:\n    pass\n")
    parsed.clear()
    build(root, _db(tmp_path))
    assert len(parsed) == 5


def test_extractor_id_names_the_version_and_the_code() -> None:
    ident = previous.extractor_id(action.EXTRACTOR_VERSION)
    version, digest = ident.split("+")
    assert version == action.EXTRACTOR_VERSION and len(digest) == 16
    assert previous.extractor_id(action.EXTRACTOR_VERSION) is ident  # once per process


def test_rows_of_a_reused_file_are_what_a_parse_gives(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "tree", TREE)
    files = [(p, "python" if p.endswith(".py") else "typescript" if p.endswith(".ts") else None, None)
             for p in sorted(TREE)]
    first, _, _ = action.package_result(str(root), "shop", None, files, 10**6)
    out = tmp_path / "previous.json"
    out.write_bytes(first)
    again, _, _ = action.package_result(str(root), "shop", None, files, 10**6, previous=str(out))
    assert again == first
    found = previous.previous_files(str(out), "shop", previous.extractor_id(action.EXTRACTOR_VERSION))
    assert sorted(found) == sorted(TREE)
    reusable = sorted(path for path, file in found.items() if previous.reuse(file, file.record) is not None)
    assert reusable == ["shop/broken.py", "shop/latin1.py", "shop/money.py", "shop/orders.py", "shop/types.ts"]
    assert result_file.line_rows(found["shop/money.py"].line)[0]  # symbols
    assert result_file.line_rows(found["shop/orders.py"].line)[1]  # references
    assert previous.previous_files(str(out), "other", "x") == {}  # another package's file


def test_a_previous_result_whose_lines_were_altered_is_not_reused(tmp_path: Path) -> None:
    # Its lines are copied unread: they must be the ones its header's digest covers.
    root = write_tree(tmp_path / "tree", TREE)
    files = [(p, "python" if p.endswith(".py") else None, None) for p in sorted(TREE)]
    first, _, _ = action.package_result(str(root), "shop", None, files, 10**6)
    out = tmp_path / "previous.json"
    out.write_bytes(first.replace(b"\"pay\"", b"\"pax\"", 1))
    assert first != out.read_bytes()
    assert previous.previous_files(str(out), "shop", previous.extractor_id(action.EXTRACTOR_VERSION)) == {}
    again, _, _ = action.package_result(str(root), "shop", None, files, 10**6, previous=str(out))
    assert again == first


# -- files not read again (the .stat beside the result) ---------------------------

LISTED = {"README.md": "# shop\n", "data/fixture.json": '{"a": 1}\n', "shop/tests/test_money.py": "def test(): pass\n"}


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths whose bytes a package task reads from now on (builds run in this process)."""
    seen: list[str] = []
    real = action._extract_file

    def counting(full: str, record: Any, *args: Any) -> Any:
        seen.append(record["path"])
        return real(full, record, *args)

    monkeypatch.setattr(action, "_extract_file", counting)
    return seen


def _settled(root: Path) -> Path:
    """Let one timestamp tick pass: files written just before a run are read again by the next."""
    time.sleep(2 * FINE_RACY_WINDOW_NS / 1e9)
    return root


def test_an_edit_reads_only_the_changed_file(tmp_path: Path, read: list[str]) -> None:
    root = _settled(write_tree(tmp_path / "tree", {**TREE, **LISTED}))
    build(root, _db(tmp_path))
    assert sorted(read) == sorted({**TREE, **LISTED})
    read.clear()
    (root / "shop/orders.py").write_text("def order(n: int) -> int:\n    return n\n")
    (root / "README.md").write_text("# the shop\n")
    run = build(root, _db(tmp_path))
    assert run.packages_run == ["index:."] and sorted(read) == ["README.md", "shop/orders.py"]
    assert dump(_db(tmp_path)) == fresh_dump(root, tmp_path / "fresh")


def test_files_written_within_a_tick_of_the_last_read_are_read_again(tmp_path: Path, read: list[str]) -> None:
    """A rewrite in the same clock tick as the read keeps the stat: such files are not trusted."""
    root = write_tree(tmp_path / "tree", {**TREE, **LISTED})
    build(root, _db(tmp_path))  # at once: every file is within a tick of this run's first read
    read.clear()
    (root / "shop/orders.py").write_text("def order(n: int) -> int:\n    return n\n")
    build(root, _db(tmp_path))
    assert sorted(read) == sorted({**TREE, **LISTED})
    assert dump(_db(tmp_path)) == fresh_dump(root, tmp_path / "fresh")


@pytest.mark.parametrize("damage", [b"", b"not json", b'{"read_started_ns": 1, "files": {"README.md": [1]}}'])
def test_a_damaged_stat_file_means_reading_everything(tmp_path: Path, read: list[str], damage: bytes) -> None:
    root = _settled(write_tree(tmp_path / "tree", {**TREE, **LISTED}))
    build(root, _db(tmp_path))
    stats = [p for p in (_db(tmp_path).parent / "results").iterdir() if p.name.endswith(STATS_SUFFIX)]
    assert len(stats) == 1
    stats[0].write_bytes(damage)
    read.clear()
    (root / "shop/orders.py").write_text("def order(n: int) -> int:\n    return n\n")
    build(root, _db(tmp_path))
    assert sorted(read) == sorted({**TREE, **LISTED})
    assert dump(_db(tmp_path)) == fresh_dump(root, tmp_path / "fresh")


def test_a_file_replaced_with_the_same_size_is_read(tmp_path: Path, read: list[str]) -> None:
    """Same size and mtime, another inode (an editor's save by rename): read, not trusted."""
    root = _settled(write_tree(tmp_path / "tree", {**TREE, **LISTED}))
    build(root, _db(tmp_path))
    path = root / "shop/money.py"
    st = os.stat(path)
    replacement = root / "shop/money.py.new"
    replacement.write_bytes(path.read_bytes().replace(b"Pays.", b"Paid."))
    os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(replacement, path)
    read.clear()
    build(root, _db(tmp_path))
    assert read == ["shop/money.py"]
    assert "Paid." in dump(_db(tmp_path)) and dump(_db(tmp_path)) == fresh_dump(root, tmp_path / "fresh")
