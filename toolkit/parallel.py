"""How many cores a job may use (the one rule every parallel step of the toolkit follows) and the
thread pool the neural models share."""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

__all__ = ["available_cores", "resolve_jobs", "run_threads"]

T = TypeVar("T")


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask on Linux, else the CPU count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def resolve_jobs(n_jobs: int | None) -> int:
    """``n_jobs`` checked (at least 1), or :func:`available_cores` when it is None.

    Examples
    --------
    >>> resolve_jobs(3)
    3
    """
    if n_jobs is None:
        return available_cores()
    if isinstance(n_jobs, bool) or int(n_jobs) < 1:
        raise ValueError(f"n_jobs must be at least 1, got {n_jobs!r}")
    return int(n_jobs)


def run_threads(
    fn: Callable[[T], None],
    tasks: Sequence[T],
    *,
    n_jobs: int | None = None,
    weights: Sequence[int] | None = None,
    desc: str = "",
    unit: str = "it",
    progress: bool = True,
) -> None:
    """Call ``fn(task)`` for every task from a pool of ``n_jobs`` threads (for work that releases
    the GIL, such as onnxruntime calls).

    Tasks start in the order given, each worker taking the next one only when it is free (the
    pool's own FIFO queue), so callers pass the longest first and no core idles long at the end.
    The caller sleeps until all are done or one fails (waking it for each finished task, as
    ``as_completed`` does, was 7% slower in paired runs of the neural sentiment stage); on a
    failure the queued tasks are dropped and the first error is raised.

    A ``tqdm`` bar advances by ``weights[i]`` (default 1) when task ``i`` ends; it is shown only
    with ``progress`` and a total above 64.

    Examples
    --------
    >>> out = [0] * 4
    >>> run_threads(lambda i: out.__setitem__(i, i * i), range(4), n_jobs=2, progress=False)
    >>> out
    [0, 1, 4, 9]
    """
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    from tqdm.auto import tqdm

    tasks = list(tasks)
    if not tasks:
        return
    w = [1] * len(tasks) if weights is None else [int(x) for x in weights]
    lock = threading.Lock()
    with tqdm(total=sum(w), desc=desc, unit=unit, leave=False,
              disable=(not progress) or sum(w) <= 64) as bar, \
            ThreadPoolExecutor(min(resolve_jobs(n_jobs), len(tasks))) as pool:

        def one(k: int) -> None:
            fn(tasks[k])
            with lock:
                bar.update(w[k])

        futures = [pool.submit(one, k) for k in range(len(tasks))]
        wait(futures, return_when=FIRST_EXCEPTION)
        pool.shutdown(cancel_futures=True)
        for f in futures:
            if not f.cancelled():
                f.result()
