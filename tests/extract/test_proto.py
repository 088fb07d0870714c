"""Protobuf extraction: messages, enums, services, rpcs, fields and enum values; all public."""
from .golden import by_parent_and_name, check_golden


def symbols(src: str) -> dict[tuple[str | None, str], dict]:
    return by_parent_and_name("proto", 'syntax = "proto3";\n' + src)


def test_top_level_definitions_by_kind():
    got = symbols("message Payment {}\nenum Currency { CURRENCY_UNSPECIFIED = 0; }\nservice Payments {}\n")
    assert {k: (s["kind"], s["signature"], s["visibility"]) for k, s in got.items() if k[0] is None} == {
        (None, "Payment"): ("message", "message Payment", "public"),
        (None, "Currency"): ("enum", "enum Currency", "public"),
        (None, "Payments"): ("service", "service Payments", "public"),
    }


def test_nested_definitions_hang_from_the_enclosing_message():
    got = symbols("message A {\n  message B {\n    message C {}\n    enum E { E_UNSPECIFIED = 0; }\n  }\n}\n")
    assert {k: s["kind"] for k, s in got.items()} == {
        (None, "A"): "message",
        ("A", "B"): "message",
        ("B", "C"): "message",
        ("B", "E"): "enum",
        ("E", "E_UNSPECIFIED"): "constant",
    }
    assert (got[("A", "B")]["line"], got[("A", "B")]["end_line"]) == (3, 6)


def test_field_signatures_stop_at_the_field_number():
    got = symbols(
        "message Payment {\n  string id = 1;\n  repeated int64 ids = 2 [packed = true];\n"
        "  map<string, Item> items = 3;\n  optional .acme.Money amount = 4 [\n    deprecated = true\n  ];\n}\n"
    )
    assert {k[1]: s["signature"] for k, s in got.items() if s["kind"] == "field"} == {
        "id": "string id = 1",
        "ids": "repeated int64 ids = 2",
        "items": "map<string, Item> items = 3",
        "amount": "optional .acme.Money amount = 4",
    }
    assert all(k[0] == "Payment" for k, s in got.items() if s["kind"] == "field")


def test_oneof_fields_belong_to_the_message():
    got = symbols("message Payment {\n  oneof method {\n    Card card = 1;\n    string iban = 2;\n  }\n}\n")
    assert set(got) == {(None, "Payment"), ("Payment", "card"), ("Payment", "iban")}


def test_enum_values_are_constants_without_their_options():
    got = symbols("enum Status {\n  option allow_alias = true;\n  OK = 0;\n  DEBT = -1 [deprecated = true];\n}\n")
    assert {k: (s["kind"], s["signature"]) for k, s in got.items() if k[0]} == {
        ("Status", "OK"): ("constant", "OK = 0"),
        ("Status", "DEBT"): ("constant", "DEBT = -1"),
    }


def test_rpc_takes_one_request_parameter_and_returns_the_response_type():
    got = symbols(
        "service Payments {\n  option (owner) = \"team\";\n  rpc Pay(PayRequest) returns (PayResponse);\n"
        "  rpc Watch(stream acme.v1.WatchRequest)\n      returns (stream WatchEvent) {\n"
        "    option (google.api.http) = { get: \"/v1/watch\" };\n  }\n}\n"
    )
    pay, watch = got[("Payments", "Pay")], got[("Payments", "Watch")]
    assert (pay["kind"], pay["signature"], pay["parameters"], pay["return_type"]) == (
        "rpc",
        "rpc Pay(PayRequest) returns (PayResponse)",
        [["request", "PayRequest"]],
        "PayResponse",
    )
    assert (watch["signature"], watch["parameters"], watch["return_type"]) == (
        "rpc Watch(stream acme.v1.WatchRequest) returns (stream WatchEvent)",
        [["request", "stream acme.v1.WatchRequest"]],
        "stream WatchEvent",
    )
    assert (watch["line"], watch["end_line"]) == (5, 8)


def test_extension_fields_hang_from_the_extended_message():
    got = symbols("extend google.protobuf.FieldOptions {\n  string owner = 50000;\n}\n")
    assert {k: s["kind"] for k, s in got.items()} == {("google.protobuf.FieldOptions", "owner"): "field"}


def test_symbols_around_a_syntax_error_survive():
    got = check_golden("proto", "proto_broken.proto")
    assert {"Before", "Broken", "Api", "Get", "After", "AFTER_UNSPECIFIED"} <= {s["name"] for s in got}
