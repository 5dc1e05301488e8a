"""Frequencies over time and groups, and dispersion (where in the corpus a term occurs).

``term_frequency`` counts words, phrases and globs (the :func:`~toolkit.kwic.kwic` matcher, matches
inside one sentence, case-insensitive by default) per period or document group and normalises
them per 10,000 word tokens (``is_word``; punctuation is not counted in the totals).

``dispersion`` lists every hit of a term with its relative position in its document and computes
two dispersion statistics over the documents (the corpus parts):

* **Gries' DP** (deviation of proportions, Gries 2008): with ``s_i`` the share of the corpus' word
  tokens in document *i* and ``v_i`` the share of the term's hits in it,
  ``DP = 0.5 · Σ |v_i - s_i|``; 0 = spread exactly in proportion to document sizes, near 1 =
  concentrated in few documents. ``dp_norm = DP / (1 - min s_i)`` (Lijffijt & Gries 2012) scales
  it to 0..1.
* **Juilland's D** on relative frequencies ``p_i = f_i / size_i``:
  ``D = 1 - (sd(p) / mean(p)) / sqrt(n - 1)`` over the ``n`` documents with tokens (population
  standard deviation); 1 = even. With thousands of parts D crowds near 1; prefer DP there.

``range`` is the number of documents with at least one hit.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.attrs_table import AttrsTable
from toolkit.periods import period_of, too_coarse
from toolkit.kwic import META_COLUMNS, TokenIndex, as_index, attach_metadata, match_patterns

__all__ = ["dispersion", "plot_dispersion", "plot_frequency", "plot_term_frequency",
           "term_frequency"]

Period = Literal["year", "month", "quarter"]
_PERIODS = ("month", "quarter")  # from the date (toolkit.periods); "year" may be a column


def rate_column(per: float) -> str:
    """Name of the rate column: ``per_10k`` for ``per=10_000``, ``per_1m``, ``per_1k``, ..."""
    names = {1_000: "per_1k", 10_000: "per_10k", 100_000: "per_100k", 1_000_000: "per_1m"}
    return names.get(per, f"per_{per:g}")


def _group_table(docs: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``doc_id`` plus one column per grouping key (periods derived from ``date``)."""
    if "doc_id" not in docs.columns:
        raise ValueError("docs needs a 'doc_id' column (pass the table from read_corpus())")
    out = pd.DataFrame({"doc_id": docs["doc_id"].to_numpy(dtype=object)})
    keep = np.ones(len(docs), dtype=bool)
    for key in by:
        if key in _PERIODS:
            if "date" not in docs.columns:
                raise ValueError(f"by={key!r} needs the documents' 'date' column")
            coarse = too_coarse(docs, key).to_numpy()
            if coarse.any():
                warnings.warn(f"by={key!r}: {int(coarse.sum())} documents dated only to the "
                              f"year are left out", UserWarning, stacklevel=3)
                keep &= ~coarse
            out[key] = period_of(docs, key, kind="start").to_numpy()
        elif key == "year" and "year" not in docs.columns:
            if "date" not in docs.columns:
                raise ValueError("by='year' needs the documents' 'year' or 'date' column")
            out[key] = pd.to_datetime(docs["date"]).dt.year.astype("Int64").to_numpy()
        elif key in docs.columns:
            out[key] = docs[key].to_numpy()
        else:
            raise ValueError(f"by={key!r}: not a column of docs nor one of 'year', 'month', "
                             f"'quarter'; columns are {[c for c in docs.columns if c != 'text']}")
    return out[keep]


