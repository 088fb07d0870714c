"""A doit reporter for long index runs: packages done / total, rate, ETA, failures.

Select it in a dodo.py::

    from symidx_tasks.pipeline.progress import ProgressReporter
    DOIT_CONFIG = {"reporter": ProgressReporter}

(``doit --reporter console`` still picks doit's own). By name it needs doit's
plugin registration, e.g. in the project's pyproject.toml::

    [tool.doit.plugins.reporter]
    symidx-progress = "symidx_tasks.pipeline.progress:ProgressReporter"

On a terminal it keeps one line up to date; when the output is not a TTY or the
``CI`` variable is set it prints a plain line every 5 % or 2 s instead. Only
package extraction tasks are counted (recognised by their action, so any task
group name works); other tasks (the merge, a user's own) print as with the
console reporter, failures are shown as they happen and again at the end.
"""
from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable
from typing import Any

from doit.reporter import ConsoleReporter

from .action import extract_package
from .report import format_duration

PLAIN_STEP = 0.05  # a plain line every 5 % ...
PLAIN_SECONDS = 2.0  # ... or every 2 s, whichever comes first
TTY_SECONDS = 0.1  # redraw the live line at most this often


def is_interactive(stream: Any, environ: dict[str, str] | None = None) -> bool:
    """A live line only on a terminal, and never under CI (logs keep every \\r)."""
    env = os.environ if environ is None else environ
    if env.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):
        return False


def is_package_task(task: Any) -> bool:
    return any(getattr(a, "py_callable", None) is extract_package for a in getattr(task, "actions", ()) or ())


def _reachable(tasks: dict[str, Any], selected: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    stack = [n for n in selected if n in tasks]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        task = tasks[name]
        stack.extend(d for d in [*getattr(task, "task_dep", ()), *getattr(task, "setup_tasks", ())] if d in tasks)
    return seen


def _short(name: str) -> str:
    return name.split(":", 1)[1] if ":" in name else name


class ProgressReporter(ConsoleReporter):  # type: ignore[misc]  # doit ships no type information
    desc = "symidx progress: packages done/total, rate, ETA, failures (plain lines off a TTY or under CI)"

    def __init__(self, outstream: Any, options: dict[str, Any], *, clock: Callable[[], float] = time.monotonic,
                 interactive: bool | None = None, width: int | None = None) -> None:
        super().__init__(outstream, options)
        self.clock = clock
        self.interactive = is_interactive(outstream) if interactive is None else interactive
        self.width = width
        self.packages: set[str] = set()
        self.total = 0
        self.done = 0
        self.extracted = 0
        self.uptodate = 0
        self.failed: list[str] = []
        self.started = clock()
        self.first_run: float | None = None
        self._live = 0  # length of the live line currently on screen (TTY)
        self._last_draw = -1e9
        self._last_plain_done = 0
        self._last_plain_at = self.started

    # -- doit reporter protocol

    def initialize(self, tasks: dict[str, Any], selected_tasks: list[str]) -> None:
        self.packages = {n for n in _reachable(tasks, selected_tasks) if is_package_task(tasks[n])}
        self.total = len(self.packages)
        self.started = self._last_plain_at = self.clock()
        if self.total and not self.interactive:
            self.write(f"symidx: {self.total} packages to check\n")

    def execute_task(self, task: Any) -> None:
        if task.name in self.packages:
            if self.first_run is None:
                self.first_run = self.clock()
            return
        self._clear()
        super().execute_task(task)

    def add_success(self, task: Any) -> None:
        if task.name in self.packages:
            self.extracted += 1
            self._advance()

    def add_failure(self, task: Any, fail: Any) -> None:
        if task.name in self.packages:
            self.failed.append(_short(task.name))
        self._clear()
        super().add_failure(task, fail)
        if task.name in self.packages:
            self._advance(force=True)

    def skip_uptodate(self, task: Any) -> None:
        if task.name in self.packages:
            self.uptodate += 1
            self._advance()
            return
        self._clear()
        super().skip_uptodate(task)

    def skip_ignore(self, task: Any) -> None:
        if task.name in self.packages:
            self.uptodate += 1
            self._advance()
            return
        self._clear()
        super().skip_ignore(task)

    def runtime_error(self, msg: str) -> None:
        self._clear()
        super().runtime_error(msg)

    def complete_run(self) -> None:
        self._clear()
        if self.total:
            elapsed = self.clock() - self.started
            self.write(
                f"symidx: {self.done}/{self.total} packages: {self.extracted} extracted, {self.uptodate} up to date, "
                f"{len(self.failed)} failed, in {format_duration(elapsed)}\n"
            )
        super().complete_run()

    # -- the progress line

    def _advance(self, force: bool = False) -> None:
        self.done += 1
        now = self.clock()
        finished = self.done >= self.total
        if self.interactive:
            if force or finished or now - self._last_draw >= TTY_SECONDS:
                self._draw(self.line(now))
                self._last_draw = now
        else:
            # Up-to-date packages fly by: they earn a line only every 2 s, so a
            # no-op run prints its summary and little else.
            ran = self.extracted + len(self.failed) > 0
            step = max(1, int(self.total * PLAIN_STEP))
            due = ran and (finished or self.done - self._last_plain_done >= step)
            if force or due or now - self._last_plain_at >= PLAIN_SECONDS:
                self.write(self.line(now) + "\n")
                self._last_plain_done, self._last_plain_at = self.done, now

    def line(self, now: float | None = None) -> str:
        now = self.clock() if now is None else now
        pct = 100 * self.done // self.total if self.total else 100
        parts = [f"symidx: {self.done}/{self.total} packages ({pct}%)"]
        if self.first_run is not None and self.extracted + len(self.failed):
            ran = self.extracted + len(self.failed)
            elapsed = max(now - self.first_run, 1e-6)
            rate = ran / elapsed
            parts.append(f"{rate:.1f}/s")
            remaining = self.total - self.done
            if remaining:
                parts.append(f"ETA {format_duration(remaining / rate)}")
        if self.uptodate:
            parts.append(f"{self.uptodate} up to date")
        if self.failed:
            parts.append(f"{len(self.failed)} failed (last: {self.failed[-1]})")
        return ", ".join(parts)

    def _draw(self, text: str) -> None:
        width = self.width or shutil.get_terminal_size((100, 20)).columns
        text = text[: max(width - 1, 20)]
        pad = " " * max(self._live - len(text), 0)
        self.write("\r" + text + pad)
        self._live = len(text)
        flush = getattr(self.outstream, "flush", None)
        if flush:
            flush()

    def _clear(self) -> None:
        """End the live line so ordinary output starts on a line of its own."""
        if self._live:
            self.write("\n")
            self._live = 0


__all__ = ["ProgressReporter", "is_interactive", "is_package_task"]
