"""The result file is checked field by field when read: a damaged or foreign
one is refused with a one-line message naming the first problem, and the
merge keeps the package's rows instead of failing or loading garbage."""
from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from symidx_tasks.errors import ResultError
from symidx_tasks.model import Package
from symidx_tasks.pipeline import result as result_file
from symidx_tasks.pipeline.action import package_result
from symidx_tasks.store.merge import merge_results

from .indexing import build, dump, fresh_dump
from .trees import SAMPLE, write_tree


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = write_tree(tmp_path_factory.mktemp("pkg"), {
        "pyproject.toml": '[project]\nname = "a"\n',
        "a/api.py": ("from shop_core import money\n\ndef pay(amount: int) -> int:\n    return money.convert(amount)\n\n"
                     "class Cart:\n    def add(self) -> None:\n        pay(1)\n"),
        "a/broken.py": "def ok() -> None: ...\ndef (:\n",
    })
    package = Package(path="libs/a", name="a", kind="python", manifests=["libs/a/pyproject.toml"],
                      warnings=["libs/a/pyproject.toml: something odd"]).to_json()
    files = [("a/api.py", "python", None), ("a/broken.py", "python", None), ("pyproject.toml", None, None)]
    data, _, _ = package_result(str(root), "libs/a", package, files, 10**6)
    decoded: dict[str, Any] = json.loads(data)
    return decoded


def test_a_written_result_decodes_to_what_was_written(valid: dict[str, Any]) -> None:
    data = result_file.encode(valid)  # type: ignore[arg-type]
    assert result_file.decode(data, "libs/a") == valid
    assert len(valid["symbols"]) == 4 and len(valid["warnings"]) == 2  # the manifest's, the syntax error's
    assert valid["references"] == [
        ["a/api.py", 1, 22, "money", "import", None, None, "shop_core", None],
        ["a/api.py", 4, 17, "convert", "member_call", "money", "pay", None, None],
        ["a/api.py", 8, 8, "pay", "call", None, "add", None, None],
    ]


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(result: dict[str, Any]) -> None:
        target = result
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


def _delete(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(result: dict[str, Any]) -> None:
        target = result
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return change


@pytest.mark.parametrize("change, message", [
    (_set(("format",), 1), "format 1, expected 3"),
    (_delete(("warnings",)), "result: field 'warnings' missing"),
    (_set(("extra",), 1), "result: unknown field 'extra'"),
    (_set(("files",), {}), "result: field 'files' is an object, expected an array"),
    (_set(("symbol_columns",), ["file"]), "symbol columns differ from this symidx's"),
    (_set(("reference_columns",), ["file", "line"]), "reference columns differ from this symidx's"),
    (_delete(("references",)), "result: field 'references' missing"),
    (_set(("key",), "libs/b"), "holds package 'libs/b', expected 'libs/a'"),
    (_set(("package", "path"), "libs/b"), "package: path 'libs/b' differs from the key 'libs/a'"),
    (_delete(("package", "match_key")), "package: field 'match_key' missing"),
    (_set(("package", "version"), 2), "package: field 'version' is an integer, expected a string or null"),
    (_set(("package", "manifests"), [None]), "package: field 'manifests' holds a non-string"),
    (_set(("package", "dependencies"), [{"name": "x"}]), "package.dependencies[0]: field 'dep_kind' missing"),
    (_set(("files", 1, "size"), "12"), "files[1]: field 'size' is a string, expected an integer or null"),
    (_set(("files", 0, "warn"), True), "files[0]: unknown field 'warn'"),
    (_delete(("files", 2, "status")), "files[2]: field 'status' missing"),
    (_set(("files", 2, "path"), "a/api.py"), "files[2]: path 'a/api.py' listed twice"),
    (_set(("files", 0), "a/api.py"), "files[0]: a string, expected an object"),
    (_set(("warnings", 1), {"file": None}), "warnings[1]: field 'message' missing"),
    (_set(("warnings", 0, "file"), 3), "warnings[0]: field 'file' is an integer, expected a string or null"),
    (_set(("symbols", 2), ["a/api.py", 1]), "symbols[2]: 2 columns, expected 12"),
    (_set(("symbols", 1, 11), 3), "symbols[1]: column 'doc' is an integer, expected a string or null"),
    (_set(("references", 1), ["a/api.py", 4]), "references[1]: 2 columns, expected 9"),
    (_set(("references", 0, 2), None), "references[0]: column 'column' is null, expected an integer"),
    (_set(("references", 2, 5), ["x"]), "references[2]: column 'receiver' is an array, expected a string or null"),
    (_set(("references", 1, 0), "a/gone.py"), "references[1]: file 'a/gone.py' is not among the result's files"),
    (_set(("references", 0), "pay"), "references[0]: a string, expected a row (array)"),
    (_set(("symbols", 3), {"name": "x"}), "symbols[3]: an object, expected a row (array)"),
    (_set(("symbols", 1, 1), "4"), "symbols[1]: column 'line' is a string, expected an integer"),
    (_set(("symbols", 0, 1), True), "symbols[0]: column 'line' is a boolean, expected an integer"),
    (_set(("symbols", 0, 7), 7), "symbols[0]: column 'parent' is an integer, expected a string or null"),
    (_set(("symbols", 2, 0), "a/other.py"), "symbols[2]: file 'a/other.py' is not among the result's files"),
])
def test_every_field_is_checked(valid: dict[str, Any], change: Callable[[dict[str, Any]], None],
                                message: str) -> None:
    damaged = copy.deepcopy(valid)
    change(damaged)
    with pytest.raises(ResultError) as caught:
        result_file.decode(json.dumps(damaged).encode(), "libs/a")
    assert str(caught.value) == message


@pytest.mark.parametrize("data, message", [
    (b'{"format": 2, "key"', "not a complete result file"),
    (b"[1, 2]", "not a result object"),
    (b"", "not a complete result file"),
])
def test_not_a_result(data: bytes, message: str) -> None:
    with pytest.raises(ResultError, match=message):
        result_file.decode(data)


def test_merge_keeps_the_rows_of_a_result_that_fails_the_check(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", SAMPLE)
    db = tmp_path / "state" / "index.db"
    build(repo, db)
    before = dump(db)
    conn = sqlite3.connect(db)
    keys = [key for (key,) in conn.execute("SELECT key FROM package_results")]
    conn.close()
    path = db.parent / "results" / result_file.result_name("libs/auth")
    result = json.loads(path.read_bytes())
    result["symbols"][0] = result["symbols"][0][:11]  # valid JSON, one column short
    path.write_bytes(json.dumps(result).encode())
    stats = merge_results(str(db), str(db.parent / "results"), keys)
    assert stats.unreadable == [f"libs/auth: {path.name}: symbols[0]: 11 columns, expected 12"]
    assert stats.reloaded == [] and dump(db) == before
    # The next build sees the result changed behind doit's back and re-extracts it.
    run = build(repo, db)
    assert run.executed == ["index:libs/auth", "index:merge"]
    assert dump(db) == before == fresh_dump(repo, tmp_path / "scratch")
