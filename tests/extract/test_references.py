"""References: the identifier uses of a file that can name another file's symbol."""
from __future__ import annotations

from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symidx_tasks.extract.languages import LANGUAGES, language_for, parser_for
from symidx_tasks.extract.references import KINDS, Reference, extract_references, references_in_tree
from symidx_tasks.extract.refqueries import query_for
from symidx_tasks.extract.source import extract_source

from .golden import FIXTURES, HERE
from .test_robustness import _ADVERSARIAL

POLYGLOT = HERE.parents[1] / "examples" / "polyglot"

Row = tuple[str, str, int, str | None, str | None]


def _sample(name: str) -> str:
    """A sample source of one language (ref_fixtures/<name>.txt); line numbers below are its own."""
    return (HERE / "ref_fixtures" / f"{name}.txt").read_text()


def refs(language: str, source: str) -> list[Reference]:
    return extract_references(language, dedent(source).lstrip("\n"))


def rows(language: str, source: str) -> set[Row]:
    """(kind, name, line, receiver, enclosing) of every reference."""
    return {(r.kind, r.name, r.line, r.receiver, r.enclosing) for r in refs(language, source)}


def imports(language: str, source: str) -> set[tuple[str, str | None, str | None]]:
    """(name, module, alias) of every import reference."""
    return {(r.name, r.module, r.alias) for r in refs(language, source) if r.kind == "import"}


def names(language: str, source: str) -> set[str]:
    return {r.name for r in refs(language, source)}


# -- per language


PYTHON = _sample("python")


def test_python_references() -> None:
    assert imports("python", PYTHON) == {
        ("Invoice", ".models", "Inv"), ("Line", ".models", None), ("tax", ".", None),
        ("tokens", "shop_auth.tokens", "tokens"), ("httpx", "httpx", None), ("*", "billing", None),
    }
    assert {row for row in rows("python", PYTHON) if row[0] != "import"} == {
        ("inherit", "Base", 6, None, "Service"),
        ("inherit", "Audited", 6, "mixins", "Service"),
        ("call", "cached", 7, None, "Service"),
        ("member_call", "route", 8, "app", "Service"),
        ("type", "Callback", 9, None, "pay"),
        ("type", "Decimal", 9, None, "pay"),
        ("type", "Receipt", 9, None, "pay"),
        ("type", "Failure", 9, "errors", "pay"),
        ("type", "Inv", 10, None, "pay"),
        ("member_call", "issue", 10, "tokens", "pay"),
        ("member_call", "notify", 12, "self", "pay"),
        ("call", "Line", 12, None, "pay"),
        ("call", "helper", 15, None, "pay"),
    }
    # `cb` and `q` are parameters, `print`/`len`/`list` builtins, `" ".join` a str method: none is a reference.


TYPESCRIPT = _sample("typescript")


def test_typescript_references() -> None:
    assert imports("typescript", TYPESCRIPT) == {
        ("Cart", "./cart", "ShopCart"), ("CartLine", "./cart", None), ("Default", "@shop/ui", None),
        ("*", "@shop/ui", "ui"), ("Props", "./props", None), ("Button", "./Button", None), ("*", "./api", None),
        ("legacy", "../legacy", None),
    }
    got = rows("typescript", TYPESCRIPT)
    assert {
        ("inherit", "Base", 8, None, "Checkout"),
        ("inherit", "Payable", 8, None, "Checkout"),
        ("inherit", "Audited", 8, None, "Checkout"),
        ("type", "Store", 9, None, "constructor"),
        ("type", "CartLine", 10, None, "pay"),
        ("type", "Receipt", 10, None, "pay"),
        ("member_call", "save", 12, "this.store", "pay"),
        ("new", "ShopCart", 12, None, "pay"),
        ("member_call", "submit", 15, "ui", "pay"),
        ("call", "toCents", 15, None, "pay"),
        ("type", "ShopCart", 18, None, "total"),
        ("call", "sum", 18, None, "total"),
    } <= got
    # type parameter T, parameter cb, console, Promise, Array's push, `super()`: no references
    assert not {n for _, n, *_ in got} & {"T", "cb", "console", "log", "Promise", "push", "super"}
    # a declaration's own name is no use of it
    assert ("type", "Checkout", 8, None, "Checkout") not in got


