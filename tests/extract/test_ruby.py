"""Ruby extraction: classes, modules, public methods and constants."""
from __future__ import annotations

from .golden import check_golden, symbols_of


def ruby(source: str) -> list[dict]:
    return symbols_of("ruby", source.encode())


def names(source: str) -> list[str]:
    return [s["name"] for s in ruby(source)]


def test_syntax_error_keeps_the_surrounding_symbols():
    got = check_golden("ruby", "ruby_broken.rb")
    assert {"Before", "fine", "Broken", "ok", "after", "After", "last"} <= {s["name"] for s in got}


def test_methods_classes_and_modules():
    symbols = ruby(
        """
        module Payments
          class Gateway::Stripe < Base
            def charge(amount, currency: "USD")
            end
          end
        end
        def helper(x) = x
        """
    )
    got = [(s["name"], s["kind"], s["parent"], s["signature"]) for s in symbols]
    assert got == [
        ("Payments", "module", None, "module Payments"),
        ("Gateway::Stripe", "class", "Payments", "class Gateway::Stripe < Base"),
        ("charge", "method", "Gateway::Stripe", 'def charge(amount, currency: "USD")'),
        ("helper", "function", None, "def helper(x)"),
    ]


def test_singleton_methods_are_named_without_self():
    (_, build) = ruby(
        """
        class Client
          def self.build(config = {}) = new(config)
        end
        """
    )
    assert (build["name"], build["kind"], build["parent"]) == ("build", "method", "Client")
    assert build["signature"] == "def self.build(config = {})"


def test_bare_private_and_protected_hide_the_following_defs_until_public():
    assert names(
        """
        class A
          def shown; end
          private
          def hidden; end
          protected
          def prot; end
          public
          def shown_again; end
        end
        """
    ) == ["A", "shown", "shown_again"]


def test_bare_private_does_not_hide_singleton_methods():
    assert names(
        """
        class A
          private
          def self.factory; end
        end
        """
    ) == ["A", "factory"]


def test_private_with_names_or_a_def_hides_those_methods():
    assert names(
        """
        class A
          def a; end
          def b; end
          def c; end
          private :a, "b"
          private def d; end
          def self.e; end
          def self.f; end
          private_class_method :e
          private attr_reader :g
        end
        """
    ) == ["A", "c", "f"]


def test_visibility_sections_are_per_body():
    assert names(
        """
        class A
          private
          class B
            def shown; end
          end
          class << self
            def meta; end
            private
            def meta_hidden; end
          end
          def hidden; end
        end
        """
    ) == ["A", "B", "shown", "meta"]


def test_attribute_macros_give_one_method_per_name():
    symbols = ruby(
        """
        class Account
          attr_reader :id, :owner
          attr_accessor :balance
        end
        """
    )
    got = [(s["name"], s["kind"], s["parent"], s["signature"]) for s in symbols[1:]]
    assert got == [
        ("id", "method", "Account", "attr_reader :id"),
        ("owner", "method", "Account", "attr_reader :owner"),
        ("balance", "method", "Account", "attr_accessor :balance"),
    ]


def test_constants_in_class_and_module_bodies():
    symbols = ruby(
        """
        LOOSE = 1
        module M
          VERSION = "1.0"
          TABLE = {
            a: 1,
          }
          A, B = 1, 2
          HIDDEN = 0
          private_constant :HIDDEN
          lower = 3
        end
        """
    )
    got = [(s["name"], s["kind"], s["parent"], s["signature"]) for s in symbols[1:]]
    assert got == [
        ("VERSION", "constant", "M", 'VERSION = "1.0"'),
        ("TABLE", "constant", "M", "TABLE"),
        ("A", "constant", "M", "A, B = 1, 2"),
        ("B", "constant", "M", "A, B = 1, 2"),
    ]


def test_parameters_keep_their_prefixes_and_have_no_type():
    (method,) = ruby("def run(a, b = 1, *rest, key:, opt: 2, **opts, &blk); end")
    assert method["parameters"] == [
        ["a", None],
        ["b", None],
        ["*rest", None],
        ["key:", None],
        ["opt:", None],
        ["**opts", None],
        ["&blk", None],
    ]
    assert method["return_type"] is None


def test_defs_inside_method_bodies_and_blocks_are_not_reported():
    assert names(
        """
        class A
          def outer
            def inner; end
          end
          included do
            def from_block; end
          end
        end
        """
    ) == ["A", "outer"]
