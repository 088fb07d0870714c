"""Text output of the read commands, for people: one renderer per answer shape.

A renderer gets the answer, the parameters it was asked with, stdout and
stderr. Rows go to stdout; "nothing found" and "more on the next page" notes go
to stderr, so stdout stays clean for pipes. The text may change; the JSON
(``--json``) is the stable interface.
"""
from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any, TextIO

from ..query.answers import (
    CallerRow,
    CallersPage,
    DefinitionRow,
    Dependencies,
    DependencyPath,
    Dependents,
    FileRow,
    FileSymbols,
    Graph,
    PackageDetail,
    PackageSummary,
    Page,
    ReferenceRow,
    SearchPage,
    Status,
    SymbolRow,
    WarningRow,
)

Params = Mapping[str, Any]


def table(rows: list[list[str]], out: TextIO, notes: list[str | None] | None = None) -> None:
    """Columns separated by two spaces, all but the last padded; ``notes[i]``
    (a doc comment) printed indented on its own line below row i."""
    if not rows:
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for i, r in enumerate(rows):
        cells = [c.ljust(w) for c, w in zip(r, widths, strict=False)] + [r[-1]]
        out.write("  ".join(cells).rstrip() + "\n")
        if notes and notes[i]:
            out.write(f"    {notes[i]}\n")


def note(err: TextIO, message: str) -> None:
    err.write(f"symidx: {message}\n")


def more(result: Page[Any], err: TextIO, what: str) -> None:
    shown = len(result["results"])
    if result["next_offset"] is not None:
        note(err, f"showing {result['offset'] + 1}-{result['offset'] + shown} of {result['total']} {what}"
                  f" (more with --offset {result['next_offset']} or a larger --limit)")


def pkg_label(path: str | None, name: str | None) -> str:
    if path is None:
        return "(no package)"
    return f"{path} ({name})" if name and name != path else path


def _symbol_rows(symbols: list[SymbolRow], with_package: bool = True) -> list[list[str]]:
    rows = []
    for s in symbols:
        sig = s["signature"] if not s["parent"] else f"{s['signature']}  [in {s['parent']}]"
        row = [s["loc"], s["kind"], sig]
        if with_package:
            row[-1] += f"  ({s['package_name'] or s['package'] or 'no package'})"
        rows.append(row)
    return rows


def _file_status(f: FileRow) -> str:
    return f["status"] + (f" ({f['note']})" if f["note"] else "")


# ------------------------------------------------------------------ symbols


def _did_you_mean(res: Mapping[str, Any]) -> str:
    """The "did you mean" tail of a search that found nothing (a plain listing has no suggestions)."""
    names = res.get("suggestions") or []
    return f"; did you mean: {', '.join(names)}?" if names else ""


def search_hits(res: SearchPage[SymbolRow], p: Params, out: TextIO, err: TextIO) -> None:
    if not res["results"]:
        note(err, f"no symbol matches {p['query']!r}{_did_you_mean(res)}")
    table(_symbol_rows(res["results"]), out)
    more(res, err, "matches")


def definitions(res: SearchPage[DefinitionRow], p: Params, out: TextIO, err: TextIO) -> None:
    if not res["results"]:
        note(err, f"no symbol named {p['name']!r}{_did_you_mean(res)}")
    rows = _symbol_rows(list(res["results"]))
    for row, d in zip(rows, res["results"], strict=True):
        if d["used"] is not None:
            row[-1] += f"  {_used(d['used']['places'], d['used']['packages'])}"
    table(rows, out, [d["doc"] for d in res["results"]])
    more(res, err, "definitions")


def _used(places: int, packages: int) -> str:
    if not places:
        return "not referenced"
    return f"used in {_plural(places, 'place')} in {_plural(packages, 'package')}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --------------------------------------------------------------- references


