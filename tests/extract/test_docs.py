"""Doc extraction, language by language: which comment documents a symbol (attached, not
detached; through decorators and annotations) and what of it is kept (the first
paragraph, markers and tags stripped, one line, cut at 300 characters)."""
from __future__ import annotations

import pytest

from symidx_tasks.extract.docs import DOC_LIMIT

from .golden import by_parent_and_name


def docs(language: str, source: str) -> dict[tuple[str | None, str], str | None]:
    return {key: s["doc"] for key, s in by_parent_and_name(language, source).items()}


def test_python_docstrings_first_paragraph_of_functions_classes_and_methods():
    got = docs(
        "python",
        '@decorator\nclass Gateway:\n    # a comment before the docstring is no obstacle\n'
        '    r"""  Talks to the bank,\n    over HTTPS.\n\n    Details that are not kept.\n    """\n\n'
        '    def charge(self, amount):\n        """\n        Charge an amount.\n\n'
        '        :param amount: in cents\n        """\n\n'
        "    def refund(self): 'Refund it.'\n\n"
        '    def fields_only(self):\n        """:param x: nothing else"""\n\n'
        '    def not_first(self):\n        x = 1\n        """Not a docstring."""\n\n'
        '    def formatted(self):\n        f"""An f-string is no docstring."""\n\n'
        '    def concatenated(self):\n        "a" "b"\n\n'
        "# A comment is not a Python doc.\ndef plain(): pass\n",
    )
    assert got[(None, "Gateway")] == "Talks to the bank, over HTTPS."
    assert got[("Gateway", "charge")] == "Charge an amount."
    assert got[("Gateway", "refund")] == "Refund it."
    assert got[("Gateway", "fields_only")] is None
    assert got[("Gateway", "not_first")] is None
    assert got[("Gateway", "formatted")] is None
    assert got[("Gateway", "concatenated")] is None
    assert got[(None, "plain")] is None


def test_python_constants_and_type_aliases_take_the_string_after_them():
    got = docs("python", 'MAX = 3\n"""The largest retry count.\n\nMore."""\nMIN = 1\nx = 2\n"""Not MIN\'s."""\n'
                         "type Amount = int\n'Money in cents.'\n")
    assert got[(None, "MAX")] == "The largest retry count."
    assert got[(None, "MIN")] is None
    assert got[(None, "Amount")] == "Money in cents."


def test_typescript_jsdoc_above_the_export_through_decorators_and_other_comments():
    got = docs(
        "typescript",
        "/** Charges cards. See {@link Bank | the bank} and {@link Ledger}.\n *\n * Second paragraph.\n"
        " * @param x ignored\n */\n@Injectable()\nexport class Gateway {\n"
        "  /**\n   * Charge it,\n   * now.\n   * @returns a receipt\n   */\n  @Log() charge(): void {}\n"
        "  /** Private. */ private secret = 1;\n  /** A field. */\n  readonly retries = 3;\n}\n"
        "/** Default. */\n// eslint-disable-next-line\nexport default function run() {}\n"
        "/** Detached. */\n\nexport function detached() {}\n"
        "// A line comment is no JSDoc.\nexport function lineComment() {}\n"
        "/* Nor is a plain block. */\nexport function plainBlock() {}\n"
        "/** Declared here, exported below. */\nfunction local() {}\nexport { local };\n"
        "/** @deprecated only tags */\nexport const tagsOnly = 1;\n"
        "export const a = 1; /** trails a */\nexport const b = 2;\n",
    )
    assert got[(None, "Gateway")] == "Charges cards. See the bank and Ledger."
    assert got[("Gateway", "charge")] == "Charge it, now."
    assert got[("Gateway", "retries")] == "A field."
    assert got[(None, "run")] == "Default."
    assert got[(None, "detached")] is None
    assert got[(None, "lineComment")] is None
    assert got[(None, "plainBlock")] is None
    assert got[(None, "local")] == "Declared here, exported below."
    assert got[(None, "tagsOnly")] is None
    assert got[(None, "b")] is None


@pytest.mark.parametrize("language", ["javascript", "tsx"])
def test_javascript_and_tsx_read_jsdoc_too(language: str):
    got = docs(language, "/** Adds {@code a} and b. */\nexport function add(a, b) { return a + b; }\n"
                         "/** Via CommonJS. */\nexports.sub = function (a, b) { return a - b; };\n"
                         "module.exports = {\n  /** In an object. */\n  mul(a, b) { return a * b; },\n};\n")
    assert got[(None, "add")] == "Adds a and b."
    assert got[(None, "sub")] == "Via CommonJS."
    assert got[(None, "mul")] == "In an object."