def test_tsx_renders_components_not_intrinsic_elements() -> None:
    source = """
    import { Button } from "@shop/ui";
    export function Page({ title }: PageProps) {
      return <div><Button label={title} /><ui.Card></ui.Card></div>;
    }
    """
    got = rows("tsx", source)
    assert ("call", "Button", 3, None, "Page") in got
    assert ("call", "Card", 3, "ui", "Page") in got
    assert ("type", "PageProps", 2, None, "Page") in got
    assert "div" not in names("tsx", source)


def test_javascript_commonjs_and_classes() -> None:
    source = """
    const { formatPrice, toCents } = require("./currency");
    class Ledger extends events.Emitter {
      open(entry) { entry(); return formatPrice(new Money(1)); }
    }
    """
    assert imports("javascript", source) >= {("formatPrice", "./currency", None), ("toCents", "./currency", None),
                                              ("currency", "./currency", None)}
    got = rows("javascript", source)
    assert {("inherit", "Emitter", 2, "events", "Ledger"), ("call", "formatPrice", 3, None, "open"),
            ("new", "Money", 3, None, "open")} <= got
    assert "entry" not in names("javascript", source)


GO = _sample("go")


def test_go_references() -> None:
    assert imports("go", GO) == {("fmt", "fmt", None), ("billing", "example.com/shop/billing", "bl"),
                                 ("orders", "example.com/shop/orders/v2", None)}
    got = rows("go", GO)
    assert {
        ("type", "Store", 10, "bl", "Server"),
        ("inherit", "Base", 11, "bl", "Server"),
        ("inherit", "Logger", 12, None, "Server"),
        ("type", "Server", 15, None, "Handle"),
        ("type", "Item", 15, None, "Handle"),
        ("type", "Total", 15, "bl", "Handle"),
        ("member_call", "NewInvoice", 17, "bl", "Handle"),
        ("member_call", "flush", 19, "s", "Handle"),
        ("type", "Server", 19, None, "Handle"),
    } <= got
    assert not names("go", GO) & {"cb", "len", "Println", "error", "int"}


def test_go_reads_a_value_of_an_imported_package_not_a_field() -> None:
    got = rows("go", """
        package gateway

        import (
            "errors"
            "example.com/shop/billing"
            m "example.com/shop/money"
        )

        func handle(req Request) error {
            if errors.Is(err, billing.ErrEmptyInvoice) {
                return m.Zero
            }
            billing.Pay(req.Seq, m.Eur)
            f := billing.Handler
            return errors.New(req.Customer)
        }
    """)
    values = {row for row in got if row[0] == "constant"}
    assert values == {
        ("constant", "ErrEmptyInvoice", 10, "billing", "handle"),
        ("constant", "Zero", 11, "m", "handle"),
        ("constant", "Eur", 13, "m", "handle"),
        ("constant", "Handler", 14, "billing", "handle"),  # a function as a value
    }  # `req.Seq` is a field read, `billing.Pay` a member call, `errors.*` the standard library's
    assert ("member_call", "Pay", 13, "billing", "handle") in got


RUST = _sample("rust")


def test_rust_references() -> None:
    assert imports("rust", RUST) == {
        ("Catalog", "crate::catalog", None), ("Money", "crate::catalog::money", "Cash"),
        ("Currency", "crate::catalog::money", None), ("serde", "serde", None), ("*", "super::util", None),
    }
    got = rows("rust", RUST)
    assert {
        ("type", "Item", 5, None, "Order"),
        ("type", "Cash", 5, "shop_core", "Order"),
        ("inherit", "Display", 7, "fmt", "Order"),
        ("type", "Order", 7, None, "Order"),  # `impl ... for Order`: its methods' parent, and a use
        ("type", "Formatter", 8, None, "fmt"),
        ("new", "Catalog", 9, None, "fmt"),
        ("call", "render", 10, "helpers", "fmt"),
        ("member_call", "print", 11, "self.total", "fmt"),
        ("call", "log_line", 12, None, "fmt"),
    } <= got
    assert not names("rust", RUST) & {"T", "Vec", "println", "Ok", "Clone", "Result"}