def references(res: SearchPage[ReferenceRow], p: Params, out: TextIO, err: TextIO) -> None:
    if not res["results"]:
        where = f" to {p['package']}'s" if p.get("package") else " of"
        kind = f" of kind {p['kind']!r}" if p.get("kind") else ""
        note(err, f"no references{where} {p['name']!r}{kind}{_did_you_mean(res)}")
    rows = []
    for r in res["results"]:
        name = r["name"] + (f" on {r['receiver']}" if r["receiver"] else "")
        name += f" from {r['module']}" if r["module"] else ""
        name += f" as {r['alias']}" if r["alias"] else ""
        targets = ", ".join(f"{d['loc']} [{d['how']}]" for d in r["definitions"]) or "unresolved"
        rows.append([r["loc"], r["kind"], name, f"in {r['enclosing']}" if r["enclosing"] else "-", f"-> {targets}"])
    table(rows, out)
    more(res, err, "references")


def callers(res: CallersPage[CallerRow], p: Params, out: TextIO, err: TextIO) -> None:
    if not res["results"]:
        where = f" in {p['package']}" if p.get("package") else ""
        note(err, f"no calls of {p['symbol']!r}{where}{_other_uses(res, p)}{_did_you_mean(res)}")
    rows = []
    for c in res["results"]:
        what = c["signature"] or (c["name"] if c["name"] else "(top level)")
        lines = ", ".join(site.rsplit(":", 2)[1] for site in c["sites"])
        rows.append([c["loc"], c["kind"] or "-", what, f"({c['package_name'] or c['package'] or 'no package'})",
                     f"{_plural(c['calls'], 'call')}: line {lines}"])
    table(rows, out)
    more(res, err, "callers")


def _other_uses(res: CallersPage[CallerRow], p: Params) -> str:
    """Why a symbol nothing calls is still used, and the command that lists where."""
    others = res["other_references"]
    if not others:
        return ""
    kinds = ", ".join(f"{kind} {n}" for kind, n in others.items())
    refs = f"symidx refs {shlex.quote(p['symbol'])}"
    refs += f" --package {shlex.quote(p['package'])}" if p.get("package") else ""
    return f"; {_plural(sum(others.values()), 'other reference')} ({kinds}): {refs}"


def package_symbols(res: Page[SymbolRow], p: Params, out: TextIO, err: TextIO) -> None:
    if not res["results"]:
        note(err, f"no symbols in {p['package']}" + (f" of kind {p['kind']!r}" if p.get("kind") else ""))
    table(_symbol_rows(res["results"], with_package=False), out)
    more(res, err, "symbols")


def file_symbols(res: FileSymbols, p: Params, out: TextIO, err: TextIO) -> None:
    extra = f", {res['note']}" if res["note"] else ""
    out.write(f"{res['path']}  {pkg_label(res['package'], res['package_name'])}  "
              f"[{res['language'] or '-'}, {res['status']}{extra}]\n")
    rows = [[str(s["line"]), s["kind"], ("  " if s["parent"] else "") + s["signature"]] for s in res["symbols"]]
    if not rows:
        note(err, f"no symbols in {res['path']}" + (f" of kind {p['kind']!r}" if p.get("kind") else ""))
    table(rows, out, [s["doc"] for s in res["symbols"]])


# ----------------------------------------------------------------- packages


def package_list(res: Page[PackageSummary] | SearchPage[PackageSummary], p: Params, out: TextIO, err: TextIO) -> None:
    if not res["results"]:
        what = f"matches {p['query']!r}" if p.get("query") else ""
        kind = f" of kind {p['kind']!r}" if p.get("kind") else ""
        note(err, f"no package {what}{kind}{_did_you_mean(res)}" if what else f"no packages{kind}")
    table([[s["path"], s["name"], s["version"] or "-", s["kind"]] for s in res["results"]], out)
    more(res, err, "packages")