def test_java_javadoc_through_annotations_with_inline_tags_and_html():
    got = docs(
        "java",
        "package p;\n/**\n * Entry point, see {@link Gateway#charge(int) the charge} and {@link #refund}.\n"
        " * Uses <code>null</code> for none.<p>\n * Second paragraph.\n */\n@Deprecated\n@SuppressWarnings(\"x\")\n"
        "public class Payments {\n  /** Charges. @return nothing inline is text */\n  @Override\n  // a note between\n"
        "  public void charge() {}\n  /**\n   * @param x only tags\n   */\n  public void tags(int x) {}\n"
        "  /** Detached. */\n\n  public int detached;\n  /** Shared. */\n  public int a, b;\n"
        "  /* Not Javadoc. */\n  public int plain;\n"
        "  public enum E { /** First. */ A, /** Second. */ B }\n}\n",
    )
    assert got[(None, "Payments")] == "Entry point, see the charge and refund. Uses null for none."
    assert got[("Payments", "charge")] == "Charges. @return nothing inline is text"
    assert got[("Payments", "tags")] is None
    assert got[("Payments", "detached")] is None
    assert got[("Payments", "a")] == got[("Payments", "b")] == "Shared."
    assert got[("Payments", "plain")] is None
    assert (got[("E", "A")], got[("E", "B")]) == ("First.", "Second.")


def test_kotlin_kdoc_through_annotations():
    got = docs(
        "kotlin",
        "/**\n * Payments [Gateway].\n *\n * @property id the id\n */\n@Serializable\n"
        "class Payments(/** The id. */ val id: Int) {\n  /** Charges. */\n  @JvmStatic\n  fun charge() {}\n\n"
        "  /** Detached. */\n\n  fun detached() {}\n  // A line comment is no KDoc.\n  val plain = 1\n}\n"
        "/** Top level. */\nfun top() = 1\n",
    )
    assert got[(None, "Payments")] == "Payments [Gateway]."
    assert got[("Payments", "id")] == "The id."
    assert got[("Payments", "charge")] == "Charges."
    assert got[("Payments", "detached")] is None
    assert got[("Payments", "plain")] is None
    assert got[(None, "top")] == "Top level."


def test_rust_outer_doc_comments_through_attributes():
    got = docs(
        "rust",
        "//! The crate's own doc.\n\n/// A payment server,\n/// fast.\n///\n/// Details.\n#[derive(Debug)]\n"
        "// a plain note between\npub struct Server {\n    /// The port.\n    pub port: u16,\n"
        "    //// Four slashes are a plain comment.\n    pub host: String,\n}\n"
        "/** Block *doc*\n * with [`Server`]. */\npub fn block() {}\n"
        '#[doc = "From an attribute."]\npub fn attribute() {}\n'
        "/// Detached.\n\npub fn detached() {}\n"
        "impl Server {\n    /// Builds one.\n    #[inline]\n    pub fn new() -> Self { todo!() }\n}\n"
        "pub enum E {\n    /// Variant A.\n    A,\n}\n",
    )
    assert got[(None, "Server")] == "A payment server, fast."
    assert got[("Server", "port")] == "The port."
    assert got[("Server", "host")] is None
    assert got[(None, "block")] == "Block *doc* with [`Server`]."
    assert got[(None, "attribute")] == "From an attribute."
    assert got[(None, "detached")] is None
    assert got[("Server", "new")] == "Builds one."
    assert got[("E", "A")] == "Variant A."


def test_go_comment_groups_directives_and_grouped_specs():
    got = docs(
        "go",
        "package p\n\n// Server serves payments,\n// one merchant each.\n//\n// Details.\ntype Server struct {\n"
        "\t// Addr is the address.\n\tAddr string\n\tPort int // a trailing comment is not read\n\tHost string\n}\n\n"
        "//go:generate stringer -type=Status\n// Charge charges.\nfunc Charge() {}\n\n"
        "// Colors of a card.\nconst (\n\t// Red is red.\n\tRed = iota\n\tGreen\n)\n\n"
        "// Detached.\n\nfunc Detached() {}\n\n/* Block\n   comment. */\nfunc (s *Server) Block() {}\n"
        "type I interface {\n\t// M does m.\n\tM()\n}\n",
    )
    assert got[(None, "Server")] == "Server serves payments, one merchant each."
    assert got[("Server", "Addr")] == "Addr is the address."
    assert got[("Server", "Port")] is None
    assert got[("Server", "Host")] is None
    assert got[(None, "Charge")] == "Charge charges."
    assert got[(None, "Red")] == "Red is red."
    assert got[(None, "Green")] == "Colors of a card."
    assert got[(None, "Detached")] is None
    assert got[("Server", "Block")] == "Block comment."
    assert got[("I", "M")] == "M does m."


