"""Bootstrap confidence intervals for grouped means and shares (fixed ``random_state``)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DEFAULT_N_BOOT = 1000
DEFAULT_RANDOM_STATE = 0


def bootstrap_ci(
    df: pd.DataFrame,
    value: str,
    by: str | Sequence[str] | None = None,
    *,
    n_boot: int = DEFAULT_N_BOOT,
    ci: float = 0.95,
    random_state: int = DEFAULT_RANDOM_STATE,
    cluster: str | None = None,
) -> pd.DataFrame:
    """Percentile bootstrap confidence interval of the mean of ``value`` per group.

    Parameters
    ----------
    df : DataFrame
        One row per observation (e.g. one actor mention's sentiment score, or one sentence's 0/1
        threat flag, whose mean is a share).
    value : str
        Numeric column whose mean is estimated.
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole table as one group.
    n_boot : int, default 1000
        Bootstrap resamples per group.
    ci : float, default 0.95
        Coverage of the interval.
    random_state : int, default 0
        Seed; the same input and seed give the same table.
    cluster : str, optional
        Resample whole clusters (e.g. ``"doc_id"``) instead of rows, because sentences of one
        document are not independent. Default ``None`` resamples rows.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``n``, ``mean``, ``ci_low``, ``ci_high``. Groups with one
        observation get an interval equal to the mean.

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a", "a", "b"], "x": [1.0, 0.0, 1.0]})
    >>> bootstrap_ci(df, "x", "g")[["g", "n", "mean"]].to_dict("records")
    [{'g': 'a', 'n': 2, 'mean': 0.5}, {'g': 'b', 'n': 1, 'mean': 1.0}]
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci!r}")
    if value not in df.columns:
        raise KeyError(f"column {value!r} not in the table; columns are {list(df.columns)}")
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    rng = np.random.default_rng(random_state)
    alpha = (1 - ci) / 2
    rows = []
    groups = [((), df)] if not keys else df.groupby(keys, sort=True, dropna=False)
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        x = part[value].to_numpy(dtype=float)
        n = len(x)
        mean = float(x.mean()) if n else float("nan")
        if n <= 1:
            lo = hi = mean
        elif cluster is not None:
            # Cluster bootstrap: resample clusters, weight by their sizes.
            codes, _ = pd.factorize(part[cluster])
            sums = np.bincount(codes, weights=x)
            counts = np.bincount(codes).astype(float)
            lo, hi = cluster_ratio_ci(rng, sums, counts, n_boot, alpha)
        else:
            stats = _resample(rng, n_boot, n, lambda i: x[i].mean(1))
            lo, hi = np.quantile(stats, [alpha, 1 - alpha])
        rows.append((*key, n, mean, float(lo), float(hi)))
    return pd.DataFrame(rows, columns=[*keys, "n", "mean", "ci_low", "ci_high"])


def cluster_ratio_ci(rng: np.random.Generator, sums: np.ndarray, counts: np.ndarray,
                     n_boot: int, alpha: float) -> tuple[float, float]:
    """Percentile interval of ``sum(sums) / sum(counts)`` over clusters resampled with
    replacement (one entry of ``sums``/``counts`` per cluster, e.g. per document)."""
    stats = _resample(rng, n_boot, len(sums), lambda i: sums[i].sum(1) / counts[i].sum(1))
    lo, hi = np.quantile(stats, [alpha, 1 - alpha])
    return float(lo), float(hi)


def _resample(rng: np.random.Generator, n_boot: int, k: int, stat) -> np.ndarray:
    """Apply ``stat`` to ``n_boot`` resampled index rows, in blocks to bound memory."""
    block = max(1, min(n_boot, 2_000_000 // max(k, 1)))
    out = []
    for begin in range(0, n_boot, block):
        out.append(stat(rng.integers(0, k, size=(min(block, n_boot - begin), k))))
    return np.concatenate(out)
