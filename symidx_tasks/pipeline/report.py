"""What a build prints: durations, the merge's summary line, and warnings as a
summary (counts by kind, then the first few distinct problems), never as a
full list: a build of any tree prints a bounded number of lines. The full
list stays in the index's warnings table (`symidx warnings`).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..model import WARNING_KINDS, ExtractTiming, warning_kind

if TYPE_CHECKING:  # the merge module loads only in the merge task, not on every doit start
    from ..store.merge import LoadedWarning, MergeStats

SHOWN_PROBLEMS = 10  # distinct problems printed after the counts
SHOWN_PLACES = 3  # places named per problem
FULL_LIST = "`symidx warnings` lists them all"


def format_duration(seconds: float, precise: bool = False) -> str:
    """``19s``, ``1m05s``, ``2h03m``; ``precise``: two decimals under a minute (``0.04s``)."""
    if precise and seconds < 59.995:
        return f"{seconds:.2f}s"
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole}s"
    minutes, whole = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{whole:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def kind_counts(kinds: Iterable[str]) -> str:
    """``3 manifest, 1 syntax``: how many of each kind, in WARNING_KINDS order."""
    counts = Counter(kinds)
    return ", ".join(f"{counts[kind]} {kind}" for kind in WARNING_KINDS if counts[kind])


def problem_lines(warnings: Sequence[LoadedWarning], limit: int = SHOWN_PROBLEMS) -> tuple[list[str], int]:
    """Up to ``limit`` lines ``places: message``, one per distinct message (a
    missing grammar is one problem, not one line per file), the first problem
    of every kind before the rest; and how many problems were left out."""
    places: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for w in warnings:
        places.setdefault(w.message, []).append(w.file or w.package)
        kinds.setdefault(w.message, warning_kind(w.file, w.message))
    firsts = [next(m for m in places if kinds[m] == kind) for kind in WARNING_KINDS if kind in kinds.values()]
    ordered = firsts + [m for m in places if m not in firsts]
    lines = []
    for message in ordered[:limit]:
        where = places[message]
        more = f" (and {len(where) - SHOWN_PLACES} more)" if len(where) > SHOWN_PLACES else ""
        lines.append(f"{', '.join(where[:SHOWN_PLACES])}{more}: {message}")
    return lines, max(len(ordered) - limit, 0)


def merge_warnings(stats: MergeStats) -> list[str]:
    """The lines a merge prints about what it could not load and the warnings
    of what it loaded: at most SHOWN_PROBLEMS + 2."""
    if not stats.warnings and not stats.unreadable:
        return []
    kinds = [warning_kind(w.file, w.message) for w in stats.warnings] + ["unreadable"] * len(stats.unreadable)
    total = len(kinds)
    lines = [f"symidx: {total} warning{'s' if total != 1 else ''} from this merge: {kind_counts(kinds)}"]
    # A result that cannot be loaded is in no table: those come first.
    shown = [f"symidx: warning: {u}" for u in stats.unreadable[:SHOWN_PROBLEMS]]
    problems, more = problem_lines(stats.warnings, SHOWN_PROBLEMS - len(shown))
    shown += [f"symidx: warning: {line}" for line in problems]
    more += max(len(stats.unreadable) - SHOWN_PROBLEMS, 0)
    if more:
        shown.append(f"symidx: ... and {more} more problem{'s' if more != 1 else ''}; {FULL_LIST}")
    return lines + shown


def summary_line(stats: MergeStats, db: str, discover_seconds: float | None = None,
                 extract: ExtractTiming | None = None) -> str:
    """The merge's one line: index contents, what this merge did, seconds per phase."""
    c = stats.counts
    phases = []
    if discover_seconds is not None:
        phases.append(f"discover {format_duration(discover_seconds, precise=True)}")
    if extract is not None:
        phases.append(f"extract {format_duration(extract.seconds, precise=True)}"
                      f" (wall {format_duration(extract.wall_seconds, precise=True)})")
    phases.append(f"merge {format_duration(stats.seconds, precise=True)}")
    return (
        f"symidx: {c.get('count_packages', 0)} packages, {c.get('count_symbols', 0)} symbols, "
        f"{c.get('count_files', 0)} files, {c.get('count_warnings', 0)} warnings; "
        f"{len(stats.reloaded)} of {stats.total} results reloaded, {len(stats.removed)} removed"
        f"{' (started from a seed index)' if stats.seeded else ''}; "
        f"{', '.join(phases)} -> {db}"
    )


def strict_failure(warnings: Sequence[LoadedWarning]) -> str:
    """Strict mode's failure message for the index's warnings: the count by
    kind and the first few problems, at most SHOWN_PROBLEMS + 2 lines."""
    kinds = [warning_kind(w.file, w.message) for w in warnings]
    problems, more = problem_lines(warnings)
    lines = [f"strict mode: the index has {len(warnings)} warning(s): {kind_counts(kinds)}"]
    lines += [f"  {line}" for line in problems]
    if more:
        lines.append(f"  ... and {more} more problem{'s' if more != 1 else ''}; {FULL_LIST}")
    return "\n".join(lines)
