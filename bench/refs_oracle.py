"""Reference quality on a real tree, against language-native oracles (issue #12).

    python bench/real.py --shape mixed --out /tmp/real-mixed
    python bench/refs_oracle.py /tmp/real-mixed [--lang python,ts] [--db F --reuse] [--json]

Builds the symidx index of the tree, asks an oracle which definition each use
names and compares with symidx's ``ref_targets``:

- Python (bench/refs_oracle_py.py): ``ast`` plus import resolution.
- TypeScript/JavaScript (bench/refs_oracle_ts.cjs): the TypeScript compiler
  API, ``typescript@TS_VERSION`` installed with npm under the bench cache
  (``$SYMIDX_BENCH_CACHE/node``, default ~/.cache/symidx-bench/node).

An oracle *edge* is a use whose definition the oracle knows in the tree (for
TypeScript: in another file of it). The oracle also has an opinion where it
knows a use names no symbol of the tree (a local variable, a builtin, an outside
module's name). Per language and resolution rule (import, package, dependency,
name):

- precision = symidx references with targets, at positions the oracle has an
  opinion on, whose targets include the oracle's / those references
  (``target precision``: the same counted per target);
- recall = oracle edges where symidx has a reference at the same position with
  the oracle's target among its targets / oracle edges (per rule: the share
  found through that rule).

A target agrees when it is in the oracle's file, on the line of the definition
or between its first decorator (or ``export``) and its name.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.refs_oracle_py import Def, Opinion, PythonOracle  # noqa: E402

TS_VERSION = "5.5.4"
HOWS = ("import", "package", "dependency", "name")
LANGS = {"python": ("python",), "ts": ("typescript", "tsx", "javascript")}
TS_SCRIPT = Path(__file__).resolve().parent / "refs_oracle_ts.cjs"
Key = tuple[str, int, int]  # file, line (1-based), column (0-based, code points)


class OracleUnavailable(RuntimeError):
    pass


@dataclass
class Ref:
    """One symidx reference and its resolved targets: (file, line, how)."""

    name: str
    kind: str
    targets: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def how(self) -> str | None:
        return self.targets[0][2] if self.targets else None


def load_refs(db: Path, languages: Iterable[str]) -> tuple[dict[Key, Ref], list[str], set[tuple[str, int]]]:
    """symidx's references in files of ``languages`` by position, those files,
    and the (file, line) of every symbol."""
    conn = sqlite3.connect(db)
    marks = ",".join("?" * len(tuple(languages)))
    files = [r[0] for r in conn.execute(
        f"SELECT path FROM files WHERE language IN ({marks}) AND status IN ('parsed', 'partial') ORDER BY path",
        tuple(languages))]
    refs: dict[Key, Ref] = {}
    rows = conn.execute(
        "SELECT r.file_path, r.line, r.col, r.name, r.kind, s.file_path, s.line, t.how FROM refs r"
        f" JOIN files f ON f.path = r.file_path AND f.language IN ({marks})"
        " LEFT JOIN ref_targets t ON t.ref_id = r.id LEFT JOIN symbols s ON s.id = t.symbol_id"
        " ORDER BY r.id, s.file_path, s.line", tuple(languages))
    for file, line, col, name, kind, s_file, s_line, how in rows:
        ref = refs.setdefault((file, line, col), Ref(name, kind))
        if s_file is not None:
            ref.targets.append((s_file, s_line, how))
    symbols = set(conn.execute("SELECT file_path, line FROM symbols"))
    conn.close()
    return refs, files, symbols


def python_opinions(root: Path, files: list[str]) -> dict[Key, Opinion]:
    oracle = PythonOracle(root, [f for f in files if f.endswith(".py")])
    found: dict[Key, Opinion] = {}
    for file in sorted(oracle.files):
        found.update(oracle.opinions(file))
    return found


# ------------------------------------------------------------------ TypeScript


def default_node_dir() -> Path:
    return Path(os.environ.get("SYMIDX_BENCH_CACHE") or Path.home() / ".cache" / "symidx-bench") / "node"


def ensure_typescript(node_dir: Path, install: bool = True) -> Path:
    """The directory holding node_modules/typescript at TS_VERSION (installed with npm if missing)."""
    if shutil.which("node") is None:
        raise OracleUnavailable("node is not on PATH")
    manifest = node_dir / "node_modules" / "typescript" / "package.json"
    if manifest.exists() and json.loads(manifest.read_text())["version"] == TS_VERSION:
        return node_dir
    if not install or shutil.which("npm") is None:
        raise OracleUnavailable(f"typescript@{TS_VERSION} is not installed in {node_dir}")
    node_dir.mkdir(parents=True, exist_ok=True)
    if not (node_dir / "package.json").exists():
        (node_dir / "package.json").write_text('{"private": true}\n')
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(node_dir),
                           f"typescript@{TS_VERSION}"], capture_output=True, text=True)
    if done.returncode != 0:
        raise OracleUnavailable(f"npm install typescript@{TS_VERSION} failed: {done.stderr.strip()[-500:]}")
    return node_dir


def npm_paths(db: Path) -> dict[str, list[str]]:
    """TypeScript ``paths`` mapping the tree's npm package names to their directories."""
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT name, path FROM packages WHERE kind = 'npm' ORDER BY path").fetchall()
    conn.close()
    paths: dict[str, list[str]] = {}
    for name, path in rows:
        paths.setdefault(name, [path])  # duplicates: the first, as symidx's internal dependencies
        paths.setdefault(f"{name}/*", [f"{path}/*"])
    return paths


