"""List the files of a repository the way its owners see it.

Fast path: ``git ls-files`` when the root is inside a git work tree (it already
knows .gitignore, .git/info/exclude and the global excludes). Fallback: a
scandir walk that applies every .gitignore it meets with pathspec. Both return
the same sorted, root-relative posix paths, never follow a symlink (so a link
loop or a link out of the tree cannot be walked into) and prune excluded and
hidden directories.

No input stops the listing: what cannot be listed or understood (an
unreadable directory, a .gitignore line git would skip) is left out with a
warning. Names that are not UTF-8 are decoded with surrogateescape; the
result file stores them escaped.
"""
from __future__ import annotations

import os
import re
import stat
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec


DEFAULT_EXCLUDED_DIRS: frozenset[str] = frozenset(
    {
        "node_modules", "bower_components", "vendor", "third_party", "target", "dist",
        "build", "venv", "__pycache__",
    }
)
_GIT_WARNING = re.compile(r"warning: could not open directory '(?P<dir>.*?)/?': (?P<reason>.*)")


@dataclass
class Listing:
    files: list[str]
    # (directory the problem is in, message naming the path): discovery hands
    # each to the unit owning that directory.
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # The lstat of each file taken while listing (git work trees only), by its
    # absolute path as a task's file_dep spells it (root + os.sep + path): for
    # the file checker (pipeline/checker.py, ``prefetch``).
    stats: dict[str, os.stat_result] = field(default_factory=dict)

    def stat(self, full: str) -> os.stat_result:
        """The file at ``full`` (root + os.sep + path): the lstat the listing took
        (it lists no links, so that is its stat), else ``os.stat`` now. OSError
        when there is no such file."""
        st = self.stats.get(full)
        return st if st is not None else os.stat(full)


def list_files(root: str | os.PathLike[str], excluded_dirs: Iterable[str] = DEFAULT_EXCLUDED_DIRS) -> list[str]:
    """``list_tree(...).files``."""
    return list_tree(root, excluded_dirs).files


def list_tree(root: str | os.PathLike[str], excluded_dirs: Iterable[str] = DEFAULT_EXCLUDED_DIRS) -> Listing:
    """Every file of the tree under ``root`` that is not ignored, and what could not be listed."""
    root = Path(root)
    excluded = frozenset(excluded_dirs)
    listing = _git_files(root, excluded)
    if listing is None:
        listing = Listing([], [])
        listing.files = list(_walk_files(root, excluded, listing.warnings))
    listing.files.sort()
    return listing


def is_excluded_dir(name: str, excluded: frozenset[str]) -> bool:
    # Hidden directories (.git, .venv, .symidx, .idea, ...) are never source.
    return name in excluded or name.startswith(".")


