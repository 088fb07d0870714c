"""`repo_map`: packages ranked by dependents and focus, symbols by use, fitted to a token budget."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from symidx_tasks import query as q
from symidx_tasks.errors import InvalidArgument
from symidx_tasks.interop.repo_map import MIN_TOKENS, RepoMap, estimate_tokens, render_repo_map, repo_map

from .indexing import build
from .trees import write_tree


def paths(m: RepoMap) -> list[str]:
    return [p["path"] for p in m["packages"]]


def test_a_500_token_map_fits_and_starts_with_the_most_depended_on_package(conn: sqlite3.Connection) -> None:
    m = repo_map(conn, tokens=500)
    text = render_repo_map(m)
    assert estimate_tokens(text) == m["used_tokens"] <= 500
    assert m["used_tokens"] > 400  # the budget is used, not just respected
    # libs/auth is the only package two others depend on (shop-payments, shop-auth-oauth).
    assert paths(m)[0] == "libs/auth"
    assert text.splitlines()[1].startswith("libs/auth (shop-auth, python): 11 public symbols; used by 2")
    ranks = [(p["dependents"], p["direct_dependents"]) for p in m["packages"]]
    assert ranks == sorted(ranks, reverse=True)
    assert len(m["packages"]) < m["packages_total"] == 16


def test_the_default_budget_holds_the_whole_example(conn: sqlite3.Connection) -> None:
    m = repo_map(conn)
    assert m["tokens"] == 2000 and m["used_tokens"] <= 2000
    assert len(m["packages"]) == 16
    shown = sum(len(p["symbols"]) for p in m["packages"])
    public = conn.execute("SELECT count(*) FROM symbols WHERE package IS NOT NULL AND parent_symbol IS NULL"
                          " AND visibility NOT LIKE 'pub(%'").fetchone()[0]
    assert shown == public


@pytest.mark.parametrize("tokens", [MIN_TOKENS, 65, 80, 97, 128, 150, 200, 333, 500, 777, 1000, 1500])
def test_never_over_budget(conn: sqlite3.Connection, tokens: int) -> None:
    for focus in ([], ["services/gateway/server.go"]):
        m = repo_map(conn, tokens=tokens, focus=focus)
        assert estimate_tokens(render_repo_map(m)) == m["used_tokens"] <= tokens
        assert m["packages"], "even the smallest budget shows the top package"


def test_estimate_is_characters_over_four() -> None:
    assert [estimate_tokens("x" * n) for n in (0, 1, 4, 5, 8)] == [0, 1, 1, 2, 2]


def test_symbols_mentioned_by_dependents_come_first(conn: sqlite3.Connection) -> None:
    by_path = {p["path"]: p for p in repo_map(conn)["packages"]}
    # shop-auth-oauth's exchange_code(..., issuer: TokenIssuer) uses libs/auth's TokenIssuer.
    auth = by_path["libs/auth"]["symbols"]
    assert (auth[0]["name"], auth[0]["used_by"]) == ("TokenIssuer", 1)
    assert all(s["used_by"] == 0 for s in auth[1:])
    # gateway's NewServer(cfg Config, invoices billing.Store) uses services/billing's Store.
    billing = by_path["services/billing"]["symbols"]
    assert (billing[0]["name"], billing[0]["used_by"]) == ("Store", 1)
    # Without a mention, types come before functions before constants.
    payments = [s["kind"] for s in by_path["libs/payments"]["symbols"]]
    assert payments == ["class", "class", "function", "function", "function", "constant", "constant", "constant"]


def test_focus_puts_the_owning_package_first_then_its_neighbours(conn: sqlite3.Connection) -> None:
    plain = repo_map(conn, tokens=500)
    m = repo_map(conn, tokens=500, focus=["services/gateway/server.go"])
    assert paths(m)[:2] == ["services/gateway", "services/billing"]
    assert paths(m) != paths(plain)
    assert [p["distance"] for p in m["packages"][:2]] == [0, 1]
    # The focus file's own symbols lead its package.
    assert {s["file"] for s in m["packages"][0]["symbols"][:3]} == {"services/gateway/server.go"}
    assert render_repo_map(m).splitlines()[0].endswith("nearest to the focus first, then most depended-on")


def test_focus_on_a_directory_and_an_absolute_path(conn: sqlite3.Connection, example_root: Path) -> None:
    m = repo_map(conn, focus=["frontend/packages/"])
    near = [p["path"] for p in m["packages"] if p["distance"] == 0]
    assert near == ["frontend/packages/legacy-js", "frontend/packages/ui", "frontend",
                    "frontend/packages/web"]
    absolute = repo_map(conn, focus=[str(example_root / "libs/payments/shop_payments/processor.py")])
    assert paths(absolute)[:2] == ["libs/payments", "libs/auth"]


def test_unknown_focus_paths_are_reported_not_fatal(conn: sqlite3.Connection) -> None:
    m = repo_map(conn, tokens=500, focus=["no/such/file.py", "/elsewhere/x.go", "crates/cli"])
    assert m["unmatched_focus"] == ["no/such/file.py", "/elsewhere/x.go"]
    assert paths(m)[:2] == ["crates/cli", "crates/core"]


def test_deterministic(conn: sqlite3.Connection, example_db: Path) -> None:
    other = q.open_index(example_db)
    try:
        for tokens, focus in ((300, ()), (2000, ()), (700, ("libs/auth",))):
            assert render_repo_map(repo_map(conn, tokens, focus)) == render_repo_map(repo_map(other, tokens, focus))
    finally:
        other.close()


def test_too_small_a_budget_is_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(InvalidArgument, match="tokens must be >= 64"):
        repo_map(conn, tokens=MIN_TOKENS - 1)


# A types package in the style of @types/node: ambient blocks around one real export.
AMBIENT = {
    "package.json": '{"name": "mono", "private": true, "workspaces": ["packages/*"]}\n',
    "packages/types/package.json": '{"name": "@m/types", "version": "1.0.0", "types": "index.d.ts"}\n',
    "packages/types/index.d.ts": (
        "declare global {\n  interface Window { x: number }\n}\n"
        'declare module "foo" {\n  export function f(): void\n}\n'
        "export declare function realThing(a: number): string;\n"
    ),
    "packages/app/package.json": (
        '{"name": "@m/app", "version": "1.0.0", "dependencies": {"@m/types": "workspace:*"}}\n'),
    "packages/app/src/main.ts": (
        'import { realThing } from "@m/types";\nexport function run(): string { return realThing(1); }\n'),
}


def test_ambient_declare_blocks_are_left_out(tmp_path: Path) -> None:
    db = tmp_path / "index" / "index.db"
    build(write_tree(tmp_path / "tree", AMBIENT), db)
    conn = q.open_index(db)
    try:
        # Indexed all the same: the map leaves them out, not the index.
        blocks = {(s["name"], s["signature"]) for s in q.package_symbols(conn, "@m/types", kind="module")["results"]}
        assert blocks == {("global", "declare global"), ("foo", 'declare module "foo"')}
        m = repo_map(conn)
    finally:
        conn.close()
    types = next(p for p in m["packages"] if p["path"] == "packages/types")
    assert [s["name"] for s in types["symbols"]] == ["realThing"]
    assert types["public_symbols"] == 1
    text = render_repo_map(m)
    assert "export declare function realThing(a: number): string" in text
    assert "declare global" not in text and "declare module" not in text
