"""An ``affected`` answer as text for people and as one path per line for CI."""
from __future__ import annotations

from .answers import Affected, AffectedPackage

FILES_SHOWN = 3  # changed files named per directly changed package; the rest are counted


def render_paths(res: Affected) -> str:
    """One affected package path per line, sorted: what a CI job loops over.
    Removed packages are left out (there is nothing left to test)."""
    return "".join(f"{p['path']}\n" for p in res["packages"] if not p["removed"])


def render_text(res: Affected) -> str:
    """A summary line, one line per affected package (why), then what affects nothing."""
    lines = [_summary(res)]
    width = max((len(p["path"]) for p in res["packages"]), default=0)
    for p in res["packages"]:
        lines.append(f"{p['path']:<{width}}  {_why(p)}")
    if res["unowned"]:
        lines.append(f"in no package (affects nothing): {', '.join(res['unowned'])}")
    if res["not_in_repo"]:
        lines.append(f"not in the repository (ignored): {', '.join(res['not_in_repo'])}")
    notes = sorted({f"{f['path']}: {f['note']}" for f in res["changed_files"] if f["note"]})
    lines += [f"note: {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _summary(res: Affected) -> str:
    n_files = len(res["changed_files"])
    direct = sum(1 for p in res["packages"] if len(p["chain"]) == 1)
    where = f" since {res['since']} (merge base {res['base'][:12]}, plus the working tree)" if res["base"] else ""
    total = len(res["packages"])
    return (f"{n_files} changed file{'s' if n_files != 1 else ''}{where}: {direct} package{'s' if direct != 1 else ''}"
            f" changed, {total} affected")


def _why(p: AffectedPackage) -> str:
    if len(p["chain"]) == 1:
        shown = p["files"][:FILES_SHOWN]
        more = len(p["files"]) - len(shown)
        return f"{p['reason']}: {', '.join(shown)}" + (f" (+{more} more)" if more else "")
    return f"via {' -> '.join(p['chain'])}  ({p['chain'][0]}: {p['reason']})"
