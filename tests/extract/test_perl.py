"""Perl extraction: packages, their subs and constants."""
from __future__ import annotations

import pytest

from symidx_tasks.extract.source import extract_source

from .golden import HERE, check_golden, symbols_of


def perl(source: str) -> list[dict]:
    return symbols_of("perl", source.encode())


def brief(source: str) -> list[tuple]:
    return [(s["name"], s["kind"], s["parent"]) for s in perl(source)]


def test_payments_fixture_matches_golden():
    check_golden("perl", "perl_payments.pm")


def test_syntax_error_keeps_the_surrounding_symbols():
    got = check_golden("perl", "perl_broken.pl")
    assert {"Broken", "before", "broken", "After", "after"} <= {s["name"] for s in got}


def test_subs_belong_to_the_package_statement_before_them():
    assert brief(
        """
        sub script { }
        package Foo::Bar;
        sub one { }
        package Baz;
        sub two { }
        package main;
        sub three { }
        """
    ) == [
        ("script", "function", None),
        ("Foo::Bar", "package", None),
        ("one", "function", "Foo::Bar"),
        ("Baz", "package", None),
        ("two", "function", "Baz"),
        ("three", "function", None),
    ]


def test_a_package_block_ends_with_its_block_and_the_outer_package_resumes():
    assert brief(
        """
        package Outer;
        package Inner {
            sub inside { }
        }
        sub outside { }
        {
            package Scoped;
            sub scoped { }
        }
        sub after_scope { }
        """
    ) == [
        ("Outer", "package", None),
        ("Inner", "package", None),
        ("inside", "function", "Inner"),
        ("outside", "function", "Outer"),
        ("Scoped", "package", None),
        ("scoped", "function", "Scoped"),
        ("after_scope", "function", "Outer"),
    ]


def test_statement_package_spans_to_its_last_statement():
    symbols = perl("package A;\n\nsub a { }\n\n# trailing comment\npackage B;\nsub b {\n}\n\n1;\n__END__\n=pod\n")
    spans = {s["name"]: (s["line"], s["end_line"]) for s in symbols if s["kind"] == "package"}
    assert spans == {"A": (1, 3), "B": (6, 10)}


def test_underscore_subs_are_private():
    assert [s["name"] for s in perl("package P;\nsub public_one { }\nsub _private { }\n")] == ["P", "public_one"]


def test_signatures_prototypes_and_attributes_stay_in_the_signature():
    symbols = perl(
        """
        sub add($x, $y = 1, @rest) { }
        sub max2($$) { }
        sub total :lvalue { }
        sub plain {
            my ($self) = @_;
        }
        """
    )
    got = [(s["name"], s["signature"], s["parameters"]) for s in symbols]
    assert got == [
        ("add", "sub add($x, $y = 1, @rest)", [["$x", None], ["$y", None], ["@rest", None]]),
        ("max2", "sub max2($$)", []),
        ("total", "sub total :lvalue", []),
        ("plain", "sub plain", []),
    ]


def test_qualified_sub_name_belongs_to_its_package():
    (sub,) = perl("package Here;\nsub There::helper { }\n")[1:]
    assert (sub["name"], sub["parent"], sub["signature"]) == ("helper", "There", "sub There::helper")


def test_use_constant_single_and_hash_forms():
    symbols = perl(
        """
        package C;
        use constant PI => 3.14159;
        use constant LIST => (1, 2);
        use constant {
            E => 2.718,
            BIG => [1,
                2],
            _HIDDEN => 0,
        };
        """
    )
    got = [(s["name"], s["kind"], s["parent"], s["signature"], s["line"]) for s in symbols[1:]]
    assert got == [
        ("PI", "constant", "C", "use constant PI => 3.14159", 3),
        ("LIST", "constant", "C", "use constant LIST => (1, 2)", 4),
        ("E", "constant", "C", "use constant E => 2.718", 6),
        ("BIG", "constant", "C", "use constant BIG", 7),
    ]


def test_class_feature_gives_class_and_methods():
    assert brief(
        """
        use v5.38;
        use experimental 'class';
        class Point 1.0 {
            field $x :param;
            method norm($scale) { }
        }
        """
    ) == [("Point", "class", None), ("norm", "method", "Point")]


def test_a_sub_the_parser_gave_up_on_is_still_reported():
    # `pi2/400 }...` reads as the start of a regex: the second sub is left as loose tokens
    symbols = perl("package T;\nsub RG () { 400/pi2 }\nsub GR () { pi2/400 }\n")
    got = [(s["name"], s["kind"], s["parent"], s["signature"], s["line"]) for s in symbols]
    assert got == [
        ("T", "package", None, "package T", 1),
        ("RG", "function", "T", "sub RG ()", 2),
        ("GR", "function", "T", "sub GR", 3),
    ]


def test_subs_inside_sub_bodies_are_not_reported():
    assert [s["name"] for s in perl("sub outer {\n    sub inner { }\n    my $anon = sub { 1 };\n}\n")] == ["outer"]


@pytest.mark.parametrize(
    "source",
    [
        b"",
        b"\x00\x00\x00",
        b"\xff\xfe\xfa garbage } { ) ( ;;",
        b"package Caf\xe9;\nsub \xe9t\xe9 { }\n",
        b"package A;\nsub m(\x00 {\n",
        b"sub m {" + b"{" * 3000 + b"}" * 3000 + b"}",
    ],
    ids=["empty", "nul", "garbage", "latin1", "broken", "deep-body"],
)
def test_adversarial_input_never_raises(source: bytes):
    result = extract_source("perl", source)
    assert isinstance(result.symbols, list)


def test_deeply_nested_blocks_are_read_without_recursion():
    symbols = extract_source("perl", b"{\n" * 3000 + b"package Deep;\nsub deep { }\n" + b"}\n" * 3000).symbols
    assert [(s.name, s.parent) for s in symbols] == [("Deep", None), ("deep", "Deep")]


@pytest.mark.parametrize("fixture", ['perl_payments.pm', 'perl_broken.pl'])
def test_every_truncation_of_a_fixture_extracts_without_raising(fixture: str):
    source = (HERE / "fixtures" / fixture).read_bytes()
    for cut in range(0, len(source), 3):
        extract_source("perl", source[:cut])
