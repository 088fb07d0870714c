"""Records serialise every field they hold."""
from __future__ import annotations

from dataclasses import asdict, fields

from symidx_tasks.model import Dependency, Package, Param, Symbol, SYMBOL_COLUMNS, split_words


def test_package_to_json_has_every_field_and_sorted_dependencies() -> None:
    package = Package(
        path="libs/a", name="a", kind="python", version="1", description="d", metadata={"k": [1]},
        dependencies=[Dependency("zz", "dev", "2", "python:zz"), Dependency("aa", "runtime", None, "python:aa")],
        match_key="python:a", manifests=["libs/a/pyproject.toml"], warnings=["w"], languages=("python",),
    )
    data = package.to_json()
    assert set(data) == {f.name for f in fields(Package)}
    assert [d["name"] for d in data["dependencies"]] == ["aa", "zz"]
    expected = asdict(package) | {"dependencies": data["dependencies"], "languages": ["python"]}
    assert data == expected


def test_symbol_row_follows_the_column_order() -> None:
    symbol = Symbol("processPayment", "function", 3, 9, "def processPayment(a: int)", (Param("a", "int"),), "None",
                    doc="Charge the card once.")
    row = dict(zip(SYMBOL_COLUMNS, symbol.to_row("x.py"), strict=True))
    assert row == {
        "file": "x.py", "line": 3, "end_line": 9, "name": "processPayment", "kind": "function",
        "signature": "def processPayment(a: int)", "visibility": "public", "parent": None, "return_type": "None",
        "parameters": '[{"name":"a","type":"int"}]', "words": "process payment", "doc": "Charge the card once.",
    }


def test_split_words() -> None:
    assert split_words("HTTPServerError") == "http server error"
    assert split_words("process_payment_v2") == "process payment v 2"
    assert split_words("getURL") == "get url"
