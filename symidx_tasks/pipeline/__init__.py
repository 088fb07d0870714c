"""The doit side: the task graph, the one doit configuration, the package
action, the per-package result file and the progress reporter."""
