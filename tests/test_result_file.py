"""The result file is checked field by field when read: a damaged or foreign
one is refused with a one-line message naming the first problem, and the
merge keeps the package's rows instead of failing or loading garbage."""
from __future__ import annotations

import hashlib
import json
import re
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
def written(tmp_path_factory: pytest.TempPathFactory) -> bytes:
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
    return data


@pytest.fixture(scope="module")
def valid(written: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = dict(result_file.decode(written, "libs/a"))
    return decoded


def test_a_written_result_decodes_to_what_was_written(written: bytes, valid: dict[str, Any]) -> None:
    assert result_file.encode(valid) == written  # type: ignore[arg-type]
    assert len(valid["symbols"]) == 4 and len(valid["warnings"]) == 2  # the manifest's, the syntax error's
    assert valid["references"] == [
        ["a/api.py", 1, 22, "money", "import", None, None, "shop_core", None],
        ["a/api.py", 4, 17, "convert", "member_call", "money", "pay", None, None],
        ["a/api.py", 8, 8, "pay", "call", None, "add", None, None],
    ]


def test_a_result_is_a_header_then_one_line_per_file(written: bytes) -> None:
    header, *lines = written.decode("ascii").splitlines()
    fields = json.loads(header)
    assert fields["files"] == 3 == len(lines) and fields["format"] == result_file.FORMAT_VERSION
    assert [json.loads(line)[0]["path"] for line in lines] == ["a/api.py", "a/broken.py", "pyproject.toml"]
    read = result_file.read(written, "libs/a")
    assert [f["path"] for f in read.files] == ["a/api.py", "a/broken.py", "pyproject.toml"]
    symbols, references = read.rows(0)
    assert len(symbols) == 3 and len(references) == 3 and read.rows(2) == ([], [])
    # Only the files asked for bring their rows; every record is there.
    only = read.result(only=[1])
    assert len(only["files"]) == 3 and [r[0] for r in only["symbols"]] == ["a/broken.py"]


def _lines(data: bytes) -> tuple[dict[str, Any], list[list[Any]]]:
    header, *lines = data.decode("ascii").splitlines()
    return json.loads(header), [json.loads(line) for line in lines]


def _damage(data: bytes, change: Callable[[dict[str, Any], list[list[Any]]], None]) -> bytes:
    """``data`` with ``change`` applied to its header and lines, written back as the
    task writes them (the header's digest and count recomputed)."""
    header, lines = _lines(data)
    change(header, lines)
    body = b"".join((json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n").encode() for line in lines)
    header.setdefault("files", len(lines))
    if "body" in header:
        header["body"] = hashlib.sha256(body).hexdigest()
    return (json.dumps(header, sort_keys=True, separators=(",", ":")) + "\n").encode() + body


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any], list[list[Any]]], None]:
    """Set ``value`` at ``path``: in the header, or with "lines" first, in the file lines."""
    def change(header: dict[str, Any], lines: list[list[Any]]) -> None:
        target: Any = lines if path[0] == "lines" else header
        steps = path[1:] if path[0] == "lines" else path
        for step in steps[:-1]:
            target = target[step]
        target[steps[-1]] = value
    return change


def _delete(path: tuple[Any, ...]) -> Callable[[dict[str, Any], list[list[Any]]], None]:
    def change(header: dict[str, Any], lines: list[list[Any]]) -> None:
        target: Any = lines if path[0] == "lines" else header
        steps = path[1:] if path[0] == "lines" else path
        for step in steps[:-1]:
            target = target[step]
        del target[steps[-1]]
    return change


