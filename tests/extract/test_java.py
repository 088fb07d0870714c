"""Java extraction: public types and members, with signatures as declared."""
from __future__ import annotations

from .golden import check_golden, symbols_of


def by_name(source: str) -> dict[str, dict]:
    return {s["name"]: s for s in symbols_of("java", source.encode())}


def test_syntax_error_keeps_the_surrounding_symbols():
    got = check_golden("java", "java_broken.java")
    assert {"Broken", "before", "after", "Level", "LOW", "HIGH"} <= {s["name"] for s in got}


def test_only_public_members_of_public_types_are_reported():
    symbols = by_name(
        """
        public class Api {
            public void shown() {}
            protected void prot() {}
            void packagePrivate() {}
            private void hidden() {}
            private static class Inner { public void unreachable() {} }
        }
        class Internal { public void unreachable2() {} }
        """
    )
    assert sorted(symbols) == ["Api", "shown"]


def test_interface_members_are_implicitly_public_except_private_ones():
    symbols = by_name(
        """
        public interface Repo<T> {
            T find(long id);
            default int size() { return 0; }
            private void helper() {}
            String NAME = "repo";
            enum Mode { READ }
        }
        """
    )
    assert sorted(symbols) == ["Mode", "NAME", "READ", "Repo", "find", "size"]
    assert symbols["find"]["parent"] == "Repo"
    assert symbols["NAME"]["kind"] == "constant"
    assert symbols["Mode"]["parent"] == "Repo"


def test_method_signature_excludes_annotations_and_keeps_throws():
    symbols = by_name(
        """
        public class Payments {
            @Override
            @Deprecated(since = "2")
            public static Receipt processPayment(@NonNull BigDecimal amount, String currency) throws PaymentException {
                return null;
            }
        }
        """
    )
    method = symbols["processPayment"]
    assert method["signature"] == (
        "public static Receipt processPayment(BigDecimal amount, String currency) throws PaymentException"
    )
    assert method["parameters"] == [["amount", "BigDecimal"], ["currency", "String"]]
    assert method["return_type"] == "Receipt"
    assert method["kind"] == "method"
    assert method["parent"] == "Payments"
    assert method["visibility"] == "public"
    assert method["line"] == 5  # the line of `public`, not of the annotations above it


def test_generics_and_constructors():
    symbols = symbols_of(
        "java",
        b"""
        public class Box<T extends Comparable<T>> {
            public Box(T value) {}
            public <R> Map<String, List<R>> group(Function<? super T, R> key) { return null; }
        }
        """,
    )
    box, constructor, group = symbols
    assert (box["kind"], box["signature"]) == ("class", "public class Box<T extends Comparable<T>>")
    assert (constructor["name"], constructor["kind"], constructor["parent"]) == ("Box", "method", "Box")
    assert constructor["signature"] == "public Box(T value)"
    assert constructor["return_type"] is None
    assert group["signature"] == "public <R> Map<String, List<R>> group(Function<? super T, R> key)"
    assert group["return_type"] == "Map<String, List<R>>"
    assert group["parameters"] == [["key", "Function<? super T, R>"]]


def test_varargs_parameter_is_typed_with_dots():
    (method,) = [
        s for s in symbols_of("java", b"public class A { public void log(String fmt, Object... args) {} }")
        if s["name"] == "log"
    ]
    assert method["parameters"] == [["fmt", "String"], ["args", "Object..."]]


def test_public_static_final_fields_are_constants_other_public_fields_are_fields():
    symbols = by_name(
        """
        public class Limits {
            public static final int MAX = 3, MIN = 1;
            public static int counter;
            public final String name = "x";
            private static final int HIDDEN = 0;
        }
        """
    )
    assert {n: s["kind"] for n, s in symbols.items() if n != "Limits"} == {
        "MAX": "constant",
        "MIN": "constant",
        "counter": "field",
        "name": "field",
    }
    assert symbols["MIN"]["signature"] == "public static final int MIN = 1"
    assert symbols["counter"]["return_type"] == "int"


def test_multiline_initializer_is_left_out_of_the_signature():
    symbols = by_name(
        """
        public class Config {
            public static final List<String> NAMES = List.of(
                "a", "b");
        }
        """
    )
    assert symbols["NAMES"]["signature"] == "public static final List<String> NAMES"


def test_enum_constants_records_and_annotation_types():
    symbols = symbols_of(
        "java",
        b"""
        public enum Color { RED, GREEN; public String hex() { return ""; } }
        public record Point(int x, int y) { public Point { } }
        public @interface Audited { String value() default ""; }
        """,
    )
    got = [(s["name"], s["kind"], s["parent"], s["signature"], s["parameters"]) for s in symbols]
    assert got == [
        ("Color", "enum", None, "public enum Color", []),
        ("GREEN", "constant", "Color", "GREEN", []),
        ("RED", "constant", "Color", "RED", []),
        ("hex", "method", "Color", "public String hex()", []),
        ("Point", "record", None, "public record Point(int x, int y)", [["x", "int"], ["y", "int"]]),
        ("Point", "method", "Point", "public Point", [["x", "int"], ["y", "int"]]),
        ("Audited", "interface", None, "public @interface Audited", []),
        ("value", "method", "Audited", "String value()", []),
    ]


def test_nested_types_have_their_enclosing_type_as_parent():
    symbols = by_name(
        """
        public class Outer {
            public static class Middle {
                public interface Inner { void run(); }
            }
        }
        """
    )
    assert symbols["Middle"]["parent"] == "Outer"
    assert symbols["Inner"]["parent"] == "Middle"
    assert symbols["run"]["parent"] == "Inner"


def test_members_of_anonymous_and_local_classes_are_not_reported():
    symbols = by_name(
        """
        public class A {
            public Runnable r = new Runnable() { public void run() {} };
            public void m() { class Local { public void x() {} } }
        }
        """
    )
    assert sorted(symbols) == ["A", "m", "r"]
