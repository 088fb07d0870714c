"""Every extractor survives what real repositories contain: bytes that are no
source, broken and cut-off files, and nesting deep enough to break recursion."""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from symidx_tasks.extract.languages import LANGUAGES
from symidx_tasks.extract.source import extract_source

from .golden import FIXTURES, HERE, language_of

_DEEP = 3000

# Not source in any language; each extractor gets every one of them.
_ANY_LANGUAGE = {
    "empty": b"",
    "nul": b"\x00\x00\x00",
    "garbage": b"\xff\xfe\xfa garbage { } ) ( ;;",
    "garbage-end": b"\xff\xfe\xfa garbage end end ) ( ;;",
    "garbage-close-first": b"\xff\xfe\xfa garbage } { ) ( ;;",
    "nul-garbage": b"\x00\xff\xfe }{ ((( garbage",
}
# Almost source: a NUL or a Latin-1 byte in a name, a declaration cut short, absurd nesting.
_ONE_LANGUAGE = [
    ("java", "latin1", b"public class \xe9t\xe9 { public void caf\xe9() {} }"),
    ("java", "broken", b"public class A { public void m( { \x00 }"),
    ("java", "deep-blocks", b"public class A { void m() {" + b"{" * _DEEP + b"}" * _DEEP + b"} }"),
    ("kotlin", "latin1", b"class \xe9t\xe9 { fun caf\xe9() {} }"),
    ("kotlin", "broken", b"class A { fun m( { \x00 }"),
    ("kotlin", "deep-blocks", b"fun m() {" + b"run {" * _DEEP + b"}" * _DEEP + b"}"),
    ("kotlin", "deep-one-line", b"class A {" * _DEEP + b"}" * _DEEP),
    ("ruby", "latin1", b"class Caf\xe9\n  def \xe9t\xe9; end\nend\n"),
    ("ruby", "broken", b"class A\n  def m(\x00\nend\n"),
    ("ruby", "deep-expression", b"def m\n" + b"[" * _DEEP + b"]" * _DEEP + b"\nend\n"),
    ("perl", "latin1", b"package Caf\xe9;\nsub \xe9t\xe9 { }\n"),
    ("perl", "broken", b"package A;\nsub m(\x00 {\n"),
    ("perl", "deep-body", b"sub m {" + b"{" * _DEEP + b"}" * _DEEP + b"}"),
    ("go", "nul-in-name", b"package p\nfunc F\x00() {}\n"),
    ("go", "latin-1", "package p\nfunc Caf\u00e9() {}\nvar \u00c9t\u00e9 = 1\n".encode("latin-1")),
    ("go", "deep-blocks", b"package p\nfunc F() {" + b"{" * _DEEP + b"}" * _DEEP + b"}\n"),
    ("go", "deep-structs", b"package p\ntype T " + b"struct { A " * _DEEP + b"int" + b" }" * _DEEP + b"\n"),
    ("rust", "nul-in-name", b"pub fn f\x00() {}\n"),
    ("rust", "latin-1", "pub fn caf\u00e9() {}\npub struct \u00c9t\u00e9;\n".encode("latin-1")),
    ("rust", "deep-blocks", b"pub fn f() {" + b"{" * _DEEP + b"}" * _DEEP + b"}\n"),
    ("rust", "deep-modules", b"pub mod m {" * _DEEP + b"pub fn f() {}" + b"}" * _DEEP + b"\n"),
    ("proto", "nul-in-name", b"message M\x00 { string id = 1; }\n"),
    ("proto", "latin-1", "message Caf\u00e9 { string \u00e9t\u00e9 = 1; }\n".encode("latin-1")),
    ("proto", "deep-messages", b"message M {" * _DEEP + b"string id = 1;" + b"}" * _DEEP + b"\n"),
    ("proto", "many-streams", b"service S { rpc Get(" + b"stream " * _DEEP + b"R) returns (R); }\n"),
]
_ADVERSARIAL = [
    pytest.param(language, source, id=f"{language}-{name}")
    for language, name, source in [
        *((spec.name, name, source) for spec in LANGUAGES for name, source in _ANY_LANGUAGE.items()),
        *_ONE_LANGUAGE,
    ]
]


