"""Did you mean: suggestions for symbol and package names that find nothing,
on an index of examples/polyglot (plus one TypeScript file with processPayment)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from symidx_tasks.errors import InvalidArgument
from symidx_tasks.pipeline.build import build
from symidx_tasks.query import get_symbol, open_index, search_packages, search_symbols
from symidx_tasks.query.suggest import suggest

from .trees import write_tree

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "polyglot"
PAY_TS = (
    "export async function processPayment(amount: number, currency: string): Promise<string> {\n"
    "  return currency;\n}\n"
    "export function processPayments(amounts: number[]): number { return amounts.length; }\n"
)


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    tmp = tmp_path_factory.mktemp("suggest")
    root = tmp / "polyglot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".symidx"))
    write_tree(root, {"frontend/packages/web/src/pay.ts": PAY_TS})
    db = tmp / "index" / "index.db"
    assert build(root, db, jobs=1) == 0
    return open_index(db)


def test_misspelled_symbol(conn: sqlite3.Connection) -> None:
    # The searches find nothing: exact, prefix and word matches all fail first.
    assert search_symbols(conn, "procesPayment")["results"] == []
    assert get_symbol(conn, "procesPayment")["results"] == []
    got = suggest(conn, "procesPayment", "symbol")
    assert got[0] == "processPayment"
    assert got[:3] == ["processPayment", "processPayments", "process_payment"]


def test_symbol_case_and_limit(conn: sqlite3.Connection) -> None:
    assert suggest(conn, "PROCESSPAYMNT", "symbol", limit=1) == ["processPayment"]
    assert suggest(conn, "refund_paymnet", "symbol")[0] == "refund_payment"
    assert suggest(conn, "NewInvoce", "symbol")[0] == "NewInvoice"


def test_the_query_itself_is_no_suggestion(conn: sqlite3.Connection) -> None:
    """A filter can empty a search for an existing name; suggesting that name back helps no one."""
    assert search_symbols(conn, "processPayment", kind="class")["results"] == []
    assert suggest(conn, "processPayment", "symbol") == ["processPayments", "process_payment"]
    assert "shop-auth" not in suggest(conn, "SHOP-AUTH", "package")


def test_nothing_close_means_no_suggestion(conn: sqlite3.Connection) -> None:
    assert suggest(conn, "zzqqxx", "symbol") == []
    assert suggest(conn, "   ", "symbol") == []
    assert suggest(conn, "kubernetes-operator", "package") == []


def test_misspelled_package_name_and_path(conn: sqlite3.Connection) -> None:
    assert search_packages(conn, "shop-paymnts")["results"] == []
    assert suggest(conn, "shop-paymnts", "package")[0] == "shop-payments"
    assert suggest(conn, "libs/paymnts", "package")[0] == "libs/payments"
    # One package is suggested once, as its name or its path, whichever is nearer.
    got = suggest(conn, "shop-auht", "package")
    assert got[0] == "shop-auth"
    assert "libs/auth" not in got


def test_bad_arguments(conn: sqlite3.Connection) -> None:
    with pytest.raises(InvalidArgument):
        suggest(conn, "x", "file")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        suggest(conn, "x", "symbol", limit=0)
