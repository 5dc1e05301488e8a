"""Figures that describe a corpus: documents and words over time per collection.

Examples
--------
>>> t = pd.DataFrame({"collection": ["ungd", "whitehouse"], "year": [2021, 2021],
...                   "documents": [190, 120], "words": [600000, 400000]})
>>> fig = plot_corpus_over_time(t)
>>> [ax.get_ylabel() for ax in fig.axes]
['documents', 'words (thousands)']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.plotting import (COLLECTION_COLORS, COLLECTION_NAMES, CORPUS_SOURCE, finish, plt,
                              require)

__all__ = ["corpus_by_year", "plot_corpus_over_time"]


def corpus_by_year(docs: pd.DataFrame, words: pd.Series | None = None) -> pd.DataFrame:
    """Documents (and words) per collection and year.

    Parameters
    ----------
    docs : DataFrame
        ``doc_id``, ``collection``, ``year``.
    words : Series, optional
        Words per document indexed by ``doc_id`` (e.g. the ``n_words`` of
        :func:`toolkit.threat_index`).

    Returns
    -------
    DataFrame
        ``collection``, ``year``, ``documents`` (and ``words``), sorted.

    Examples
    --------
    >>> d = pd.DataFrame({"doc_id": ["a", "b", "c"], "collection": ["x", "x", "y"],
    ...                   "year": [2020, 2020, 2021]})
    >>> corpus_by_year(d, pd.Series({"a": 10, "b": 5, "c": 7})).values.tolist()
    [['x', 2020, 2, 15], ['y', 2021, 1, 7]]
    """
    require(docs, ["doc_id", "collection", "year"], "corpus_by_year()")
    d = docs[["doc_id", "collection", "year"]].dropna(subset=["year"]).copy()
    d["year"] = d["year"].astype("int64")
    d["collection"] = d["collection"].astype(object)
    agg = {"documents": ("doc_id", "size")}
    if words is not None:
        d["_w"] = d["doc_id"].map(words).fillna(0).astype("int64")
        agg["words"] = ("_w", "sum")
    out = d.groupby(["collection", "year"], sort=True).agg(**agg).reset_index()
    return out.astype({c: "int64" for c in agg})


def plot_corpus_over_time(table: pd.DataFrame, *, source: str | None = None):
    """Bars of documents (and words, in thousands) per year, one colour per collection."""
    require(table, ["collection", "year", "documents"], "plot_corpus_over_time()")
    panels = [("documents", "documents", 1)]
    if "words" in table.columns:
        panels.append(("words", "words (thousands)", 1000))
    p = plt()
    fig, axes = p.subplots(1, len(panels), figsize=(5.2 * len(panels), 3.6), squeeze=False)
    years = sorted(table["year"].unique())
    colls = sorted(table["collection"].unique())
    width = 0.8 / max(len(colls), 1)
    x = np.arange(len(years))
    for ax, (col, label, scale) in zip(axes[0], panels):
        for i, c in enumerate(colls):
            part = table[table["collection"] == c].set_index("year")[col].reindex(years)
            ax.bar(x + (i - (len(colls) - 1) / 2) * width, part.fillna(0) / scale, width,
                   label=COLLECTION_NAMES.get(c, c), color=COLLECTION_COLORS.get(c, f"C{i}"))
        ax.set_xticks(x, [str(y) for y in years], rotation=45, fontsize=8)
        ax.set_xlabel("year")
        ax.set_ylabel(label)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_title("Documents per year")
    if len(panels) > 1:
        axes[0][1].set_title("Words per year")
    axes[0][0].legend(fontsize=8)
    return finish(fig, source, bottom=0.22)
