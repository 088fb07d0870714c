"""docs/cli.md cannot drift from the code.

- Every ```` ``` ```` block that starts with ``$ symidx ... --json`` is checked against
  the answer's TypedDict (query/answers.py), recursively: no unknown key, no
  missing required key, keys in declared order, values of the declared types.
- Every read command has such an example.
- Every other ``$ symidx <read command>`` block is real output: the test runs the
  command on the example index and compares (status, which shows times and
  paths, is checked for shape only).
- The MCP tool table is generated from the command table.

``SYMIDX_UPDATE_DOCS=1 pytest tests/test_docs_shapes.py`` rewrites those outputs
and the tool table from the code and the example index (then review the diff).
"""
from __future__ import annotations

import io
import json
import os
import re
import shlex
import types
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest

from symidx_tasks.frontends import cli
from symidx_tasks.frontends.commands import BY_NAME, COMMANDS, Command

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
UPDATE = os.environ.get("SYMIDX_UPDATE_DOCS") == "1"
BLOCK = re.compile(r"```\n(\$ symidx [^\n]*)\n(.*?)```", re.S)
TOOLS_BEGIN, TOOLS_END = "<!-- tools: generated from symidx_tasks/frontends/commands.py -->\n", "<!-- /tools -->"
UNSTABLE = {"status"}  # shows times and the index's own path: shape-checked only, never rewritten
UNSTABLE_JSON = {"affected"}  # its JSON names the indexed root, a temporary directory here


# ------------------------------------------------------------ shape checks


def check(value: Any, tp: Any, where: str, typevars: dict[Any, Any] | None = None) -> None:
    """Raise AssertionError (saying where) unless ``value`` has the shape of type ``tp``."""
    typevars = typevars or {}
    if isinstance(tp, TypeVar):
        tp = typevars[tp]
    origin, args = get_origin(tp), get_args(tp)
    if tp is Any or tp is object:
        return
    if is_typeddict(tp) or is_typeddict(origin):
        _check_typeddict(value, origin or tp, where, dict(zip(getattr(origin, "__parameters__", ()), args,
                                                              strict=True)) if origin else typevars)
    elif origin in (Union, types.UnionType):
        errors = []
        for option in args:
            try:
                check(value, option, where, typevars)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{where}: {value!r} matches none of {tp}: {'; '.join(errors)}")
    elif origin is Literal:
        assert value in args, f"{where}: {value!r} is not one of {args}"
    elif origin is list:
        assert isinstance(value, list), f"{where}: expected a list, got {value!r}"
        for i, item in enumerate(value):
            check(item, args[0], f"{where}[{i}]", typevars)
    elif origin is dict:
        assert isinstance(value, dict), f"{where}: expected an object, got {value!r}"
        for k, v in value.items():
            check(v, args[1], f"{where}.{k}", typevars)
    elif tp is type(None):
        assert value is None, f"{where}: expected null, got {value!r}"
    elif tp is float:
        assert isinstance(value, int | float) and not isinstance(value, bool), f"{where}: expected a number"
    else:
        assert isinstance(value, tp) and (tp is bool or not isinstance(value, bool)), \
            f"{where}: expected {tp.__name__}, got {value!r}"


def _check_typeddict(value: Any, td: Any, where: str, typevars: dict[Any, Any]) -> None:
    assert isinstance(value, dict), f"{where}: expected an object ({td.__name__}), got {value!r}"
    hints = get_type_hints(td)
    unknown = set(value) - set(hints)
    assert not unknown, f"{where}: keys {sorted(unknown)} are not in {td.__name__}"
    missing = set(td.__required_keys__) - set(value)
    assert not missing, f"{where}: {td.__name__} keys {sorted(missing)} are missing"
    assert list(value) == [k for k in hints if k in value], f"{where}: keys not in {td.__name__}'s order"
    for key, item in value.items():
        check(item, hints[key], f"{where}.{key}", typevars)


