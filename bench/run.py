"""Benchmark the index build on a generated monorepo or any tree.

    python bench/run.py --size small              # generate, measure, clean up
    python bench/run.py --tree ~/src/monorepo --reps 5

Each repetition measures, with doit as a subprocess (the way a user runs it):
full build with ``-n 1`` and with ``-n JOBS`` (from a clean state), the no-op
re-run, and a re-run after a one-file edit; in-process: the merge alone into a
fresh DB, the one edited package's extraction alone, and the pure tree-sitter
parse time of every file the index parses (the lower bound a build could
reach); and ``ctags`` (universal-ctags, when installed) over the same files.

Output: a Markdown table on stdout and in ``<out>/<name>.md``, all raw figures
in ``<out>/<name>.json``. Targets are printed PASS/FAIL beside the measured
ratio; the script exits 0 whatever they say (it reports, it does not gate).
See bench/README.md for what each number means.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(REPO))

from bench.generate import SIZES, edit_candidates, edit_file, generate  # noqa: E402
from symidx_tasks.config import load_config  # noqa: E402
from symidx_tasks.discover import Unit, discover  # noqa: E402
from symidx_tasks.discover.walk import DEFAULT_EXCLUDED_DIRS  # noqa: E402
from symidx_tasks.pipeline.action import MINIFIED_MEAN_LINE, extract_package  # noqa: E402
from symidx_tasks.extract.languages import parser_for  # noqa: E402
from symidx_tasks.store.merge import merge_results  # noqa: E402
from symidx_tasks.locations import results_dir  # noqa: E402

# Our language -> (ctags language, extensions ctags does not map by default).
CTAGS_LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "python": ("Python", (".pyi",)),
    "typescript": ("TypeScript", (".mts", ".cts")),
    "tsx": ("TypeScript", (".tsx",)),
    "javascript": ("JavaScript", (".cjs",)),
    "go": ("Go", ()),
    "rust": ("Rust", ()),
    "proto": ("Protobuf", ()),
    "java": ("Java", ()),
    "kotlin": ("Kotlin", ()),
    "ruby": ("Ruby", (".gemspec", ".rake")),
    "perl": ("Perl", ()),
}
MB = 1_000_000


class BenchError(RuntimeError):
    pass


# --------------------------------------------------------------------------
# Peak RSS of a process tree, sampled from /proc (no psutil).
# --------------------------------------------------------------------------


def _read_hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                out += [int(x) for x in f.read().split()]
        except (OSError, ValueError):
            pass
    return out


class RssSampler(threading.Thread):
    """Polls VmHWM (the kernel's own per-process peak RSS) of a process and its
    descendants. VmHWM only grows, so sampling misses at most the growth of the
    last interval before a process exits."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.root = pid
        self.interval = interval
        self.peaks_kb: dict[int, int] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def sample(self) -> None:
        todo = [self.root]
        seen: set[int] = set()
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            hwm = _read_hwm_kb(pid)
            if hwm is not None and hwm > self.peaks_kb.get(pid, 0):
                self.peaks_kb[pid] = hwm
            todo += _children(pid)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    @property
    def parent_mb(self) -> float | None:
        kb = self.peaks_kb.get(self.root)
        return None if kb is None else kb * 1024 / MB

    @property
    def worker_mb(self) -> float | None:
        others = [kb for pid, kb in self.peaks_kb.items() if pid != self.root]
        return max(others) * 1024 / MB if others else None


# --------------------------------------------------------------------------
# Measured steps
# --------------------------------------------------------------------------


def _cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def timed_process(cmd: list[str], cwd: Path, sample_rss: bool = True) -> dict[str, Any]:
    """Run cmd; wall, CPU of it and its descendants, peak RSS, its output."""
    cpu0 = _cpu_children()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = RssSampler(proc.pid) if sample_rss else None
    if sampler:
        sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if sampler:
        sampler.stop()
    cpu = _cpu_children() - cpu0
    if proc.returncode != 0:
        tail = (err or out).decode("utf-8", "replace")[-3000:]
        raise BenchError(f"{' '.join(cmd[:6])} ... exited {proc.returncode}:\n{tail}")
    return {
        "wall": wall, "cpu": cpu,
        "rss_parent_mb": sampler.parent_mb if sampler else None,
        "rss_worker_mb": sampler.worker_mb if sampler else None,
        "stdout": out.decode("utf-8", "replace"),
    }


@dataclass
class Inventory:
    """What the index sees in the tree (discovery runs in-process, once)."""

    units: list[Unit]
    files: int  # every file listed (parsed or not)
    parse_list: list[tuple[str, str]]  # (path, language) of every file the index parses
    parse_bytes: int
    max_file_size: int

    @property
    def packages(self) -> int:
        return len(self.units)


def take_inventory(tree: Path) -> Inventory:
    config = load_config(tree)
    found = discover(tree, config)
    parse_list, parse_bytes = [], 0
    for unit in found.units:
        for path, language, skip in unit.files:
            if language is None or skip is not None:
                continue
            data = (tree / path).read_bytes()
            # Same gates as extract_file: these files are listed, not parsed.
            if len(data) > config.max_file_size or b"\0" in data[:8192]:
                continue
            if len(data) >= 20_000 and len(data) / (data.count(b"\n") + 1) > MINIFIED_MEAN_LINE:
                continue
            parse_list.append((path, language))
            parse_bytes += len(data)
    return Inventory(found.units, found.file_count, parse_list, parse_bytes, config.max_file_size)


class Bench:
    def __init__(self, tree: Path, jobs: int, work: Path) -> None:
        self.tree = tree
        self.jobs = jobs
        self.work = work
        self.state = work / "state"
        self.db = self.state / "index" / "index.db"
        self.dep_file = self.state / "doit" / "deps.db"

    def clean(self) -> None:
        shutil.rmtree(self.state, ignore_errors=True)
        self.dep_file.parent.mkdir(parents=True)
        self.db.parent.mkdir(parents=True)

    def doit(self, jobs: int) -> dict[str, Any]:
        cmd = [
            sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "--db-file", str(self.dep_file),
            "-n", str(jobs), "index", f"root={self.tree}", f"db={self.db}",
        ]
        before = self._outputs()
        started = time.time()
        run = timed_process(cmd, REPO)
        ended = time.time()
        run.pop("stdout")
        after = self._outputs()
        # Which tasks ran, from their targets (rewritten when a task runs), not
        # from the reporter's output, whose format is the project's to change.
        written = [v[0] for k, v in after.items() if k != "@db" and before.get(k) != v]  # mtimes, ns
        run["packages_run"] = len(written)
        if written:
            # Where a full build's wall time goes: until the last result file was
            # written (start-up, discovery, the parallel extraction), then the tail
            # (the serial merge and doit's wrap-up).
            run["until_last_result_s"] = max(written) / 1e9 - started
            run["tail_s"] = ended - max(written) / 1e9
        run["merge_run"] = int(after.get("@db") != before.get("@db"))
        run["tasks_run"] = run["packages_run"] + run["merge_run"]
        return run

    def _outputs(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        results = results_dir(self.db)
        if results.is_dir():
            for entry in os.scandir(results):
                if entry.name.endswith(".json"):
                    st = entry.stat()
                    out[entry.name] = (st.st_mtime_ns, st.st_ino)
        try:
            st = self.db.stat()
            out["@db"] = (st.st_mtime_ns, st.st_ino)
        except FileNotFoundError:
            pass
        return out

    def db_counts(self) -> dict[str, int]:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("packages", "files", "symbols")}
        finally:
            conn.close()

    def merge_alone(self, inv: Inventory) -> float:
        """The merge of every current result file into a fresh DB, in-process."""
        where = self.work / "merge"
        shutil.rmtree(where, ignore_errors=True)
        # Hard links: the merge may tidy its results dir; the build's stays intact.
        shutil.copytree(results_dir(self.db), where / "results", copy_function=os.link)
        t0 = time.perf_counter()
        merge_results(db=str(where / "index.db"), results_dir=str(where / "results"),
                      keys=[u.key for u in inv.units], root=str(self.tree))
        seconds = time.perf_counter() - t0
        shutil.rmtree(where, ignore_errors=True)
        return seconds

    def one_package(self, unit: Unit, max_file_size: int) -> float:
        """One package task's action alone, in-process (grammars already warm)."""
        out = self.work / "one-package.json"
        t0 = time.perf_counter()
        extract_package(
            root=str(self.tree), key=unit.key, package=unit.package.to_json() if unit.package else None,
            files=[tuple(f) for f in unit.files], max_file_size=max_file_size, out=str(out),
        )
        seconds = time.perf_counter() - t0
        out.unlink(missing_ok=True)
        return seconds

    def edit_rerun(self, inv: Inventory, seed: int) -> dict[str, Any]:
        """Edit one source file, re-run, then put the file back exactly (bytes and times)."""
        # Among the files the index parses: an ignored or test file would re-run nothing.
        parsed = {p for p, _ in inv.parse_list}
        candidates = [p for p in edit_candidates(self.tree) if p in parsed]
        if not candidates:
            return {}
        rel = random.Random(f"symidx-bench-edit:{seed}").choice(candidates)
        path = self.tree / rel
        backup, st = path.read_bytes(), path.stat()
        try:
            edit_file(self.tree, rel)
            unit = _owner(inv, rel)
            run = self.doit(self.jobs)
            run["file"] = rel
            run["package"] = unit.key if unit else None
            run["package_files"] = len(unit.files) if unit else 0
            run["one_package_s"] = self.one_package(unit, inv.max_file_size) if unit else 0.0
            return run
        finally:
            path.write_bytes(backup)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _owner(inv: Inventory, rel: str) -> Unit | None:
    for unit in inv.units:
        if any(f[0] == rel for f in unit.files):
            return unit
    return None


def parse_only(tree: Path, inv: Inventory) -> float:
    """Sum of pure tree-sitter parse times of every file the index parses (reads not timed)."""
    for language in {lang for _, lang in inv.parse_list}:
        parser_for(language).parse(b"\n")  # load the grammar outside the timing
    total = 0.0
    for path, language in inv.parse_list:
        data = (tree / path).read_bytes()
        parser = parser_for(language)
        t0 = time.perf_counter()
        parser.parse(data)
        total += time.perf_counter() - t0
    return total


def ctags_info() -> str | None:
    exe = shutil.which("ctags")
    if exe is None:
        return None
    try:
        first = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10).stdout.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return None
    return first if "Universal Ctags" in first else None


