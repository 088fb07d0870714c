"""``python -m symidx_tasks.freshness watch|rebuild|_build ...``: the freshness
commands without the ``symidx`` front end (the build child, and tests, use it).

The same arguments as ``symidx watch`` / ``symidx rebuild``; ``_build`` is the
internal build child of runner.py.
"""
from __future__ import annotations

import argparse
import sys

from ..errors import SymidxError


def add_watch_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="index database (default: the index of the repo around the current directory)")
    p.add_argument("--root", help="the indexed root (default: the DB's own, or the current repo)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--stop", action="store_true", help="stop the watcher of this index")
    what.add_argument("--status", action="store_true", help="whether a watcher runs, and its last build")
    what.add_argument("--detach", action="store_true", help="run in the background (log in watch.log beside the DB)")
    p.add_argument("--debounce-ms", type=int, help="quiet time before a build (default: config [watch] debounce_ms, "
                                                   "else 2000)")
    p.add_argument("-j", "--jobs", type=int, help="parallel workers per build (default: CPUs)")


def add_rebuild_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="index database (default: the index of the repo around the hook's cwd)")
    p.add_argument("--root", help="the indexed root (default: the DB's own, or the current repo)")
    p.add_argument("--file", action="append", default=[], metavar="F", help="a changed file (repeatable)")
    p.add_argument("--stdin", action="store_true", help="read an agent's PostToolUse hook JSON from stdin")
    p.add_argument("--timeout", type=float, default=None, help="seconds to wait for the build before leaving "
                                                               "it to finish in the background (default: 10)")
    p.add_argument("-j", "--jobs", type=int, help="parallel workers (default: CPUs)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m symidx_tasks.freshness")
    sub = parser.add_subparsers(dest="command", required=True)
    add_watch_arguments(sub.add_parser("watch", help="keep the index fresh while files change"))
    add_rebuild_arguments(sub.add_parser("rebuild", help="the agent hook: rebuild after an edit"))
    child = sub.add_parser("_build", help=argparse.SUPPRESS)
    child.add_argument("--root", required=True)
    child.add_argument("--db", required=True)
    child.add_argument("--jobs", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "_build":
            from .runner import child_main

            return child_main(args.root, args.db, args.jobs)
        if args.command == "watch":
            from .watch import watch

            return watch(args.root, args.db, stop=args.stop, status=args.status, detach=args.detach,
                         debounce_ms=args.debounce_ms, jobs=args.jobs)
        from .rebuild import rebuild

        return rebuild(args.root, args.db, files=args.file, stdin=args.stdin, timeout=args.timeout, jobs=args.jobs)
    except SymidxError as exc:
        print(f"symidx: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
