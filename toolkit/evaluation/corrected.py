"""Group means corrected for classifier error with a hand-coded sample of known design.

A classifier predicts, for every unit of the corpus (a sentence, a (sentence, actor) pair, an
actor mention), a value ``Y_hat`` (a probability, a 0/1 flag or a score such as sentiment in
{-1, 0, 1}). The mean of the predictions per group (year, collection, speaker) is biased
wherever the classifier errs, and it errs differently per group. A hand-coded sample whose
units were drawn with *known* inclusion probabilities removes that bias: this module implements
the design-based supervised learning (DSL) estimator of Egami et al. [1]_ for group means,
which for a mean is a design-weighted form of prediction-powered inference (PPI) [2]_.

Estimator
---------
For unit ``i`` with prediction ``Y_hat_i``, coded indicator ``R_i`` (1 if hand-coded), inclusion
probability ``pi_i`` and gold value ``Y_i`` (known only where ``R_i = 1``), the pseudo-outcome is
::

    Y_tilde_i = Y_hat_i + (R_i / pi_i) * (Y_i - Y_hat_i)

Its expectation over the draw of the coded sample is ``Y_i`` whatever the classifier's error,
so the group mean ``theta_g = mean of Y_tilde_i over the n_g units of group g`` is unbiased for
the group's true mean. With ``pi_i = n / N`` for all units this is exactly the PPI point
estimate ``mean(Y_hat) + mean over coded units of (Y - Y_hat)``.

Variance (superpopulation, as DSL's sandwich for a mean)::

    V = sum_i (Y_tilde_i - theta_g)^2 / (n_g (n_g - 1))                   (cluster=None)
    V = G/(G-1) * sum_c (sum_{i in c} (Y_tilde_i - theta_g))^2 / n_g^2    (cluster="doc_id")

where ``c`` runs over the ``G`` clusters (documents) with units in the group. The first is the
sample variance of ``Y_tilde`` over ``n_g``; the second is the usual cluster-robust (CR1)
sandwich, equal to the first when every unit is its own cluster. The interval is
``theta_g -+ z * sqrt(V)`` with ``z`` the normal quantile at ``(1 + ci) / 2``. The uncorrected
estimate is the mean of ``Y_hat`` with the same variance formula applied to ``Y_hat``: its
interval only reflects the sampling noise of the predictions, never their bias.

Assumptions
-----------
- **Known, positive inclusion probabilities.** The coded sample may depend on anything known
  before coding (strata built from actor or security words, even the predictions), but every
  ``pi_i`` must be known and every unit of a group must have ``pi_i > 0``: a unit that could
  never be drawn is never corrected (:func:`corrected_mean` warns when it sees ``pi == 0``).
  :func:`inclusion_probabilities` computes ``pi`` for the overlapping stratified designs of the
  shipped gold sets (the samples of :func:`toolkit.evaluation.sampling.sample_for_coding` carry
  it as ``inclusion_probability``). ``pi`` belongs to the whole corpus as the sampling frame:
  compute it on the full unit table, not on the coded sample. Units finer than the sampled
  sentence, such as (sentence, actor) pairs, take the probability of their sentence.
- **Predictions not fitted on the coded units** (or cross-fitted); otherwise the residuals of the
  coded units are too small and the correction too weak.
- **Independence for the variance.** Under Poisson (Bernoulli) sampling, each unit coded
  independently with probability ``pi_i``, and independent units (or clusters), the
  ``Y_tilde_i`` are independent and ``V`` is consistent. For the fixed-size stratified samples
  (exactly ``n_h`` of ``N_h`` drawn without replacement), the coded indicators of a stratum are
  slightly negatively correlated; ``V`` ignores that and is conservative: it exceeds the exact
  variance by about ``sum_i (1 - f_h) / f_h * rbar_h^2 / n_g^2`` (``f_h = n_h / N_h`` and
  ``rbar_h`` the mean residual ``Y - Y_hat`` in unit i's stratum), i.e. it is exact when the
  classifier is unbiased inside each stratum.
  Sentences of one document are not independent (one speaker, one topic): pass
  ``cluster="doc_id"``. If the sample was drawn by document (all sentences of drawn documents
  coded), the cluster must be the document or coarser.
- **Normal approximation.** With few coded units in a group, ``Y_tilde`` is heavy-tailed (weights
  ``1/pi`` can be large) and the interval is rough. Nothing is clipped: a share estimate can fall
  outside [0, 1] (a mean sentiment outside [-1, 1]); ask for ``bounds=(0, 1)`` to clip the
  *interval* bounds (never the estimate). The rough spot is a stratum of small ``pi`` where the
  classifier rarely errs: the correction then rests on a handful of nonzero residuals with large
  weights, and the interval under-covers although the estimate stays unbiased and ``se`` matches
  its spread. In the simulation of ``tests/test_corrected.py`` (2 groups of 2,000 sentences,
  0/1 predictions, 5% or 15% false positives; 8 seeds of 500 replications) 95% intervals
  covered 88-95% (mean 89% and 94% in the two groups) with 260 coded sentences (130 per
  group; 100 of the 260 from the 'any sentence' draw, ``pi`` about 0.026 there), and 93-97%
  (mean 95%) with 1,000 coded (500 from the 'any' draw, ``pi`` about 0.14). Code more units of
  the low-probability strata rather than trust a narrow interval built on few of them.

The target is the superpopulation mean (the process that produced the corpus), as in DSL. For
the share in this finite corpus only, the design-based (Horvitz-Thompson) variance would be
``sum over coded i of (1 - pi_i) / pi_i^2 * (Y_i - Y_hat_i)^2 / n_g^2``; the variance above is
larger by about the spread of ``Y`` itself, so its intervals are conservative for that target.

References
----------
.. [1] Egami, N., Hinck, M., Stewart, B. M., & Wei, H. (2023). Using imperfect surrogates for
   downstream inference: Design-based supervised learning for social science applications of
   large language models. *Advances in Neural Information Processing Systems 36* (NeurIPS 2023).
.. [2] Angelopoulos, A. N., Bates, S., Fannjiang, C., Jordan, M. I., & Zrnic, T. (2023).
   Prediction-powered inference. *Science*, 382(6671), 669-674.

Examples
--------
>>> units = pd.DataFrame({"year": [2021, 2021, 2021, 2022, 2022, 2022],
...                       "pred": [1, 1, 0, 0, 1, 0], "gold": [0, None, None, 1, None, None],
...                       "pi": [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]})
>>> t = corrected_mean(units, prediction="pred", gold="gold", pi="pi", by="year")
>>> t[["year", "n_coded", "estimate", "uncorrected"]].round(3).to_dict("records")
... # doctest: +NORMALIZE_WHITESPACE
[{'year': 2021, 'n_coded': 1, 'estimate': 0.0, 'uncorrected': 0.667},
 {'year': 2022, 'n_coded': 1, 'estimate': 1.0, 'uncorrected': 0.333}]
"""
from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from statistics import NormalDist
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.errors import check_choice, require_columns