# lines[i] = [record, symbol rows, reference rows] of the i-th file: a/api.py, a/broken.py, pyproject.toml
@pytest.mark.parametrize("change, message", [
    (_set(("format",), 1), "format 1, expected 4"),
    (_delete(("warnings",)), "result: field 'warnings' missing"),
    (_set(("extra",), 1), "result: unknown field 'extra'"),
    (_set(("files",), 2), "3 file lines, the header announces 2"),
    (_set(("files",), "3"), "result: field 'files' is a string, expected an integer"),
    (_set(("symbol_columns",), ["file"]), "symbol columns differ from this symidx's"),
    (_set(("reference_columns",), ["file", "line"]), "reference columns differ from this symidx's"),
    (_set(("key",), "libs/b"), "holds package 'libs/b', expected 'libs/a'"),
    (_set(("package", "path"), "libs/b"), "package: path 'libs/b' differs from the key 'libs/a'"),
    (_delete(("package", "match_key")), "package: field 'match_key' missing"),
    (_set(("package", "version"), 2), "package: field 'version' is an integer, expected a string or null"),
    (_set(("package", "manifests"), [None]), "package: field 'manifests' holds a non-string"),
    (_set(("package", "dependencies"), [{"name": "x"}]), "package.dependencies[0]: field 'dep_kind' missing"),
    (_set(("warnings", 1), {"file": None}), "warnings[1]: field 'message' missing"),
    (_set(("warnings", 0, "file"), 3), "warnings[0]: field 'file' is an integer, expected a string or null"),
    (_set(("lines", 1, 0, "size"), "12"), "files[1]: field 'size' is a string, expected an integer or null"),
    (_set(("lines", 0, 0, "warn"), True), "files[0]: unknown field 'warn'"),
    (_delete(("lines", 2, 0, "status")), "files[2]: field 'status' missing"),
    (_set(("lines", 2, 0, "path"), "a/api.py"), "files[2]: path 'a/api.py' listed twice"),
    (_set(("lines", 0), "a/api.py"), "files[0]: not a [record, symbols, references] line"),
    (_set(("lines", 0, 0), "a/api.py"), "files[0]: not a [record, symbols, references] line"),
    (_delete(("lines", 0, 2)), "a/api.py: not a [record, symbols, references] line"),
    (_set(("lines", 0, 1), {}), "a/api.py: symbols: an object, expected an array"),
    (_set(("lines", 0, 1, 2), ["a/api.py", 1]), "a/api.py: symbols[2]: 2 columns, expected 12"),
    (_set(("lines", 0, 1, 1, 11), 3), "a/api.py: symbols[1]: column 'doc' is an integer, expected a string or null"),
    (_set(("lines", 0, 2, 1), ["a/api.py", 4]), "a/api.py: references[1]: 2 columns, expected 9"),
    (_set(("lines", 0, 2, 0, 2), None), "a/api.py: references[0]: column 'column' is null, expected an integer"),
    (_set(("lines", 0, 2, 2, 5), ["x"]),
     "a/api.py: references[2]: column 'receiver' is an array, expected a string or null"),
    (_set(("lines", 0, 2, 1, 0), "a/gone.py"), "a/api.py: references[1]: file 'a/gone.py' is not the line's file"),
    (_set(("lines", 0, 2, 0), "pay"), "a/api.py: references[0]: a string, expected a row (array)"),
    (_set(("lines", 1, 1, 0), {"name": "x"}), "a/broken.py: symbols[0]: an object, expected a row (array)"),
    (_set(("lines", 0, 1, 1, 1), "4"), "a/api.py: symbols[1]: column 'line' is a string, expected an integer"),
    (_set(("lines", 0, 1, 0, 1), True), "a/api.py: symbols[0]: column 'line' is a boolean, expected an integer"),
    (_set(("lines", 0, 1, 0, 7), 7), "a/api.py: symbols[0]: column 'parent' is an integer, expected a string or null"),
    (_set(("lines", 0, 1, 2, 0), "a/broken.py"), "a/api.py: symbols[2]: file 'a/broken.py' is not the line's file"),
])
def test_every_field_is_checked(written: bytes, change: Callable[[dict[str, Any], list[list[Any]]], None],
                                message: str) -> None:
    with pytest.raises(ResultError) as caught:
        result_file.decode(_damage(written, change), "libs/a")
    assert str(caught.value) == message


@pytest.mark.parametrize("cut, message", [
    (lambda data: data[:-1], "not a complete result file (the last line is cut)"),
    (lambda data: data[:data.rindex(b"\n", 0, -1) + 1], "2 file lines, the header announces 3"),
    (lambda data: data[:data.index(b"\n") + 1], "0 file lines, the header announces 3"),
])
def test_a_cut_result_is_refused(written: bytes, cut: Callable[[bytes], bytes], message: str) -> None:
    with pytest.raises(ResultError) as caught:
        result_file.read(cut(written))
    assert str(caught.value) == message


def test_lines_that_differ_from_the_header_digest_are_refused_when_asked(written: bytes) -> None:
    # A task copies its previous result's lines unread: those must be the lines written.
    altered = written.replace(b'"convert"', b'"convect"')
    assert result_file.read(altered).rows(0)[1][1][3] == "convect"  # well-formed, so it reads
    with pytest.raises(ResultError, match="the file lines differ from the header's digest"):
        result_file.read(altered, verify_body=True)
    assert result_file.read(written, verify_body=True).files


@pytest.mark.parametrize("data, message", [
    (b'{"format": 2, "key"', "not a complete result file"),
    (b"[1, 2]", "not a result object"),
    (b"", "not a complete result file"),
    ("{}\n\u00e9".encode(), "not a result file (byte 3 is not ASCII)"),
])
def test_not_a_result(data: bytes, message: str) -> None:
    with pytest.raises(ResultError, match=re.escape(message)):
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
    data = path.read_bytes()
    first = next(i for i, line in enumerate(_lines(data)[1]) if line[1])  # a file with symbols
    file = _lines(data)[1][first][0]["path"]
    short = _set(("lines", first, 1, 0), _lines(data)[1][first][1][0][:11])  # valid JSON, one column short
    edited = _set(("lines", first, 0, "sha256"), "0" * 64)  # ... of a file that changed: the merge reads its rows

    def damage(header: dict[str, Any], lines: list[list[Any]]) -> None:
        short(header, lines)
        edited(header, lines)

    path.write_bytes(_damage(data, damage))  # a new digest too, as if a task wrote it
    stats = merge_results(str(db), str(db.parent / "results"), keys)
    assert stats.unreadable == [f"libs/auth: {path.name}: {file}: symbols[0]: 11 columns, expected 12"]
    assert stats.reloaded == [] and dump(db) == before
    # The next build sees the result changed behind doit's back and re-extracts it.
    run = build(repo, db)
    assert run.executed == ["index:libs/auth", "index:merge"]
    assert dump(db) == before == fresh_dump(repo, tmp_path / "scratch")
