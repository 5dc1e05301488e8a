"""Do two document features occur together more often than in documents of the same length?

Long documents contain more of everything, so a raw comparison ("documents with threat frames make
spending demands more often") partly measures length. :func:`length_matched_cooccurrence` compares
the documents with an *exposure* (e.g. a threat frame) with documents without it **of similar
length**: documents are cut into ``n_strata`` length strata (quantiles of ``length`` within each
``by`` group), and the outcome rate of the unexposed documents is averaged over the strata with
the exposed documents' weights (direct standardisation to the exposed documents). The difference
``p_exposed - p_unexposed_matched`` is then what the exposure adds at equal length, and ``ratio``
its ratio. Strata without an exposed or without an unexposed document cannot be compared; their
documents are counted in ``n_unmatched`` and left out of the matched estimate.

Intervals are percentile bootstrap intervals, resampling documents within strata (``n_boot``
resamples, ``random_state``): documents are taken as independent, which they are not quite
(several documents of one press briefing series, one speaker).

Examples
--------
>>> d = pd.DataFrame({"threat": [True, True, False, False, True, False],
...                   "spending": [True, False, False, False, True, True],
...                   "n_words": [100, 900, 120, 880, 110, 950]})
>>> t = length_matched_cooccurrence(d, exposure="threat", outcome="spending", n_strata=2,
...                                 n_boot=200)
>>> t[["n_docs", "n_exposed", "n_both", "p_exposed", "p_unexposed", "p_unexposed_matched"]].round(3).to_dict("records")
[{'n_docs': 6, 'n_exposed': 3, 'n_both': 2, 'p_exposed': 0.667, 'p_unexposed': 0.333, 'p_unexposed_matched': 0.167}]
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.bootstrap import DEFAULT_N_BOOT, DEFAULT_RANDOM_STATE
from toolkit.errors import require_columns

__all__ = ["COOCCURRENCE_COLUMNS", "length_matched_cooccurrence"]

#: Columns of :func:`length_matched_cooccurrence` after the ``by`` columns, in order.
COOCCURRENCE_COLUMNS: tuple[str, ...] = (
    "n_docs", "n_exposed", "n_outcome", "n_both", "n_strata", "n_unmatched", "p_exposed",
    "p_unexposed", "p_unexposed_matched", "difference", "ci_low", "ci_high", "ratio",
    "ratio_ci_low", "ratio_ci_high")


def _strata(length: pd.Series, n_strata: int) -> np.ndarray:
    # rank first so that ties (many documents of one length) cannot merge quantile edges
    return pd.qcut(length.rank(method="first"), q=min(n_strata, len(length)),
                   labels=False).to_numpy()


def _matched(x: np.ndarray, y: np.ndarray, s: np.ndarray) -> tuple[float, float, int]:
    """(p_exposed, p_unexposed_matched, n_unmatched) over strata holding both kinds."""
    num1 = den1 = num0 = 0.0
    unmatched = 0
    for k in np.unique(s):
        ink = s == k
        e, u = ink & x, ink & ~x
        ne, nu = int(e.sum()), int(u.sum())
        if ne == 0 or nu == 0:
            unmatched += ne + nu
            continue
        num1 += y[e].sum()
        den1 += ne
        num0 += ne * y[u].mean()
    if den1 == 0:
        return np.nan, np.nan, unmatched
    return num1 / den1, num0 / den1, unmatched


def _one_group(g: pd.DataFrame, exposure: str, outcome: str, length: str, n_strata: int,
               n_boot: int, ci: float, rng: np.random.Generator) -> dict:
    x = g[exposure].to_numpy(dtype=bool)
    y = g[outcome].to_numpy(dtype=bool)
    s = _strata(g[length], n_strata) if len(g) else np.array([], dtype=int)
    p1, p0m, unmatched = _matched(x, y, s)
    row = {"n_docs": len(g), "n_exposed": int(x.sum()), "n_outcome": int(y.sum()),
           "n_both": int((x & y).sum()), "n_strata": int(len(np.unique(s))),
           "n_unmatched": unmatched,
           "p_exposed": float(y[x].mean()) if x.any() else np.nan,
           "p_unexposed": float(y[~x].mean()) if (~x).any() else np.nan,
           "p_unexposed_matched": p0m, "difference": p1 - p0m,
           "ratio": p1 / p0m if p0m and p0m > 0 else np.nan}
    diffs, ratios = np.full(n_boot, np.nan), np.full(n_boot, np.nan)
    if np.isfinite(row["difference"]) and n_boot > 0:
        members = [np.flatnonzero(s == k) for k in np.unique(s)]
        for b in range(n_boot):
            idx = np.concatenate([rng.choice(m, size=len(m), replace=True) for m in members])
            b1, b0, _ = _matched(x[idx], y[idx], s[idx])
            diffs[b] = b1 - b0
            ratios[b] = b1 / b0 if b0 > 0 else np.nan
    a = (1 - ci) / 2
    for name, draws in (("", diffs), ("ratio_", ratios)):
        ok = draws[np.isfinite(draws)]
        lo, hi = (np.quantile(ok, [a, 1 - a]) if len(ok) else (np.nan, np.nan))
        row[f"{name}ci_low"], row[f"{name}ci_high"] = float(lo), float(hi)
    return row


def length_matched_cooccurrence(
    docs: pd.DataFrame,
    *,
    exposure: str,
    outcome: str,
    length: str = "n_words",
    n_strata: int = 5,
    by: str | Sequence[str] | None = None,
    n_boot: int = DEFAULT_N_BOOT,
    ci: float = 0.95,
    random_state: int = DEFAULT_RANDOM_STATE,
) -> pd.DataFrame:
    """Outcome rate of documents with the exposure against length-matched documents without it.

    Parameters
    ----------
    docs : DataFrame
        One row per document: boolean ``exposure`` and ``outcome`` columns and a numeric
        ``length`` column (plus the ``by`` columns).
    exposure, outcome : str
        Boolean columns (e.g. "has a threat frame", "makes a spending demand").
    length : str, default "n_words"
        The length to match on (words of the document: :func:`toolkit.threat_index` has it).
    n_strata : int, default 5
        Length strata (quantiles within each group). More strata match more closely and leave
        more documents unmatched; 5 removes about 90% of a linear length effect (Cochran 1968).
    by : str or list of str, optional
        Grouping columns (e.g. ``"collection"``); each group is stratified on its own.
    n_boot : int, default 1000
        Bootstrap resamples for the intervals (0: no intervals).
    ci : float, default 0.95
        Interval coverage.
    random_state : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, then :data:`COOCCURRENCE_COLUMNS`: counts,
        ``p_exposed`` and ``p_unexposed`` (raw outcome rates), ``p_unexposed_matched`` (rate of
        the unexposed at the exposed documents' lengths), ``difference`` = ``p_exposed`` (over
        matched strata) minus ``p_unexposed_matched`` with ``ci_low``/``ci_high``, and ``ratio``
        with its interval. See the module docstring.
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    require_columns(docs, [exposure, outcome, length, *keys],
                    name="length_matched_cooccurrence() docs",
                    hint="build one row per document with the two boolean features and its "
                         "length (e.g. from toolkit.threat_index)")
    if not isinstance(n_strata, int) or n_strata < 1:
        raise ValueError(f"n_strata={n_strata!r}: give a positive whole number of length strata, "
                         "e.g. n_strata=5")
    if not 0 < ci < 1:
        raise ValueError(f"ci={ci!r}: give the interval's coverage between 0 and 1, e.g. 0.95")
    if docs[length].isna().any():
        raise ValueError(f"{int(docs[length].isna().sum())} documents have no {length!r}; "
                         "drop them or fill the length before matching")
    rng = np.random.default_rng(random_state)
    if not keys:
        out = pd.DataFrame([_one_group(docs, exposure, outcome, length, n_strata, n_boot, ci,
                                       rng)])
    else:
        rows = []
        for k, g in docs.groupby(keys, sort=True, dropna=False):
            k = k if isinstance(k, tuple) else (k,)
            rows.append({**dict(zip(keys, k)),
                         **_one_group(g, exposure, outcome, length, n_strata, n_boot, ci, rng)})
        out = pd.DataFrame(rows, columns=[*keys, *COOCCURRENCE_COLUMNS])
    out = out[[*keys, *COOCCURRENCE_COLUMNS]]
    out.attrs.update({"exposure": exposure, "outcome": outcome, "length": length,
                      "n_strata": n_strata, "ci": ci, "n_boot": n_boot})
    return out
