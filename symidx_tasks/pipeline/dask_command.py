"""``doit run`` on a Dask cluster: the command that selects ``DaskRunner``.

doit 0.37 picks its runner inside ``Run._execute`` (sequential, multiprocess
or thread); its extension point for anything else is a command plugin.
``DaskRun`` replaces the ``run`` command and behaves exactly like doit's own
unless the run asks for Dask, with doit command-line variables::

    doit executor=dask                      # a LocalCluster: -n N workers, default one per CPU
    doit scheduler=tcp://HOST:8786          # an existing cluster (implies executor=dask)

Register it for a project (doit reads pyproject.toml from the current directory)::

    [tool.doit.plugins.command]
    run = "symidx_tasks.pipeline.dask_command:DaskRun"

or, through the API, ``dask_main(loader, ...)``. A project chooses which tasks
leave the client with ``DOIT_CONFIG["dask_offload"]`` (see dask_runner.py;
default: every task, whole).
"""
from __future__ import annotations

import codecs
import logging
import os
from dataclasses import dataclass
from typing import Any, ClassVar

from doit import get_var
from doit.action import PythonAction
from doit.cmd_base import TaskLoader2
from doit.cmd_run import Run
from doit.control import TaskControl
from doit.doit_cmd import DoitMain
from doit.exceptions import InvalidCommand
from doit.task import Stream

from .dask_runner import DaskRunner, Offload, distributed, ship_task

CONNECT_SECONDS = 10.0  # to reach the scheduler
WORKERS_SECONDS = 30.0  # for a reachable scheduler to have at least one worker

opt_dask_offload = {
    "name": "dask_offload",
    "default": None,
    "help": "DOIT_CONFIG only: offload(task) -> Remote | None, which tasks run on the Dask cluster",
}


class SchedulerUnreachable(InvalidCommand):  # type: ignore[misc]  # doit is untyped
    """No usable Dask cluster at the given address: raised before any task runs."""


@dataclass(frozen=True)
class DaskSettings:
    scheduler: str | None = None  # None: start a LocalCluster
    workers: int | None = None  # LocalCluster worker processes (default: one per CPU)
    connect_seconds: float = CONNECT_SECONDS

    @classmethod
    def from_vars(cls) -> DaskSettings | None:
        """From the doit variables ``executor=`` and ``scheduler=``; None: not a Dask run."""
        executor = (get_var("executor", "") or "").strip().lower()
        scheduler = (get_var("scheduler", "") or "").strip() or None
        if executor not in ("", "doit", "dask"):
            raise InvalidCommand(f"executor={executor}: expected executor=dask or executor=doit")
        if executor == "doit" and scheduler:
            raise InvalidCommand("scheduler= needs executor=dask (or no executor= at all)")
        if executor == "dask" or scheduler:
            return cls(scheduler=scheduler)
        return None


