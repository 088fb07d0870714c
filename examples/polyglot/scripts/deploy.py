#!/usr/bin/env python3
"""Roll out the shop's services; lives outside every package on purpose."""
import argparse
import subprocess
import sys

SERVICES = ("gateway", "billing", "inventory", "shipping")


def deploy(service: str, environment: str, dry_run: bool = False) -> int:
    """Deploys one service with the platform CLI; returns its exit code."""
    command = ["platform", "deploy", service, "--env", environment]
    if dry_run:
        print(" ".join(command))
        return 0
    return subprocess.call(command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("environment", choices=["staging", "production"])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    return max(deploy(s, args.environment, args.dry_run) for s in SERVICES)


if __name__ == "__main__":
    sys.exit(main())
