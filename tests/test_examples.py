"""The shipped examples, run for real: examples/pipeline/dodo.py composes the
index of examples/polyglot into a downstream task, through doit's public API.

Every run writes its doit state, DB and report under tmp_path; the shipped
example tree is only ever read (edits happen in a copy).
"""
from __future__ import annotations

import importlib.util
import io
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

import pytest
from doit import doit_cmd
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

from .indexing import RecordingReporter, Run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
POLYGLOT = EXAMPLES / "polyglot"
PIPELINE = EXAMPLES / "pipeline"
JAVA = "jvm/inventory/src/main/java/com/example/shop/inventory"
KOTLIN = "jvm/shipping/src/main/kotlin/com/example/shop/shipping/ShippingQuote.kt"

PACKAGE_TASKS = {
    "index:" + key
    for key in (
        "crates/cli", "crates/core", "frontend", "frontend/packages/legacy-js", "frontend/packages/ui",
        "frontend/packages/web", "libs/auth", "libs/auth/plugins/oauth", "libs/payments",
        "services/billing", "services/gateway", "jvm", "jvm/inventory", "jvm/shipping",
        "tools/perl-report", "gems/notifier", "@unowned",
    )
}


def load_pipeline() -> ModuleType:
    # A fresh module object per test under a unique name: doit's own dodo loader
    # would import "dodo" through sys.modules and could get another dodo.py.
    spec = importlib.util.spec_from_file_location("symidx_example_pipeline_dodo", PIPELINE / "dodo.py")
    module = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the repo tree
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return module


class Pipeline:
    def __init__(self, tmp: Path, root: Path | None = None):
        (tmp / "state").mkdir()
        self.db = tmp / "state" / ".symidx" / "index.db"
        self.report = tmp / "state" / "api-report.md"
        self.args = [f"db={self.db}", f"report={self.report}"]
        if root is not None:
            self.args.append(f"root={root}")
        # As doit does for a dodo.py: the command-line variables are set before
        # it is imported (its DOIT_CONFIG names the DB's dep file).
        doit_cmd.reset_vars()
        for arg in self.args:
            doit_cmd.set_var(*arg.split("=", 1))
        self.module = load_pipeline()

    def run(self, *extra: str) -> tuple[set[str], set[str]]:
        """Run the default tasks; returns (executed, up to date) task names, as
        doit reported them to the reporter."""
        out, run = io.StringIO(), Run(0)
        self.module.DOIT_CONFIG.update(outfile=out, reporter=RecordingReporter(out, run))
        code = DoitMain(ModuleTaskLoader(self.module), config_filenames=()).run([*extra, *self.args])
        assert code == 0, out.getvalue()
        return set(run.executed), set(run.uptodate)


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def entry(kind: str, name: str, rel: str, needle: str, root: Path = POLYGLOT) -> str:
    return f"- {kind} `{name}` — {rel}:{line_of(root / rel, needle)}"


def snapshot(directory: Path) -> dict[str, int]:
    return {
        str(p.relative_to(directory)): p.stat().st_mtime_ns
        for p in sorted(directory.rglob("*"))
    }


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    # A relative path that slipped through would land in tmp_path, not in the repo.
    monkeypatch.chdir(tmp_path)
    # doit keeps command-line variables in a module global: restore it afterwards
    # so this test's db=/root= cannot leak into later tests' get_var().
    monkeypatch.setattr(doit_cmd, "_CMDLINE_VARS", doit_cmd._CMDLINE_VARS)
    return tmp_path


