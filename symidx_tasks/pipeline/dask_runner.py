"""A doit runner that executes tasks on a dask.distributed cluster.

doit has no distributed runner (pydoit/doit issue 257). ``DaskRunner`` is
doit's own ``Runner`` with one change: a task that doit selected to run is
submitted to a ``distributed.Client`` instead of being executed in this process
or in doit's multiprocessing pool. Everything else stays with doit, on the
client: the up-to-date checks, task_dep/setup ordering, ``--continue``,
``getargs``, saving the dep state, teardown and the reporter.

Which tasks run where is decided per task by an *offload* function,
``offload(task) -> Remote | None``:

- ``None``: the task runs on the client, exactly as doit's sequential runner
  runs it (a merge into one SQLite file, say, must stay on the client).
- ``Remote(fn, kwargs, finish)``: ``fn(**kwargs)`` runs on a worker; its return
  value travels back and ``finish(value)`` runs on the client as the task's
  Python action (doit's return conventions: a dict is the task's values,
  ``False``/``TaskFailed`` fail it, an exception is a task error).

``ship_task`` (the default) sends the whole doit task and runs all its actions
on a worker, which suits any task whose actions and outputs make sense there.
Nothing here imports ``distributed`` until a cluster is used, so a project can
register this module's command unconditionally (see dask_command.py).
"""
from __future__ import annotations

import pickle
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from doit.action import PythonAction
from doit.exceptions import BaseFail, TaskError
from doit.runner import Runner
from doit.task import Stream, Task


@dataclass(frozen=True)
class Remote:
    """One task's work for a worker, and how the client completes the task."""

    fn: Callable[..., Any]  # module-level (pickled by reference); runs on a worker
    kwargs: dict[str, Any]  # plain data: sent to the worker
    finish: Callable[[Any], Any]  # on the client: fn's return value -> a doit Python-action return value


Offload = Callable[[Task], "Remote | None"]


def distributed() -> Any:
    """The ``distributed`` package, imported on first use: a run without Dask
    never pays for it. (Untyped for mypy: its Client API has no annotations.)"""
    import distributed as module

    return module


def call(fn: Callable[..., Any], payload: bytes) -> Any:
    """What each Dask task runs: ``fn(**kwargs)``, the kwargs pickled. Opaque
    bytes, because Dask walks (and would substitute keys in) nested arguments,
    which costs time per task and could alter a string that equals a key."""
    return fn(**pickle.loads(payload))


def run_task(task: Task) -> dict[str, Any]:
    """Run all of a doit task's actions (on a worker); the outcome as plain data.
    Output is captured, not printed here: the client replays it."""
    failure = task.execute(Stream(0))
    return {
        "failure": failure, "values": task.values, "result": task.result,
        "out": "".join(a.out or "" for a in task.actions), "err": "".join(a.err or "" for a in task.actions),
    }


def _replay(outcome: dict[str, Any]) -> Any:
    # Printed here, inside the client-side action, the worker's output is
    # captured and shown by doit exactly as if the task had run locally.
    sys.stdout.write(outcome["out"])
    sys.stderr.write(outcome["err"])
    if outcome["failure"] is not None:
        return outcome["failure"]
    return outcome["values"] or outcome["result"]


def ship_task(task: Task) -> Remote:
    """The default offload: every task runs whole on a worker (actions, their
    output, their values); doit's bookkeeping stays on the client."""
    return Remote(fn=run_task, kwargs={"task": task}, finish=_replay)


def _dumps(kwargs: dict[str, Any]) -> bytes:
    import cloudpickle  # what Dask itself pickles with: closures and lambdas in shipped tasks work

    return bytes(cloudpickle.dumps(kwargs))