def connect(address: str, connect_seconds: float = CONNECT_SECONDS,
            workers_seconds: float = WORKERS_SECONDS) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` that has at
    least one worker, or SchedulerUnreachable saying why not."""
    try:
        client = distributed().Client(address, timeout=connect_seconds, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnreachable(
            f"cannot reach the Dask scheduler at {address} within {connect_seconds:g}s ({exc}); "
            "is `dask scheduler` running there, and is the address right?") from None
    try:
        client.wait_for_workers(1, timeout=workers_seconds)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise SchedulerUnreachable(
            f"the Dask scheduler at {address} has no worker after {workers_seconds:g}s ({exc}); "
            "start some with `dask worker " + address + "`") from None
    return client


class Cluster:
    """The Dask client of one run. A given scheduler is connected to at once,
    so an unreachable one fails before anything is loaded or written; a
    LocalCluster starts on first use, so a run with nothing to do starts none."""

    def __init__(self, settings: DaskSettings) -> None:
        self.settings = settings
        self._client: Any = connect(settings.scheduler, settings.connect_seconds) if settings.scheduler else None
        self._local: Any = None

    def client(self) -> Any:
        if self._client is None:
            dd = distributed()
            # One single-threaded process per worker: extraction is Python
            # code holding the GIL, so threads would not run it in parallel.
            self._local = dd.LocalCluster(
                n_workers=self.settings.workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                # no dashboard, and its HTTP endpoint on a free port, not 8787
                dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.ERROR)
            self._client = dd.Client(self._local, set_as_default=False)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._local is not None:
            self._local.close()
        self._client = self._local = None


class DaskRun(Run):  # type: ignore[misc]  # doit is untyped
    """doit's ``run``; on a Dask cluster when the run asks for one."""

    name = "run"
    doc_purpose = "run tasks (executor=dask [scheduler=ADDR]: on a Dask cluster)"
    cmd_options = (*Run.cmd_options, opt_dask_offload)
    # Set by dask_main(): the cluster of an API run, and its offload (which
    # wins over DOIT_CONFIG's). A tuple: a function class attribute would bind.
    bound: ClassVar[tuple[Cluster, Offload | None] | None] = None

    def execute(self, params: Any, args: list[str]) -> Any:
        self.cluster: Cluster | None = self.bound[0] if self.bound else None
        self.offload: Offload | None = self.bound[1] if self.bound else None
        owned = False
        if self.cluster is None:
            settings = DaskSettings.from_vars()
            if settings is not None:
                self.cluster = Cluster(DaskSettings(settings.scheduler, params.get("num_process") or None))
                owned = True
        try:
            return super().execute(params, args)
        finally:
            if owned and self.cluster is not None:
                self.cluster.close()

    def _execute(self, outfile: Any, verbosity: int | None = None, always: bool = False, continue_: bool = False,
                 reporter: Any = "console", num_process: int = 0, par_type: str = "process",
                 single: bool = False, auto_delayed_regex: bool = False, force_verbosity: bool = False,
                 failure_verbosity: int = 0, pdb: bool = False, dask_offload: Offload | None = None) -> int:
        """doit 0.37's ``Run._execute`` with a DaskRunner in place of its runners."""
        if self.cluster is None:
            return int(super()._execute(
                outfile, verbosity, always, continue_, reporter, num_process, par_type, single,
                auto_delayed_regex, force_verbosity, failure_verbosity, pdb))
        PythonAction.pm_pdb = pdb
        self.control = TaskControl(self.task_list, auto_delayed_regex=auto_delayed_regex)
        self.control.process(self.sel_tasks)
        if single:  # run only the named tasks (of a group: its sub-tasks), not their task_dep
            for task_name in self.control.selected_tasks:
                task = self.control.tasks[task_name]
                for one in [self.control.tasks[n] for n in task.task_dep] if task.has_subtask else [task]:
                    one.task_dep = []
        reporter_cls = self.reporters[reporter] if isinstance(reporter, str) else reporter
        outstream = codecs.open(outfile, "w", encoding="utf-8") if isinstance(outfile, str) else outfile
        self.outstream = outstream
        try:
            reporter_obj = (reporter_cls(outstream, {"failure_verbosity": failure_verbosity})
                            if isinstance(reporter_cls, type) else reporter_cls)
            runner = DaskRunner(self.dep_manager, reporter_obj, continue_, always,
                                Stream(verbosity, force_verbosity), client=self.cluster.client,
                                offload=self.offload or dask_offload or ship_task)
            return int(runner.run_all(self.control.task_dispatcher()))
        finally:
            if isinstance(outfile, str):
                outstream.close()


def dask_main(loader: TaskLoader2, cluster: Cluster, offload: Offload | None = None) -> DoitMain:
    """A ``DoitMain`` whose ``run`` command runs on ``cluster`` (already
    connected: see Cluster), with ``offload`` deciding what leaves the client."""
    bound = type("BoundDaskRun", (DaskRun,), {"bound": (cluster, offload)})

    class Main(DoitMain):  # type: ignore[misc]  # doit is untyped
        def get_cmds(self) -> Any:
            cmds = super().get_cmds()
            cmds["run"] = bound  # after the config's plugins: this run is bound to this cluster
            return cmds

    return Main(loader)


__all__ = ["Cluster", "DaskRun", "DaskSettings", "SchedulerUnreachable", "connect", "dask_main"]