def test_pipeline_indexes_the_shipped_example_and_reports_its_api(isolated):
    before = snapshot(EXAMPLES)
    pipeline = Pipeline(isolated)  # root= not given: the dodo resolves ../polyglot itself

    executed, _ = pipeline.run("-n", "2")
    assert executed == PACKAGE_TASKS | {"index:merge", "api_report"}
    report = pipeline.report.read_text("utf-8")

    # One entry per public symbol, `kind name — file:line`, across the languages.
    for expected in (
        entry("function", "process_payment", "libs/payments/shop_payments/processor.py", "def process_payment("),
        entry("method", "TokenIssuer.__init__", "libs/auth/shop_auth/tokens.py", "def __init__(self, secret"),
        entry("method", "SessionStore.create", "libs/auth/shop_auth/sessions.py", "async def create("),
        entry("constant", "MAX_RETRIES", "libs/payments/shop_payments/processor.py", "MAX_RETRIES ="),
        entry("function", "NewInvoice", "services/billing/invoice.go", "func NewInvoice("),
        entry("method", "Invoice.MarkPaid", "services/billing/invoice.go", "func (inv *Invoice) MarkPaid("),
        entry("interface", "Store", "services/billing/invoice.go", "type Store interface"),
        entry("constant", "DefaultDueDays", "services/billing/invoice.go", "const DefaultDueDays"),
        entry("function", "apply_discount", "crates/core/src/lib.rs", "pub fn apply_discount("),
        entry("method", "Catalog.upsert", "crates/core/src/catalog.rs", "pub fn upsert("),
        entry("trait", "Priced", "crates/core/src/lib.rs", "pub trait Priced"),
        entry("class", "Cart", "frontend/packages/web/src/cart.ts", "export class Cart"),
        entry("method", "Cart.addItem", "frontend/packages/web/src/cart.ts", "addItem(sku"),
        entry("enum", "CartStatus", "frontend/packages/web/src/cart.ts", "export enum CartStatus"),
        entry("function", "ProductCard", "frontend/packages/ui/src/ProductCard.tsx", "export default function"),
        entry("function", "formatPrice", "frontend/packages/legacy-js/lib/currency.js", "function formatPrice("),
        entry("rpc", "OrderService.PlaceOrder", "services/gateway/proto/orders.proto", "rpc PlaceOrder("),
        entry("method", "InventoryService.reserve", f"{JAVA}/InventoryService.java", "reserve(String sku"),
        entry("record", "StockLevel", f"{JAVA}/StockLevel.java", "public record StockLevel"),
        entry("method", "QuoteService.cheapest", KOTLIN, "fun cheapest("),
        entry("function", "Report.daily_totals", "tools/perl-report/lib/Report.pm", "sub daily_totals"),
        entry("method", "Message.deliver", "gems/notifier/lib/notifier.rb", "def deliver("),
        entry("function", "deploy", "scripts/deploy.py", "def deploy("),
    ):
        assert expected in report, expected

    # Private, restricted, test and generated code is not API.
    for hidden in ("_round", "formatNumber", "round_half_even", "is_refund", "notify", "parseJson",
                   "TestNewInvoiceRejectsEmpty", "test_round_trip", "GetId", "_rotate", "classFor",
                   "restock", "clearCache", "transitDays", "_totals_sql", "send_email"):
        assert f"`{hidden}`" not in report and f".{hidden}`" not in report, hidden

    # Per package: name, kind, version, path, internal dependencies.
    assert "## shop-payments\n\npython package, version 1.2.0, at `libs/payments`; " \
           "internal dependencies: shop-auth\n" in report  # a Poetry path dependency
    assert "## shop-core\n\ncargo package, version 0.7.2, at `crates/core`\n" in report  # version.workspace
    assert "## example.com/shop/gateway\n\ngo package, version (none), at `services/gateway`; " \
           "internal dependencies: example.com/shop/billing\n" in report
    assert "at `frontend/packages/web`; internal dependencies: @shop/legacy-js, @shop/ui\n" in report
    assert "at `crates/cli`; internal dependencies: shop-core\n" in report
    assert "at `libs/auth/plugins/oauth`; internal dependencies: shop-auth\n" in report
    # Gradle -> Maven by coordinates; the Maven child inherits groupId and version from its parent.
    assert "## shipping\n\ngradle package, version 1.4.0, at `jvm/shipping`; " \
           "internal dependencies: com.example.shop:inventory\n" in report
    assert "## com.example.shop:inventory\n\nmaven package, version 1.4.0, at `jvm/inventory`\n" in report
    assert "## notifier\n\nruby package, version 0.3.2, at `gems/notifier`\n" in report
    assert "## perl-report\n\nperl package, version (none), at `tools/perl-report`\n" in report
    # The nested package owns its files: they are not listed under shop-auth.
    auth = report.split("## shop-auth\n", 1)[1].split("\n## ", 1)[0]
    assert "exchange_code" not in auth and "verify_token" in auth
    # scripts/ and docs/ belong to no package: their symbols come last, in their own section.
    outside = report.split("\n## Files outside any package\n", 1)[1]
    assert entry("function", "deploy", "scripts/deploy.py", "def deploy(") in outside
    assert "\n## " not in outside

    # Nothing changed: neither the merge nor the report runs again.
    mtime = pipeline.report.stat().st_mtime_ns
    executed, uptodate = pipeline.run()
    assert executed == set()
    assert {"index:merge", "api_report"} | PACKAGE_TASKS <= uptodate
    assert pipeline.report.stat().st_mtime_ns == mtime

    assert snapshot(EXAMPLES) == before, "running the example must not write into the repo tree"