class DaskRunner(Runner):  # type: ignore[misc]  # doit is untyped
    """doit's ``Runner`` whose selected tasks go to a Dask cluster.

    ``client`` is a ``distributed.Client``, or a callable returning one (so a
    run where everything is up to date never starts a cluster).
    """

    def __init__(self, dep_manager: Any, reporter: Any, continue_: bool = False, always_execute: bool = False,
                 stream: Stream | None = None, *, client: Any, offload: Offload = ship_task) -> None:
        super().__init__(dep_manager, reporter, continue_=continue_, always_execute=always_execute, stream=stream)
        self._client = client
        self.offload = offload
        self.in_flight: dict[Any, tuple[Any, Remote]] = {}  # future -> (doit ExecNode, Remote)
        self._done: Any = None  # distributed.as_completed of the in-flight futures
        self._queued: list[tuple[Any, Remote]] = []  # selected, not yet submitted

    @property
    def client(self) -> Any:
        if callable(self._client):
            self._client = self._client()
        return self._client

    def run_tasks(self, task_dispatcher: Any) -> None:
        """doit's dispatch loop, with every selected remote task in flight at
        once: a node goes back to the dispatcher when it is done (or skipped),
        which is what releases the tasks that depend on it."""
        generator = task_dispatcher.generator
        finished: Any = None  # the node to hand back to the dispatcher next
        exhausted = False
        try:
            while True:
                while not exhausted and not self._stop_running:
                    try:
                        node = generator.send(finished)
                    except StopIteration:
                        exhausted = True
                        break
                    finished = None
                    if node == "hold on":  # everything ready is in flight
                        break
                    if not self._start(node, task_dispatcher.tasks):
                        finished = node
                self._submit()
                if not self.in_flight:
                    break
                future, returned = next(self._done)
                node, remote = self.in_flight.pop(future)
                self.process_task_result(node, self._complete(node.task, future, returned, remote))
                finished = node
        except BaseException:  # Ctrl-C (or a bug): nothing of this run may keep running on the cluster
            if self.in_flight:
                self.client.cancel(list(self.in_flight))
                self.in_flight.clear()
            raise

    def _start(self, node: Any, tasks: dict[str, Any]) -> bool:
        """Run a selected task on the client, or queue it for submission; True
        when queued (it goes back to the dispatcher when it completes)."""
        if not self.select_task(node, tasks):
            return False
        task = node.task
        try:
            remote = self.offload(task)
        except Exception as exc:  # e.g. an input the client cannot read: this task fails, not the run
            self.process_task_result(node, TaskError(f"preparing {task.name} for the Dask cluster failed", exc))
            return False
        if remote is None:
            self._submit()  # keep the workers busy while the client works
            self.process_task_result(node, self.execute_task(task))
            return False
        if task.teardown:
            self.teardown_list.append(task)
        self.reporter.execute_task(task)
        self._queued.append((node, remote))
        return True

    def _submit(self) -> None:
        """Send the queued tasks to the scheduler, in one message."""
        if not self._queued:
            return
        queued, self._queued = self._queued, []
        futures = self.client.map(
            call, [r.fn for _, r in queued], [_dumps(r.kwargs) for _, r in queued], pure=False,
            # readable on the dashboard; unique across runs
            key=[f"{node.task.name}-{uuid.uuid4().hex}" for node, _ in queued])
        if self._done is None:
            # with_results: each result is fetched as soon as its task ends, in
            # the background, not one round trip per task when its turn comes.
            self._done = distributed().as_completed(loop=self.client.loop, with_results=True, raise_errors=False)
        for future, pending in zip(futures, queued, strict=True):
            self.in_flight[future] = pending
        self._done.update(futures)

    def _complete(self, task: Task, future: Any, returned: Any, remote: Remote) -> BaseFail | None:
        """The task's failure, or None once ``finish`` has run as its action."""
        task.executed = True
        if future.status != "finished":
            try:
                exc = future.exception()
            except BaseException as cancelled:  # cancelled: there is no exception to fetch
                exc = cancelled
            return TaskError(f"{task.name} failed on the Dask cluster: {type(exc).__name__}: {exc}", exc)
        # A zero-argument action: doit injects nothing into it (targets,
        # dependencies, options), and applies its return conventions as usual.
        action = PythonAction(lambda: remote.finish(returned), task=task)
        out, err = self.stream._get_out_err(task.verbosity)
        failure: BaseFail | None = action.execute(out, err)
        if failure is not None:
            return failure
        task.result = action.result
        task.values.update(action.values)
        return None


__all__ = ["DaskRunner", "Offload", "Remote", "call", "distributed", "run_task", "ship_task"]
