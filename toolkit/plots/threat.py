"""Figures of threat framing: validation, threat share over time, types, sources, co-framing,
where one document sits in the corpus distribution, and topics against the threat index.

Every function takes a tidy table (documented per function) and returns a matplotlib ``Figure``;
the single-axes ones (validation, over time, percentile, topic association) also draw on a given
``ax=`` and then return that ``Axes``, leaving layout and source line to the caller. ``source``
(the line under the figure) is ``None`` unless given: the project's figures pass their corpus's.

Examples
--------
>>> t = pd.DataFrame({"collection": ["ungd", "ungd"], "year": [2021, 2022],
...                   "mean": [0.05, 0.07], "ci_low": [0.04, 0.06], "ci_high": [0.06, 0.08]})
>>> plot_threat_over_time(t).axes[0].get_ylabel()
'threat sentences\\n(%, mean per document)'
>>> import matplotlib.pyplot as plt
>>> fig, (a, b) = plt.subplots(1, 2)
>>> plot_threat_over_time(t, ax=b) is b
True
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.plotting import (ACTOR_NAMES, COLLECTION_COLORS, COLLECTION_NAMES,  # noqa: F401
                              CORPUS_SOURCE, actor_name, axes_for, done, finish, plt, require)

__all__ = ["plot_attributions", "plot_coframing", "plot_percentile", "plot_threat_attributions",
           "plot_threat_over_time", "plot_threat_types", "plot_topic_association",
           "plot_validation"]


def plot_validation(table: pd.DataFrame, *, source: str | None = None, ax=None):
    """Toolkit scores beside the human coders' agreement, one pair of bars per measure.

    ``table``: ``measure`` (label), ``toolkit`` (score in [0, 1]), ``coders`` (agreement of two
    coders in [0, 1], NaN where not reported); optional ``cv_mean`` and ``cv_sd`` (the model's
    cross-validated score on the training split, drawn as a diamond with a +-1 sd bar).
    """
    require(table, ["measure", "toolkit", "coders"], "plot_validation()")
    t = table.reset_index(drop=True)
    fig, ax, owned = axes_for(ax, (6.8, 0.5 * len(t) + 1.3))
    y = np.arange(len(t))[::-1]
    ax.barh(y + 0.18, t["toolkit"], 0.36, label="toolkit vs gold", color="#4c72b0")
    ax.barh(y - 0.18, t["coders"].fillna(0), 0.36, label="coder 1 vs coder 2", color="#bbbbbb")
    for yy, v in zip(y, t["toolkit"]):
        ax.text(v + 0.01, yy + 0.18, f"{v:.2f}", va="center", fontsize=7)
    for yy, v in zip(y, t["coders"]):
        if pd.notna(v):
            ax.text(v + 0.01, yy - 0.18, f"{v:.2f}", va="center", fontsize=7)
    if "cv_mean" in t.columns and t["cv_mean"].notna().any():
        ok = t["cv_mean"].notna().to_numpy()
        ax.errorbar(t["cv_mean"][ok], y[ok] + 0.18, xerr=t["cv_sd"].fillna(0)[ok], fmt="D",
                    color="#dd8452", markersize=4, capsize=2, elinewidth=1,
                    label="model, 5-fold CV on train (+-1 sd)")
    ax.set_yticks(y, t["measure"], fontsize=8)
    ax.set_xlim(0, 1.1)
    ax.set_xlabel("score (0-1)")
    ax.set_title("Validation on the hand-coded dev set")
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(axis="x", alpha=0.3)
    return done(fig, ax, owned, source, bottom=0.16)


def plot_threat_over_time(table: pd.DataFrame, *, value: str = "mean", percent: bool = True,
                          ylabel: str = "threat sentences\n(%, mean per document)",
                          min_docs: int | None = None,
                          source: str | None = None, ax=None):
    """One line per collection over ``year`` with its bootstrap band.

    ``table``: ``collection``, ``year``, ``value`` (default ``mean``), ``ci_low``, ``ci_high``
    (and ``n_docs`` for ``min_docs``). ``min_docs``: years of a collection with fewer documents
    are left out of the lines and bands and named in a note under the plot (a year of a handful
    of documents has an interval that would set the scale); default ``None`` shows every year.
    """
    require(table, ["collection", "year", value], "plot_threat_over_time()")
    if min_docs is not None:
        require(table, ["n_docs"], "plot_threat_over_time(min_docs=...)")
        small = table["n_docs"] < min_docs
        dropped = table[small].sort_values(["collection", "year"])
        table = table[~small]
    fig, ax, owned = axes_for(ax, (7, 4))
    k = 100 if percent else 1
    for i, (c, part) in enumerate(table.groupby("collection", sort=True)):
        part = part.sort_values("year")
        color = COLLECTION_COLORS.get(c, f"C{i}")
        ax.plot(part["year"], part[value] * k, marker="o", color=color,
                label=COLLECTION_NAMES.get(c, c))
        if {"ci_low", "ci_high"} <= set(part.columns):
            ax.fill_between(part["year"], part["ci_low"] * k, part["ci_high"] * k, alpha=0.2,
                            color=color)
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Threat framing over time (95% bootstrap CI over documents)")
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    else:  # every year left out (min_docs) or an empty table
        ax.text(0.5, 0.5, "no year to show", ha="center", va="center", transform=ax.transAxes,
                color="0.4")
    if min_docs is not None and len(dropped):
        named = ", ".join(f"{COLLECTION_NAMES.get(r.collection, r.collection)} {int(r.year)} "
                          f"({int(r.n_docs)} documents)" for r in dropped.itertuples())
        source = (f"Not shown, fewer than {min_docs} documents: {named}."
                  + (f"\n{source}" if source else ""))
        if not owned:  # on the caller's axes the note goes under them, not under the figure
            ax.annotate(source.split("\n")[0], (0, -0.2), xycoords="axes fraction", fontsize=7,
                        va="top", color="0.3")
    return done(fig, ax, owned, source, bottom=0.16)


def plot_threat_types(table: pd.DataFrame, *, source: str | None = None):
    """Stacked bars: share of threat sentences per type and year, one panel per collection.

    ``table``: ``collection``, ``year``, ``threat_type``, ``share`` (of the year's threat
    sentences).
    """
    require(table, ["collection", "year", "threat_type", "share"], "plot_threat_types()")
    p = plt()
    colls = sorted(table["collection"].unique())
    types = sorted(table["threat_type"].unique())
    fig, axes = p.subplots(1, len(colls), figsize=(5.2 * len(colls) + 1.5, 3.8), squeeze=False,
                           sharey=True)
    for ax, c in zip(axes[0], colls):
        wide = (table[table["collection"] == c]
                .pivot_table(index="year", columns="threat_type", values="share", aggfunc="sum")
                .reindex(columns=types).fillna(0).sort_index())
        bottom = np.zeros(len(wide))
        for i, t in enumerate(types):
            ax.bar(wide.index.astype(str), wide[t] * 100, bottom=bottom, label=t,
                   color=f"C{i}")
            bottom += wide[t].to_numpy() * 100
        ax.set_title(COLLECTION_NAMES.get(c, c))
        ax.set_xlabel("year")
        ax.tick_params(axis="x", rotation=45, labelsize=8)
    axes[0][0].set_ylabel("% of threat sentences")
    axes[0][-1].legend(title="threat type", fontsize=7, loc="center left",
                       bbox_to_anchor=(1.0, 0.5))
    return finish(fig, source, bottom=0.2)


def plot_threat_attributions(table: pd.DataFrame, *, panel: str = "framer", value: str = "share_source",
                      ylabel: str = "% of the framer's threat sentences naming the actor as source",
                      title: str = "Who is framed as a threat source",
                      source: str | None = None):
    """Lines over ``year``: one panel per ``panel`` value (e.g. the framer), one line per actor.

    ``table``: ``panel``, ``year``, ``actor``, ``value`` and optionally ``ci_low``, ``ci_high``
    (the :func:`toolkit.threat_attributions` table by year).
    """
    require(table, [panel, "year", "actor", value], "plot_threat_attributions()")
    p = plt()
    panels = list(dict.fromkeys(table[panel]))
    fig, axes = p.subplots(1, len(panels), figsize=(4.6 * len(panels) + 1.6, 3.9),
                           squeeze=False, sharey=True)
    actors = sorted(table["actor"].unique())
    colors = {a: f"C{i % 10}" for i, a in enumerate(actors)}
    for ax, g in zip(axes[0], panels):
        sub = table[table[panel] == g]
        for a, part in sub.groupby("actor", sort=True):
            part = part.sort_values("year")
            ax.plot(part["year"], part[value] * 100, marker="o", ms=3, color=colors[a],
                    label=actor_name(a))
            if {"ci_low", "ci_high"} <= set(part.columns):
                ax.fill_between(part["year"], part["ci_low"] * 100, part["ci_high"] * 100,
                                alpha=0.15, color=colors[a])
        ax.set_title(str(g), fontsize=10)
        ax.set_xlabel("year")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.tick_params(axis="x", rotation=45, labelsize=8)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(ylabel, fontsize=8)
    handles, labels = [], []
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    axes[0][-1].legend(handles, labels, fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle(title, fontsize=11)
    return finish(fig, source, bottom=0.22)


def plot_coframing(table: pd.DataFrame, *,
                   actors_label: str = "China, Iran, North Korea and Russia",
                   source: str | None = None):
    """Co-framing per year and collection: share of documents (with CI) and sentences.

    ``table``: ``collection``, ``year``, ``share_docs``, ``ci_low``, ``ci_high``,
    ``sentences_coframing`` (the :func:`toolkit.coframing.coframing_by` table by
    ``["collection", "year"]``).
    """
    require(table, ["collection", "year", "share_docs", "sentences_coframing"], "plot_coframing()")
    p = plt()
    fig, axes = p.subplots(1, 2, figsize=(11, 3.9))
    colls = sorted(table["collection"].unique())
    years = sorted(table["year"].unique())
    width = 0.8 / max(len(colls), 1)
    x = np.arange(len(years))
    for i, c in enumerate(colls):
        part = table[table["collection"] == c].set_index("year").reindex(years)
        color = COLLECTION_COLORS.get(c, f"C{i}")
        name = COLLECTION_NAMES.get(c, c)
        axes[0].plot(years, part["share_docs"] * 100, marker="o", color=color, label=name)
        if {"ci_low", "ci_high"} <= set(part.columns):
            axes[0].fill_between(years, part["ci_low"] * 100, part["ci_high"] * 100, alpha=0.2,
                                 color=color)
        axes[1].bar(x + (i - (len(colls) - 1) / 2) * width,
                    part["sentences_coframing"].fillna(0), width, color=color, label=name)
    axes[0].set_ylabel("% of documents naming all four")
    axes[0].set_title("Documents (95% bootstrap CI)")
    axes[0].xaxis.get_major_locator().set_params(integer=True)
    axes[1].set_xticks(x, [str(y) for y in years], rotation=45, fontsize=8)
    axes[1].set_ylabel("sentences naming all four (count)")
    axes[1].set_title("Sentences")
    for ax in axes:
        ax.set_xlabel("year")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(f"The 'axis' framing: {actors_label} named together", fontsize=11)
    return finish(fig, source, bottom=0.2)


def plot_percentile(table: pd.DataFrame, *, value: str = "per_1000_words",
                    xlabel: str = "threat sentences per 1,000 words",
                    title: str = "Documents by threat density, highlighted documents marked",
                    source: str | None = None, ax=None):
    """Distribution of a per-document measure per collection, with highlighted documents.

    ``table``: ``doc_id``, ``collection``, ``value`` and ``highlight`` (bool): highlighted rows
    (e.g. the seed article) are drawn as vertical lines labelled with their percentile
    (``percentile`` column when present).
    """
    require(table, ["doc_id", "collection", value, "highlight"], "plot_percentile()")
    fig, ax, owned = axes_for(ax, (7, 4))
    base = table[~table["highlight"].astype(bool)].dropna(subset=[value])
    hi = table[table["highlight"].astype(bool)]
    top = float(np.nanmax(table[value])) if len(table) else 1.0
    bins = np.linspace(0, max(top, 1e-9), 40)
    for i, (c, part) in enumerate(base.groupby("collection", sort=True)):
        ax.hist(part[value], bins=bins, alpha=0.55, label=f"{COLLECTION_NAMES.get(c, c)} "
                f"(n={len(part):,})", color=COLLECTION_COLORS.get(c, f"C{i}"))
    for _, r in hi.iterrows():
        ax.axvline(r[value], color="#c44e52", linewidth=2)
        pct = f", percentile {r['percentile']:.0f}" if "percentile" in r and pd.notna(
            r.get("percentile")) else ""
        ax.text(r[value], ax.get_ylim()[1] * 0.95, f" {r.get('label', r['doc_id'])}{pct}",
                color="#c44e52", fontsize=8, va="top")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("documents")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="center right")
    ax.grid(alpha=0.3)
    return done(fig, ax, owned, source, bottom=0.16)


def plot_topic_association(table: pd.DataFrame, *, source: str | None = None,
                           percent: bool = True, ax=None):
    """Per topic: the document-weighted mean threat share against the corpus mean.

    ``table``: ``topic``, ``label``, ``weighted_mean``, ``mean`` (the
    :func:`toolkit.topic_association` table).
    """
    require(table, ["topic", "label", "weighted_mean", "mean"], "plot_topic_association()")
    t = table.sort_values("weighted_mean").reset_index(drop=True)
    k = 100 if percent else 1
    fig, ax, owned = axes_for(ax, (7.5, 0.3 * len(t) + 1.4))
    y = np.arange(len(t))
    colors = np.where(t["weighted_mean"] >= t["mean"], "#c44e52", "#4c72b0")
    ax.barh(y, t["weighted_mean"] * k, color=colors)
    ax.axvline(float(t["mean"].iloc[0]) * k, color="black", linewidth=1, linestyle="--",
               label="mean over documents")
    ax.set_yticks(y, [f"{a}: {b}" for a, b in zip(t["topic"], t["label"])], fontsize=7)
    ax.set_xlabel("threat sentences (% of sentences), topic-weighted mean")
    ax.set_title("Topics and threat framing")
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return done(fig, ax, owned, source, bottom=0.1)


#: The earlier name of :func:`plot_threat_attributions` (plots are named for the table they draw).
plot_attributions = plot_threat_attributions
