"""Kotlin extraction: everything not private, internal or protected."""
from __future__ import annotations

from .golden import check_golden, symbols_of


def kotlin(source: str) -> list[dict]:
    return symbols_of("kotlin", source.encode())


def named(symbols: list[dict], name: str) -> dict:
    (symbol,) = [s for s in symbols if s["name"] == name]
    return symbol


def test_syntax_error_keeps_the_surrounding_symbols():
    got = check_golden("kotlin", "kotlin_broken.kt")
    assert {"before", "Broken", "ok", "after", "AfterAll", "last"} <= {s["name"] for s in got}


def test_private_internal_and_protected_declarations_are_left_out():
    symbols = kotlin(
        """
        class Api {
            fun shown() {}
            public fun explicit() {}
            protected fun prot() {}
            internal fun inner() {}
            private fun hidden() {}
        }
        private class Hidden { fun unreachable() {} }
        internal object Tools { fun unreachable2() {} }
        private val secret = 1
        """
    )
    assert [s["name"] for s in symbols] == ["Api", "shown", "explicit"]
    assert {s["visibility"] for s in symbols} == {"public"}


def test_top_level_function_versus_method():
    symbols = kotlin(
        """
        fun top(a: Int, b: String = "x"): Boolean = true
        class Service { suspend fun load(id: Long): List<Item>? { return null } }
        """
    )
    top, service, load = symbols
    assert (top["kind"], top["parent"]) == ("function", None)
    assert top["signature"] == 'fun top(a: Int, b: String = "x"): Boolean'
    assert top["parameters"] == [["a", "Int"], ["b", "String"]]
    assert top["return_type"] == "Boolean"
    assert (load["kind"], load["parent"]) == ("method", "Service")
    assert load["signature"] == "suspend fun load(id: Long): List<Item>?"
    assert load["return_type"] == "List<Item>?"


def test_extension_function_keeps_its_receiver_in_the_signature():
    (slugify,) = kotlin("fun String.slugify(): String = lowercase()")
    assert (slugify["name"], slugify["kind"]) == ("slugify", "function")
    assert slugify["signature"] == "fun String.slugify(): String"
    assert slugify["parameters"] == []


def test_class_kinds():
    symbols = kotlin(
        """
        data class D(val x: Int)
        sealed class S
        enum class E { A, B }
        annotation class Ann
        interface I
        fun interface F { fun run() }
        object O
        """
    )
    kinds = {s["name"]: s["kind"] for s in symbols}
    assert kinds == {
        "D": "class",
        "x": "field",
        "S": "class",
        "E": "enum",
        "A": "constant",
        "B": "constant",
        "Ann": "class",
        "I": "interface",
        "F": "interface",
        "run": "method",
        "O": "object",
    }
    assert named(symbols, "A")["parent"] == "E"


def test_companion_objects_are_named_companion_unless_named():
    symbols = kotlin(
        """
        class A {
            companion object {
                fun make(): A = A()
            }
        }
        class B {
            companion object Factory
        }
        """
    )
    companion = named(symbols, "Companion")
    assert (companion["kind"], companion["parent"], companion["signature"]) == ("object", "A", "companion object")
    assert named(symbols, "make")["parent"] == "Companion"
    assert named(symbols, "Factory")["parent"] == "B"


def test_primary_constructor_val_and_var_parameters_are_fields():
    symbols = kotlin(
        "class Point(val x: Int, var y: Int = 0, z: Int, private val w: Int, @field:Json val tag: String)"
    )
    point = named(symbols, "Point")
    assert point["parameters"] == [["x", "Int"], ["y", "Int"], ["z", "Int"], ["w", "Int"], ["tag", "String"]]
    fields = {(s["name"], s["signature"], s["return_type"]) for s in symbols if s["kind"] == "field"}
    assert fields == {("x", "val x: Int", "Int"), ("y", "var y: Int", "Int"), ("tag", "val tag: String", "String")}
    assert {s["parent"] for s in symbols if s["kind"] == "field"} == {"Point"}


def test_properties_constants_and_type_aliases():
    symbols = kotlin(
        """
        const val MAX = 3
        val name: String = "a"
        var counter = 0
        val String.lastChar: Char get() = this[length - 1]
        val big = listOf(
            1,
        )
        typealias Handler<T> = (T) -> Unit
        object Config { const val KEY = "k"; val mode = "m" }
        """
    )
    got = {s["name"]: (s["kind"], s["signature"], s["return_type"]) for s in symbols}
    assert got == {
        "MAX": ("constant", "const val MAX = 3", None),
        "name": ("variable", 'val name: String = "a"', "String"),
        "counter": ("variable", "var counter = 0", None),
        "lastChar": ("variable", "val String.lastChar: Char", "Char"),
        "big": ("variable", "val big", None),
        "Handler": ("type", "typealias Handler<T> = (T) -> Unit", None),
        "Config": ("object", "object Config", None),
        "KEY": ("constant", 'const val KEY = "k"', None),
        "mode": ("field", 'val mode = "m"', None),
    }


def test_annotations_and_comments_are_not_part_of_signatures():
    symbols = kotlin(
        """
        @Service
        class Api @Inject constructor(private val repo: Repo) {
            @Throws(IOException::class)
            fun load(
                @PathVariable id: Long, // the key
                vararg tags: String,
                block: suspend () -> Unit,
            ): @Ann Item? = null
        }
        """
    )
    api, load = symbols
    assert api["signature"] == "class Api constructor(private val repo: Repo)"
    assert api["line"] == 3
    assert load["signature"] == "fun load(id: Long, vararg tags: String, block: suspend () -> Unit): Item?"
    assert load["line"] == 5
    assert load["parameters"] == [["id", "Long"], ["tags", "vararg String"], ["block", "suspend () -> Unit"]]
    assert load["return_type"] == "Item?"


def test_secondary_constructor_is_a_method_named_after_its_class():
    symbols = kotlin("class A(val x: Int) { constructor(s: String) : this(s.length) }")
    constructor = [s for s in symbols if s["kind"] == "method"]
    assert [(s["name"], s["parent"], s["signature"], s["parameters"], s["return_type"]) for s in constructor] == [
        ("A", "A", "constructor(s: String)", [["s", "String"]], None)
    ]