__all__ = ["CORRECTED_COLUMNS", "corrected_mean", "inclusion_probabilities"]

#: Columns of :func:`corrected_mean` after the ``by`` columns, in order.
CORRECTED_COLUMNS: tuple[str, ...] = (
    "n", "n_coded", "n_clusters", "corrected",
    "estimate", "se", "ci_low", "ci_high",
    "uncorrected", "uncorrected_se", "uncorrected_ci_low", "uncorrected_ci_high",
)

_UNITS_HINT = ("units: one row per corpus unit with its prediction, its gold value (NaN where "
               "not hand-coded) and its inclusion probability (see inclusion_probabilities()).")


def inclusion_probabilities(
    units: pd.DataFrame,
    *,
    strata: str,
    sample_sizes: Mapping[Hashable, int],
    any_stratum: Hashable | None = None,
    combine: Literal["sequential", "independent", "additive"] = "sequential",
) -> pd.Series:
    """Inclusion probability of every unit under a stratified design with an 'any unit' draw.

    The design: ``sample_sizes[h]`` units drawn at random without replacement from the units
    whose ``strata`` label is ``h``, and (if ``any_stratum`` is given)
    ``sample_sizes[any_stratum]`` drawn from all units, so the 'any' draw overlaps the strata
    (the shipped gold sets: about 45% from "actor and security word", 35% from "actor only",
    20% from any sentence). With ``f_h = n_h / N_h`` (0 for a unit in no sampled stratum), ``N``
    units in all and ``n_any`` drawn by the 'any' draw, ``combine`` says how the draws relate::

        sequential:  pi_i = f_h + (1 - f_h) * n_any / (N - sum_h n_h)
        independent: pi_i = 1 - (1 - f_h) * (1 - n_any / N)
        additive:    pi_i = f_h + n_any / N

    ``"sequential"``: the 'any' draw is from the units the strata did not draw (no unit drawn
    twice; the design of :func:`toolkit.evaluation.sampling.sample_for_coding`, whose samples
    carry this probability as ``inclusion_probability``). ``"independent"``: the draws are
    independent and a unit drawn twice is coded once. ``"additive"``: the first-order
    (with-replacement) approximation, the expected number of draws of the unit, which is the
    right weight if a unit drawn twice is coded and counted twice. All three agree when the
    sampling fractions are small. Each is exact for its design; only the first-order
    inclusion probabilities are computed (the variance of :func:`corrected_mean` does not need
    joint ones).

    Parameters
    ----------
    units : DataFrame
        The whole corpus as the sampling frame, one row per unit (not the coded sample: the
        ``N_h`` are counted here).
    strata : str
        Column with each unit's stratum label. A unit whose label is NaN, is not a key of
        ``sample_sizes`` or is ``any_stratum`` can be drawn only by the 'any' draw.
    sample_sizes : mapping
        Stratum label -> number of units drawn from it (a non-negative int).
    any_stratum : hashable, optional
        The key of ``sample_sizes`` that is the draw from all units; ``None``: no such draw.
    combine : {"sequential", "independent", "additive"}, default "sequential"
        How a stratum's draw and the 'any' draw combine (formulas above).

    Returns
    -------
    Series
        ``pi`` per unit, aligned with ``units.index``; 0 for units no draw can reach.

    Raises
    ------
    ValueError
        A missing column, an unknown stratum, a sample larger than its stratum (or the 'any'
        draw larger than the units left for it), a negative or non-integer sample size, or an
        additive probability above 1.

    Examples
    --------
    Six units, one drawn from the two A's, one from the three B's, one more from the rest:

    >>> units = pd.DataFrame({"stratum": ["A", "A", "B", "B", "B", None]})
    >>> sizes = {"A": 1, "B": 1, "any": 1}
    >>> inclusion_probabilities(units, strata="stratum", sample_sizes=sizes,
    ...                         any_stratum="any").tolist()
    [0.625, 0.625, 0.5, 0.5, 0.5, 0.25]
    """
    check_choice("combine", combine, ["sequential", "independent", "additive"])
    require_columns(units, [strata], name="inclusion_probabilities() units",
                    hint=f"strata={strata!r} must name the column holding each unit's stratum "
                         "label (NaN for a unit in none of the strata).")
    if not isinstance(sample_sizes, Mapping) or not sample_sizes:
        raise ValueError("sample_sizes must be a non-empty dict {stratum label: units drawn}, "
                         f"got {sample_sizes!r}")
    if any_stratum is not None and any_stratum not in sample_sizes:
        raise ValueError(f"any_stratum={any_stratum!r} is not a key of sample_sizes "
                         f"{list(sample_sizes)}; add it with the number of units drawn from the "
                         "whole corpus, or pass any_stratum=None")
    for key, size in sample_sizes.items():
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
            raise ValueError(f"sample_sizes[{key!r}]={size!r}: a sample size is the number of "
                             "units drawn, a non-negative int")
    labels = units[strata]
    counts = labels.value_counts(dropna=True)
    n_units = len(units)
    frac = {}
    for key, size in sample_sizes.items():
        if key == any_stratum:
            continue
        have = int(counts.get(key, 0))
        if have == 0:
            raise ValueError(
                f"sample_sizes has stratum {key!r} but column {strata!r} labels no unit so "
                f"(labels present: {sorted(map(str, counts.index))}); fix the key or the column")
        if size > have:
            raise ValueError(
                f"sample_sizes[{key!r}]={size} but column {strata!r} labels only {have} units "
                f"{key!r}; lower the sample size, or pass the whole corpus as units (the "
                "sampling frame), not the coded sample")
        frac[key] = size / have
    f_h = labels.map(frac).astype(float).fillna(0.0).to_numpy()
    n_any = 0 if any_stratum is None else int(sample_sizes[any_stratum])
    # the frame of the 'any' draw: every unit, or (sequential) those the strata left
    frame = n_units - (sum(sample_sizes[k] for k in frac) if combine == "sequential" else 0)
    if n_any > frame:
        less = ", less those the strata drew" if combine == "sequential" else ""
        raise ValueError(
            f"sample_sizes[{any_stratum!r}]={n_any} but only {frame} units are left for the "
            f"'any' draw ({n_units} rows{less}); lower it, or pass the whole corpus as units")
    q = n_any / frame if frame else 0.0
    if combine == "sequential":
        pi = f_h + (1.0 - f_h) * q
    elif combine == "independent":
        pi = 1.0 - (1.0 - f_h) * (1.0 - q)
    else:
        pi = f_h + q
        if (pi > 1).any():
            raise ValueError(
                f"combine='additive' gives {int((pi > 1).sum())} units a probability above 1 "
                "(a stratum drawn almost whole plus the 'any' draw); use combine='sequential' "
                "or 'independent', whichever describes how the sample was drawn")
    return pd.Series(pi, index=units.index, name="pi", dtype=float)