def test_rust_path_to_an_enum_variant_or_constant() -> None:
    got = rows("rust", """
        use crate::money::{Currency, rates::Table};
        use a::b::*;

        #[tokio::main]
        fn price(c: Currency) -> Money {
            match c { Currency::Usd => 1, Currency::Gbp(x) => 2, _ => 0 };
            a::b::Rates::lookup(Table::DEFAULT);
            Money::new(1, Currency::Eur)
        }
    """)
    assert {row for row in got if row[0] == "constant"} == {
        ("constant", "Usd", 6, "Currency", "price"),
        ("constant", "Gbp", 6, "Currency", "price"),
        ("constant", "DEFAULT", 7, "Table", "price"),
        ("constant", "Eur", 8, "Currency", "price"),
    }  # no `use` path segment, no attribute path (`tokio::main`), no inner segment (`b`, `Rates`)
    assert {("call", "lookup", 7, "a::b::Rates", "price"), ("new", "Money", 8, None, "price")} <= got


JAVA = _sample("java")


def test_java_references() -> None:
    assert imports("java", JAVA) == {("Invoice", "com.example.billing", None),
                                     ("slug", "com.example.util.Strings", None), ("*", "com.example.stock", None)}
    got = rows("java", JAVA)
    assert {
        ("type", "Service", 7, None, "Inventory"),
        ("inherit", "Base", 8, None, "Inventory"),
        ("inherit", "Audited", 8, None, "Inventory"),
        ("type", "StockLevel", 9, None, "Inventory"),
        ("type", "Invoice", 10, None, "reserve"),
        ("type", "Sku", 10, None, "reserve"),
        ("member_call", "audit", 11, "this", "reserve"),
        ("call", "helper", 12, None, "reserve"),
        ("member_call", "lookup", 13, "Warehouse", "reserve"),
        ("type", "Inner", 14, "Outer", "reserve"),
        ("new", "Inner", 14, "Outer", "reserve"),
        ("new", "Invoice", 16, None, "reserve"),
        ("call", "slug", 16, None, "reserve"),
    } <= got
    assert not names("java", JAVA) & {"T", "String", "Map", "println", "size", "Outer"}


KOTLIN = _sample("kotlin")


def test_kotlin_references() -> None:
    assert imports("kotlin", KOTLIN) == {("RateTable", "com.example.rates", None),
                                         ("Money", "com.example.money", "Cash"), ("*", "com.example.carriers", None)}
    got = rows("kotlin", KOTLIN)
    assert {
        ("type", "Serializable", 7, None, "QuoteService"),
        ("type", "RateTable", 8, None, "QuoteService"),
        ("inherit", "Base", 8, None, "QuoteService"),
        ("inherit", "Quoting", 8, None, "QuoteService"),
        ("type", "Cash", 9, None, "cheapest"),
        ("type", "ShippingQuote", 9, None, "cheapest"),
        ("member_call", "rate", 11, "rates", "cheapest"),
        ("call", "ShippingQuote", 12, None, "cheapest"),
        ("call", "transitDays", 12, None, "cheapest"),
    } <= got
    assert not names("kotlin", KOTLIN) & {"T", "pick", "Int", "println", "listOf"}


def test_kotlin_last_import_before_a_comment_is_kept() -> None:
    # The comments after the last import are children of its import_header.
    source = """
        package com.example.shipping

        import com.example.inventory.InventoryService
        import com.example.inventory.StockLevel
        // a line comment
        /** Ships an order line. */
        class Dispatcher(private val inventory: InventoryService)
    """
    assert imports("kotlin", source) == {("InventoryService", "com.example.inventory", None),
                                         ("StockLevel", "com.example.inventory", None)}
    aliased = "import a.B as C /** doc */\nimport a.d.* // all\nclass X\n"
    assert imports("kotlin", aliased) == {("B", "a", "C"), ("*", "a.d", None)}


