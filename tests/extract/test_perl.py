"""Perl extraction: packages, their subs and constants."""
from __future__ import annotations

from .golden import check_golden, symbols_of


def perl(source: str) -> list[dict]:
    return symbols_of("perl", source.encode())


def brief(source: str) -> list[tuple]:
    return [(s["name"], s["kind"], s["parent"]) for s in perl(source)]


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
