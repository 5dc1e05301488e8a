"""Figures of an evaluation against gold data: confusion matrices and scores with intervals.

Each function takes the tidy table of :mod:`toolkit.evaluation.score_intervals`, draws on ``ax``
(a new figure if ``None``) and returns the Axes.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"gold": ["a", "a", "b", "b"], "predicted": ["a", "b", "a", "b"],
...                   "n": [8, 2, 1, 9]})
>>> ax = plot_confusion(t)
>>> ax.get_xlabel(), ax.get_ylabel()
('predicted', 'gold (coders)')
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from toolkit.errors import check_choice, require_columns
from toolkit.plots.base import plt

__all__ = ["plot_confusion", "plot_score_intervals"]


def plot_confusion(table: pd.DataFrame, *, normalize: Literal["gold", "none"] = "gold",
                   ax=None, title: str | None = None, cmap: str = "Blues"):
    """Heat map of a confusion table (gold labels in rows, predictions in columns).

    Parameters
    ----------
    table : DataFrame
        ``gold``, ``predicted``, ``n`` (:func:`toolkit.evaluation.score_intervals.confusion_table`).
    normalize : {"gold", "none"}, default "gold"
        ``"gold"`` colours each cell by its share of the gold row (the row's recall profile),
        which keeps rare classes readable; ``"none"`` by the count. Cells are labelled with the
        count either way.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    title : str, optional
        Axes title.
    cmap : str, default "Blues"
        Colour map.

    Returns
    -------
    matplotlib Axes
    """
    require_columns(table, ["gold", "predicted", "n"], name="plot_confusion()",
                    hint="Build the table with toolkit.evaluation.score_intervals.confusion_table.")
    check_choice("normalize", normalize, ["gold", "none"])
    labels = list(dict.fromkeys(list(table["gold"]) + list(table["predicted"])))
    m = (table.pivot_table(index="gold", columns="predicted", values="n", aggfunc="sum",
                           fill_value=0).reindex(index=labels, columns=labels, fill_value=0)
         .to_numpy(dtype=float))
    shade = m / np.maximum(m.sum(axis=1, keepdims=True), 1) if normalize == "gold" else m
    if ax is None:
        _, ax = plt().subplots(figsize=(1.1 * len(labels) + 1.6, 1.0 * len(labels) + 1.2))
    ax.imshow(shade, cmap=cmap, vmin=0, vmax=1 if normalize == "gold" else max(m.max(), 1))
    for i in range(len(labels)):
        for j in range(len(labels)):
            dark = shade[i, j] > (0.6 if normalize == "gold" else 0.6 * max(m.max(), 1))
            ax.text(j, i, f"{int(m[i, j])}", ha="center", va="center", fontsize=8,
                    color="white" if dark else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold (coders)")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_score_intervals(table: pd.DataFrame, *, scores=None, ax=None, title: str | None = None):
    """Point estimates with their bootstrap intervals, one row per score.

    Parameters
    ----------
    table : DataFrame
        ``score``, ``estimate``, ``ci_low``, ``ci_high``
        (:func:`toolkit.evaluation.score_intervals.bootstrap_scores`).
    scores : list of str, optional
        Scores to draw, in this order; default every row.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib Axes
    """
    require_columns(table, ["score", "estimate", "ci_low", "ci_high"],
                    name="plot_score_intervals()",
                    hint="Build the table with toolkit.evaluation.score_intervals.bootstrap_scores.")
    t = table.set_index("score")
    if scores is not None:
        missing = [s for s in scores if s not in t.index]
        if missing:
            raise ValueError(f"plot_score_intervals(): scores {missing} not in the table; it has "
                             f"{list(t.index)}")
        t = t.loc[list(scores)]
    t = t.reset_index()
    if ax is None:
        _, ax = plt().subplots(figsize=(6.0, 0.32 * len(t) + 1.0))
    y = np.arange(len(t))[::-1]
    ax.errorbar(t["estimate"], y, xerr=[t["estimate"] - t["ci_low"], t["ci_high"] - t["estimate"]],
                fmt="o", color="#4c72b0", capsize=2, markersize=4)
    ax.set_yticks(y, [s.replace("_", " ") for s in t["score"]], fontsize=8)
    ax.set_xlim(0, 1.02)
    level = f"{100 * float(t['ci'].iloc[0]):g}% " if "ci" in t.columns else ""
    ax.set_xlabel(f"score (0-1), {level}bootstrap interval over sentences")
    ax.grid(axis="x", alpha=0.3)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
