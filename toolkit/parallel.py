"""How many cores a job may use: the one rule every parallel step of the toolkit follows."""
from __future__ import annotations

import os

__all__ = ["available_cores", "resolve_jobs"]


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
