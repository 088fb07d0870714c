"""Rust extraction: `pub` items (visibility as written), their public members, impl and trait methods."""
from .golden import by_parent_and_name, check_golden


def symbols(src: str) -> dict[tuple[str | None, str], dict]:
    return by_parent_and_name("rust", src)


def test_function_signature_parameters_and_return_type():
    s = symbols(
        "/// Docs.\n#[inline]\npub fn process_payment(amount: f64, currency: &str) -> Result<Receipt, Error> {\n    todo!()\n}\n"
    )[(None, "process_payment")]
    assert s["kind"] == "function"
    assert s["signature"] == "pub fn process_payment(amount: f64, currency: &str) -> Result<Receipt, Error>"
    assert s["parameters"] == [["amount", "f64"], ["currency", "&str"]]
    assert s["return_type"] == "Result<Receipt, Error>"
    assert (s["line"], s["end_line"], s["visibility"]) == (3, 5, "pub")


def test_non_pub_items_are_excluded_and_pub_visibility_is_recorded_as_written():
    got = symbols(
        "fn private() {}\npub fn a() {}\npub(crate) fn b() {}\npub(super) struct C;\npub(in crate::x) enum D {}\n"
    )
    assert {k[1]: s["visibility"] for k, s in got.items()} == {
        "a": "pub",
        "b": "pub(crate)",
        "C": "pub(super)",
        "D": "pub(in crate::x)",
    }


def test_item_kinds_and_signatures():
    got = symbols(
        "#[derive(Debug)]\npub struct Server<T> where T: Send {\n    x: T,\n}\n"
        "pub trait Handler: Send {}\npub enum E { A }\npub union U { a: u8 }\n"
        "pub type Alias<T> = Vec<T>;\npub const MAX: usize = 10;\npub static mut N: u32 = 0;\n"
        "pub mod m;\n"
    )
    assert {k[1]: (s["kind"], s["signature"]) for k, s in got.items() if k[0] is None} == {
        "Server": ("struct", "pub struct Server<T> where T: Send"),
        "Handler": ("trait", "pub trait Handler: Send"),
        "E": ("enum", "pub enum E"),
        "U": ("struct", "pub union U"),
        "Alias": ("type", "pub type Alias<T> = Vec<T>"),
        "MAX": ("constant", "pub const MAX: usize = 10"),
        "N": ("constant", "pub static mut N: u32 = 0"),
        "m": ("module", "pub mod m"),
    }


def test_multi_line_initialiser_is_left_out_of_the_signature():
    s = symbols('pub static NAMES: &[&str] = &[\n    "a",\n];\n')[(None, "NAMES")]
    assert s["signature"] == "pub static NAMES: &[&str]"


def test_where_clause_stays_in_a_function_signature():
    s = symbols("pub fn f<T>(x: T) -> T\nwhere\n    T: Clone,\n{\n    x\n}\n")[(None, "f")]
    assert s["signature"] == "pub fn f<T>(x: T) -> T where T: Clone"


def test_public_fields_and_every_variant_hang_from_their_type():
    got = symbols(
        "pub struct S {\n    pub a: u8,\n    pub(crate) b: u8,\n    c: u8,\n}\n"
        "pub struct T(pub u64, String);\n"
        "pub(crate) enum Status {\n    Pending,\n    Paid(Receipt),\n    Failed { code: u16 },\n    Unknown = 9,\n}\n"
    )
    members = {k: (s["kind"], s["signature"], s["visibility"]) for k, s in got.items() if k[0]}
    assert members == {
        ("S", "a"): ("field", "pub a: u8", "pub"),
        ("S", "b"): ("field", "pub(crate) b: u8", "pub(crate)"),
        ("T", "0"): ("field", "pub u64", "pub"),
        ("Status", "Pending"): ("variant", "Pending", "pub(crate)"),
        ("Status", "Paid"): ("variant", "Paid(Receipt)", "pub(crate)"),
        ("Status", "Failed"): ("variant", "Failed", "pub(crate)"),
        ("Status", "Unknown"): ("variant", "Unknown = 9", "pub(crate)"),
    }