RUBY = _sample("ruby")


def test_ruby_references() -> None:
    assert imports("ruby", RUBY) == {("json", "json", None), ("version", "notifier/version", None)}
    got = rows("ruby", RUBY)
    assert {
        ("inherit", "Transport", 6, "Base", "Mailer::Smtp"),
        ("inherit", "Retryable", 7, None, "Mailer::Smtp"),
        ("constant", "LIMIT", 9, None, "deliver"),
        ("member_call", "render", 10, "message", "deliver"),
        ("new", "Invoice", 11, "Templates", "deliver"),
        ("member_call", "open", 12, "Transport", "deliver"),
        ("call", "format_line", 13, None, "deliver"),
        ("constant", "DEFAULT_FROM", 13, "Shop", "deliver"),
        ("member_call", "encode", 15, "part", "deliver"),
    } <= got
    # declared constants and the class's own name are no uses; puts and each are builtins
    assert not names("ruby", RUBY) & {"Smtp", "Shop", "Mailer", "puts", "each", "Base"}
    assert ("constant", "LIMIT", 5, None, "Shop") not in got


PERL = _sample("perl")


def test_perl_references() -> None:
    assert imports("perl", PERL) == {("Shop::Util", "Shop::Util", None), ("fmt", "Shop::Util", None),
                                     ("Data::Table", "Data::Table", None)}
    got = rows("perl", PERL)
    assert {
        ("inherit", "Shop::Base", 5, None, None),
        ("new", "Data::Table", 10, None, "render"),
        ("member_call", "header", 11, "$self", "render"),
        ("call", "fmt", 12, None, "render"),
        ("call", "total", 12, "Shop::Util", "render"),
    } <= got
    assert not names("perl", PERL) & {"strict", "warnings", "print", "parent"}


PROTO = _sample("proto")


def test_proto_references() -> None:
    assert imports("proto", PROTO) == {("timestamp", "google/protobuf/timestamp.proto", None),
                                       ("money", "shop/common/money.proto", None)}
    assert {row for row in rows("proto", PROTO) if row[0] != "import"} == {
        ("type", "Item", 7, None, "Order"),
        ("type", "Money", 8, "shop.common", "Order"),
        ("type", "Line", 9, None, "Order"),
        ("type", "GetOrder", 12, None, "Get"),
        ("type", "Order", 12, None, "Get"),
    }


# -- the record


def test_columns_count_characters_and_point_at_the_name() -> None:
    source = "x = 'héllo→'; ünïcode = wörld(1); y = Ärger.go()\n"
    got = extract_references("python", source)
    line = source.splitlines()[0]
    assert [(r.name, r.kind) for r in got] == [("wörld", "call"), ("go", "member_call")]
    for r in got:
        assert line[r.column :].startswith(r.name)
    assert got[1].receiver == "Ärger"


def test_constructor_position_is_the_type_name() -> None:
    source = "fn main() {\n    let c = shop::Catalog::new();\n}\n"
    (ref,) = extract_references("rust", source)
    assert (ref.kind, ref.name, ref.receiver, ref.line) == ("new", "Catalog", "shop", 2)
    assert source.splitlines()[1][ref.column :].startswith("Catalog")


def test_str_and_bytes_and_shared_tree_agree() -> None:
    for fixture in FIXTURES:
        spec = language_for(fixture)
        assert spec is not None
        data = (HERE / "fixtures" / fixture).read_bytes()
        got = extract_references(spec.name, data)
        assert got == extract_references(spec.name, data.decode("utf-8"))
        padded = data if data.endswith(b"\n") else data + b"\n"
        assert got == references_in_tree(spec.name, parser_for(spec.name).parse(padded).root_node, padded)
        assert got == sorted(got, key=lambda r: (r.line, r.column, r.kind, r.name))


def test_row_follows_the_columns() -> None:
    ref = Reference("Invoice", 3, 4, "import", None, None, "./billing", "Inv")
    assert ref.to_row("web/src/a.ts") == ["web/src/a.ts", 3, 4, "Invoice", "import", None, None, "./billing", "Inv"]