def test_editing_one_package_reruns_only_its_task_the_merge_and_the_report(isolated):
    root = isolated / "polyglot"
    shutil.copytree(POLYGLOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    # Ignored by the example's .gitignore: never indexed.
    (root / "generated").mkdir()
    (root / "generated" / "client.py").write_text("def generated_client():\n    pass\n")
    (root / "services" / "billing" / "debug.log").write_text("started\n")
    pipeline = Pipeline(isolated, root)

    executed, _ = pipeline.run()
    assert executed == PACKAGE_TASKS | {"index:merge", "api_report"}
    conn = sqlite3.connect(pipeline.db.as_uri() + "?mode=ro", uri=True)
    files = {p for (p,) in conn.execute("SELECT path FROM files")}
    conn.close()
    assert "scripts/deploy.py" in files and "services/billing/invoice_test.go" in files
    assert not {"generated/client.py", "services/billing/debug.log"} & files
    assert "generated_client" not in pipeline.report.read_text("utf-8")

    # A new exported Go function in billing: billing, the merge and the report re-run.
    tax = root / "services" / "billing" / "tax.go"
    with tax.open("a", encoding="utf-8") as f:
        f.write("\n// ZeroRated reports whether a country charges no VAT.\n"
                "func ZeroRated(country string) bool {\n\treturn RateFor(country).IsZero()\n}\n")
    bump_mtime(tax)
    executed, _ = pipeline.run()
    assert executed == {"index:services/billing", "index:merge", "api_report"}
    assert entry("function", "ZeroRated", "services/billing/tax.go", "func ZeroRated(", root) \
        in pipeline.report.read_text("utf-8")

    # A nested package is its own task: editing it leaves the enclosing one alone.
    provider = root / "libs" / "auth" / "plugins" / "oauth" / "shop_auth_oauth" / "provider.py"
    provider.write_text(provider.read_text("utf-8").replace("def exchange_code(", "def exchange_auth_code("))
    bump_mtime(provider)
    executed, _ = pipeline.run()
    assert executed == {"index:libs/auth/plugins/oauth", "index:merge", "api_report"}
    report = pipeline.report.read_text("utf-8")
    assert "`exchange_auth_code`" in report and "`exchange_code`" not in report

    # Same content, new mtime: doit compares checksums, so nothing runs.
    bump_mtime(provider)
    executed, _ = pipeline.run()
    assert executed == set()


def bump_mtime(path: Path) -> None:
    # Strictly later than anything doit recorded, whatever the clock granularity.
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