def ctags_args(languages: set[str]) -> list[str]:
    names = sorted({CTAGS_LANGUAGES[lang][0] for lang in languages if lang in CTAGS_LANGUAGES})
    maps = [f"--map-{CTAGS_LANGUAGES[lang][0]}=+{ext}" for lang in sorted(languages) if lang in CTAGS_LANGUAGES
            for ext in CTAGS_LANGUAGES[lang][1]]
    return ["ctags", "-f", "/dev/null", "--sort=no", f"--languages={','.join(names)}", *maps]


def run_ctags(tree: Path, inv: Inventory, work: Path) -> dict[str, Any]:
    """Single-threaded ctags over exactly the files we parse (-L, one run per ctags
    language so a pathologically slow parser shows), and -R over the whole tree."""
    groups: dict[str, list[str]] = {}
    for path, language in inv.parse_list:
        if language in CTAGS_LANGUAGES:
            groups.setdefault(CTAGS_LANGUAGES[language][0], []).append(path)
    per_language: dict[str, float] = {}
    cpu = 0.0
    for name, paths in sorted(groups.items()):
        listing = work / f"ctags-{name}.txt"
        listing.write_text("".join(p + "\n" for p in paths), "utf-8")
        langs = {lang for lang, (ctags_name, _) in CTAGS_LANGUAGES.items() if ctags_name == name}
        run = timed_process([*ctags_args(langs), "-L", str(listing)], tree, sample_rss=False)
        per_language[name] = run["wall"]
        cpu += run["cpu"]
    excludes = [f"--exclude={d}" for d in sorted(DEFAULT_EXCLUDED_DIRS | {".git"})]
    whole = timed_process([*ctags_args({lang for _, lang in inv.parse_list}), "-R", *excludes, "."], tree, sample_rss=False)
    total = sum(per_language.values())
    return {
        "files_wall": total, "files_cpu": cpu, "per_language_wall": per_language,
        "files_wall_without_kotlin": total - per_language.get("Kotlin", 0.0),
        "R_wall": whole["wall"], "R_cpu": whole["cpu"],
    }