def test_every_language_has_a_query_and_unknown_ones_have_none() -> None:
    for spec in LANGUAGES:
        assert query_for(spec.name).pattern_count > 0
    assert extract_references("cobol", b"CALL 'X'.") == []


# -- bad input


@pytest.mark.parametrize("language, source", _ADVERSARIAL)
def test_adversarial_input_never_raises(language: str, source: bytes) -> None:
    got = extract_references(language, source)
    assert got == sorted(got, key=lambda r: (r.line, r.column, r.kind, r.name))
    for r in got:
        assert r.name and r.name.isprintable() and r.kind in KINDS
        assert r.line >= 1 and r.column >= 0


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([spec.name for spec in LANGUAGES]), st.binary(max_size=300))
def test_random_bytes_never_raise(language: str, source: bytes) -> None:
    for r in extract_references(language, source):
        assert r.name and r.kind in KINDS


def test_broken_file_keeps_what_parsed() -> None:
    source = "def ok():\n    billing.charge(1)\n\ndef broken(:\n    pass\n\ndef after():\n    notify()\n"
    got = {(r.name, r.enclosing) for r in extract_references("python", source)}
    assert ("charge", "ok") in got
    assert ("notify", "after") in got


# -- across packages: the example monorepo


def _defined(package: str) -> set[str]:
    out: set[str] = set()
    for path in sorted((POLYGLOT / package).rglob("*")):
        spec = language_for(path.name)
        if spec is not None and path.is_file():
            out |= {s.name for s in extract_source(spec.name, path.read_bytes()).symbols}
    return out


def _used(package: str, subdir: str = "") -> dict[str, set[tuple[str, str | None]]]:
    """name -> {(file, receiver or module)} of every reference in the package."""
    out: dict[str, set[tuple[str, str | None]]] = {}
    for path in sorted((POLYGLOT / package / subdir).rglob("*")):
        spec = language_for(path.name)
        if spec is None or not path.is_file():
            continue
        for r in extract_references(spec.name, path.read_bytes()):
            out.setdefault(r.name, set()).add((path.name, r.module or r.receiver))
    return out


@pytest.mark.parametrize("consumer, provider, expected", [
    # web imports formatPrice from @shop/legacy-js (its npm dependency)
    ("frontend/packages/web", "frontend/packages/legacy-js", {"formatPrice"}),
    # the Rust CLI uses the core crate's catalog and money types
    ("crates/cli", "crates/core", {"Catalog", "Currency", "Money"}),
    # the OAuth plugin issues tokens with shop_auth's TokenIssuer
    ("libs/auth/plugins/oauth", "libs/auth/shop_auth", {"TokenIssuer"}),
])
def test_cross_package_references(consumer: str, provider: str, expected: set[str]) -> None:
    used = _used(consumer)
    assert expected <= used.keys() & _defined(provider)


def test_web_reaches_ui_and_legacy_only_through_imports() -> None:
    used = _used("frontend/packages/web", "src")
    assert ("cart.ts", "@shop/legacy-js") in used["formatPrice"]
    # The names web uses that only ui defines are exactly the components ProductList.tsx
    # imports from @shop/ui.
    web_defined = _defined("frontend/packages/web")
    assert {n for n in used.keys() & _defined("frontend/packages/ui") if n not in web_defined} == {
        "Button", "ProductCard"}
    assert ("ProductList.tsx", "@shop/ui") in used["Button"] and ("ProductList.tsx", "@shop/ui") in used["ProductCard"]


def test_go_gateway_calls_billing_through_its_import() -> None:
    refs_ = extract_references("go", (POLYGLOT / "services/gateway/server.go").read_bytes())
    billing = {r.module for r in refs_ if r.kind == "import" and r.name == "billing"}
    assert billing == {"example.com/shop/billing"}
    via_billing = {r.name for r in refs_ if r.receiver == "billing"}
    assert via_billing and via_billing <= _defined("services/billing")
