"""Figures for topic models: the k sweep, top terms, prevalence over time and by group.

Every function returns a matplotlib ``Figure`` (nothing is shown or saved); in JupyterLab the
figure displays itself, elsewhere call ``fig.savefig(path)``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _plt():
    import matplotlib.pyplot as plt

    return plt


def plot_sweep(table: pd.DataFrame):
    """NPMI, diversity and fit time against k, one line per model (the :func:`sweep` table)."""
    plt = _plt()
    need = {"model", "k", "npmi", "diversity"}
    if not need <= set(table.columns):
        raise ValueError(f"plot_sweep needs the sweep() table with columns {sorted(need)}")
    panels = [("npmi", "NPMI (top-10 terms)"), ("diversity", "topic diversity (top-25)")]
    if "fit_seconds" in table.columns:
        panels.append(("fit_seconds", "fit time (s)"))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False)
    for ax, (col, title) in zip(axes[0], panels):
        for model, part in table.groupby("model", sort=True):
            part = part.sort_values("k")
            ax.plot(part["k"], part[col], marker="o", label=model)
        ax.set_xlabel("number of topics k")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[0][0].legend(title="model")
    fig.tight_layout()
    return fig


def plot_topic_terms(model, n: int = 8, *, kind: str = "prob", ncols: int = 4):
    """Bar charts of each topic's top terms (``kind="prob"`` or ``"frex"``)."""
    plt = _plt()
    tt = model.topic_terms(n, kind=kind)
    topics = sorted(tt["topic"].unique())
    nrows = int(np.ceil(len(topics) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 0.28 * n * nrows + 0.9 * nrows),
                             squeeze=False)
    for ax in axes.ravel():
        ax.set_visible(False)
    for ax, k in zip(axes.ravel(), topics):
        part = tt[tt["topic"] == k].sort_values("rank", ascending=False)
        ax.set_visible(True)
        ax.barh(part["term"], part["weight"], color="C0")
        ax.set_title(f"{k}: {part['label'].iloc[0]}", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_xticks([])
    fig.tight_layout()
    return fig


def plot_topics_over_time(table: pd.DataFrame, *, topics: Sequence[int] | None = None,
                          top: int = 8, ax=None):
    """Prevalence per period (the :func:`topics_over_time` table), one line per topic.

    ``topics`` picks topics; by default the ``top`` topics with the largest range of
    prevalence over time (the ones that move). Bootstrap intervals are shaded when present.
    A table with a ``group`` column (``topics_over_time(..., by=...)``) gets one panel per group.
    """
    plt = _plt()
    need = {"period", "topic", "label", "prevalence"}
    if not need <= set(table.columns):
        raise ValueError(f"plot_topics_over_time needs columns {sorted(need)}")
    if topics is None:
        spread = table.groupby("topic")["prevalence"].agg(lambda s: s.max() - s.min())
        topics = list(spread.sort_values(ascending=False).index[:top])
    groups = sorted(table["group"].unique()) if "group" in table.columns else [None]
    if ax is None:
        fig, axes = plt.subplots(1, len(groups), figsize=(6 * len(groups) + 3, 4.5),
                                 sharey=True, squeeze=False)
        axes = list(axes[0])
    else:
        if len(groups) > 1:
            raise ValueError("pass ax=None for a table with several groups")
        fig, axes = ax.figure, [ax]
    xcol = "period_start" if "period_start" in table.columns else "period"
    for axis, group in zip(axes, groups):
        sub = table if group is None else table[table["group"] == group]
        for i, k in enumerate(topics):
            part = sub[sub["topic"] == k].sort_values(xcol)
            if part.empty:
                continue
            line, = axis.plot(part[xcol], part["prevalence"], marker="o", ms=3,
                              label=f"{k}: {part['label'].iloc[0]}", color=f"C{i % 10}")
            if {"ci_low", "ci_high"} <= set(part.columns):
                axis.fill_between(part[xcol], part["ci_low"], part["ci_high"], alpha=0.15,
                                  color=line.get_color())
        if group is not None:
            axis.set_title(str(group))
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("mean topic share of documents")
    handles, labels = axes[0].get_legend_handles_labels()
    for axis in axes[1:]:
        h, lab = axis.get_legend_handles_labels()
        for hh, ll in zip(h, lab):
            if ll not in labels:
                handles.append(hh)
                labels.append(ll)
    axes[-1].legend(handles, labels, fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    return fig


def plot_topics_by_group(table: pd.DataFrame, *, max_groups: int = 30, min_docs: int = 1,
                         ax=None):
    """Heat map of prevalence, groups by topics (the :func:`topics_by_group` table).

    Shows the ``max_groups`` groups with the most documents (and at least ``min_docs``).
    """
    plt = _plt()
    need = {"group", "topic", "label", "prevalence", "n_docs"}
    if not need <= set(table.columns):
        raise ValueError(f"plot_topics_by_group needs columns {sorted(need)}")
    sizes = table.groupby("group")["n_docs"].max()
    groups = list(sizes[sizes >= min_docs].sort_values(ascending=False).index[:max_groups])
    sub = table[table["group"].isin(groups)]
    grid = sub.pivot_table(index="group", columns="topic", values="prevalence").loc[groups]
    labels = table.drop_duplicates("topic").set_index("topic")["label"]
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(6, 0.45 * grid.shape[1] + 3),
                                        max(2.5, 0.35 * grid.shape[0] + 2.5)))
    else:
        fig = ax.figure
    im = ax.imshow(grid.to_numpy(), aspect="auto", cmap="viridis")
    ax.set_yticks(range(len(grid.index)))
    ax.set_yticklabels([f"{g} (n={sizes[g]})" for g in grid.index], fontsize=7)
    ax.set_xticks(range(grid.shape[1]))
    ax.set_xticklabels([f"{k}: {labels.get(k, k)}" for k in grid.columns], rotation=60,
                       ha="right", fontsize=7)
    fig.colorbar(im, ax=ax, label="mean topic share")
    fig.tight_layout()
    return fig
