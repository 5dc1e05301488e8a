"""Figures of sentiment toward actors: over time and by speaking country, with bootstrap CIs.

Both take the :func:`toolkit.sentiment_by` table (``actor``, the group columns, ``n``, ``mean``,
``ci_low``, ``ci_high``) and return a matplotlib ``Figure``.

Examples
--------
>>> t = pd.DataFrame({"actor": ["RUS", "RUS"], "year": [2021, 2022], "n": [10, 12],
...                   "mean": [-0.2, -0.5], "ci_low": [-0.3, -0.6], "ci_high": [-0.1, -0.4]})
>>> plot_sentiment_over_time(t).axes[0].get_ylabel()
'mean sentiment score (-1 to 1)'
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.plotting import COLLECTION_NAMES, CORPUS_SOURCE, actor_name, finish, plt, require

__all__ = ["plot_sentiment_by_country", "plot_sentiment_over_time"]


def plot_sentiment_over_time(table: pd.DataFrame, *, panel: str | None = None,
                             source: str | None = None,
                             title: str = "Sentiment toward actors over time"):
    """One line per actor over ``year`` with its 95% bootstrap band; one panel per ``panel``
    value (default ``collection`` when the table has it)."""
    require(table, ["actor", "year", "mean"], "plot_sentiment_over_time()")
    if panel is None and "collection" in table.columns:
        panel = "collection"
    groups = sorted(table[panel].unique()) if panel else [None]
    p = plt()
    fig, axes = p.subplots(1, len(groups), figsize=(5 * len(groups) + 1.6, 3.9), squeeze=False,
                           sharey=True)
    actors = sorted(table["actor"].unique())
    colors = {a: f"C{i % 10}" for i, a in enumerate(actors)}
    for ax, g in zip(axes[0], groups):
        sub = table if g is None else table[table[panel] == g]
        for a, part in sub.groupby("actor", sort=True):
            part = part.sort_values("year")
            ax.plot(part["year"], part["mean"], marker="o", ms=3, color=colors[a], label=actor_name(a))
            if {"ci_low", "ci_high"} <= set(part.columns):
                ax.fill_between(part["year"], part["ci_low"], part["ci_high"], alpha=0.15,
                                color=colors[a])
        ax.axhline(0, color="black", linewidth=0.7)
        if g is not None:
            ax.set_title(COLLECTION_NAMES.get(g, str(g)), fontsize=10)
        ax.set_xlabel("year")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(axis="x", rotation=45, labelsize=8)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("mean sentiment score (-1 to 1)")
    handles, labels = [], []
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    axes[0][-1].legend(handles, labels, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle(title + " (95% bootstrap CI over documents)", fontsize=11)
    return finish(fig, source, bottom=0.2)


def plot_sentiment_by_country(table: pd.DataFrame, *, by: str = "iso3",
                              source: str | None = None,
                              title: str = "Sentiment toward actors by speaking state",
                              **renamed):
    """Dot plot with 95% intervals: mean sentiment toward each actor per ``by`` (speaking
    state), one panel per actor, sorted by the mean. (``group=`` is the earlier name of ``by=``
    and still works, with a ``FutureWarning``.)"""
    from toolkit.renamed import take_renamed

    group = take_renamed("plot_sentiment_by_country", renamed, {"group": "by"}, {"by": by},
                         {"by": "iso3"})["by"]
    require(table, ["actor", group, "mean", "ci_low", "ci_high"], "plot_sentiment_by_country()")
    p = plt()
    actors = sorted(table["actor"].unique())
    nmax = int(table.groupby("actor").size().max()) if len(table) else 1
    fig, axes = p.subplots(1, len(actors), figsize=(3.6 * len(actors) + 0.8, 0.2 * nmax + 1.8),
                           squeeze=False)
    for ax, a in zip(axes[0], actors):
        part = table[table["actor"] == a].sort_values(["mean", group]).reset_index(drop=True)
        y = np.arange(len(part))
        ax.errorbar(part["mean"], y, xerr=[part["mean"] - part["ci_low"],
                                           part["ci_high"] - part["mean"]],
                    fmt="o", ms=3, color="#4c72b0", ecolor="0.6", elinewidth=1)
        ax.set_yticks(y, part[group].astype(str), fontsize=7)
        ax.axvline(0, color="black", linewidth=0.7)
        ax.set_title(f"toward {actor_name(a)}", fontsize=10)
        ax.set_xlabel("mean sentiment (-1 to 1)")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].set_ylabel("speaking state (ISO3)")
    fig.suptitle(title + " (95% bootstrap CI)", fontsize=11)
    return finish(fig, source, bottom=0.1)
