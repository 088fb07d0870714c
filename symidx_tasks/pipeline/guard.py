"""FileGuard: the uptodate check for what doit's file_dep cannot see."""
from __future__ import annotations

import inspect
import os
from functools import partial
from typing import Any

from ..fileio import stamp
from .checker import hand_over


def output_stamp(path: str | os.PathLike[str]) -> list[int] | None:
    """What an action that writes a guarded output returns as its ``result``
    task value, and what FileGuard compares it with: the output's size and
    mtime_ns (fileio.stamp without the inode), as a list because doit keeps
    task values as JSON. Deliberately without the inode: every writer of a
    guarded output (the package action, the Dask client, the merge) records
    this pair in doit's dep file, and a wider value would re-run every task
    of an existing index once."""
    fingerprint = stamp(path)
    return None if fingerprint is None else [fingerprint[0], fingerprint[1]]


# doit calls inspect.signature on every uptodate callable of every task on every
# run, to pass ``task`` and ``values``; an object that carries its signature is
# answered at once (1,004 packages: ~85 ms of a no-op otherwise).
UPTODATE_SIGNATURE = inspect.Signature([
    inspect.Parameter("task", inspect.Parameter.POSITIONAL_OR_KEYWORD),
    inspect.Parameter("values", inspect.Parameter.POSITIONAL_OR_KEYWORD),
])


class FileGuard:
    """uptodate check for what file_dep cannot see: the task's output (a result
    file, the DB) is still the one it wrote, not truncated, damaged, replaced or
    copied over since; and (package tasks) no source kept changing while it was
    read. The action returns ``output_stamp`` of its output as the task value
    ``result`` (and ``unstable``)."""

    __signature__ = UPTODATE_SIGNATURE

    def __init__(self, path: str) -> None:
        self.path = path

    def configure_task(self, task: Any) -> None:
        """doit's hook for uptodate objects: before doit saves the states of the task's
        file_dep (in the main process), hand the digests the action computed to the
        checker, and keep them out of the values doit saves."""
        task.value_savers.append(partial(_hand_over_digests, task))

    def __call__(self, task: Any, values: dict[str, Any]) -> bool:
        if values.get("unstable") or "result" not in values:
            return False
        return bool(output_stamp(self.path) == values["result"])


def _hand_over_digests(task: Any) -> dict[str, Any]:
    digests = task.values.pop("digests", None)
    if isinstance(task.result, dict):  # doit saves the action's returned dict as its result too
        task.result.pop("digests", None)
    if digests:
        hand_over(digests)
    return {}