# --------------------------------------------------------------------------
# Repetitions, summary, report
# --------------------------------------------------------------------------


def one_rep(bench: Bench, inv: Inventory, rep: int, have_ctags: bool, log: Callable[[str], None]) -> dict[str, Any]:
    rec: dict[str, Any] = {"rep": rep}
    log(f"rep {rep + 1}: full build -n 1")
    bench.clean()
    rec["full_1"] = bench.doit(1)
    log(f"rep {rep + 1}: full build -n {bench.jobs}")
    bench.clean()
    rec["full_n"] = bench.doit(bench.jobs)
    rec["counts"] = bench.db_counts()
    log(f"rep {rep + 1}: merge alone")
    rec["merge_alone_s"] = bench.merge_alone(inv)
    log(f"rep {rep + 1}: no-op re-run")
    rec["noop"] = bench.doit(bench.jobs)
    log(f"rep {rep + 1}: parse only")
    rec["parse_only_s"] = parse_only(bench.tree, inv)
    log(f"rep {rep + 1}: one-file edit re-run")
    rec["edit"] = bench.edit_rerun(inv, seed=rep)
    if have_ctags:
        log(f"rep {rep + 1}: ctags")
        rec["ctags"] = run_ctags(bench.tree, inv, bench.work)
    one, many = rec["full_1"], rec["full_n"]
    if "tail_s" in one and "tail_s" in many:
        rec["phases"] = {
            "extraction_speedup": one["until_last_result_s"] / many["until_last_result_s"],
            # Amdahl: the -n 1 build with its tail kept serial and the rest spread over the jobs.
            "ceiling_speedup": one["wall"] / (one["tail_s"] + (one["wall"] - one["tail_s"]) / bench.jobs),
            "tail_share_pct": 100 * one["tail_s"] / one["wall"],
        }
    for key in ("full_1", "full_n"):
        run = rec[key]
        wall = run["wall"]
        run["packages_per_s"] = inv.packages / wall
        run["files_per_s"] = inv.files / wall
        run["mb_per_s"] = inv.parse_bytes / MB / wall
        run["symbols_per_s"] = rec["counts"]["symbols"] / wall
    return rec