def term_frequency(tokens: pd.DataFrame | TokenIndex, docs: pd.DataFrame,
                   terms: str | Sequence[str], *, by: Period | str | Sequence[str] = "year",
                   per: float = 10_000, case: bool = False) -> pd.DataFrame:
    """Relative frequency of terms (words, phrases, globs) per period or document group.

    Parameters
    ----------
    tokens : DataFrame or TokenIndex
        The tokens table or its :func:`~toolkit.kwic.token_index`.
    docs : DataFrame
        The documents table (grouping columns, dates).
    terms : str or list of str
        Patterns as in :func:`~toolkit.kwic.kwic` (``"threat*"``, ``"war of aggression"``); each
        is counted separately (a phrase match counts once).
    by : str or list of str, default "year"
        ``"year"``, ``"month"``, ``"quarter"`` (from ``date``; documents dated only to the year
        are left out of month and quarter groups, with a warning) or any documents column
        (``"collection"``, ``"speaker"``, ``"country"``, ``"iso3"``), or a list of them.
        Documents with a missing group value are left out.
    per : float, default 10_000
        Normalisation base (word tokens).
    case : bool, default False
        Match case-sensitively.

    Returns
    -------
    DataFrame
        The group column(s), ``term`` (the pattern), ``count``, ``total_tokens`` (word tokens
        of the group) and ``per_10k`` (``count / total_tokens * per``; the name follows ``per``:
        ``per_1m`` for a million). Every group appears for every term (count 0 when absent).
        ``attrs["per"]`` and ``attrs["rate_column"]`` record the base.

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> docs = read_corpus("corpus/seed", progress=False)
    >>> tf = term_frequency(tokens(docs, progress=False), docs, ["russia*", "china"])
    >>> tf[["year", "term", "count"]].values.tolist()
    [[2025, 'russia*', 7], [2025, 'china', 2]]
    """
    by_list = [by] if isinstance(by, str) else list(by)
    if not by_list:
        raise ValueError("by is empty: give a period or documents column")
    if not (isinstance(per, int | float) and per > 0):
        raise ValueError(f"per must be a positive number, got {per!r}")
    index, _ = as_index(tokens)
    m = match_patterns(index, terms, case=case, unit="sentence")
    groups = _group_table(docs, by_list)
    n_docs, n_pat = len(index.doc_ids), len(m.patterns)
    counts = np.bincount(index.doc[m.first].astype(np.int64) * n_pat + m.pattern,
                         minlength=n_docs * n_pat).reshape(n_docs, n_pat)
    sizes = np.bincount(index.doc[index.is_word], minlength=n_docs)
    pos = pd.Index(index.doc_ids).get_indexer(groups["doc_id"])
    has = pos >= 0
    per_doc = groups.assign(_size=np.where(has, sizes[np.where(has, pos, 0)], 0))
    for k in range(n_pat):
        per_doc[f"_c{k}"] = np.where(has, counts[np.where(has, pos, 0), k], 0)
    agg = per_doc.drop(columns="doc_id").groupby(by_list, dropna=True, sort=True,
                                                 observed=True).sum()
    rate = rate_column(per)
    parts = []
    for k, pattern in enumerate(m.patterns):
        part = agg[[f"_c{k}", "_size"]].rename(columns={f"_c{k}": "count",
                                                        "_size": "total_tokens"}).reset_index()
        part.insert(len(by_list), "term", pattern)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["term"] = out["term"].astype("str")
    out["count"] = out["count"].astype(np.int64)
    out["total_tokens"] = out["total_tokens"].astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[rate] = np.where(out["total_tokens"] > 0,
                             out["count"] / out["total_tokens"].where(out["total_tokens"] > 0)
                             * per, np.nan)
    out = out.sort_values([*by_list], kind="stable").reset_index(drop=True)
    out.attrs.update({"per": per, "rate_column": rate, "by": by_list})
    return out