def test_check_catches_drift():
    from symidx_tasks.query.answers import Page, SymbolParam

    page = {"total": 1, "offset": 0, "limit": None, "next_offset": None, "results": [{"name": "a", "type": None}]}
    check(page, Page[SymbolParam], "ok")
    for bad in ({**page, "extra": 1}, {k: v for k, v in page.items() if k != "total"},
                {**page, "results": [{"name": 1, "type": None}]}, {**page, "total": "1"},
                dict(reversed(list(page.items())))):
        with pytest.raises(AssertionError):
            check(bad, Page[SymbolParam], "bad")


# ---------------------------------------------------------------- the doc


def _command(argv: list[str]) -> Command:
    args = cli.make_parser().parse_args(argv)
    return BY_NAME[args.command]


def _blocks(text: str) -> list[tuple[str, list[str], str]]:
    """(command line, argv, body) of every block that starts with `$ symidx` and holds one command."""
    out = []
    for m in BLOCK.finditer(text):
        if "\n$ " in m.group(2) or "#" in m.group(1):
            continue  # a session of several commands, or annotated: illustration only
        out.append((m.group(1), shlex.split(m.group(1))[2:], m.group(2)))
    return out


def test_every_json_example_has_its_answer_shape():
    examples = [(line, argv, body) for line, argv, body in _blocks(DOC.read_text()) if "--json" in argv]
    documented = set()
    for line, argv, body in examples:
        command = _command(argv)
        documented.add(command.name)
        check(json.loads(body), command.answer, f"docs/cli.md `{line}`")
    missing = {c.name for c in COMMANDS if c.is_read} - documented
    assert not missing, f"docs/cli.md has no `--json` example for {sorted(missing)}"


def test_the_synopsis_lists_every_command():
    synopsis = DOC.read_text().split("```\n", 2)[1]
    listed = {line.split()[1] for line in synopsis.splitlines() if line.startswith("symidx ")}
    assert listed == {c.name for c in COMMANDS}


def _run(argv: list[str], db: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    if "--db" not in argv:
        argv = [*argv, "--db", str(db)]
    cli.main(argv, out=out, err=err)
    return out.getvalue() + err.getvalue()


def tool_table() -> str:
    rows = ["| tool | CLI | arguments | answer |", "|---|---|---|---|"]
    for c in COMMANDS:
        if not c.tool:
            continue
        params = ", ".join(f"`{p.name}`" if p.required else f"`{p.name}={json.dumps(p.default)}`" for p in c.params)
        answer = getattr(c.answer, "__name__", str(c.answer))
        if get_origin(c.answer):
            answer = f"{get_origin(c.answer).__name__}[{get_args(c.answer)[0].__name__}]"
        rows.append(f"| `{c.tool}` | `{c.name}` | {params or '-'} | {answer} |")
    return "\n".join(rows) + "\n"


def test_examples_are_real_output(index_for):
    text = DOC.read_text()
    updated = text
    for line, argv, body in _blocks(text):
        command = _command(argv)
        if not command.is_read or command.name in UNSTABLE or (command.name in UNSTABLE_JSON and "--json" in argv):
            continue
        real = _run(argv, index_for(command.name))
        if UPDATE:
            updated = updated.replace(f"```\n{line}\n{body}```", f"```\n{line}\n{real}```", 1)
        else:
            assert body == real, f"docs/cli.md `{line}` is not what it prints (SYMIDX_UPDATE_DOCS=1 rewrites it)"
    start, end = updated.index(TOOLS_BEGIN) + len(TOOLS_BEGIN), updated.index(TOOLS_END)
    if UPDATE:
        updated = updated[:start] + tool_table() + updated[end:]
        DOC.write_text(updated)
    assert updated[start:end] == tool_table(), "the MCP tool table is out of date (SYMIDX_UPDATE_DOCS=1)"