def _get(rec: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(rec, dict) or part not in rec:
            return None
        rec = rec[part]
    return rec


def stat(values: list[float | None]) -> dict[str, float] | None:
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}


def summarise(reps: list[dict[str, Any]], jobs: int) -> tuple[list[tuple[str, str, dict | None]], list[dict[str, Any]]]:
    """Rows (label, unit, stat) for the table, and the targets."""
    n = jobs
    rows_spec = [
        ("full build -n 1: wall", "s", "full_1.wall"),
        ("full build -n 1: CPU", "s", "full_1.cpu"),
        ("full build -n 1: peak RSS, doit process", "MB", "full_1.rss_parent_mb"),
        ("full build -n 1: peak RSS, the worker", "MB", "full_1.rss_worker_mb"),
        (f"full build -n {n}: wall", "s", "full_n.wall"),
        (f"full build -n {n}: CPU", "s", "full_n.cpu"),
        (f"full build -n {n}: peak RSS, doit process", "MB", "full_n.rss_parent_mb"),
        (f"full build -n {n}: peak RSS, largest worker", "MB", "full_n.rss_worker_mb"),
        (f"full build -n {n}: packages/s", "/s", "full_n.packages_per_s"),
        (f"full build -n {n}: files/s", "/s", "full_n.files_per_s"),
        (f"full build -n {n}: MB/s (parsed source)", "MB/s", "full_n.mb_per_s"),
        (f"full build -n {n}: symbols/s", "/s", "full_n.symbols_per_s"),
        ("full build -n 1: MB/s (parsed source)", "MB/s", "full_1.mb_per_s"),
        ("full build -n 1: until the last result file", "s", "full_1.until_last_result_s"),
        ("full build -n 1: tail after it (merge, wrap-up)", "s", "full_1.tail_s"),
        (f"full build -n {n}: until the last result file", "s", "full_n.until_last_result_s"),
        (f"full build -n {n}: tail after it (merge, wrap-up)", "s", "full_n.tail_s"),
        ("tail share of the -n 1 build", "%", "phases.tail_share_pct"),
        (f"speed-up -n {n} / -n 1 until the last result", "x", "phases.extraction_speedup"),
        (f"speed-up ceiling with that serial tail (Amdahl, {n} jobs)", "x", "phases.ceiling_speedup"),
        (f"no-op re-run -n {n}: wall", "s", "noop.wall"),
        (f"no-op re-run -n {n}: CPU", "s", "noop.cpu"),
        (f"no-op re-run -n {n}: tasks run", "n", "noop.tasks_run"),
        (f"one-file edit re-run -n {n}: wall", "s", "edit.wall"),
        (f"one-file edit re-run -n {n}: tasks run", "n", "edit.tasks_run"),
        ("edited package alone (in-process extract)", "s", "edit.one_package_s"),
        ("merge alone (fresh DB, in-process)", "s", "merge_alone_s"),
        ("tree-sitter parse only, sum over files (1 core)", "s", "parse_only_s"),
        ("ctags, same files (-L), 1 core", "s", "ctags.files_wall"),
        ("ctags, same files without Kotlin, 1 core", "s", "ctags.files_wall_without_kotlin"),
        ("ctags -R over the tree, 1 core", "s", "ctags.R_wall"),
    ]
    rows = [(label, unit, stat([_get(r, path) for r in reps])) for label, unit, path in rows_spec]

    def per_rep(fn: Callable[[dict[str, Any]], float | None]) -> dict[str, float] | None:
        out = []
        for r in reps:
            try:
                out.append(fn(r))
            except (TypeError, KeyError, ZeroDivisionError):
                out.append(None)
        return stat(out)

    speed_goal = 0.9 * n  # the "-n 2 >= 1.8x", scaled for other job counts
    targets = [
        _target(f"-n {n} full build speed-up over -n 1", per_rep(lambda r: r["full_1"]["wall"] / r["full_n"]["wall"]),
                "x", f">= {speed_goal:.1f}x", lambda v: v >= speed_goal),
        _target(f"-n {n} full build / parse-only bound (parse sum / {n})",
                per_rep(lambda r: r["full_n"]["wall"] / (r["parse_only_s"] / n)), "x", "<= 1.3x", lambda v: v <= 1.3),
        _target(f"-n {n} full build / ctags (same files, 1 core)",
                per_rep(lambda r: r["full_n"]["wall"] / r["ctags"]["files_wall"]), "x", "<= 3x", lambda v: v <= 3.0),
        _target(f"-n {n} full build / ctags without Kotlin (info: its Kotlin parser is slow)",
                per_rep(lambda r: r["full_n"]["wall"] / r["ctags"]["files_wall_without_kotlin"]), "x", "<= 3x",
                lambda v: v <= 3.0),
        _target(f"no-op re-run / -n {n} full build", per_rep(lambda r: 100 * r["noop"]["wall"] / r["full_n"]["wall"]),
                "%", "<= 3 %", lambda v: v <= 3.0),
        _target("no-op re-run wall", per_rep(lambda r: r["noop"]["wall"]), "s", "< 1.5 s", lambda v: v < 1.5),
        _target("one-file edit / (no-op + edited package alone)",
                per_rep(lambda r: r["edit"]["wall"] / (r["noop"]["wall"] + r["edit"]["one_package_s"])),
                "x", "<= 1.3x", lambda v: v <= 1.3),
    ]
    return rows, targets


