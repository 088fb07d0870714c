"""Python extraction: public module-level names, public class members, UPPER_CASE constants."""
import keyword

from hypothesis import given, settings, strategies as st

from .golden import by_parent_and_name, check_golden, symbols_of


def symbols(src: str) -> dict[tuple[str | None, str], dict]:
    return by_parent_and_name("python", src)


def test_broken_fixture_keeps_the_symbols_around_the_error():
    got = check_golden("python", "python_broken.py")
    assert {s["name"] for s in got} >= {"before", "Survivor", "method", "LIMIT"}


def test_underscore_names_are_private_at_module_and_class_level():
    got = symbols(
        "def public(): pass\n"
        "def _private(): pass\n"
        "class _Hidden:\n    def visible_in_hidden(self): pass\n"
        "class Shown:\n"
        "    def method(self): pass\n"
        "    def _helper(self): pass\n"
        "    def __repr__(self): return ''\n"
        "    def __init__(self): pass\n"
    )
    assert set(got) == {(None, "public"), (None, "Shown"), ("Shown", "method"), ("Shown", "__init__")}
    assert got[("Shown", "__init__")]["kind"] == "method"
    assert got[(None, "public")]["kind"] == "function"


def test_init_is_a_method_but_not_a_module_level_function():
    assert (None, "__init__") not in symbols("def __init__(): pass\n")


def test_parameters_keep_stars_and_annotations_and_drop_markers_and_self():
    s = symbols(
        "class C:\n"
        "    def m(self, a, b: int = 1, /, c: 'X' = 2, *args: str, d, e: list[int], **kw: Any) -> dict[str, int]:\n"
        "        pass\n"
    )[("C", "m")]
    assert s["parameters"] == [
        ["a", None], ["b", "int"], ["c", "'X'"], ["*args", "str"], ["d", None], ["e", "list[int]"], ["**kw", "Any"]
    ]
    assert s["return_type"] == "dict[str, int]"
    assert s["signature"] == (
        "def m(self, a, b: int = 1, /, c: 'X' = 2, *args: str, d, e: list[int], **kw: Any) -> dict[str, int]"
    )


def test_bare_star_separator_is_dropped():
    s = symbols("def f(a, *, b): pass\n")[(None, "f")]
    assert s["parameters"] == [["a", None], ["b", None]]


def test_cls_is_dropped_from_classmethods_but_self_stays_in_module_functions():
    got = symbols("class C:\n    @classmethod\n    def make(cls, n): pass\ndef f(self, x): pass\n")
    assert got[("C", "make")]["parameters"] == [["n", None]]
    assert got[(None, "f")]["parameters"] == [["self", None], ["x", None]]


def test_decorators_are_not_in_the_signature_and_the_line_is_the_def():
    got = symbols("@app.route('/x')\n@other\nasync def handler(request) -> Response:\n    pass\n"
                  "class C:\n    @property\n    def size(self) -> int: return 1\n")
    handler = got[(None, "handler")]
    assert handler["signature"] == "async def handler(request) -> Response"
    assert (handler["line"], handler["end_line"]) == (3, 4)
    assert got[("C", "size")]["kind"] == "method"
    assert got[("C", "size")]["signature"] == "def size(self) -> int"


def test_multiline_definitions_become_one_line_signatures():
    s = symbols("def f(\n    a: int,\n    b: dict[\n        str, int\n    ],\n) -> None:\n    pass\n")[(None, "f")]
    assert s["signature"] == "def f(a: int, b: dict[str, int]) -> None"
    assert s["parameters"] == [["a", "int"], ["b", "dict[str, int]"]]


def test_nested_classes_have_the_enclosing_class_as_parent():
    got = symbols("class Outer:\n    class Inner:\n        def m(self): pass\n    class _Hidden:\n        def n(self): pass\n")
    assert set(got) == {(None, "Outer"), ("Outer", "Inner"), ("Inner", "m")}
    assert got[("Outer", "Inner")]["kind"] == "class"


def test_upper_case_assignments_are_constants_with_the_whole_assignment_as_signature():
    got = symbols(
        "MAX_RETRIES = 3\n"
        "TIMEOUT: float = 2.5\n"
        "LIMIT: Final[int] = 1\n"
        "DECLARED: int\n"
        "HOST, PORT = 'h', 1\n"
        "A = B = 0\n"
        "lower = 1\n"
        "Mixed_Case = 2\n"
        "_PRIVATE = 3\n"
        "T = TypeVar('T')\n"
        "P = typing.ParamSpec('P')\n"
    )
    assert set(got) == {
        (None, n) for n in ("MAX_RETRIES", "TIMEOUT", "LIMIT", "DECLARED", "HOST", "PORT", "A", "B")
    }
    assert got[(None, "MAX_RETRIES")]["signature"] == "MAX_RETRIES = 3"
    assert got[(None, "TIMEOUT")]["signature"] == "TIMEOUT: float = 2.5"
    assert got[(None, "LIMIT")]["signature"] == "LIMIT: Final[int] = 1"
    assert got[(None, "PORT")]["signature"] == "HOST, PORT = 'h', 1"
    assert all(s["kind"] == "constant" for s in got.values())


def test_long_constant_values_are_cut_with_an_ellipsis():
    s = symbols("BIG = [" + ", ".join(str(i) for i in range(200)) + "]\n")[(None, "BIG")]
    assert len(s["signature"]) == 120
    assert s["signature"].startswith("BIG = [0, 1, 2")
    assert s["signature"].endswith("…")


def test_class_attributes_are_not_constants():
    assert set(symbols("class C:\n    LIMIT = 3\n")) == {(None, "C")}


def test_blocks_at_module_level_are_not_entered():
    got = symbols(
        "if TYPE_CHECKING:\n    def typed(): pass\n"
        "try:\n    FAST = True\nexcept ImportError:\n    FAST = False\n"
        "def outer():\n    def inner(): pass\n"
    )
    assert set(got) == {(None, "outer")}


def test_type_alias_statement_is_a_type():
    got = symbols("type Pair[T] = tuple[T, T]\ntype _Hidden = int\n")
    assert set(got) == {(None, "Pair")}
    assert got[(None, "Pair")]["kind"] == "type"
    assert got[(None, "Pair")]["signature"] == "type Pair[T] = tuple[T, T]"


_identifiers = st.from_regex(r"_?[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda s: not keyword.iskeyword(s))


@settings(max_examples=50, deadline=None)
@given(st.lists(_identifiers, min_size=1, max_size=8, unique=True))
def test_exactly_the_public_functions_are_extracted(names):
    src = "".join(f"def {n}(x: int) -> int:\n    return x\n\n" for n in names)
    got = symbols_of("python", src.encode())
    assert [s["name"] for s in got] == [n for n in names if not n.startswith("_")]
    for s in got:
        assert "\n" not in s["signature"]
        assert s["signature"] == f"def {s['name']}(x: int) -> int"
