"""toolkit.parallel: the core count rule and the thread pool the neural models share."""
from __future__ import annotations

import threading

import pytest

from toolkit.parallel import resolve_jobs, run_threads


def test_resolve_jobs_rejects_less_than_one():
    assert resolve_jobs(2) == 2
    with pytest.raises(ValueError, match="n_jobs must be at least 1"):
        resolve_jobs(0)


def test_run_threads_runs_every_task_once():
    seen, lock = [], threading.Lock()

    def add(x: int) -> None:
        with lock:
            seen.append(x)

    run_threads(add, range(200), n_jobs=2, progress=False)
    assert sorted(seen) == list(range(200))
    run_threads(add, [], n_jobs=2, progress=False)  # nothing to do is not an error


def test_run_threads_raises_the_first_error_and_drops_queued_tasks():
    started = []
    gate = threading.Event()

    def task(x: int) -> None:
        started.append(x)
        if x == 0:
            raise RuntimeError("task 0 failed")
        gate.wait(0.05)

    with pytest.raises(RuntimeError, match="task 0 failed"):
        run_threads(task, range(1000), n_jobs=1, progress=False)
    assert len(started) < 1000  # the queue was cancelled after the failure