def ts_opinions(root: Path, files: list[str], refs: dict[Key, Ref], paths: dict[str, list[str]],
                node_dir: Path) -> dict[Key, Opinion]:
    """Run the Node oracle on ``files``; asks about the positions symidx resolved."""
    ask: dict[str, list[str]] = {}
    for (file, line, col), ref in refs.items():
        if ref.targets:
            ask.setdefault(file, []).append(f"{line}:{col}")
    with tempfile.TemporaryDirectory(prefix="refs-oracle-") as tmp:
        spec = Path(tmp) / "input.json"
        spec.write_text(json.dumps({"root": str(root.resolve()), "files": files, "paths": paths, "ask": ask}))
        out = Path(tmp) / "out.jsonl"
        with out.open("w") as sink:
            done = subprocess.run(["node", "--max-old-space-size=8192", str(TS_SCRIPT), str(node_dir), str(spec)],
                                  stdout=sink, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            error = done.stderr.strip().splitlines()
            raise OracleUnavailable("the TypeScript oracle failed: " + " / ".join(error[:6]))
        found: dict[Key, Opinion] = {}
        with out.open() as lines:
            for text in lines:
                file, line, col, name, kind, targets, _outside = json.loads(text)
                found[(file, line, col)] = Opinion(name, kind, tuple((t[0], t[1], t[2]) for t in targets))
    return found


# ------------------------------------------------------------------ comparison


def agrees(target: tuple[str, int, str], oracle: tuple[Def, ...]) -> bool:
    return any(target[0] == f and lo <= target[1] <= hi for f, lo, hi in oracle)


def scope(key: Key, opinion: Opinion) -> str:
    return "other file" if any(t[0] != key[0] for t in opinion.targets) else "same file"


def compare(opinions: dict[Key, Opinion], refs: dict[Key, Ref], is_edge: Callable[[Key, Opinion], bool],
            symbols: set[tuple[str, int]], examples: int = 5) -> dict[str, Any]:
    """Precision and recall of ``refs`` against ``opinions`` (see the module
    docstring). A miss whose definition symidx does not index as a symbol at
    all (``symbols``: (file, line) of each) is counted apart: no resolution
    could have found it."""
    judged, agreed, t_judged, t_agreed = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    edges, found, missed, by_scope, scope_found = 0, Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    by_kind, kind_found = Counter[str](), Counter[str]()
    wrong: dict[str, list[str]] = {}
    misses: dict[str, list[str]] = {}
    for key, opinion in sorted(opinions.items()):
        ref = refs.get(key)
        if ref is not None and ref.how is not None:
            how = ref.how
            good = [t for t in ref.targets if agrees(t, opinion.targets)]
            judged[how] += 1
            agreed[how] += bool(good)
            t_judged[how] += len(ref.targets)
            t_agreed[how] += len(good)
            if not good:
                wrong.setdefault(how, []).append(_describe(key, opinion, ref))
        if not is_edge(key, opinion):
            continue
        edges += 1
        by_scope[scope(key, opinion)] += 1
        by_kind[opinion.kind] += 1
        hit = [t for t in ref.targets if agrees(t, opinion.targets)] if ref is not None else []
        if hit:
            found[hit[0][2]] += 1
            scope_found[scope(key, opinion)] += 1
            kind_found[opinion.kind] += 1
            continue
        if not any((f, line) in symbols for f, lo, hi in opinion.targets for line in range(lo, hi + 1)):
            reason = "definition not a symbol"
        else:
            reason = "no reference" if ref is None else "unresolved" if not ref.targets else "other targets"
        missed[reason] += 1
        misses.setdefault(reason, []).append(_describe(key, opinion, ref))
    rules = {how: _rule(how, judged, agreed, t_judged, t_agreed, found, edges) for how in ("all", *HOWS)}
    return {
        "opinions": len(opinions), "edges": edges, "rules": rules, "missed": dict(missed),
        "recall_of_symbols": _ratio(sum(found.values()), edges - missed["definition not a symbol"]),
        "recall_by_scope": {s: [scope_found[s], n, _ratio(scope_found[s], n)] for s, n in sorted(by_scope.items())},
        "recall_by_kind": {k: [kind_found[k], n, _ratio(kind_found[k], n)] for k, n in sorted(by_kind.items())},
        "wrong_examples": {h: w[:examples] for h, w in wrong.items()},
        "miss_examples": {r: m[:examples] for r, m in misses.items()},
    }


def _rule(how: str, judged: Counter[str], agreed: Counter[str], t_judged: Counter[str], t_agreed: Counter[str],
          found: Counter[str], edges: int) -> dict[str, Any]:
    def pick(counts: Counter[str]) -> int:
        return sum(counts.values()) if how == "all" else counts[how]

    return {"judged": pick(judged), "agree": pick(agreed), "precision": _ratio(pick(agreed), pick(judged)),
            "targets": pick(t_judged), "target_precision": _ratio(pick(t_agreed), pick(t_judged)),
            "found": pick(found), "recall": _ratio(pick(found), edges)}


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _describe(key: Key, opinion: Opinion, ref: Ref | None) -> str:
    oracle = ", ".join(f"{f}:{hi}" for f, _, hi in opinion.targets) or "no symbol of the tree"
    got = "no reference" if ref is None else ", ".join(f"{f}:{line}" for f, line, _ in ref.targets) or "unresolved"
    return f"{key[0]}:{key[1]}:{key[2]} {opinion.name} ({opinion.kind}): oracle {oracle}; symidx {got}"


def markdown(results: dict[str, dict[str, Any]]) -> str:
    def pct(x: float | None) -> str:
        return "–" if x is None else f"{100 * x:.1f} %"

    out = ["| language | rule | refs judged | precision | target precision | edges found | recall |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for lang, res in results.items():
        if "error" in res:
            out.append(f"| {lang} | – | oracle unavailable: {res['error']} | | | | |")
            continue
        for how, r in res["rules"].items():
            edges = f"{r['found']} / {res['edges']}" if how == "all" else str(r["found"])
            out.append(f"| {lang} | {how} | {r['judged']} | {pct(r['precision'])} | {pct(r['target_precision'])}"
                       f" | {edges} | {pct(r['recall'])} |")
    for lang, res in results.items():
        if "error" not in res:
            scopes = "; ".join(f"{s} {a}/{n} ({pct(x)})" for s, (a, n, x) in res["recall_by_scope"].items())
            kinds = "; ".join(f"{k} {a}/{n} ({pct(x)})" for k, (a, n, x) in res["recall_by_kind"].items())
            out.append(f"\n{lang}: recall by scope: {scopes}. By oracle kind: {kinds}. "
                       f"Misses: {', '.join(f'{r} {n}' for r, n in sorted(res['missed'].items()))}; "
                       f"recall of the edges whose definition is a symbol: {pct(res['recall_of_symbols'])}.")
    return "\n".join(out)


def build_index(root: Path, db: Path, jobs: int) -> None:
    from symidx_tasks.pipeline.build import build

    code = build(root, db, jobs=jobs, cache="off", out=sys.stderr)
    if code != 0:
        raise SystemExit(f"symidx build failed ({code})")


def run(root: Path, db: Path, langs: list[str], node_dir: Path, examples: int = 5) -> dict[str, dict[str, Any]]:
    """Compare symidx's index ``db`` of ``root`` with the oracles of ``langs`` ("python", "ts")."""
    results: dict[str, dict[str, Any]] = {}
    for lang in langs:
        refs, files, symbols = load_refs(db, LANGS[lang])
        if lang == "python":
            opinions = python_opinions(root, files)
            results[lang] = compare(opinions, refs, lambda k, o: bool(o.targets), symbols, examples)
            continue
        try:
            opinions = ts_opinions(root, files, refs, npm_paths(db), ensure_typescript(node_dir))
        except OracleUnavailable as exc:
            results[lang] = {"error": str(exc)}
            continue
        results[lang] = compare(opinions, refs, lambda k, o: scope(k, o) == "other file", symbols, examples)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Reference quality of a symidx index against language-native oracles.")
    ap.add_argument("tree", type=Path)
    ap.add_argument("--lang", default="python,ts", help="comma-separated: python, ts (default both)")
    ap.add_argument("--db", type=Path, help="index to build (default: a temporary file)")
    ap.add_argument("--reuse", action="store_true", help="use --db as it is, without building")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--node-dir", type=Path, default=None, help="where typescript is installed (default: the cache)")
    ap.add_argument("--examples", type=int, default=5, help="disagreements kept per rule and per miss reason")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)
    langs = [lang for lang in args.lang.split(",") if lang]
    if unknown := set(langs) - set(LANGS):
        ap.error(f"unknown --lang {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="refs-oracle-db-") as tmp:
        db = args.db or Path(tmp) / "index.db"
        if not args.reuse:
            build_index(args.tree, db, args.jobs)
        results = run(args.tree, db, langs, args.node_dir or default_node_dir(), args.examples)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print(markdown(results))
        for lang, res in results.items():
            for title, groups in (("disagreements", res.get("wrong_examples", {})),
                                  ("misses", res.get("miss_examples", {}))):
                for group, items in groups.items():
                    print(f"\n{lang} {title} ({group}):", *items, sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
