"""TypeScript / TSX / JavaScript extraction: exported declarations and public members."""
import pytest
from hypothesis import given, settings, strategies as st

from .golden import HERE, by_parent_and_name, symbols_of


def symbols(src: str, language: str = "typescript") -> dict[tuple[str | None, str], dict]:
    return by_parent_and_name(language, src)


@pytest.mark.parametrize("fixture", ["ts_payments.ts", "ts_ambient.d.ts"])
def test_typescript_and_tsx_grammars_agree_on_code_without_jsx(fixture):
    # The two grammars number their fields differently: the extractor must not care.
    source = (HERE / "fixtures" / fixture).read_bytes()
    assert symbols_of("tsx", source) == symbols_of("typescript", source)


def test_only_exported_declarations_are_extracted():
    got = symbols("export function shown() {}\nfunction hidden() {}\nclass Local {}\nconst x = 1;\n")
    assert set(got) == {(None, "shown")}
    assert got[(None, "shown")]["visibility"] == "export"


def test_every_kind_of_exported_declaration():
    got = symbols(
        "export async function f(a: number): Promise<void> {}\n"
        "export function* g() {}\n"
        "export abstract class A {}\n"
        "export interface I {}\n"
        "export type T = string;\n"
        "export enum E { X }\n"
        "export const enum CE { Y }\n"
        "export const C = 1;\n"
        "export let L = 2;\n"
        "export var V = 3;\n"
        "export namespace N {}\n"
        "export module M {}\n"
    )
    kinds = {name: s["kind"] for (_, name), s in got.items()}
    assert kinds == {
        "f": "function", "g": "function", "A": "class", "I": "interface", "T": "type", "E": "enum",
        "CE": "enum", "C": "constant", "L": "variable", "V": "variable", "N": "module", "M": "module",
    }
    assert got[(None, "f")]["signature"] == "export async function f(a: number): Promise<void>"
    assert got[(None, "CE")]["signature"] == "export const enum CE"


def test_overloads_are_reported_once_at_the_first_declaration():
    got = symbols_of(
        "typescript",
        b"export function f(a: string): void;\nexport function f(a: number): void;\nexport function f(a: any) {}\n"
        b"export class C {\n  m(): void;\n  m(x: number): void;\n  m(x?: number) {}\n}\n",
    )
    fs = [s for s in got if s["name"] == "f"]
    assert len(fs) == 1
    assert (fs[0]["line"], fs[0]["signature"]) == (1, "export function f(a: string): void")
    ms = [s for s in got if s["name"] == "m"]
    assert len(ms) == 1 and ms[0]["line"] == 5


def test_function_valued_constants_are_functions_with_parameters():
    got = symbols(
        "export const add = async (a: number, b = 2, ...more: number[]): Promise<number> => a + b;\n"
        "export const parse = function parseIt(text: string): number { return 1; };\n"
        "export const id = x => x;\n"
    )
    add = got[(None, "add")]
    assert add["kind"] == "function"
    assert add["signature"] == "export const add = async (a: number, b = 2, ...more: number[]): Promise<number> =>"
    assert add["parameters"] == [["a", "number"], ["b", None], ["...more", "number[]"]]
    assert add["return_type"] == "Promise<number>"
    assert got[(None, "parse")]["signature"] == "export const parse = function parseIt(text: string): number"
    assert got[(None, "id")]["parameters"] == [["x", None]]


def test_each_declarator_of_a_statement_is_its_own_symbol():
    got = symbols("export const A = 1,\n  B = 'two';\nexport const { c, d: renamed, ...rest } = make();\n")
    assert got[(None, "A")]["signature"] == "export const A = 1"
    assert got[(None, "B")]["signature"] == "export const B = 'two'"
    assert got[(None, "B")]["line"] == 2
    assert {n for (_, n) in got} == {"A", "B", "c", "renamed", "rest"}


def test_long_constants_are_cut_with_an_ellipsis():
    s = symbols("export const TABLE = [" + ", ".join(map(str, range(100))) + "];\n")[(None, "TABLE")]
    assert len(s["signature"]) == 120 and s["signature"].endswith("…")


def test_default_exports_by_name_or_as_default():
    assert set(symbols("export default function named() {}\n")) == {(None, "named")}
    assert set(symbols("export default class Named {}\n")) == {(None, "Named")}
    anonymous = symbols("export default function (a: number) {}\n")[(None, "default")]
    assert (anonymous["kind"], anonymous["parameters"]) == ("function", [["a", "number"]])
    klass = symbols("export default class { run() {} }\n")
    assert set(klass) == {(None, "default"), ("default", "run")}
    value = symbols("export default connect(mapState)(View);\n")[(None, "default")]
    assert (value["kind"], value["signature"]) == ("constant", "export default connect(mapState)(View)")


