"""Package tasks on Dask against doit's own multiprocess runner.

    python bench/dask_bench.py                      # both measurements, Markdown on stdout
    python bench/dask_bench.py --tiny 300 --packages 50 --reps 3

1. Overhead per task: a tree of ``--tiny`` packages of one small file each
   (extraction ~0, so the wall time is dispatch), built from scratch with
   ``doit -n W`` (doit's MRunner) and on a LocalCluster of W worker processes
   (started before the clock starts: a long-lived cluster is the use case).
2. Scaling: a generated tree (bench/generate.py, ``--packages``) built with
   ``doit -n 1`` / ``-n 2`` and on LocalClusters of 1, 2 and 4 workers.

Every build starts from nothing (its own DB, results and dep file); the tree is
shared. Figures are the median of ``--reps``; progress goes to stderr.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate  # noqa: E402
from symidx_tasks.pipeline.build import build, task_loader  # noqa: E402
from symidx_tasks.pipeline.dask_command import Cluster, DaskSettings, dask_main  # noqa: E402
from symidx_tasks.pipeline.dask_packages import PackageOffload  # noqa: E402


def tiny_tree(root: Path, packages: int) -> None:
    for i in range(packages):
        pkg = root / "pkgs" / f"p{i:04d}"
        pkg.mkdir(parents=True)
        (pkg / "package.json").write_text(json.dumps({"name": f"p{i:04d}", "version": "1.0.0"}) + "\n")
        (pkg / "index.js").write_text(f"export function f{i}(x) {{\n  return x + {i};\n}}\n")


class Runs:
    """Fresh index directories under one scratch directory."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.count = 0

    def db(self) -> Path:
        self.count += 1
        return self.scratch / f"run{self.count}" / "index.db"


def timed(run: Callable[[], int], reps: int, label: str) -> float:
    seconds = []
    for _ in range(reps):
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # the merge task prints its summary
            code = run()
        seconds.append(time.perf_counter() - started)
        if code != 0:
            raise SystemExit(f"{label}: build failed ({code})")
    print(f"  {label}: {statistics.median(seconds):.2f}s", file=sys.stderr)
    return statistics.median(seconds)


def doit_build(root: Path, runs: Runs, jobs: int) -> Callable[[], int]:
    return lambda: build(root, runs.db(), jobs=jobs, out=io.StringIO())


def dask_build(root: Path, runs: Runs, cluster: Cluster) -> Callable[[], int]:
    def run() -> int:
        loader = task_loader(root, runs.db(), outfile=io.StringIO())
        return int(dask_main(loader, cluster, PackageOffload()).run(["run", "index"]))
    return run


def with_cluster(workers: int, body: Callable[[Cluster], float]) -> float:
    cluster = Cluster(DaskSettings(workers=workers))
    try:
        cluster.client().wait_for_workers(workers, timeout=120)
        return body(cluster)
    finally:
        cluster.close()


def count_packages(root: Path, runs: Runs) -> int:
    db = runs.db()
    with contextlib.redirect_stdout(io.StringIO()):
        build(root, db, jobs=0, out=io.StringIO())
    return len(list((db.parent / "results").glob("*.json")))


def overhead(scratch: Path, tiny: int, reps: int, workers: int) -> list[str]:
    root = scratch / "tiny"
    tiny_tree(root, tiny)
    runs = Runs(scratch / "tiny-runs")
    tasks = count_packages(root, runs)
    print(f"overhead: {tasks} one-file packages, {workers} workers", file=sys.stderr)
    local = timed(doit_build(root, runs, workers), reps, f"doit -n {workers}")
    remote = with_cluster(workers, lambda c: timed(dask_build(root, runs, c), reps, f"dask {workers} workers"))
    return [
        f"### Overhead per task ({tasks} one-file packages, {workers} workers, median of {reps})",
        "",
        "| runner | wall | per task |",
        "|---|---|---|",
        f"| doit -n {workers} (multiprocess) | {local:.2f} s | {1000 * local / tasks:.1f} ms |",
        f"| Dask LocalCluster, {workers} workers | {remote:.2f} s | {1000 * remote / tasks:.1f} ms |",
        "",
        f"Dask / doit: {remote / local:.2f}x; extra per task: {1000 * (remote - local) / tasks:.1f} ms.",
    ]


def scaling(scratch: Path, packages: int, reps: int) -> list[str]:
    root = scratch / "tree"
    stats = generate(root, size="small", seed=0, packages=packages)
    runs = Runs(scratch / "tree-runs")
    print(f"scaling: generated tree {json.dumps(stats)[:200]}", file=sys.stderr)
    rows: list[tuple[str, float]] = []
    for jobs in (1, 2):
        rows.append((f"doit -n {jobs}", timed(doit_build(root, runs, jobs), reps, f"doit -n {jobs}")))
    for workers in (1, 2, 4):
        label = f"Dask, {workers} worker{'s' if workers > 1 else ''}"

        def measure(cluster: Cluster, label: str = label) -> float:
            return timed(dask_build(root, runs, cluster), reps, label)

        rows.append((label, with_cluster(workers, measure)))
    base = rows[0][1]
    lines = [
        f"### Scaling (generated tree, {packages} packages, median of {reps})",
        "",
        "| runner | wall | speed-up vs doit -n 1 |",
        "|---|---|---|",
    ]
    lines += [f"| {label} | {seconds:.2f} s | {base / seconds:.2f}x |" for label, seconds in rows]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", type=int, default=200, help="one-file packages for the overhead run (default 200)")
    parser.add_argument("--packages", type=int, default=30, help="packages of the generated tree (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="parallelism of the overhead run (default 2)")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--skip", choices=("overhead", "scaling"), action="append", default=[])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="symidx-dask-bench-") as tmp:
        lines: list[str] = []
        if "overhead" not in args.skip:
            lines += overhead(Path(tmp), args.tiny, args.reps, args.workers) + [""]
        if "scaling" not in args.skip:
            lines += scaling(Path(tmp), args.packages, args.reps)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