def test_inherent_impl_pub_methods_hang_from_the_bare_type_name():
    got = symbols(
        "impl<T: Clone> crate::net::Server<T> {\n"
        "    pub fn new(name: String) -> Self { todo!() }\n"
        "    pub(crate) async fn start(&mut self, ctx: &Context) -> Result<(), Error> { Ok(()) }\n"
        "    pub fn boxed(self: Box<Self>) {}\n"
        "    pub const PORT: u16 = 80;\n"
        "    fn private(&self) {}\n"
        "}\n"
    )
    assert {k: (s["kind"], s["visibility"]) for k, s in got.items()} == {
        ("Server", "new"): ("method", "pub"),
        ("Server", "start"): ("method", "pub(crate)"),
        ("Server", "boxed"): ("method", "pub"),
        ("Server", "PORT"): ("constant", "pub"),
    }
    start = got[("Server", "start")]
    assert start["parameters"] == [["ctx", "&Context"]]  # the receiver is no parameter
    assert start["signature"] == "pub(crate) async fn start(&mut self, ctx: &Context) -> Result<(), Error>"
    assert got[("Server", "boxed")]["parameters"] == []


def test_trait_impl_methods_are_public_through_the_trait():
    got = symbols(
        "impl fmt::Display for Foo {\n    type Error = ();\n"
        "    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { Ok(()) }\n}\n"
        "impl<'a> From<&'a str> for &'a mut Bar<'a> {\n    fn from(s: &'a str) -> Self { todo!() }\n}\n"
    )
    assert {k: (s["kind"], s["visibility"]) for k, s in got.items()} == {
        ("Foo", "fmt"): ("method", "pub"),
        ("Bar", "from"): ("method", "pub"),
    }
    assert got[("Foo", "fmt")]["signature"] == "fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result"


def test_trait_items_take_the_visibility_of_their_trait():
    got = symbols(
        "pub trait Handler {\n    type Output;\n    const NAME: &'static str;\n"
        "    fn handle(&self, req: Request) -> Self::Output;\n    fn name(&self) -> &str { Self::NAME }\n}\n"
        "pub(crate) trait Hook { fn fire(&mut self); }\n"
        "trait Private { fn hidden(&self); }\n"
    )
    members = {k: (s["kind"], s["signature"], s["visibility"]) for k, s in got.items() if k[0]}
    assert members == {
        ("Handler", "Output"): ("type", "type Output", "pub"),
        ("Handler", "NAME"): ("constant", "const NAME: &'static str", "pub"),
        ("Handler", "handle"): ("method", "fn handle(&self, req: Request) -> Self::Output", "pub"),
        ("Handler", "name"): ("method", "fn name(&self) -> &str", "pub"),
        ("Hook", "fire"): ("method", "fn fire(&mut self)", "pub(crate)"),
    }


def test_inline_pub_modules_are_entered_and_private_ones_are_not():
    got = symbols(
        "pub mod api {\n    pub fn version() {}\n    fn internal() {}\n"
        "    pub(super) mod v1 {\n        pub struct Request;\n    }\n}\n"
        "mod private {\n    pub fn invisible() {}\n}\n"
    )
    assert set(got) == {(None, "api"), ("api", "version"), ("api", "v1"), ("v1", "Request")}


def test_only_macro_export_macros_are_symbols():
    got = symbols(
        "#[macro_export]\n/// Docs.\nmacro_rules! charge {\n    ($a:expr) => { $a };\n}\n"
        "macro_rules! local_only {\n    () => {};\n}\n"
    )
    assert {k: (s["kind"], s["signature"], s["visibility"]) for k, s in got.items()} == {
        (None, "charge"): ("macro", "macro_rules! charge", "pub"),
    }


def test_pub_items_of_extern_blocks_are_functions():
    got = symbols('extern "C" {\n    pub fn hook(code: i32) -> i32;\n    fn hidden();\n}\n')
    assert {k: (s["kind"], s["signature"]) for k, s in got.items()} == {
        (None, "hook"): ("function", "pub fn hook(code: i32) -> i32"),
    }


def test_pattern_parameters_keep_their_pattern_as_name():
    s = symbols("pub fn f(mut x: i32, (a, b): (u8, u8), _: u8) {}\n")[(None, "f")]
    assert s["parameters"] == [["x", "i32"], ["(a, b)", "(u8, u8)"], ["_", "u8"]]
    assert s["return_type"] is None


def test_items_inside_function_bodies_are_not_symbols():
    assert set(symbols("pub fn f() {\n    pub struct Inner;\n    impl Inner { pub fn g() {} }\n}\n")) == {(None, "f")}


def test_symbols_around_a_syntax_error_survive():
    got = check_golden("rust", "rust_broken.rs")
    assert {"before", "Config", "broken_body", "load", "after", "LIMIT"} <= {s["name"] for s in got}