def _assert_well_formed(language: str, source: bytes) -> None:
    symbols = extract_source(language, source).symbols
    assert isinstance(symbols, list)
    for s in symbols:
        assert s.name and s.signature


@pytest.mark.parametrize("language, source", _ADVERSARIAL)
def test_adversarial_input_never_raises(language: str, source: bytes) -> None:
    _assert_well_formed(language, source)


def _chain(names: list[str], leaf: str) -> list[tuple[str | None, str]]:
    """(parent, name) of each of ``names`` nested in the one before, then ``leaf`` in the last."""
    return list(zip([None, *names], [*names, leaf]))


_TS_DEPTH = 1200
_PYTHON_DEPTH = 300


@pytest.mark.parametrize(
    "language, source, expected",
    [
        pytest.param(
            "java", b"public class A {" * _DEEP + b"}" * _DEEP, _chain(["A"] * (_DEEP - 1), "A"), id="java"
        ),
        # the grammar wants declarations in a class body on lines of their own
        pytest.param(
            "kotlin", b"class A {\n" * _DEEP + b"}\n" * _DEEP, _chain(["A"] * (_DEEP - 1), "A"), id="kotlin"
        ),
        pytest.param(
            "ruby", b"module A\n" * _DEEP + b"end\n" * _DEEP, _chain(["A"] * (_DEEP - 1), "A"), id="ruby"
        ),
        pytest.param(
            "perl",
            b"{\n" * _DEEP + b"package Deep;\nsub deep { }\n" + b"}\n" * _DEEP,
            [(None, "Deep"), ("Deep", "deep")],
            id="perl",
        ),
        pytest.param(
            "python",
            (
                "".join("    " * i + f"class C{i}:\n" for i in range(_PYTHON_DEPTH))
                + "    " * _PYTHON_DEPTH
                + "def m(self): pass\n"
            ).encode(),
            _chain([f"C{i}" for i in range(_PYTHON_DEPTH)], "m"),
            id="python",
        ),
        pytest.param(
            "typescript",
            (
                "".join(f"export namespace N{i} {{ " for i in range(_TS_DEPTH))
                + "export const X = 1;"
                + " }" * _TS_DEPTH
            ).encode(),
            # one line: symbols on the same line come in order of their parent's name
            sorted(_chain([f"N{i}" for i in range(_TS_DEPTH)], "X"), key=lambda p: (p[0] or "", p[1])),
            id="typescript",
        ),
    ],
)
def test_deep_nesting_is_read_without_recursion(
    language: str, source: bytes, expected: list[tuple[str | None, str]]
) -> None:
    symbols = extract_source(language, source).symbols
    assert [(s.parent, s.name) for s in symbols] == expected


def _fixture(name: str) -> tuple[str, bytes]:
    return language_of(name), (HERE / "fixtures" / name).read_bytes()


@pytest.mark.parametrize("fixture", FIXTURES)
def test_every_truncation_of_a_fixture_extracts_named_symbols(fixture: str) -> None:
    language, source = _fixture(fixture)
    for cut in range(0, len(source), 3):
        _assert_well_formed(language, source[:cut])


# java_payments.java once gave a nameless "method" for a slice starting inside
# a class; extract_source now drops nameless symbols for every language.
@pytest.mark.parametrize("fixture", FIXTURES)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_slice_of_a_fixture_extracts_named_symbols(fixture: str, data: st.DataObject) -> None:
    language, source = _fixture(fixture)
    start, stop = sorted(data.draw(st.integers(0, len(source))) for _ in range(2))
    _assert_well_formed(language, source[start:stop])


def test_perl_without_final_newline_does_not_hang() -> None:
    # tree-sitter-perl's scanner loops forever in C on `sub#` at end of input:
    # run it in a child so a regression fails this test instead of hanging CI.
    code = (
        "from symidx_tasks.extract.source import extract_source;"
        "print(extract_source('perl', b'sub#').has_error);"
        "print(extract_source('perl', b'package A;\\nsub go {}\\nsub #').symbols[0].name)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "A"]
