"""Go extraction: exported (capitalised) declarations and the members of exported types."""
from .golden import by_parent_and_name, check_golden


def symbols(src: str) -> dict[tuple[str | None, str], dict]:
    return by_parent_and_name("go", "package p\n" + src)


def test_only_capitalised_identifiers_are_extracted():
    got = symbols("func Public() {}\nfunc private() {}\ntype hidden int\nvar _ = 1\nconst ω, Δ = 1, 2\n")
    assert set(got) == {(None, "Public"), (None, "Δ")}


def test_function_signature_parameters_and_return_type_are_as_written():
    s = symbols("func ProcessPayment(amount float64, currency string) (*Receipt, error) {\n\treturn nil, nil\n}\n")[
        (None, "ProcessPayment")
    ]
    assert s["kind"] == "function"
    assert s["signature"] == "func ProcessPayment(amount float64, currency string) (*Receipt, error)"
    assert s["parameters"] == [["amount", "float64"], ["currency", "string"]]
    assert s["return_type"] == "(*Receipt, error)"
    assert (s["line"], s["end_line"], s["visibility"]) == (2, 4, "public")


def test_grouped_and_variadic_parameters():
    s = symbols("func Sum(a, b int, args ...string) error { return nil }\n")[(None, "Sum")]
    assert s["parameters"] == [["a", "int"], ["b", "int"], ["args", "...string"]]
    assert s["return_type"] == "error"


def test_unnamed_parameters_keep_their_type():
    s = symbols("func Register(string, func(int) error)\n")[(None, "Register")]
    assert s["parameters"] == [["", "string"], ["", "func(int) error"]]
    assert s["return_type"] is None


def test_method_parent_is_the_receiver_type_without_pointer_or_type_params():
    got = symbols(
        "func (s *Server[T]) Start(ctx context.Context) error { return nil }\n"
        "func (Server[T]) Stop() {}\n"
        "func (s *Server[T]) restart() {}\n"
    )
    assert set(got) == {("Server", "Start"), ("Server", "Stop")}
    start = got[("Server", "Start")]
    assert start["kind"] == "method"
    assert start["signature"] == "func (s *Server[T]) Start(ctx context.Context) error"
    assert start["parameters"] == [["ctx", "context.Context"]]


def test_exported_method_of_unexported_type_is_kept():
    # reachable through embedding and returned values: Go's rule is the name alone
    assert ("server", "Ping") in symbols("func (s *server) Ping() {}\n")


def test_type_declarations_by_kind_with_signature_stopping_at_the_keyword():
    got = symbols(
        "type Server[T any] struct {\n\tName string\n}\n"
        "type Handler interface {\n\tServe() error\n}\n"
        "type ID = string\n"
        "type (\n\tCount int\n)\n"
    )
    assert {k[1]: (s["kind"], s["signature"]) for k, s in got.items() if k[0] is None} == {
        "Server": ("struct", "type Server[T any] struct"),
        "Handler": ("interface", "type Handler interface"),
        "ID": ("type", "type ID = string"),
        "Count": ("type", "type Count int"),
    }


def test_exported_fields_and_interface_methods_hang_from_their_type():
    got = symbols(
        "type Server struct {\n\tName string `json:\"name\"`\n\tHost, port string\n\t*Logger\n\tio.Reader\n\tconfig int\n}\n"
        "type Handler interface {\n\tHandle(ctx context.Context, req *Request) (*Response, error)\n\tio.Closer\n\tinternal()\n}\n"
        "type hidden struct {\n\tVisible int\n}\n"
    )
    fields = {k[1]: s["signature"] for k, s in got.items() if s["kind"] == "field"}
    assert fields == {"Name": "Name string", "Host": "Host string", "Logger": "*Logger", "Reader": "io.Reader"}
    assert all(got[("Server", f)]["parent"] == "Server" for f in fields)
    handle = got[("Handler", "Handle")]
    assert (handle["kind"], handle["return_type"]) == ("method", "(*Response, error)")
    assert handle["parameters"] == [["ctx", "context.Context"], ["req", "*Request"]]
    assert ("Handler", "internal") not in got and ("hidden", "Visible") not in got


def test_every_exported_name_of_a_const_group_is_a_constant():
    got = symbols("const (\n\tStatusPending Status = iota\n\tStatusPaid\n\tstatusHidden\n\tMin, Max = 1, 5\n)\n")
    assert {k[1]: (s["kind"], s["signature"]) for k, s in got.items()} == {
        "StatusPending": ("constant", "const StatusPending Status = iota"),
        "StatusPaid": ("constant", "const StatusPaid"),
        "Min": ("constant", "const Min, Max = 1, 5"),
        "Max": ("constant", "const Min, Max = 1, 5"),
    }


def test_variables_single_grouped_and_multi_line():
    got = symbols("var ErrX = errors.New(\"x\")\nvar (\n\tTimeout int\n)\nvar Table = map[string]int{\n\t\"a\": 1,\n}\n")
    assert {k[1]: (s["kind"], s["signature"]) for k, s in got.items()} == {
        "ErrX": ("variable", 'var ErrX = errors.New("x")'),
        "Timeout": ("variable", "var Timeout int"),
        "Table": ("variable", "var Table"),  # a multi-line value is no signature
    }


def test_declarations_inside_function_bodies_are_not_symbols():
    got = symbols("func F() {\n\ttype Local struct{ X int }\n\tconst K = 1\n}\n")
    assert set(got) == {(None, "F")}


def test_symbols_around_a_syntax_error_survive():
    got = check_golden("go", "go_broken.go")
    assert {"Before", "Config", "Broken", "After", "Limit"} <= {s["name"] for s in got}
