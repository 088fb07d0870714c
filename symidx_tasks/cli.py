"""`symidx` command line."""
from __future__ import annotations

import argparse
import sys

from .store.db import DatabaseError, connect_reader
from .store.dump import dump_lines
from .tasks import DEFAULT_DB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="symidx", description="Query a symidx monorepo index.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("dump", help="canonical sorted text dump of the whole index (for diffs and tests)")
    p.add_argument("--db", default=DEFAULT_DB)
    args = parser.parse_args(argv)
    try:
        if args.command == "dump":
            conn = connect_reader(args.db)
            out = sys.stdout
            for line in dump_lines(conn):
                out.write(line + "\n")
    except DatabaseError as exc:
        print(f"symidx: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