def package(res: PackageDetail, p: Params, out: TextIO, err: TextIO) -> None:
    version = f"  {res['version']}" if res["version"] else ""
    out.write(f"{res['name']}{version}  ({res['kind']})  {res['path']}\n")
    if res["description"]:
        out.write(f"  {res['description']}\n")
    out.write(f"manifests: {', '.join(res['manifests'])}\n")
    if res["metadata"]:
        out.write("metadata: " + ", ".join(f"{k}={json.dumps(v) if not isinstance(v, str) else v}"
                                           for k, v in sorted(res["metadata"].items())) + "\n")
    langs = ", ".join(f"{k} {v}" for k, v in res["languages"].items())
    c = res["counts"]
    out.write(f"files: {c['files']} ({langs})  symbols: {c['symbols']}\n")
    out.write(f"\ndependencies ({c['dependencies']}):\n")
    table([["  " + d["name"], d["version_req"] or "-", d["kind"], f"-> {d['package']}" if d["internal"] else ""]
           for d in res["dependencies"]], out)
    out.write(f"\ndependents ({c['dependents']}):\n")
    table([["  " + d["package"], d["name"], d["kind"]] for d in res["dependents"]], out)
    api = res["api"]
    kinds = ", ".join(f"{v} {k}" for k, v in api["by_kind"].items())
    out.write(f"\npublic API ({api['total']} top-level{': ' + kinds if kinds else ''}):\n")
    table([["  " + s["loc"], s["kind"], s["signature"]] for s in api["symbols"]], out)
    if api["truncated"]:
        out.write(f"  ... {api['total'] - len(api['symbols'])} more (symidx symbols {res['path']} --top-level-only)\n")
    files = res["files"]
    out.write(f"\nfiles ({files['total']}):\n")
    table([["  " + f["path"], f["language"] or "-", _file_status(f)] for f in files["results"]], out)
    if files["next_offset"] is not None:
        out.write(f"  ... {files['total'] - len(files['results'])} more (--all-files)\n")
    if res["warnings"]:
        out.write(f"\nwarnings ({len(res['warnings'])}):\n")
        for w in res["warnings"]:
            out.write(f"  {w['file'] or res['path']}: {w['message']}\n")


def file_list(res: Page[FileRow], p: Params, out: TextIO, err: TextIO) -> None:
    if not res["results"]:
        note(err, f"no file matches {p['query']!r}" if p.get("query") else "no files")
    table([[f["path"], f["language"] or "-", _file_status(f), f"({f['package'] or 'no package'})"]
           for f in res["results"]], out)
    more(res, err, "files")


def warnings(res: Page[WarningRow], p: Params, out: TextIO, err: TextIO) -> None:
    if not res["results"]:
        note(err, "no warnings" + (f" in {p['package']}" if p.get("package") else ""))
    for w in res["results"]:
        out.write(f"{w['file'] or w['package'] or '-'}: {w['message']}\n")
    more(res, err, "warnings")


# ------------------------------------------------------------- dependencies


def dependencies(res: Dependencies, p: Params, out: TextIO, err: TextIO) -> None:
    if not res["dependencies"]:
        note(err, f"{res['package']} has no {'internal ' if p.get('internal_only') else ''}dependencies")
    table([[d["name"], d["version_req"] or "-", d["kind"], f"-> {d['package']}" if d["internal"] else ""]
           for d in res["dependencies"]], out)


def dependents(res: Dependents, p: Params, out: TextIO, err: TextIO) -> None:
    if not res["dependents"]:
        note(err, f"no package depends on {res['package']}")
    table([[d["package"], d["name"], d["kind"], d["version_req"] or "-"] for d in res["dependents"]], out)


def graph(res: Graph, p: Params, out: TextIO, err: TextIO) -> None:
    arrow = "depends on" if res["direction"] == "dependencies" else "is used by"
    nodes = res["nodes"]
    out.write(f"{pkg_label(nodes[0]['path'], nodes[0]['name'])}  {arrow}:\n")
    if len(nodes) == 1:
        note(err, f"{res['root']} has no internal {res['direction']}")
    kinds = {(e["from"], e["to"]): e["kinds"] for e in res["edges"]}
    for n in nodes[1:]:
        via = "" if n["via"] == res["root"] else f"  via {n['via']}"
        label = pkg_label(n["path"], n["name"])
        out.write(f"{'  ' * n['depth']}{label}  [{', '.join(kinds[(n['via'] or '', n['path'])])}]{via}\n")
    for cycle in res["cycles"]:
        out.write(f"cycle: {' <-> '.join(cycle)}\n")
    if res["truncated"]:
        note(err, f"stopped at depth {res['max_depth']} (a larger --max-depth shows more)")