def plot_term_frequency(df: pd.DataFrame, *, ax=None):
    """Line plot of a :func:`term_frequency` table: rate over the (first) group, one line per
    term (a bar chart when the group is not a number or date; a second group column sets the line
    style).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"year": [2020, 2021], "term": ["war", "war"], "count": [1, 3],
    ...                    "total_tokens": [100, 100], "per_10k": [100.0, 300.0]})
    >>> plot_term_frequency(df).get_ylabel()
    'per 10,000 words'
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    rate = df.attrs.get("rate_column") or next((c for c in df.columns if c.startswith("per_")),
                                               None)
    if rate is None or "term" not in df.columns:
        raise ValueError("plot_term_frequency() needs a term_frequency() table")
    groups = df.attrs.get("by") or [c for c in df.columns[:list(df.columns).index("term")]]
    x = groups[0]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4))
    data = df.dropna(subset=[rate])
    temporal = pd.api.types.is_numeric_dtype(data[x]) or pd.api.types.is_datetime64_any_dtype(
        data[x])
    if temporal:
        style = groups[1] if len(groups) > 1 else None
        sns.lineplot(data=data, x=x, y=rate, hue="term", style=style, marker="o", ax=ax)
        if pd.api.types.is_integer_dtype(data[x]):
            ax.xaxis.get_major_locator().set_params(integer=True)
    else:
        plot_data = data.assign(**{x: data[x].astype(str)})
        sns.barplot(data=plot_data, x=x, y=rate, hue="term", ax=ax)
        ax.tick_params(axis="x", labelrotation=45)
    per = df.attrs.get("per", 10_000)
    ax.set_xlabel(x)
    ax.set_ylabel(f"per {per:,.0f} words")
    ax.set_title("Term frequency by " + " and ".join(groups))
    ax.figure.tight_layout()
    return ax


# --------------------------------------------------------------------------------------------
# Dispersion
# --------------------------------------------------------------------------------------------

HIT_COLUMNS = ["doc_id", "sent_id", "token_id", "start", "end", "term", "keyword", "n_tokens",
               "position"]


def _doc_lengths(index: TokenIndex) -> np.ndarray:
    """Tokens per document code (``max(token_id) + 1``)."""
    _, _, ends = index.segments("document")
    lengths = np.zeros(len(index.doc_ids), dtype=np.int64)
    if len(ends):
        last = ends - 1
        np.maximum.at(lengths, index.doc[last], index.token_id[last] + 1)
    return lengths


def dispersion_stats(freq: np.ndarray, sizes: np.ndarray) -> dict[str, float]:
    """Range, Gries' DP, DP_norm and Juilland's D of per-document frequencies and sizes.

    Examples
    --------
    >>> d = dispersion_stats(np.array([2, 0]), np.array([50, 50]))
    >>> d["range"], d["dp"], d["dp_norm"]
    (1, 0.5, 1.0)
    """
    freq = np.asarray(freq, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    total, corpus = freq.sum(), sizes.sum()
    out = {"freq": int(total), "range": int((freq > 0).sum()), "n_docs": int(len(freq)),
           "dp": np.nan, "dp_norm": np.nan, "juilland_d": np.nan}
    if total <= 0 or corpus <= 0:
        return out
    s = sizes / corpus
    v = freq / total
    dp = 0.5 * np.abs(v - s).sum()
    out["dp"] = float(dp)
    smallest = s.min()
    out["dp_norm"] = float(dp / (1 - smallest)) if smallest < 1 else np.nan
    parts = sizes > 0
    n = int(parts.sum())
    if n >= 2:
        p = freq[parts] / sizes[parts]
        mean = p.mean()
        if mean > 0:
            out["juilland_d"] = float(1 - (p.std() / mean) / np.sqrt(n - 1))
    return out


def dispersion(tokens: pd.DataFrame | TokenIndex, term: str | Sequence[str], *,
               docs: pd.DataFrame | None = None, case: bool = False) -> pd.DataFrame:
    """Where a term occurs: every hit with its relative position in its document, plus
    dispersion statistics over the documents.

    Parameters
    ----------
    tokens : DataFrame or TokenIndex
        The tokens table or its :func:`~toolkit.kwic.token_index`.
    term : str or list of str
        Patterns as in :func:`~toolkit.kwic.kwic`; each gets its own statistics.
    docs : DataFrame, optional
        The documents table: the corpus parts are its documents (those without tokens count
        with size 0) and its metadata (``collection``, ``date``, ``title``, ...) is attached to
        the hits. Default: the documents of the tokens table.
    case : bool, default False
        Match case-sensitively.

    Returns
    -------
    DataFrame
        One row per hit: ``doc_id``, ``sent_id``, ``token_id``, ``start``, ``end``, ``term``
        (the pattern), ``keyword`` (the matched text), ``n_tokens`` (the document's length in
        tokens) and ``position`` (``token_id / (n_tokens - 1)``: 0 = first token, 1 = last), then
        the document columns. ``attrs["stats"]`` is a DataFrame with one row per term: ``term``,
        ``freq``, ``range`` (documents with a hit), ``n_docs`` (parts), ``dp`` (Gries' DP),
        ``dp_norm`` and ``juilland_d`` (see the module docstring).

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> docs = read_corpus("corpus/seed", progress=False)
    >>> hits = dispersion(tokens(docs, progress=False), "ukraine", docs=docs)
    >>> len(hits), round(float(hits["position"].min()), 2), hits.attrs["stats"]["range"].tolist()
    (5, 0.38, [1])
    """
    index, data_docs = as_index(tokens)
    docs = docs if docs is not None else data_docs
    m = match_patterns(index, term, case=case, unit="sentence")
    lengths = _doc_lengths(index)
    dc = index.doc[m.first]
    n_tok = lengths[dc]
    tid = index.token_id[m.first]
    hits = pd.DataFrame({
        "doc_id": pd.Series(index.doc_ids[dc], dtype=index.doc_dtype),
        "sent_id": index.sent[m.first], "token_id": tid,
        "start": index.start[m.first], "end": index.end[m.last],
        "term": pd.Series(np.asarray(m.patterns, dtype=object)[m.pattern], dtype="str"),
        "keyword": pd.Series(index.join(m.first, m.last + 1), dtype="str"),
        "n_tokens": n_tok.astype(np.int64),
        "position": tid / np.maximum(n_tok - 1, 1),
    }, columns=HIT_COLUMNS)
    sizes = np.bincount(index.doc[index.is_word], minlength=len(index.doc_ids))
    if docs is not None:
        part_ids = pd.Index(pd.unique(np.asarray(docs["doc_id"], dtype=object)))
        pos = pd.Index(index.doc_ids).get_indexer(part_ids)
        part_sizes = np.where(pos >= 0, sizes[np.where(pos >= 0, pos, 0)], 0)
    else:
        pos = np.arange(len(index.doc_ids))
        part_sizes = sizes
    rows = []
    for k, pattern in enumerate(m.patterns):
        per_doc = np.bincount(dc[m.pattern == k], minlength=len(index.doc_ids))
        freq = np.where(pos >= 0, per_doc[np.where(pos >= 0, pos, 0)], 0)
        rows.append({"term": pattern, **dispersion_stats(freq, part_sizes)})
    stats = pd.DataFrame(rows, columns=["term", "freq", "range", "n_docs", "dp", "dp_norm",
                                        "juilland_d"])
    if docs is not None:
        hits = attach_metadata(hits, docs, META_COLUMNS)
    hits.attrs["stats"] = AttrsTable(stats)
    return hits


def plot_dispersion(df: pd.DataFrame, *, max_docs: int = 30, label: str | None = None, ax=None):
    """Lexical dispersion ("x-ray") plot of a :func:`dispersion` table: one row per document, a
    tick at the relative position of each hit (colour = term). With more than ``max_docs``
    documents the ones with most hits are shown.

    Parameters
    ----------
    df : DataFrame
        A :func:`dispersion` table.
    max_docs : int, default 30
        Rows (documents) shown.
    label : str, optional
        Column naming the rows (default ``title`` when present, else ``doc_id``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from toolkit import read_corpus, tokens
    >>> docs = read_corpus("corpus/seed", progress=False)
    >>> ax = plot_dispersion(dispersion(tokens(docs, progress=False), ["russia*", "ukraine"]))
    >>> ax.get_xlabel()
    'relative position in document (0 = start, 1 = end)'
    """
    import matplotlib.pyplot as plt

    if not {"doc_id", "position", "term"} <= set(df.columns):
        raise ValueError("plot_dispersion() needs a dispersion() table")
    label = label or ("title" if "title" in df.columns else "doc_id")
    order = df.groupby("doc_id", sort=False).size().sort_values(ascending=False, kind="stable")
    keep = list(order.index[:max_docs])
    if "date" in df.columns:
        first_date = df.groupby("doc_id", sort=False)["date"].first()
        keep = sorted(keep, key=lambda d: (pd.isna(first_date[d]), first_date[d]
                                           if not pd.isna(first_date[d]) else 0, str(d)))
    rows = {d: i for i, d in enumerate(keep)}
    shown = df[df["doc_id"].isin(keep)]
    names = shown.groupby("doc_id", sort=False)[label].first() if label in shown.columns else {}
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.32 * max(len(keep), 3) + 1.4))
    terms = list(dict.fromkeys(df["term"]))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, t in enumerate(terms):
        part = shown[shown["term"] == t]
        ax.scatter(part["position"], part["doc_id"].map(rows), marker="|", s=160,
                   color=colors[k % len(colors)], label=t, linewidths=1.5)
    ax.set_yticks(range(len(keep)))
    ax.set_yticklabels([_short(str(names[d]) if d in names else str(d)) for d in keep],
                       fontsize="small")
    ax.set_ylim(len(keep) - 0.5, -0.5)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("relative position in document (0 = start, 1 = end)")
    ax.set_ylabel("document")
    stats = df.attrs.get("stats")
    title = "Dispersion of " + ", ".join(repr(t) for t in terms)
    if isinstance(stats, pd.DataFrame) and len(stats) == 1 and not stats["dp"].isna().all():
        title += f" (range {int(stats['range'].iloc[0])} docs, DP {stats['dp'].iloc[0]:.2f})"
    ax.set_title(title)
    if len(terms) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    if len(order) > len(keep):
        ax.text(1.0, -0.08, f"{len(keep)} of {len(order)} documents with hits shown",
                transform=ax.transAxes, ha="right", va="top", fontsize="x-small")
    ax.figure.tight_layout()
    return ax


def _short(s: str, n: int = 45) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


#: The earlier name of :func:`plot_term_frequency` (plots are named for the table they draw).
plot_frequency = plot_term_frequency
