"""Figures of validated measurement: corrected (DSL) group estimates beside the uncorrected ones.

Takes the :func:`toolkit.evaluation.corrected.corrected_mean` table and returns a matplotlib
``Axes`` (drawn into ``ax=`` when given), so it can be one panel of a larger figure.

Examples
--------
>>> t = pd.DataFrame({"year": [2021, 2022], "n": [50, 60], "n_coded": [5, 0],
...                   "corrected": [True, False], "estimate": [0.12, 0.30],
...                   "ci_low": [0.05, 0.27], "ci_high": [0.19, 0.33], "uncorrected": [0.20, 0.30],
...                   "uncorrected_ci_low": [0.17, 0.27], "uncorrected_ci_high": [0.23, 0.33]})
>>> ax = plot_corrected_mean(t)
>>> len(ax.containers), ax.get_xlabel()
(2, 'year')
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.evaluation.corrected import CORRECTED_COLUMNS
from toolkit.plots.base import add_source, finish, plt, require

__all__ = ["plot_corrected_mean"]

#: Columns :func:`plot_corrected_mean` needs (all in ``CORRECTED_COLUMNS``).
_NEEDED = ["estimate", "ci_low", "ci_high", "uncorrected", "uncorrected_ci_low",
           "uncorrected_ci_high"]
#: Statistic columns of the corrected_mean table; every other column is a group column.
_STATS = set(CORRECTED_COLUMNS)


def plot_corrected_mean(table: pd.DataFrame, *, x: str | None = None, hue: str | None = None,
                        ax=None, percent: bool = False, xlabel: str | None = None,
                        ylabel: str | None = None, title: str | None = None,
                        source: str | None = None):
    """Corrected estimates with their intervals, the uncorrected ones offset beside them.

    Per position on the x axis: a filled circle with error bar (the corrected estimate and its
    interval) and a hollow square with a thinner error bar (the mean of the predictions with its
    naive interval, which ignores the classifier's bias). A group without coded units
    (``corrected`` False) gets only its uncorrected marker, labelled "not coded".

    Parameters
    ----------
    table : DataFrame
        The :func:`~toolkit.evaluation.corrected.corrected_mean` table: ``estimate``, ``ci_low``,
        ``ci_high``, ``uncorrected``, ``uncorrected_ci_low``, ``uncorrected_ci_high``, optional
        ``corrected``, and the group columns.
    x : str, optional
        Column for the x axis; numeric values (years) are placed on a numeric axis, others as
        categories in table order. Default: the one group column not used by ``hue``; with
        several, their values joined ("ungd, 2021"); with none, one position "all".
    hue : str, optional
        Group column drawn as one colour per value (e.g. ``"collection"`` with ``x="year"``).
    ax : matplotlib Axes, optional
        Draw here; default: a new figure.
    percent : bool, default False
        Multiply values by 100 (for shares).
    xlabel, ylabel, title : str, optional
        Axis labels and title; defaults name the columns and the interval's level.
    source : str, optional
        Source line under the figure (none by default).

    Returns
    -------
    matplotlib Axes
        Two error-bar containers per ``hue`` value (corrected first, then uncorrected).

    Raises
    ------
    ValueError
        Missing columns, or two rows at the same ``x`` (and ``hue``): pass ``hue=`` or filter.
    """
    require(table, _NEEDED, "plot_corrected_mean()")
    group_cols = [c for c in table.columns if c not in _STATS]
    if hue is not None:
        require(table, [hue], "plot_corrected_mean(hue=...)")
    if x is not None:
        require(table, [x], "plot_corrected_mean(x=...)")
    t = table.reset_index(drop=True)
    others = [c for c in group_cols if c != hue]
    if x is None and len(others) == 1:
        x = others[0]
    if x is not None:
        xs = t[x]
    elif others:
        xs = t[others].astype(str).agg(", ".join, axis=1)
    else:
        xs = pd.Series(["all"] * len(t))
    dup = pd.DataFrame({"x": xs, "h": t[hue] if hue else 0}).duplicated()
    if dup.any():
        rest = [c for c in group_cols if c not in (x, hue)]
        raise ValueError(f"plot_corrected_mean(): {int(dup.sum())} rows share an x position "
                         f"(x={x!r}, hue={hue!r}); pass hue= for another group column "
                         f"{rest} or filter the table to one value of it")

    numeric = (pd.api.types.is_numeric_dtype(xs) and not pd.api.types.is_bool_dtype(xs))
    if numeric:
        pos = xs.to_numpy(dtype=float)
        uniq = np.unique(pos)
        step = float(np.min(np.diff(uniq))) if len(uniq) > 1 else 1.0
    else:
        cats = list(dict.fromkeys(xs.astype(str)))
        pos = xs.astype(str).map({c: i for i, c in enumerate(cats)}).to_numpy(dtype=float)
        step = 1.0

    created = ax is None
    if created:
        n_pos = len(np.unique(pos))
        _, ax = plt().subplots(figsize=(min(max(4.5, 0.55 * n_pos + 2.5), 14), 3.8))
    k = 100.0 if percent else 1.0
    hues = list(dict.fromkeys(t[hue])) if hue else [None]
    slots = 2 * len(hues)
    width = 0.6 * step / slots  # every marker of one position within 60% of the spacing
    corrected = (t["corrected"].astype(bool).to_numpy() if "corrected" in t.columns
                 else np.ones(len(t), dtype=bool))
    for h_i, h in enumerate(hues):
        rows = np.ones(len(t), dtype=bool) if h is None else (t[hue] == h).to_numpy()
        color = "#4c72b0" if h is None else f"C{h_i % 10}"
        raw_color = "0.4" if h is None else color
        tag = "" if h is None else f"{h}: "
        for kind, slot in (("corrected", 2 * h_i), ("uncorrected", 2 * h_i + 1)):
            off = (slot - (slots - 1) / 2) * width
            if kind == "corrected":
                sel = rows & corrected
                mid, lo, hi = (t[c].to_numpy(dtype=float) for c in ("estimate", "ci_low",
                                                                    "ci_high"))
                style = dict(fmt="o", color=color, elinewidth=1.6, markersize=5,
                             label=f"{tag}corrected (DSL)")
            else:
                sel = rows
                mid, lo, hi = (t[c].to_numpy(dtype=float) for c in (
                    "uncorrected", "uncorrected_ci_low", "uncorrected_ci_high"))
                style = dict(fmt="s", color=raw_color, mfc="white", elinewidth=1, markersize=4,
                             label=f"{tag}uncorrected (predictions)")
            # a clipped bound (bounds=) can sit on the other side of the estimate: no bar there
            yerr = np.clip(np.vstack([mid - lo, hi - mid])[:, sel] * k, 0, None)
            ax.errorbar(pos[sel] + off, mid[sel] * k, yerr=yerr, capsize=2.5, **style)
            if kind == "uncorrected":
                for px, py in zip(pos[sel & ~corrected] + off, mid[sel & ~corrected] * k):
                    ax.annotate("not coded", (px, py), xytext=(3, 3),
                                textcoords="offset points", fontsize=7, color="0.35")
    if numeric:
        if np.allclose(pos, np.round(pos)):
            ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        ax.set_xticks(range(len(cats)), cats, rotation=45 if len(cats) > 6 else 0,
                      ha="right" if len(cats) > 6 else "center", fontsize=8)
    level = table.attrs.get("ci")
    level_txt = f"{level:.0%} CI" if isinstance(level, float) else "CI"
    ax.set_xlabel(xlabel if xlabel is not None else (x or ", ".join(others)))
    ax.set_ylabel(ylabel if ylabel is not None else ("estimate (%)" if percent else "estimate"))
    ax.set_title(title if title is not None else
                 f"Corrected and uncorrected estimates ({level_txt})", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    if created:
        finish(ax.figure, source, bottom=0.16)
    elif source:
        add_source(ax.figure, source)
    return ax