def test_default_export_of_a_local_reports_the_local_declaration_by_its_name():
    got = symbols("class Store { get(): void {} }\nexport default Store;\n")
    assert set(got) == {(None, "Store"), ("Store", "get")}
    assert got[(None, "Store")]["signature"] == "class Store"
    assert got[(None, "Store")]["visibility"] == "export"


def test_export_clause_reports_local_declarations_under_their_exported_names():
    got = symbols(
        "function helper(x: number): number { return x; }\n"
        "const value = 1, other = 2;\n"
        "import { Imported } from './elsewhere';\n"
        "export { helper, value as answer, Imported };\n"
        "export { fromThere } from './there';\n"
        "export * from './all';\n"
    )
    assert set(got) == {(None, "helper"), (None, "answer")}
    assert got[(None, "answer")]["signature"] == "const value = 1"
    assert got[(None, "helper")]["parameters"] == [["x", "number"]]


def test_a_declaration_exported_twice_is_reported_once():
    got = symbols_of("typescript", b"export class A {}\nexport default A;\nexport { A };\n")
    assert [s["name"] for s in got] == ["A"]


def test_class_members_public_only_with_the_class_as_parent():
    got = symbols(
        "export class C {\n"
        "  static readonly LIMIT = 3;\n"
        "  name: string;\n"
        "  public open = true;\n"
        "  protected prot = 1;\n"
        "  private priv = 2;\n"
        "  #hash = 3;\n"
        "  constructor(private readonly url: string, public port?: number) {}\n"
        "  get size(): number { return 1; }\n"
        "  set size(v: number) {}\n"
        "  static async *items(this: C, n: number): AsyncGenerator<number> {}\n"
        "  onClick = (e: Event): void => {};\n"
        "  protected p() {}\n"
        "  private q() {}\n"
        "  #r() {}\n"
        "}\n"
    )
    members = {name: s for (parent, name), s in got.items() if parent == "C"}
    assert set(members) == {"LIMIT", "name", "open", "constructor", "size", "items", "onClick"}
    assert members["open"]["visibility"] == "public"
    assert members["LIMIT"]["kind"] == "field"
    assert members["constructor"]["kind"] == "method"
    assert members["constructor"]["parameters"] == [["url", "string"], ["port", "number"]]
    assert members["items"]["parameters"] == [["n", "number"]]  # `this` is not a parameter
    assert members["items"]["signature"] == "static async *items(this: C, n: number): AsyncGenerator<number>"
    assert members["onClick"]["kind"] == "method"
    assert members["onClick"]["return_type"] == "void"
    sizes = [s for s in symbols_of("typescript", b"export class C { get size() { return 1 } set size(v) {} }")
             if s["name"] == "size"]
    assert [s["signature"] for s in sizes] == ["get size()", "set size(v)"]


def test_javascript_class_fields_and_private_names():
    got = symbols("export class L { #x = 1; static y = 2; z; #m() {} n() {} }\n", "javascript")
    assert set(got) == {(None, "L"), ("L", "y"), ("L", "z"), ("L", "n")}
    assert got[("L", "y")]["kind"] == "field"


def test_interface_members_are_methods_and_fields():
    got = symbols(
        "export interface I<T> extends J {\n"
        "  readonly id: string;\n"
        "  note?: string;\n"
        "  run(x: T): void;\n"
        "  run(): void;\n"
        "  [key: string]: unknown;\n"
        "  (raw: string): I<T>;\n"
        "  new (x: number): I<T>;\n"
        "}\n"
    )
    assert set(got) == {(None, "I"), ("I", "id"), ("I", "note"), ("I", "run")}
    assert got[(None, "I")]["signature"] == "export interface I<T> extends J"
    assert got[("I", "id")]["kind"] == "field"
    assert got[("I", "id")]["signature"] == "readonly id: string"
    assert got[("I", "run")]["kind"] == "method"
    assert got[("I", "run")]["parameters"] == [["x", "T"]]


def test_decorators_are_not_in_signatures_and_the_line_starts_at_export():
    got = symbols(
        "@Component({\n  selector: 'x',\n})\n"
        "export class View {\n"
        "  @Input()\n  label: string;\n"
        "  @HostListener('click') onClick(): void {}\n"
        "}\n"
        "export @sealed class Sealed {}\n"
    )
    view = got[(None, "View")]
    assert (view["signature"], view["line"]) == ("export class View", 4)
    assert got[("View", "label")]["signature"] == "label: string"
    assert got[("View", "label")]["line"] == 6
    assert got[("View", "onClick")]["signature"] == "onClick(): void"
    assert got[(None, "Sealed")]["signature"] == "export class Sealed"