def path(res: DependencyPath, p: Params, out: TextIO, err: TextIO) -> None:
    if res["path"] is None:
        note(err, f"no dependency path between {res['from']} and {res['to']} in either direction")
        return
    out.write(" -> ".join(pkg_label(s["path"], s["name"]) for s in res["path"]) + "\n")
    if res["relation"] == "b_depends_on_a":
        note(err, f"{res['from']} does not depend on {res['to']}; the path above is the reverse one")


# ------------------------------------------------------------------- status


def status(res: Status, p: Params, out: TextIO, err: TextIO) -> None:
    age = f" ({_ago(res['age_seconds'])} ago)" if res["age_seconds"] is not None else ""
    c = res["counts"]
    lines = [
        f"index:      {res['db']} (schema {res['schema_version']})",
        f"built:      {res['built_at'] or '-'}{age}",
        f"root:       {res['root'] or '-'}",
        f"git commit: {res['git_commit'] or '-'}",
        f"contents:   {c.get('packages', 0)} packages, {c.get('files', 0)} files, {c.get('symbols', 0)} symbols, "
        f"{c.get('dependencies', 0)} dependencies, {c.get('warnings', 0)} warnings",
        "references: " + (f"{c.get('refs', 0)} uses, {c.get('ref_targets', 0)} resolved targets" if res["references"]
                          else "off (`references = false` in the config)"),
        f"packages:   {_counts(res['packages_by_kind'])}",
        f"files:      {_counts(res['files_by_language'])}",
        f"symbols:    {_counts(res['symbols_by_kind'])}",
        f"last build: {res['last_build']['reloaded']} packages re-extracted, {res['last_build']['removed']} removed",
        f"phases:     {_phases(res['durations_s'])}",
    ]
    if res["slowest_packages"]:
        lines.append("slowest:    " + ", ".join(f"{s['package']} {s['seconds']:g}s"
                                                for s in res["slowest_packages"][:SLOWEST_SHOWN]))
    lines += _stale_lines(res)
    out.write("\n".join(lines) + "\n")


SLOWEST_SHOWN = 5
# The build's phases in the order they run; other recorded durations follow.
_PHASES = ("discover_s", "extract_s", "merge_s")


def _phases(durations: dict[str, int | float | None]) -> str:
    known = {k: v for k, v in durations.items() if v is not None}
    parts = []
    for key in (*_PHASES, *sorted(known.keys() - set(_PHASES) - {"extract_wall_s"})):
        if key not in known:
            continue
        text = f"{key.removesuffix('_s')} {known[key]}s"
        if key == "extract_s" and "extract_wall_s" in known:
            text += f" (wall {known['extract_wall_s']}s)"
        parts.append(text)
    return ", ".join(parts) or "-"


def _stale_lines(res: Status) -> list[str]:
    stale = res["stale"]
    if stale["checked"] is False:
        return ["staleness:  not checked" + ("" if stale["reason"] == "skipped" else f" ({stale['reason']})")]
    if stale["changed_files"] == 0:
        lines = ["staleness:  up to date (no file changed since the build)"]
    else:
        lines = [f"staleness:  {stale['changed_files']} files changed since the build ({stale['added']} added, "
                 f"{stale['modified']} modified, {stale['removed']} removed), e.g. {', '.join(stale['examples'][:3])}"]
    if stale.get("commits_since"):
        lines.append(f"            {stale.get('commits_since')} commits since the indexed one")
    return lines


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items()) or "-"


def _ago(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


def affected(res: Any, p: Params, out: TextIO, err: TextIO) -> None:
    from ..impact import render_paths, render_text

    out.write(render_paths(res) if p.get("paths") else render_text(res))


def api_diff(res: Any, p: Params, out: TextIO, err: TextIO) -> None:
    from ..impact import render_api_markdown, render_api_text

    out.write(render_api_markdown(res) if p.get("markdown") else render_api_text(res))


def repo_map(res: Any, p: Params, out: TextIO, err: TextIO) -> None:
    from ..interop import render_repo_map

    out.write(render_repo_map(res))
    if res["unmatched_focus"]:
        note(err, f"focus paths matching nothing in the index: {', '.join(res['unmatched_focus'])}")
