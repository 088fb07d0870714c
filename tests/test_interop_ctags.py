"""`export_ctags`: the example index as a tags file, read back with universal-ctags' own `readtags`."""
from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from symidx_tasks import query as q
from symidx_tasks.interop.ctags import escape_name, escape_value, export_ctags
from symidx_tasks.pipeline.build import build

from .trees import write_tree

READTAGS = shutil.which("readtags")


def readtags(tags: Path, *args: str) -> list[dict[str, str]]:
    """Tags as readtags parses them: name, file, address and every extension field
    (values re-escaped by readtags -E, so one line per tag whatever they hold)."""
    assert READTAGS, "readtags is missing: install universal-ctags (Debian package universal-ctags)"
    out = subprocess.run([READTAGS, "-t", str(tags), "-E", "-e", "-n", *args],
                         capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        name, file, address, *fields = line.split("\t")
        tag = {"name": name, "file": file, "address": address}
        for f in fields:
            key, _, value = f.partition(":")
            tag[key] = value
        found.append(tag)
    return found


@pytest.fixture(scope="module")
def tags(example_db: Path, example_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tags file meant for the root of the indexed tree (paths relative to it),
    kept outside the tree, which other tests read as indexed."""
    path = tmp_path_factory.mktemp("ctags") / "tags"
    conn = q.open_index(example_db)
    with open(path, "w", encoding="utf-8") as out:
        stats = export_ctags(conn, out, tags_dir=example_root)
    conn.close()
    assert stats.skipped == 0
    return path


def test_readtags_finds_a_function_at_its_file_and_line(tags: Path, example_root: Path) -> None:
    [tag] = readtags(tags, "process_payment")
    assert tag["file"] == "libs/payments/shop_payments/processor.py"
    assert tag["address"] == '35;"'
    assert (tag["kind"], tag["line"], tag["language"]) == ("function", "35", "Python")
    assert tag["signature"] == "def process_payment(amount: Decimal, currency: str) -> Receipt"
    assert tag["typeref"] == "typename:Receipt"
    assert tag["package"] == "libs/payments"
    # What an editor opens: the file, relative to the tags file's directory, at the definition.
    source = (example_root / tag["file"]).read_text().splitlines()
    assert source[34].startswith("def process_payment(")


KOTLIN = "jvm/shipping/src/main/kotlin/com/example/shop/shipping/ShippingQuote.kt"


@pytest.mark.parametrize(("name", "file", "scope"), [
    ("Total", "services/billing/invoice.go", ("struct", "Invoice")),
    ("rate", KOTLIN, ("interface", "RateTable")),
    ("withFlatRate", KOTLIN, ("object", "Companion")),
    ("Eur", "crates/core/src/lib.rs", ("enum", "Currency")),
    ("PlaceOrder", "services/gateway/proto/orders.proto", ("service", "OrderService")),
])
def test_members_carry_their_parent_as_scope(tags: Path, name: str, file: str, scope: tuple[str, str]) -> None:
    [tag] = readtags(tags, name)
    assert tag["file"] == file
    assert tag[scope[0]] == scope[1]


def test_a_method_scoped_to_a_type_in_another_file_of_its_package(tags: Path, conn: sqlite3.Connection) -> None:
    # Go methods may live apart from their type; the scope kind is looked up in the package.
    rows = conn.execute(
        "SELECT m.name, m.file_path, t.kind FROM symbols m JOIN symbols t"
        " ON t.name = m.parent_symbol AND t.package = m.package AND t.file_path != m.file_path"
        " WHERE m.language = 'go' AND NOT EXISTS (SELECT 1 FROM symbols u WHERE u.name = m.parent_symbol"
        " AND u.file_path = m.file_path)").fetchall()
    for name, file, kind in rows:
        assert any(t["file"] == file and kind in t for t in readtags(tags, name))


def test_every_symbol_is_found_by_binary_search(tags: Path, conn: sqlite3.Connection) -> None:
    """readtags searches a sorted file by bisection: every name found means the order is right."""
    expected = sorted((r[0], r[1], str(r[2])) for r in conn.execute("SELECT name, file_path, line FROM symbols"))
    names = sorted({name for name, _, _ in expected})
    found = sorted((t["name"], t["file"], t["line"]) for t in readtags(tags, *names))
    assert found == expected
    listed = readtags(tags, "-l")
    assert len(listed) == len(expected)


def test_lines_are_in_byte_order_as_vim_expects(tags: Path) -> None:
    lines = tags.read_bytes().splitlines()
    assert lines == sorted(lines)
    pseudo = [line for line in lines if line.startswith(b"!_")]
    assert lines[:len(pseudo)] == pseudo


def test_prefix_match_and_filter(tags: Path, conn: sqlite3.Connection) -> None:
    cart = sorted(t["name"] for t in readtags(tags, "-p", "Cart"))
    assert cart == sorted(r[0] for r in conn.execute("SELECT name FROM symbols WHERE name GLOB 'Cart*'"))
    assert {"Cart", "CartLine", "CartStatus"} <= set(cart)
    structs = sorted(t["name"] for t in readtags(tags, "-Q", '(eq? $kind "struct")', "-l"))
    assert structs == sorted(r[0] for r in conn.execute("SELECT name FROM symbols WHERE kind = 'struct'"))
    auth = {t["name"] for t in readtags(tags, "-Q", '(eq? ($ "package") "libs/auth")', "-l")}
    assert {"TokenIssuer", "SessionStore"} <= auth
    methods = sorted(t["name"] for t in readtags(tags, "-Q", '(eq? ($ "struct") "Invoice")', "-l"))
    assert methods == ["Customer", "DueDate", "IssuedAt", "Lines", "MarkPaid", "Number", "Total"]


def test_pseudo_tags(tags: Path, example_root: Path) -> None:
    assert READTAGS
    out = subprocess.run([READTAGS, "-t", str(tags), "-D"], capture_output=True, text=True, check=True).stdout
    pseudo: dict[str, list[str]] = {}
    for line in out.splitlines():
        name, value, *_ = line.split("\t")
        pseudo.setdefault(name, []).append(value)
    assert pseudo["!_TAG_FILE_FORMAT"] == ["2"]
    assert pseudo["!_TAG_FILE_SORTED"] == ["1"]
    assert pseudo["!_TAG_OUTPUT_EXCMD"] == ["number"]
    assert pseudo["!_TAG_PROGRAM_NAME"] == ["symidx"]
    assert pseudo["!_TAG_PROC_CWD"] == [example_root.resolve().as_posix() + "/"]
    assert {"c,class", "f,function", "F,method"} <= set(pseudo["!_TAG_KIND_DESCRIPTION!Python"])
    assert "s,struct" in pseudo["!_TAG_KIND_DESCRIPTION!Go"]
    assert "package" in pseudo["!_TAG_FIELD_DESCRIPTION"]


def test_paths_relative_to_another_directory_or_absolute(example_db: Path, example_root: Path,
                                                         tmp_path: Path) -> None:
    conn = q.open_index(example_db)
    elsewhere, absolute = tmp_path / "tags", tmp_path / "tags-abs"
    with open(elsewhere, "w") as out:
        export_ctags(conn, out, tags_dir=tmp_path)
    with open(absolute, "w") as out:
        export_ctags(conn, out, tags_dir=tmp_path, absolute=True)
    conn.close()
    [rel] = readtags(elsewhere, "process_payment")
    assert not Path(rel["file"]).is_absolute()
    assert (tmp_path / rel["file"]).resolve() == example_root / "libs/payments/shop_payments/processor.py"
    [abs_] = readtags(absolute, "process_payment")
    assert abs_["file"] == (example_root / "libs/payments/shop_payments/processor.py").as_posix()


def test_special_characters_survive_a_readtags_round_trip(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "tree", {
        "pyproject.toml": '[project]\nname = "esc"\nversion = "1"\n',
        "esc/m.py": 'def back(sep="\\\\", q="x\\ty"):\n    pass\n\ndef plain():\n    pass\n',
    })
    db = tmp_path / "index.db"
    assert build(root, db, jobs=1, out=io.StringIO()) == 0
    # Values no extractor writes today (a tab, a line break, a leading "!") but a tags file must carry.
    with sqlite3.connect(db) as rw:
        rw.execute("UPDATE symbols SET name = '!plain', signature = 'a' || char(9) || 'b' || char(10) || 'c'"
                   " WHERE name = 'plain'")
    conn = q.open_index(db)
    with open(root / "tags", "w") as out:
        export_ctags(conn, out, tags_dir=root)
    conn.close()
    [back] = readtags(root / "tags", "back")
    written = 'def back(sep="\\\\", q="x\\ty")'
    assert back["signature"] == escape_value(written) == 'def back(sep="\\\\\\\\", q="x\\\\ty")'
    [bang] = readtags(root / "tags", "!plain")
    assert bang["signature"] == "a\\tb\\nc" and bang["line"] == "4"
    assert READTAGS
    pseudo = subprocess.run([READTAGS, "-t", str(root / "tags"), "-D"], capture_output=True, text=True).stdout
    assert "plain" not in pseudo  # a tag starting with "!" is not mistaken for a pseudo-tag


def test_escaping_rules() -> None:
    assert escape_value("a\tb\\c\r\n\x01\x7f") == "a\\tb\\\\c\\r\\n\\x01\\x7F"
    assert escape_name("!x") == "\\x21x" and escape_name(" x") == "\\x20x" and escape_name("x!") == "x!"
