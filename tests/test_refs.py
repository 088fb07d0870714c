"""References on the example index: `refs`, `callers`, usage counts, the
package-usage fact of the impact prompt, and the measured quality of
resolution against a hand-labelled truth (tests/refs_truth.json)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from symidx_tasks import query as q
from symidx_tasks.errors import InvalidArgument, QueryError
from symidx_tasks.extract.references import KINDS
from symidx_tasks.query.suggest import suggest

TRUTH = Path(__file__).resolve().parent / "refs_truth.json"
# Floors under the measured quality (tests/refs_truth.json); the measured values are in
# docs/performance.md. A change that lowers either below its floor is a regression.
MIN_RECALL = 0.95
MIN_PRECISION = 0.95
HOWS = {"import", "package", "dependency", "name"}


def locs(rows: list[Any]) -> list[str]:
    return [r["loc"] for r in rows]


def test_ref_kinds_are_the_extractors():
    assert q.REF_KINDS == KINDS


def test_find_references_lists_uses_with_their_definitions(conn):
    res = q.find_references(conn, "verify_token")
    assert locs(res["results"]) == [
        "libs/auth/shop_auth/__init__.py:3:33", "libs/auth/shop_auth/tokens.py:39:17",
        "libs/payments/shop_payments/authorize.py:6:34", "libs/payments/shop_payments/authorize.py:16:21",
    ]
    call = res["results"][3]
    assert call["kind"] == "call" and call["enclosing"] == "charge_with_token" and call["receiver"] is None
    assert call["package"] == "libs/payments" and call["package_name"] == "shop-payments"
    assert [(d["loc"], d["package"]) for d in call["definitions"]] == [
        ("libs/auth/shop_auth/tokens.py:47", "libs/auth")]
    imp = res["results"][2]
    assert imp["kind"] == "import" and imp["module"] == "shop_auth"
    assert all(d["how"] in HOWS for r in res["results"] for d in r["definitions"])
    assert res["total"] == 4 and res["next_offset"] is None and res["suggestions"] == []


def test_every_reference_points_at_its_name_in_the_source(conn, example_root):
    """loc is file:line:col with col 0-based in characters: the line holds the name there (or, for a
    qualified name read whole, like Kotlin's `import a.b.C`, its qualifier and then the name)."""
    for name in ("Money", "Button", "TokenIssuer", "NewInvoice", "InventoryService"):
        rows = q.find_references(conn, name, limit=None)["results"]
        assert rows, name
        for r in rows:
            text = (example_root / r["file"]).read_text(encoding="utf-8").splitlines()[r["line"] - 1]
            at = text[r["col"]:]
            qualifier = r["module"] or r["receiver"]
            assert at.startswith(r["name"]) or qualifier and at.startswith(qualifier) and r["name"] in at, (
                r["loc"], text)


def test_package_filter_keeps_references_to_that_packages_definition(conn):
    everywhere = q.find_references(conn, "Money", limit=None)
    core = q.find_references(conn, "Money", package="shop-core", limit=None)
    assert core["total"] == everywhere["total"] > 0  # no other package defines Money
    assert {r["package"] for r in core["results"]} == {"crates/core", "crates/cli"}
    assert all(d["package"] == "crates/core" for r in core["results"] for d in r["definitions"])
    assert q.find_references(conn, "Money", package="crates/cli")["results"] == []
    with pytest.raises(QueryError, match="no package"):
        q.find_references(conn, "Money", package="no/such/package")


def test_kind_filter_and_paging(conn):
    news = q.find_references(conn, "Money", kind="new", limit=None)
    assert news["results"] and {r["kind"] for r in news["results"]} == {"new"}
    assert "crates/cli/src/main.rs:43:20" in locs(news["results"])
    with pytest.raises(InvalidArgument, match="kind must be one of"):
        q.find_references(conn, "Money", kind="calls")
    whole = locs(q.find_references(conn, "Money", limit=None)["results"])
    first = q.find_references(conn, "Money", limit=3)
    second = q.find_references(conn, "Money", limit=3, offset=3)
    assert first["next_offset"] == 3 and locs(first["results"]) + locs(second["results"]) == whole[:6]


def test_unknown_name_finds_nothing_and_suggests(conn):
    res = q.find_references(conn, "verify_tokne")
    assert res["results"] == [] and res["total"] == 0 and "verify_token" in res["suggestions"]


def test_callers_are_the_enclosing_symbols_of_call_sites(conn):
    res = q.get_callers(conn, "verify_token")
    by_name = {c["name"]: c for c in res["results"]}
    assert set(by_name) == {"refresh", "charge_with_token"}  # the imports are no calls
    charge = by_name["charge_with_token"]
    assert (charge["kind"], charge["loc"], charge["package_name"]) == (
        "function", "libs/payments/shop_payments/authorize.py:14", "shop-payments")
    assert charge["calls"] == 1 and charge["sites"] == ["libs/payments/shop_payments/authorize.py:16:21"]
    assert charge["callees"] == ["libs/auth/shop_auth/tokens.py:47"]
    assert by_name["refresh"]["kind"] == "method" and by_name["refresh"]["loc"] == "libs/auth/shop_auth/tokens.py:38"
    # Ordered by package, then file and line.
    assert [c["package"] for c in res["results"]] == ["libs/auth", "libs/payments"]


def test_callers_count_constructions_and_member_calls(conn):
    money = {c["loc"]: c for c in q.get_callers(conn, "Money")["results"]}
    assert money["crates/core/src/lib.rs:73"]["name"] == "apply_discount"
    main = next(c for c in money.values() if c["file"] == "crates/cli/src/main.rs")
    assert main["name"] == "main" and main["sites"] == ["crates/cli/src/main.rs:43:20"]
    issue = q.get_callers(conn, "issue", package="libs/auth")["results"]
    assert [(c["name"], c["sites"]) for c in issue] == [
        ("refresh", ["libs/auth/shop_auth/tokens.py:40:20"]),
        ("exchange_code", ["libs/auth/plugins/oauth/shop_auth_oauth/provider.py:41:18"])]
    assert q.get_callers(conn, "no_such_symbol")["results"] == []


def test_callers_count_the_other_references_by_kind(conn):
    # RateTable (Kotlin) is implemented and used as a type, never called.
    res = q.get_callers(conn, "RateTable")
    assert res["results"] == [] and res["total"] == 0
    assert res["other_references"] == {"inherit": 1, "type": 1}
    assert sum(res["other_references"].values()) == q.find_references(conn, "RateTable")["total"]
    assert q.get_callers(conn, "RateTable", package="jvm/shipping")["other_references"] == {"inherit": 1, "type": 1}
    # Called too: the calls are callers, the imports the other references.
    called = q.get_callers(conn, "verify_token")
    assert called["total"] == 2 and called["other_references"] == {"import": 2}
    assert q.get_callers(conn, "no_such_symbol")["other_references"] == {}


def test_callers_suggest_names_only_for_an_undefined_one(conn):
    # A defined symbol nobody calls is found, not misspelled: no "did you mean".
    assert q.get_callers(conn, "RateTable")["suggestions"] == []
    assert q.get_callers(conn, "CartLine")["total"] == 0 and suggest(conn, "CartLine") == ["CartListener"]
    assert q.get_callers(conn, "CartLine")["suggestions"] == []
    assert q.get_callers(conn, "RateTabel")["suggestions"][0] == "RateTable"
    assert q.get_callers(conn, "verify_tokn")["suggestions"][0] == "verify_token"


def test_symbol_answer_says_how_much_each_definition_is_used(conn):
    res = q.get_symbol(conn, "verify_token")
    assert [r["used"] for r in res["results"]] == [{"places": 4, "packages": 2}]
    assert q.usage(conn, "verify_token") == {"places": 4, "packages": 2}
    assert q.usage(conn, "verify_token", package="libs/payments") == {"places": 0, "packages": 0}
    # Used only inside its package: its __init__ re-export and one parameter type.
    assert q.usage(conn, "SessionStore") == {"places": 2, "packages": 1}
    assert q.get_symbol(conn, "SessionStore")["results"][0]["used"] == {"places": 2, "packages": 1}


def test_package_usage_lists_what_other_packages_reference(conn):
    used = q.package_usage(conn, "shop-auth")
    assert used["package"] == "libs/auth" and not used["truncated"]
    by_name = {s["name"]: s for s in used["symbols"]}
    assert set(by_name) >= {"TokenIssuer", "verify_token", "Claims", "TokenError", "issue"}
    assert by_name["TokenIssuer"]["used_by"] == [{"package": "libs/auth/plugins/oauth", "places": 2}]
    assert by_name["verify_token"]["used_by"] == [{"package": "libs/payments", "places": 2}]
    assert all(u["package"] != "libs/auth" for s in used["symbols"] for u in s["used_by"])
    places = [s["places"] for s in used["symbols"]]
    assert places == sorted(places, reverse=True)
    assert q.package_usage(conn, "shop-auth", limit=2)["truncated"] is True


# ------------------------------------------------------------------ quality


def _truth() -> set[tuple[str, str, str]]:
    doc = json.loads(TRUTH.read_text(encoding="utf-8"))
    return {(r["at"], r["name"], r["definition"]) for r in doc["references"]}


def _resolved_across_packages(conn: sqlite3.Connection) -> set[tuple[str, str, str]]:
    """(use file:line, name, definition file:line) of every reference resolved to another package's symbol."""
    rows = conn.execute(
        "SELECT r.file_path || ':' || r.line, r.name, s.file_path || ':' || s.line FROM refs r"
        " JOIN ref_targets t ON t.ref_id = r.id JOIN symbols s ON s.id = t.symbol_id"
        " WHERE r.package IS NOT s.package")
    return {(a, n, d) for a, n, d in rows}


def quality(conn: sqlite3.Connection) -> tuple[float, float, set[Any], set[Any]]:
    """Precision, recall, the false positives and the misses of cross-package resolution."""
    truth, found = _truth(), _resolved_across_packages(conn)
    hits = truth & found
    return len(hits) / len(found), len(hits) / len(truth), found - truth, truth - found


def test_the_truth_file_matches_the_example(conn, example_root):
    """Each labelled use is on its line and each labelled definition is a symbol there."""
    for at, name, definition in sorted(_truth()):
        file, line = at.rsplit(":", 1)
        assert name in (example_root / file).read_text(encoding="utf-8").splitlines()[int(line) - 1], at
        d_file, d_line = definition.rsplit(":", 1)
        assert conn.execute("SELECT 1 FROM symbols WHERE file_path = ? AND line = ? AND name = ?",
                            (d_file, int(d_line), name)).fetchone(), definition


def test_resolution_quality_against_the_truth(conn):
    precision, recall, wrong, missed = quality(conn)
    print(f"\ncross-package references: precision {precision:.3f}, recall {recall:.3f}")
    print("false positives:", *sorted(wrong), sep="\n  ")
    print("missed:", *sorted(missed), sep="\n  ")
    assert recall >= MIN_RECALL, f"recall {recall:.3f}; missed: {sorted(missed)}"
    assert precision >= MIN_PRECISION, f"precision {precision:.3f}; wrong: {sorted(wrong)}"