def corrected_mean(
    units: pd.DataFrame,
    *,
    prediction: str,
    gold: str,
    pi: str,
    by: str | Sequence[str] | None = None,
    ci: float = 0.95,
    cluster: str | None = None,
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """DSL-corrected mean of ``gold`` per group from predictions on all units and a coded sample.

    See the module docstring for the estimator, the variance and their assumptions.

    Parameters
    ----------
    units : DataFrame
        One row per corpus unit (coded or not).
    prediction : str
        Column of the classifier's value for every unit (probability, 0/1 or score); no NaN.
    gold : str
        Column of the hand-coded value (same scale as ``prediction``; bool is read as 0/1), NaN
        where the unit was not coded.
    pi : str
        Column of inclusion probabilities, in (0, 1] wherever ``gold`` is present; ignored
        elsewhere (NaN is fine there; 0 there draws a warning: such units are never corrected).
    by : str or list of str, optional
        Grouping columns; ``None`` treats the table as one group. NaN keys form their own group.
    ci : float, default 0.95
        Coverage of the normal-approximation intervals, in (0, 1).
    cluster : str, optional
        Column of clusters (e.g. ``"doc_id"``) for the cluster-robust variance; ``None``
        treats units as independent.
    bounds : (float, float), optional
        Clip the interval bounds (both methods; never the estimates) to this range, e.g.
        ``(0, 1)`` for shares or ``(-1, 1)`` for sentiment. Default: no clipping.

    Returns
    -------
    DataFrame
        One row per group, sorted by the ``by`` columns, then :data:`CORRECTED_COLUMNS`:
        ``n`` (units), ``n_coded`` (units with gold), ``n_clusters`` (clusters in the group; ``n``
        without ``cluster``), ``corrected`` (``n_coded > 0``; if False the estimate equals the
        uncorrected mean), ``estimate``, ``se``, ``ci_low``, ``ci_high`` (DSL), and
        ``uncorrected``, ``uncorrected_se``, ``uncorrected_ci_low``, ``uncorrected_ci_high``
        (mean of the predictions). ``se`` is NaN with fewer than two units (clusters).
        ``attrs`` holds ``ci``, ``cluster`` and ``bounds``.

    Raises
    ------
    ValueError
        A missing column; a prediction missing or not finite; gold present where ``pi`` is NaN,
        0 or above 1; ``ci`` outside (0, 1); NaN in ``cluster``.

    Warns
    -----
    UserWarning
        Groups without a coded unit (not corrected), and units with ``pi == 0``.

    Examples
    --------
    >>> units = pd.DataFrame({"pred": [1.0, 0.0, 1.0], "gold": [0.0, 0.0, None],
    ...                       "pi": [1.0, 0.5, None]})
    >>> t = corrected_mean(units, prediction="pred", gold="gold", pi="pi")
    >>> t[["n", "n_coded", "estimate", "se", "uncorrected"]].round(4).to_dict("records")
    [{'n': 3, 'n_coded': 2, 'estimate': 0.3333, 'se': 0.3333, 'uncorrected': 0.6667}]
    """
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ValueError(f"ci={ci!r}: the interval's coverage must be between 0 and 1 "
                         "(exclusive), e.g. ci=0.95 for a 95% interval")
    if bounds is not None:
        lo_b, hi_b = (float(b) for b in bounds)
        if not lo_b < hi_b:
            raise ValueError(f"bounds={bounds!r}: give (low, high) with low < high, e.g. (0, 1) "
                             "for a share, or bounds=None to clip nothing")
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    cols = [prediction, gold, pi, *keys, *([cluster] if cluster is not None else [])]
    require_columns(units, cols, name="corrected_mean() units", hint=_UNITS_HINT)

    yhat = _numeric(units, prediction, "prediction")
    y = _numeric(units, gold, "gold")
    p = _numeric(units, pi, "pi")
    bad = ~np.isfinite(yhat)
    if bad.any():
        raise ValueError(
            f"prediction column {prediction!r}: {int(bad.sum())} units have no finite "
            f"prediction (rows {_rows(units, bad)}); predict every unit, or drop units that "
            "are not part of the corpus before estimating")
    coded = ~np.isnan(y)
    if np.isinf(y[coded]).any():
        raise ValueError(f"gold column {gold!r} has infinite values (rows "
                         f"{_rows(units, coded & np.isinf(y))}); use NaN for units not coded")
    no_pi = coded & ~(p > 0)  # NaN compares False, so NaN counts as missing too
    if no_pi.any():
        raise ValueError(
            f"pi column {pi!r}: {int(no_pi.sum())} hand-coded units have an inclusion "
            f"probability that is 0 or NaN (rows {_rows(units, no_pi)}); a coded unit needs its "
            "probability in (0, 1]: compute it with inclusion_probabilities(), or set "
            f"{gold!r} to NaN for units the design did not draw")
    over = coded & (p > 1)
    if over.any():
        raise ValueError(
            f"pi column {pi!r}: {int(over.sum())} hand-coded units have an inclusion "
            f"probability above 1 (rows {_rows(units, over)}); pi is a probability in (0, 1] "
            "(if the column holds sampling weights 1/pi, pass their inverse)")
    zero = ~coded & (p == 0)
    if zero.any():
        warnings.warn(
            f"corrected_mean(): {int(zero.sum())} units have {pi}=0, so they could never be "
            "hand-coded and their predictions are never corrected (the estimate is biased "
            "wherever the classifier errs on them); give every unit a chance to be drawn, e.g. "
            "an 'any unit' stratum (see inclusion_probabilities())",
            UserWarning, stacklevel=2)
    if cluster is not None and units[cluster].isna().any():
        nan_c = units[cluster].isna().to_numpy()
        raise ValueError(f"cluster column {cluster!r}: {int(nan_c.sum())} units have no cluster "
                         f"(rows {_rows(units, nan_c)}); fill it (e.g. the document id)")

    out_cols = [*keys, *CORRECTED_COLUMNS]
    if units.empty:
        return _with_attrs(_empty(units, keys, out_cols), ci, cluster, bounds)

    # Y_tilde = Y_hat + R/pi (Y - Y_hat); where R = 0 the term is 0 (pi may be NaN there)
    ytil = yhat.copy()
    ytil[coded] += (y[coded] - yhat[coded]) / p[coded]

    if keys:
        grouped = units.groupby(keys, sort=True, dropna=False, observed=True)
        gid = grouped.ngroup().to_numpy()
        table = grouped.size().reset_index()[keys]
    else:
        gid = np.zeros(len(units), dtype=np.int64)
        table = pd.DataFrame(index=[0])
    n_groups = len(table)
    n = np.bincount(gid, minlength=n_groups)
    n_coded = np.bincount(gid, weights=coded.astype(float), minlength=n_groups).astype(np.int64)
    cl = None if cluster is None else pd.factorize(units[cluster])[0]
    est, var, n_clusters = _mean_var(ytil, gid, n, cl)
    raw, raw_var, _ = _mean_var(yhat, gid, n, cl)

    z = NormalDist().inv_cdf((1 + ci) / 2)
    se, raw_se = np.sqrt(var), np.sqrt(raw_var)
    table = table.assign(n=n.astype(np.int64), n_coded=n_coded,
                         n_clusters=n_clusters.astype(np.int64), corrected=n_coded > 0,
                         estimate=est, se=se, ci_low=est - z * se, ci_high=est + z * se,
                         uncorrected=raw, uncorrected_se=raw_se,
                         uncorrected_ci_low=raw - z * raw_se,
                         uncorrected_ci_high=raw + z * raw_se)
    if bounds is not None:
        for c in ("ci_low", "ci_high", "uncorrected_ci_low", "uncorrected_ci_high"):
            table[c] = table[c].clip(lo_b, hi_b)
    table = table[out_cols].reset_index(drop=True)

    missing = ~table["corrected"].to_numpy()
    if missing.any():
        names = [_group_name(table.iloc[i], keys) for i in np.flatnonzero(missing)[:5]]
        more = f" and {int(missing.sum()) - 5} more" if missing.sum() > 5 else ""
        warnings.warn(
            f"corrected_mean(): {int(missing.sum())} of {n_groups} groups have no hand-coded "
            f"unit, so their estimate is the uncorrected mean of {prediction!r} "
            f"(corrected=False, n_coded=0): {'; '.join(names)}{more}. To correct them, "
            "hand-code units from these groups (e.g. make the group a stratum of the sample, "
            "see inclusion_probabilities())", UserWarning, stacklevel=2)
    return _with_attrs(table, ci, cluster, bounds)


def _mean_var(v: np.ndarray, gid: np.ndarray, n: np.ndarray,
              cl: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-group mean, variance of the mean and number of clusters (vectorised over groups)."""
    k = len(n)
    mean = np.bincount(gid, weights=v, minlength=k) / n
    dev = v - mean[gid]
    with np.errstate(divide="ignore", invalid="ignore"):
        if cl is None:
            g = n.astype(float)
            var = np.bincount(gid, weights=dev ** 2, minlength=k) / (g * (g - 1))
        else:
            # sum the deviations within (group, cluster) pairs, then CR1 over the clusters
            pair = gid.astype(np.int64) * (int(cl.max()) + 1) + cl
            codes, uniq = pd.factorize(pair)
            csum = np.bincount(codes, weights=dev, minlength=len(uniq))
            pgid = uniq // (int(cl.max()) + 1)
            g = np.bincount(pgid, minlength=k).astype(float)
            var = g / (g - 1) * np.bincount(pgid, weights=csum ** 2, minlength=k) / n ** 2
    var = np.where(g > 1, var, np.nan)
    # rounding can leave a tiny negative zero-variance; a variance is >= 0
    return mean, np.maximum(var, 0.0), g


def _numeric(units: pd.DataFrame, col: str, role: str) -> np.ndarray:
    s = units[col]
    try:
        if s.dtype == object or pd.api.types.is_bool_dtype(s):
            # bool, nullable boolean and None objects -> 1.0/0.0/NaN
            s = s.astype(object).where(s.notna(), np.nan).astype("float64")
        return pd.to_numeric(s, errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise ValueError(f"{role} column {col!r} must be numeric (a probability, 0/1, a score, "
                         f"NaN where missing); it holds {s.dtype} values such as "
                         f"{s.dropna().iloc[:3].tolist()}") from None


def _rows(units: pd.DataFrame, mask: np.ndarray, k: int = 5) -> str:
    idx = units.index[mask].tolist()
    return ", ".join(map(repr, idx[:k])) + (f" and {len(idx) - k} more" if len(idx) > k else "")


def _group_name(row: pd.Series, keys: list[str]) -> str:
    # numpy scalars as plain Python values: year=2021, not year=np.int64(2021)
    vals = [row[k].item() if isinstance(row[k], np.generic) else row[k] for k in keys]
    return ", ".join(f"{k}={v!r}" for k, v in zip(keys, vals)) if keys else "all units"


def _empty(units: pd.DataFrame, keys: list[str], cols: list[str]) -> pd.DataFrame:
    out = {k: units[k].iloc[:0] for k in keys}
    for c in CORRECTED_COLUMNS:
        out[c] = pd.Series(dtype="int64" if c.startswith("n") else
                           bool if c == "corrected" else float)
    return pd.DataFrame(out)[cols]


def _with_attrs(table: pd.DataFrame, ci: float, cluster: str | None,
                bounds: tuple[float, float] | None) -> pd.DataFrame:
    table.attrs.update({"ci": ci, "cluster": cluster,
                        "bounds": None if bounds is None else tuple(bounds)})
    return table