def test_ruby_comment_blocks_yard_tags_and_directives():
    got = docs(
        "ruby",
        "# frozen_string_literal: true\n\n# Talks to the bank,\n# over HTTPS.\n#\n# Details.\nclass Gateway # :nodoc:\n"
        "  # Retry count.\n  RETRIES = 3\n\n  # Charges.\n  # @param amount [Integer]\n  # rubocop:disable Metrics\n"
        "  def charge(amount); end\n\n  # Refunds.\n  public def refund; end\n\n  # Name and id.\n"
        "  attr_reader :name, :id\n\n  # Detached.\n\n  def detached; end\n  def after; end # trailing\n"
        "  def last; end\nend\n",
    )
    assert got[(None, "Gateway")] == "Talks to the bank, over HTTPS."
    assert got[("Gateway", "RETRIES")] == "Retry count."
    assert got[("Gateway", "charge")] == "Charges."
    assert got[("Gateway", "refund")] == "Refunds."
    assert got[("Gateway", "name")] == got[("Gateway", "id")] == "Name and id."
    assert got[("Gateway", "detached")] is None
    assert got[("Gateway", "last")] is None


def test_perl_pod_sections_and_comments():
    got = docs(
        "perl",
        "package Shop::Payments;\n\n=head1 NAME\n\nShop::Payments - take B<payments>\n\n"
        "=head2 charge($amount)\n\n    my $receipt = charge(10);\n\nCharges C<< $amount >>,\nin cents.\n\n"
        "Second paragraph.\n\n=cut\n\n# A comment loses to the POD.\nsub charge { 1 }\n\n"
        "=over\n\n=item $obj->refund\n\nRefunds L<the money|Money>.\n\n=back\n\n=cut\n\nsub refund {}\n\n"
        "# Helps,\n# twice.\nsub helper {}\n\n# Detached.\n\nsub detached {}\n\n"
        "# The maximum.\nuse constant MAX => 3;\n1;\n",
    )
    assert got[(None, "Shop::Payments")] == "take payments"
    assert got[("Shop::Payments", "charge")] == "Charges $amount, in cents."
    assert got[("Shop::Payments", "refund")] == "Refunds the money."
    assert got[("Shop::Payments", "helper")] == "Helps, twice."
    assert got[("Shop::Payments", "detached")] is None
    assert got[("Shop::Payments", "MAX")] == "The maximum."


def test_proto_leading_comments():
    got = docs(
        "proto",
        'syntax = "proto3";\n\n// A payment,\n// in cents.\n//\n// Details.\nmessage Payment {\n'
        "  // The amount.\n  int64 amount = 1; // trailing\n  string id = 2;\n}\n"
        "/* Status\n * of a payment. */\nenum Status {\n  // Unknown.\n  UNKNOWN = 0;\n}\n\n"
        "// Detached.\n\nservice Payments {\n  // Charges.\n  rpc Charge(Payment) returns (Payment);\n}\n",
    )
    assert got[(None, "Payment")] == "A payment, in cents."
    assert got[("Payment", "amount")] == "The amount."
    assert got[("Payment", "id")] is None
    assert got[(None, "Status")] == "Status of a payment."
    assert got[("Status", "UNKNOWN")] == "Unknown."
    assert got[(None, "Payments")] is None
    assert got[("Payments", "Charge")] == "Charges."


def test_a_long_first_paragraph_is_cut_with_an_ellipsis_and_decoration_is_skipped():
    words = " ".join(f"word{i}" for i in range(100))
    got = docs("go", f"package p\n\n// ----------\n// {words}\n// ----------\nfunc Long() {{}}\n")[(None, "Long")]
    assert got is not None and len(got) == DOC_LIMIT and got.endswith("…")
    assert got.startswith("word0 word1 ") and "-" not in got
