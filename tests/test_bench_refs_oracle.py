"""bench/refs_oracle.py on a handmade tree: the oracles find the known edges, the
comparison counts exactly (no network; the TypeScript part only with node and
the cached typescript package)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.refs_oracle import (
    OracleUnavailable,
    Ref,
    compare,
    default_node_dir,
    ensure_typescript,
    main,
    scope,
    ts_opinions,
)
from bench.refs_oracle_py import Opinion, PythonOracle

FILES = {
    "shop/pyproject.toml": '[project]\nname = "shop"\nversion = "1.0"\n',
    "shop/src/shop/__init__.py": "from .money import Money\nfrom .tax import rate as tax_rate\n",
    "shop/src/shop/money.py": """from decimal import Decimal


def tagged(fn):
    return fn


class Money:
    def __init__(self, cents):
        self.cents = Decimal(cents)

    def add(self, other):
        return Money(self.cents + other.cents)

    def double(self):
        return self.add(self)


@tagged
def zero():
    return Money(0)
""",
    "shop/src/shop/tax.py": """from . import money
from .money import zero as nothing


def rate(amount):
    total = money.Money(amount)
    return money.Money.add(total, nothing())
""",
    "app/pyproject.toml": '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["shop"]\n',
    "app/app/__init__.py": "",
    "app/app/main.py": """import os.path
import shop.money as m
from shop import Money, tax_rate


def run(zero):
    a = Money(1)
    b = m.zero()
    tax_rate(a)
    os.path.join("a", str(b))
    return zero()
""",
    "web/a/package.json": '{"name": "@tiny/a", "version": "1.0.0", "main": "src/index.ts"}\n',
    "web/a/src/util.ts": "export function helper(x: number): number {\n  return x;\n}\n\n"
                         "export class Box {\n  open(): void {}\n}\n",
    "web/a/src/index.ts": 'export { helper } from "./util";\n',
    "web/b/package.json": '{"name": "@tiny/b", "version": "1.0.0", "dependencies": {"@tiny/a": "1.0.0"}}\n',
    "web/b/src/main.ts": """import { Box } from "../../a/src/util";
import { helper as h } from "@tiny/a";