def _target(name: str, s: dict[str, float] | None, unit: str, goal: str, ok: Callable[[float], bool]) -> dict[str, Any]:
    if s is None:
        return {"target": name, "measured": None, "goal": goal, "status": "n/a", "unit": unit}
    return {"target": name, "measured": s, "goal": goal, "unit": unit, "status": "PASS" if ok(s["median"]) else "FAIL"}


def _fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "—"
    if unit == "n":
        return f"{v:g}"
    if unit in ("/s",):
        return f"{v:,.0f}"
    if unit == "%":
        return f"{v:.1f}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if unit != "x" else f"{v:.2f}"


def markdown(header: dict[str, Any], rows: list, targets: list[dict[str, Any]]) -> str:
    lines = [f"### symidx bench: {header['name']}", ""]
    lines.append(
        f"{header['packages']} packages, {header['files']:,} files, {header['parse_files']:,} parsed "
        f"({header['parse_bytes'] / MB:.1f} MB), {header['symbols']:,} symbols; -n {header['jobs']} on "
        f"{header['cpus']} CPUs; {header['reps']} reps (median, min–max); 1-min load average "
        f"{header['loadavg_1min'][0]:.2f} before, {header['loadavg_1min'][1]:.2f} after."
    )
    lines += ["", "| measure | median | min–max |", "|---|---:|---:|"]
    for label, unit, s in rows:
        if s is None:
            lines.append(f"| {label} | — | |")
            continue
        u = f" {unit}" if unit and unit not in ("/s", "n") else ""
        lines.append(f"| {label} | {_fmt(s['median'], unit)}{u} | {_fmt(s['min'], unit)}–{_fmt(s['max'], unit)} |")
    if header.get("ctags_per_language_s"):
        per = ", ".join(f"{k} {v:.2f}" for k, v in header["ctags_per_language_s"].items())
        lines += ["", f"ctags per language, same files (median s): {per}."]
    lines += ["", "| target | measured (median, min–max) | goal | result |", "|---|---:|---|---|"]
    for t in targets:
        m = t["measured"]
        shown = "—" if m is None else f"{_fmt(m['median'], t['unit'])}{t['unit']} ({_fmt(m['min'], t['unit'])}–{_fmt(m['max'], t['unit'])})"
        lines.append(f"| {t['target']} | {shown} | {t['goal']} | {t['status']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the symidx index build.")
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--size", choices=sorted(SIZES), help="generate a synthetic monorepo of this size (default small)")
    src.add_argument("--tree", type=Path, help="measure this tree instead (its files are edited and restored)")
    ap.add_argument("--seed", type=int, default=0, help="generator seed")
    ap.add_argument("--packages", type=int, default=None, help="override the generated size's package count")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="doit -n for the parallel runs (default: CPUs)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    ap.add_argument("--no-git", action="store_true", help="do not make the generated tree a git work tree")
    ap.add_argument("--keep", action="store_true", help="keep the generated tree and the index state")
    args = ap.parse_args(argv)
    log = lambda msg: print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)  # noqa: E731

    work = Path(tempfile.mkdtemp(prefix="symidx-bench-"))
    gen_stats = None
    try:
        if args.tree is not None:
            tree = args.tree.resolve()
            if not tree.is_dir():
                raise BenchError(f"--tree {tree}: not a directory")
            name = tree.name or "tree"
        else:
            size = args.size or "small"
            name = size
            tree = work / "tree"
            log(f"generating {size} monorepo (seed {args.seed}) in {tree}")
            gen_stats = generate(tree, size, args.seed, args.packages)
            log(f"generated {gen_stats['files']:,} files, {gen_stats['bytes'] / MB:.1f} MB in {gen_stats['seconds']:.1f}s")
            if not args.no_git and shutil.which("git"):
                # A real monorepo is a git work tree: discovery then lists files with git ls-files.
                subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
                subprocess.run(["git", "add", "-A"], cwd=tree, check=True)
        inv = take_inventory(tree)
        log(f"{inv.packages} package tasks, {inv.files:,} files, {len(inv.parse_list):,} to parse ({inv.parse_bytes / MB:.1f} MB)")
        ctags = ctags_info()
        if ctags is None:
            log("universal-ctags not found: the ctags comparison is skipped")
        bench = Bench(tree, args.jobs, work)
        load_start = os.getloadavg()[0]
        if load_start > 0.5 * (os.cpu_count() or 1):
            log(f"load average {load_start:.2f} on {os.cpu_count()} CPUs: other work will inflate wall times")
        reps = [one_rep(bench, inv, rep, ctags is not None, log) for rep in range(args.reps)]
        load_end = os.getloadavg()[0]
        rows, targets = summarise(reps, args.jobs)
        header = {
            "name": name, "tree": str(tree) if args.tree is not None else None, "generated": gen_stats,
            "packages": inv.packages, "files": inv.files, "parse_files": len(inv.parse_list), "parse_bytes": inv.parse_bytes,
            "symbols": reps[-1]["counts"]["symbols"] if reps else 0, "jobs": args.jobs, "cpus": os.cpu_count(),
            "reps": args.reps, "ctags": ctags, "loadavg_1min": [round(load_start, 2), round(load_end, 2)], "python": platform.python_version(), "platform": platform.platform(),
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        langs = sorted({lang for r in reps for lang in (_get(r, "ctags.per_language_wall") or {})})
        header["ctags_per_language_s"] = {
            lang: statistics.median(r["ctags"]["per_language_wall"][lang] for r in reps) for lang in langs
        }
        table = markdown(header, rows, targets)
        args.out.mkdir(parents=True, exist_ok=True)
        report = {
            **header, "summary": {label: s for label, _, s in rows}, "targets": targets, "runs": reps,
        }
        (args.out / f"{name}.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", "utf-8")
        (args.out / f"{name}.md").write_text(table, "utf-8")
        print(table)
        log(f"wrote {args.out / (name + '.json')} and {name}.md")
        return 0
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