def test_namespace_members_need_export_and_have_the_namespace_as_parent():
    got = symbols(
        "export namespace Outer {\n"
        "  export function f(): void {}\n"
        "  function hidden(): void {}\n"
        "  export namespace Inner { export const X = 1; }\n"
        "}\n"
        "namespace NotExported { export function g(): void {} }\n"
    )
    assert set(got) == {(None, "Outer"), ("Outer", "f"), ("Outer", "Inner"), ("Inner", "X")}
    assert got[(None, "Outer")]["kind"] == "module"


def test_declare_statements_are_public_with_declare_visibility():
    got = symbols(
        "declare function checkout(cart: Cart): Promise<Order>;\n"
        "declare namespace Lib { function init(): void; let ready: boolean; }\n"
        "declare module 'sdk' { export class Client {} }\n"
        "declare global { interface Window { sdk: unknown } }\n"
        "export declare const BUILD: string;\n"
    )
    assert got[(None, "checkout")]["visibility"] == "declare"
    assert got[(None, "checkout")]["signature"] == "declare function checkout(cart: Cart): Promise<Order>"
    assert got[("Lib", "init")]["visibility"] == "declare"
    assert ("Lib", "ready") in got
    assert got[(None, "sdk")]["kind"] == "module"
    assert got[("sdk", "Client")]["visibility"] == "export"
    assert ("global", "Window") in got and ("Window", "sdk") in got
    assert got[(None, "BUILD")]["visibility"] == "export"
    assert got[(None, "BUILD")]["signature"] == "export declare const BUILD: string"


def test_commonjs_exports():
    got = symbols(
        "exports.a = exports.b = void 0;\n"
        "function local(x) {}\n"
        "exports.a = local;\n"
        "exports.b = function (y) {};\n"
        "module.exports.c = (z) => z;\n"
        "exports.VERSION = '1';\n"
        "module.exports = { local, d: function (w) {}, e() {}, ...more };\n"
        "somethingElse.f = 1;\n",
        "javascript",
    )
    assert set(got) == {(None, n) for n in ("a", "b", "c", "VERSION", "local", "d", "e")}
    assert got[(None, "a")]["signature"] == "function local(x)"
    assert got[(None, "b")]["signature"] == "exports.b = function (y)"
    assert got[(None, "b")]["parameters"] == [["y", None]]
    assert got[(None, "c")]["kind"] == "function"
    assert got[(None, "VERSION")]["kind"] == "variable"
    assert all(s["visibility"] == "export" for s in got.values())


def test_module_exports_of_a_single_value_is_a_default_export():
    assert set(symbols("module.exports = function build(opts) {};\n", "javascript")) == {(None, "build")}
    assert set(symbols("class App {}\nmodule.exports = App;\n", "javascript")) == {(None, "App")}


def test_jsx_in_tsx_and_javascript():
    tsx = symbols("export const View = ({ a }: Props): JSX.Element => <div>{a}</div>;\n", "tsx")
    assert tsx[(None, "View")]["return_type"] == "JSX.Element"
    js = symbols("export function App() { return <App/>; }\n", "javascript")
    assert set(js) == {(None, "App")}


def test_symbols_around_a_syntax_error_survive():
    got = symbols(
        "export function before(): void {}\n"
        "export type * from './x';\n"
        "export function broken(a: number {}\n"
        "export const after = 1;\n"
    )
    assert {(None, "before"), (None, "after")} <= set(got)


_RESERVED = set("""
    abstract accessor any as asserts async await bigint boolean break case catch class const continue debugger declare
    default delete do else enum export extends false finally for from function get global if implements import in infer
    instanceof interface is keyof let module namespace never new null number object of out override package private
    protected public readonly require return satisfies set static string super switch symbol this throw true try type
    typeof undefined unique unknown using var void while with yield
""".split())
_names = st.from_regex(r"[a-zA-Z_$][a-zA-Z0-9_$]{0,8}", fullmatch=True).filter(lambda s: s not in _RESERVED)
_PARAMETERS = {"typescript": "(a: number): string", "tsx": "(a: number): string", "javascript": "(a)"}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(_names, st.booleans()), min_size=1, max_size=8, unique_by=lambda t: t[0]))
def test_exactly_the_exported_functions_are_extracted(decls):
    for language, params in _PARAMETERS.items():
        src = "".join(f"{'export ' if exported else ''}function {n}{params} {{ return ''; }}\n" for n, exported in decls)
        got = symbols_of(language, src.encode())
        assert [s["name"] for s in got] == [n for n, exported in decls if exported]
        assert [s["signature"] for s in got] == [f"export function {n}{params}" for n, exported in decls if exported]