def _git_files(root: Path, excluded: frozenset[str]) -> Listing | None:
    """Regular files git sees under root (tracked + untracked-not-ignored), or None.

    Every file is lstat-ed here, while git walks the tree for untracked
    files: that drops deleted tracked files and links, and the stats go to the
    file checker (``Listing.stats``), which would otherwise take them again."""
    commands = {
        "staged": ["--stage"],  # tracked paths with their modes
        "others": ["--others", "--exclude-standard"],  # untracked, not ignored
    }
    try:
        procs = {
            name: subprocess.Popen(["git", "-c", "core.quotepath=off", "ls-files", "-z", *args],
                                   cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for name, args in commands.items()
        }
    except OSError:
        return None
    out: dict[str, tuple[bytes, bytes]] = {}
    # Drained by a thread: a full pipe would stall git's walk while the stats run.
    drain = threading.Thread(target=_drain, args=(procs["others"], out, "others"))
    drain.start()
    out["staged"] = procs["staged"].communicate()
    listing = Listing([], [])
    if procs["staged"].returncode == 0:
        # 100xxx: a regular file (120000 = symlink, 160000 = submodule: neither is one we index)
        tracked = [path for meta, _, path in (line.partition("\t") for line in _lines(out["staged"][0]))
                   if meta.startswith("100")]
        _add_files(root, _kept(tracked, excluded), listing)
    drain.join()
    if "others" not in out or procs["staged"].returncode != 0 or procs["others"].returncode != 0:
        return None
    for _, err in out.values():
        for line in err.decode("utf-8", "backslashreplace").splitlines():
            if m := _GIT_WARNING.match(line):  # git lists the rest and says so on stderr
                listing.warnings.append((m["dir"] or ".", f"{m['dir']}: cannot list directory ({m['reason']}); "
                                                          "its files are not indexed"))
    _add_files(root, _kept(_lines(out["others"][0]), excluded), listing)
    return listing


def _drain(proc: subprocess.Popen[bytes], out: dict[str, tuple[bytes, bytes]], name: str) -> None:
    """``out[name]``: the process's stdout and stderr; left out when they cannot be read
    (the listing then falls back to the walk)."""
    try:
        out[name] = proc.communicate()
    except OSError:
        proc.kill()
        proc.wait()


def _lines(data: bytes) -> list[str]:
    return [p for p in data.decode("utf-8", "surrogateescape").split("\0") if p]


def _kept(paths: list[str], excluded: frozenset[str]) -> list[str]:
    """The paths outside every excluded directory."""
    keep: dict[str, bool] = {}  # per directory: many files share one
    kept = []
    for path in paths:
        d = path.rpartition("/")[0]
        k = keep.get(d)
        if k is None:
            k = keep[d] = not any(is_excluded_dir(part, excluded) for part in d.split("/")) if d else True
        if k:
            kept.append(path)
    return kept


def _add_files(root: Path, paths: list[str], listing: Listing) -> None:
    """Each path that is a regular file now (a tracked one may be deleted, or
    replaced by a link or a directory) into the listing, with its stat.
    One loop, no call per file: this runs for every file on every doit load."""
    prefix = f"{root}{os.sep}"
    files, stats, lstat, is_regular = listing.files, listing.stats, os.lstat, stat.S_ISREG
    for path in paths:
        full = prefix + path
        try:
            st = lstat(full)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            d = path.rpartition("/")[0] or "."
            listing.warnings.append((d, f"{path}: cannot read its status ({exc.strerror}); not indexed"))
            continue
        if is_regular(st.st_mode):
            files.append(path)
            stats[full] = st


def _walk_files(root: Path, excluded: frozenset[str], warnings: list[tuple[str, str]]) -> Iterator[str]:
    # scandir's d_type answers "file, directory or link?" without a stat call
    # per file; a stack of (directory, the .gitignore matchers in force there).
    stack: list[tuple[str, tuple[Ignore, ...]]] = [("", ())]
    while stack:
        rel_dir, ignores = stack.pop()
        try:
            with os.scandir(root / rel_dir if rel_dir else root) as it:
                entries = list(it)
        except FileNotFoundError:
            continue  # vanished while we walked: nothing to list
        except OSError as exc:
            shown = rel_dir or "."
            warnings.append((shown, f"{shown}: cannot list directory ({exc.strerror}); its files are not indexed"))
            continue
        # git reads a .gitignore only when it is a regular file (not a link, not a directory)
        if any(e.name == ".gitignore" and e.is_file(follow_symlinks=False) for e in entries):
            ignore = Ignore.read(root, rel_dir, warnings)
            if ignore is not None:
                ignores = (*ignores, ignore)
        prefix = rel_dir + "/" if rel_dir else ""
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not is_excluded_dir(entry.name, excluded) and not _ignored(ignores, rel, True):
                        stack.append((rel, ignores))
                elif entry.is_file(follow_symlinks=False) and not _ignored(ignores, rel, False):
                    yield rel
            except OSError:
                continue


def _ignored(ignores: tuple[Ignore, ...], rel: str, is_dir: bool) -> bool:
    return any(i.match(rel, is_dir) for i in ignores)


class Ignore:
    """One .gitignore, matching paths relative to its own directory."""

    def __init__(self, base: str, spec: pathspec.PathSpec[pathspec.Pattern]) -> None:
        self.base = base
        self.spec = spec
        # Without negations a .gitignore is one alternation: one regex call per
        # path instead of one per pattern (pathspec's loop dominated the walk).
        patterns = [p for p in spec.patterns if p.include is not None]
        regexes: list[re.Pattern[str] | None] = [getattr(p, "regex", None) for p in patterns]
        self.combined: Callable[[str], re.Match[str] | None] | None = None
        if patterns and all(p.include for p in patterns) and all(r is not None for r in regexes):
            self.combined = re.compile("|".join(
                f"(?:{re.sub(r'[(][?]P<[^>]+>', '(?:', r.pattern)})" for r in regexes if r is not None)).match

    @classmethod
    def read(cls, root: Path, rel_dir: str, warnings: list[tuple[str, str]]) -> Ignore | None:
        """The .gitignore of ``rel_dir``, as git reads it: a line git would
        skip is skipped, with a warning; None when it ignores nothing."""
        rel = f"{rel_dir}/.gitignore" if rel_dir else ".gitignore"
        where = rel_dir or "."
        try:
            data = (root / rel).read_bytes()
        except OSError as exc:
            warnings.append((where, f"{rel}: cannot read ({exc.strerror}); its patterns are not applied"))
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Names are decoded with surrogateescape too, so such patterns still match them.
            text = data.decode("utf-8", "surrogateescape")
            warnings.append((where, f"{rel}: not UTF-8 (invalid byte at offset {exc.start}); read as bytes"))
        # Loaded by the first .gitignore read: a git work tree is listed by git, never read here.
        import pathspec

        lines = text.splitlines()
        try:
            spec = pathspec.GitIgnoreSpec.from_lines(lines)
        except ValueError:
            kept = []
            for number, line in enumerate(lines, 1):
                try:
                    pathspec.GitIgnoreSpec.from_lines([line])
                except ValueError:
                    shown = line.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                    warnings.append((where, f"{rel}: line {number}: invalid pattern {shown!r} skipped, as git does"))
                else:
                    kept.append(line)
            spec = pathspec.GitIgnoreSpec.from_lines(kept)
        return cls(rel_dir, spec) if len(spec) else None

    def match(self, rel: str, is_dir: bool) -> bool:
        sub = rel[len(self.base) + 1:] if self.base else rel
        sub = sub + "/" if is_dir else sub
        if self.combined is not None:
            return self.combined(sub) is not None
        return self.spec.match_file(sub)