const box: Box = new Box();
box.open();
h(1);
setTimeout(() => h(2), 1);
""",
}
MONEY, TAX, MAIN = "shop/src/shop/money.py", "shop/src/shop/tax.py", "app/app/main.py"
CLASS, ADD, ZERO, RATE = (MONEY, 8, 8), (MONEY, 12, 12), (MONEY, 19, 20), (TAX, 5, 5)  # zero: decorator to def

# Every use the Python oracle resolves into the tree: (file, line, col) -> (name, kind, definition).
PY_EDGES = {
    (MAIN, 3, 17): ("Money", "import", CLASS),
    (MAIN, 3, 24): ("tax_rate", "import", RATE),  # through shop/__init__'s `rate as tax_rate`
    (MAIN, 7, 8): ("Money", "name-call", CLASS),
    (MAIN, 8, 10): ("zero", "attr-call", ZERO),  # `import shop.money as m`; m.zero()
    (MAIN, 9, 4): ("tax_rate", "name-call", RATE),
    ("shop/src/shop/__init__.py", 1, 19): ("Money", "import", CLASS),
    ("shop/src/shop/__init__.py", 2, 17): ("rate", "import", RATE),
    (MONEY, 13, 15): ("Money", "name-call", CLASS),
    (MONEY, 16, 20): ("add", "self-call", ADD),
    (MONEY, 19, 1): ("tagged", "name", (MONEY, 4, 4)),
    (MONEY, 21, 11): ("Money", "name-call", CLASS),
    (TAX, 2, 19): ("zero", "import", ZERO),
    (TAX, 6, 18): ("Money", "attr-call", CLASS),  # `from . import money`; money.Money(...)
    (TAX, 7, 17): ("Money", "attr", CLASS),
    (TAX, 7, 23): ("add", "attr-call", ADD),  # money.Money.add
    (TAX, 7, 34): ("nothing", "name-call", ZERO),
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel, text in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def _python_opinions(tree: Path) -> dict[tuple[str, int, int], Opinion]:
    files = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*.py"))
    oracle = PythonOracle(tree, files)
    found: dict[tuple[str, int, int], Opinion] = {}
    for file in files:
        found.update(oracle.opinions(file))
    return found


def test_python_oracle_finds_the_known_edges(tree: Path) -> None:
    opinions = _python_opinions(tree)
    edges = {k: (o.name, o.kind, o.targets[0]) for k, o in opinions.items() if o.targets}
    assert edges == PY_EDGES
    assert all(len(o.targets) <= 1 for o in opinions.values())


def test_python_oracle_knows_what_names_no_symbol_of_the_tree(tree: Path) -> None:
    """An outside module's names, builtins, parameters and locals: an opinion with no target;
    a module (`m`, `money`) or an attribute of a local (`self.cents`): no opinion."""
    opinions = _python_opinions(tree)
    empty = {(k[1], k[2]): o.name for k, o in opinions.items() if k[0] == MAIN and not o.targets}
    assert empty == {(9, 13): "a", (10, 4): "os", (10, 7): "path", (10, 12): "join", (10, 22): "str",
                     (10, 26): "b", (11, 11): "zero"}
    assert (MONEY, 1, 20) in opinions and opinions[(MONEY, 1, 20)].targets == ()  # from decimal import Decimal
    assert (MAIN, 8, 8) not in opinions and (TAX, 6, 12) not in opinions
    assert (MONEY, 10, 21) in opinions and (MONEY, 10, 13) not in opinions


def test_compare_counts_precision_and_recall_exactly() -> None:
    edge = "a.py"
    opinions = {
        (edge, 1, 0): Opinion("f", "name-call", (("b.py", 3, 4),)),  # found through an import (1 of 2 targets)
        (edge, 2, 0): Opinion("g", "name", (("b.py", 10, 10),)),  # symidx: another symbol
        (edge, 3, 0): Opinion("h", "name", (("b.py", 30, 30),)),  # symidx: no reference there
        (edge, 4, 0): Opinion("k", "name", (("b.py", 40, 40),)),  # definition symidx does not index
        (edge, 5, 0): Opinion("x", "name", ()),  # names no symbol of the tree
    }
    refs = {
        (edge, 1, 0): Ref("f", "call", [("b.py", 4, "import"), ("c.py", 1, "import")]),
        (edge, 2, 0): Ref("g", "call", [("b.py", 20, "package")]),
        (edge, 4, 0): Ref("k", "call", []),
        (edge, 5, 0): Ref("x", "call", [("z.py", 1, "name")]),
        (edge, 9, 0): Ref("y", "call", [("z.py", 2, "name")]),  # no opinion: not judged
    }
    symbols = {("b.py", 4), ("b.py", 10), ("b.py", 20), ("b.py", 30), ("c.py", 1), ("z.py", 1), ("z.py", 2)}
    res = compare(opinions, refs, lambda k, o: bool(o.targets), symbols)
    rules = res["rules"]
    assert rules["all"] == {"judged": 3, "agree": 1, "precision": 0.3333, "targets": 4,
                            "target_precision": 0.25, "found": 1, "recall": 0.25}
    assert rules["import"] == {"judged": 1, "agree": 1, "precision": 1.0, "targets": 2,
                               "target_precision": 0.5, "found": 1, "recall": 0.25}
    assert rules["package"] == {"judged": 1, "agree": 0, "precision": 0.0, "targets": 1,
                                "target_precision": 0.0, "found": 0, "recall": 0.0}
    assert rules["name"]["judged"] == 1 and rules["name"]["precision"] == 0.0
    assert rules["dependency"] == {"judged": 0, "agree": 0, "precision": None, "targets": 0,
                                   "target_precision": None, "found": 0, "recall": 0.0}
    assert res["edges"] == 4 and res["opinions"] == 5
    assert res["missed"] == {"other targets": 1, "no reference": 1, "definition not a symbol": 1}
    assert res["recall_of_symbols"] == 0.3333
    assert res["recall_by_kind"] == {"name": [0, 3, 0.0], "name-call": [1, 1, 1.0]}
    assert res["recall_by_scope"] == {"other file": [1, 4, 0.25]}
    assert res["wrong_examples"]["name"] == ["a.py:5:0 x (name): oracle no symbol of the tree; symidx z.py:1"]
    assert scope((edge, 1, 0), Opinion("f", "name", ((edge, 7, 7),))) == "same file"


def test_main_builds_the_index_and_reports(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "index.db"
    assert main([str(tree), "--lang", "python", "--db", str(db), "--jobs", "1", "--json"]) == 0
    out = capsys.readouterr().out
    res = json.loads(out[out.index("{"):])["python"]
    assert res["edges"] == len(PY_EDGES)
    assert 0 < res["rules"]["all"]["found"] <= len(PY_EDGES)
    assert res["rules"]["all"]["judged"] > 0
    assert main([str(tree), "--lang", "python", "--db", str(db), "--reuse"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("| language | rule |") and "| python | import |" in table


def _typescript() -> Path:
    try:
        return ensure_typescript(default_node_dir(), install=False)
    except OracleUnavailable as exc:
        pytest.skip(str(exc))


def test_typescript_oracle_finds_the_known_edges(tree: Path) -> None:
    node_dir = _typescript()
    util, main_ts = "web/a/src/util.ts", "web/b/src/main.ts"
    files = ["web/a/src/index.ts", util, main_ts]
    asked = {(main_ts, 7, 0): Ref("setTimeout", "call", [("x.ts", 1, "name")])}
    paths = {"@tiny/a": ["web/a"], "@tiny/a/*": ["web/a/*"]}
    opinions = ts_opinions(tree, files, asked, paths, node_dir)
    helper, box = (util, 1, 1), (util, 5, 5)
    assert {k: (o.name, o.kind, o.targets) for k, o in opinions.items()} == {
        ("web/a/src/index.ts", 1, 9): ("helper", "import", (helper,)),
        (main_ts, 1, 9): ("Box", "import", (box,)),
        (main_ts, 2, 9): ("helper", "import", (helper,)),  # through @tiny/a's main, index.ts's re-export
        (main_ts, 4, 11): ("Box", "type", (box,)),
        (main_ts, 4, 21): ("Box", "name-call", (box,)),
        (main_ts, 5, 4): ("open", "member-call", ((util, 6, 6),)),
        (main_ts, 6, 0): ("h", "name-call", (helper,)),
        (main_ts, 7, 17): ("h", "name-call", (helper,)),
        (main_ts, 7, 0): ("setTimeout", "name-call", ()),  # asked: a TS lib global
    }
