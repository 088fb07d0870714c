"""The api-diff answer as terminal text and as Markdown for a pull-request comment.

Markdown: a heading naming the two sides, a summary line, then per package a
table (one row per added, removed or changed symbol; tables longer than
``DETAILS_ROWS`` folded into a ``<details>`` block) and, folded too, the places
in other packages that use its removed and changed symbols.
"""
from __future__ import annotations

from .answers import ApiDiff, PackageApiDiff, Places, SideInfo

DETAILS_ROWS = 10  # a package's table longer than this is folded
SIGNATURE_CHARS = 120  # signatures longer than this are cut in tables


def side_name(side: SideInfo) -> str:
    if side["commit"] is None:
        return side["revision"]
    short = side["commit"][:10]
    return short if side["revision"].startswith(short) else f"{side['revision']} ({short})"


def summary_line(res: ApiDiff) -> str:
    s = res["summary"]
    if not s["packages"]:
        return "no public API changes"
    refs = (f"; {s['references']} uses in other packages of removed or changed symbols"
            if res["references_indexed"] else "; references not indexed")
    return (f"{s['packages']} package{'s' if s['packages'] != 1 else ''} with public API changes: "
            f"{s['added']} added, {s['removed']} removed, {s['changed']} changed{refs}")


def _built(side: SideInfo) -> str:
    if side["extracted"] is None:
        return f"{side_name(side)}: the index, brought up to date"
    names = ", ".join(side["extracted"]) or "none"
    return (f"{side_name(side)}: {side['packages']} packages, {len(side['extracted'])} extracted ({names}), "
            "the rest reused")


# -- text ---------------------------------------------------------------------


def render_text(res: ApiDiff) -> str:
    lines = [f"api-diff {side_name(res['old'])} -> {side_name(res['new'])}: {summary_line(res)}",
             *(f"  {_built(res[s])}" for s in ("old", "new"))]
    for p in res["packages"]:
        status = "" if p["status"] == "changed" else f"  [package {p['status']}]"
        lines += ["", f"{p['package']} ({p['name']}){status}"]
        for a in p["added"]:
            lines.append(f"  + {a['kind']:<10} {a['name']:<28} {a['signatures'][0]}  {a['loc']}")
            lines += [f"    {'':<10} {'':<28} {sig}" for sig in a["signatures"][1:]]
        for r in p["removed"]:
            lines.append(f"  - {r['kind']:<10} {r['name']:<28} {r['signatures'][0]}  (was {r['loc']})")
            lines += _text_places(r["references"])
        for c in p["changed"]:
            lines.append(f"  ~ {c['kind']:<10} {c['name']:<28} {c['loc']}")
            lines += [f"      - {sig}" for sig in c["old"]] + [f"      + {sig}" for sig in c["new"]]
            lines += _text_places(c["references"])
    return "\n".join(lines) + "\n"


def _text_places(refs: Places | None) -> list[str]:
    if refs is None or not refs["count"]:
        return []
    out = [f"      used in other packages: {refs['count']}"]
    out += [f"        {pl['loc']}  {pl['package'] or '(no package)'}  {pl['kind']}"
            + (f" in {pl['enclosing']}" if pl["enclosing"] else "") for pl in refs["places"]]
    if refs["count"] > len(refs["places"]):
        out.append(f"        ... {refs['count'] - len(refs['places'])} more")
    return out


# -- markdown -----------------------------------------------------------------


def code(text: str) -> str:
    """``text`` as an inline code span that survives a Markdown table cell."""
    text = text.replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _signature(text: str) -> str:
    return code(text if len(text) <= SIGNATURE_CHARS else text[: SIGNATURE_CHARS - 1] + "…")


def render_markdown(res: ApiDiff) -> str:
    lines = [f"### Public API: {code(side_name(res['old']))} → {code(side_name(res['new']))}", "",
             f"**{summary_line(res)}**"]
    if not res["references_indexed"] and res["packages"]:
        lines += ["", "_References are not indexed in this index: uses in other packages are not listed._"]
    for p in res["packages"]:
        lines += ["", *_markdown_package(p, res["references_indexed"])]
    lines += ["", f"<sub>{_built(res['old'])}. {_built(res['new'])}.</sub>"]
    return "\n".join(lines) + "\n"


def _markdown_package(p: PackageApiDiff, indexed: bool) -> list[str]:
    note = "" if p["status"] == "changed" else f" — package {p['status']}"
    rows = [f"| added | {code(a['name'])} | {a['kind']} | {'<br>'.join(_signature(s) for s in a['signatures'])} | |"
            for a in p["added"]]
    rows += [f"| removed | {code(r['name'])} | {r['kind']} | {'<br>'.join(_signature(s) for s in r['signatures'])}"
             f" | {_count(r['references'], indexed)} |" for r in p["removed"]]
    rows += [f"| changed | {code(c['name'])} | {c['kind']} | {'<br>'.join(_signature(s) for s in c['old'])} → "
             f"{'<br>'.join(_signature(s) for s in c['new'])} | {_count(c['references'], indexed)} |"
             for c in p["changed"]]
    table = ["| | symbol | kind | signature | used in other packages |", "|---|---|---|---|---|", *rows]
    out = [f"#### {code(p['package'])} ({p['name']}){note}", ""]
    if len(rows) > DETAILS_ROWS:
        out += [f"<details><summary>{len(rows)} symbols: {len(p['added'])} added, {len(p['removed'])} removed, "
                f"{len(p['changed'])} changed</summary>", "", *table, "", "</details>"]
    else:
        out += table
    return out + _markdown_places(p)


def _count(refs: Places | None, indexed: bool) -> str:
    return "—" if not indexed or refs is None else str(refs["count"])


def _markdown_places(p: PackageApiDiff) -> list[str]:
    used = [(r["name"], "removed", r["references"]) for r in p["removed"]]
    used += [(c["name"], "changed", c["references"]) for c in p["changed"]]
    used = [(n, how, refs) for n, how, refs in used if refs is not None and refs["count"]]
    if not used:
        return []
    total = sum(refs["count"] for _n, _how, refs in used if refs is not None)
    out = ["", f"<details><summary>Uses in other packages ({total})</summary>", ""]
    for name, how, refs in used:
        assert refs is not None
        out.append(f"- {code(name)} ({how})")
        for pl in refs["places"]:
            where = f" in {code(pl['enclosing'])}" if pl["enclosing"] else ""
            out.append(f"  - {code(pl['loc'])} {code(pl['package'] or '(no package)')}: {pl['kind']}{where}")
        if refs["count"] > len(refs["places"]):
            out.append(f"  - … {refs['count'] - len(refs['places'])} more")
    return out + ["", "</details>"]
