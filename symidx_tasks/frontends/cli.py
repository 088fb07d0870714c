"""`symidx` command line, built from the command table (commands.py).

Read commands open the DB read-only, print text for people or ``--json`` (the
shapes in query/answers.py, documented in docs/cli.md) and exit 0 (an empty
result is not an error), 1 when what was asked for does not exist or is
ambiguous (unknown package or file), 2 when the index cannot be used (missing,
another schema version, locked, unreadable) or the arguments are wrong.
Without ``--db`` they read the index of the repo the current directory is in
(locations.py: ``<root>/.symidx/index.db`` or the config's ``db``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, TextIO

from .. import query as q
from ..errors import ConfigError, DatabaseError, QueryError, UsageError
from .commands import BY_NAME, COMMANDS, Command, Param, ask, params_of, resolve_db

EXIT_NOT_FOUND = 1
EXIT_UNUSABLE = 2


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_param(parser: argparse.ArgumentParser, p: Param) -> None:
    """One table parameter as argparse arguments (see commands.py for the rules)."""
    if p.required or p.positional:
        extra: dict[str, Any] = {} if p.required else {"nargs": "?", "default": p.default}
        parser.add_argument(p.name, metavar=p.metavar or p.name.upper(), help=p.help, **extra)
        return
    quiet = "default" in p.help or (p.default is None and p.type is not int)
    help_text = p.help if quiet else f"{p.help} (default: {'all' if p.default is None else p.default})"
    if p.multiple:
        parser.add_argument(_flag(p.name), *p.aliases, dest=p.name, nargs="+", type=p.type, default=p.default,
                            metavar=p.metavar or p.name.rstrip("s").upper(), help=p.help)
    elif p.type is bool and p.default is True:
        parser.add_argument(_flag(p.name), *p.aliases, dest=p.name, action=argparse.BooleanOptionalAction,
                            default=True, help=p.help + ("" if "default" in p.help else " (default: yes)"))
    elif p.type is bool:
        parser.add_argument(_flag(p.name), *p.aliases, dest=p.name, action="store_true", help=p.help)
    else:
        metavar = None if p.choices else "N" if p.type is int else p.name.split("_")[-1].upper()
        parser.add_argument(_flag(p.name), *p.aliases, dest=p.name, type=p.type, default=p.default,
                            choices=p.choices or None, metavar=metavar, help=help_text)
    for flag, value, text in p.shorthands:
        parser.add_argument(flag, dest=p.name, action="store_const", const=value, help=text)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symidx", description="Query, build and serve a symidx monorepo index.",
        epilog="Exit status: 0 ok (an empty result too), 1 unknown/ambiguous package or file, "
               "2 unusable index or bad arguments.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.description or command.help)
        for param in command.params:
            add_param(p, param)
        if command.db_option:
            p.add_argument("--db", help="index database (default: <repo>/.symidx/index.db, or the `db` key of the "
                                        "repo's symidx.toml / [tool.symidx]; the repo is the nearest directory at "
                                        "or above the current one with a .symidx directory or a symidx.toml)")
        if command.is_read:
            p.add_argument("--json", action="store_true", help="print JSON (shapes in docs/cli.md)")
    return parser


def run_read(command: Command, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    db = resolve_db(args)
    params = params_of(command, args)
    conn = q.open_index(db)
    try:
        with q.guard(db):
            answer = ask(command, conn, params, db)
    finally:
        conn.close()
    if args.json:
        out.write(json.dumps(answer, indent=2, ensure_ascii=False) + "\n")
    elif command.text is not None:
        command.text(answer, params, out, err)
    return 0


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = make_parser().parse_args(argv)
    command = BY_NAME[args.command]
    try:
        if command.run is not None:
            return command.run(args, out, err)
        return run_read(command, args, out, err)
    except (DatabaseError, UsageError, ConfigError, q.InvalidArgument) as exc:
        err.write(f"symidx: {exc}\n")
        return EXIT_UNUSABLE
    except QueryError as exc:
        err.write(f"symidx: {exc}\n")
        return EXIT_NOT_FOUND
    except BrokenPipeError:  # `symidx search x | head`
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the interpreter's final flush goes here
        except OSError:
            pass
        return 0


if __name__ == "__main__":
    sys.exit(main())
